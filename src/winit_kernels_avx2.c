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

/* hi and lo halves of the 32x32 products m * x, lane by lane. */
AVX2_INLINE void mulhilo(__m256i x, __m256i m, __m256i *hi, __m256i *lo)
{
    __m256i pe = _mm256_mul_epu32(x, m);
    __m256i po = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), m);
    *hi = _mm256_blend_epi32(_mm256_srli_epi64(pe, 32), po, 0xAA);
    *lo = _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
}

/* Words x0..x3 of blocks b .. b+7 (b + i computed modulo 2^64). */
AVX2_INLINE void px8(const px8_ctx *c, uint64_t b, __m256i x[4])
{
    const __m256i M0 = _mm256_set1_epi32((int)0xD2511F53u), M1 = _mm256_set1_epi32((int)0xCD9E8D57u);
    const __m256i sgn = _mm256_set1_epi32((int)0x80000000u);
    __m256i lo = _mm256_set1_epi32((int)(uint32_t)b);
    __m256i c0 = _mm256_add_epi32(lo, _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    /* carry into word 1 where the low word wrapped: lo > c0 as unsigned */
    __m256i carry = _mm256_cmpgt_epi32(_mm256_xor_si256(lo, sgn), _mm256_xor_si256(c0, sgn));
    __m256i c1 = _mm256_sub_epi32(_mm256_set1_epi32((int)(uint32_t)(b >> 32)), carry);
    __m256i c2 = c->c2, c3 = c->c3;
    for (int i = 0; i < 10; i++) {
        __m256i h0, l0, h1, l1;
        mulhilo(c0, M0, &h0, &l0);
        mulhilo(c2, M1, &h1, &l1);
        c0 = _mm256_xor_si256(_mm256_xor_si256(h1, c1), c->key0[i]);
        c1 = l1;
        c2 = _mm256_xor_si256(_mm256_xor_si256(h0, c3), c->key1[i]);
        c3 = l0;
    }
    x[0] = c0; x[1] = c1; x[2] = c2; x[3] = c3;
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

/* Box-Muller on words wa (u1) and wb (u2) of 8 blocks. */
AVX2_INLINE void v_boxmuller_f32(__m256i wa, __m256i wb, __m256 *zc, __m256 *zs)
{
    __m256 u1 = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_srli_epi32(wa, 8), EPI(1))), PS(0x1p-24f));
    __m256 l = v_logf(u1, NULL);
    __m256 r = _mm256_sqrt_ps(_mm256_mul_ps(PS(-2.0f), l));

    __m256i k = _mm256_srli_epi32(wb, 8);
    __m256i q = _mm256_srli_epi32(_mm256_add_epi32(k, EPI(0x200000u)), 22);
    __m256i ri = _mm256_sub_epi32(k, _mm256_slli_epi32(q, 22));
    __m256 a = _mm256_mul_ps(_mm256_cvtepi32_ps(ri), PS(WINIT_PIO2_2M22F));
    __m256 z = _mm256_mul_ps(a, a);
    __m256 sp = _mm256_fmadd_ps(PS(WINIT_SINF_P0), z, PS(WINIT_SINF_P1));
    sp = _mm256_fmadd_ps(sp, z, PS(WINIT_SINF_P2));
    sp = _mm256_mul_ps(sp, z);
    __m256 sa = _mm256_fmadd_ps(sp, a, a);
    __m256 cp = _mm256_fmadd_ps(PS(WINIT_COSF_P0), z, PS(WINIT_COSF_P1));
    cp = _mm256_fmadd_ps(cp, z, PS(WINIT_COSF_P2));
    cp = _mm256_mul_ps(cp, z);
    __m256 ca = _mm256_fmadd_ps(cp, z, _mm256_fmadd_ps(z, PS(-0.5f), PS(1.0f)));
    __m256 swap = _mm256_castsi256_ps(_mm256_slli_epi32(q, 31));
    __m256 cc = _mm256_blendv_ps(ca, sa, swap);
    __m256 ss = _mm256_blendv_ps(sa, ca, swap);
    __m256 negc = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(_mm256_add_epi32(q, EPI(1)), EPI(2)), 30));
    __m256 negs = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(q, EPI(2)), 30));
    *zc = _mm256_mul_ps(r, _mm256_xor_ps(cc, negc));
    *zs = _mm256_mul_ps(r, _mm256_xor_ps(ss, negs));
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

