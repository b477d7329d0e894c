/* The vector-op layer, one-lane instance: the contract of every op, in plain C.
 *
 * Every target header (wv_sse2.h, wv_avx2.h, wv_avx512.h, wv_neon.h, wv_emu.h)
 * defines the same names with the same meaning lane by lane; the one kernel
 * source (winit_kernels_impl.h) is written against them only.  A "vector" holds
 * WV_N lanes of any type: wv_u32/wv_f32 (32-bit lanes), wv_u64/wv_f64 (64-bit
 * lanes, as many registers as the target needs for WV_N of them), and masks
 * wv_m32/wv_m64 from comparisons.  Floating-point ops are single IEEE
 * operations (fma rounds once), so every instance computes the same bits.
 *
 * Lane order.  32-bit lanes are in block order after a Philox group (lane i =
 * block b + i).  Two ops may use a private order, undone by their partner:
 * wv_mulhilo_u32 may return lanes in an order P with P(P(x)) = x, which
 * wv_perm_u32 applies to the words Philox only xors (so an even number of
 * rounds restores block order); wv_zip_u32 may put 64-bit lanes in any order
 * that wv_store2_f64 undoes.  Lane-wise arithmetic does not care.
 */
#ifndef WINIT_WV_SCALAR_H
#define WINIT_WV_SCALAR_H

#include <stdint.h>
#include <string.h>

#include "../winit_math.h"

#define WV_N 1
#define WV_INLINE static inline __attribute__((always_inline))

typedef uint32_t wv_u32;
typedef float wv_f32;
typedef uint64_t wv_u64;
typedef double wv_f64;
typedef int wv_m32;
typedef int wv_m64;

/* ---- 32-bit integer lanes ---------------------------------------------- */
WV_INLINE wv_u32 wv_set1_u32(uint32_t x) { return x; }
WV_INLINE wv_u32 wv_iota_u32(void) { return 0; }                           /* lane i = i */
WV_INLINE wv_u32 wv_add_u32(wv_u32 a, wv_u32 b) { return a + b; }
WV_INLINE wv_u32 wv_sub_u32(wv_u32 a, wv_u32 b) { return a - b; }
WV_INLINE wv_u32 wv_and_u32(wv_u32 a, wv_u32 b) { return a & b; }
WV_INLINE wv_u32 wv_xor_u32(wv_u32 a, wv_u32 b) { return a ^ b; }
WV_INLINE wv_u32 wv_xor3_u32(wv_u32 a, wv_u32 b, wv_u32 c) { return a ^ b ^ c; }
#define wv_shr_u32(a, n) ((wv_u32)(a) >> (n))                           /* logical */
#define wv_shl_u32(a, n) ((wv_u32)(a) << (n))
#define wv_sar_u32(a, n) ((wv_u32)((int32_t)(a) >> (n)))                /* arithmetic */
WV_INLINE wv_u32 wv_ltu_u32(wv_u32 a, wv_u32 b) { return a < b ? 0xFFFFFFFFu : 0u; } /* all ones where a < b */
/* hi and lo halves of the 64-bit products a * m (lanes possibly in order P) */
WV_INLINE void wv_mulhilo_u32(wv_u32 a, wv_u32 m, wv_u32 *hi, wv_u32 *lo)
{
    uint64_t p = (uint64_t)a * m;
    *hi = (uint32_t)(p >> 32);
    *lo = (uint32_t)p;
}
WV_INLINE wv_u32 wv_perm_u32(wv_u32 a) { return a; }                       /* the order P */
WV_INLINE wv_m32 wv_signmask_u32(wv_u32 a) { return (int)(a >> 31); }     /* mask: top bit set */

