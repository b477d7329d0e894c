/* The block kernels, written once against the vector-op layer (src/simd/).
 *
 * Design note.  A target instance (src/winit_kernels_<target>.c) includes one
 * op header, which defines WV_N lanes and the wv_* ops, then this file, which
 * defines every (distribution, dtype) kernel and the table
 * winit_kernels_<target>.  The scalar path is the one-lane instance of this
 * same source, so the bits of every target follow from identical code: each
 * value is the same IEEE operations in the same order (winit_math.h holds the
 * constants and the argument for each folded step).
 *
 * A group is WV_N consecutive Philox blocks; lane i holds block b + i.  The
 * kernels run two groups side by side where that pays (the Philox rounds of
 * group two overlap the transform of group one on an out-of-order core), and
 * compute a final partial group whole into a stack buffer of which the needed
 * prefix is copied.  `nt` asks for non-temporal stores; the caller then passes
 * `out` aligned to 64 bytes, and the kernel ends with a store fence.
 */
#include "winit_kernels.h"
#include "winit_philox.h"

#define WV_CAT2(a, b) a##b
#define WV_CAT(a, b) WV_CAT2(a, b)
#define WV_TABLE WV_CAT(winit_kernels_, WV_TARGET)
#define WV_ALLBITS ((WV_N >= 32) ? 0xFFFFFFFFu : ((1u << WV_N) - 1u))

/* ---- Philox4x32-10 on one or two groups (winit_philox.h is the definition) ---- */

typedef struct {
    wv_u32 key0[WINIT_PHILOX_ROUNDS], key1[WINIT_PHILOX_ROUNDS];
    wv_u32 c2, c3;
    uint32_t k0[3], k1[3], s2, s3; /* scalar keys of rounds 0-2, stream words */
    uint64_t head_c1;              /* counter word 1 the head constants are for */
    wv_u32 h_a, h_b, h_d, h_b1, h_ha1, h_e, h_e2;
} px_ctx;

/* Rounds 0-2 of a group whose blocks share counter word 1 (every group but one
 * in 2^32 blocks): counter words 1-3 are then the same in every lane, and so is
 * whatever of the first three rounds depends on them alone (round 0's M1
 * product and xors, round 1's M0 product, round 2's xor of word 3).  Those are
 * scalar constants, computed once per counter word 1: 20 fewer vector ops per
 * group.  The values are those of the full rounds, bit for bit. */
WV_INLINE void px_head_set(px_ctx *c, uint64_t c1)
{
    uint64_t p = (uint64_t)WINIT_PHILOX_M1 * c->s2;
    uint32_t a = (uint32_t)(p >> 32) ^ (uint32_t)c1 ^ c->k0[0], b = (uint32_t)p;
    uint64_t q = (uint64_t)WINIT_PHILOX_M0 * a;
    c->head_c1 = c1;
    c->h_a = wv_set1_u32(a);                                        /* word 0 after round 0 */
    c->h_b = wv_set1_u32(b);                                        /* word 1 after round 0 */
    c->h_d = wv_set1_u32(c->s3 ^ c->k1[0]);                         /* round 0: c3 ^ k1 */
    c->h_b1 = wv_set1_u32(b ^ c->k0[1]);                            /* round 1: x1 ^ k0 */
    c->h_ha1 = wv_set1_u32((uint32_t)(q >> 32) ^ c->k1[1]);         /* round 1: hi(M0 x0) ^ k1 */
    c->h_e = wv_set1_u32((uint32_t)q);                              /* word 3 after round 1 */
    c->h_e2 = wv_set1_u32((uint32_t)q ^ c->k1[2]);                  /* round 2: x3 ^ k1 */
}

WV_INLINE void px_init(px_ctx *c, const winit_plan *p)
{
    uint32_t k0 = (uint32_t)p->seed, k1 = (uint32_t)(p->seed >> 32);
    for (int i = 0; i < WINIT_PHILOX_ROUNDS; i++) {
        c->key0[i] = wv_set1_u32(k0);
        c->key1[i] = wv_set1_u32(k1);
        if (i < 3) {
            c->k0[i] = k0;
            c->k1[i] = k1;
        }
        k0 += WINIT_PHILOX_W0;
        k1 += WINIT_PHILOX_W1;
    }
    c->s2 = (uint32_t)p->stream;
    c->s3 = (uint32_t)(p->stream >> 32);
    c->c2 = wv_set1_u32(c->s2);
    c->c3 = wv_set1_u32(c->s3);
    px_head_set(c, 0);
}

/* Whether blocks b .. b+n-1 share counter word 1; if so the head constants are made current. */
WV_INLINE int px_head_ready(px_ctx *c, uint64_t b, uint64_t n)
{
    if ((uint64_t)(uint32_t)b + (n - 1) > 0xFFFFFFFFull) return 0;
    if (c->head_c1 != b >> 32) px_head_set(c, b >> 32);
    return 1;
}

/* Counter word 0 of blocks b .. b+WV_N-1 (no carry). */
WV_INLINE wv_u32 px_counter0(uint64_t b) { return wv_add_u32(wv_set1_u32((uint32_t)b), wv_iota_u32()); }

/* The full counter of a group (x[0], x[1] with carry; x[2], x[3] the stream). */
WV_INLINE void px_counter(const px_ctx *c, uint64_t b, wv_u32 x[4])
{
    wv_u32 lo = wv_set1_u32((uint32_t)b);
    x[0] = wv_add_u32(lo, wv_iota_u32());
    x[1] = wv_sub_u32(wv_set1_u32((uint32_t)(b >> 32)), wv_ltu_u32(x[0], lo)); /* + carry */
    x[2] = c->c2;
    x[3] = c->c3;
}

#define PX_M0V wv_set1_u32(WINIT_PHILOX_M0)
#define PX_M1V wv_set1_u32(WINIT_PHILOX_M1)

/* One Philox round (winit_philox_round) on a group. */
#define PX_ROUND(X, K0, K1)                                                                  \
    do {                                                                                     \
        wv_u32 h0_, l0_, h1_, l1_;                                                           \
        wv_mulhilo_u32(X[0], PX_M0V, &h0_, &l0_);                                            \
        wv_mulhilo_u32(X[2], PX_M1V, &h1_, &l1_);                                            \
        X[0] = wv_xor3_u32(h1_, wv_perm_u32(X[1]), K0);                                      \
        X[1] = l1_;                                                                          \
        X[2] = wv_xor3_u32(h0_, wv_perm_u32(X[3]), K1);                                      \
        X[3] = l0_;                                                                          \
    } while (0)