AVX2_INLINE __m256 v_rat3_2(__m256 x, float n0, float n1, float n2, float n3, float d1, float d2)
{
    __m256 num = _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_fmadd_ps(PS(n3), x, PS(n2)), x, PS(n1)), x, PS(n0));
    __m256 den = _mm256_fmadd_ps(_mm256_fmadd_ps(PS(d2), x, PS(d1)), x, PS(1.0f));
    return _mm256_div_ps(num, den);
}

/* winit_trunc_z_f32 on 8 words */
AVX2_INLINE __m256 v_trunc_f32(const f32_ctx *c, __m256i w)
{
    const __m256 sgn = PS(-0.0f);
    __m256 k = _mm256_cvtepi32_ps(_mm256_srli_epi32(w, 8));
    __m256 kc = _mm256_sub_ps(PS(16777215.0f), k);
    __m256 plo = _mm256_fmadd_ps(c->bk, k, c->alo);
    __m256 phi = _mm256_fmadd_ps(c->bk, kc, c->ahi);
    __m256 upper = _mm256_cmp_ps(phi, plo, _CMP_LT_OQ);
    __m256 q = _mm256_blendv_ps(plo, phi, upper);
    __m256 central = _mm256_cmp_ps(q, PS(0.075f), _CMP_GE_OQ);
    /* central: t = q - 1/2, r = 0.180625 - t^2, g = (-t) A(r) / B(r) */
    __m256 t = _mm256_sub_ps(q, PS(0.5f));
    __m256 r = _mm256_fnmadd_ps(t, t, PS(0.180625f));
    __m256 num = _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_fmadd_ps(PS(WINIT_P7_A3), r, PS(WINIT_P7_A2)), r, PS(WINIT_P7_A1)), r, PS(WINIT_P7_A0));
    __m256 den = _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_fmadd_ps(PS(WINIT_P7_B3), r, PS(WINIT_P7_B2)), r, PS(WINIT_P7_B1)), r, PS(1.0f));
    __m256 g = _mm256_div_ps(_mm256_mul_ps(_mm256_xor_ps(t, sgn), num), den);
    if (_mm256_movemask_ps(central) != 0xFF) {
        __m256 rt = _mm256_sqrt_ps(_mm256_xor_ps(v_logf(q, &c->soff), sgn));
        __m256 near = _mm256_cmp_ps(rt, PS(5.0f), _CMP_LE_OQ);
        __m256 gt = v_rat3_2(_mm256_sub_ps(rt, PS(1.6f)), WINIT_P7_C0, WINIT_P7_C1, WINIT_P7_C2, WINIT_P7_C3,
                             WINIT_P7_D1, WINIT_P7_D2);
        if (_mm256_movemask_ps(_mm256_or_ps(near, central)) != 0xFF) {
            __m256 gf = v_rat3_2(_mm256_sub_ps(rt, PS(5.0f)), WINIT_P7_E0, WINIT_P7_E1, WINIT_P7_E2, WINIT_P7_E3,
                                 WINIT_P7_F1, WINIT_P7_F2);
            gt = _mm256_blendv_ps(gf, gt, near);
        }
        g = _mm256_blendv_ps(gt, g, central);
    }
    __m256 z = _mm256_blendv_ps(_mm256_xor_ps(g, sgn), g, upper);
    z = _mm256_max_ps(z, c->a);
    z = _mm256_min_ps(z, c->b);
    return z;
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
AVX2_INLINE void grp_uniform_f32(const px8_ctx *px, const f32_ctx *c, uint64_t b, __m256 v[4])
{
    __m256i x[4];
    px8(px, b, x);
    for (int k = 0; k < 4; k++) v[k] = v_affine(c, v_u01_f32(x[k]));
}

AVX2_INLINE void grp_normal_f32(const px8_ctx *px, const f32_ctx *c, uint64_t b, __m256 v[4])
{
    __m256i x[4];
    px8(px, b, x);
    __m256 z0, z1, z2, z3;
    v_boxmuller_f32(x[0], x[1], &z0, &z1);
    v_boxmuller_f32(x[2], x[3], &z2, &z3);
    v[0] = v_affine(c, z0);
    v[1] = v_affine(c, z1);
    v[2] = v_affine(c, z2);
    v[3] = v_affine(c, z3);
}

AVX2_INLINE void grp_truncnorm_f32(const px8_ctx *px, const f32_ctx *c, uint64_t b, __m256 v[4])
{
    __m256i x[4];
    px8(px, b, x);
    for (int k = 0; k < 4; k++) v[k] = v_affine(c, v_trunc_f32(c, x[k]));
}

