/* AVX2+FMA block kernels: same bits as winit_kernels_scalar.c, faster.
 *
 * Philox4x32-10 runs on 8 consecutive blocks at once in structure-of-arrays
 * form (one ymm holds word k of the 8 blocks).  There is no 32x32->64 high
 * multiply in AVX2: vpmuludq multiplies the even lanes and the odd lanes
 * shifted down, and one vshufps each gathers the high and the low halves (in
 * a permuted block order that undoes itself over the 10 rounds, see
 * mulhilo_p).  The
 * transforms (winit_math.h) run on the SoA words with the same polynomials,
 * the same operations in the same order and FMA at the same places as the
 * scalar code, so every value is bit-identical; an in-lane 4x4 transpose and
 * 128-bit stores of both halves bring the results to element order (no
 * lane-crossing shuffle: vperm2i128 is 8 uops on Zen 1).  A trailing partial
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

/* Hides from the compiler where pointer P points, so that the vector constants
 * read through it stay memory operands.  Written as constants, GCC runs out of
 * registers in the largest loops (float64 normal) and rebuilds each one in every
 * iteration from a general register (movabs or mov, vmovq, vpbroadcast). */
#define OPAQUE(P) __asm__("" : "+r"(P))

/* ---- Philox4x32-10, 8 blocks ---------------------------------------------- */

typedef struct {
    __m256i key0[10], key1[10];
    __m256i c2, c3;
    /* rounds 0-2 of a group with one counter word 1 (px_head_*) */
    uint32_t k0[3], k1[3], s2, s3; /* scalar keys of rounds 0-2, stream words */
    uint64_t head_c1;              /* the counter word 1 the constants below are for */
    __m256i h_a, h_b, h_d, h_b1, h_ha1, h_e, h_e2;
} px8_ctx;

#define PX_M0 0xD2511F53u
#define PX_M1 0xCD9E8D57u

/* Rounds 0-2 of a group whose 8 blocks share counter word 1 (no carry out of
 * word 0 inside the group: every group but one in 2^32 blocks).  Counter words
 * 1-3 are then the same for every block, and so is whatever of the first three
 * rounds depends on them alone: round 0's M1 product and xors, round 1's M0
 * product, round 2's xor of word 3.  Those are scalar constants here, computed
 * once per counter word 1, and the vector work of rounds 0-2 drops from 48 to
 * 28 instructions per group (140 instead of 160 for the 10 rounds).  The
 * values are those of the full rounds, bit for bit. */
AVX2_INLINE void px_head_set(px8_ctx *c, uint64_t c1)
{
    uint64_t p = (uint64_t)PX_M1 * c->s2;
    uint32_t a = (uint32_t)(p >> 32) ^ (uint32_t)c1 ^ c->k0[0], b = (uint32_t)p;
    uint64_t q = (uint64_t)PX_M0 * a;
    c->head_c1 = c1;
    c->h_a = _mm256_set1_epi32((int)a);                                /* word 0 after round 0 */
    c->h_b = _mm256_set1_epi32((int)b);                                /* word 1 after round 0 */
    c->h_d = _mm256_set1_epi32((int)(c->s3 ^ c->k1[0]));               /* round 0: c3 ^ k1 */
    c->h_b1 = _mm256_set1_epi32((int)(b ^ c->k0[1]));                  /* round 1: x1 ^ k0 */
    c->h_ha1 = _mm256_set1_epi32((int)((uint32_t)(q >> 32) ^ c->k1[1])); /* round 1: hi(M0 x0) ^ k1 */
    c->h_e = _mm256_set1_epi32((int)(uint32_t)q);                      /* word 3 after round 1 */
    c->h_e2 = _mm256_set1_epi32((int)((uint32_t)q ^ c->k1[2]));        /* round 2: x3 ^ k1 */
}

AVX2_INLINE void px8_init(px8_ctx *c, const winit_plan *p)
{
    uint32_t k0 = (uint32_t)p->seed, k1 = (uint32_t)(p->seed >> 32);
    for (int i = 0; i < 10; i++) {
        c->key0[i] = _mm256_set1_epi32((int)k0);
        c->key1[i] = _mm256_set1_epi32((int)k1);
        if (i < 3) {
            c->k0[i] = k0;
            c->k1[i] = k1;
        }
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    c->c2 = _mm256_set1_epi32((int)(uint32_t)p->stream);
    c->c3 = _mm256_set1_epi32((int)(uint32_t)(p->stream >> 32));
    c->s2 = (uint32_t)p->stream;
    c->s3 = (uint32_t)(p->stream >> 32);
    px_head_set(c, 0);
}

/* Whether blocks b .. b+n-1 share counter word 1, and if so make the head
   constants current for it. */
AVX2_INLINE int px_head_ready(px8_ctx *c, uint64_t b, uint64_t n)
{
    if ((uint64_t)(uint32_t)b + (n - 1) > 0xFFFFFFFFull) return 0;
    if (c->head_c1 != b >> 32) px_head_set(c, b >> 32);
    return 1;
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
    const __m256i M0 = _mm256_set1_epi32((int)PX_M0), M1 = _mm256_set1_epi32((int)PX_M1);
    __m256i S[8];
    px_split_init(c, b, S);
#pragma GCC unroll 10
    for (int i = 0; i < 10; i++) PX_ROUND(S, c->key0[i], c->key1[i]);
    px_split_join(S, x);
}

/* Packed form for two groups in flight (fewer live registers than the split
 * form: measured faster on the 2-group path).
 */
/* Permuting form: vshufps gathers hi (or lo) of the even-lane and odd-lane
 * products in one instruction, in the block order (0, 2, 1, 3) of each 128-bit
 * lane relative to the input (swap of positions 1 and 2).  The words that are
 * only xored (x1, x3) get the same swap with one vpshufd, so all four words
 * stay in one order; the swap has order 2, so after the 10 rounds (an even
 * number: required) the blocks are back in their places.  16 instructions per
 * round for 8 blocks instead of 18 with vpblendd (measured +10-20% on Zen 1). */
AVX2_INLINE void mulhilo_p(__m256i x, __m256i m, __m256i *hi, __m256i *lo)
{
    __m256 pe = _mm256_castsi256_ps(_mm256_mul_epu32(x, m));
    __m256 po = _mm256_castsi256_ps(_mm256_mul_epu32(_mm256_shuffle_epi32(x, 0xF5), m));
    *hi = _mm256_castps_si256(_mm256_shuffle_ps(pe, po, 0xDD));
    *lo = _mm256_castps_si256(_mm256_shuffle_ps(pe, po, 0x88));
}
/* Round i (0-2) of the head form, X[0] holding counter word 0 before round 0. */
#define PK_HEAD_ROUND(X, c, i)                                                                      \
    do {                                                                                            \
        __m256i h0, l0, h1, l1;                                                                     \
        if ((i) == 0) {                                                                             \
            mulhilo_p(X[0], M0, &h0, &l0);                                                          \
            X[0] = (c)->h_a; X[1] = (c)->h_b;                                                       \
            X[2] = _mm256_xor_si256(h0, (c)->h_d); X[3] = l0;                                       \
        } else if ((i) == 1) {                                                                      \
            mulhilo_p(X[2], M1, &h1, &l1);                                                          \
            X[2] = _mm256_xor_si256(_mm256_shuffle_epi32(X[3], 0xD8), (c)->h_ha1); X[3] = (c)->h_e; \
            X[0] = _mm256_xor_si256(h1, (c)->h_b1); X[1] = l1;                                      \
        } else {                                                                                    \
            mulhilo_p(X[0], M0, &h0, &l0); mulhilo_p(X[2], M1, &h1, &l1);                           \
            X[0] = _mm256_xor_si256(_mm256_xor_si256(h1, _mm256_shuffle_epi32(X[1], 0xD8)), (c)->key0[2]); \
            X[1] = l1; X[2] = _mm256_xor_si256(h0, (c)->h_e2); X[3] = l0;                            \
        }                                                                                           \
    } while (0)
#define PK_ROUND(X, K0, K1) do { __m256i h0, l0, h1, l1; mulhilo_p(X[0], M0, &h0, &l0); mulhilo_p(X[2], M1, &h1, &l1); \
    X[0] = _mm256_xor_si256(_mm256_xor_si256(h1, _mm256_shuffle_epi32(X[1], 0xD8)), K0); X[1] = l1; \
    X[2] = _mm256_xor_si256(_mm256_xor_si256(h0, _mm256_shuffle_epi32(X[3], 0xD8)), K1); X[3] = l0; } while (0)
