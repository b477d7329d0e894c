/* Vector-op layer, AVX2+FMA+F16C instance: 8 lanes (ymm).  Contract: wv_scalar.h.
 *
 * Target-specific choices (each keeps the lane-wise values of the contract):
 *  - wv_mulhilo_u32: vpmuludq multiplies the even lanes and the odd lanes
 *    shifted down; one vshufps each gathers the high and the low halves, in
 *    the block order (0, 2, 1, 3) of each 128-bit lane (order P, P(P) = id);
 *    wv_perm_u32 is that swap (vpshufd 0xD8).  16 instead of 18 instructions
 *    per round for 8 blocks.
 *  - 64-bit vectors are two ymm; wv_zip_u32 interleaves within 128-bit lanes
 *    (blocks 0,1,4,5 | 2,3,6,7), which wv_store2_f64 undoes with 128-bit
 *    stores: no lane-crossing shuffle (vperm2i128 is 8 uops on Zen 1).
 *  - the 4-word stores transpose within 128-bit lanes and store 128-bit halves.
 */
#ifndef WINIT_WV_AVX2_H
#define WINIT_WV_AVX2_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "../winit_math.h"

#define WV_N 8
#define WV_INLINE static inline __attribute__((always_inline))

typedef __m256i wv_u32;
typedef __m256 wv_f32;
typedef __m256 wv_m32;
typedef struct { __m256i a, b; } wv_u64;
typedef struct { __m256d a, b; } wv_f64;
typedef struct { __m256d a, b; } wv_m64;

/* ---- 32-bit integer lanes ---------------------------------------------- */
WV_INLINE wv_u32 wv_set1_u32(uint32_t x) { return _mm256_set1_epi32((int)x); }
WV_INLINE wv_u32 wv_iota_u32(void) { return _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7); }
WV_INLINE wv_u32 wv_add_u32(wv_u32 a, wv_u32 b) { return _mm256_add_epi32(a, b); }
WV_INLINE wv_u32 wv_sub_u32(wv_u32 a, wv_u32 b) { return _mm256_sub_epi32(a, b); }
WV_INLINE wv_u32 wv_and_u32(wv_u32 a, wv_u32 b) { return _mm256_and_si256(a, b); }
WV_INLINE wv_u32 wv_xor_u32(wv_u32 a, wv_u32 b) { return _mm256_xor_si256(a, b); }
WV_INLINE wv_u32 wv_xor3_u32(wv_u32 a, wv_u32 b, wv_u32 c) { return _mm256_xor_si256(_mm256_xor_si256(a, b), c); }
#define wv_shr_u32(a, n) _mm256_srli_epi32((a), (n))
#define wv_shl_u32(a, n) _mm256_slli_epi32((a), (n))
#define wv_sar_u32(a, n) _mm256_srai_epi32((a), (n))
WV_INLINE wv_u32 wv_ltu_u32(wv_u32 a, wv_u32 b)
{
    const __m256i s = _mm256_set1_epi32((int)0x80000000u);
    return _mm256_cmpgt_epi32(_mm256_xor_si256(b, s), _mm256_xor_si256(a, s));
}
WV_INLINE void wv_mulhilo_u32(wv_u32 a, wv_u32 m, wv_u32 *hi, wv_u32 *lo)
{
    __m256 pe = _mm256_castsi256_ps(_mm256_mul_epu32(a, m));
    __m256 po = _mm256_castsi256_ps(_mm256_mul_epu32(_mm256_shuffle_epi32(a, 0xF5), m));
    *hi = _mm256_castps_si256(_mm256_shuffle_ps(pe, po, 0xDD));
    *lo = _mm256_castps_si256(_mm256_shuffle_ps(pe, po, 0x88));
}
WV_INLINE wv_u32 wv_perm_u32(wv_u32 a) { return _mm256_shuffle_epi32(a, 0xD8); }
WV_INLINE wv_m32 wv_signmask_u32(wv_u32 a) { return _mm256_castsi256_ps(a); } /* blendv reads the sign bit */

