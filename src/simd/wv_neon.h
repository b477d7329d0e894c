/* Vector-op layer, NEON (AdvSIMD) instance: 4 lanes (128-bit q registers), the
 * aarch64 baseline, so every aarch64 CPU has a vector path.  Contract:
 * wv_scalar.h.
 *
 * Target-specific choices (each keeps the lane-wise values of the contract):
 *  - fma/fnma are the fused instructions (vfmaq / vfmsq: c + a b and c - a b,
 *    rounded once), as the contract asks; no emulation as in wv_sse2.h.
 *  - wv_max/min are a compare and a bit select, a > b ? a : b exactly: vmaxq
 *    (FMAX) differs on NaN and on signed zeros.  Comparisons are the ordered
 *    FCMGT/FCMGE forms (false on NaN).
 *  - wv_mulhilo_u32: umull of the low halves and umull2 of the high halves,
 *    then uzp2 / uzp1 gather the high and the low words in lane order, so the
 *    order P is the identity and wv_perm_u32 returns its input.
 *  - 64-bit vectors are two q registers in natural order (blocks 0,1 | 2,3);
 *    wv_zip_u32 is zip1/zip2 and wv_store2_f64 is st2 on each half.
 *  - stores interleave with st4 (words, and the 16-bit values narrowed from
 *    the lanes).  binary16 is FCVTN (vcvt_f16_f32): round to nearest even with
 *    the default FPCR (RMode 0, FZ 0, AHP 0, DN 0 on Linux), half subnormals
 *    kept, >= 65520 to inf, and a NaN becomes sign | 0x7E00 | the top
 *    mantissa bits (FPConvertNaN), the bits of winit_f32_to_f16_bits.
 *    bfloat16 is the integer rounding of wv_sse2.h (baseline AdvSIMD has no
 *    BFCVTN).  The stores are plain: `nt` is ignored (no non-temporal store
 *    is used), and wv_stream_fence is empty.
 */
#ifndef WINIT_WV_NEON_H
#define WINIT_WV_NEON_H

#include <arm_neon.h>
#include <stdint.h>
#include <string.h>

#include "../winit_math.h"

#define WV_N 4
#define WV_INLINE static inline __attribute__((always_inline))

typedef uint32x4_t wv_u32;
typedef float32x4_t wv_f32;
typedef uint32x4_t wv_m32;                  /* all ones where true */
typedef struct { uint64x2_t a, b; } wv_u64; /* blocks 0, 1 | 2, 3 */
typedef struct { float64x2_t a, b; } wv_f64;
typedef struct { uint64x2_t a, b; } wv_m64;

/* ---- 32-bit integer lanes ---------------------------------------------- */
WV_INLINE wv_u32 wv_set1_u32(uint32_t x) { return vdupq_n_u32(x); }
WV_INLINE wv_u32 wv_iota_u32(void)
{
    static const uint32_t i[4] = {0, 1, 2, 3};
    return vld1q_u32(i);
}
WV_INLINE wv_u32 wv_add_u32(wv_u32 a, wv_u32 b) { return vaddq_u32(a, b); }
WV_INLINE wv_u32 wv_sub_u32(wv_u32 a, wv_u32 b) { return vsubq_u32(a, b); }
WV_INLINE wv_u32 wv_and_u32(wv_u32 a, wv_u32 b) { return vandq_u32(a, b); }
WV_INLINE wv_u32 wv_xor_u32(wv_u32 a, wv_u32 b) { return veorq_u32(a, b); }
WV_INLINE wv_u32 wv_xor3_u32(wv_u32 a, wv_u32 b, wv_u32 c) { return veorq_u32(veorq_u32(a, b), c); }
/* shift counts are compile-time constants (the immediate forms need them) */
#define wv_shr_u32(a, n) vshrq_n_u32((a), (n))
#define wv_shl_u32(a, n) vshlq_n_u32((a), (n))
#define wv_sar_u32(a, n) vreinterpretq_u32_s32(vshrq_n_s32(vreinterpretq_s32_u32(a), (n)))
WV_INLINE wv_u32 wv_ltu_u32(wv_u32 a, wv_u32 b) { return vcltq_u32(a, b); }
WV_INLINE void wv_mulhilo_u32(wv_u32 a, wv_u32 m, wv_u32 *hi, wv_u32 *lo)
{
    uint32x4_t p01 = vreinterpretq_u32_u64(vmull_u32(vget_low_u32(a), vget_low_u32(m))); /* lo0 hi0 lo1 hi1 */
    uint32x4_t p23 = vreinterpretq_u32_u64(vmull_high_u32(a, m));                       /* lo2 hi2 lo3 hi3 */
    *hi = vuzp2q_u32(p01, p23);
    *lo = vuzp1q_u32(p01, p23);
}
WV_INLINE wv_u32 wv_perm_u32(wv_u32 a) { return a; } /* P = identity */
WV_INLINE wv_m32 wv_signmask_u32(wv_u32 a) { return vreinterpretq_u32_s32(vshrq_n_s32(vreinterpretq_s32_u32(a), 31)); }