/* Round i (0-2) in the head form; X[0] holds counter word 0 before round 0. */
#define PX_HEAD_ROUND(X, c, i)                                                               \
    do {                                                                                     \
        wv_u32 h0_, l0_, h1_, l1_;                                                           \
        if ((i) == 0) {                                                                      \
            wv_mulhilo_u32(X[0], PX_M0V, &h0_, &l0_);                                        \
            X[0] = (c)->h_a; X[1] = (c)->h_b;                                                \
            X[2] = wv_xor_u32(h0_, (c)->h_d); X[3] = l0_;                                    \
        } else if ((i) == 1) {                                                               \
            wv_mulhilo_u32(X[2], PX_M1V, &h1_, &l1_);                                        \
            X[2] = wv_xor_u32(wv_perm_u32(X[3]), (c)->h_ha1); X[3] = (c)->h_e;               \
            X[0] = wv_xor_u32(h1_, (c)->h_b1); X[1] = l1_;                                   \
        } else {                                                                             \
            wv_mulhilo_u32(X[0], PX_M0V, &h0_, &l0_);                                        \
            wv_mulhilo_u32(X[2], PX_M1V, &h1_, &l1_);                                        \
            X[0] = wv_xor3_u32(h1_, wv_perm_u32(X[1]), (c)->key0[2]); X[1] = l1_;            \
            X[2] = wv_xor_u32(h0_, (c)->h_e2); X[3] = l0_;                                   \
        }                                                                                    \
    } while (0)

/* Round i of the next group's Philox, for interleaving with a transform. */
#define PX_STEP(X, c, head, i)                                                               \
    do {                                                                                     \
        if (X) {                                                                             \
            if ((head) && (i) < 3) PX_HEAD_ROUND(X, c, i);                                   \
            else PX_ROUND(X, (c)->key0[i], (c)->key1[i]);                                    \
        }                                                                                    \
    } while (0)

/* Words of one group (any b). */
WV_INLINE void px1(const px_ctx *c, uint64_t b, wv_u32 x[4])
{
    px_counter(c, b, x);
    for (int i = 0; i < WINIT_PHILOX_ROUNDS; i++) PX_ROUND(x, c->key0[i], c->key1[i]);
}

/* Words of two groups, b and b + WV_N, rounds side by side. */
WV_INLINE void px2(px_ctx *c, uint64_t b, wv_u32 x[4], wv_u32 y[4])
{
    if (__builtin_expect(px_head_ready(c, b, 2 * WV_N), 1)) {
        x[0] = px_counter0(b);
        y[0] = px_counter0(b + WV_N);
        for (int i = 0; i < 3; i++) { PX_HEAD_ROUND(x, c, i); PX_HEAD_ROUND(y, c, i); }
        for (int i = 3; i < WINIT_PHILOX_ROUNDS; i++) {
            PX_ROUND(x, c->key0[i], c->key1[i]);
            PX_ROUND(y, c->key0[i], c->key1[i]);
        }
    } else {
        px_counter(c, b, x);
        px_counter(c, b + WV_N, y);
        for (int i = 0; i < WINIT_PHILOX_ROUNDS; i++) {
            PX_ROUND(x, c->key0[i], c->key1[i]);
            PX_ROUND(y, c->key0[i], c->key1[i]);
        }
    }
}

/* ---- float32 working precision ------------------------------------------- */

#define F32(x) wv_set1_f32(x)
#define U32(x) wv_set1_u32(x)

typedef struct {
    wv_f32 loc, scale, scale24;
    wv_f32 a, b, alo, ahi, bk, soff;
    /* Exact shortcuts of loc + scale * v, the same bits: scale * ((float)k 2^-24) equals
       (float)k (scale 2^-24) when scale 2^-24 is exact (scale zero, infinite, NaN or
       |scale| >= 2^-102: the same real product rounded once); loc + 1 v = loc + v; and
       for uniform, where v = scale u >= +0 when scale > 0, (+-0) + v = v. */
    int fold24, scale1, uniform_loc0;
} f32_ctx;

WV_INLINE void f32_ctx_init(f32_ctx *c, const winit_plan *p)
{
    float s = p->scale32, as = s < 0 ? -s : s;
    c->loc = F32(p->loc32);
    c->scale = F32(s);
    c->scale24 = F32(s * 0x1p-24f);
    c->a = F32(p->trunc32.a);
    c->b = F32(p->trunc32.b);
    c->alo = F32(p->trunc32.alo);
    c->ahi = F32(p->trunc32.ahi);
    c->bk = F32(p->trunc32.bk);
    c->soff = F32(p->trunc32.soff);
    c->fold24 = !(as > 0.0f && as < 0x1p-102f);
    c->scale1 = s == 1.0f;
    c->uniform_loc0 = c->fold24 && p->loc32 == 0.0f && s > 0.0f;
}

WV_INLINE wv_f32 f32_affine(const f32_ctx *c, wv_f32 v) { return wv_add_f32(c->loc, wv_mul_f32(c->scale, v)); }

/* -2 (ln x - eoff ln 2) for positive normal x (winit_math.h, WINIT_M2LOGF_*). */
WV_INLINE wv_f32 v_m2logf(wv_f32 x, wv_f32 eoff)
{
    wv_u32 ix = wv_add_u32(wv_cast_f32_u32(x), U32(WINIT_M2LOGF_BIAS));
    wv_f32 fe = wv_sub_f32(wv_mul_f32(wv_cvt_i32_f32(wv_and_u32(ix, U32(0xff800000u))), F32(0x1p-23f)), eoff);
    wv_f32 m = wv_cast_u32_f32(wv_add_u32(wv_and_u32(ix, U32(0x007fffffu)), U32(WINIT_SQRTHF_BITS)));
    wv_f32 f = wv_sub_f32(m, F32(1.0f));
    wv_f32 y = F32(WINIT_M2LOGF_Q7);
    y = wv_fma_f32(y, f, F32(WINIT_M2LOGF_Q6));
    y = wv_fma_f32(y, f, F32(WINIT_M2LOGF_Q5));
    y = wv_fma_f32(y, f, F32(WINIT_M2LOGF_Q4));
    y = wv_fma_f32(y, f, F32(WINIT_M2LOGF_Q3));
    y = wv_fma_f32(y, f, F32(WINIT_M2LOGF_Q2));
    y = wv_fma_f32(y, f, F32(WINIT_M2LOGF_Q1));
    y = wv_fma_f32(y, f, F32(WINIT_M2LOGF_Q0));
    return wv_fma_f32(fe, F32(WINIT_M2LN2F), wv_mul_f32(f, y));
}

/* Box-Muller float32 (SPEC 1.3) on two chains h: u1 from wa[h], u2 from wb[h].
 * Folded steps, each exact: u1 = (k + 1) 2^-24 has the bits of (float)(k + 1)
 * minus 24 in the exponent, folded into the bias of v_m2logf's first step; the
 * exponent e 2^23 is converted as it stands and its 2^-23 folded into -2 ln 2.
 * Angle: q[h] = wb + 2^29 holds the quadrant mod 4 in bits 31-30; the remainder
 * is the low 22 bits of k = wb >> 8, sign-extended.  When X is not NULL, the
 * Philox rounds of the next group run between the steps (see the design note).
 * Its multiply-adds are wv_fma_nomid_f32: over every input (tests/c/check_boxmuller.c)
 * their float64 sums never land on an inexact float32 midpoint. */
