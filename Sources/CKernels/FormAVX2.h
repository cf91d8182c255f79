// The AVX2 + FMA form of a kernel body (see FormEnd.h for the names): 8 floats per register,
// 16 registers, no mask registers: a lane takes part when its 32-bit integer is negative, and a
// masked load costs an extra micro-op, so full vectors (PARTIAL = 0) use plain loads and stores.
#define F_TARGET CK_TARGET_AVX2
#define F(name) name##_avx2
#define VW 8
#define F_REGISTERS 16
#define F_MASKED 0
#define F_VEC __m256
#define F_MASK __m256i
#define V_MASK(n) lanes8(n)
#define V_LOADP(p, m, PARTIAL) ((PARTIAL) ? _mm256_maskload_ps((p), (m)) : _mm256_loadu_ps(p))
#define V_STOREP(p, m, PARTIAL, v) \
    do { if (PARTIAL) _mm256_maskstore_ps((p), (m), (v)); else _mm256_storeu_ps((p), (v)); } while (0)
#define V_LOAD(p) _mm256_loadu_ps(p)
#define V_STORE(p, v) _mm256_storeu_ps((p), (v))
#define V_ZERO() _mm256_setzero_ps()
#define V_BROADCAST(p) _mm256_broadcast_ss(p)
#define V_FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define V_ADD(a, b) _mm256_add_ps((a), (b))
#define V_EIGHT(v, h) (v)
#define F_MASK8 __m256i
#define M8(n) lanes8(n)
#define LOAD8M(p, m) _mm256_maskload_ps((p), (m))
#define STORE8M(p, m, v) _mm256_maskstore_ps((p), (m), (v))