/* Counter word 0 of blocks b .. b+7, no carry */
AVX2_INLINE __m256i px8_counter0(uint64_t b)
{
    return _mm256_add_epi32(_mm256_set1_epi32((int)(uint32_t)b), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

#define PX_M4(m) {(long long)((m) * 0x100000001ull), (long long)((m) * 0x100000001ull), \
                  (long long)((m) * 0x100000001ull), (long long)((m) * 0x100000001ull)}
static const __m256i px_multipliers[2] __attribute__((aligned(32))) = {PX_M4(PX_M0), PX_M4(PX_M1)};
#undef PX_M4

AVX2_INLINE void px16(px8_ctx *c, uint64_t b, __m256i x[4], __m256i y[4])
{
    const __m256i *m = px_multipliers;
    OPAQUE(m); /* measured 2% on float64 normal, no change on the other px16 kernels */
    const __m256i M0 = m[0], M1 = m[1];
    if (__builtin_expect(px_head_ready(c, b, 16), 1)) {
        x[0] = px8_counter0(b);
        y[0] = px8_counter0(b + 8);
#pragma GCC unroll 3
        for (int i = 0; i < 3; i++) { PK_HEAD_ROUND(x, c, i); PK_HEAD_ROUND(y, c, i); }
#pragma GCC unroll 7
        for (int i = 3; i < 10; i++) { PK_ROUND(x, c->key0[i], c->key1[i]); PK_ROUND(y, c->key0[i], c->key1[i]); }
    } else {
        px8_counter(b, &x[0], &x[1]); x[2] = c->c2; x[3] = c->c3;
        px8_counter(b + 8, &y[0], &y[1]); y[2] = c->c2; y[3] = c->c3;
#pragma GCC unroll 10
        for (int i = 0; i < 10; i++) { PK_ROUND(x, c->key0[i], c->key1[i]); PK_ROUND(y, c->key0[i], c->key1[i]); }
    }
}

/* SoA (r[k] = value k of blocks 0..7), transposed within 128-bit lanes:
 * u[k] = block k (low 128 bits) | block k+4 (high).
 * 128-bit stores of the halves then give element order without a lane-crossing
 * shuffle (vperm2i128 is 8 uops on Zen 1). */
AVX2_INLINE void tr4x4l(__m256i r0, __m256i r1, __m256i r2, __m256i r3, __m256i u[4])
{
    __m256i t0 = _mm256_unpacklo_epi32(r0, r1), t1 = _mm256_unpackhi_epi32(r0, r1);
    __m256i t2 = _mm256_unpacklo_epi32(r2, r3), t3 = _mm256_unpackhi_epi32(r2, r3);
    u[0] = _mm256_unpacklo_epi64(t0, t2);
    u[1] = _mm256_unpackhi_epi64(t0, t2);
    u[2] = _mm256_unpacklo_epi64(t1, t3);
    u[3] = _mm256_unpackhi_epi64(t1, t3);
}

/* 8 blocks of 16 bytes from u[k] = block k | block k+4 */
AVX2_INLINE void store_halves16(char *d, const __m256i u[4])
{
    for (int k = 0; k < 4; k++) _mm_storeu_si128((__m128i *)(d + 16 * k), _mm256_castsi256_si128(u[k]));
    for (int k = 0; k < 4; k++) _mm_storeu_si128((__m128i *)(d + 64 + 16 * k), _mm256_extracti128_si256(u[k], 1));
}

/* ---- stores of 8 blocks x 4 float32 values (SoA in v[0..3]) -------------- */

AVX2_INLINE void store_f32x32(void *out, __m256 v0, __m256 v1, __m256 v2, __m256 v3)
{
    __m256i u[4];
    tr4x4l(_mm256_castps_si256(v0), _mm256_castps_si256(v1), _mm256_castps_si256(v2),
           _mm256_castps_si256(v3), u);
    store_halves16((char *)out, u);
}

AVX2_INLINE void store_f16x32(void *out, __m256 v0, __m256 v1, __m256 v2, __m256 v3)
{
    __m256i u[4];
    __m128i h[4];
    tr4x4l(_mm256_castps_si256(v0), _mm256_castps_si256(v1), _mm256_castps_si256(v2),
           _mm256_castps_si256(v3), u);
    /* h[k] = block k (8 bytes) | block k+4 (8 bytes) */
    for (int k = 0; k < 4; k++) h[k] = _mm256_cvtps_ph(_mm256_castsi256_ps(u[k]), _MM_FROUND_TO_NEAREST_INT);
    char *d = (char *)out;
    _mm_storeu_si128((__m128i *)(d + 0), _mm_unpacklo_epi64(h[0], h[1]));
    _mm_storeu_si128((__m128i *)(d + 16), _mm_unpacklo_epi64(h[2], h[3]));
    _mm_storeu_si128((__m128i *)(d + 32), _mm_unpackhi_epi64(h[0], h[1]));
    _mm_storeu_si128((__m128i *)(d + 48), _mm_unpackhi_epi64(h[2], h[3]));
}

/* float32 bits x + 0x7FFF + (bit 16 of x): for a non-NaN x its high half is x
   rounded to bfloat16, nearest even */
AVX2_INLINE __m256i bf16_rne_high(__m256i x)
{
    return _mm256_add_epi32(_mm256_add_epi32(x, _mm256_set1_epi32(0x7FFF)),
                            _mm256_and_si256(_mm256_srli_epi32(x, 16), _mm256_set1_epi32(1)));
}

/* float32 bits -> bfloat16 bits in the low half of each lane (RNE, NaN quiet). */
AVX2_INLINE __m256i bf16_bits(__m256i x)
{
    __m256i h = _mm256_srli_epi32(x, 16);
    __m256i r = _mm256_srli_epi32(bf16_rne_high(x), 16);
    __m256 f = _mm256_castsi256_ps(x);
    __m256i nan = _mm256_castps_si256(_mm256_cmp_ps(f, f, _CMP_UNORD_Q));
    return _mm256_blendv_epi8(r, _mm256_or_si256(h, _mm256_set1_epi32(0x40)), nan);
}

AVX2_INLINE void store_bf16x32(void *out, __m256 v0, __m256 v1, __m256 v2, __m256 v3)
{
    /* round in SoA order (lane-wise, so order does not matter), then put the
       16-bit values of a block side by side: p01 lane i = values 0,1 of block i. */
    __m256i p01, p23;
    __m256 ord = _mm256_and_ps(_mm256_cmp_ps(v0, v1, _CMP_ORD_Q), _mm256_cmp_ps(v2, v3, _CMP_ORD_Q));
    if (__builtin_expect(_mm256_movemask_ps(ord) == 0xFF, 1)) {
        /* no NaN: the high halves of bf16_rne_high are the results */
        __m256i t0 = bf16_rne_high(_mm256_castps_si256(v0)), t1 = bf16_rne_high(_mm256_castps_si256(v1));
        __m256i t2 = bf16_rne_high(_mm256_castps_si256(v2)), t3 = bf16_rne_high(_mm256_castps_si256(v3));
        p01 = _mm256_blend_epi16(_mm256_srli_epi32(t0, 16), t1, 0xAA);
        p23 = _mm256_blend_epi16(_mm256_srli_epi32(t2, 16), t3, 0xAA);
    } else {
        p01 = _mm256_or_si256(bf16_bits(_mm256_castps_si256(v0)), _mm256_slli_epi32(bf16_bits(_mm256_castps_si256(v1)), 16));
        p23 = _mm256_or_si256(bf16_bits(_mm256_castps_si256(v2)), _mm256_slli_epi32(bf16_bits(_mm256_castps_si256(v3)), 16));
    }
    __m256i a = _mm256_unpacklo_epi32(p01, p23); /* blocks 0, 1 | 4, 5 */
    __m256i b = _mm256_unpackhi_epi32(p01, p23); /* blocks 2, 3 | 6, 7 */
    char *d = (char *)out;
    _mm_storeu_si128((__m128i *)(d + 0), _mm256_castsi256_si128(a));
    _mm_storeu_si128((__m128i *)(d + 16), _mm256_castsi256_si128(b));
    _mm_storeu_si128((__m128i *)(d + 32), _mm256_extracti128_si256(a, 1));
    _mm_storeu_si128((__m128i *)(d + 48), _mm256_extracti128_si256(b, 1));
}

/* ---- float32 math, mirrored from winit_math.h ---------------------------- */

#define PS(x) _mm256_set1_ps(x)
#define EPI(x) _mm256_set1_epi32((int)(x))

/* winit__m2logf(x, eoff): -2 (ln x - eoff ln 2). */
AVX2_INLINE __m256 v_m2logf(__m256 x, __m256 eoff)
{
    __m256i ix = _mm256_add_epi32(_mm256_castps_si256(x), EPI(WINIT_M2LOGF_BIAS));
    __m256 fe = _mm256_sub_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_and_si256(ix, EPI(0xff800000u))), PS(0x1p-23f)), eoff);
    __m256 m = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_and_si256(ix, EPI(0x007fffffu)), EPI(WINIT_SQRTHF_BITS)));
    __m256 f = _mm256_sub_ps(m, PS(1.0f));
    __m256 y = PS(WINIT_M2LOGF_Q7);
    y = _mm256_fmadd_ps(y, f, PS(WINIT_M2LOGF_Q6));
    y = _mm256_fmadd_ps(y, f, PS(WINIT_M2LOGF_Q5));
    y = _mm256_fmadd_ps(y, f, PS(WINIT_M2LOGF_Q4));
    y = _mm256_fmadd_ps(y, f, PS(WINIT_M2LOGF_Q3));
    y = _mm256_fmadd_ps(y, f, PS(WINIT_M2LOGF_Q2));
    y = _mm256_fmadd_ps(y, f, PS(WINIT_M2LOGF_Q1));
    y = _mm256_fmadd_ps(y, f, PS(WINIT_M2LOGF_Q0));
    return _mm256_fmadd_ps(fe, PS(WINIT_M2LN2F), _mm256_mul_ps(f, y));
}

/* Box-Muller (winit_boxmuller_f32) on two chains of 8 pairs: u1 from wa[h], u2
 * from wb[h], h = 0, 1, computed step by step side by side.
 *
 * Software pipelining: when X is not NULL, it holds the counter of the next
 * 8-block group, and its 10 Philox rounds run between the steps here (rounds
 * 0-2 in the head form when head is set: then X[0] alone is the counter).  Philox
 * is bound by the one vector-multiply pipe and the shuffle pipes, Box-Muller by
 * the FMA pipes; written side by side the out-of-order core overlaps them,
 * which it cannot do across two long separate phases (measured 1-4% faster on
 * Zen 1 than two 8-block groups of Philox, then four Box-Muller chains).  The interleaving changes no value: each stream of operations is the
 * same, in the same order. */
#define BMC(stmt) do { for (int h = 0; h < 2; h++) { stmt; } } while (0)
#define BM_ROUND(i)                                                                  \
    do {                                                                             \
        if (X) {                                                                     \
            if (head && (i) < 3) PK_HEAD_ROUND(X, px, i);                            \
            else PK_ROUND(X, px->key0[i], px->key1[i]);                              \
        }                                                                            \
    } while (0)
