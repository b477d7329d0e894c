/* The AVX-512 target (F/DQ/BW/VL, 16 lanes); winit_fill.c runs it only on a CPU
 * that has those extensions. */
#if defined(__x86_64__)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma,f16c"))), apply_to = function)
#else
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma,f16c")
#endif
#define WV_TARGET avx512
#include "simd/wv_avx512.h"
#include "winit_kernels_impl.h"
#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif
