/* The SSE2 target (4 lanes): the x86-64 baseline, so every x86-64 CPU runs it. */
#if defined(__x86_64__)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("sse2"))), apply_to = function)
#else
#pragma GCC target("sse2")
#endif
#define WV_TARGET sse2
#include "simd/wv_sse2.h"
#include "winit_kernels_impl.h"
#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif
