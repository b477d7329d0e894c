/* AVX2+FMA block kernels: same bits as winit_kernels_scalar.c, faster.
 *
 * Philox4x32-10 runs on 8 consecutive blocks at once in structure-of-arrays
 * form (one ymm holds word k of the 8 blocks).  There is no 32x32->64 high
 * multiply in AVX2: vpmuludq multiplies the even lanes and the odd lanes
 * shifted down, and two blends put high and low halves back in place.  The
 * transforms (winit_math.h) run on the SoA words with the same polynomials,
 * the same operations in the same order and FMA at the same places as the
 * scalar code, so every value is bit-identical; a 4x8 transpose brings the
 * results to element order before an unaligned store.  A trailing partial
 * group of fewer than 8 blocks is computed whole into a stack buffer and the
 * needed prefix copied out (same code, so same bits).
 *
 * Every function carries __attribute__((target("avx2,fma,f16c"))): the file
 * builds without special flags and winit_fill.c picks this table only when
 * the CPU has AVX2, FMA and F16C.
 */
#include "winit_kernels.h"

#ifdef WINIT_HAVE_AVX2_KERNELS

#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma,f16c")))
#define AVX2_INLINE static inline __attribute__((always_inline, target("avx2,fma,f16c")))

/* ---- Philox4x32-10, 8 blocks ---------------------------------------------- */

typedef struct {
    __m256i key0[10], key1[10];
    __m256i c2, c3;
} px8_ctx;