/* Kernel for float32 working precision and a given store (bytes per block BPB). */
#define DEFINE_F32_KERNEL(NAME, GRP, STORE, BPB)                                          \
    AVX2 static void NAME(const winit_plan *p, uint64_t b0, size_t nb, void *out)          \
    {                                                                                      \
        px8_ctx px;                                                                        \
        f32_ctx c;                                                                         \
        px8_init(&px, p);                                                                  \
        f32_ctx_init(&c, p);                                                               \
        char *o = (char *)out;                                                             \
        size_t j = 0;                                                                      \
        __m256 v[4];                                                                       \
        for (; j + 8 <= nb; j += 8) {                                                      \
            GRP(&px, &c, b0 + j, v);                                                       \
            STORE(o + j * (BPB), v[0], v[1], v[2], v[3]);                                  \
        }                                                                                  \
        if (j < nb) {                                                                      \
            unsigned char buf[8 * (BPB)] __attribute__((aligned(32)));                     \
            GRP(&px, &c, b0 + j, v);                                                       \
            STORE(buf, v[0], v[1], v[2], v[3]);                                            \
            memcpy(o + j * (BPB), buf, (nb - j) * (BPB));                                  \
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

AVX2 static void raw_u32(const winit_plan *p, uint64_t b0, size_t nb, void *out)
{
    px8_ctx px;
    px8_init(&px, p);
    char *o = (char *)out;
    size_t j = 0;
    __m256i x[4], t[4];
    for (; j + 8 <= nb; j += 8) {
        px8(&px, b0 + j, x);
        tr4x8(x[0], x[1], x[2], x[3], t);
        for (int i = 0; i < 4; i++) _mm256_storeu_si256((__m256i *)(o + 16 * j + 32 * i), t[i]);
    }
    if (j < nb) {
        unsigned char buf[128] __attribute__((aligned(32)));
        px8(&px, b0 + j, x);
        tr4x8(x[0], x[1], x[2], x[3], t);
        for (int i = 0; i < 4; i++) _mm256_store_si256((__m256i *)(buf + 32 * i), t[i]);
        memcpy(o + 16 * j, buf, (nb - j) * 16);
    }
}

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

/* sin/cos of a in [-pi/4, pi/4], quadrant q (64-bit lanes, only q mod 4 used). */
AVX2_INLINE void v_sincos_pd(__m256d a, __m256i q, __m256d *c, __m256d *s)
{
    __m256d z = _mm256_mul_pd(a, a);
    __m256d v = _mm256_mul_pd(z, a);
    __m256d r = _mm256_fmadd_pd(z, _mm256_fmadd_pd(z, _mm256_fmadd_pd(z, _mm256_fmadd_pd(z, PD(WINIT_S6), PD(WINIT_S5)), PD(WINIT_S4)), PD(WINIT_S3)), PD(WINIT_S2));
    __m256d sa = _mm256_fmadd_pd(v, _mm256_fmadd_pd(z, r, PD(WINIT_S1)), a);
    __m256d rc = _mm256_mul_pd(z, _mm256_fmadd_pd(z, _mm256_fmadd_pd(z, _mm256_fmadd_pd(z, _mm256_fmadd_pd(z, _mm256_fmadd_pd(z, PD(WINIT_C6), PD(WINIT_C5)), PD(WINIT_C4)), PD(WINIT_C3)), PD(WINIT_C2)), PD(WINIT_C1)));
    __m256d hz = _mm256_mul_pd(PD(0.5), z);
    __m256d w = _mm256_sub_pd(PD(1.0), hz);
    __m256d ca = _mm256_add_pd(w, _mm256_add_pd(_mm256_sub_pd(_mm256_sub_pd(PD(1.0), w), hz), _mm256_mul_pd(z, rc)));
    __m256d swap = _mm256_castsi256_pd(_mm256_slli_epi64(q, 63));
    __m256d cc = _mm256_blendv_pd(ca, sa, swap);
    __m256d ss = _mm256_blendv_pd(sa, ca, swap);
    __m256d negc = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_and_si256(_mm256_add_epi64(q, EPI64(1)), EPI64(2)), 62));
    __m256d negs = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_and_si256(q, EPI64(2)), 62));
    *c = _mm256_xor_pd(cc, negc);
    *s = _mm256_xor_pd(ss, negs);
}