/* ---- float32 lanes ------------------------------------------------------- */
WV_INLINE wv_f32 wv_set1_f32(float x) { return _mm256_set1_ps(x); }
WV_INLINE wv_f32 wv_cast_u32_f32(wv_u32 a) { return _mm256_castsi256_ps(a); }
WV_INLINE wv_u32 wv_cast_f32_u32(wv_f32 a) { return _mm256_castps_si256(a); }
WV_INLINE wv_f32 wv_cvt_i32_f32(wv_u32 a) { return _mm256_cvtepi32_ps(a); }
WV_INLINE wv_f32 wv_add_f32(wv_f32 a, wv_f32 b) { return _mm256_add_ps(a, b); }
WV_INLINE wv_f32 wv_sub_f32(wv_f32 a, wv_f32 b) { return _mm256_sub_ps(a, b); }
WV_INLINE wv_f32 wv_mul_f32(wv_f32 a, wv_f32 b) { return _mm256_mul_ps(a, b); }
WV_INLINE wv_f32 wv_div_f32(wv_f32 a, wv_f32 b) { return _mm256_div_ps(a, b); }
WV_INLINE wv_f32 wv_fma_f32(wv_f32 a, wv_f32 b, wv_f32 c) { return _mm256_fmadd_ps(a, b, c); }
WV_INLINE wv_f32 wv_fnma_f32(wv_f32 a, wv_f32 b, wv_f32 c) { return _mm256_fnmadd_ps(a, b, c); }
WV_INLINE wv_f32 wv_fma_nomid_f32(wv_f32 a, wv_f32 b, wv_f32 c) { return _mm256_fmadd_ps(a, b, c); }
WV_INLINE wv_f32 wv_sqrt_f32(wv_f32 a) { return _mm256_sqrt_ps(a); }
WV_INLINE wv_f32 wv_max_f32(wv_f32 a, wv_f32 b) { return _mm256_max_ps(a, b); } /* a > b ? a : b */
WV_INLINE wv_f32 wv_min_f32(wv_f32 a, wv_f32 b) { return _mm256_min_ps(a, b); } /* a < b ? a : b */
WV_INLINE wv_m32 wv_lt_f32(wv_f32 a, wv_f32 b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
WV_INLINE wv_m32 wv_le_f32(wv_f32 a, wv_f32 b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
WV_INLINE wv_m32 wv_ge_f32(wv_f32 a, wv_f32 b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
WV_INLINE wv_f32 wv_select_f32(wv_m32 m, wv_f32 a, wv_f32 b) { return _mm256_blendv_ps(b, a, m); }
WV_INLINE unsigned wv_mask_bits32(wv_m32 m) { return (unsigned)_mm256_movemask_ps(m); }
WV_INLINE wv_f32 wv_load_f32(const float *p) { return _mm256_load_ps(p); }
WV_INLINE void wv_store_f32(float *p, wv_f32 a) { _mm256_store_ps(p, a); }

/* ---- 64-bit lanes -------------------------------------------------------- */
WV_INLINE wv_u64 wv_set1_u64(uint64_t x) { __m256i v = _mm256_set1_epi64x((long long)x); wv_u64 r = {v, v}; return r; }
WV_INLINE wv_u64 wv_zip_u32(wv_u32 lo, wv_u32 hi)
{
    wv_u64 r = {_mm256_unpacklo_epi32(lo, hi), _mm256_unpackhi_epi32(lo, hi)};
    return r;
}
#define WV_U64_OP(name, intr) \
    WV_INLINE wv_u64 name(wv_u64 x, wv_u64 y) { wv_u64 r = {intr(x.a, y.a), intr(x.b, y.b)}; return r; }
WV_U64_OP(wv_add_u64, _mm256_add_epi64)
WV_U64_OP(wv_and_u64, _mm256_and_si256)
WV_U64_OP(wv_or_u64, _mm256_or_si256)
WV_U64_OP(wv_xor_u64, _mm256_xor_si256)
#define wv_shr_u64(x, n) ((wv_u64){_mm256_srli_epi64((x).a, (n)), _mm256_srli_epi64((x).b, (n))})
#define wv_shl_u64(x, n) ((wv_u64){_mm256_slli_epi64((x).a, (n)), _mm256_slli_epi64((x).b, (n))})
WV_INLINE wv_m64 wv_signmask_u64(wv_u64 x) { wv_m64 r = {_mm256_castsi256_pd(x.a), _mm256_castsi256_pd(x.b)}; return r; }
WV_INLINE wv_f64 wv_cast_u64_f64(wv_u64 x) { wv_f64 r = {_mm256_castsi256_pd(x.a), _mm256_castsi256_pd(x.b)}; return r; }
WV_INLINE wv_u64 wv_cast_f64_u64(wv_f64 x) { wv_u64 r = {_mm256_castpd_si256(x.a), _mm256_castpd_si256(x.b)}; return r; }
/* exact for v <= 2^53: (2^84 + hi 2^32) - (2^84 + 2^52) + (2^52 + lo), each step exact */
WV_INLINE __m256d wv__u53_pd(__m256i v)
{
    __m256d hi = _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(v, 32), _mm256_set1_epi64x(0x4530000000000000ll)));
    __m256d lo = _mm256_castsi256_pd(_mm256_blend_epi32(v, _mm256_set1_epi64x(0x4330000000000000ll), 0xAA));
    return _mm256_add_pd(_mm256_sub_pd(hi, _mm256_set1_pd(19342813118337666422669312.0 /* 2^84 + 2^52 */)), lo);
}
#define WV_CVT_U64 0    /* see wv_scalar.h */
#define WV_NATIVE_FMA 1 /* see wv_scalar.h */
WV_INLINE wv_f64 wv_u64_to_f64(wv_u64 x) { wv_f64 r = {wv__u53_pd(x.a), wv__u53_pd(x.b)}; return r; }
/* (double)v 2^-53 for v < 2^53: both magic numbers scaled by 2^-53, so the scaling is free:
   hi' = 2^31 + h 2^-21 and lo' = 2^-1 + l 2^-53 (h < 2^21, l < 2^32); hi' - (2^31 + 2^-1) is
   exact and the sum h 2^-21 + l 2^-53 < 1 fits 53 bits */
WV_INLINE __m256d wv__u53m53_pd(__m256i v)
{
    __m256d hi = _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(v, 32), _mm256_set1_epi64x(0x4530000000000000ll - (53ll << 52))));
    __m256d lo = _mm256_castsi256_pd(_mm256_blend_epi32(v, _mm256_set1_epi64x(0x4330000000000000ll - (53ll << 52)), 0xAA));
    return _mm256_add_pd(_mm256_sub_pd(hi, _mm256_set1_pd(2147483648.5 /* 2^31 + 2^-1 */)), lo);
}
WV_INLINE wv_f64 wv_u53_to_f64_m53(wv_u64 x) { wv_f64 r = {wv__u53m53_pd(x.a), wv__u53m53_pd(x.b)}; return r; }