AVX2_INLINE void px8_init(px8_ctx *c, const winit_plan *p)
{
    uint32_t k0 = (uint32_t)p->seed, k1 = (uint32_t)(p->seed >> 32);
    for (int i = 0; i < 10; i++) {
        c->key0[i] = _mm256_set1_epi32((int)k0);
        c->key1[i] = _mm256_set1_epi32((int)k1);
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    c->c2 = _mm256_set1_epi32((int)(uint32_t)p->stream);
    c->c3 = _mm256_set1_epi32((int)(uint32_t)(p->stream >> 32));
}

/* Counter words 0 and 1 of blocks b .. b+7 (b + i computed modulo 2^64). */
AVX2_INLINE void px8_counter(uint64_t b, __m256i *c0, __m256i *c1)
{
    const __m256i sgn = _mm256_set1_epi32((int)0x80000000u);
    __m256i lo = _mm256_set1_epi32((int)(uint32_t)b);
    *c0 = _mm256_add_epi32(lo, _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    /* carry into word 1 where the low word wrapped: lo > c0 as unsigned */
    __m256i carry = _mm256_cmpgt_epi32(_mm256_xor_si256(lo, sgn), _mm256_xor_si256(*c0, sgn));
    *c1 = _mm256_sub_epi32(_mm256_set1_epi32((int)(uint32_t)(b >> 32)), carry);
}

/* One Philox round on "split" state: each word of 8 blocks is held as two
 * vectors of 4 64-bit lanes, e (blocks 0,2,4,6) and o (blocks 1,3,5,7), the
 * word in the low 32 bits of each lane and garbage above (vpmuludq reads only
 * the low halves).  The 64-bit products then give lo(M c) in place and
 * hi(M c) after one vpshufd: no blends, no recombination per round. */
#define PX_HI(P) _mm256_shuffle_epi32((P), 0xF5)
#define PX_ROUND(S, K0, K1)                                                                   \
    do {                                                                                      \
        __m256i p0e = _mm256_mul_epu32(S[0], M0), p0o = _mm256_mul_epu32(S[1], M0);           \
        __m256i p2e = _mm256_mul_epu32(S[4], M1), p2o = _mm256_mul_epu32(S[5], M1);           \
        S[0] = _mm256_xor_si256(_mm256_xor_si256(PX_HI(p2e), S[2]), K0);                      \
        S[1] = _mm256_xor_si256(_mm256_xor_si256(PX_HI(p2o), S[3]), K0);                      \
        S[2] = p2e; S[3] = p2o;                                                               \
        S[4] = _mm256_xor_si256(_mm256_xor_si256(PX_HI(p0e), S[6]), K1);                      \
        S[5] = _mm256_xor_si256(_mm256_xor_si256(PX_HI(p0o), S[7]), K1);                      \
        S[6] = p0e; S[7] = p0o;                                                               \
    } while (0)

AVX2_INLINE void px_split_init(const px8_ctx *c, uint64_t b, __m256i S[8])
{
    __m256i c0, c1;
    px8_counter(b, &c0, &c1);
    S[0] = c0; S[1] = _mm256_srli_epi64(c0, 32);
    S[2] = c1; S[3] = _mm256_srli_epi64(c1, 32);
    S[4] = c->c2; S[5] = c->c2;
    S[6] = c->c3; S[7] = c->c3;
}

/* back to packed words: x[k] lane i = word k of block i */
AVX2_INLINE void px_split_join(const __m256i S[8], __m256i x[4])
{
    for (int k = 0; k < 4; k++)
        x[k] = _mm256_blend_epi32(S[2 * k], _mm256_slli_epi64(S[2 * k + 1], 32), 0xAA);
}

/* Words x0..x3 of blocks b .. b+7. */
AVX2_INLINE void px8(const px8_ctx *c, uint64_t b, __m256i x[4])
{
    const __m256i M0 = _mm256_set1_epi32((int)0xD2511F53u), M1 = _mm256_set1_epi32((int)0xCD9E8D57u);
    __m256i S[8];
    px_split_init(c, b, S);
#pragma GCC unroll 10
    for (int i = 0; i < 10; i++) PX_ROUND(S, c->key0[i], c->key1[i]);
    px_split_join(S, x);
}

/* Packed form for two groups in flight (fewer live registers than the split
 * form: measured faster on the 2-group path): hi and lo of m * x lane by lane. */
AVX2_INLINE void mulhilo(__m256i x, __m256i m, __m256i *hi, __m256i *lo)
{
    __m256i pe = _mm256_mul_epu32(x, m);
    __m256i po = _mm256_mul_epu32(_mm256_shuffle_epi32(x, 0xF5), m);
    *hi = _mm256_blend_epi32(_mm256_shuffle_epi32(pe, 0xF5), po, 0xAA);
    *lo = _mm256_blend_epi32(pe, _mm256_shuffle_epi32(po, 0xA0), 0xAA);
}
#define PK_ROUND(X, K0, K1) do { __m256i h0, l0, h1, l1; mulhilo(X[0], M0, &h0, &l0); mulhilo(X[2], M1, &h1, &l1); \
    X[0] = _mm256_xor_si256(_mm256_xor_si256(h1, X[1]), K0); X[1] = l1; \
    X[2] = _mm256_xor_si256(_mm256_xor_si256(h0, X[3]), K1); X[3] = l0; } while (0)
AVX2_INLINE void px16(const px8_ctx *c, uint64_t b, __m256i x[4], __m256i y[4])
{
    const __m256i M0 = _mm256_set1_epi32((int)0xD2511F53u), M1 = _mm256_set1_epi32((int)0xCD9E8D57u);
    px8_counter(b, &x[0], &x[1]); x[2] = c->c2; x[3] = c->c3;
    px8_counter(b + 8, &y[0], &y[1]); y[2] = c->c2; y[3] = c->c3;
#pragma GCC unroll 10
    for (int i = 0; i < 10; i++) { PK_ROUND(x, c->key0[i], c->key1[i]); PK_ROUND(y, c->key0[i], c->key1[i]); }
}

/* SoA (r[k] = value k of blocks 0..7) -> element order: o[i] = blocks 2i, 2i+1. */
AVX2_INLINE void tr4x8(__m256i r0, __m256i r1, __m256i r2, __m256i r3, __m256i o[4])
{
    __m256i t0 = _mm256_unpacklo_epi32(r0, r1), t1 = _mm256_unpackhi_epi32(r0, r1);
    __m256i t2 = _mm256_unpacklo_epi32(r2, r3), t3 = _mm256_unpackhi_epi32(r2, r3);
    __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    o[0] = _mm256_permute2x128_si256(u0, u1, 0x20);
    o[1] = _mm256_permute2x128_si256(u2, u3, 0x20);
    o[2] = _mm256_permute2x128_si256(u0, u1, 0x31);
    o[3] = _mm256_permute2x128_si256(u2, u3, 0x31);
}

/* ---- stores of 8 blocks x 4 float32 values (SoA in v[0..3]) -------------- */

AVX2_INLINE void store_f32x32(void *out, __m256 v0, __m256 v1, __m256 v2, __m256 v3)
{
    __m256i o[4];
    tr4x8(_mm256_castps_si256(v0), _mm256_castps_si256(v1), _mm256_castps_si256(v2),
          _mm256_castps_si256(v3), o);
    char *d = (char *)out;
    _mm256_storeu_si256((__m256i *)(d + 0), o[0]);
    _mm256_storeu_si256((__m256i *)(d + 32), o[1]);
    _mm256_storeu_si256((__m256i *)(d + 64), o[2]);
    _mm256_storeu_si256((__m256i *)(d + 96), o[3]);
}

AVX2_INLINE void store_f16x32(void *out, __m256 v0, __m256 v1, __m256 v2, __m256 v3)
{
    __m256i o[4];
    tr4x8(_mm256_castps_si256(v0), _mm256_castps_si256(v1), _mm256_castps_si256(v2),
          _mm256_castps_si256(v3), o);
    char *d = (char *)out;
    for (int i = 0; i < 4; i++)
        _mm_storeu_si128((__m128i *)(d + 16 * i),
                         _mm256_cvtps_ph(_mm256_castsi256_ps(o[i]), _MM_FROUND_TO_NEAREST_INT));
}

/* float32 bits -> bfloat16 bits in the low half of each lane (RNE, NaN quiet). */
AVX2_INLINE __m256i bf16_bits(__m256i x)
{
    __m256i h = _mm256_srli_epi32(x, 16);
    __m256i r = _mm256_srli_epi32(
        _mm256_add_epi32(_mm256_add_epi32(x, _mm256_set1_epi32(0x7FFF)), _mm256_and_si256(h, _mm256_set1_epi32(1))), 16);
    __m256 f = _mm256_castsi256_ps(x);
    __m256i nan = _mm256_castps_si256(_mm256_cmp_ps(f, f, _CMP_UNORD_Q));
    return _mm256_blendv_epi8(r, _mm256_or_si256(h, _mm256_set1_epi32(0x40)), nan);
}

AVX2_INLINE void store_bf16x32(void *out, __m256 v0, __m256 v1, __m256 v2, __m256 v3)
{
    __m256i o[4];
    tr4x8(_mm256_castps_si256(v0), _mm256_castps_si256(v1), _mm256_castps_si256(v2),
          _mm256_castps_si256(v3), o);
    char *d = (char *)out;
    /* packus is per 128-bit lane: [o0.lo o1.lo | o0.hi o1.hi] -> fix with vpermq */
    __m256i a = _mm256_permute4x64_epi64(_mm256_packus_epi32(bf16_bits(o[0]), bf16_bits(o[1])), 0xD8);
    __m256i b = _mm256_permute4x64_epi64(_mm256_packus_epi32(bf16_bits(o[2]), bf16_bits(o[3])), 0xD8);
    _mm256_storeu_si256((__m256i *)(d + 0), a);
    _mm256_storeu_si256((__m256i *)(d + 32), b);
}

/* ---- float32 math, mirrored from winit_math.h ---------------------------- */

#define PS(x) _mm256_set1_ps(x)
#define EPI(x) _mm256_set1_epi32((int)(x))

/* winit__logf(x, eoff) with eoff given as a vector or NULL for 0. */
AVX2_INLINE __m256 v_logf(__m256 x, const __m256 *eoff)
{
    __m256i ix = _mm256_add_epi32(_mm256_castps_si256(x), EPI(0x3f800000u - WINIT_SQRTHF_BITS));
    __m256 fe = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(ix, 23), EPI(127)));
    if (eoff) fe = _mm256_sub_ps(fe, *eoff);
    __m256 m = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_and_si256(ix, EPI(0x007fffffu)), EPI(WINIT_SQRTHF_BITS)));
    __m256 f = _mm256_sub_ps(m, PS(1.0f));
    __m256 z = _mm256_mul_ps(f, f);
    __m256 y = PS(WINIT_LOGF_P0);
    y = _mm256_fmadd_ps(y, f, PS(WINIT_LOGF_P1));
    y = _mm256_fmadd_ps(y, f, PS(WINIT_LOGF_P2));
    y = _mm256_fmadd_ps(y, f, PS(WINIT_LOGF_P3));
    y = _mm256_fmadd_ps(y, f, PS(WINIT_LOGF_P4));
    y = _mm256_fmadd_ps(y, f, PS(WINIT_LOGF_P5));
    y = _mm256_fmadd_ps(y, f, PS(WINIT_LOGF_P6));
    y = _mm256_fmadd_ps(y, f, PS(WINIT_LOGF_P7));
    y = _mm256_fmadd_ps(y, f, PS(WINIT_LOGF_P8));
    y = _mm256_mul_ps(_mm256_mul_ps(y, f), z);
    y = _mm256_fmadd_ps(fe, PS(WINIT_LOGF_LN2LO), y);
    y = _mm256_fmadd_ps(z, PS(-0.5f), y);
    __m256 r = _mm256_add_ps(f, y);
    return _mm256_fmadd_ps(fe, PS(WINIT_LOGF_LN2HI), r);
}

