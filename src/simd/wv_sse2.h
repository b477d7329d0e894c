/* Vector-op layer, SSE2 instance: 4 lanes (xmm), the x86-64 baseline, so every
 * x86-64 CPU has a vector path.  Contract: wv_scalar.h.
 *
 * SSE2 has no fused multiply-add, and the bits must be those of one.  float32:
 * a b is exact in float64, s = a b + c rounded to float64 and then to float32
 * is the fused result unless the float64 sum sits exactly halfway between two
 * float32 neighbours (its low 29 mantissa bits 1000...0) with an inexact sum,
 * or is below the float32 normal range.  wv_fma_f32 tests the four sums for
 * both and sends a vector with such a lane to the C library's fmaf, which is
 * exact (the test is conservative: it also sends exact halfway sums, which
 * random operands make about once in 2^28 lanes but Box-Muller's log
 * polynomial in 1.3% of its steps).  wv_fma_nomid_f32 skips the test; its
 * callers' operands are shown never to need it (wv_scalar.h).  float64: the
 * C library's fma per lane (exact; its speed is not a goal of this target).
 * The Philox multiply uses the same permuting vshufps form as AVX2.
 */
#ifndef WINIT_WV_SSE2_H
#define WINIT_WV_SSE2_H

#include <emmintrin.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../winit_math.h"

#define WV_N 4
#define WV_INLINE static inline __attribute__((always_inline))

typedef __m128i wv_u32;
typedef __m128 wv_f32;
typedef __m128 wv_m32;
typedef struct { __m128i a, b; } wv_u64; /* blocks 0, 1 | 2, 3 */
typedef struct { __m128d a, b; } wv_f64;
typedef struct { __m128d a, b; } wv_m64;

/* ---- 32-bit integer lanes ---------------------------------------------- */
WV_INLINE wv_u32 wv_set1_u32(uint32_t x) { return _mm_set1_epi32((int)x); }
WV_INLINE wv_u32 wv_iota_u32(void) { return _mm_setr_epi32(0, 1, 2, 3); }
WV_INLINE wv_u32 wv_add_u32(wv_u32 a, wv_u32 b) { return _mm_add_epi32(a, b); }
WV_INLINE wv_u32 wv_sub_u32(wv_u32 a, wv_u32 b) { return _mm_sub_epi32(a, b); }
WV_INLINE wv_u32 wv_and_u32(wv_u32 a, wv_u32 b) { return _mm_and_si128(a, b); }
WV_INLINE wv_u32 wv_xor_u32(wv_u32 a, wv_u32 b) { return _mm_xor_si128(a, b); }
WV_INLINE wv_u32 wv_xor3_u32(wv_u32 a, wv_u32 b, wv_u32 c) { return _mm_xor_si128(_mm_xor_si128(a, b), c); }
#define wv_shr_u32(a, n) _mm_srli_epi32((a), (n))
#define wv_shl_u32(a, n) _mm_slli_epi32((a), (n))
#define wv_sar_u32(a, n) _mm_srai_epi32((a), (n))
WV_INLINE wv_u32 wv_ltu_u32(wv_u32 a, wv_u32 b)
{
    const __m128i s = _mm_set1_epi32((int)0x80000000u);
    return _mm_cmpgt_epi32(_mm_xor_si128(b, s), _mm_xor_si128(a, s));
}
WV_INLINE void wv_mulhilo_u32(wv_u32 a, wv_u32 m, wv_u32 *hi, wv_u32 *lo)
{
    __m128 pe = _mm_castsi128_ps(_mm_mul_epu32(a, m));
    __m128 po = _mm_castsi128_ps(_mm_mul_epu32(_mm_shuffle_epi32(a, 0xF5), m));
    *hi = _mm_castps_si128(_mm_shuffle_ps(pe, po, 0xDD));
    *lo = _mm_castps_si128(_mm_shuffle_ps(pe, po, 0x88));
}
WV_INLINE wv_u32 wv_perm_u32(wv_u32 a) { return _mm_shuffle_epi32(a, 0xD8); }
WV_INLINE wv_m32 wv_signmask_u32(wv_u32 a) { return _mm_castsi128_ps(_mm_srai_epi32(a, 31)); }