#define BM2(...) do { for (int h = 0; h < 2; h++) { __VA_ARGS__; } } while (0)
WV_INLINE void v_boxmuller_f32(const wv_u32 wa[2], const wv_u32 wb[2], wv_f32 zc[2], wv_f32 zs[2],
                               const px_ctx *px, wv_u32 *X, const int head)
{
    wv_f32 u1[2], r[2], fe[2], m[2], f[2], y[2], a[2], z[2], sp[2], sa[2], cp[2], ca[2];
    wv_u32 ix[2], k[2], q[2];
    BM2(u1[h] = wv_cvt_i32_f32(wv_add_u32(wv_shr_u32(wa[h], 8), U32(1))));
    BM2(q[h] = wv_add_u32(wb[h], U32(0x20000000u)));
    PX_STEP(X, px, head, 0);
    BM2(ix[h] = wv_add_u32(wv_cast_f32_u32(u1[h]), U32(WINIT_M2LOGF_BIAS - (24u << 23))));
    BM2(k[h] = wv_sar_u32(wv_shl_u32(wb[h], 2), 10));
    BM2(fe[h] = wv_cvt_i32_f32(wv_and_u32(ix[h], U32(0xff800000u))));
    PX_STEP(X, px, head, 1);
    BM2(m[h] = wv_cast_u32_f32(wv_add_u32(wv_and_u32(ix[h], U32(0x007fffffu)), U32(WINIT_SQRTHF_BITS))));
    BM2(a[h] = wv_mul_f32(wv_cvt_i32_f32(k[h]), F32(WINIT_PIO2_2M22F)));
    BM2(f[h] = wv_sub_f32(m[h], F32(1.0f)));
    PX_STEP(X, px, head, 2);
    BM2(z[h] = wv_mul_f32(a[h], a[h]));
    BM2(y[h] = wv_fma_nomid_f32(F32(WINIT_M2LOGF_Q7), f[h], F32(WINIT_M2LOGF_Q6)));
    BM2(y[h] = wv_fma_nomid_f32(y[h], f[h], F32(WINIT_M2LOGF_Q5)));
    PX_STEP(X, px, head, 3);
    BM2(sp[h] = wv_fma_nomid_f32(F32(WINIT_SINF_P0), z[h], F32(WINIT_SINF_P1)));
    BM2(cp[h] = wv_fma_nomid_f32(F32(WINIT_COSF_C3), z[h], F32(WINIT_COSF_C2)));
    BM2(y[h] = wv_fma_nomid_f32(y[h], f[h], F32(WINIT_M2LOGF_Q4)));
    PX_STEP(X, px, head, 4);
    BM2(sp[h] = wv_fma_nomid_f32(sp[h], z[h], F32(WINIT_SINF_P2)));
    BM2(cp[h] = wv_fma_nomid_f32(cp[h], z[h], F32(WINIT_COSF_C1)));
    BM2(y[h] = wv_fma_nomid_f32(y[h], f[h], F32(WINIT_M2LOGF_Q3)));
    PX_STEP(X, px, head, 5);
    BM2(sp[h] = wv_mul_f32(sp[h], z[h]));
    BM2(ca[h] = wv_fma_nomid_f32(cp[h], z[h], F32(1.0f)));
    BM2(y[h] = wv_fma_nomid_f32(y[h], f[h], F32(WINIT_M2LOGF_Q2)));
    PX_STEP(X, px, head, 6);
    BM2(sa[h] = wv_fma_nomid_f32(sp[h], a[h], a[h]));
    BM2(y[h] = wv_fma_nomid_f32(y[h], f[h], F32(WINIT_M2LOGF_Q1)));
    PX_STEP(X, px, head, 7);
    BM2(y[h] = wv_fma_nomid_f32(y[h], f[h], F32(WINIT_M2LOGF_Q0)));
    BM2(r[h] = wv_sqrt_f32(wv_fma_nomid_f32(fe[h], F32(WINIT_M2LN2F * 0x1p-23f), wv_mul_f32(f[h], y[h]))));
    PX_STEP(X, px, head, 8);
    BM2({
        wv_u32 swapi = wv_shl_u32(q[h], 1); /* top bit: quadrant bit 0 */
        wv_m32 swap = wv_signmask_u32(swapi);
        wv_f32 cc = wv_select_f32(swap, sa[h], ca[h]);
        wv_f32 ss = wv_select_f32(swap, ca[h], sa[h]);
        /* cos sign: bit 1 of q + 1 = (q bit 1) ^ (q bit 0); sin sign: q bit 1 */
        wv_u32 negc = wv_and_u32(wv_xor_u32(q[h], swapi), U32(0x80000000u));
        wv_u32 negs = wv_and_u32(q[h], U32(0x80000000u));
        zc[h] = wv_mul_f32(r[h], wv_cast_u32_f32(wv_xor_u32(wv_cast_f32_u32(cc), negc)));
        zs[h] = wv_mul_f32(r[h], wv_cast_u32_f32(wv_xor_u32(wv_cast_f32_u32(ss), negs)));
    });
    PX_STEP(X, px, head, 9);
}

/* one group -> 4 vectors of working values, v[k] lane i = value k of block i */
WV_INLINE void grp_uniform_f32(const f32_ctx *c, const wv_u32 x[4], wv_f32 v[4])
{
    for (int k = 0; k < 4; k++) {
        wv_f32 kf = wv_cvt_i32_f32(wv_shr_u32(x[k], 8));
        if (c->uniform_loc0)
            v[k] = wv_mul_f32(c->scale24, kf);
        else if (__builtin_expect(c->fold24, 1))
            v[k] = wv_add_f32(c->loc, wv_mul_f32(c->scale24, kf));
        else
            v[k] = f32_affine(c, wv_mul_f32(kf, F32(0x1p-24f)));
    }
}

WV_INLINE void grp_normal_f32_px(const f32_ctx *c, const wv_u32 x[4], wv_f32 v[4], const px_ctx *px, wv_u32 *X,
                                 const int head, const int scale1)
{
    const wv_u32 wa[2] = {x[0], x[2]}, wb[2] = {x[1], x[3]};
    wv_f32 zc[2], zs[2];
    v_boxmuller_f32(wa, wb, zc, zs, px, X, head);
    wv_f32 z[4] = {zc[0], zs[0], zc[1], zs[1]};
    for (int k = 0; k < 4; k++) v[k] = scale1 ? wv_add_f32(c->loc, z[k]) : f32_affine(c, z[k]);
}

WV_INLINE void grp_normal_f32(const f32_ctx *c, const wv_u32 x[4], wv_f32 v[4])
{
    grp_normal_f32_px(c, x, v, NULL, NULL, 0, c->scale1);
}

/* Truncated normal float32 (winit_math.h: z = -+Phi^-1(q), clamped) on NV
 * vectors.  The central rational covers q >= 0.02, so bounds inside about
 * [-2.05, 2.05] never reach the tail branch (log, sqrt, second rational).  With
 * wider bounds a few percent of the lanes do: their q are packed together, the
 * tail runs on ceil(n / WV_N) vectors only, and the results go back to their
 * lanes.  Per lane the operations are the same, so the bits are. */