/* ---- float32 lanes ------------------------------------------------------- */
WV_INLINE wv_f32 wv_set1_f32(float x) { return vdupq_n_f32(x); }
WV_INLINE wv_f32 wv_cast_u32_f32(wv_u32 a) { return vreinterpretq_f32_u32(a); }
WV_INLINE wv_u32 wv_cast_f32_u32(wv_f32 a) { return vreinterpretq_u32_f32(a); }
WV_INLINE wv_f32 wv_cvt_i32_f32(wv_u32 a) { return vcvtq_f32_s32(vreinterpretq_s32_u32(a)); }
WV_INLINE wv_f32 wv_add_f32(wv_f32 a, wv_f32 b) { return vaddq_f32(a, b); }
WV_INLINE wv_f32 wv_sub_f32(wv_f32 a, wv_f32 b) { return vsubq_f32(a, b); }
WV_INLINE wv_f32 wv_mul_f32(wv_f32 a, wv_f32 b) { return vmulq_f32(a, b); }
WV_INLINE wv_f32 wv_div_f32(wv_f32 a, wv_f32 b) { return vdivq_f32(a, b); }
WV_INLINE wv_f32 wv_fma_f32(wv_f32 a, wv_f32 b, wv_f32 c) { return vfmaq_f32(c, a, b); }  /* c + a b */
WV_INLINE wv_f32 wv_fnma_f32(wv_f32 a, wv_f32 b, wv_f32 c) { return vfmsq_f32(c, a, b); } /* c - a b */
WV_INLINE wv_f32 wv_fma_nomid_f32(wv_f32 a, wv_f32 b, wv_f32 c) { return vfmaq_f32(c, a, b); }
WV_INLINE wv_f32 wv_sqrt_f32(wv_f32 a) { return vsqrtq_f32(a); }
WV_INLINE wv_f32 wv_max_f32(wv_f32 a, wv_f32 b) { return vbslq_f32(vcgtq_f32(a, b), a, b); } /* a > b ? a : b */
WV_INLINE wv_f32 wv_min_f32(wv_f32 a, wv_f32 b) { return vbslq_f32(vcltq_f32(a, b), a, b); } /* a < b ? a : b */
WV_INLINE wv_m32 wv_lt_f32(wv_f32 a, wv_f32 b) { return vcltq_f32(a, b); }
WV_INLINE wv_m32 wv_le_f32(wv_f32 a, wv_f32 b) { return vcleq_f32(a, b); }
WV_INLINE wv_m32 wv_ge_f32(wv_f32 a, wv_f32 b) { return vcgeq_f32(a, b); }
WV_INLINE wv_f32 wv_select_f32(wv_m32 m, wv_f32 a, wv_f32 b) { return vbslq_f32(m, a, b); }
WV_INLINE unsigned wv_mask_bits32(wv_m32 m)
{
    static const uint32_t bit[4] = {1, 2, 4, 8};
    return vaddvq_u32(vandq_u32(m, vld1q_u32(bit)));
}
WV_INLINE wv_f32 wv_load_f32(const float *p) { return vld1q_f32(p); }
WV_INLINE void wv_store_f32(float *p, wv_f32 a) { vst1q_f32(p, a); }

