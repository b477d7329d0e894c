/* The NEON target (aarch64, 4 lanes): every aarch64 CPU has NEON. */
#if defined(__aarch64__)
#define WV_TARGET neon
#include "simd/wv_neon.h"
#include "winit_kernels_impl.h"
#endif