/* Box-Muller on words wa[h] (u1) and wb[h] (u2) of 8 blocks, two pairs h = 0, 1
 * computed step by step side by side (two independent dependency chains). */
#define BM2(stmt) do { for (int h = 0; h < 2; h++) { stmt; } } while (0)
AVX2_INLINE void v_boxmuller2_f32(const __m256i wa[2], const __m256i wb[2], __m256 zc[2], __m256 zs[2])
{
    __m256 u1[2], l[2], r[2], fe[2], m[2], f[2], z[2], y[2];
    __m256i ix[2];
    BM2(u1[h] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_srli_epi32(wa[h], 8), EPI(1))), PS(0x1p-24f)));
    /* v_logf(u1, NULL), inlined for interleaving */
    BM2(ix[h] = _mm256_add_epi32(_mm256_castps_si256(u1[h]), EPI(0x3f800000u - WINIT_SQRTHF_BITS)));
    BM2(fe[h] = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(ix[h], 23), EPI(127))));
    BM2(m[h] = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_and_si256(ix[h], EPI(0x007fffffu)), EPI(WINIT_SQRTHF_BITS))));
    BM2(f[h] = _mm256_sub_ps(m[h], PS(1.0f)));
    BM2(z[h] = _mm256_mul_ps(f[h], f[h]));
    BM2(y[h] = _mm256_fmadd_ps(PS(WINIT_LOGF_P0), f[h], PS(WINIT_LOGF_P1)));
    BM2(y[h] = _mm256_fmadd_ps(y[h], f[h], PS(WINIT_LOGF_P2)));
    BM2(y[h] = _mm256_fmadd_ps(y[h], f[h], PS(WINIT_LOGF_P3)));
    BM2(y[h] = _mm256_fmadd_ps(y[h], f[h], PS(WINIT_LOGF_P4)));
    BM2(y[h] = _mm256_fmadd_ps(y[h], f[h], PS(WINIT_LOGF_P5)));
    BM2(y[h] = _mm256_fmadd_ps(y[h], f[h], PS(WINIT_LOGF_P6)));
    BM2(y[h] = _mm256_fmadd_ps(y[h], f[h], PS(WINIT_LOGF_P7)));
    BM2(y[h] = _mm256_fmadd_ps(y[h], f[h], PS(WINIT_LOGF_P8)));
    BM2(y[h] = _mm256_mul_ps(_mm256_mul_ps(y[h], f[h]), z[h]));
    BM2(y[h] = _mm256_fmadd_ps(fe[h], PS(WINIT_LOGF_LN2LO), y[h]));
    BM2(y[h] = _mm256_fmadd_ps(z[h], PS(-0.5f), y[h]));
    BM2(l[h] = _mm256_fmadd_ps(fe[h], PS(WINIT_LOGF_LN2HI), _mm256_add_ps(f[h], y[h])));
    BM2(r[h] = _mm256_sqrt_ps(_mm256_mul_ps(PS(-2.0f), l[h])));

    __m256i k[2], q[2];
    __m256 a[2], sp[2], sa[2], cp[2], ca[2];
    BM2(k[h] = _mm256_srli_epi32(wb[h], 8));
    BM2(q[h] = _mm256_srli_epi32(_mm256_add_epi32(k[h], EPI(0x200000u)), 22));
    BM2(a[h] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(k[h], _mm256_slli_epi32(q[h], 22))), PS(WINIT_PIO2_2M22F)));
    BM2(z[h] = _mm256_mul_ps(a[h], a[h]));
    BM2(sp[h] = _mm256_fmadd_ps(PS(WINIT_SINF_P0), z[h], PS(WINIT_SINF_P1)));
    BM2(cp[h] = _mm256_fmadd_ps(PS(WINIT_COSF_P0), z[h], PS(WINIT_COSF_P1)));
    BM2(sp[h] = _mm256_fmadd_ps(sp[h], z[h], PS(WINIT_SINF_P2)));
    BM2(cp[h] = _mm256_fmadd_ps(cp[h], z[h], PS(WINIT_COSF_P2)));
    BM2(sp[h] = _mm256_mul_ps(sp[h], z[h]));
    BM2(cp[h] = _mm256_mul_ps(cp[h], z[h]));
    BM2(sa[h] = _mm256_fmadd_ps(sp[h], a[h], a[h]));
    BM2(ca[h] = _mm256_fmadd_ps(cp[h], z[h], _mm256_fmadd_ps(z[h], PS(-0.5f), PS(1.0f))));
    BM2({
        __m256 swap = _mm256_castsi256_ps(_mm256_slli_epi32(q[h], 31));
        __m256 cc = _mm256_blendv_ps(ca[h], sa[h], swap);
        __m256 ss = _mm256_blendv_ps(sa[h], ca[h], swap);
        __m256 negc = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(_mm256_add_epi32(q[h], EPI(1)), EPI(2)), 30));
        __m256 negs = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(q[h], EPI(2)), 30));
        zc[h] = _mm256_mul_ps(r[h], _mm256_xor_ps(cc, negc));
        zs[h] = _mm256_mul_ps(r[h], _mm256_xor_ps(ss, negs));
    });
}