AVX2_INLINE void v_boxmuller_f32(const __m256i wa[2], const __m256i wb[2], __m256 zc[2], __m256 zs[2],
                                 const px8_ctx *px, __m256i *X, const int head)
{
    const __m256i M0 = _mm256_set1_epi32((int)PX_M0), M1 = _mm256_set1_epi32((int)PX_M1);
    __m256 u1[2], r[2], fe[2], m[2], f[2], y[2], a[2], z[2], sp[2], sa[2], cp[2], ca[2];
    __m256i ix[2], k[2], q[2];
    /* u1 = (k + 1) * 2^-24 is exact and normal: its bits are those of (float)(k + 1)
       minus 24 in the exponent, folded into the bias of winit__m2logf's first step.
       Angle: k = wb >> 8, quadrant q = (k + 2^21) >> 22, remainder k - (q << 22), as
       in winit_math.h, from wb directly: q[h] = wb + 2^29 holds q mod 4 in its bits
       31 (q bit 1) and 30 (q bit 0), which is all the signs and swap use (q = 4 acts
       as q = 0); the remainder is the low 22 bits of k, sign-extended. */
    BMC(u1[h] = _mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_srli_epi32(wa[h], 8), EPI(1))));
    BMC(q[h] = _mm256_add_epi32(wb[h], EPI(0x20000000u)));
    BM_ROUND(0);
    BMC(ix[h] = _mm256_add_epi32(_mm256_castps_si256(u1[h]), EPI(WINIT_M2LOGF_BIAS - (24u << 23))));
    BMC(k[h] = _mm256_srai_epi32(_mm256_slli_epi32(wb[h], 2), 10));
    /* e 2^23 as a float; its scale 2^-23 is folded (exactly) into -2 ln 2 below */
    BMC(fe[h] = _mm256_cvtepi32_ps(_mm256_and_si256(ix[h], EPI(0xff800000u))));
    BM_ROUND(1);
    BMC(m[h] = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_and_si256(ix[h], EPI(0x007fffffu)), EPI(WINIT_SQRTHF_BITS))));
    BMC(a[h] = _mm256_mul_ps(_mm256_cvtepi32_ps(k[h]), PS(WINIT_PIO2_2M22F)));
    BMC(f[h] = _mm256_sub_ps(m[h], PS(1.0f)));
    BM_ROUND(2);
    BMC(z[h] = _mm256_mul_ps(a[h], a[h]));
    BMC(y[h] = _mm256_fmadd_ps(PS(WINIT_M2LOGF_Q7), f[h], PS(WINIT_M2LOGF_Q6)));
    BMC(y[h] = _mm256_fmadd_ps(y[h], f[h], PS(WINIT_M2LOGF_Q5)));
    BM_ROUND(3);
    BMC(sp[h] = _mm256_fmadd_ps(PS(WINIT_SINF_P0), z[h], PS(WINIT_SINF_P1)));
    BMC(cp[h] = _mm256_fmadd_ps(PS(WINIT_COSF_C3), z[h], PS(WINIT_COSF_C2)));
    BMC(y[h] = _mm256_fmadd_ps(y[h], f[h], PS(WINIT_M2LOGF_Q4)));
    BM_ROUND(4);
    BMC(sp[h] = _mm256_fmadd_ps(sp[h], z[h], PS(WINIT_SINF_P2)));
    BMC(cp[h] = _mm256_fmadd_ps(cp[h], z[h], PS(WINIT_COSF_C1)));
    BMC(y[h] = _mm256_fmadd_ps(y[h], f[h], PS(WINIT_M2LOGF_Q3)));
    BM_ROUND(5);
    BMC(sp[h] = _mm256_mul_ps(sp[h], z[h]));
    BMC(ca[h] = _mm256_fmadd_ps(cp[h], z[h], PS(1.0f)));
    BMC(y[h] = _mm256_fmadd_ps(y[h], f[h], PS(WINIT_M2LOGF_Q2)));
    BM_ROUND(6);
    BMC(sa[h] = _mm256_fmadd_ps(sp[h], a[h], a[h]));
    BMC(y[h] = _mm256_fmadd_ps(y[h], f[h], PS(WINIT_M2LOGF_Q1)));
    BM_ROUND(7);
    BMC(y[h] = _mm256_fmadd_ps(y[h], f[h], PS(WINIT_M2LOGF_Q0)));
    BMC(r[h] = _mm256_sqrt_ps(_mm256_fmadd_ps(fe[h], PS(WINIT_M2LN2F * 0x1p-23f), _mm256_mul_ps(f[h], y[h]))));
    BM_ROUND(8);
    BMC({
        __m256i swapi = _mm256_slli_epi32(q[h], 1); /* sign bit = q bit 0 */
        __m256 swap = _mm256_castsi256_ps(swapi);
        __m256 cc = _mm256_blendv_ps(ca[h], sa[h], swap);
        __m256 ss = _mm256_blendv_ps(sa[h], ca[h], swap);
        /* cos sign: bit 1 of q + 1 = (q bit 1) ^ (q bit 0); sin sign: q bit 1 */
        __m256 negc = _mm256_castsi256_ps(_mm256_and_si256(_mm256_xor_si256(q[h], swapi), EPI(0x80000000u)));
        __m256 negs = _mm256_castsi256_ps(_mm256_and_si256(q[h], EPI(0x80000000u)));
        zc[h] = _mm256_mul_ps(r[h], _mm256_xor_ps(cc, negc));
        zs[h] = _mm256_mul_ps(r[h], _mm256_xor_ps(ss, negs));
    });
    BM_ROUND(9);
}

typedef struct {
    __m256 loc, scale;
    __m256 a, b, alo, ahi, bk, soff;
    __m256 scale24; /* scale * 2^-24, used only when exact (fold24) */
    int fold24;
    /* Exact shortcuts of loc + scale * v, same bits: loc + 1 * v = loc + v; and for
       uniform, where v = scale * u >= +0 when scale > 0, (+-0) + v = v. */
    int scale1, uniform_loc0;
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
    /* scale * ((float)k * 2^-24) == (float)k * (scale * 2^-24) bit for bit when
       scale * 2^-24 is exact: scale zero, infinite, NaN or |scale| >= 2^-102 (the
       same real product is rounded once either way, overflow and NaN included). */
    float s = p->scale32, as = s < 0 ? -s : s;
    c->fold24 = !(as > 0.0f && as < 0x1p-102f);
    c->scale1 = s == 1.0f;
    c->uniform_loc0 = c->fold24 && p->loc32 == 0.0f && s > 0.0f;
    c->scale24 = PS(s * 0x1p-24f);
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
    if (c->uniform_loc0) {
        for (int k = 0; k < 4; k++)
            v[k] = _mm256_mul_ps(c->scale24, _mm256_cvtepi32_ps(_mm256_srli_epi32(x[k], 8)));
    } else if (__builtin_expect(c->fold24, 1)) {
        for (int k = 0; k < 4; k++)
            v[k] = _mm256_add_ps(c->loc, _mm256_mul_ps(c->scale24, _mm256_cvtepi32_ps(_mm256_srli_epi32(x[k], 8))));
    } else {
        for (int k = 0; k < 4; k++) v[k] = v_affine(c, v_u01_f32(x[k]));
    }
}

/* 8 blocks -> 32 normal values; with X, also the next group's Philox (see above).
   scale1 is c->scale1, passed apart so that the kernels' loops can make it a
   constant (a test and branch per group otherwise: measured 1.7%). */
AVX2_INLINE void grp_normal_f32_px(const f32_ctx *c, const __m256i x[4], __m256 v[4], const px8_ctx *px, __m256i *X,
                                   const int head, const int scale1)
{
    const __m256i wa[2] = {x[0], x[2]}, wb[2] = {x[1], x[3]};
    __m256 zc[2], zs[2];
    v_boxmuller_f32(wa, wb, zc, zs, px, X, head);
    if (scale1) {
        v[0] = _mm256_add_ps(c->loc, zc[0]);
        v[1] = _mm256_add_ps(c->loc, zs[0]);
        v[2] = _mm256_add_ps(c->loc, zc[1]);
        v[3] = _mm256_add_ps(c->loc, zs[1]);
    } else {
        v[0] = v_affine(c, zc[0]);
        v[1] = v_affine(c, zs[0]);
        v[2] = v_affine(c, zc[1]);
        v[3] = v_affine(c, zs[1]);
    }
}

AVX2_INLINE void grp_normal_f32(const f32_ctx *c, const __m256i x[4], __m256 v[4])
{
    grp_normal_f32_px(c, x, v, NULL, NULL, 0, c->scale1);
}

/* Truncated normal float32 with the tail lanes packed together.  The central
 * rational covers q >= 0.02, so bounds inside about [-2.05, 2.05] (the default
 * [-2, 2] included) never reach the tail branch (log, sqrt, second rational);
 * with wider bounds a few percent of the lanes do, and most groups of 64 lanes
 * have one.  Rather than run the tail on every such vector, the q of the tail
 * lanes are left-packed (vpermps with a mask-indexed table) into a small
 * buffer, the tail formulas run on ceil(n/8) vectors only, and the results are
 * unpacked back to their lanes.  Per lane the operations are exactly those of
 * winit_trunc_z_f32 (lane-wise formulas), so the bits are unchanged. */