/* ---- float32 lanes ------------------------------------------------------- */
WV_INLINE wv_f32 wv_set1_f32(float x) { return _mm_set1_ps(x); }
WV_INLINE wv_f32 wv_cast_u32_f32(wv_u32 a) { return _mm_castsi128_ps(a); }
WV_INLINE wv_u32 wv_cast_f32_u32(wv_f32 a) { return _mm_castps_si128(a); }
WV_INLINE wv_f32 wv_cvt_i32_f32(wv_u32 a) { return _mm_cvtepi32_ps(a); }
WV_INLINE wv_f32 wv_add_f32(wv_f32 a, wv_f32 b) { return _mm_add_ps(a, b); }
WV_INLINE wv_f32 wv_sub_f32(wv_f32 a, wv_f32 b) { return _mm_sub_ps(a, b); }
WV_INLINE wv_f32 wv_mul_f32(wv_f32 a, wv_f32 b) { return _mm_mul_ps(a, b); }
WV_INLINE wv_f32 wv_div_f32(wv_f32 a, wv_f32 b) { return _mm_div_ps(a, b); }

static __attribute__((noinline)) wv_f32 wv__fma_exact(wv_f32 a, wv_f32 b, wv_f32 c, int negate)
{
    float x[4], y[4], z[4];
    _mm_storeu_ps(x, a);
    _mm_storeu_ps(y, b);
    _mm_storeu_ps(z, c);
    for (int i = 0; i < 4; i++) x[i] = fmaf(negate ? -x[i] : x[i], y[i], z[i]);
    return _mm_loadu_ps(x);
}
/* float64 multiply-add a b + c of the four lanes, two per register (a b is exact) */
WV_INLINE void wv__mad64(wv_f32 a, wv_f32 b, wv_f32 c, __m128d *lo, __m128d *hi)
{
    *lo = _mm_add_pd(_mm_mul_pd(_mm_cvtps_pd(a), _mm_cvtps_pd(b)), _mm_cvtps_pd(c));
    *hi = _mm_add_pd(_mm_mul_pd(_mm_cvtps_pd(_mm_movehl_ps(a, a)), _mm_cvtps_pd(_mm_movehl_ps(b, b))),
                     _mm_cvtps_pd(_mm_movehl_ps(c, c)));
}
/* (-)a b + c: the float64 multiply-add rounded to float32, with one test on the four sums
   for the cases that need the exact path (see the header). */
WV_INLINE wv_f32 wv__fma(wv_f32 a, wv_f32 b, wv_f32 c, int negate)
{
    __m128d lo, hi;
    wv__mad64(negate ? _mm_xor_ps(a, _mm_set1_ps(-0.0f)) : a, b, c, &lo, &hi);
    /* low and high 32-bit halves of the four float64 sums */
    __m128i wl = _mm_castps_si128(_mm_shuffle_ps(_mm_castpd_ps(lo), _mm_castpd_ps(hi), 0x88));
    __m128i wh = _mm_castps_si128(_mm_shuffle_ps(_mm_castpd_ps(lo), _mm_castpd_ps(hi), 0xDD));
    /* halfway between two float32 neighbours: the low 29 mantissa bits are 1 << 28;
       below the float32 normal range: the exponent field is under 1023 - 126 */
    __m128i half = _mm_cmpeq_epi32(_mm_and_si128(wl, _mm_set1_epi32(0x1FFFFFFF)), _mm_set1_epi32(0x10000000));
    __m128i tiny = _mm_cmplt_epi32(_mm_and_si128(wh, _mm_set1_epi32(0x7FF00000)), _mm_set1_epi32(897 << 20));
    if (__builtin_expect(_mm_movemask_ps(_mm_castsi128_ps(_mm_or_si128(half, tiny))) != 0, 0))
        return wv__fma_exact(a, b, c, negate);
    return _mm_movelh_ps(_mm_cvtpd_ps(lo), _mm_cvtpd_ps(hi));
}
WV_INLINE wv_f32 wv_fma_f32(wv_f32 a, wv_f32 b, wv_f32 c) { return wv__fma(a, b, c, 0); }
WV_INLINE wv_f32 wv_fnma_f32(wv_f32 a, wv_f32 b, wv_f32 c) { return wv__fma(a, b, c, 1); }
/* the float64 multiply-add rounded to float32, without the test: the caller's operands never
   need the exact path (wv_scalar.h) */