WV_INLINE wv_f64 wv_set1_f64(double x) { __m256d v = _mm256_set1_pd(x); wv_f64 r = {v, v}; return r; }
#define WV_F64_OP(name, intr) \
    WV_INLINE wv_f64 name(wv_f64 x, wv_f64 y) { wv_f64 r = {intr(x.a, y.a), intr(x.b, y.b)}; return r; }
#define WV_M64_OP(name, pred) \
    WV_INLINE wv_m64 name(wv_f64 x, wv_f64 y) { wv_m64 r = {_mm256_cmp_pd(x.a, y.a, pred), _mm256_cmp_pd(x.b, y.b, pred)}; return r; }
WV_F64_OP(wv_add_f64, _mm256_add_pd)
WV_F64_OP(wv_sub_f64, _mm256_sub_pd)
WV_F64_OP(wv_mul_f64, _mm256_mul_pd)
WV_F64_OP(wv_div_f64, _mm256_div_pd)
WV_F64_OP(wv_max_f64, _mm256_max_pd)
WV_F64_OP(wv_min_f64, _mm256_min_pd)
WV_M64_OP(wv_lt_f64, _CMP_LT_OQ)
WV_M64_OP(wv_le_f64, _CMP_LE_OQ)
WV_M64_OP(wv_ge_f64, _CMP_GE_OQ)
WV_INLINE wv_f64 wv_fma_f64(wv_f64 x, wv_f64 y, wv_f64 z)
{
    wv_f64 r = {_mm256_fmadd_pd(x.a, y.a, z.a), _mm256_fmadd_pd(x.b, y.b, z.b)};
    return r;
}
WV_INLINE wv_f64 wv_fnma_f64(wv_f64 x, wv_f64 y, wv_f64 z)
{
    wv_f64 r = {_mm256_fnmadd_pd(x.a, y.a, z.a), _mm256_fnmadd_pd(x.b, y.b, z.b)};
    return r;
}
WV_INLINE wv_f64 wv_sqrt_f64(wv_f64 x) { wv_f64 r = {_mm256_sqrt_pd(x.a), _mm256_sqrt_pd(x.b)}; return r; }
WV_INLINE wv_f64 wv_select_f64(wv_m64 m, wv_f64 x, wv_f64 y)
{
    wv_f64 r = {_mm256_blendv_pd(y.a, x.a, m.a), _mm256_blendv_pd(y.b, x.b, m.b)};
    return r;
}
/* bit order: any fixed one serves (the kernels test all-or-none) */
WV_INLINE unsigned wv_mask_bits64(wv_m64 m) { return (unsigned)(_mm256_movemask_pd(m.a) | (_mm256_movemask_pd(m.b) << 4)); }