/* pack: the set-bit lanes of m, in order; unpack: lane i -> rank of i in m */
static const uint8_t tn_lut_pack[256][8] __attribute__((aligned(8))) = {
    {0,0,0,0,0,0,0,0}, {0,0,0,0,0,0,0,0}, {1,0,0,0,0,0,0,0}, {0,1,0,0,0,0,0,0}, {2,0,0,0,0,0,0,0}, {0,2,0,0,0,0,0,0}, {1,2,0,0,0,0,0,0}, {0,1,2,0,0,0,0,0},
    {3,0,0,0,0,0,0,0}, {0,3,0,0,0,0,0,0}, {1,3,0,0,0,0,0,0}, {0,1,3,0,0,0,0,0}, {2,3,0,0,0,0,0,0}, {0,2,3,0,0,0,0,0}, {1,2,3,0,0,0,0,0}, {0,1,2,3,0,0,0,0},
    {4,0,0,0,0,0,0,0}, {0,4,0,0,0,0,0,0}, {1,4,0,0,0,0,0,0}, {0,1,4,0,0,0,0,0}, {2,4,0,0,0,0,0,0}, {0,2,4,0,0,0,0,0}, {1,2,4,0,0,0,0,0}, {0,1,2,4,0,0,0,0},
    {3,4,0,0,0,0,0,0}, {0,3,4,0,0,0,0,0}, {1,3,4,0,0,0,0,0}, {0,1,3,4,0,0,0,0}, {2,3,4,0,0,0,0,0}, {0,2,3,4,0,0,0,0}, {1,2,3,4,0,0,0,0}, {0,1,2,3,4,0,0,0},
    {5,0,0,0,0,0,0,0}, {0,5,0,0,0,0,0,0}, {1,5,0,0,0,0,0,0}, {0,1,5,0,0,0,0,0}, {2,5,0,0,0,0,0,0}, {0,2,5,0,0,0,0,0}, {1,2,5,0,0,0,0,0}, {0,1,2,5,0,0,0,0},
    {3,5,0,0,0,0,0,0}, {0,3,5,0,0,0,0,0}, {1,3,5,0,0,0,0,0}, {0,1,3,5,0,0,0,0}, {2,3,5,0,0,0,0,0}, {0,2,3,5,0,0,0,0}, {1,2,3,5,0,0,0,0}, {0,1,2,3,5,0,0,0},
    {4,5,0,0,0,0,0,0}, {0,4,5,0,0,0,0,0}, {1,4,5,0,0,0,0,0}, {0,1,4,5,0,0,0,0}, {2,4,5,0,0,0,0,0}, {0,2,4,5,0,0,0,0}, {1,2,4,5,0,0,0,0}, {0,1,2,4,5,0,0,0},
    {3,4,5,0,0,0,0,0}, {0,3,4,5,0,0,0,0}, {1,3,4,5,0,0,0,0}, {0,1,3,4,5,0,0,0}, {2,3,4,5,0,0,0,0}, {0,2,3,4,5,0,0,0}, {1,2,3,4,5,0,0,0}, {0,1,2,3,4,5,0,0},
    {6,0,0,0,0,0,0,0}, {0,6,0,0,0,0,0,0}, {1,6,0,0,0,0,0,0}, {0,1,6,0,0,0,0,0}, {2,6,0,0,0,0,0,0}, {0,2,6,0,0,0,0,0}, {1,2,6,0,0,0,0,0}, {0,1,2,6,0,0,0,0},
    {3,6,0,0,0,0,0,0}, {0,3,6,0,0,0,0,0}, {1,3,6,0,0,0,0,0}, {0,1,3,6,0,0,0,0}, {2,3,6,0,0,0,0,0}, {0,2,3,6,0,0,0,0}, {1,2,3,6,0,0,0,0}, {0,1,2,3,6,0,0,0},
    {4,6,0,0,0,0,0,0}, {0,4,6,0,0,0,0,0}, {1,4,6,0,0,0,0,0}, {0,1,4,6,0,0,0,0}, {2,4,6,0,0,0,0,0}, {0,2,4,6,0,0,0,0}, {1,2,4,6,0,0,0,0}, {0,1,2,4,6,0,0,0},
    {3,4,6,0,0,0,0,0}, {0,3,4,6,0,0,0,0}, {1,3,4,6,0,0,0,0}, {0,1,3,4,6,0,0,0}, {2,3,4,6,0,0,0,0}, {0,2,3,4,6,0,0,0}, {1,2,3,4,6,0,0,0}, {0,1,2,3,4,6,0,0},
    {5,6,0,0,0,0,0,0}, {0,5,6,0,0,0,0,0}, {1,5,6,0,0,0,0,0}, {0,1,5,6,0,0,0,0}, {2,5,6,0,0,0,0,0}, {0,2,5,6,0,0,0,0}, {1,2,5,6,0,0,0,0}, {0,1,2,5,6,0,0,0},
    {3,5,6,0,0,0,0,0}, {0,3,5,6,0,0,0,0}, {1,3,5,6,0,0,0,0}, {0,1,3,5,6,0,0,0}, {2,3,5,6,0,0,0,0}, {0,2,3,5,6,0,0,0}, {1,2,3,5,6,0,0,0}, {0,1,2,3,5,6,0,0},
    {4,5,6,0,0,0,0,0}, {0,4,5,6,0,0,0,0}, {1,4,5,6,0,0,0,0}, {0,1,4,5,6,0,0,0}, {2,4,5,6,0,0,0,0}, {0,2,4,5,6,0,0,0}, {1,2,4,5,6,0,0,0}, {0,1,2,4,5,6,0,0},
    {3,4,5,6,0,0,0,0}, {0,3,4,5,6,0,0,0}, {1,3,4,5,6,0,0,0}, {0,1,3,4,5,6,0,0}, {2,3,4,5,6,0,0,0}, {0,2,3,4,5,6,0,0}, {1,2,3,4,5,6,0,0}, {0,1,2,3,4,5,6,0},
    {7,0,0,0,0,0,0,0}, {0,7,0,0,0,0,0,0}, {1,7,0,0,0,0,0,0}, {0,1,7,0,0,0,0,0}, {2,7,0,0,0,0,0,0}, {0,2,7,0,0,0,0,0}, {1,2,7,0,0,0,0,0}, {0,1,2,7,0,0,0,0},
    {3,7,0,0,0,0,0,0}, {0,3,7,0,0,0,0,0}, {1,3,7,0,0,0,0,0}, {0,1,3,7,0,0,0,0}, {2,3,7,0,0,0,0,0}, {0,2,3,7,0,0,0,0}, {1,2,3,7,0,0,0,0}, {0,1,2,3,7,0,0,0},
    {4,7,0,0,0,0,0,0}, {0,4,7,0,0,0,0,0}, {1,4,7,0,0,0,0,0}, {0,1,4,7,0,0,0,0}, {2,4,7,0,0,0,0,0}, {0,2,4,7,0,0,0,0}, {1,2,4,7,0,0,0,0}, {0,1,2,4,7,0,0,0},
    {3,4,7,0,0,0,0,0}, {0,3,4,7,0,0,0,0}, {1,3,4,7,0,0,0,0}, {0,1,3,4,7,0,0,0}, {2,3,4,7,0,0,0,0}, {0,2,3,4,7,0,0,0}, {1,2,3,4,7,0,0,0}, {0,1,2,3,4,7,0,0},
    {5,7,0,0,0,0,0,0}, {0,5,7,0,0,0,0,0}, {1,5,7,0,0,0,0,0}, {0,1,5,7,0,0,0,0}, {2,5,7,0,0,0,0,0}, {0,2,5,7,0,0,0,0}, {1,2,5,7,0,0,0,0}, {0,1,2,5,7,0,0,0},
    {3,5,7,0,0,0,0,0}, {0,3,5,7,0,0,0,0}, {1,3,5,7,0,0,0,0}, {0,1,3,5,7,0,0,0}, {2,3,5,7,0,0,0,0}, {0,2,3,5,7,0,0,0}, {1,2,3,5,7,0,0,0}, {0,1,2,3,5,7,0,0},
    {4,5,7,0,0,0,0,0}, {0,4,5,7,0,0,0,0}, {1,4,5,7,0,0,0,0}, {0,1,4,5,7,0,0,0}, {2,4,5,7,0,0,0,0}, {0,2,4,5,7,0,0,0}, {1,2,4,5,7,0,0,0}, {0,1,2,4,5,7,0,0},
    {3,4,5,7,0,0,0,0}, {0,3,4,5,7,0,0,0}, {1,3,4,5,7,0,0,0}, {0,1,3,4,5,7,0,0}, {2,3,4,5,7,0,0,0}, {0,2,3,4,5,7,0,0}, {1,2,3,4,5,7,0,0}, {0,1,2,3,4,5,7,0},
    {6,7,0,0,0,0,0,0}, {0,6,7,0,0,0,0,0}, {1,6,7,0,0,0,0,0}, {0,1,6,7,0,0,0,0}, {2,6,7,0,0,0,0,0}, {0,2,6,7,0,0,0,0}, {1,2,6,7,0,0,0,0}, {0,1,2,6,7,0,0,0},
    {3,6,7,0,0,0,0,0}, {0,3,6,7,0,0,0,0}, {1,3,6,7,0,0,0,0}, {0,1,3,6,7,0,0,0}, {2,3,6,7,0,0,0,0}, {0,2,3,6,7,0,0,0}, {1,2,3,6,7,0,0,0}, {0,1,2,3,6,7,0,0},
    {4,6,7,0,0,0,0,0}, {0,4,6,7,0,0,0,0}, {1,4,6,7,0,0,0,0}, {0,1,4,6,7,0,0,0}, {2,4,6,7,0,0,0,0}, {0,2,4,6,7,0,0,0}, {1,2,4,6,7,0,0,0}, {0,1,2,4,6,7,0,0},
    {3,4,6,7,0,0,0,0}, {0,3,4,6,7,0,0,0}, {1,3,4,6,7,0,0,0}, {0,1,3,4,6,7,0,0}, {2,3,4,6,7,0,0,0}, {0,2,3,4,6,7,0,0}, {1,2,3,4,6,7,0,0}, {0,1,2,3,4,6,7,0},
    {5,6,7,0,0,0,0,0}, {0,5,6,7,0,0,0,0}, {1,5,6,7,0,0,0,0}, {0,1,5,6,7,0,0,0}, {2,5,6,7,0,0,0,0}, {0,2,5,6,7,0,0,0}, {1,2,5,6,7,0,0,0}, {0,1,2,5,6,7,0,0},
    {3,5,6,7,0,0,0,0}, {0,3,5,6,7,0,0,0}, {1,3,5,6,7,0,0,0}, {0,1,3,5,6,7,0,0}, {2,3,5,6,7,0,0,0}, {0,2,3,5,6,7,0,0}, {1,2,3,5,6,7,0,0}, {0,1,2,3,5,6,7,0},
    {4,5,6,7,0,0,0,0}, {0,4,5,6,7,0,0,0}, {1,4,5,6,7,0,0,0}, {0,1,4,5,6,7,0,0}, {2,4,5,6,7,0,0,0}, {0,2,4,5,6,7,0,0}, {1,2,4,5,6,7,0,0}, {0,1,2,4,5,6,7,0},
    {3,4,5,6,7,0,0,0}, {0,3,4,5,6,7,0,0}, {1,3,4,5,6,7,0,0}, {0,1,3,4,5,6,7,0}, {2,3,4,5,6,7,0,0}, {0,2,3,4,5,6,7,0}, {1,2,3,4,5,6,7,0}, {0,1,2,3,4,5,6,7},
};
static const uint8_t tn_lut_unpack[256][8] __attribute__((aligned(8))) = {
    {0,0,0,0,0,0,0,0}, {0,0,0,0,0,0,0,0}, {0,0,0,0,0,0,0,0}, {0,1,0,0,0,0,0,0}, {0,0,0,0,0,0,0,0}, {0,0,1,0,0,0,0,0}, {0,0,1,0,0,0,0,0}, {0,1,2,0,0,0,0,0},
    {0,0,0,0,0,0,0,0}, {0,0,0,1,0,0,0,0}, {0,0,0,1,0,0,0,0}, {0,1,0,2,0,0,0,0}, {0,0,0,1,0,0,0,0}, {0,0,1,2,0,0,0,0}, {0,0,1,2,0,0,0,0}, {0,1,2,3,0,0,0,0},
    {0,0,0,0,0,0,0,0}, {0,0,0,0,1,0,0,0}, {0,0,0,0,1,0,0,0}, {0,1,0,0,2,0,0,0}, {0,0,0,0,1,0,0,0}, {0,0,1,0,2,0,0,0}, {0,0,1,0,2,0,0,0}, {0,1,2,0,3,0,0,0},
    {0,0,0,0,1,0,0,0}, {0,0,0,1,2,0,0,0}, {0,0,0,1,2,0,0,0}, {0,1,0,2,3,0,0,0}, {0,0,0,1,2,0,0,0}, {0,0,1,2,3,0,0,0}, {0,0,1,2,3,0,0,0}, {0,1,2,3,4,0,0,0},
    {0,0,0,0,0,0,0,0}, {0,0,0,0,0,1,0,0}, {0,0,0,0,0,1,0,0}, {0,1,0,0,0,2,0,0}, {0,0,0,0,0,1,0,0}, {0,0,1,0,0,2,0,0}, {0,0,1,0,0,2,0,0}, {0,1,2,0,0,3,0,0},
    {0,0,0,0,0,1,0,0}, {0,0,0,1,0,2,0,0}, {0,0,0,1,0,2,0,0}, {0,1,0,2,0,3,0,0}, {0,0,0,1,0,2,0,0}, {0,0,1,2,0,3,0,0}, {0,0,1,2,0,3,0,0}, {0,1,2,3,0,4,0,0},
    {0,0,0,0,0,1,0,0}, {0,0,0,0,1,2,0,0}, {0,0,0,0,1,2,0,0}, {0,1,0,0,2,3,0,0}, {0,0,0,0,1,2,0,0}, {0,0,1,0,2,3,0,0}, {0,0,1,0,2,3,0,0}, {0,1,2,0,3,4,0,0},
    {0,0,0,0,1,2,0,0}, {0,0,0,1,2,3,0,0}, {0,0,0,1,2,3,0,0}, {0,1,0,2,3,4,0,0}, {0,0,0,1,2,3,0,0}, {0,0,1,2,3,4,0,0}, {0,0,1,2,3,4,0,0}, {0,1,2,3,4,5,0,0},
    {0,0,0,0,0,0,0,0}, {0,0,0,0,0,0,1,0}, {0,0,0,0,0,0,1,0}, {0,1,0,0,0,0,2,0}, {0,0,0,0,0,0,1,0}, {0,0,1,0,0,0,2,0}, {0,0,1,0,0,0,2,0}, {0,1,2,0,0,0,3,0},
    {0,0,0,0,0,0,1,0}, {0,0,0,1,0,0,2,0}, {0,0,0,1,0,0,2,0}, {0,1,0,2,0,0,3,0}, {0,0,0,1,0,0,2,0}, {0,0,1,2,0,0,3,0}, {0,0,1,2,0,0,3,0}, {0,1,2,3,0,0,4,0},
    {0,0,0,0,0,0,1,0}, {0,0,0,0,1,0,2,0}, {0,0,0,0,1,0,2,0}, {0,1,0,0,2,0,3,0}, {0,0,0,0,1,0,2,0}, {0,0,1,0,2,0,3,0}, {0,0,1,0,2,0,3,0}, {0,1,2,0,3,0,4,0},
    {0,0,0,0,1,0,2,0}, {0,0,0,1,2,0,3,0}, {0,0,0,1,2,0,3,0}, {0,1,0,2,3,0,4,0}, {0,0,0,1,2,0,3,0}, {0,0,1,2,3,0,4,0}, {0,0,1,2,3,0,4,0}, {0,1,2,3,4,0,5,0},
    {0,0,0,0,0,0,1,0}, {0,0,0,0,0,1,2,0}, {0,0,0,0,0,1,2,0}, {0,1,0,0,0,2,3,0}, {0,0,0,0,0,1,2,0}, {0,0,1,0,0,2,3,0}, {0,0,1,0,0,2,3,0}, {0,1,2,0,0,3,4,0},
    {0,0,0,0,0,1,2,0}, {0,0,0,1,0,2,3,0}, {0,0,0,1,0,2,3,0}, {0,1,0,2,0,3,4,0}, {0,0,0,1,0,2,3,0}, {0,0,1,2,0,3,4,0}, {0,0,1,2,0,3,4,0}, {0,1,2,3,0,4,5,0},
    {0,0,0,0,0,1,2,0}, {0,0,0,0,1,2,3,0}, {0,0,0,0,1,2,3,0}, {0,1,0,0,2,3,4,0}, {0,0,0,0,1,2,3,0}, {0,0,1,0,2,3,4,0}, {0,0,1,0,2,3,4,0}, {0,1,2,0,3,4,5,0},
    {0,0,0,0,1,2,3,0}, {0,0,0,1,2,3,4,0}, {0,0,0,1,2,3,4,0}, {0,1,0,2,3,4,5,0}, {0,0,0,1,2,3,4,0}, {0,0,1,2,3,4,5,0}, {0,0,1,2,3,4,5,0}, {0,1,2,3,4,5,6,0},
    {0,0,0,0,0,0,0,0}, {0,0,0,0,0,0,0,1}, {0,0,0,0,0,0,0,1}, {0,1,0,0,0,0,0,2}, {0,0,0,0,0,0,0,1}, {0,0,1,0,0,0,0,2}, {0,0,1,0,0,0,0,2}, {0,1,2,0,0,0,0,3},
    {0,0,0,0,0,0,0,1}, {0,0,0,1,0,0,0,2}, {0,0,0,1,0,0,0,2}, {0,1,0,2,0,0,0,3}, {0,0,0,1,0,0,0,2}, {0,0,1,2,0,0,0,3}, {0,0,1,2,0,0,0,3}, {0,1,2,3,0,0,0,4},
    {0,0,0,0,0,0,0,1}, {0,0,0,0,1,0,0,2}, {0,0,0,0,1,0,0,2}, {0,1,0,0,2,0,0,3}, {0,0,0,0,1,0,0,2}, {0,0,1,0,2,0,0,3}, {0,0,1,0,2,0,0,3}, {0,1,2,0,3,0,0,4},
    {0,0,0,0,1,0,0,2}, {0,0,0,1,2,0,0,3}, {0,0,0,1,2,0,0,3}, {0,1,0,2,3,0,0,4}, {0,0,0,1,2,0,0,3}, {0,0,1,2,3,0,0,4}, {0,0,1,2,3,0,0,4}, {0,1,2,3,4,0,0,5},
    {0,0,0,0,0,0,0,1}, {0,0,0,0,0,1,0,2}, {0,0,0,0,0,1,0,2}, {0,1,0,0,0,2,0,3}, {0,0,0,0,0,1,0,2}, {0,0,1,0,0,2,0,3}, {0,0,1,0,0,2,0,3}, {0,1,2,0,0,3,0,4},
    {0,0,0,0,0,1,0,2}, {0,0,0,1,0,2,0,3}, {0,0,0,1,0,2,0,3}, {0,1,0,2,0,3,0,4}, {0,0,0,1,0,2,0,3}, {0,0,1,2,0,3,0,4}, {0,0,1,2,0,3,0,4}, {0,1,2,3,0,4,0,5},
    {0,0,0,0,0,1,0,2}, {0,0,0,0,1,2,0,3}, {0,0,0,0,1,2,0,3}, {0,1,0,0,2,3,0,4}, {0,0,0,0,1,2,0,3}, {0,0,1,0,2,3,0,4}, {0,0,1,0,2,3,0,4}, {0,1,2,0,3,4,0,5},
    {0,0,0,0,1,2,0,3}, {0,0,0,1,2,3,0,4}, {0,0,0,1,2,3,0,4}, {0,1,0,2,3,4,0,5}, {0,0,0,1,2,3,0,4}, {0,0,1,2,3,4,0,5}, {0,0,1,2,3,4,0,5}, {0,1,2,3,4,5,0,6},
    {0,0,0,0,0,0,0,1}, {0,0,0,0,0,0,1,2}, {0,0,0,0,0,0,1,2}, {0,1,0,0,0,0,2,3}, {0,0,0,0,0,0,1,2}, {0,0,1,0,0,0,2,3}, {0,0,1,0,0,0,2,3}, {0,1,2,0,0,0,3,4},
    {0,0,0,0,0,0,1,2}, {0,0,0,1,0,0,2,3}, {0,0,0,1,0,0,2,3}, {0,1,0,2,0,0,3,4}, {0,0,0,1,0,0,2,3}, {0,0,1,2,0,0,3,4}, {0,0,1,2,0,0,3,4}, {0,1,2,3,0,0,4,5},
    {0,0,0,0,0,0,1,2}, {0,0,0,0,1,0,2,3}, {0,0,0,0,1,0,2,3}, {0,1,0,0,2,0,3,4}, {0,0,0,0,1,0,2,3}, {0,0,1,0,2,0,3,4}, {0,0,1,0,2,0,3,4}, {0,1,2,0,3,0,4,5},
    {0,0,0,0,1,0,2,3}, {0,0,0,1,2,0,3,4}, {0,0,0,1,2,0,3,4}, {0,1,0,2,3,0,4,5}, {0,0,0,1,2,0,3,4}, {0,0,1,2,3,0,4,5}, {0,0,1,2,3,0,4,5}, {0,1,2,3,4,0,5,6},
    {0,0,0,0,0,0,1,2}, {0,0,0,0,0,1,2,3}, {0,0,0,0,0,1,2,3}, {0,1,0,0,0,2,3,4}, {0,0,0,0,0,1,2,3}, {0,0,1,0,0,2,3,4}, {0,0,1,0,0,2,3,4}, {0,1,2,0,0,3,4,5},
    {0,0,0,0,0,1,2,3}, {0,0,0,1,0,2,3,4}, {0,0,0,1,0,2,3,4}, {0,1,0,2,0,3,4,5}, {0,0,0,1,0,2,3,4}, {0,0,1,2,0,3,4,5}, {0,0,1,2,0,3,4,5}, {0,1,2,3,0,4,5,6},
    {0,0,0,0,0,1,2,3}, {0,0,0,0,1,2,3,4}, {0,0,0,0,1,2,3,4}, {0,1,0,0,2,3,4,5}, {0,0,0,0,1,2,3,4}, {0,0,1,0,2,3,4,5}, {0,0,1,0,2,3,4,5}, {0,1,2,0,3,4,5,6},
    {0,0,0,0,1,2,3,4}, {0,0,0,1,2,3,4,5}, {0,0,0,1,2,3,4,5}, {0,1,0,2,3,4,5,6}, {0,0,0,1,2,3,4,5}, {0,0,1,2,3,4,5,6}, {0,0,1,2,3,4,5,6}, {0,1,2,3,4,5,6,7},
};