/* Box-Muller float64 for 4 blocks given 32-bit words x0..x3 of those blocks. */
AVX2_INLINE void v_boxmuller_f64(__m128i x0, __m128i x1, __m128i x2, __m128i x3, __m256d *zc, __m256d *zs)
{
    /* u1 = ((xa >> 11) + 1) 2^-53 with (xa >> 11) + 1 = x1 2^21 + ((x0 >> 11) + 1), exact */
    __m256d k1 = _mm256_add_pd(_mm256_mul_pd(v_u32_to_pd(x1), PD(2097152.0)),
                               _mm256_cvtepi32_pd(_mm_add_epi32(_mm_srli_epi32(x0, 11), _mm_set1_epi32(1))));
    __m256d u1 = _mm256_mul_pd(k1, PD(0x1p-53));
    __m256d r = _mm256_sqrt_pd(_mm256_mul_pd(PD(-2.0), v_log(u1, NULL)));
    /* k = xb >> 11: quadrant q mod 4 = (x3 + 2^29) >> 30 (mod 2^32),
       remainder = (low 30 bits of x3 + 2^29) 2^21 + (x2 >> 11) - 2^50 */
    __m128i x3p = _mm_add_epi32(x3, _mm_set1_epi32(0x20000000));
    __m256i q = _mm256_cvtepu32_epi64(_mm_srli_epi32(x3p, 30));
    __m256d hi = _mm256_cvtepi32_pd(_mm_and_si128(x3p, _mm_set1_epi32(0x3FFFFFFF)));
    __m256d lo = _mm256_cvtepi32_pd(_mm_srli_epi32(x2, 11));
    __m256d ri = _mm256_sub_pd(_mm256_add_pd(_mm256_mul_pd(hi, PD(2097152.0)), lo), PD(1125899906842624.0 /* 2^50 */));
    __m256d a = _mm256_mul_pd(ri, PD(WINIT_PIO2_2M51));
    __m256d c, s;
    v_sincos_pd(a, q, &c, &s);
    *zc = _mm256_mul_pd(r, c);
    *zs = _mm256_mul_pd(r, s);
}

/* [zc0..3], [zs0..3] -> zc0 zs0 zc1 zs1 | zc2 zs2 zc3 zs3 stored at d */
AVX2_INLINE void store_pairs_pd(char *d, __m256d zc, __m256d zs)
{
    __m256d lo = _mm256_unpacklo_pd(zc, zs), hi = _mm256_unpackhi_pd(zc, zs);
    _mm256_storeu_pd((double *)d, _mm256_permute2f128_pd(lo, hi, 0x20));
    _mm256_storeu_pd((double *)(d + 32), _mm256_permute2f128_pd(lo, hi, 0x31));
}

AVX2_INLINE void grp_normal_f64(const px8_ctx *px, const f64_ctx *c, uint64_t b, char *d)
{
    __m256i x[4];
    px8(px, b, x);
    for (int h = 0; h < 2; h++) {
        __m128i x0 = h ? _mm256_extracti128_si256(x[0], 1) : _mm256_castsi256_si128(x[0]);
        __m128i x1 = h ? _mm256_extracti128_si256(x[1], 1) : _mm256_castsi256_si128(x[1]);
        __m128i x2 = h ? _mm256_extracti128_si256(x[2], 1) : _mm256_castsi256_si128(x[2]);
        __m128i x3 = h ? _mm256_extracti128_si256(x[3], 1) : _mm256_castsi256_si128(x[3]);
        __m256d zc, zs;
        v_boxmuller_f64(x0, x1, x2, x3, &zc, &zs);
        store_pairs_pd(d + 64 * h, v_affine_pd(c, zc), v_affine_pd(c, zs));
    }
}

AVX2_INLINE __m256d v_u01_f64(__m256i x)
{
    return _mm256_mul_pd(v_u53_to_pd(_mm256_srli_epi64(x, 11)), PD(0x1p-53));
}

