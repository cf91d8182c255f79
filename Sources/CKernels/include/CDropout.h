// Dropout masks in C with AVX-512 or AVX2, from a counter-based hash (no sequential generator
// state): every value's draw depends only on the step's key and its index, so the loop is
// vectorised and any path (these forms, Kernels' Swift loop) gives the same mask.
#ifndef CDROPOUT_H
#define CDROPOUT_H

#include "CKernels.h"

/// mask[i] = scale where u_i >= threshold, else +0, for i < count (count < 2^32), where u_i is the
/// top 24 bits of
///   h = fmix32((uint32)i * 0x9E3779B9 + (uint32)key ^ (uint32)(key >> 32))
/// computed on 32-bit unsigned integers (wrapping), with MurmurHash3's finaliser
///   fmix32(h): h ^= h >> 16; h *= 0x85EBCA6B; h ^= h >> 13; h *= 0xC2B2AE35; h ^= h >> 16.
/// u_i is uniform over 0 ..< 2^24, so threshold = ceil(p * 2^24) keeps each value with
/// probability 1 - p. isa: CK_ISA_AVX2 or CK_ISA_AVX512.
void ck_dropout_mask(ck_isa isa, float *mask, long count, unsigned threshold, float scale, unsigned long long key);

#endif
