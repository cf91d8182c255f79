// Ends a form (FormAVX512.h, FormAVX512Narrow.h or FormAVX2.h), so the next body can take another.
//
// A kernel body (the *Body.h files) is written once against these names and included once per
// form; it must not depend on the form except through them:
//   F_TARGET            the target attribute of its functions
//   F(name)             name with the form's suffix (static functions of each form differ)
//   VW, F_REGISTERS     floats per register, vector registers
//   F_MASKED            1 when masked loads and stores cost no more than plain ones
//   F_VEC, F_MASK       a register of VW floats, a choice of its lanes
//   V_MASK(n)           the first n lanes (n <= 0: none; n >= VW: all)
//   V_LOADP(p, m, PARTIAL), V_STOREP(p, m, PARTIAL, v)
//                       load or store the lanes of m; PARTIAL = 0 promises m has all lanes
//   V_LOAD(p), V_STORE(p, v)   all lanes
//   V_ZERO(), V_BROADCAST(p), V_FMA(a, b, c) = a * b + c (rounded once), V_ADD(a, b)
//   V_EIGHT(v, h)       the h-th group of 8 lanes of v as an __m256
//   F_MASK8, M8(n), LOAD8M(p, m), STORE8M(p, m, v)   the same for groups of 8 floats
#undef F_TARGET
#undef F
#undef VW
#undef F_REGISTERS
#undef F_MASKED
#undef V_MASK
#undef V_LOADP
#undef V_STOREP
#undef V_LOAD
#undef V_STORE
#undef V_ZERO
#undef V_BROADCAST
#undef V_FMA
#undef V_ADD
#undef V_EIGHT
#undef M8
#undef LOAD8M
#undef STORE8M
#undef F_VEC
#undef F_MASK
#undef F_MASK8
