// OpenBLAS's CBLAS interface plus the few OpenBLAS extras cnnlab reports and tunes.
#ifndef CNNLAB_COPENBLAS_SHIM_H
#define CNNLAB_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