WV_INLINE wv_f32 wv_fma_nomid_f32(wv_f32 a, wv_f32 b, wv_f32 c)
{
    __m128d lo, hi;
    wv__mad64(a, b, c, &lo, &hi);
    return _mm_movelh_ps(_mm_cvtpd_ps(lo), _mm_cvtpd_ps(hi));
}
WV_INLINE wv_f32 wv_sqrt_f32(wv_f32 a) { return _mm_sqrt_ps(a); }
WV_INLINE wv_f32 wv_max_f32(wv_f32 a, wv_f32 b) { return _mm_max_ps(a, b); }
WV_INLINE wv_f32 wv_min_f32(wv_f32 a, wv_f32 b) { return _mm_min_ps(a, b); }
WV_INLINE wv_m32 wv_lt_f32(wv_f32 a, wv_f32 b) { return _mm_cmplt_ps(a, b); }
WV_INLINE wv_m32 wv_le_f32(wv_f32 a, wv_f32 b) { return _mm_cmple_ps(a, b); }
WV_INLINE wv_m32 wv_ge_f32(wv_f32 a, wv_f32 b) { return _mm_cmpge_ps(a, b); }
WV_INLINE wv_f32 wv_select_f32(wv_m32 m, wv_f32 a, wv_f32 b) { return _mm_or_ps(_mm_and_ps(m, a), _mm_andnot_ps(m, b)); }
WV_INLINE unsigned wv_mask_bits32(wv_m32 m) { return (unsigned)_mm_movemask_ps(m); }
WV_INLINE wv_f32 wv_load_f32(const float *p) { return _mm_load_ps(p); }
WV_INLINE void wv_store_f32(float *p, wv_f32 a) { _mm_store_ps(p, a); }

/* ---- 64-bit lanes -------------------------------------------------------- */
WV_INLINE wv_u64 wv_set1_u64(uint64_t x) { __m128i v = _mm_set1_epi64x((long long)x); wv_u64 r = {v, v}; return r; }
WV_INLINE wv_u64 wv_zip_u32(wv_u32 lo, wv_u32 hi)
{
    wv_u64 r = {_mm_unpacklo_epi32(lo, hi), _mm_unpackhi_epi32(lo, hi)};
    return r;
}
#define WV_U64_OP(name, intr) \
    WV_INLINE wv_u64 name(wv_u64 x, wv_u64 y) { wv_u64 r = {intr(x.a, y.a), intr(x.b, y.b)}; return r; }
WV_U64_OP(wv_add_u64, _mm_add_epi64)
WV_U64_OP(wv_and_u64, _mm_and_si128)
WV_U64_OP(wv_or_u64, _mm_or_si128)
WV_U64_OP(wv_xor_u64, _mm_xor_si128)
#define wv_shr_u64(x, n) ((wv_u64){_mm_srli_epi64((x).a, (n)), _mm_srli_epi64((x).b, (n))})
#define wv_shl_u64(x, n) ((wv_u64){_mm_slli_epi64((x).a, (n)), _mm_slli_epi64((x).b, (n))})
WV_INLINE __m128d wv__sign64(__m128i v) { return _mm_castsi128_pd(_mm_shuffle_epi32(_mm_srai_epi32(v, 31), 0xF5)); }
WV_INLINE wv_m64 wv_signmask_u64(wv_u64 x) { wv_m64 r = {wv__sign64(x.a), wv__sign64(x.b)}; return r; }
WV_INLINE wv_f64 wv_cast_u64_f64(wv_u64 x) { wv_f64 r = {_mm_castsi128_pd(x.a), _mm_castsi128_pd(x.b)}; return r; }
WV_INLINE wv_u64 wv_cast_f64_u64(wv_f64 x) { wv_u64 r = {_mm_castpd_si128(x.a), _mm_castpd_si128(x.b)}; return r; }
WV_INLINE __m128d wv__u53_pd(__m128i v)
{
    __m128d hi = _mm_castsi128_pd(_mm_or_si128(_mm_srli_epi64(v, 32), _mm_set1_epi64x(0x4530000000000000ll)));
    __m128d lo = _mm_castsi128_pd(_mm_or_si128(_mm_and_si128(v, _mm_set1_epi64x(0xFFFFFFFFll)),
                                               _mm_set1_epi64x(0x4330000000000000ll)));
    return _mm_add_pd(_mm_sub_pd(hi, _mm_set1_pd(19342813118337666422669312.0 /* 2^84 + 2^52 */)), lo);
}
#define WV_CVT_U64 0    /* see wv_scalar.h */
#define WV_NATIVE_FMA 0 /* see wv_scalar.h */
WV_INLINE wv_f64 wv_u64_to_f64(wv_u64 x) { wv_f64 r = {wv__u53_pd(x.a), wv__u53_pd(x.b)}; return r; }
/* (double)v 2^-53 for v < 2^53: the magic numbers scaled by 2^-53 (as wv_avx2.h) */
WV_INLINE __m128d wv__u53m53_pd(__m128i v)
{
    __m128d hi = _mm_castsi128_pd(_mm_or_si128(_mm_srli_epi64(v, 32), _mm_set1_epi64x(0x4530000000000000ll - (53ll << 52))));
    __m128d lo = _mm_castsi128_pd(_mm_or_si128(_mm_and_si128(v, _mm_set1_epi64x(0xFFFFFFFFll)),
                                               _mm_set1_epi64x(0x4330000000000000ll - (53ll << 52))));
    return _mm_add_pd(_mm_sub_pd(hi, _mm_set1_pd(2147483648.5 /* 2^31 + 2^-1 */)), lo);
}
WV_INLINE wv_f64 wv_u53_to_f64_m53(wv_u64 x) { wv_f64 r = {wv__u53m53_pd(x.a), wv__u53m53_pd(x.b)}; return r; }

