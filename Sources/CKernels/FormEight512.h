// Groups of 8 floats with AVX-512's mask registers (included by the AVX-512 forms).
#define F_MASK8 __mmask8
#define M8(n) mask8(n)
#define LOAD8M(p, m) _mm256_maskz_loadu_ps((m), (p))
#define STORE8M(p, m, v) _mm256_mask_storeu_ps((p), (m), (v))