AVX2_INLINE __m256d v_rat7(__m256d x, double n0, double n1, double n2, double n3, double n4, double n5, double n6, double n7,
                           double d1, double d2, double d3, double d4, double d5, double d6, double d7)
{
    __m256d num = _mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(
                      PD(n7), x, PD(n6)), x, PD(n5)), x, PD(n4)), x, PD(n3)), x, PD(n2)), x, PD(n1)), x, PD(n0));
    __m256d den = _mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(
                      PD(d7), x, PD(d6)), x, PD(d5)), x, PD(d4)), x, PD(d3)), x, PD(d2)), x, PD(d1)), x, PD(1.0));
    return _mm256_div_pd(num, den);
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
    __m256d g = _mm256_div_pd(_mm256_mul_pd(_mm256_xor_pd(t, sgn), num), den);
    if (_mm256_movemask_pd(central) != 0xF) {
        __m256d rt = _mm256_sqrt_pd(_mm256_xor_pd(v_log(q, &c->soff), sgn));
        __m256d near = _mm256_cmp_pd(rt, PD(5.0), _CMP_LE_OQ);
        __m256d gt = v_rat7(_mm256_sub_pd(rt, PD(1.6)), WINIT_P16_C0, WINIT_P16_C1, WINIT_P16_C2, WINIT_P16_C3, WINIT_P16_C4,
                            WINIT_P16_C5, WINIT_P16_C6, WINIT_P16_C7, WINIT_P16_D1, WINIT_P16_D2, WINIT_P16_D3, WINIT_P16_D4,
                            WINIT_P16_D5, WINIT_P16_D6, WINIT_P16_D7);
        if (_mm256_movemask_pd(_mm256_or_pd(near, central)) != 0xF) {
            __m256d gf = v_rat7(_mm256_sub_pd(rt, PD(5.0)), WINIT_P16_E0, WINIT_P16_E1, WINIT_P16_E2, WINIT_P16_E3, WINIT_P16_E4,
                                WINIT_P16_E5, WINIT_P16_E6, WINIT_P16_E7, WINIT_P16_F1, WINIT_P16_F2, WINIT_P16_F3, WINIT_P16_F4,
                                WINIT_P16_F5, WINIT_P16_F6, WINIT_P16_F7);
            gt = _mm256_blendv_pd(gf, gt, near);
        }
        g = _mm256_blendv_pd(gt, g, central);
    }
    __m256d z = _mm256_blendv_pd(_mm256_xor_pd(g, sgn), g, upper);
    z = _mm256_max_pd(z, c->a);
    z = _mm256_min_pd(z, c->b);
    return z;
}

/* uniform / truncated float64: the elements of a block are its two 64-bit
   halves in memory order, so the raw-word transpose gives element order. */
AVX2_INLINE void grp_uniform_f64(const px8_ctx *px, const f64_ctx *c, uint64_t b, char *d)
{
    __m256i x[4], t[4];
    px8(px, b, x);
    tr4x8(x[0], x[1], x[2], x[3], t);
    for (int i = 0; i < 4; i++) _mm256_storeu_pd((double *)(d + 32 * i), v_affine_pd(c, v_u01_f64(t[i])));
}

AVX2_INLINE void grp_truncnorm_f64(const px8_ctx *px, const f64_ctx *c, uint64_t b, char *d)
{
    __m256i x[4], t[4];
    px8(px, b, x);
    tr4x8(x[0], x[1], x[2], x[3], t);
    for (int i = 0; i < 4; i++) _mm256_storeu_pd((double *)(d + 32 * i), v_affine_pd(c, v_trunc_f64(c, t[i])));
}

#define DEFINE_F64_KERNEL(NAME, GRP)                                                       \
    AVX2 static void NAME(const winit_plan *p, uint64_t b0, size_t nb, void *out)          \
    {                                                                                      \
        px8_ctx px;                                                                        \
        f64_ctx c;                                                                         \
        px8_init(&px, p);                                                                  \
        f64_ctx_init(&c, p);                                                               \
        char *o = (char *)out;                                                             \
        size_t j = 0;                                                                      \
        for (; j + 8 <= nb; j += 8) GRP(&px, &c, b0 + j, o + 16 * j);                      \
        if (j < nb) {                                                                      \
            unsigned char buf[128] __attribute__((aligned(32)));                           \
            GRP(&px, &c, b0 + j, (char *)buf);                                             \
            memcpy(o + 16 * j, buf, (nb - j) * 16);                                        \
        }                                                                                  \
    }

DEFINE_F64_KERNEL(uniform_f64, grp_uniform_f64)
DEFINE_F64_KERNEL(normal_f64, grp_normal_f64)
DEFINE_F64_KERNEL(truncnorm_f64, grp_truncnorm_f64)

const winit_block_kernel winit_kernels_avx2[WINIT_NDIST][WINIT_NDTYPE] = {
    [WINIT_DIST_RAW] = {[WINIT_DTYPE_U32] = raw_u32},
    [WINIT_DIST_UNIFORM] = {uniform_f32, uniform_f64, uniform_f16, uniform_bf16, NULL},
    [WINIT_DIST_NORMAL] = {normal_f32, normal_f64, normal_f16, normal_bf16, NULL},
    [WINIT_DIST_TRUNCNORM] = {truncnorm_f32, truncnorm_f64, truncnorm_f16, truncnorm_bf16, NULL},
};

#endif /* WINIT_HAVE_AVX2_KERNELS */