WV_INLINE wv_f64 wv_set1_f64(double x) { __m128d v = _mm_set1_pd(x); wv_f64 r = {v, v}; return r; }
#define WV_F64_OP(name, intr) \
    WV_INLINE wv_f64 name(wv_f64 x, wv_f64 y) { wv_f64 r = {intr(x.a, y.a), intr(x.b, y.b)}; return r; }
#define WV_M64_OP(name, intr) \
    WV_INLINE wv_m64 name(wv_f64 x, wv_f64 y) { wv_m64 r = {intr(x.a, y.a), intr(x.b, y.b)}; return r; }
WV_F64_OP(wv_add_f64, _mm_add_pd)
WV_F64_OP(wv_sub_f64, _mm_sub_pd)
WV_F64_OP(wv_mul_f64, _mm_mul_pd)
WV_F64_OP(wv_div_f64, _mm_div_pd)
WV_F64_OP(wv_max_f64, _mm_max_pd)
WV_F64_OP(wv_min_f64, _mm_min_pd)
WV_M64_OP(wv_lt_f64, _mm_cmplt_pd)
WV_M64_OP(wv_le_f64, _mm_cmple_pd)
WV_M64_OP(wv_ge_f64, _mm_cmpge_pd)
WV_INLINE __m128d wv__fma_pd(__m128d a, __m128d b, __m128d c)
{
    double x[2], y[2], z[2];
    _mm_storeu_pd(x, a);
    _mm_storeu_pd(y, b);
    _mm_storeu_pd(z, c);
    return _mm_setr_pd(fma(x[0], y[0], z[0]), fma(x[1], y[1], z[1]));
}
WV_INLINE wv_f64 wv_fma_f64(wv_f64 x, wv_f64 y, wv_f64 z)
{
    wv_f64 r = {wv__fma_pd(x.a, y.a, z.a), wv__fma_pd(x.b, y.b, z.b)};
    return r;
}
WV_INLINE wv_f64 wv_fnma_f64(wv_f64 x, wv_f64 y, wv_f64 z)
{
    const __m128d s = _mm_set1_pd(-0.0);
    wv_f64 r = {wv__fma_pd(_mm_xor_pd(x.a, s), y.a, z.a), wv__fma_pd(_mm_xor_pd(x.b, s), y.b, z.b)};
    return r;
}
WV_INLINE wv_f64 wv_sqrt_f64(wv_f64 x) { wv_f64 r = {_mm_sqrt_pd(x.a), _mm_sqrt_pd(x.b)}; return r; }
WV_INLINE __m128d wv__sel_pd(__m128d m, __m128d a, __m128d b) { return _mm_or_pd(_mm_and_pd(m, a), _mm_andnot_pd(m, b)); }
WV_INLINE wv_f64 wv_select_f64(wv_m64 m, wv_f64 x, wv_f64 y)
{
    wv_f64 r = {wv__sel_pd(m.a, x.a, y.a), wv__sel_pd(m.b, x.b, y.b)};
    return r;
}
WV_INLINE unsigned wv_mask_bits64(wv_m64 m) { return (unsigned)(_mm_movemask_pd(m.a) | (_mm_movemask_pd(m.b) << 2)); }