typedef struct {
    __m256 loc, scale;
    __m256 a, b, alo, ahi, bk, soff;
} f32_ctx;

AVX2_INLINE void f32_ctx_init(f32_ctx *c, const winit_plan *p)
{
    c->loc = PS(p->loc32);
    c->scale = PS(p->scale32);
    c->a = PS(p->trunc32.a);
    c->b = PS(p->trunc32.b);
    c->alo = PS(p->trunc32.alo);
    c->ahi = PS(p->trunc32.ahi);
    c->bk = PS(p->trunc32.bk);
    c->soff = PS(p->trunc32.soff);
}


AVX2_INLINE __m256 v_affine(const f32_ctx *c, __m256 v)
{
    return _mm256_add_ps(c->loc, _mm256_mul_ps(c->scale, v));
}

AVX2_INLINE __m256 v_u01_f32(__m256i w)
{
    return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(w, 8)), PS(0x1p-24f));
}

/* 8 blocks -> 32 float32 working values in SoA order (v[k] = value k of each block). */
AVX2_INLINE void grp_uniform_f32(const f32_ctx *c, const __m256i x[4], __m256 v[4])
{
    for (int k = 0; k < 4; k++) v[k] = v_affine(c, v_u01_f32(x[k]));
}

AVX2_INLINE void grp_normal_f32(const f32_ctx *c, const __m256i x[4], __m256 v[4])
{
    const __m256i wa[2] = {x[0], x[2]}, wb[2] = {x[1], x[3]};
    __m256 zc[2], zs[2];
    v_boxmuller2_f32(wa, wb, zc, zs);
    v[0] = v_affine(c, zc[0]);
    v[1] = v_affine(c, zs[0]);
    v[2] = v_affine(c, zc[1]);
    v[3] = v_affine(c, zs[1]);
}

/* winit_trunc_z_f32 on NT vectors of 8 words, step by step side by side (independent chains);
 * the tail branches run when any lane of any of the vectors needs them, and
 * the branches' numerators and denominators are selected per lane before one
 * division: the same IEEE quotient per lane as the scalar code's divisions. */
#define NT 2
#define TRN(stmt) do { for (int h = 0; h < NT; h++) { stmt; } } while (0)
AVX2_INLINE void v_truncN_f32(const f32_ctx *c, const __m256i *w, __m256 *out)
{
    const __m256 sgn = PS(-0.0f);
    __m256 k[NT], plo[NT], phi[NT], upper[NT], q[NT], central[NT], t[NT], r[NT], num[NT], den[NT];
    TRN(k[h] = _mm256_cvtepi32_ps(_mm256_srli_epi32(w[h], 8)));
    TRN(plo[h] = _mm256_fmadd_ps(c->bk, k[h], c->alo));
    TRN(phi[h] = _mm256_fmadd_ps(c->bk, _mm256_sub_ps(PS(16777215.0f), k[h]), c->ahi));
    TRN(upper[h] = _mm256_cmp_ps(phi[h], plo[h], _CMP_LT_OQ));
    TRN(q[h] = _mm256_blendv_ps(plo[h], phi[h], upper[h]));
    TRN(central[h] = _mm256_cmp_ps(q[h], PS(0.075f), _CMP_GE_OQ));
    TRN(t[h] = _mm256_sub_ps(q[h], PS(0.5f)));
    TRN(r[h] = _mm256_fnmadd_ps(t[h], t[h], PS(0.180625f)));
    TRN(num[h] = _mm256_fmadd_ps(PS(WINIT_P7_A3), r[h], PS(WINIT_P7_A2)));
    TRN(den[h] = _mm256_fmadd_ps(PS(WINIT_P7_B3), r[h], PS(WINIT_P7_B2)));
    TRN(num[h] = _mm256_fmadd_ps(num[h], r[h], PS(WINIT_P7_A1)));
    TRN(den[h] = _mm256_fmadd_ps(den[h], r[h], PS(WINIT_P7_B1)));
    TRN(num[h] = _mm256_fmadd_ps(num[h], r[h], PS(WINIT_P7_A0)));
    TRN(den[h] = _mm256_fmadd_ps(den[h], r[h], PS(1.0f)));
    TRN(num[h] = _mm256_mul_ps(_mm256_xor_ps(t[h], sgn), num[h]));
    __m256 allc = central[0];
    for (int h = 1; h < NT; h++) allc = _mm256_and_ps(allc, central[h]);
    if (_mm256_movemask_ps(allc) != 0xFF) {
        __m256 rt[NT], near[NT], x[NT], tn[NT], td[NT];
        TRN(rt[h] = _mm256_sqrt_ps(_mm256_xor_ps(v_logf(q[h], &c->soff), sgn)));
        TRN(near[h] = _mm256_cmp_ps(rt[h], PS(5.0f), _CMP_LE_OQ));
        TRN(x[h] = _mm256_sub_ps(rt[h], PS(1.6f)));
        TRN(tn[h] = _mm256_fmadd_ps(PS(WINIT_P7_C3), x[h], PS(WINIT_P7_C2)));
        TRN(td[h] = _mm256_fmadd_ps(PS(WINIT_P7_D2), x[h], PS(WINIT_P7_D1)));
        TRN(tn[h] = _mm256_fmadd_ps(tn[h], x[h], PS(WINIT_P7_C1)));
        TRN(td[h] = _mm256_fmadd_ps(td[h], x[h], PS(1.0f)));
        TRN(tn[h] = _mm256_fmadd_ps(tn[h], x[h], PS(WINIT_P7_C0)));
        __m256 alln = _mm256_or_ps(near[0], central[0]);
        for (int h = 1; h < NT; h++) alln = _mm256_and_ps(alln, _mm256_or_ps(near[h], central[h]));
        if (_mm256_movemask_ps(alln) != 0xFF) {
            TRN({
                __m256 xf = _mm256_sub_ps(rt[h], PS(5.0f));
                __m256 fn = _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_fmadd_ps(PS(WINIT_P7_E3), xf, PS(WINIT_P7_E2)), xf, PS(WINIT_P7_E1)), xf, PS(WINIT_P7_E0));
                __m256 fd = _mm256_fmadd_ps(_mm256_fmadd_ps(PS(WINIT_P7_F2), xf, PS(WINIT_P7_F1)), xf, PS(1.0f));
                tn[h] = _mm256_blendv_ps(fn, tn[h], near[h]);
                td[h] = _mm256_blendv_ps(fd, td[h], near[h]);
            });
        }
        TRN(num[h] = _mm256_blendv_ps(tn[h], num[h], central[h]));
        TRN(den[h] = _mm256_blendv_ps(td[h], den[h], central[h]));
    }
    TRN({
        __m256 g = _mm256_div_ps(num[h], den[h]);
        __m256 z = _mm256_blendv_ps(_mm256_xor_ps(g, sgn), g, upper[h]);
        z = _mm256_max_ps(z, c->a);
        out[h] = _mm256_min_ps(z, c->b);
    });
}