/* ---- 64-bit lanes -------------------------------------------------------- */
WV_INLINE wv_u64 wv_set1_u64(uint64_t x) { uint64x2_t v = vdupq_n_u64(x); wv_u64 r = {v, v}; return r; }
WV_INLINE wv_u64 wv_zip_u32(wv_u32 lo, wv_u32 hi)
{
    wv_u64 r = {vreinterpretq_u64_u32(vzip1q_u32(lo, hi)), vreinterpretq_u64_u32(vzip2q_u32(lo, hi))};
    return r;
}
#define WV_U64_OP(name, intr) \
    WV_INLINE wv_u64 name(wv_u64 x, wv_u64 y) { wv_u64 r = {intr(x.a, y.a), intr(x.b, y.b)}; return r; }
WV_U64_OP(wv_add_u64, vaddq_u64)
WV_U64_OP(wv_and_u64, vandq_u64)
WV_U64_OP(wv_or_u64, vorrq_u64)
WV_U64_OP(wv_xor_u64, veorq_u64)
#define wv_shr_u64(x, n) ((wv_u64){vshrq_n_u64((x).a, (n)), vshrq_n_u64((x).b, (n))})
#define wv_shl_u64(x, n) ((wv_u64){vshlq_n_u64((x).a, (n)), vshlq_n_u64((x).b, (n))})
WV_INLINE uint64x2_t wv__sign64(uint64x2_t v) { return vreinterpretq_u64_s64(vshrq_n_s64(vreinterpretq_s64_u64(v), 63)); }
WV_INLINE wv_m64 wv_signmask_u64(wv_u64 x) { wv_m64 r = {wv__sign64(x.a), wv__sign64(x.b)}; return r; }
WV_INLINE wv_f64 wv_cast_u64_f64(wv_u64 x) { wv_f64 r = {vreinterpretq_f64_u64(x.a), vreinterpretq_f64_u64(x.b)}; return r; }
WV_INLINE wv_u64 wv_cast_f64_u64(wv_f64 x) { wv_u64 r = {vreinterpretq_u64_f64(x.a), vreinterpretq_u64_f64(x.b)}; return r; }
#define WV_CVT_U64 1    /* see wv_scalar.h */
#define WV_NATIVE_FMA 1 /* see wv_scalar.h */
/* UCVTF: correctly rounded, so exact for x <= 2^53 */
WV_INLINE wv_f64 wv_u64_to_f64(wv_u64 x) { wv_f64 r = {vcvtq_f64_u64(x.a), vcvtq_f64_u64(x.b)}; return r; }
WV_INLINE wv_f64 wv_u53_to_f64_m53(wv_u64 x)
{
    wv_f64 r = {vmulq_n_f64(vcvtq_f64_u64(x.a), 0x1p-53), vmulq_n_f64(vcvtq_f64_u64(x.b), 0x1p-53)};
    return r;
}

WV_INLINE wv_f64 wv_set1_f64(double x) { float64x2_t v = vdupq_n_f64(x); wv_f64 r = {v, v}; return r; }
#define WV_F64_OP(name, intr) \
    WV_INLINE wv_f64 name(wv_f64 x, wv_f64 y) { wv_f64 r = {intr(x.a, y.a), intr(x.b, y.b)}; return r; }
#define WV_M64_OP(name, intr) \
    WV_INLINE wv_m64 name(wv_f64 x, wv_f64 y) { wv_m64 r = {intr(x.a, y.a), intr(x.b, y.b)}; return r; }
