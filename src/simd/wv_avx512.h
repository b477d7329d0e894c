/* Vector-op layer, AVX-512 (F/DQ/BW/VL) instance: 16 lanes (zmm).  Contract:
 * wv_scalar.h.
 *
 * Target-specific choices (each keeps the lane-wise values of the contract):
 *  - wv_mulhilo_u32 and wv_perm_u32: the permuting vpmuludq + vshufps form of
 *    wv_avx2.h (vshufps works within 128-bit lanes at every width);
 *    wv_xor3_u32 is one vpternlogd.
 *  - masks are mask registers; selects are masked blends.
 *  - 64-bit vectors are two zmm in block order; the exact 53-bit integer to
 *    float64 conversion is vcvtuqq2pd.
 *  - the 4-word stores transpose within 128-bit lanes, then across them
 *    (vshufi32x4), and write whole 64-byte vectors: with non-temporal stores
 *    each is a full cache line.
 *  - bfloat16: the integer round-to-nearest-even (vcvtneps2bf16 needs
 *    AVX512_BF16 and treats float32 subnormals as zero, unlike ml_dtypes).
 */
#ifndef WINIT_WV_AVX512_H
#define WINIT_WV_AVX512_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "../winit_math.h"

#define WV_N 16
#define WV_INLINE static inline __attribute__((always_inline))

typedef __m512i wv_u32;
typedef __m512 wv_f32;
typedef __mmask16 wv_m32;
typedef struct { __m512i a, b; } wv_u64; /* blocks 0-7 | 8-15 */
typedef struct { __m512d a, b; } wv_f64;
typedef struct { __mmask8 a, b; } wv_m64;

/* ---- 32-bit integer lanes ---------------------------------------------- */
WV_INLINE wv_u32 wv_set1_u32(uint32_t x) { return _mm512_set1_epi32((int)x); }
WV_INLINE wv_u32 wv_iota_u32(void) { return _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15); }
WV_INLINE wv_u32 wv_add_u32(wv_u32 a, wv_u32 b) { return _mm512_add_epi32(a, b); }
WV_INLINE wv_u32 wv_sub_u32(wv_u32 a, wv_u32 b) { return _mm512_sub_epi32(a, b); }
WV_INLINE wv_u32 wv_and_u32(wv_u32 a, wv_u32 b) { return _mm512_and_si512(a, b); }
WV_INLINE wv_u32 wv_xor_u32(wv_u32 a, wv_u32 b) { return _mm512_xor_si512(a, b); }
WV_INLINE wv_u32 wv_xor3_u32(wv_u32 a, wv_u32 b, wv_u32 c) { return _mm512_ternarylogic_epi32(a, b, c, 0x96); }
#define wv_shr_u32(a, n) _mm512_srli_epi32((a), (n))
#define wv_shl_u32(a, n) _mm512_slli_epi32((a), (n))
#define wv_sar_u32(a, n) _mm512_srai_epi32((a), (n))
WV_INLINE wv_u32 wv_ltu_u32(wv_u32 a, wv_u32 b) { return _mm512_movm_epi32(_mm512_cmplt_epu32_mask(a, b)); }
WV_INLINE void wv_mulhilo_u32(wv_u32 a, wv_u32 m, wv_u32 *hi, wv_u32 *lo)
{
    __m512 pe = _mm512_castsi512_ps(_mm512_mul_epu32(a, m));
    __m512 po = _mm512_castsi512_ps(_mm512_mul_epu32(_mm512_shuffle_epi32(a, (_MM_PERM_ENUM)0xF5), m));
    *hi = _mm512_castps_si512(_mm512_shuffle_ps(pe, po, 0xDD));
    *lo = _mm512_castps_si512(_mm512_shuffle_ps(pe, po, 0x88));
}
WV_INLINE wv_u32 wv_perm_u32(wv_u32 a) { return _mm512_shuffle_epi32(a, (_MM_PERM_ENUM)0xD8); }
WV_INLINE wv_m32 wv_signmask_u32(wv_u32 a) { return _mm512_movepi32_mask(a); }