AVX2_INLINE void grp_truncnorm_f32(const f32_ctx *c, const __m256i x[4], __m256 v[4])
{
    __m256 z[4];
    for (int k = 0; k < 4; k += NT) v_truncN_f32(c, x + k, z + k);
    for (int k = 0; k < 4; k++) v[k] = v_affine(c, z[k]);
}

/* Kernel for float32 working precision and a given store (bytes per block BPB):
   16 blocks per step (two Philox groups in flight), then 8, then a partial group. */
#define DEFINE_F32_KERNEL(NAME, GRP, STORE, BPB)                                          \
    AVX2 static void NAME(const winit_plan *p, uint64_t b0, size_t nb, void *out)          \
    {                                                                                      \
        px8_ctx px;                                                                        \
        f32_ctx c;                                                                         \
        px8_init(&px, p);                                                                  \
        f32_ctx_init(&c, p);                                                               \
        char *o = (char *)out;                                                             \
        size_t j = 0;                                                                      \
        __m256i x[4], y[4];                                                                \
        __m256 v[4];                                                                       \
        for (; j + 16 <= nb; j += 16) {                                                    \
            px16(&px, b0 + j, x, y);                                                       \
            GRP(&c, x, v);                                                                 \
            STORE(o + j * (BPB), v[0], v[1], v[2], v[3]);                                  \
            GRP(&c, y, v);                                                                 \
            STORE(o + (j + 8) * (BPB), v[0], v[1], v[2], v[3]);                            \
        }                                                                                  \
        for (; j < nb; j += 8) {                                                           \
            px8(&px, b0 + j, x);                                                           \
            GRP(&c, x, v);                                                                 \
            if (j + 8 <= nb) {                                                             \
                STORE(o + j * (BPB), v[0], v[1], v[2], v[3]);                              \
            } else {                                                                       \
                unsigned char buf[8 * (BPB)] __attribute__((aligned(32)));                 \
                STORE(buf, v[0], v[1], v[2], v[3]);                                        \
                memcpy(o + j * (BPB), buf, (nb - j) * (BPB));                              \
            }                                                                              \
        }                                                                                  \
    }

DEFINE_F32_KERNEL(uniform_f32, grp_uniform_f32, store_f32x32, 16)
DEFINE_F32_KERNEL(uniform_f16, grp_uniform_f32, store_f16x32, 8)
DEFINE_F32_KERNEL(uniform_bf16, grp_uniform_f32, store_bf16x32, 8)
DEFINE_F32_KERNEL(normal_f32, grp_normal_f32, store_f32x32, 16)
DEFINE_F32_KERNEL(normal_f16, grp_normal_f32, store_f16x32, 8)
DEFINE_F32_KERNEL(normal_bf16, grp_normal_f32, store_bf16x32, 8)
DEFINE_F32_KERNEL(truncnorm_f32, grp_truncnorm_f32, store_f32x32, 16)
DEFINE_F32_KERNEL(truncnorm_f16, grp_truncnorm_f32, store_f16x32, 8)
DEFINE_F32_KERNEL(truncnorm_bf16, grp_truncnorm_f32, store_bf16x32, 8)

/* ---- raw words ------------------------------------------------------------ */

AVX2_INLINE void grp_raw(const __m256i x[4], char *d)
{
    __m256i t[4];
    tr4x8(x[0], x[1], x[2], x[3], t);
    for (int i = 0; i < 4; i++) _mm256_storeu_si256((__m256i *)(d + 32 * i), t[i]);
}

/* Kernel storing 16 bytes per block through GRP(ctx, words, dst). */
#define DEFINE_16B_KERNEL(NAME, CTX, CTXINIT, GRP)                                         \
    AVX2 static void NAME(const winit_plan *p, uint64_t b0, size_t nb, void *out)          \
    {                                                                                      \
        px8_ctx px;                                                                        \
        CTX c;                                                                             \
        px8_init(&px, p);                                                                  \
        CTXINIT(&c, p);                                                                    \
        (void)c;                                                                           \
        char *o = (char *)out;                                                             \
        size_t j = 0;                                                                      \
        __m256i x[4], y[4];                                                                \
        for (; j + 16 <= nb; j += 16) {                                                    \
            px16(&px, b0 + j, x, y);                                                       \
            GRP(&c, x, o + 16 * j);                                                        \
            GRP(&c, y, o + 16 * (j + 8));                                                  \
        }                                                                                  \
        for (; j < nb; j += 8) {                                                           \
            px8(&px, b0 + j, x);                                                           \
            if (j + 8 <= nb) {                                                             \
                GRP(&c, x, o + 16 * j);                                                    \
            } else {                                                                       \
                unsigned char buf[128] __attribute__((aligned(32)));                       \
                GRP(&c, x, (char *)buf);                                                   \
                memcpy(o + 16 * j, buf, (nb - j) * 16);                                    \
            }                                                                              \
        }                                                                                  \
    }

typedef struct { int unused; } raw_ctx;
AVX2_INLINE void raw_ctx_init(raw_ctx *c, const winit_plan *p) { (void)c; (void)p; }
AVX2_INLINE void grp_raw_c(const raw_ctx *c, const __m256i x[4], char *d) { (void)c; grp_raw(x, d); }
DEFINE_16B_KERNEL(raw_u32, raw_ctx, raw_ctx_init, grp_raw_c)

/* ---- float64 ---------------------------------------------------------------- */