AVX2_INLINE __m256i tn_idx(const uint8_t t[8]) { return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)t)); }

#define BMN(stmt) do { for (int h = 0; h < NV; h++) { stmt; } } while (0)
AVX2_INLINE void grp_truncnorm_f32_n(const f32_ctx *c, const __m256i *x, __m256 *v, const int NV)
{
    const __m256 sgn = PS(-0.0f);
    __m256 k[8], plo[8], phi[8], upper[8], q[8], central[8], t[8], r[8], num[8], den[8];
    BMN(k[h] = _mm256_cvtepi32_ps(_mm256_srli_epi32(x[h], 8)));
    BMN(plo[h] = _mm256_fmadd_ps(c->bk, k[h], c->alo));
    BMN(phi[h] = _mm256_fmadd_ps(c->bk, _mm256_sub_ps(PS(16777215.0f), k[h]), c->ahi));
    BMN(upper[h] = _mm256_cmp_ps(phi[h], plo[h], _CMP_LT_OQ));
    BMN(q[h] = _mm256_blendv_ps(plo[h], phi[h], upper[h]));
    BMN(central[h] = _mm256_cmp_ps(q[h], PS(WINIT_TN_QMIN), _CMP_GE_OQ));
    BMN(t[h] = _mm256_sub_ps(q[h], PS(0.5f)));
    BMN(r[h] = _mm256_fnmadd_ps(t[h], t[h], PS(WINIT_TN_S)));
    BMN(num[h] = _mm256_fmadd_ps(PS(WINIT_TN_P4), r[h], PS(WINIT_TN_P3)));
    BMN(den[h] = _mm256_fmadd_ps(PS(WINIT_TN_Q4), r[h], PS(WINIT_TN_Q3)));
    BMN(num[h] = _mm256_fmadd_ps(num[h], r[h], PS(WINIT_TN_P2)));
    BMN(den[h] = _mm256_fmadd_ps(den[h], r[h], PS(WINIT_TN_Q2)));
    BMN(num[h] = _mm256_fmadd_ps(num[h], r[h], PS(WINIT_TN_P1)));
    BMN(den[h] = _mm256_fmadd_ps(den[h], r[h], PS(WINIT_TN_Q1)));
    BMN(num[h] = _mm256_fmadd_ps(num[h], r[h], PS(WINIT_TN_P0)));
    BMN(den[h] = _mm256_fmadd_ps(den[h], r[h], PS(1.0f)));
    BMN(num[h] = _mm256_mul_ps(_mm256_xor_ps(t[h], sgn), num[h]));
    unsigned m[8], any = 0;
    BMN(m[h] = (unsigned)_mm256_movemask_ps(central[h]) ^ 0xFFu);
    BMN(any |= m[h]);
    if (any) {
        float qb[80] __attribute__((aligned(32)));
        float tnb[80] __attribute__((aligned(32))), tdb[80] __attribute__((aligned(32)));
        unsigned off[8], n = 0;
        for (int h = 0; h < NV; h++) {
            off[h] = n;
            _mm256_storeu_ps(qb + n, _mm256_permutevar8x32_ps(q[h], tn_idx(tn_lut_pack[m[h]])));
            n += (unsigned)__builtin_popcount(m[h]);
        }
        _mm256_storeu_ps(qb + n, PS(0.5f)); /* defined values in the unused lanes */
        for (unsigned i = 0; i < n; i += 8) {
            __m256 qq = _mm256_load_ps(qb + i);
            __m256 rt = _mm256_sqrt_ps(_mm256_mul_ps(PS(0.5f), v_m2logf(qq, c->soff)));
            __m256 near = _mm256_cmp_ps(rt, PS(5.0f), _CMP_LE_OQ);
            __m256 xx = _mm256_sub_ps(rt, PS(1.6f));
            __m256 tn = _mm256_fmadd_ps(PS(WINIT_P7_C3), xx, PS(WINIT_P7_C2));
            __m256 td = _mm256_fmadd_ps(PS(WINIT_P7_D2), xx, PS(WINIT_P7_D1));
            tn = _mm256_fmadd_ps(tn, xx, PS(WINIT_P7_C1));
            td = _mm256_fmadd_ps(td, xx, PS(1.0f));
            tn = _mm256_fmadd_ps(tn, xx, PS(WINIT_P7_C0));
            if (_mm256_movemask_ps(near) != 0xFF) {
                __m256 xf = _mm256_sub_ps(rt, PS(5.0f));
                __m256 fn = _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_fmadd_ps(PS(WINIT_P7_E3), xf, PS(WINIT_P7_E2)), xf, PS(WINIT_P7_E1)), xf, PS(WINIT_P7_E0));
                __m256 fd = _mm256_fmadd_ps(_mm256_fmadd_ps(PS(WINIT_P7_F2), xf, PS(WINIT_P7_F1)), xf, PS(1.0f));
                tn = _mm256_blendv_ps(fn, tn, near);
                td = _mm256_blendv_ps(fd, td, near);
            }
            _mm256_store_ps(tnb + i, tn);
            _mm256_store_ps(tdb + i, td);
        }
        for (int h = 0; h < NV; h++) {
            if (!m[h]) continue;
            __m256i ui = tn_idx(tn_lut_unpack[m[h]]);
            __m256 tn = _mm256_permutevar8x32_ps(_mm256_loadu_ps(tnb + off[h]), ui);
            __m256 td = _mm256_permutevar8x32_ps(_mm256_loadu_ps(tdb + off[h]), ui);
            num[h] = _mm256_blendv_ps(tn, num[h], central[h]);
            den[h] = _mm256_blendv_ps(td, den[h], central[h]);
        }
    }
    BMN({
        __m256 g = _mm256_div_ps(num[h], den[h]);
        __m256 z = _mm256_blendv_ps(_mm256_xor_ps(g, sgn), g, upper[h]);
        z = _mm256_max_ps(z, c->a);
        z = _mm256_min_ps(z, c->b);
        v[h] = v_affine(c, z);
    });
}