#define TN(...) do { for (int h = 0; h < NV; h++) { __VA_ARGS__; } } while (0)
WV_INLINE void grp_truncnorm_f32_n(const f32_ctx *c, const wv_u32 *x, wv_f32 *v, const int NV)
{
    const wv_u32 sgn = U32(0x80000000u);
    wv_f32 k[8], plo[8], phi[8], q[8], t[8], r[8], num[8], den[8];
    wv_m32 upper[8], central[8];
    TN(k[h] = wv_cvt_i32_f32(wv_shr_u32(x[h], 8)));
    TN(plo[h] = wv_fma_f32(c->bk, k[h], c->alo));
    TN(phi[h] = wv_fma_f32(c->bk, wv_sub_f32(F32(16777215.0f), k[h]), c->ahi));
    TN(upper[h] = wv_lt_f32(phi[h], plo[h]));
    TN(q[h] = wv_select_f32(upper[h], phi[h], plo[h]));
    TN(central[h] = wv_ge_f32(q[h], F32(WINIT_TN_QMIN)));
    TN(t[h] = wv_sub_f32(q[h], F32(0.5f)));
    TN(r[h] = wv_fnma_f32(t[h], t[h], F32(WINIT_TN_S)));
    TN(num[h] = wv_fma_f32(F32(WINIT_TN_P4), r[h], F32(WINIT_TN_P3)));
    TN(den[h] = wv_fma_f32(F32(WINIT_TN_Q4), r[h], F32(WINIT_TN_Q3)));
    TN(num[h] = wv_fma_f32(num[h], r[h], F32(WINIT_TN_P2)));
    TN(den[h] = wv_fma_f32(den[h], r[h], F32(WINIT_TN_Q2)));
    TN(num[h] = wv_fma_f32(num[h], r[h], F32(WINIT_TN_P1)));
    TN(den[h] = wv_fma_f32(den[h], r[h], F32(WINIT_TN_Q1)));
    TN(num[h] = wv_fma_f32(num[h], r[h], F32(WINIT_TN_P0)));
    TN(den[h] = wv_fma_f32(den[h], r[h], F32(1.0f)));
    TN(num[h] = wv_mul_f32(wv_cast_u32_f32(wv_xor_u32(wv_cast_f32_u32(t[h]), sgn)), num[h]));
    unsigned m[8], any = 0;
    TN(m[h] = wv_mask_bits32(central[h]) ^ WV_ALLBITS);
    TN(any |= m[h]);
    if (any) {
        float qb[9 * WV_N] __attribute__((aligned(64)));
        float tnb[9 * WV_N] __attribute__((aligned(64))) = {0}, tdb[9 * WV_N] __attribute__((aligned(64))) = {0};
        float lane[WV_N] __attribute__((aligned(64))), lane2[WV_N] __attribute__((aligned(64)));
        unsigned off[8], n = 0;
        for (int h = 0; h < NV; h++) {
            off[h] = n;
            if (!m[h]) continue;
            wv_store_f32(lane, q[h]);
            for (int i = 0; i < WV_N; i++)
                if ((m[h] >> i) & 1u) qb[n++] = lane[i];
        }
        for (unsigned i = n; i % WV_N; i++) qb[i] = 0.5f; /* defined values in the unused lanes */
        for (unsigned i = 0; i < n; i += WV_N) {
            wv_f32 qq = wv_load_f32(qb + i);
            wv_f32 rt = wv_sqrt_f32(wv_mul_f32(F32(0.5f), v_m2logf(qq, c->soff)));
            wv_m32 near = wv_le_f32(rt, F32(5.0f));
            wv_f32 xx = wv_sub_f32(rt, F32(1.6f));
            wv_f32 tn = wv_fma_f32(F32(WINIT_P7_C3), xx, F32(WINIT_P7_C2));
            wv_f32 td = wv_fma_f32(F32(WINIT_P7_D2), xx, F32(WINIT_P7_D1));
            tn = wv_fma_f32(tn, xx, F32(WINIT_P7_C1));
            td = wv_fma_f32(td, xx, F32(1.0f));
            tn = wv_fma_f32(tn, xx, F32(WINIT_P7_C0));
            if (wv_mask_bits32(near) != WV_ALLBITS) {
                wv_f32 xf = wv_sub_f32(rt, F32(5.0f));
                wv_f32 fn = wv_fma_f32(wv_fma_f32(wv_fma_f32(F32(WINIT_P7_E3), xf, F32(WINIT_P7_E2)), xf,
                                                  F32(WINIT_P7_E1)), xf, F32(WINIT_P7_E0));
                wv_f32 fd = wv_fma_f32(wv_fma_f32(F32(WINIT_P7_F2), xf, F32(WINIT_P7_F1)), xf, F32(1.0f));
                tn = wv_select_f32(near, tn, fn);
                td = wv_select_f32(near, td, fd);
            }
            wv_store_f32(tnb + i, tn);
            wv_store_f32(tdb + i, td);
        }
        for (int h = 0; h < NV; h++) {
            if (!m[h]) continue;
            unsigned j = off[h];
            wv_store_f32(lane, num[h]);
            wv_store_f32(lane2, den[h]);
            for (int i = 0; i < WV_N; i++)
                if ((m[h] >> i) & 1u) { lane[i] = tnb[j]; lane2[i] = tdb[j]; j++; }
            num[h] = wv_load_f32(lane);
            den[h] = wv_load_f32(lane2);
        }
    }
    TN({
        wv_f32 g = wv_div_f32(num[h], den[h]);
        wv_f32 z = wv_select_f32(upper[h], g, wv_cast_u32_f32(wv_xor_u32(wv_cast_f32_u32(g), sgn)));
        z = wv_max_f32(z, c->a);
        z = wv_min_f32(z, c->b);
        v[h] = f32_affine(c, z);
    });
}

WV_INLINE void grp_truncnorm_f32(const f32_ctx *c, const wv_u32 x[4], wv_f32 v[4])
{
    grp_truncnorm_f32_n(c, x, v, 4);
}

/* stores of one group's 4 vectors of float32 values, in element order */
enum { OUT_F32, OUT_F16, OUT_BF16 };
WV_INLINE void store_vals(const int kind, char *d, const wv_f32 v[4], const int nt)
{
    if (kind == OUT_F32)
        wv_store4_u32(d, wv_cast_f32_u32(v[0]), wv_cast_f32_u32(v[1]), wv_cast_f32_u32(v[2]),
                      wv_cast_f32_u32(v[3]), nt);
    else if (kind == OUT_F16)
        wv_store4_f16(d, v[0], v[1], v[2], v[3], nt);
    else
        wv_store4_bf16(d, v[0], v[1], v[2], v[3], nt);
}
#define BPB_OF(kind) ((kind) == OUT_F32 ? 16 : 8) /* bytes per block */