/* ---- float32 lanes ------------------------------------------------------- */
WV_INLINE wv_f32 wv_set1_f32(float x) { return x; }
WV_INLINE wv_f32 wv_cast_u32_f32(wv_u32 a) { return winit__u2f(a); }      /* bits */
WV_INLINE wv_u32 wv_cast_f32_u32(wv_f32 a) { return winit__f2u(a); }
WV_INLINE wv_f32 wv_cvt_i32_f32(wv_u32 a) { return (float)(int32_t)a; } /* signed value, rounded */
WV_INLINE wv_f32 wv_add_f32(wv_f32 a, wv_f32 b) { return a + b; }
WV_INLINE wv_f32 wv_sub_f32(wv_f32 a, wv_f32 b) { return a - b; }
WV_INLINE wv_f32 wv_mul_f32(wv_f32 a, wv_f32 b) { return a * b; }
WV_INLINE wv_f32 wv_div_f32(wv_f32 a, wv_f32 b) { return a / b; }
WV_INLINE wv_f32 wv_fma_f32(wv_f32 a, wv_f32 b, wv_f32 c) { return WINIT_FMAF(a, b, c); }  /* a b + c */
WV_INLINE wv_f32 wv_fnma_f32(wv_f32 a, wv_f32 b, wv_f32 c) { return WINIT_FMAF(-a, b, c); } /* -(a b) + c */
/* a b + c rounded once, like wv_fma_f32, for operands on which the float64 multiply-add a b + c
   (a b is exact in float64) never lands on a float32 midpoint unless it is exact: rounding it to
   float32 then gives the fused result, which lets a target without FMA (SSE2) skip the test
   wv_fma_f32 makes.  Only Box-Muller float32 uses it; tests/c/check_boxmuller.c runs every
   input of it through each target against the one-lane formulas of winit_math.h. */
WV_INLINE wv_f32 wv_fma_nomid_f32(wv_f32 a, wv_f32 b, wv_f32 c) { return WINIT_FMAF(a, b, c); }
WV_INLINE wv_f32 wv_sqrt_f32(wv_f32 a) { return WINIT_SQRTF(a); }
WV_INLINE wv_f32 wv_max_f32(wv_f32 a, wv_f32 b) { return a > b ? a : b; } /* exactly this, NaN included */
WV_INLINE wv_f32 wv_min_f32(wv_f32 a, wv_f32 b) { return a < b ? a : b; }
WV_INLINE wv_m32 wv_lt_f32(wv_f32 a, wv_f32 b) { return a < b; }          /* ordered: false on NaN */
WV_INLINE wv_m32 wv_le_f32(wv_f32 a, wv_f32 b) { return a <= b; }
WV_INLINE wv_m32 wv_ge_f32(wv_f32 a, wv_f32 b) { return a >= b; }
WV_INLINE wv_f32 wv_select_f32(wv_m32 m, wv_f32 a, wv_f32 b) { return m ? a : b; }
WV_INLINE unsigned wv_mask_bits32(wv_m32 m) { return (unsigned)(m != 0); } /* bit i = lane i */
WV_INLINE wv_f32 wv_load_f32(const float *p) { return *p; }               /* p aligned to 64 bytes */
WV_INLINE void wv_store_f32(float *p, wv_f32 a) { *p = a; }

/* ---- 64-bit lanes -------------------------------------------------------- */
WV_INLINE wv_u64 wv_set1_u64(uint64_t x) { return x; }
WV_INLINE wv_u64 wv_zip_u32(wv_u32 lo, wv_u32 hi) { return (uint64_t)lo | ((uint64_t)hi << 32); }
WV_INLINE wv_u64 wv_add_u64(wv_u64 a, wv_u64 b) { return a + b; }
WV_INLINE wv_u64 wv_and_u64(wv_u64 a, wv_u64 b) { return a & b; }
WV_INLINE wv_u64 wv_or_u64(wv_u64 a, wv_u64 b) { return a | b; }
WV_INLINE wv_u64 wv_xor_u64(wv_u64 a, wv_u64 b) { return a ^ b; }
#define wv_shr_u64(a, n) ((wv_u64)(a) >> (n))
#define wv_shl_u64(a, n) ((wv_u64)(a) << (n))
WV_INLINE wv_m64 wv_signmask_u64(wv_u64 a) { return (int)(a >> 63); }
WV_INLINE wv_f64 wv_cast_u64_f64(wv_u64 a) { return winit__u2d(a); }
WV_INLINE wv_u64 wv_cast_f64_u64(wv_f64 a) { return winit__d2u(a); }
/* WV_CVT_U64: 1 where wv_u64_to_f64 is one instruction, 0 where it is a magic-number
   sequence; the kernels then pick between two exact forms of the same value (both run on
   every machine: scalar and emu16 use 1, sse2 and emu8 use 0) */
#define WV_CVT_U64 1
/* WV_NATIVE_FMA: 1 where wv_fma_f64 is one instruction (not a C library call), so that a
   kernel may fold an addition into a multiply-add where both give the same bits */