AVX2_INLINE void grp_truncnorm_f32(const f32_ctx *c, const __m256i x[4], __m256 v[4])
{
    grp_truncnorm_f32_n(c, x, v, 4);
}

/* two groups at once: the tail lanes of 64 values share the tail vectors */
AVX2_INLINE void grp2_truncnorm_f32(const f32_ctx *c, const __m256i x[4], const __m256i y[4], __m256 v[4], __m256 w[4])
{
    __m256i xy[8];
    __m256 o[8];
    for (int k = 0; k < 4; k++) { xy[k] = x[k]; xy[4 + k] = y[k]; }
    grp_truncnorm_f32_n(c, xy, o, 8);
    for (int k = 0; k < 4; k++) { v[k] = o[k]; w[k] = o[4 + k]; }
}

#define G16_SEQ(GRP, c, x, y, STORE, d0, d1)                                                \
    do {                                                                                      \
        __m256 v_[4];                                                                         \
        GRP(c, x, v_); STORE(d0, v_[0], v_[1], v_[2], v_[3]);                                 \
        GRP(c, y, v_); STORE(d1, v_[0], v_[1], v_[2], v_[3]);                                 \
    } while (0)
#define G16_SEQ_uniform(c, x, y, STORE, d0, d1) G16_SEQ(grp_uniform_f32, c, x, y, STORE, d0, d1)
#define G16_SEQ_truncnorm(c, x, y, STORE, d0, d1)                                             \
    do {                                                                                      \
        __m256 v_[4], w_[4];                                                                  \
        grp2_truncnorm_f32(c, x, y, v_, w_);                                                  \
        STORE(d0, v_[0], v_[1], v_[2], v_[3]);                                                \
        STORE(d1, w_[0], w_[1], w_[2], w_[3]);                                                \
    } while (0)

/* The last groups of a float32 kernel: whole 8-block groups, then a partial
   group computed whole into a stack buffer and its prefix copied out. */
#define F32_TAIL_LOOP(GRP, STORE, BPB)                                                     \
    for (; j < nb; j += 8) {                                                               \
        px8(&px, b0 + j, x);                                                               \
        GRP(&c, x, v);                                                                     \
        if (j + 8 <= nb) {                                                                 \
            STORE(o + j * (BPB), v[0], v[1], v[2], v[3]);                                  \
        } else {                                                                           \
            unsigned char buf[8 * (BPB)] __attribute__((aligned(32)));                     \
            STORE(buf, v[0], v[1], v[2], v[3]);                                            \
            memcpy(o + j * (BPB), buf, (nb - j) * (BPB));                                  \
        }                                                                                  \
    }

/* Kernel for float32 working precision and a given store (bytes per block BPB):
   the main loop MAIN (F32_LOOP16 or NORMAL_F32_LOOP, below), then the tail loop. */
#define DEFINE_F32_KERNEL_WITH(NAME, MAIN, GRP, GRP16, STORE, BPB)                         \
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
        MAIN(GRP16, STORE, BPB);                                                           \
        F32_TAIL_LOOP(GRP, STORE, BPB)                                                     \
    }

/* 16 blocks per step: two Philox groups in flight, then GRP16 on both */
#define F32_LOOP16(GRP16, STORE, BPB)                                                      \
    for (; j + 16 <= nb; j += 16) {                                                        \
        px16(&px, b0 + j, x, y);                                                           \
        GRP16(&c, x, y, STORE, o + j * (BPB), o + (j + 8) * (BPB));                       \
    }
#define DEFINE_F32_KERNEL(NAME, GRP, GRP16, STORE, BPB) \
    DEFINE_F32_KERNEL_WITH(NAME, F32_LOOP16, GRP, GRP16, STORE, BPB)

/* Normal float32: each step transforms group j while the Philox rounds of group
   j + 8 run interleaved (grp_normal_f32_px), in the head form when no group of
   the call has a carry into counter word 1 (HEAD, a constant; S1: std == 1). */
#define NORMAL_F32_PIPELINE(HEAD, S1, STORE, BPB)                                          \
    do {                                                                                   \
        px8(&px, b0, x);                                                                   \
        for (; j + 16 <= nb; j += 8) {                                                     \
            if (HEAD) {                                                                    \
                y[0] = px8_counter0(b0 + j + 8);                                           \
            } else {                                                                       \
                px8_counter(b0 + j + 8, &y[0], &y[1]);                                     \
                y[2] = px.c2;                                                              \
                y[3] = px.c3;                                                              \
            }                                                                              \
            grp_normal_f32_px(&c, x, v, &px, y, HEAD, S1);                                 \
            STORE(o + j * (BPB), v[0], v[1], v[2], v[3]);                                  \
            for (int k = 0; k < 4; k++) x[k] = y[k];                                       \
        }                                                                                  \
        grp_normal_f32(&c, x, v); /* group j, whole (j + 8 <= nb) */                       \
        STORE(o + j * (BPB), v[0], v[1], v[2], v[3]);                                      \
        j += 8;                                                                            \
    } while (0)
#define NORMAL_F32_LOOP(GRP16_UNUSED, STORE, BPB)                                          \
    if (nb >= 16) {                                                                        \
        if (!__builtin_expect(px_head_ready(&px, b0 + 8, nb - 8), 1))                      \
            NORMAL_F32_PIPELINE(0, c.scale1, STORE, BPB);                                  \
        else if (c.scale1)                                                                 \
            NORMAL_F32_PIPELINE(1, 1, STORE, BPB);                                         \
        else                                                                               \
            NORMAL_F32_PIPELINE(1, 0, STORE, BPB);                                         \
    }
#define DEFINE_NORMAL_F32_KERNEL(NAME, STORE, BPB) \
    DEFINE_F32_KERNEL_WITH(NAME, NORMAL_F32_LOOP, grp_normal_f32, -, STORE, BPB)