/* ---- stores in element order --------------------------------------------- */
WV_INLINE void wv__st128(char *d, __m128i v, const int nt)
{
    if (nt) _mm_stream_si128((__m128i *)d, v);
    else _mm_storeu_si128((__m128i *)d, v);
}

WV_INLINE void wv_store4_u32(char *d, wv_u32 x0, wv_u32 x1, wv_u32 x2, wv_u32 x3, const int nt)
{
    __m128i t0 = _mm_unpacklo_epi32(x0, x1), t1 = _mm_unpackhi_epi32(x0, x1);
    __m128i t2 = _mm_unpacklo_epi32(x2, x3), t3 = _mm_unpackhi_epi32(x2, x3);
    wv__st128(d + 0, _mm_unpacklo_epi64(t0, t2), nt);
    wv__st128(d + 16, _mm_unpackhi_epi64(t0, t2), nt);
    wv__st128(d + 32, _mm_unpacklo_epi64(t1, t3), nt);
    wv__st128(d + 48, _mm_unpackhi_epi64(t1, t3), nt);
}

WV_INLINE void wv_store4_f16(char *d, wv_f32 v0, wv_f32 v1, wv_f32 v2, wv_f32 v3, const int nt)
{
    float f[4][4];
    uint16_t h[16];
    (void)nt;
    _mm_storeu_ps(f[0], v0);
    _mm_storeu_ps(f[1], v1);
    _mm_storeu_ps(f[2], v2);
    _mm_storeu_ps(f[3], v3);
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 4; k++) h[4 * i + k] = winit_f32_to_f16_bits(f[k][i]);
    memcpy(d, h, 32);
}

/* float32 bits -> bfloat16 bits in the low half of each lane (RNE, NaN quiet) */
WV_INLINE __m128i wv__bf16_bits(__m128 v)
{
    __m128i x = _mm_castps_si128(v);
    __m128i r = _mm_add_epi32(_mm_add_epi32(x, _mm_set1_epi32(0x7FFF)), _mm_and_si128(_mm_srli_epi32(x, 16), _mm_set1_epi32(1)));
    r = _mm_srli_epi32(r, 16);
    __m128i nan = _mm_castps_si128(_mm_cmpunord_ps(v, v));
    __m128i q = _mm_or_si128(_mm_srli_epi32(x, 16), _mm_set1_epi32(0x40));
    return _mm_or_si128(_mm_and_si128(nan, q), _mm_andnot_si128(nan, r));
}

WV_INLINE void wv_store4_bf16(char *d, wv_f32 v0, wv_f32 v1, wv_f32 v2, wv_f32 v3, const int nt)
{
    __m128i p01 = _mm_or_si128(wv__bf16_bits(v0), _mm_slli_epi32(wv__bf16_bits(v1), 16));
    __m128i p23 = _mm_or_si128(wv__bf16_bits(v2), _mm_slli_epi32(wv__bf16_bits(v3), 16));
    wv__st128(d + 0, _mm_unpacklo_epi32(p01, p23), nt);
    wv__st128(d + 16, _mm_unpackhi_epi32(p01, p23), nt);
}

WV_INLINE void wv_store2_f64(char *d, wv_f64 x, wv_f64 y, const int nt)
{
    wv__st128(d + 0, _mm_castpd_si128(_mm_unpacklo_pd(x.a, y.a)), nt);
    wv__st128(d + 16, _mm_castpd_si128(_mm_unpackhi_pd(x.a, y.a)), nt);
    wv__st128(d + 32, _mm_castpd_si128(_mm_unpacklo_pd(x.b, y.b)), nt);
    wv__st128(d + 48, _mm_castpd_si128(_mm_unpackhi_pd(x.b, y.b)), nt);
}
WV_INLINE void wv_stream_fence(void) { _mm_sfence(); }

#endif /* WINIT_WV_SSE2_H */