#define PD(x) _mm256_set1_pd(x)
#define EPI64(x) _mm256_set1_epi64x((long long)(x))

typedef struct {
    __m256d loc, scale;
    __m256d a, b, alo, ahi, bk, soff;
} f64_ctx;

AVX2_INLINE void f64_ctx_init(f64_ctx *c, const winit_plan *p)
{
    c->loc = PD(p->loc64);
    c->scale = PD(p->scale64);
    c->a = PD(p->trunc64.a);
    c->b = PD(p->trunc64.b);
    c->alo = PD(p->trunc64.alo);
    c->ahi = PD(p->trunc64.ahi);
    c->bk = PD(p->trunc64.bk);
    c->soff = PD(p->trunc64.soff);
}

AVX2_INLINE __m256d v_affine_pd(const f64_ctx *c, __m256d v)
{
    return _mm256_add_pd(c->loc, _mm256_mul_pd(c->scale, v));
}

/* Exact double of the 64-bit lanes v < 2^53. */
AVX2_INLINE __m256d v_u53_to_pd(__m256i v)
{
    __m256d hi = _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(v, 32), EPI64(0x4530000000000000ull)));
    __m256d lo = _mm256_castsi256_pd(_mm256_blend_epi32(v, EPI64(0x4330000000000000ull), 0xAA));
    return _mm256_add_pd(_mm256_sub_pd(hi, PD(19342813118337666422669312.0 /* 2^84 + 2^52 */)), lo);
}

/* Exact double of uint32 lanes (4 of them). */
AVX2_INLINE __m256d v_u32_to_pd(__m128i v)
{
    return _mm256_add_pd(_mm256_cvtepi32_pd(_mm_xor_si128(v, _mm_set1_epi32((int)0x80000000u))), PD(2147483648.0));
}

/* winit__log(x, eoff) */
AVX2_INLINE __m256d v_log(__m256d x, const __m256d *eoff)
{
    __m256i ix = _mm256_add_epi64(_mm256_castpd_si256(x), EPI64(0x3ff0000000000000ull - WINIT_SQRTH_BITS));
    /* (ix >> 52) - 1023 as a double: 2^52 + (ix >> 52) minus 2^52 + 1023 */
    __m256d dk = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(ix, 52), EPI64(0x4330000000000000ull))),
                               PD(4503599627371519.0 /* 2^52 + 1023 */));
    if (eoff) dk = _mm256_sub_pd(dk, *eoff);
    __m256d m = _mm256_castsi256_pd(_mm256_add_epi64(_mm256_and_si256(ix, EPI64(0x000fffffffffffffull)), EPI64(WINIT_SQRTH_BITS)));
    __m256d f = _mm256_sub_pd(m, PD(1.0));
    __m256d hfsq = _mm256_mul_pd(_mm256_mul_pd(PD(0.5), f), f);
    __m256d s = _mm256_div_pd(f, _mm256_add_pd(PD(2.0), f));
    __m256d z = _mm256_mul_pd(s, s);
    __m256d w = _mm256_mul_pd(z, z);
    __m256d t1 = _mm256_mul_pd(w, _mm256_fmadd_pd(w, _mm256_fmadd_pd(w, PD(WINIT_LG6), PD(WINIT_LG4)), PD(WINIT_LG2)));
    __m256d t2 = _mm256_mul_pd(z, _mm256_fmadd_pd(w, _mm256_fmadd_pd(w, _mm256_fmadd_pd(w, PD(WINIT_LG7), PD(WINIT_LG5)), PD(WINIT_LG3)), PD(WINIT_LG1)));
    __m256d R = _mm256_add_pd(t2, t1);
    __m256d u = _mm256_fmadd_pd(s, _mm256_add_pd(hfsq, R), _mm256_mul_pd(dk, PD(WINIT_LN2LO)));
    return _mm256_sub_pd(_mm256_mul_pd(dk, PD(WINIT_LN2HI)), _mm256_sub_pd(_mm256_sub_pd(hfsq, u), f));
}

/* [zc0..3], [zs0..3] -> zc0 zs0 zc1 zs1 | zc2 zs2 zc3 zs3 stored at d */
AVX2_INLINE void store_pairs_pd(char *d, __m256d zc, __m256d zs)
{
    __m256d lo = _mm256_unpacklo_pd(zc, zs), hi = _mm256_unpackhi_pd(zc, zs);
    _mm256_storeu_pd((double *)d, _mm256_permute2f128_pd(lo, hi, 0x20));
    _mm256_storeu_pd((double *)(d + 32), _mm256_permute2f128_pd(lo, hi, 0x31));
}

/* Box-Muller float64 for blocks 0-3 (h = 0) and 4-7 (h = 1) side by side:
 * the operations of winit_boxmuller_f64, two chains interleaved. */
