// The AVX-512 form for 8 channels or fewer: 8 floats per register (half the 16-wide FMA rate,
// but no empty lanes), 32 registers, mask registers. See FormEnd.h for the names.
#define F_TARGET CK_TARGET
#define F(name) name##_avx512_narrow
#define VW 8
#define F_REGISTERS 32
#define F_MASKED 1
#define F_VEC __m256
#define F_MASK __mmask8
#define V_MASK(n) mask8(n)
#define V_LOADP(p, m, PARTIAL) ((void)(PARTIAL), _mm256_maskz_loadu_ps((m), (p)))
#define V_STOREP(p, m, PARTIAL, v) ((void)(PARTIAL), _mm256_mask_storeu_ps((p), (m), (v)))
#define V_LOAD(p) _mm256_loadu_ps(p)
#define V_STORE(p, v) _mm256_storeu_ps((p), (v))
#define V_ZERO() _mm256_setzero_ps()
#define V_BROADCAST(p) _mm256_set1_ps(*(p))
#define V_FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define V_ADD(a, b) _mm256_add_ps((a), (b))
#define V_EIGHT(v, h) (v)
#include "FormEight512.h"