/* ---- stores in element order --------------------------------------------- */
WV_INLINE void wv__st128(char *d, __m128i v, const int nt)
{
    if (nt) _mm_stream_si128((__m128i *)d, v);
    else _mm_storeu_si128((__m128i *)d, v);
}

/* u[k] = block k (low 128 bits) | block k+4 (high) */
WV_INLINE void wv__tr4x4l(__m256i r0, __m256i r1, __m256i r2, __m256i r3, __m256i u[4])
{
    __m256i t0 = _mm256_unpacklo_epi32(r0, r1), t1 = _mm256_unpackhi_epi32(r0, r1);
    __m256i t2 = _mm256_unpacklo_epi32(r2, r3), t3 = _mm256_unpackhi_epi32(r2, r3);
    u[0] = _mm256_unpacklo_epi64(t0, t2);
    u[1] = _mm256_unpackhi_epi64(t0, t2);
    u[2] = _mm256_unpacklo_epi64(t1, t3);
    u[3] = _mm256_unpackhi_epi64(t1, t3);
}

WV_INLINE void wv_store4_u32(char *d, wv_u32 x0, wv_u32 x1, wv_u32 x2, wv_u32 x3, const int nt)
{
    __m256i u[4];
    wv__tr4x4l(x0, x1, x2, x3, u);
    for (int k = 0; k < 4; k++) wv__st128(d + 16 * k, _mm256_castsi256_si128(u[k]), nt);
    for (int k = 0; k < 4; k++) wv__st128(d + 64 + 16 * k, _mm256_extracti128_si256(u[k], 1), nt);
}

WV_INLINE void wv_store4_f16(char *d, wv_f32 v0, wv_f32 v1, wv_f32 v2, wv_f32 v3, const int nt)
{
    __m256i u[4];
    __m128i h[4];
    wv__tr4x4l(_mm256_castps_si256(v0), _mm256_castps_si256(v1), _mm256_castps_si256(v2), _mm256_castps_si256(v3), u);
    /* h[k] = block k (8 bytes) | block k+4 */
    for (int k = 0; k < 4; k++) h[k] = _mm256_cvtps_ph(_mm256_castsi256_ps(u[k]), _MM_FROUND_TO_NEAREST_INT);
    wv__st128(d + 0, _mm_unpacklo_epi64(h[0], h[1]), nt);
    wv__st128(d + 16, _mm_unpacklo_epi64(h[2], h[3]), nt);
    wv__st128(d + 32, _mm_unpackhi_epi64(h[0], h[1]), nt);
    wv__st128(d + 48, _mm_unpackhi_epi64(h[2], h[3]), nt);
}

/* float32 bits x + 0x7FFF + (bit 16 of x): for a non-NaN x its high half is x
   rounded to bfloat16, nearest even */