/* ---- float32 lanes ------------------------------------------------------- */
WV_INLINE wv_f32 wv_set1_f32(float x) { return _mm512_set1_ps(x); }
WV_INLINE wv_f32 wv_cast_u32_f32(wv_u32 a) { return _mm512_castsi512_ps(a); }
WV_INLINE wv_u32 wv_cast_f32_u32(wv_f32 a) { return _mm512_castps_si512(a); }
WV_INLINE wv_f32 wv_cvt_i32_f32(wv_u32 a) { return _mm512_cvtepi32_ps(a); }
WV_INLINE wv_f32 wv_add_f32(wv_f32 a, wv_f32 b) { return _mm512_add_ps(a, b); }
WV_INLINE wv_f32 wv_sub_f32(wv_f32 a, wv_f32 b) { return _mm512_sub_ps(a, b); }
WV_INLINE wv_f32 wv_mul_f32(wv_f32 a, wv_f32 b) { return _mm512_mul_ps(a, b); }
WV_INLINE wv_f32 wv_div_f32(wv_f32 a, wv_f32 b) { return _mm512_div_ps(a, b); }
WV_INLINE wv_f32 wv_fma_f32(wv_f32 a, wv_f32 b, wv_f32 c) { return _mm512_fmadd_ps(a, b, c); }
WV_INLINE wv_f32 wv_fnma_f32(wv_f32 a, wv_f32 b, wv_f32 c) { return _mm512_fnmadd_ps(a, b, c); }
WV_INLINE wv_f32 wv_fma_nomid_f32(wv_f32 a, wv_f32 b, wv_f32 c) { return _mm512_fmadd_ps(a, b, c); }
WV_INLINE wv_f32 wv_sqrt_f32(wv_f32 a) { return _mm512_sqrt_ps(a); }
WV_INLINE wv_f32 wv_max_f32(wv_f32 a, wv_f32 b) { return _mm512_max_ps(a, b); } /* a > b ? a : b */
WV_INLINE wv_f32 wv_min_f32(wv_f32 a, wv_f32 b) { return _mm512_min_ps(a, b); }
WV_INLINE wv_m32 wv_lt_f32(wv_f32 a, wv_f32 b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
WV_INLINE wv_m32 wv_le_f32(wv_f32 a, wv_f32 b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
WV_INLINE wv_m32 wv_ge_f32(wv_f32 a, wv_f32 b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
WV_INLINE wv_f32 wv_select_f32(wv_m32 m, wv_f32 a, wv_f32 b) { return _mm512_mask_blend_ps(m, b, a); }
WV_INLINE unsigned wv_mask_bits32(wv_m32 m) { return (unsigned)m; }
WV_INLINE wv_f32 wv_load_f32(const float *p) { return _mm512_load_ps(p); }
WV_INLINE void wv_store_f32(float *p, wv_f32 a) { _mm512_store_ps(p, a); }

/* ---- 64-bit lanes -------------------------------------------------------- */
WV_INLINE wv_u64 wv_set1_u64(uint64_t x) { __m512i v = _mm512_set1_epi64((long long)x); wv_u64 r = {v, v}; return r; }
WV_INLINE wv_u64 wv_zip_u32(wv_u32 lo, wv_u32 hi)
{
    const __m512i i0 = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i i1 = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    wv_u64 r = {_mm512_permutex2var_epi32(lo, i0, hi), _mm512_permutex2var_epi32(lo, i1, hi)};
    return r;
}
#define WV_U64_OP(name, intr) \
    WV_INLINE wv_u64 name(wv_u64 x, wv_u64 y) { wv_u64 r = {intr(x.a, y.a), intr(x.b, y.b)}; return r; }
WV_U64_OP(wv_add_u64, _mm512_add_epi64)
WV_U64_OP(wv_and_u64, _mm512_and_si512)
WV_U64_OP(wv_or_u64, _mm512_or_si512)
WV_U64_OP(wv_xor_u64, _mm512_xor_si512)
#define wv_shr_u64(x, n) ((wv_u64){_mm512_srli_epi64((x).a, (n)), _mm512_srli_epi64((x).b, (n))})
#define wv_shl_u64(x, n) ((wv_u64){_mm512_slli_epi64((x).a, (n)), _mm512_slli_epi64((x).b, (n))})
WV_INLINE wv_m64 wv_signmask_u64(wv_u64 x) { wv_m64 r = {_mm512_movepi64_mask(x.a), _mm512_movepi64_mask(x.b)}; return r; }
WV_INLINE wv_f64 wv_cast_u64_f64(wv_u64 x) { wv_f64 r = {_mm512_castsi512_pd(x.a), _mm512_castsi512_pd(x.b)}; return r; }
WV_INLINE wv_u64 wv_cast_f64_u64(wv_f64 x) { wv_u64 r = {_mm512_castpd_si512(x.a), _mm512_castpd_si512(x.b)}; return r; }
#define WV_CVT_U64 1    /* see wv_scalar.h */
#define WV_NATIVE_FMA 1 /* see wv_scalar.h */
WV_INLINE wv_f64 wv_u64_to_f64(wv_u64 x) { wv_f64 r = {_mm512_cvtepu64_pd(x.a), _mm512_cvtepu64_pd(x.b)}; return r; }
WV_INLINE wv_f64 wv_u53_to_f64_m53(wv_u64 x)
{
    const __m512d s = _mm512_set1_pd(0x1p-53);
    wv_f64 r = {_mm512_mul_pd(_mm512_cvtepu64_pd(x.a), s), _mm512_mul_pd(_mm512_cvtepu64_pd(x.b), s)};
    return r;
}

WV_INLINE wv_f64 wv_set1_f64(double x) { __m512d v = _mm512_set1_pd(x); wv_f64 r = {v, v}; return r; }
#define WV_F64_OP(name, intr) \
    WV_INLINE wv_f64 name(wv_f64 x, wv_f64 y) { wv_f64 r = {intr(x.a, y.a), intr(x.b, y.b)}; return r; }
#define WV_M64_OP(name, pred) \
    WV_INLINE wv_m64 name(wv_f64 x, wv_f64 y) { wv_m64 r = {_mm512_cmp_pd_mask(x.a, y.a, pred), _mm512_cmp_pd_mask(x.b, y.b, pred)}; return r; }
WV_F64_OP(wv_add_f64, _mm512_add_pd)
WV_F64_OP(wv_sub_f64, _mm512_sub_pd)
WV_F64_OP(wv_mul_f64, _mm512_mul_pd)
WV_F64_OP(wv_div_f64, _mm512_div_pd)
WV_F64_OP(wv_max_f64, _mm512_max_pd)
WV_F64_OP(wv_min_f64, _mm512_min_pd)
WV_M64_OP(wv_lt_f64, _CMP_LT_OQ)
WV_M64_OP(wv_le_f64, _CMP_LE_OQ)
WV_M64_OP(wv_ge_f64, _CMP_GE_OQ)
WV_INLINE wv_f64 wv_fma_f64(wv_f64 x, wv_f64 y, wv_f64 z)
{
    wv_f64 r = {_mm512_fmadd_pd(x.a, y.a, z.a), _mm512_fmadd_pd(x.b, y.b, z.b)};
    return r;
}
WV_INLINE wv_f64 wv_fnma_f64(wv_f64 x, wv_f64 y, wv_f64 z)
{
    wv_f64 r = {_mm512_fnmadd_pd(x.a, y.a, z.a), _mm512_fnmadd_pd(x.b, y.b, z.b)};
    return r;
}
WV_INLINE wv_f64 wv_sqrt_f64(wv_f64 x) { wv_f64 r = {_mm512_sqrt_pd(x.a), _mm512_sqrt_pd(x.b)}; return r; }
WV_INLINE wv_f64 wv_select_f64(wv_m64 m, wv_f64 x, wv_f64 y)
{
    wv_f64 r = {_mm512_mask_blend_pd(m.a, y.a, x.a), _mm512_mask_blend_pd(m.b, y.b, x.b)};
    return r;
}
WV_INLINE unsigned wv_mask_bits64(wv_m64 m) { return (unsigned)m.a | ((unsigned)m.b << 8); }

/* ---- stores in element order --------------------------------------------- */
WV_INLINE void wv__st512(char *d, __m512i v, const int nt)
{
    if (nt) _mm512_stream_si512((void *)d, v);
    else _mm512_storeu_si512((void *)d, v);
}
WV_INLINE void wv__st256(char *d, __m256i v, const int nt)
{
    if (nt) _mm256_stream_si256((__m256i *)d, v);
    else _mm256_storeu_si256((__m256i *)d, v);
}

/* SoA words r0..r3 of 16 blocks -> e[j] = the 16 words of blocks 4j .. 4j+3 */
WV_INLINE void wv__transpose(__m512i r0, __m512i r1, __m512i r2, __m512i r3, __m512i e[4])
{
    __m512i t0 = _mm512_unpacklo_epi32(r0, r1), t1 = _mm512_unpackhi_epi32(r0, r1);
    __m512i t2 = _mm512_unpacklo_epi32(r2, r3), t3 = _mm512_unpackhi_epi32(r2, r3);
    /* u[k], 128-bit lane j: block k + 4 j */
    __m512i u0 = _mm512_unpacklo_epi64(t0, t2), u1 = _mm512_unpackhi_epi64(t0, t2);
    __m512i u2 = _mm512_unpacklo_epi64(t1, t3), u3 = _mm512_unpackhi_epi64(t1, t3);
    __m512i a = _mm512_shuffle_i32x4(u0, u1, 0x44), b = _mm512_shuffle_i32x4(u2, u3, 0x44); /* 0,4,1,5 | 2,6,3,7 */
    __m512i c = _mm512_shuffle_i32x4(u0, u1, 0xEE), d = _mm512_shuffle_i32x4(u2, u3, 0xEE); /* 8,12,9,13 | 10,14,11,15 */
    e[0] = _mm512_shuffle_i32x4(a, b, 0x88);
    e[1] = _mm512_shuffle_i32x4(a, b, 0xDD);
    e[2] = _mm512_shuffle_i32x4(c, d, 0x88);
    e[3] = _mm512_shuffle_i32x4(c, d, 0xDD);
}

WV_INLINE void wv_store4_u32(char *d, wv_u32 x0, wv_u32 x1, wv_u32 x2, wv_u32 x3, const int nt)
{
    __m512i e[4];
    wv__transpose(x0, x1, x2, x3, e);
    for (int j = 0; j < 4; j++) wv__st512(d + 64 * j, e[j], nt);
}

WV_INLINE void wv_store4_f16(char *d, wv_f32 v0, wv_f32 v1, wv_f32 v2, wv_f32 v3, const int nt)
{
    __m512i e[4];
    wv__transpose(_mm512_castps_si512(v0), _mm512_castps_si512(v1), _mm512_castps_si512(v2),
                  _mm512_castps_si512(v3), e);
    for (int j = 0; j < 4; j++)
        wv__st256(d + 32 * j, _mm512_cvtps_ph(_mm512_castsi512_ps(e[j]), _MM_FROUND_TO_NEAREST_INT), nt);
}

/* float32 bits with the bfloat16 result in the high half: x + 0x7FFF + (bit 16 of x),
   and for NaN (x | quiet bit) */
WV_INLINE __m512i wv__bf16_high(__m512i x)
{
    __m512i r = _mm512_add_epi32(_mm512_add_epi32(x, _mm512_set1_epi32(0x7FFF)),
                                 _mm512_and_si512(_mm512_srli_epi32(x, 16), _mm512_set1_epi32(1)));
    __m512 f = _mm512_castsi512_ps(x);
    __mmask16 nan = _mm512_cmp_ps_mask(f, f, _CMP_UNORD_Q);
    return _mm512_mask_or_epi32(r, nan, x, _mm512_set1_epi32(0x00400000));
}

WV_INLINE void wv_store4_bf16(char *d, wv_f32 v0, wv_f32 v1, wv_f32 v2, wv_f32 v3, const int nt)
{
    __m512i e[4];
    const __m512i odd = _mm512_set_epi16(63, 61, 59, 57, 55, 53, 51, 49, 47, 45, 43, 41, 39, 37, 35, 33,
                                         31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
    wv__transpose(wv__bf16_high(_mm512_castps_si512(v0)), wv__bf16_high(_mm512_castps_si512(v1)),
                  wv__bf16_high(_mm512_castps_si512(v2)), wv__bf16_high(_mm512_castps_si512(v3)), e);
    wv__st512(d, _mm512_permutex2var_epi16(e[0], odd, e[1]), nt);
    wv__st512(d + 64, _mm512_permutex2var_epi16(e[2], odd, e[3]), nt);
}

WV_INLINE void wv_store2_f64(char *d, wv_f64 x, wv_f64 y, const int nt)
{
    const __m512i lo = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11), hi = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
    wv__st512(d + 0, _mm512_castpd_si512(_mm512_permutex2var_pd(x.a, lo, y.a)), nt);
    wv__st512(d + 64, _mm512_castpd_si512(_mm512_permutex2var_pd(x.a, hi, y.a)), nt);
    wv__st512(d + 128, _mm512_castpd_si512(_mm512_permutex2var_pd(x.b, lo, y.b)), nt);
    wv__st512(d + 192, _mm512_castpd_si512(_mm512_permutex2var_pd(x.b, hi, y.b)), nt);
}
WV_INLINE void wv_stream_fence(void) { _mm_sfence(); }

#endif /* WINIT_WV_AVX512_H */