/* Store a group, or the prefix of nb - j blocks of it when it is the last, partial one. */
WV_INLINE void store_group(const int kind, char *o, size_t j, size_t nb, const wv_f32 v[4], const int nt)
{
    if (j + WV_N <= nb) {
        store_vals(kind, o + j * BPB_OF(kind), v, nt);
    } else {
        unsigned char buf[16 * WV_N] __attribute__((aligned(64)));
        store_vals(kind, (char *)buf, v, 0);
        memcpy(o + j * BPB_OF(kind), buf, (nb - j) * BPB_OF(kind));
    }
}

enum { DIST_U, DIST_TN };

/* uniform and truncated normal, float32 working precision */
WV_INLINE void run_f32(const winit_plan *p, uint64_t b0, size_t nb, char *o, const int dist, const int kind,
                       const int nt)
{
    px_ctx px;
    f32_ctx c;
    px_init(&px, p);
    f32_ctx_init(&c, p);
    wv_u32 x[4], y[4];
    wv_f32 v[4], w[4];
    size_t j = 0;
    for (; j + 2 * WV_N <= nb; j += 2 * WV_N) {
        px2(&px, b0 + j, x, y);
        if (dist == DIST_U) {
            grp_uniform_f32(&c, x, v);
            grp_uniform_f32(&c, y, w);
        } else { /* both groups' tail lanes share the tail vectors */
            wv_u32 xy[8] = {x[0], x[1], x[2], x[3], y[0], y[1], y[2], y[3]};
            wv_f32 o8[8];
            grp_truncnorm_f32_n(&c, xy, o8, 8);
            for (int k = 0; k < 4; k++) { v[k] = o8[k]; w[k] = o8[4 + k]; }
        }
        store_vals(kind, o + j * BPB_OF(kind), v, nt);
        store_vals(kind, o + (j + WV_N) * BPB_OF(kind), w, nt);
    }
    for (; j < nb; j += WV_N) {
        px1(&px, b0 + j, x);
        if (dist == DIST_U) grp_uniform_f32(&c, x, v);
        else grp_truncnorm_f32(&c, x, v);
        store_group(kind, o, j, nb, v, nt);
    }
}

/* Normal float32: each step transforms group j while the Philox rounds of group
   j + WV_N run interleaved; head (no carry into counter word 1 in the call) and
   scale1 (std == 1) are constants of each instantiated loop. */
WV_INLINE void run_normal_f32_loop(px_ctx *px, const f32_ctx *c, uint64_t b0, size_t nb, char *o, const int kind,
                                   const int nt, const int head, const int scale1)
{
    wv_u32 x[4], y[4];
    wv_f32 v[4];
    size_t j = 0;
    if (nb >= 2 * WV_N) {
        px1(px, b0, x);
        for (; j + 2 * WV_N <= nb; j += WV_N) {
            if (head) y[0] = px_counter0(b0 + j + WV_N);
            else px_counter(px, b0 + j + WV_N, y);
            grp_normal_f32_px(c, x, v, px, y, head, scale1);
            store_vals(kind, o + j * BPB_OF(kind), v, nt);
            for (int k = 0; k < 4; k++) x[k] = y[k];
        }
        grp_normal_f32_px(c, x, v, NULL, NULL, 0, scale1); /* group j, whole */
        store_vals(kind, o + j * BPB_OF(kind), v, nt);
        j += WV_N;
    }
    for (; j < nb; j += WV_N) {
        px1(px, b0 + j, x);
        grp_normal_f32(c, x, v);
        store_group(kind, o, j, nb, v, nt);
    }
}

WV_INLINE void run_normal_f32(const winit_plan *p, uint64_t b0, size_t nb, char *o, const int kind, const int nt)
{
    px_ctx px;
    f32_ctx c;
    px_init(&px, p);
    f32_ctx_init(&c, p);
    int head = nb >= 2 * WV_N && px_head_ready(&px, b0 + WV_N, nb - WV_N);
    if (!head) run_normal_f32_loop(&px, &c, b0, nb, o, kind, nt, 0, c.scale1);
    else if (c.scale1) run_normal_f32_loop(&px, &c, b0, nb, o, kind, nt, 1, 1);
    else run_normal_f32_loop(&px, &c, b0, nb, o, kind, nt, 1, 0);
}

/* ---- float64 working precision ------------------------------------------- */

#define F64(x) wv_set1_f64(x)
#define U64(x) wv_set1_u64(x)

typedef struct {
    wv_f64 loc, scale;
    wv_f64 a, b, alo, ahi, bk, soff;
    int scale1;       /* normal: loc + 1 z = loc + z */
    int normal_loc0;  /* and loc +-0: loc + r c = fma(r, c, loc) (v_boxmuller_f64) */
    int uniform_loc0; /* uniform: loc +-0 and scale > 0, (+-0) + v = v */
    int uniform_unit; /* and scale 1: the value is u itself */
} f64_ctx;

WV_INLINE void f64_ctx_init(f64_ctx *c, const winit_plan *p)
{
    c->loc = F64(p->loc64);
    c->scale = F64(p->scale64);
    c->a = F64(p->trunc64.a);
    c->b = F64(p->trunc64.b);
    c->alo = F64(p->trunc64.alo);
    c->ahi = F64(p->trunc64.ahi);
    c->bk = F64(p->trunc64.bk);
    c->soff = F64(p->trunc64.soff);
    c->scale1 = p->scale64 == 1.0;
    c->normal_loc0 = c->scale1 && p->loc64 == 0.0;
    c->uniform_loc0 = p->loc64 == 0.0 && p->scale64 > 0.0;
    c->uniform_unit = c->uniform_loc0 && p->scale64 == 1.0;
}

WV_INLINE wv_f64 f64_affine(const f64_ctx *c, wv_f64 v) { return wv_add_f64(c->loc, wv_mul_f64(c->scale, v)); }

/* The integer constants of the float64 transforms, made once per call and read through a
   pointer the compiler cannot see into (WV_HIDE): as memory operands they cost no register.
   Written as constants, GCC runs out of AVX2 registers in the float64 Box-Muller and rebuilds
   some in every iteration (measured 3% there). */
#define WV_HIDE(p) __asm__("" : "+r"(p))
typedef struct {
    wv_u64 one, low51, magic, m2log_bias, m2log_u1bias, mant, sqrth, sign;
} k64_consts;

WV_INLINE void k64_init(k64_consts *k)
{
    k->one = U64(1);
    k->low51 = U64((1ull << 51) - 1);
    k->magic = U64(0x4330000000000000ull);                                   /* 2^52 */
    k->m2log_bias = U64(0x3ff0000000000000ull - WINIT_SQRTH_BITS);
    k->m2log_u1bias = U64(0x3ff0000000000000ull - WINIT_SQRTH_BITS - (53ull << 52)); /* u1's 2^-53 folded in */
    k->mant = U64(0x000fffffffffffffull);
    k->sqrth = U64(WINIT_SQRTH_BITS);
    k->sign = U64(0x8000000000000000ull);
}