#if defined(__FMA__) || defined(__aarch64__)
#define WV_NATIVE_FMA 1
#else
#define WV_NATIVE_FMA 0
#endif
WV_INLINE wv_f64 wv_u64_to_f64(wv_u64 a) { return (double)a; }            /* exact: a <= 2^53 */
WV_INLINE wv_f64 wv_u53_to_f64_m53(wv_u64 a) { return (double)a * 0x1p-53; } /* exact: a < 2^53 */

WV_INLINE wv_f64 wv_set1_f64(double x) { return x; }
WV_INLINE wv_f64 wv_add_f64(wv_f64 a, wv_f64 b) { return a + b; }
WV_INLINE wv_f64 wv_sub_f64(wv_f64 a, wv_f64 b) { return a - b; }
WV_INLINE wv_f64 wv_mul_f64(wv_f64 a, wv_f64 b) { return a * b; }
WV_INLINE wv_f64 wv_div_f64(wv_f64 a, wv_f64 b) { return a / b; }
WV_INLINE wv_f64 wv_fma_f64(wv_f64 a, wv_f64 b, wv_f64 c) { return WINIT_FMA(a, b, c); }
WV_INLINE wv_f64 wv_fnma_f64(wv_f64 a, wv_f64 b, wv_f64 c) { return WINIT_FMA(-a, b, c); }
WV_INLINE wv_f64 wv_sqrt_f64(wv_f64 a) { return WINIT_SQRT(a); }
WV_INLINE wv_f64 wv_max_f64(wv_f64 a, wv_f64 b) { return a > b ? a : b; }
WV_INLINE wv_f64 wv_min_f64(wv_f64 a, wv_f64 b) { return a < b ? a : b; }
WV_INLINE wv_m64 wv_lt_f64(wv_f64 a, wv_f64 b) { return a < b; }
WV_INLINE wv_m64 wv_le_f64(wv_f64 a, wv_f64 b) { return a <= b; }
WV_INLINE wv_m64 wv_ge_f64(wv_f64 a, wv_f64 b) { return a >= b; }
WV_INLINE wv_f64 wv_select_f64(wv_m64 m, wv_f64 a, wv_f64 b) { return m ? a : b; }
WV_INLINE unsigned wv_mask_bits64(wv_m64 m) { return (unsigned)(m != 0); }

/* ---- stores in element order (nt: non-temporal allowed; d then aligned to 64) ---- */
/* 16 bytes per lane: word k of lane i at d + 16 i + 4 k */
WV_INLINE void wv_store4_u32(char *d, wv_u32 x0, wv_u32 x1, wv_u32 x2, wv_u32 x3, const int nt)
{
    uint32_t w[4] = {x0, x1, x2, x3};
    (void)nt;
    memcpy(d, w, 16);
}
/* binary16 / bfloat16 (round to nearest even) of value k of lane i at d + 8 i + 2 k */
WV_INLINE void wv_store4_f16(char *d, wv_f32 v0, wv_f32 v1, wv_f32 v2, wv_f32 v3, const int nt)
{
    uint16_t h[4] = {winit_f32_to_f16_bits(v0), winit_f32_to_f16_bits(v1), winit_f32_to_f16_bits(v2),
                     winit_f32_to_f16_bits(v3)};
    (void)nt;
    memcpy(d, h, 8);
}
WV_INLINE void wv_store4_bf16(char *d, wv_f32 v0, wv_f32 v1, wv_f32 v2, wv_f32 v3, const int nt)
{
    uint16_t h[4] = {winit_f32_to_bf16_bits(v0), winit_f32_to_bf16_bits(v1), winit_f32_to_bf16_bits(v2),
                     winit_f32_to_bf16_bits(v3)};
    (void)nt;
    memcpy(d, h, 8);
}
/* a[i] at d + 16 i, b[i] at d + 16 i + 8, lanes in the order wv_zip_u32 made */
WV_INLINE void wv_store2_f64(char *d, wv_f64 a, wv_f64 b, const int nt)
{
    double v[2] = {a, b};
    (void)nt;
    memcpy(d, v, 16);
}
WV_INLINE void wv_stream_fence(void) {}

#endif /* WINIT_WV_SCALAR_H */