WV_INLINE float64x2_t wv__max_pd(float64x2_t a, float64x2_t b) { return vbslq_f64(vcgtq_f64(a, b), a, b); }
WV_INLINE float64x2_t wv__min_pd(float64x2_t a, float64x2_t b) { return vbslq_f64(vcltq_f64(a, b), a, b); }
WV_F64_OP(wv_add_f64, vaddq_f64)
WV_F64_OP(wv_sub_f64, vsubq_f64)
WV_F64_OP(wv_mul_f64, vmulq_f64)
WV_F64_OP(wv_div_f64, vdivq_f64)
WV_F64_OP(wv_max_f64, wv__max_pd) /* a > b ? a : b */
WV_F64_OP(wv_min_f64, wv__min_pd) /* a < b ? a : b */
WV_M64_OP(wv_lt_f64, vcltq_f64)
WV_M64_OP(wv_le_f64, vcleq_f64)
WV_M64_OP(wv_ge_f64, vcgeq_f64)
WV_INLINE wv_f64 wv_fma_f64(wv_f64 x, wv_f64 y, wv_f64 z)
{
    wv_f64 r = {vfmaq_f64(z.a, x.a, y.a), vfmaq_f64(z.b, x.b, y.b)};
    return r;
}
WV_INLINE wv_f64 wv_fnma_f64(wv_f64 x, wv_f64 y, wv_f64 z)
{
    wv_f64 r = {vfmsq_f64(z.a, x.a, y.a), vfmsq_f64(z.b, x.b, y.b)};
    return r;
}
WV_INLINE wv_f64 wv_sqrt_f64(wv_f64 x) { wv_f64 r = {vsqrtq_f64(x.a), vsqrtq_f64(x.b)}; return r; }
WV_INLINE wv_f64 wv_select_f64(wv_m64 m, wv_f64 x, wv_f64 y)
{
    wv_f64 r = {vbslq_f64(m.a, x.a, y.a), vbslq_f64(m.b, x.b, y.b)};
    return r;
}
WV_INLINE unsigned wv_mask_bits64(wv_m64 m)
{
    static const uint64_t bit[4] = {1, 2, 4, 8};
    return (unsigned)vaddvq_u64(vorrq_u64(vandq_u64(m.a, vld1q_u64(bit)), vandq_u64(m.b, vld1q_u64(bit + 2))));
}

/* ---- stores in element order --------------------------------------------- */
/* st4 interleaves: word k of lane i at d + 16 i + 4 k */
WV_INLINE void wv_store4_u32(char *d, wv_u32 x0, wv_u32 x1, wv_u32 x2, wv_u32 x3, const int nt)
{
    uint32x4x4_t v = {{x0, x1, x2, x3}};
    (void)nt;
    vst4q_u32((uint32_t *)(void *)d, v);
}

WV_INLINE uint16x4_t wv__f16_bits(wv_f32 v) { return vreinterpret_u16_f16(vcvt_f16_f32(v)); }

/* value k of lane i at d + 8 i + 2 k */
WV_INLINE void wv_store4_f16(char *d, wv_f32 v0, wv_f32 v1, wv_f32 v2, wv_f32 v3, const int nt)
{
    uint16x4x4_t h = {{wv__f16_bits(v0), wv__f16_bits(v1), wv__f16_bits(v2), wv__f16_bits(v3)}};
    (void)nt;
    vst4_u16((uint16_t *)(void *)d, h);
}

/* float32 -> bfloat16 bits (RNE, NaN quiet): the high half of x + 0x7FFF + (bit 16
   of x), or of x | 0x00400000 for a NaN ((x >> 16) | 0x40), narrowed */
WV_INLINE uint16x4_t wv__bf16_bits(wv_f32 v)
{
    uint32x4_t x = vreinterpretq_u32_f32(v);
    uint32x4_t r = vaddq_u32(vaddq_u32(x, vdupq_n_u32(0x7FFF)), vandq_u32(vshrq_n_u32(x, 16), vdupq_n_u32(1)));
    uint32x4_t ord = vceqq_f32(v, v);
    return vshrn_n_u32(vbslq_u32(ord, r, vorrq_u32(x, vdupq_n_u32(0x00400000u))), 16);
}

WV_INLINE void wv_store4_bf16(char *d, wv_f32 v0, wv_f32 v1, wv_f32 v2, wv_f32 v3, const int nt)
{
    uint16x4x4_t h = {{wv__bf16_bits(v0), wv__bf16_bits(v1), wv__bf16_bits(v2), wv__bf16_bits(v3)}};
    (void)nt;
    vst4_u16((uint16_t *)(void *)d, h);
}

/* x[i] at d + 16 i, y[i] at d + 16 i + 8 (natural lane order) */
WV_INLINE void wv_store2_f64(char *d, wv_f64 x, wv_f64 y, const int nt)
{
    float64x2x2_t lo = {{x.a, y.a}}, hi = {{x.b, y.b}};
    (void)nt;
    vst2q_f64((double *)(void *)d, lo);
    vst2q_f64((double *)(void *)(d + 32), hi);
}
WV_INLINE void wv_stream_fence(void) {}

#endif /* WINIT_WV_NEON_H */