DEFINE_F32_KERNEL(uniform_f32, grp_uniform_f32, G16_SEQ_uniform, store_f32x32, 16)
DEFINE_F32_KERNEL(uniform_f16, grp_uniform_f32, G16_SEQ_uniform, store_f16x32, 8)
DEFINE_F32_KERNEL(uniform_bf16, grp_uniform_f32, G16_SEQ_uniform, store_bf16x32, 8)
DEFINE_NORMAL_F32_KERNEL(normal_f32, store_f32x32, 16)
DEFINE_NORMAL_F32_KERNEL(normal_f16, store_f16x32, 8)
DEFINE_NORMAL_F32_KERNEL(normal_bf16, store_bf16x32, 8)
DEFINE_F32_KERNEL(truncnorm_f32, grp_truncnorm_f32, G16_SEQ_truncnorm, store_f32x32, 16)
DEFINE_F32_KERNEL(truncnorm_f16, grp_truncnorm_f32, G16_SEQ_truncnorm, store_f16x32, 8)
DEFINE_F32_KERNEL(truncnorm_bf16, grp_truncnorm_f32, G16_SEQ_truncnorm, store_bf16x32, 8)

/* ---- raw words ------------------------------------------------------------ */

AVX2_INLINE void grp_raw(const __m256i x[4], char *d)
{
    __m256i u[4];
    tr4x4l(x[0], x[1], x[2], x[3], u);
    store_halves16(d, u);
}

/* Kernel storing 16 bytes per block through GRP(ctx, words, dst). */
#define DEFINE_16B_KERNEL(NAME, CTX, CTXINIT, GRP) DEFINE_16B_KERNEL2(NAME, CTX, CTXINIT, GRP, G16B_SEQ)
#define G16B_SEQ(GRP, c, x, y, d) do { GRP(c, x, d); GRP(c, y, (d) + 128); } while (0)
#define G16B_NF64_S1Z(GRP, c, x, y, d) grp2_normal_f64(c, x, y, d, F64_AFFINE_STD1_LOC0)
#define G16B_NF64_S1(GRP, c, x, y, d) grp2_normal_f64(c, x, y, d, F64_AFFINE_STD1)
#define G16B_NF64_SX(GRP, c, x, y, d) grp2_normal_f64(c, x, y, d, F64_AFFINE_ANY)
/* Kernel storing 16 bytes per block; G16(GRP, ctx, x, y, dst) does 16 blocks. */
#define DEFINE_16B_KERNEL2(NAME, CTX, CTXINIT, GRP, G16)                                   \
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
            G16(GRP, &c, x, y, o + 16 * j);                                                \
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
    int affine, uniform_loc0; /* affine: F64_AFFINE_*, below; uniform_loc0 as in f32_ctx */
    int uniform_unit;         /* uniform_loc0 and scale 1: the value is u itself */
} f64_ctx;

/* How the float64 normal kernel applies loc + scale z (a constant of each loop):
   F64_AFFINE_STD1 is loc + z (scale == 1); F64_AFFINE_STD1_LOC0 (scale == 1 and
   loc == +-0) computes r c + loc as one FMA, the same bits as loc + (r c): the
   product r c is an exact zero or at least 1e-23 (r is 0 or >= 1.4e-8, |c| is 0
   or >= 2^-51), so it rounds to the same double with or without the +-0 added,
   and an exact zero gets the sign that loc + (r c) gives. */
enum { F64_AFFINE_ANY, F64_AFFINE_STD1, F64_AFFINE_STD1_LOC0 };
AVX2_INLINE int f64_affine_kind(const winit_plan *p)
{
    if (p->scale64 != 1.0) return F64_AFFINE_ANY;
    return p->loc64 == 0.0 ? F64_AFFINE_STD1_LOC0 : F64_AFFINE_STD1;
}

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
    c->affine = f64_affine_kind(p);
    c->uniform_loc0 = p->loc64 == 0.0 && p->scale64 > 0.0;
    c->uniform_unit = c->uniform_loc0 && p->scale64 == 1.0;
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

/* (ix >> 52) - 1023 as a double: 2^52 + (ix >> 52) minus 2^52 + 1023; magic holds
   the bits of 2^52 (a parameter so that the Box-Muller loop can pass its OPAQUE copy) */
AVX2_INLINE __m256d v_exponent_pd(__m256i ix, __m256i magic)
{
    return _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(ix, 52), magic)),
                         PD(4503599627371519.0 /* 2^52 + 1023 */));
}

/* -2 ln(1 + f) = s Q(s^2), s = f / (2 + f) (winit__m2log) */
AVX2_INLINE __m256d v_m2log1p_pd(__m256d f)
{
    __m256d s = _mm256_div_pd(f, _mm256_add_pd(PD(2.0), f));
    __m256d z = _mm256_mul_pd(s, s);
    __m256d q = _mm256_fmadd_pd(PD(WINIT_M2LOG_Q5), z, PD(WINIT_M2LOG_Q4));
    q = _mm256_fmadd_pd(q, z, PD(WINIT_M2LOG_Q3));
    q = _mm256_fmadd_pd(q, z, PD(WINIT_M2LOG_Q2));
    q = _mm256_fmadd_pd(q, z, PD(WINIT_M2LOG_Q1));
    q = _mm256_fmadd_pd(q, z, PD(WINIT_M2LOG_Q0));
    return _mm256_mul_pd(s, q);
}

/* winit__m2log(x, eoff) */
AVX2_INLINE __m256d v_m2log(__m256d x, __m256d eoff)
{
    __m256i ix = _mm256_add_epi64(_mm256_castpd_si256(x), EPI64(0x3ff0000000000000ull - WINIT_SQRTH_BITS));
    __m256d dk = _mm256_sub_pd(v_exponent_pd(ix, EPI64(0x4330000000000000ull)), eoff);
    __m256d m = _mm256_castsi256_pd(_mm256_add_epi64(_mm256_and_si256(ix, EPI64(0x000fffffffffffffull)), EPI64(WINIT_SQRTH_BITS)));
    return _mm256_fmadd_pd(dk, PD(WINIT_M2LN2), v_m2log1p_pd(_mm256_sub_pd(m, PD(1.0))));
}

/* zc, zs of the blocks in lanes (b, b+1, b+4, b+5) of a group -> their 16-byte
   pairs (zc zs) at d + 16 b, d + 16 (b+1), d + 16 (b+4), d + 16 (b+5) */
AVX2_INLINE void store_pairs_pd(char *d, __m256d zc, __m256d zs)
{
    __m256d lo = _mm256_unpacklo_pd(zc, zs), hi = _mm256_unpackhi_pd(zc, zs);
    _mm_storeu_pd((double *)d, _mm256_castpd256_pd128(lo));
    _mm_storeu_pd((double *)(d + 16), _mm256_castpd256_pd128(hi));
    _mm_storeu_pd((double *)(d + 64), _mm256_extractf128_pd(lo, 1));
    _mm_storeu_pd((double *)(d + 80), _mm256_extractf128_pd(hi, 1));
}

/* The integer constants of the float64 Box-Muller, read through an OPAQUE
   pointer (f64_bm_consts()): 3% faster (64M float64 normal) than constants. */
typedef struct {
    __m256i quarter;   /* 2^29 in each 32-bit lane: x3 + 2^29 rounds the quadrant */
    __m256i magic;     /* 2^52 */
    __m256i magic1;    /* 2^52 + 1 */
    __m256i m2log_in;  /* winit__m2log's first constant, u1's 2^-53 folded in */
    __m256i mant;      /* mantissa field */
    __m256i sqrth;     /* float64 sqrt(1/2) */
    __m256i low51;     /* 2^51 - 1 */
    __m256i sign;      /* bit 63 */
} f64_bm_k;
#define K64(x) {(long long)(x), (long long)(x), (long long)(x), (long long)(x)}
static const f64_bm_k f64_bm_k_table __attribute__((aligned(32))) = {
    K64(0x2000000020000000ull), K64(0x4330000000000000ull), K64(0x4330000000000001ull),
    K64(0x3ff0000000000000ull - WINIT_SQRTH_BITS - (53ull << 52)), K64(0x000fffffffffffffull),
    K64(WINIT_SQRTH_BITS), K64((1ull << 51) - 1), K64(0x8000000000000000ull),
};
#undef K64
AVX2_INLINE const f64_bm_k *f64_bm_consts(void)
{
    const f64_bm_k *k = &f64_bm_k_table;
    OPAQUE(k);
    return k;
}

/* v with its sign flipped where bit 63 of t is set */
AVX2_INLINE __m256d v_xor_sign_pd(const f64_bm_k *k, __m256i t, __m256d v)
{
    return _mm256_xor_pd(v, _mm256_castsi256_pd(_mm256_and_si256(t, k->sign)));
}

/* Box-Muller float64 (winit_boxmuller_f64) on four chains of 4 blocks side by
 * side.  Chain h takes group x (h < 2) or y, blocks {0,1,4,5} (h even) or
 * {2,3,6,7} (h odd): the lanes _mm256_unpacklo/hi_epi32 pair up, so the 64-bit
 * words x_a = x0 + 2^32 x1 and the angle's x2, x3 come out of one shuffle each,
 * with no 128-bit extracts.  The doubles are made with the 2^52 magic number,
 * not with int-to-double conversions (one per 2 cycles, on one pipe, on Zen 1).
 * Every value is the one winit_math.h computes, bit for bit:
 *  - u1: fma(2^52 + x1, 2^21, -2^73 - 2^52) = x1 2^21 - 2^52 exactly (an
 *    integer below 2^53 in size), plus 2^52 + lo + 1 (lo = x0 >> 11): the integer
 *    (x_a >> 11) + 1 <= 2^53, exact; the 2^-53 is folded into winit__m2log's
 *    first constant;
 *  - angle: t = x2 + 2^32 (x3 + 2^29) holds q mod 4 in bits 63-62, and bits
 *    61-11 are n = ri + 2^50 (ri of winit__sincos2pi_f64); with D = 2^52 + n
 *    (magic), fma(D, K, -(2^52 + 2^50) K) = ri K rounded once, because
 *    K = float64(pi) 2^-52 has 50 significant bits and 5 2^50 K is exact;
 *  - quadrant: with a' = -a where q bit 1 is set, sin a' = -sin a exactly (odd
 *    polynomial, symmetric rounding) and cos a' = cos a, so
 *    cos t = (q bit 0) ? -sin a' : cos a (negated if q bit 1) and
 *    sin t = (q bit 0) ? cos a (negated if q bit 1) : sin a', the signs of the
 *    table in winit__sincos2pi_f64. */