WV_INLINE wv_f64 v_xorbits_f64(wv_f64 v, wv_u64 bits) { return wv_cast_u64_f64(wv_xor_u64(wv_cast_f64_u64(v), bits)); }

/* -2 ln(1 + f) = s Q(s^2), s = f / (2 + f), plus e (-2 ln 2) (winit_math.h, WINIT_M2LOG_*);
   ix: the bits of x plus 0x3ff0000000000000 - sqrt(1/2) (and any exact exponent scaling);
   has_eoff 0: eoff is 0, and e - 0 = e exactly, so it is not subtracted */
WV_INLINE wv_f64 v_m2log_ix(const k64_consts *k, wv_u64 ix, wv_f64 eoff, const int has_eoff)
{
    /* (ix >> 52) - 1023 - eoff: 2^52 + (ix >> 52) read as a double, minus 2^52 + 1023 */
    wv_f64 dk = wv_sub_f64(wv_cast_u64_f64(wv_or_u64(wv_shr_u64(ix, 52), k->magic)),
                           F64(4503599627371519.0 /* 2^52 + 1023 */));
    if (has_eoff) dk = wv_sub_f64(dk, eoff);
    wv_f64 m = wv_cast_u64_f64(wv_add_u64(wv_and_u64(ix, k->mant), k->sqrth));
    wv_f64 f = wv_sub_f64(m, F64(1.0));
    wv_f64 s = wv_div_f64(f, wv_add_f64(F64(2.0), f));
    wv_f64 z = wv_mul_f64(s, s);
    wv_f64 q = wv_fma_f64(F64(WINIT_M2LOG_Q5), z, F64(WINIT_M2LOG_Q4));
    q = wv_fma_f64(q, z, F64(WINIT_M2LOG_Q3));
    q = wv_fma_f64(q, z, F64(WINIT_M2LOG_Q2));
    q = wv_fma_f64(q, z, F64(WINIT_M2LOG_Q1));
    q = wv_fma_f64(q, z, F64(WINIT_M2LOG_Q0));
    return wv_fma_f64(dk, F64(WINIT_M2LN2), wv_mul_f64(s, q));
}

WV_INLINE wv_f64 v_m2log(const k64_consts *k, wv_f64 x, wv_f64 eoff)
{
    return v_m2log_ix(k, wv_add_u64(wv_cast_f64_u64(x), k->m2log_bias), eoff, 1);
}

/* (xa >> 11) + 1 <= 2^53 as a double, exact, from xa = x0 + 2^32 x1 in zip order: where
   wv_u64_to_f64 is one instruction (WV_CVT_U64), by it; elsewhere as (2^73 + x1 2^21) -
   (2^73 + 2^52) + (2^52 + (x0 >> 11) + 1), each step exact, the magic numbers' high words
   zipped in (five vector ops where the conversion takes eight) */
WV_INLINE wv_f64 v_u53p1_f64(const k64_consts *k, wv_u32 x0, wv_u32 x1)
{
#if WV_CVT_U64
    return wv_u64_to_f64(wv_add_u64(wv_shr_u64(wv_zip_u32(x0, x1), 11), k->one));
#else
    wv_u64 hi = wv_zip_u32(x1, U32(0x44800000u));
    wv_u64 lo = wv_zip_u32(wv_add_u32(wv_shr_u32(x0, 11), U32(1)), U32(0x43300000u));
    (void)k;
    return wv_add_f64(wv_sub_f64(wv_cast_u64_f64(hi), F64(0x1p73 + 0x1p52)), wv_cast_u64_f64(lo));
#endif
}

/* Box-Muller float64 (SPEC 1.3) on NG groups side by side: x[g] the group's four
 * words (xa = x0 + 2^32 x1, xb = x2 + 2^32 x3), out: cos values then sin values.
 * Folded steps, each exact: u1 = ((xa >> 11) + 1) 2^-53, the 2^-53 folded into
 * v_m2log's first constant (an exponent shift); t = xb + 2^61 (mod 2^64, zipped
 * from x2 and x3 + 2^29) holds (xb >> 11) + 2^50 in its bits 63-11: the quadrant
 * mod 4 in bits 63-62 and n, the angle's remainder ri = n - 2^50, in bits 61-11;
 * ri times K = pi/2 2^-51 is fma(2^52 + n, K, -(2^52 + 2^50) K): ri K rounded
 * once, because K has 50 significant bits and 5 2^50 K is exact. */
#define BMG(...) do { for (int g = 0; g < NG; g++) { __VA_ARGS__; } } while (0)
WV_INLINE void v_boxmuller_f64(const k64_consts *k, const wv_u32 (*x)[4], wv_f64 *zc, wv_f64 *zs, const int NG,
                               const int fuse_loc, wv_f64 loc)
{
    wv_f64 u1[2], r[2], a[2], za[2], v[2], rs[2], rc[2];
    wv_u64 t[2], neg[2];
    BMG(u1[g] = v_u53p1_f64(k, x[g][0], x[g][1]));
    BMG(t[g] = wv_zip_u32(x[g][2], wv_add_u32(x[g][3], U32(0x20000000u))));
    BMG(r[g] = wv_sqrt_f64(v_m2log_ix(k, wv_add_u64(wv_cast_f64_u64(u1[g]), k->m2log_u1bias), F64(0.0), 0)));
    BMG({
        wv_u64 n = wv_and_u64(wv_shr_u64(t[g], 11), k->low51);
        wv_f64 dn = wv_cast_u64_f64(wv_or_u64(n, k->magic));
        /* a' = +-a: the sign of quadrant bit 1 (bit 63 of t) */
        neg[g] = wv_and_u64(t[g], k->sign);
        a[g] = v_xorbits_f64(wv_fma_f64(dn, F64(WINIT_PIO2_2M51), F64(-5 * 0x1p50 * WINIT_PIO2_2M51)), neg[g]);
    });
    BMG(za[g] = wv_mul_f64(a[g], a[g]));
    BMG(v[g] = wv_mul_f64(za[g], a[g]));
    BMG(rs[g] = wv_fma_f64(za[g], F64(WINIT_S5), F64(WINIT_S4)));
    BMG(rc[g] = wv_fma_f64(za[g], F64(WINIT_C5), F64(WINIT_C4)));
    BMG(rs[g] = wv_fma_f64(za[g], rs[g], F64(WINIT_S3)));
    BMG(rc[g] = wv_fma_f64(za[g], rc[g], F64(WINIT_C3)));
    BMG(rs[g] = wv_fma_f64(za[g], rs[g], F64(WINIT_S2)));
    BMG(rc[g] = wv_fma_f64(za[g], rc[g], F64(WINIT_C2)));
    BMG(rc[g] = wv_fma_f64(za[g], rc[g], F64(WINIT_C1)));
    BMG({
        /* With a' = -a where quadrant bit 1 is set, sin a' = -sin a exactly (odd polynomial,
           symmetric rounding) and cos a' = cos a, so cos t = (q bit 0) ? -sin a' : +-cos a and
           sin t = (q bit 0) ? +-cos a : sin a' (the signs of winit__sincos2pi_f64; +- is the
           sign of q bit 1).  a[g], v[g] were made from a' (below). */
        wv_f64 sa = wv_fma_f64(v[g], wv_fma_f64(za[g], rs[g], F64(WINIT_S1)), a[g]); /* sin a' */
        wv_f64 ca = v_xorbits_f64(wv_fma_f64(za[g], rc[g], F64(1.0)), neg[g]);      /* +-cos a */
        wv_m64 swap = wv_signmask_u64(wv_shl_u64(t[g], 1));                          /* q bit 0 */
        wv_f64 cc = wv_select_f64(swap, v_xorbits_f64(sa, k->sign), ca);
        wv_f64 ss = wv_select_f64(swap, ca, sa);
        if (fuse_loc) {
            /* loc +-0 + r c, rounded once: r c is never below 2^-78 in size unless it is
               exactly +-0, so rounding it first changes nothing, and (+-0) + (+-0) has the
               same sign either way */
            zc[g] = wv_fma_f64(r[g], cc, loc);
            zs[g] = wv_fma_f64(r[g], ss, loc);
        } else {
            zc[g] = wv_mul_f64(r[g], cc);
            zs[g] = wv_mul_f64(r[g], ss);
        }
    });
}

