/* The AVX2+FMA+F16C target (8 lanes), compiled for those instructions alone;
 * winit_fill.c runs it only on a CPU that has them. */
#if defined(__x86_64__)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)
#else
#pragma GCC target("avx2,fma,f16c")
#endif
#define WV_TARGET avx2
#include "simd/wv_avx2.h"
#include "winit_kernels_impl.h"
#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif
