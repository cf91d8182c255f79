// The AVX-512 form of a kernel body (see FormEnd.h for the list of names a form defines):
// 16 floats per register, 32 registers, lanes chosen by mask registers (a masked load or store
// costs no more than a plain one, so bodies may use them everywhere).
#define F_TARGET CK_TARGET
#define F(name) name##_avx512
#define VW 16
#define F_REGISTERS 32
#define F_MASKED 1
#define F_VEC __m512
#define F_MASK __mmask16
#define V_MASK(n) mask16(n)
#define V_LOADP(p, m, PARTIAL) ((void)(PARTIAL), _mm512_maskz_loadu_ps((m), (p)))
#define V_STOREP(p, m, PARTIAL, v) ((void)(PARTIAL), _mm512_mask_storeu_ps((p), (m), (v)))
#define V_LOAD(p) _mm512_loadu_ps(p)
#define V_STORE(p, v) _mm512_storeu_ps((p), (v))
#define V_ZERO() _mm512_setzero_ps()
#define V_BROADCAST(p) _mm512_set1_ps(*(p))
#define V_FMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define V_ADD(a, b) _mm512_add_ps((a), (b))
// The h-th group of 8 lanes (h = 0, 1).
#define V_EIGHT(v, h) ((h) ? _mm512_extractf32x8_ps((v), 1) : _mm512_castps512_ps256(v))
#include "FormEight512.h"
