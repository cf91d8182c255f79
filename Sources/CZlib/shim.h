// The system's zlib (Debian: zlib1g-dev), for gzip-compressed datasets.
// inflateInit2 is a macro Swift cannot import: the shim wraps it.
#include <zlib.h>

static inline int cnnlab_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