AVX2_INLINE void grp_normal_f64(const f64_ctx *c, const __m256i x[4], char *d)
{
    __m128i x0[2], x1[2], x2[2], x3[2];
    for (int h = 0; h < 2; h++) {
        x0[h] = h ? _mm256_extracti128_si256(x[0], 1) : _mm256_castsi256_si128(x[0]);
        x1[h] = h ? _mm256_extracti128_si256(x[1], 1) : _mm256_castsi256_si128(x[1]);
        x2[h] = h ? _mm256_extracti128_si256(x[2], 1) : _mm256_castsi256_si128(x[2]);
        x3[h] = h ? _mm256_extracti128_si256(x[3], 1) : _mm256_castsi256_si128(x[3]);
    }
    __m256d u1[2], ix_d[2], dk[2], f[2], hfsq[2], sv[2], z[2], w[2], t1[2], t2[2], l[2], r[2];
    __m256i ix[2];
    BM2(u1[h] = _mm256_mul_pd(_mm256_add_pd(_mm256_mul_pd(v_u32_to_pd(x1[h]), PD(2097152.0)),
                              _mm256_cvtepi32_pd(_mm_add_epi32(_mm_srli_epi32(x0[h], 11), _mm_set1_epi32(1)))), PD(0x1p-53)));
    /* v_log(u1, NULL) */
    BM2(ix[h] = _mm256_add_epi64(_mm256_castpd_si256(u1[h]), EPI64(0x3ff0000000000000ull - WINIT_SQRTH_BITS)));
    BM2(dk[h] = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(ix[h], 52), EPI64(0x4330000000000000ull))),
                              PD(4503599627371519.0)));
    BM2(ix_d[h] = _mm256_castsi256_pd(_mm256_add_epi64(_mm256_and_si256(ix[h], EPI64(0x000fffffffffffffull)), EPI64(WINIT_SQRTH_BITS))));
    BM2(f[h] = _mm256_sub_pd(ix_d[h], PD(1.0)));
    BM2(hfsq[h] = _mm256_mul_pd(_mm256_mul_pd(PD(0.5), f[h]), f[h]));
    BM2(sv[h] = _mm256_div_pd(f[h], _mm256_add_pd(PD(2.0), f[h])));
    BM2(z[h] = _mm256_mul_pd(sv[h], sv[h]));
    BM2(w[h] = _mm256_mul_pd(z[h], z[h]));
    BM2(t1[h] = _mm256_fmadd_pd(w[h], PD(WINIT_LG6), PD(WINIT_LG4)));
    BM2(t2[h] = _mm256_fmadd_pd(w[h], PD(WINIT_LG7), PD(WINIT_LG5)));
    BM2(t1[h] = _mm256_mul_pd(w[h], _mm256_fmadd_pd(w[h], t1[h], PD(WINIT_LG2))));
    BM2(t2[h] = _mm256_fmadd_pd(w[h], t2[h], PD(WINIT_LG3)));
    BM2(t2[h] = _mm256_mul_pd(z[h], _mm256_fmadd_pd(w[h], t2[h], PD(WINIT_LG1))));
    BM2({
        __m256d R = _mm256_add_pd(t2[h], t1[h]);
        __m256d u = _mm256_fmadd_pd(sv[h], _mm256_add_pd(hfsq[h], R), _mm256_mul_pd(dk[h], PD(WINIT_LN2LO)));
        l[h] = _mm256_sub_pd(_mm256_mul_pd(dk[h], PD(WINIT_LN2HI)), _mm256_sub_pd(_mm256_sub_pd(hfsq[h], u), f[h]));
    });
    BM2(r[h] = _mm256_sqrt_pd(_mm256_mul_pd(PD(-2.0), l[h])));
    /* angle */
    __m256i q[2];
    __m256d a[2], za[2], v[2], rs[2], rc[2];
    BM2({
        __m128i x3p = _mm_add_epi32(x3[h], _mm_set1_epi32(0x20000000));
        q[h] = _mm256_cvtepu32_epi64(_mm_srli_epi32(x3p, 30));
        __m256d hi = _mm256_cvtepi32_pd(_mm_and_si128(x3p, _mm_set1_epi32(0x3FFFFFFF)));
        __m256d lo = _mm256_cvtepi32_pd(_mm_srli_epi32(x2[h], 11));
        __m256d ri = _mm256_sub_pd(_mm256_add_pd(_mm256_mul_pd(hi, PD(2097152.0)), lo), PD(1125899906842624.0));
        a[h] = _mm256_mul_pd(ri, PD(WINIT_PIO2_2M51));
    });
    BM2(za[h] = _mm256_mul_pd(a[h], a[h]));
    BM2(v[h] = _mm256_mul_pd(za[h], a[h]));
    BM2(rs[h] = _mm256_fmadd_pd(za[h], PD(WINIT_S6), PD(WINIT_S5)));
    BM2(rc[h] = _mm256_fmadd_pd(za[h], PD(WINIT_C6), PD(WINIT_C5)));
    BM2(rs[h] = _mm256_fmadd_pd(za[h], rs[h], PD(WINIT_S4)));
    BM2(rc[h] = _mm256_fmadd_pd(za[h], rc[h], PD(WINIT_C4)));
    BM2(rs[h] = _mm256_fmadd_pd(za[h], rs[h], PD(WINIT_S3)));
    BM2(rc[h] = _mm256_fmadd_pd(za[h], rc[h], PD(WINIT_C3)));
    BM2(rs[h] = _mm256_fmadd_pd(za[h], rs[h], PD(WINIT_S2)));
    BM2(rc[h] = _mm256_fmadd_pd(za[h], rc[h], PD(WINIT_C2)));
    BM2(rc[h] = _mm256_mul_pd(za[h], _mm256_fmadd_pd(za[h], rc[h], PD(WINIT_C1))));
    BM2({
        __m256d sa = _mm256_fmadd_pd(v[h], _mm256_fmadd_pd(za[h], rs[h], PD(WINIT_S1)), a[h]);
        __m256d hz = _mm256_mul_pd(PD(0.5), za[h]);
        __m256d ww = _mm256_sub_pd(PD(1.0), hz);
        __m256d ca = _mm256_add_pd(ww, _mm256_add_pd(_mm256_sub_pd(_mm256_sub_pd(PD(1.0), ww), hz), _mm256_mul_pd(za[h], rc[h])));
        __m256d swap = _mm256_castsi256_pd(_mm256_slli_epi64(q[h], 63));
        __m256d cc = _mm256_blendv_pd(ca, sa, swap);
        __m256d ss = _mm256_blendv_pd(sa, ca, swap);
        __m256d negc = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_and_si256(_mm256_add_epi64(q[h], EPI64(1)), EPI64(2)), 62));
        __m256d negs = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_and_si256(q[h], EPI64(2)), 62));
        __m256d zc = _mm256_mul_pd(r[h], _mm256_xor_pd(cc, negc));
        __m256d zs = _mm256_mul_pd(r[h], _mm256_xor_pd(ss, negs));
        store_pairs_pd(d + 64 * h, v_affine_pd(c, zc), v_affine_pd(c, zs));
    });
}

AVX2_INLINE __m256d v_u01_f64(__m256i x)
{
    return _mm256_mul_pd(v_u53_to_pd(_mm256_srli_epi64(x, 11)), PD(0x1p-53));
}

