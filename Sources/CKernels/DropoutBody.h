// ck_dropout_mask (Dropout.c), written once for both forms: D_* are the form's 32-bit integer
// operations on VW lanes (defined by Dropout.c beside the Form*.h names).

F_TARGET static void F(dropout_mask)(float *mask, long count, unsigned threshold, float scale, unsigned long long key) {
    const unsigned mixed = (unsigned)key ^ (unsigned)(key >> 32);
    const D_INT golden = D_SET1(0x9E3779B9u), m1 = D_SET1(0x85EBCA6Bu), m2 = D_SET1(0xC2B2AE35u);
    const D_INT step = D_SET1((unsigned)VW), base = D_SET1(mixed), limit = D_SET1(threshold);
    unsigned bits;
    memcpy(&bits, &scale, sizeof bits);
    const D_INT scale_bits = D_SET1(bits);
    D_INT index = D_LANES();
    long i = 0;
    for (; i + VW <= count; i += VW, index = D_ADD(index, step)) {
        D_INT h = D_ADD(D_MUL(index, golden), base);
        h = D_XOR(h, D_SRL(h, 16));
        h = D_MUL(h, m1);
        h = D_XOR(h, D_SRL(h, 13));
        h = D_MUL(h, m2);
        h = D_XOR(h, D_SRL(h, 16));
        // u >= threshold as unsigned 24-bit values (both below 2^31: a signed compare is exact)
        const D_INT u = D_SRL(h, 8);
        D_STORE_KEPT(mask + i, u, limit, scale_bits);
    }
    for (; i < count; i++) {
        unsigned h = (unsigned)i * 0x9E3779B9u + mixed;
        h ^= h >> 16; h *= 0x85EBCA6Bu; h ^= h >> 13; h *= 0xC2B2AE35u; h ^= h >> 16;
        mask[i] = (h >> 8) >= threshold ? scale : 0.0f;
    }
}

// The form's macros end with the body, so the next form defines its own.
#undef D_INT
#undef D_SET1
#undef D_LANES
#undef D_ADD
#undef D_MUL
#undef D_XOR
#undef D_SRL
#undef D_STORE_KEPT