#define BMF(stmt) do { for (int h = h0; h < h1; h++) { stmt; } } while (0)
AVX2_INLINE void grp_normal_f64_part(const f64_ctx *c, const __m256i x[4], const __m256i y[4], char *d, const int h0, const int h1,
                                     const int affine)
{
    const f64_bm_k *k = f64_bm_consts();
    __m256i lo[4], hi[4], t[4];
    for (int h = h0; h < h1; h++) {
        const __m256i *g = h < 2 ? x : y, zero = _mm256_setzero_si256();
        __m256i l = _mm256_srli_epi32(g[0], 11), q = _mm256_add_epi32(g[3], k->quarter);
        lo[h] = (h & 1) ? _mm256_unpackhi_epi32(l, zero) : _mm256_unpacklo_epi32(l, zero);
        hi[h] = (h & 1) ? _mm256_unpackhi_epi32(g[1], zero) : _mm256_unpacklo_epi32(g[1], zero);
        t[h] = (h & 1) ? _mm256_unpackhi_epi32(g[2], q) : _mm256_unpacklo_epi32(g[2], q);
    }
    __m256d u1[4], dk[4], f[4], sv[4], z[4], qv[4], r[4];
    __m256i ix[4];
    BMF(u1[h] = _mm256_add_pd(_mm256_fmadd_pd(_mm256_castsi256_pd(_mm256_or_si256(hi[h], k->magic)), PD(0x1p21), PD(-0x1p73 - 0x1p52)),
                              _mm256_castsi256_pd(_mm256_add_epi64(lo[h], k->magic1))));
    /* v_m2log(u1, 0), step by step */
    BMF(ix[h] = _mm256_add_epi64(_mm256_castpd_si256(u1[h]), k->m2log_in));
    BMF(dk[h] = v_exponent_pd(ix[h], k->magic));
    BMF(f[h] = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_add_epi64(_mm256_and_si256(ix[h], k->mant), k->sqrth)), PD(1.0)));
    /* v_m2log1p_pd(f), written out step by step: with the four chains side by side
       this is 4% faster than one call per chain */
    BMF(sv[h] = _mm256_div_pd(f[h], _mm256_add_pd(PD(2.0), f[h])));
    BMF(z[h] = _mm256_mul_pd(sv[h], sv[h]));
    BMF(qv[h] = _mm256_fmadd_pd(PD(WINIT_M2LOG_Q5), z[h], PD(WINIT_M2LOG_Q4)));
    BMF(qv[h] = _mm256_fmadd_pd(qv[h], z[h], PD(WINIT_M2LOG_Q3)));
    BMF(qv[h] = _mm256_fmadd_pd(qv[h], z[h], PD(WINIT_M2LOG_Q2)));
    BMF(qv[h] = _mm256_fmadd_pd(qv[h], z[h], PD(WINIT_M2LOG_Q1)));
    BMF(qv[h] = _mm256_fmadd_pd(qv[h], z[h], PD(WINIT_M2LOG_Q0)));
    BMF(r[h] = _mm256_sqrt_pd(_mm256_fmadd_pd(dk[h], PD(WINIT_M2LN2), _mm256_mul_pd(sv[h], qv[h]))));
    /* angle a' = +-ri K, sign q bit 1 */
    __m256d a[4], za[4], v[4], rs[4], rc[4];
    BMF({
        __m256i n = _mm256_and_si256(_mm256_srli_epi64(t[h], 11), k->low51);
        __m256d dn = _mm256_castsi256_pd(_mm256_or_si256(n, k->magic));
        a[h] = v_xor_sign_pd(k, t[h], _mm256_fmadd_pd(dn, PD(WINIT_PIO2_2M51), PD(-5 * 0x1p50 * WINIT_PIO2_2M51)));
    });
    BMF(za[h] = _mm256_mul_pd(a[h], a[h]));
    BMF(v[h] = _mm256_mul_pd(za[h], a[h]));
    BMF(rs[h] = _mm256_fmadd_pd(za[h], PD(WINIT_S5), PD(WINIT_S4)));
    BMF(rc[h] = _mm256_fmadd_pd(za[h], PD(WINIT_C5), PD(WINIT_C4)));
    BMF(rs[h] = _mm256_fmadd_pd(za[h], rs[h], PD(WINIT_S3)));
    BMF(rc[h] = _mm256_fmadd_pd(za[h], rc[h], PD(WINIT_C3)));
    BMF(rs[h] = _mm256_fmadd_pd(za[h], rs[h], PD(WINIT_S2)));
    BMF(rc[h] = _mm256_fmadd_pd(za[h], rc[h], PD(WINIT_C2)));
    BMF(rc[h] = _mm256_fmadd_pd(za[h], rc[h], PD(WINIT_C1)));
    BMF({
        __m256d sa = _mm256_fmadd_pd(v[h], _mm256_fmadd_pd(za[h], rs[h], PD(WINIT_S1)), a[h]); /* sin a' */
        __m256d ca = v_xor_sign_pd(k, t[h], _mm256_fmadd_pd(za[h], rc[h], PD(1.0)));             /* +-cos a */
        __m256d swap = _mm256_castsi256_pd(_mm256_add_epi64(t[h], t[h]));                     /* bit 63 = q bit 0 */
        __m256d cc = _mm256_blendv_pd(ca, _mm256_xor_pd(sa, PD(-0.0)), swap);
        __m256d ss = _mm256_blendv_pd(sa, ca, swap);
        char *dh = d + 128 * (h >> 1) + 32 * (h & 1);
        if (affine == F64_AFFINE_STD1_LOC0)
            store_pairs_pd(dh, _mm256_fmadd_pd(r[h], cc, c->loc), _mm256_fmadd_pd(r[h], ss, c->loc));
        else if (affine == F64_AFFINE_STD1)
            store_pairs_pd(dh, _mm256_add_pd(c->loc, _mm256_mul_pd(r[h], cc)), _mm256_add_pd(c->loc, _mm256_mul_pd(r[h], ss)));
        else
            store_pairs_pd(dh, v_affine_pd(c, _mm256_mul_pd(r[h], cc)), v_affine_pd(c, _mm256_mul_pd(r[h], ss)));
    });
}

/* Box-Muller float64 for one group of 8 blocks (two chains) */
AVX2_INLINE void grp_normal_f64(const f64_ctx *c, const __m256i x[4], char *d)
{
    grp_normal_f64_part(c, x, x, d, 0, 2, c->affine);
}

/* two groups (blocks 0-7 from x, 8-15 from y, stored contiguously): four chains;
   affine (c->affine) a constant of the kernel, as scale1 in grp_normal_f32_px */
AVX2_INLINE void grp2_normal_f64(const f64_ctx *c, const __m256i x[4], const __m256i y[4], char *d, const int affine)
{
    grp_normal_f64_part(c, x, y, d, 0, 4, affine);
}

/* (x >> 11) * 2^-53: v_u53_to_pd with both magic numbers scaled by 2^-53
 * (exponent field minus 53), so the scaling costs nothing.  Every step is
 * exact as in v_u53_to_pd: hi' = 2^31 + h * 2^-21 and lo' = 2^-1 + l * 2^-53
 * (h < 2^21, l < 2^32), hi' - (2^31 + 2^-1) = h * 2^-21 - 2^-1 exactly, and
 * the sum h * 2^-21 + l * 2^-53 < 1 fits 53 bits: the same double as before. */
AVX2_INLINE __m256d v_u01_f64(__m256i x)
{
    __m256i v = _mm256_srli_epi64(x, 11);
    __m256d hi = _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(v, 32), EPI64(0x4530000000000000ull - (53ull << 52))));
    __m256d lo = _mm256_castsi256_pd(_mm256_blend_epi32(v, EPI64(0x4330000000000000ull - (53ull << 52)), 0xAA));
    return _mm256_add_pd(_mm256_sub_pd(hi, PD(2147483648.5 /* 2^31 + 2^-1 */)), lo);
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
        __m256d rt = _mm256_sqrt_pd(_mm256_mul_pd(PD(0.5), v_m2log(q, c->soff)));
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
    __m256i u[4];
    tr4x4l(x[0], x[1], x[2], x[3], u);
    if (c->uniform_unit)
        for (int i = 0; i < 4; i++) u[i] = _mm256_castpd_si256(v_u01_f64(u[i]));
    else if (c->uniform_loc0)
        for (int i = 0; i < 4; i++) u[i] = _mm256_castpd_si256(_mm256_mul_pd(c->scale, v_u01_f64(u[i])));
    else
        for (int i = 0; i < 4; i++) u[i] = _mm256_castpd_si256(v_affine_pd(c, v_u01_f64(u[i])));
    store_halves16(d, u);
}

AVX2_INLINE void grp_truncnorm_f64(const f64_ctx *c, const __m256i x[4], char *d)
{
    __m256i u[4];
    tr4x4l(x[0], x[1], x[2], x[3], u);
    for (int i = 0; i < 4; i++) u[i] = _mm256_castpd_si256(v_affine_pd(c, v_trunc_f64(c, u[i])));
    store_halves16(d, u);
}

DEFINE_16B_KERNEL(uniform_f64, f64_ctx, f64_ctx_init, grp_uniform_f64)
DEFINE_16B_KERNEL2(normal_f64_s1z, f64_ctx, f64_ctx_init, grp_normal_f64, G16B_NF64_S1Z)
DEFINE_16B_KERNEL2(normal_f64_s1, f64_ctx, f64_ctx_init, grp_normal_f64, G16B_NF64_S1)
DEFINE_16B_KERNEL2(normal_f64_sx, f64_ctx, f64_ctx_init, grp_normal_f64, G16B_NF64_SX)
AVX2 static void normal_f64(const winit_plan *p, uint64_t b0, size_t nb, void *out)
{
    switch (f64_affine_kind(p)) {
    case F64_AFFINE_STD1_LOC0: normal_f64_s1z(p, b0, nb, out); break;
    case F64_AFFINE_STD1: normal_f64_s1(p, b0, nb, out); break;
    default: normal_f64_sx(p, b0, nb, out);
    }
}
DEFINE_16B_KERNEL(truncnorm_f64, f64_ctx, f64_ctx_init, grp_truncnorm_f64)

const winit_block_kernel winit_kernels_avx2[WINIT_NDIST][WINIT_NDTYPE] = {
    [WINIT_DIST_RAW] = {[WINIT_DTYPE_U32] = raw_u32},
    [WINIT_DIST_UNIFORM] = {uniform_f32, uniform_f64, uniform_f16, uniform_bf16, NULL},
    [WINIT_DIST_NORMAL] = {normal_f32, normal_f64, normal_f16, normal_bf16, NULL},
    [WINIT_DIST_TRUNCNORM] = {truncnorm_f32, truncnorm_f64, truncnorm_f16, truncnorm_bf16, NULL},
};

#endif /* WINIT_HAVE_AVX2_KERNELS */