/* winit_trunc_z_f64 on the 64-bit words x, scaled */
WV_INLINE wv_f64 v_truncnorm_f64(const f64_ctx *c, const k64_consts *kc64, wv_u64 x)
{
    const wv_u64 sgn = U64(0x8000000000000000ull);
    wv_f64 k = wv_u64_to_f64(wv_shr_u64(x, 11));
    wv_f64 kc = wv_sub_f64(F64(9007199254740991.0), k);
    wv_f64 plo = wv_fma_f64(c->bk, k, c->alo);
    wv_f64 phi = wv_fma_f64(c->bk, kc, c->ahi);
    wv_m64 upper = wv_lt_f64(phi, plo);
    wv_f64 q = wv_select_f64(upper, phi, plo);
    wv_m64 central = wv_ge_f64(q, F64(0.075));
    wv_f64 t = wv_sub_f64(q, F64(0.5));
    wv_f64 r = wv_fnma_f64(t, t, F64(0.180625));
#define H7(x, c0, c1, c2, c3, c4, c5, c6, c7)                                                            \
    wv_fma_f64(wv_fma_f64(wv_fma_f64(wv_fma_f64(wv_fma_f64(wv_fma_f64(wv_fma_f64(F64(c7), x, F64(c6)), x, \
    F64(c5)), x, F64(c4)), x, F64(c3)), x, F64(c2)), x, F64(c1)), x, F64(c0))
    wv_f64 num = H7(r, WINIT_P16_A0, WINIT_P16_A1, WINIT_P16_A2, WINIT_P16_A3, WINIT_P16_A4, WINIT_P16_A5,
                    WINIT_P16_A6, WINIT_P16_A7);
    wv_f64 den = H7(r, 1.0, WINIT_P16_B1, WINIT_P16_B2, WINIT_P16_B3, WINIT_P16_B4, WINIT_P16_B5, WINIT_P16_B6,
                    WINIT_P16_B7);
    num = wv_mul_f64(v_xorbits_f64(t, sgn), num);
    if (wv_mask_bits64(central) != WV_ALLBITS) {
        wv_f64 rt = wv_sqrt_f64(wv_mul_f64(F64(0.5), v_m2log(kc64, q, c->soff)));
        wv_m64 near = wv_le_f64(rt, F64(5.0));
        wv_f64 xn = wv_sub_f64(rt, F64(1.6));
        wv_f64 tn = H7(xn, WINIT_P16_C0, WINIT_P16_C1, WINIT_P16_C2, WINIT_P16_C3, WINIT_P16_C4, WINIT_P16_C5,
                       WINIT_P16_C6, WINIT_P16_C7);
        wv_f64 td = H7(xn, 1.0, WINIT_P16_D1, WINIT_P16_D2, WINIT_P16_D3, WINIT_P16_D4, WINIT_P16_D5, WINIT_P16_D6,
                       WINIT_P16_D7);
        if ((wv_mask_bits64(near) | wv_mask_bits64(central)) != WV_ALLBITS) {
            wv_f64 xf = wv_sub_f64(rt, F64(5.0));
            wv_f64 fn = H7(xf, WINIT_P16_E0, WINIT_P16_E1, WINIT_P16_E2, WINIT_P16_E3, WINIT_P16_E4, WINIT_P16_E5,
                           WINIT_P16_E6, WINIT_P16_E7);
            wv_f64 fd = H7(xf, 1.0, WINIT_P16_F1, WINIT_P16_F2, WINIT_P16_F3, WINIT_P16_F4, WINIT_P16_F5,
                           WINIT_P16_F6, WINIT_P16_F7);
            tn = wv_select_f64(near, tn, fn);
            td = wv_select_f64(near, td, fd);
        }
        num = wv_select_f64(central, num, tn);
        den = wv_select_f64(central, den, td);
    }
#undef H7
    wv_f64 g = wv_div_f64(num, den);
    wv_f64 z = wv_select_f64(upper, g, v_xorbits_f64(g, sgn));
    z = wv_max_f64(z, c->a);
    z = wv_min_f64(z, c->b);
    return f64_affine(c, z);
}

WV_INLINE wv_f64 v_uniform_f64(const f64_ctx *c, wv_u64 x)
{
    wv_f64 u = wv_u53_to_f64_m53(wv_shr_u64(x, 11));
    if (c->uniform_unit) return u;
    if (c->uniform_loc0) return wv_mul_f64(c->scale, u);
    return f64_affine(c, u);
}

enum { DIST64_U, DIST64_N, DIST64_TN };
/* the normal's affine step, a constant of each loop: loc + scale z, loc + z (scale 1),
   or fused into v_boxmuller_f64 (scale 1, loc +-0, where fma is an instruction) */
enum { AFF64_ANY, AFF64_SCALE1, AFF64_LOC0_SCALE1 };

/* NG groups of words -> their float64 values stored at d (16 bytes per block) */
WV_INLINE void grp_f64(const f64_ctx *c, const k64_consts *k, const wv_u32 (*x)[4], char *d, const int dist,
                       const int NG, const int aff, const int nt)
{
    wv_u64 xa[2], xb[2];
    if (dist == DIST64_N) {
        wv_f64 zc[2], zs[2];
        v_boxmuller_f64(k, x, zc, zs, NG, aff == AFF64_LOC0_SCALE1, c->loc);
        BMG({
            wv_f64 e0 = zc[g], e1 = zs[g];
            if (aff == AFF64_SCALE1) {
                e0 = wv_add_f64(c->loc, e0);
                e1 = wv_add_f64(c->loc, e1);
            } else if (aff == AFF64_ANY) {
                e0 = f64_affine(c, e0);
                e1 = f64_affine(c, e1);
            }
            wv_store2_f64(d + 16 * WV_N * g, e0, e1, nt);
        });
        return;
    }
    BMG(xa[g] = wv_zip_u32(x[g][0], x[g][1]));
    BMG(xb[g] = wv_zip_u32(x[g][2], x[g][3]));
    if (dist == DIST64_U) {
        BMG(wv_store2_f64(d + 16 * WV_N * g, v_uniform_f64(c, xa[g]), v_uniform_f64(c, xb[g]), nt));
    } else {
        BMG(wv_store2_f64(d + 16 * WV_N * g, v_truncnorm_f64(c, k, xa[g]), v_truncnorm_f64(c, k, xb[g]), nt));
    }
}