WV_INLINE __m256i wv__bf16_rne_high(__m256i x)
{
    return _mm256_add_epi32(_mm256_add_epi32(x, _mm256_set1_epi32(0x7FFF)),
                            _mm256_and_si256(_mm256_srli_epi32(x, 16), _mm256_set1_epi32(1)));
}

/* float32 bits -> bfloat16 bits in the low half of each lane (RNE, NaN quiet) */
WV_INLINE __m256i wv__bf16_bits(__m256i x)
{
    __m256i h = _mm256_srli_epi32(x, 16);
    __m256i r = _mm256_srli_epi32(wv__bf16_rne_high(x), 16);
    __m256 f = _mm256_castsi256_ps(x);
    __m256i nan = _mm256_castps_si256(_mm256_cmp_ps(f, f, _CMP_UNORD_Q));
    return _mm256_blendv_epi8(r, _mm256_or_si256(h, _mm256_set1_epi32(0x40)), nan);
}

WV_INLINE void wv_store4_bf16(char *d, wv_f32 v0, wv_f32 v1, wv_f32 v2, wv_f32 v3, const int nt)
{
    /* round lane-wise, then put the 16-bit values of a block side by side:
       p01 lane i = values 0, 1 of block i */
    __m256i p01, p23;
    __m256 ord = _mm256_and_ps(_mm256_cmp_ps(v0, v1, _CMP_ORD_Q), _mm256_cmp_ps(v2, v3, _CMP_ORD_Q));
    if (__builtin_expect(_mm256_movemask_ps(ord) == 0xFF, 1)) {
        __m256i t0 = wv__bf16_rne_high(_mm256_castps_si256(v0)), t1 = wv__bf16_rne_high(_mm256_castps_si256(v1));
        __m256i t2 = wv__bf16_rne_high(_mm256_castps_si256(v2)), t3 = wv__bf16_rne_high(_mm256_castps_si256(v3));
        p01 = _mm256_blend_epi16(_mm256_srli_epi32(t0, 16), t1, 0xAA);
        p23 = _mm256_blend_epi16(_mm256_srli_epi32(t2, 16), t3, 0xAA);
    } else {
        p01 = _mm256_or_si256(wv__bf16_bits(_mm256_castps_si256(v0)), _mm256_slli_epi32(wv__bf16_bits(_mm256_castps_si256(v1)), 16));
        p23 = _mm256_or_si256(wv__bf16_bits(_mm256_castps_si256(v2)), _mm256_slli_epi32(wv__bf16_bits(_mm256_castps_si256(v3)), 16));
    }
    __m256i a = _mm256_unpacklo_epi32(p01, p23); /* blocks 0, 1 | 4, 5 */
    __m256i b = _mm256_unpackhi_epi32(p01, p23); /* blocks 2, 3 | 6, 7 */
    wv__st128(d + 0, _mm256_castsi256_si128(a), nt);
    wv__st128(d + 16, _mm256_castsi256_si128(b), nt);
    wv__st128(d + 32, _mm256_extracti128_si256(a, 1), nt);
    wv__st128(d + 48, _mm256_extracti128_si256(b, 1), nt);
}

/* x.a holds blocks 0,1,4,5 and x.b blocks 2,3,6,7 (wv_zip_u32's order) */
WV_INLINE void wv_store2_f64(char *d, wv_f64 x, wv_f64 y, const int nt)
{
    for (int h = 0; h < 2; h++) {
        __m256d p = h ? x.b : x.a, q = h ? y.b : y.a;
        __m256d lo = _mm256_unpacklo_pd(p, q), hi = _mm256_unpackhi_pd(p, q);
        char *dh = d + 32 * h;
        wv__st128(dh, _mm_castpd_si128(_mm256_castpd256_pd128(lo)), nt);
        wv__st128(dh + 16, _mm_castpd_si128(_mm256_castpd256_pd128(hi)), nt);
        wv__st128(dh + 64, _mm_castpd_si128(_mm256_extractf128_pd(lo, 1)), nt);
        wv__st128(dh + 80, _mm_castpd_si128(_mm256_extractf128_pd(hi, 1)), nt);
    }
}
WV_INLINE void wv_stream_fence(void) { _mm_sfence(); }

#endif /* WINIT_WV_AVX2_H */