/* numerator and denominator of a 7/7 rational (Horner with FMA, as WINIT__H7) */
AVX2_INLINE void v_poly7x2(__m256d x, double n0, double n1, double n2, double n3, double n4, double n5, double n6, double n7,
                           double d1, double d2, double d3, double d4, double d5, double d6, double d7,
                           __m256d *num, __m256d *den)
{
    *num = _mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(
                PD(n7), x, PD(n6)), x, PD(n5)), x, PD(n4)), x, PD(n3)), x, PD(n2)), x, PD(n1)), x, PD(n0));
    *den = _mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(
                PD(d7), x, PD(d6)), x, PD(d5)), x, PD(d4)), x, PD(d3)), x, PD(d2)), x, PD(d1)), x, PD(1.0));
}

/* winit_trunc_z_f64 on 4 64-bit words */
AVX2_INLINE __m256d v_trunc_f64(const f64_ctx *c, __m256i x)
{
    const __m256d sgn = PD(-0.0);
    __m256d k = v_u53_to_pd(_mm256_srli_epi64(x, 11));
    __m256d kc = _mm256_sub_pd(PD(9007199254740991.0), k);
    __m256d plo = _mm256_fmadd_pd(c->bk, k, c->alo);
    __m256d phi = _mm256_fmadd_pd(c->bk, kc, c->ahi);
    __m256d upper = _mm256_cmp_pd(phi, plo, _CMP_LT_OQ);
    __m256d q = _mm256_blendv_pd(plo, phi, upper);
    __m256d central = _mm256_cmp_pd(q, PD(0.075), _CMP_GE_OQ);
    __m256d t = _mm256_sub_pd(q, PD(0.5));
    __m256d r = _mm256_fnmadd_pd(t, t, PD(0.180625));
    __m256d num = _mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(
                      PD(WINIT_P16_A7), r, PD(WINIT_P16_A6)), r, PD(WINIT_P16_A5)), r, PD(WINIT_P16_A4)), r, PD(WINIT_P16_A3)), r,
                      PD(WINIT_P16_A2)), r, PD(WINIT_P16_A1)), r, PD(WINIT_P16_A0));
    __m256d den = _mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(
                      PD(WINIT_P16_B7), r, PD(WINIT_P16_B6)), r, PD(WINIT_P16_B5)), r, PD(WINIT_P16_B4)), r, PD(WINIT_P16_B3)), r,
                      PD(WINIT_P16_B2)), r, PD(WINIT_P16_B1)), r, PD(1.0));
    num = _mm256_mul_pd(_mm256_xor_pd(t, sgn), num);
    if (_mm256_movemask_pd(central) != 0xF) {
        __m256d rt = _mm256_sqrt_pd(_mm256_xor_pd(v_log(q, &c->soff), sgn));
        __m256d near = _mm256_cmp_pd(rt, PD(5.0), _CMP_LE_OQ);
        __m256d tn, td, fn, fd;
        v_poly7x2(_mm256_sub_pd(rt, PD(1.6)), WINIT_P16_C0, WINIT_P16_C1, WINIT_P16_C2, WINIT_P16_C3, WINIT_P16_C4,
                  WINIT_P16_C5, WINIT_P16_C6, WINIT_P16_C7, WINIT_P16_D1, WINIT_P16_D2, WINIT_P16_D3, WINIT_P16_D4,
                  WINIT_P16_D5, WINIT_P16_D6, WINIT_P16_D7, &tn, &td);
        if (_mm256_movemask_pd(_mm256_or_pd(near, central)) != 0xF) {
            v_poly7x2(_mm256_sub_pd(rt, PD(5.0)), WINIT_P16_E0, WINIT_P16_E1, WINIT_P16_E2, WINIT_P16_E3, WINIT_P16_E4,
                      WINIT_P16_E5, WINIT_P16_E6, WINIT_P16_E7, WINIT_P16_F1, WINIT_P16_F2, WINIT_P16_F3, WINIT_P16_F4,
                      WINIT_P16_F5, WINIT_P16_F6, WINIT_P16_F7, &fn, &fd);
            tn = _mm256_blendv_pd(fn, tn, near);
            td = _mm256_blendv_pd(fd, td, near);
        }
        num = _mm256_blendv_pd(tn, num, central);
        den = _mm256_blendv_pd(td, den, central);
    }
    __m256d g = _mm256_div_pd(num, den);
    __m256d z = _mm256_blendv_pd(_mm256_xor_pd(g, sgn), g, upper);
    z = _mm256_max_pd(z, c->a);
    z = _mm256_min_pd(z, c->b);
    return z;
}

/* uniform / truncated float64: the elements of a block are its two 64-bit
   halves in memory order, so the raw-word transpose gives element order. */
AVX2_INLINE void grp_uniform_f64(const f64_ctx *c, const __m256i x[4], char *d)
{
    __m256i t[4];
    tr4x8(x[0], x[1], x[2], x[3], t);
    for (int i = 0; i < 4; i++) _mm256_storeu_pd((double *)(d + 32 * i), v_affine_pd(c, v_u01_f64(t[i])));
}

AVX2_INLINE void grp_truncnorm_f64(const f64_ctx *c, const __m256i x[4], char *d)
{
    __m256i t[4];
    tr4x8(x[0], x[1], x[2], x[3], t);
    for (int i = 0; i < 4; i++) _mm256_storeu_pd((double *)(d + 32 * i), v_affine_pd(c, v_trunc_f64(c, t[i])));
}

DEFINE_16B_KERNEL(uniform_f64, f64_ctx, f64_ctx_init, grp_uniform_f64)
DEFINE_16B_KERNEL(normal_f64, f64_ctx, f64_ctx_init, grp_normal_f64)
DEFINE_16B_KERNEL(truncnorm_f64, f64_ctx, f64_ctx_init, grp_truncnorm_f64)

const winit_block_kernel winit_kernels_avx2[WINIT_NDIST][WINIT_NDTYPE] = {
    [WINIT_DIST_RAW] = {[WINIT_DTYPE_U32] = raw_u32},
    [WINIT_DIST_UNIFORM] = {uniform_f32, uniform_f64, uniform_f16, uniform_bf16, NULL},
    [WINIT_DIST_NORMAL] = {normal_f32, normal_f64, normal_f16, normal_bf16, NULL},
    [WINIT_DIST_TRUNCNORM] = {truncnorm_f32, truncnorm_f64, truncnorm_f16, truncnorm_bf16, NULL},
};

#endif /* WINIT_HAVE_AVX2_KERNELS */