WV_INLINE void run_f64_loop(px_ctx *px, const f64_ctx *c, uint64_t b0, size_t nb, char *o, const int dist,
                            const int aff, const int nt)
{
    wv_u32 x[2][4];
    k64_consts kstore;
    const k64_consts *k = &kstore;
    k64_init(&kstore);
    WV_HIDE(k);
    size_t j = 0;
    for (; j + 2 * WV_N <= nb; j += 2 * WV_N) {
        px2(px, b0 + j, x[0], x[1]);
        grp_f64(c, k, (const wv_u32(*)[4])x, o + 16 * j, dist, 2, aff, nt);
    }
    for (; j < nb; j += WV_N) {
        px1(px, b0 + j, x[0]);
        if (j + WV_N <= nb) {
            grp_f64(c, k, (const wv_u32(*)[4])x, o + 16 * j, dist, 1, aff, nt);
        } else {
            unsigned char buf[16 * WV_N] __attribute__((aligned(64)));
            grp_f64(c, k, (const wv_u32(*)[4])x, (char *)buf, dist, 1, aff, 0);
            memcpy(o + 16 * j, buf, (nb - j) * 16);
        }
    }
}

WV_INLINE void run_f64(const winit_plan *p, uint64_t b0, size_t nb, char *o, const int dist, const int nt)
{
    px_ctx px;
    f64_ctx c;
    px_init(&px, p);
    f64_ctx_init(&c, p);
    if (dist == DIST64_N && c.normal_loc0 && WV_NATIVE_FMA) run_f64_loop(&px, &c, b0, nb, o, dist, AFF64_LOC0_SCALE1, nt);
    else if (dist == DIST64_N && c.scale1) run_f64_loop(&px, &c, b0, nb, o, dist, AFF64_SCALE1, nt);
    else run_f64_loop(&px, &c, b0, nb, o, dist, AFF64_ANY, nt);
}

/* ---- raw words ------------------------------------------------------------ */

WV_INLINE void words_as_vals(const wv_u32 x[4], wv_f32 v[4]) /* bits unchanged: stored as OUT_F32 */
{
    for (int k = 0; k < 4; k++) v[k] = wv_cast_u32_f32(x[k]);
}

WV_INLINE void run_raw(const winit_plan *p, uint64_t b0, size_t nb, char *o, const int nt)
{
    px_ctx px;
    px_init(&px, p);
    wv_u32 x[4], y[4];
    wv_f32 v[4];
    size_t j = 0;
    for (; j + 2 * WV_N <= nb; j += 2 * WV_N) {
        px2(&px, b0 + j, x, y);
        words_as_vals(x, v);
        store_vals(OUT_F32, o + 16 * j, v, nt);
        words_as_vals(y, v);
        store_vals(OUT_F32, o + 16 * (j + WV_N), v, nt);
    }
    for (; j < nb; j += WV_N) {
        px1(&px, b0 + j, x);
        words_as_vals(x, v);
        store_group(OUT_F32, o, j, nb, v, nt);
    }
}

/* ---- the kernels and their table ------------------------------------------ */
/* (only in a target instance: tests/c/check_boxmuller.c includes this file without
   WV_TARGET and calls the inline functions above) */

/* Each kernel instantiates its loop twice, with and without non-temporal stores. */
#ifdef WV_TARGET
#define WV_KERNEL(NAME, CALL)                                                                \
    static void NAME(const winit_plan *p, uint64_t b0, size_t nb, void *out, int nt)         \
    {                                                                                        \
        char *o = (char *)out;                                                               \
        if (nt) {                                                                            \
            CALL(1);                                                                         \
            wv_stream_fence();                                                               \
        } else {                                                                             \
            CALL(0);                                                                         \
        }                                                                                    \
    }

#define K_RAW(nt) run_raw(p, b0, nb, o, nt)
#define K_U32(nt) run_f32(p, b0, nb, o, DIST_U, OUT_F32, nt)
#define K_U16(nt) run_f32(p, b0, nb, o, DIST_U, OUT_F16, nt)
#define K_UB16(nt) run_f32(p, b0, nb, o, DIST_U, OUT_BF16, nt)
#define K_N32(nt) run_normal_f32(p, b0, nb, o, OUT_F32, nt)
#define K_N16(nt) run_normal_f32(p, b0, nb, o, OUT_F16, nt)
#define K_NB16(nt) run_normal_f32(p, b0, nb, o, OUT_BF16, nt)
#define K_T32(nt) run_f32(p, b0, nb, o, DIST_TN, OUT_F32, nt)
#define K_T16(nt) run_f32(p, b0, nb, o, DIST_TN, OUT_F16, nt)
#define K_TB16(nt) run_f32(p, b0, nb, o, DIST_TN, OUT_BF16, nt)
#define K_U64(nt) run_f64(p, b0, nb, o, DIST64_U, nt)
#define K_N64(nt) run_f64(p, b0, nb, o, DIST64_N, nt)
#define K_T64(nt) run_f64(p, b0, nb, o, DIST64_TN, nt)

WV_KERNEL(raw_u32, K_RAW)
WV_KERNEL(uniform_f32, K_U32)
WV_KERNEL(uniform_f16, K_U16)
WV_KERNEL(uniform_bf16, K_UB16)
WV_KERNEL(normal_f32, K_N32)
WV_KERNEL(normal_f16, K_N16)
WV_KERNEL(normal_bf16, K_NB16)
WV_KERNEL(truncnorm_f32, K_T32)
WV_KERNEL(truncnorm_f16, K_T16)
WV_KERNEL(truncnorm_bf16, K_TB16)
WV_KERNEL(uniform_f64, K_U64)
WV_KERNEL(normal_f64, K_N64)
WV_KERNEL(truncnorm_f64, K_T64)

const winit_block_kernel WV_TABLE[WINIT_NDIST][WINIT_NDTYPE] = {
    [WINIT_DIST_RAW] = {[WINIT_DTYPE_U32] = raw_u32},
    [WINIT_DIST_UNIFORM] = {uniform_f32, uniform_f64, uniform_f16, uniform_bf16, NULL},
    [WINIT_DIST_NORMAL] = {normal_f32, normal_f64, normal_f16, normal_bf16, NULL},
    [WINIT_DIST_TRUNCNORM] = {truncnorm_f32, truncnorm_f64, truncnorm_f16, truncnorm_bf16, NULL},
};
#endif /* WV_TARGET */
