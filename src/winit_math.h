/* Words -> values numerics (SPEC 1.3): the constants, the one-lane formulas and
 * the setup (Phi, truncation), header-only.
 *
 * The kernels (winit_kernels_impl.h, every target) use the constants here and
 * compute the same values as the one-lane formulas, with some steps folded
 * exactly (each fold is argued where it is made); the formulas themselves serve
 * tools/accuracy*.c and `kernel_profile --check`, which pins every target to
 * them bit for bit.  Everything is plain IEEE arithmetic: no libm call, so the
 * values are the same bits on every machine and C library.  sqrt is
 * __builtin_sqrt[f] (correctly rounded by IEEE 754; the build uses
 * -fno-math-errno so it is the instruction).  FMA is written explicitly with
 * WINIT_FMAF / WINIT_FMA, at the same places as the kernels' wv_fma ops (the
 * build uses -ffp-contract=off, so the compiler adds no fused operation of its
 * own).  Without hardware FMA, __builtin_fma[f]
 * becomes a call of the C library's fma[f], which IEEE 754 defines exactly
 * (correctly rounded), so the bits do not change, only the speed.
 *
 * Sources of the approximations (the fits "for winit" are made and printed by
 * tools/fit_polynomials.py; the constants here are its values rounded):
 *  - float32 -2 ln x: mantissa m in [sqrt(1/2), sqrt(2)), f = m - 1 exact,
 *    -2 ln(1 + f) = f Q(f) with Q of degree 7, a minimax fit of relative error
 *    1.7e-7 made for winit (coefficients rounded to float32), plus e (-2 ln 2).
 *    Box-Muller needs -2 ln u1 itself, so the factor -2 is in the coefficients:
 *    8 operations fewer per pair than Cephes' logf (S. Moshier) and the -2
 *    multiply, which this replaced before the first release.
 *  - float32 sin on [-pi/4, pi/4]: Cephes sinf polynomial (S. Moshier); cos: a
 *    degree-6 minimax fit 1 + z (C1 + z (C2 + z C3)), z = a^2, abs error 3.2e-8.
 *  - float64 -2 ln x: as fdlibm's log, s = f/(2+f) and ln(1+f) = 2 atanh(s),
 *    but -2 ln(1+f) = s Q(s^2) with a degree-5 minimax Q fitted for winit
 *    (relative error 2.7e-14, the factor -2 in the coefficients), plus
 *    e (-2 ln 2): 12 operations fewer per pair than fdlibm's full-precision
 *    form and the -2 multiply, which this replaced before the first release.
 *  - float64 sin and cos on [-pi/4, pi/4]: minimax fits for winit,
 *    a + a z (S1 + ... + z^4 S5) and 1 + z (C1 + ... + z^4 C5), z = a^2, in plain
 *    Horner form: sin relative error 1.7e-14, cos absolute 6.2e-14.  fdlibm's
 *    degree-13 sin and a degree-12 cos (5e-17), used before the first release,
 *    cost two FMAs more per pair for accuracy the tolerance does not ask for.
 *  - inverse normal CDF: Wichura, Algorithm AS 241 (Appl. Statist. 37, 1988):
 *    PPND16 (float64); PPND7's tail (float32, q < 0.02).  The float32 central
 *    region is wider than PPND7's (q >= 0.02 instead of 0.075, so the default
 *    truncation [-2, 2] never takes the tail branch): Phi^-1(1/2 + t) =
 *    t P(r)/Q(r), r = 0.2304 - t^2, a (4,4) rational fitted for winit
 *    (relative error 1.4e-7, positive coefficients: no cancellation).
 *  - Phi (setup only): series Phi(x) - 1/2 = phi(x) sum x^(2n+1)/(2n+1)!! for
 *    |x| < 1, Laplace's continued fraction for the Mills ratio beyond, with an
 *    own exp (Cody-Waite reduction + Taylor) and an exact square (Dekker).
 *
 * Angles: 2 pi u2 is never formed.  u2 = k 2^-24 (k a 24-bit integer), so the
 * quadrant is q = round(k / 2^22) and the remainder k - q 2^22 is exact in
 * integer arithmetic; a = remainder * (pi/2 2^-22) lies in [-pi/4, pi/4].
 * float64 does the same with k of 53 bits (2^51 per quadrant).
 *
 * Accuracy (tools/accuracy.c for normal, tools/accuracy_truncated.py for the
 * truncated normal; run by hand), against long double / the float64 formula: float32
 * normal, all 2^24 u1: r relative error <= 1.8e-7; all 2^24 u2: |cos|,|sin|
 * error <= 1.2e-7 (so |dz| <= 1.8e-7 |z| + 6.7e-7: at most 0.21 of the
 * tolerance 4e-6 max(1,|z|));
 * float64 normal: <= 0.092 of its tolerance (1e-12 max(1,|z|)) over 4e7 pairs,
 * edge words (u1 near 1 and near 2^-53, angles at the quadrant boundaries)
 * included (long double reference).  Truncated normal float32: <= 0.13 of
 * tolerance on all 2^24 words for ten bound pairs from [-1e-6, 1e-6] to
 * [-10, 10] and [0.5, 6] (scipy float64 reference), and <= 0.09 on sampled
 * words of deep tails up to [37, 37.5] (mpmath); float64 <= 0.003 on sampled
 * words (mpmath).  Phi in setup: relative error <= 1.3e-15 on [-37.5, 0].
 */
#ifndef WINIT_MATH_H
#define WINIT_MATH_H

#include <stdint.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define WINIT_FMAF(a, b, c) __builtin_fmaf((a), (b), (c))
#define WINIT_FMA(a, b, c) __builtin_fma((a), (b), (c))
#define WINIT_SQRTF(x) __builtin_sqrtf(x)
#define WINIT_SQRT(x) __builtin_sqrt(x)
#else
#include <math.h>
#define WINIT_FMAF(a, b, c) fmaf((a), (b), (c))
#define WINIT_FMA(a, b, c) fma((a), (b), (c))
#define WINIT_SQRTF(x) sqrtf(x)
#define WINIT_SQRT(x) sqrt(x)
#endif

/* ---- bit casts ------------------------------------------------------------ */

static inline uint32_t winit__f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float winit__u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint64_t winit__d2u(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static inline double winit__u2d(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }

/* ---- uniform ---------------------------------------------------------------- */

static inline float winit_u01_f32(uint32_t w) { return (float)(w >> 8) * 0x1p-24f; }

static inline double winit_u01_f64(uint32_t lo, uint32_t hi)
{
    uint64_t x = (uint64_t)lo | ((uint64_t)hi << 32);
    return (double)(x >> 11) * 0x1p-53;
}

/* ---- output conversions (SPEC 1.3: float32 result rounded to nearest even) ---- */

/* float32 -> binary16, round to nearest, ties to even (as numpy's cast). */
static inline uint16_t winit_f32_to_f16_bits(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t ax = x & 0x7FFFFFFFu;
    if (ax >= 0x7F800000u) /* inf or nan (nan stays quiet nan) */
        return (uint16_t)(sign | 0x7C00u | (ax > 0x7F800000u ? (0x200u | ((ax >> 13) & 0x3FFu)) : 0u));
    if (ax >= 0x477FF000u) /* >= 65520 rounds to inf */
        return (uint16_t)(sign | 0x7C00u);
    if (ax < 0x38800000u) { /* below 2**-14: half subnormal or zero */
        uint32_t e = ax >> 23;
        uint32_t shift = 126u - e;
        if (shift > 24u) return (uint16_t)sign;
        uint32_t m = (ax & 0x7FFFFFu) | 0x800000u;
        uint32_t q = m >> shift, rem = m & ((1u << shift) - 1u), half = 1u << (shift - 1u);
        if (rem > half || (rem == half && (q & 1u))) q++;
        return (uint16_t)(sign | q);
    }
    uint32_t h = (ax + 0xFFFu + ((ax >> 13) & 1u)) >> 13;
    return (uint16_t)(sign | (h - (112u << 10)));
}

/* float32 -> bfloat16, round to nearest, ties to even (as ml_dtypes' cast). */
static inline uint16_t winit_f32_to_bf16_bits(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    if ((x & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((x >> 16) | 0x40u);
    return (uint16_t)((x + 0x7FFFu + ((x >> 16) & 1u)) >> 16);
}

/* ---- float32 kernels ------------------------------------------------------ */

/* Constants shared with the kernels (same values, same order of use). */
#define WINIT_M2LOGF_Q0 -1.9999998807907104f /* -2 ln(1 + f) / f ~ Q0 + Q1 f + ... + Q7 f^7 */
#define WINIT_M2LOGF_Q1 1.0000072717666626f
#define WINIT_M2LOGF_Q2 -0.6667011976242065f
#define WINIT_M2LOGF_Q3 0.4993981719017029f
#define WINIT_M2LOGF_Q4 -0.39800330996513367f
#define WINIT_M2LOGF_Q5 0.34501659870147705f
#define WINIT_M2LOGF_Q6 -0.32445162534713745f
#define WINIT_M2LOGF_Q7 0.20213794708251953f
#define WINIT_M2LN2F -1.3862943649291992f /* float32(-2 ln 2) */
#define WINIT_SQRTHF_BITS 0x3f3504f3u /* float32 sqrt(1/2) */
/* added to the bits of x: the mantissa is reduced to [sqrt(1/2), sqrt(2)) and the
   exponent field, read as a signed field, is the unbiased exponent e */
#define WINIT_M2LOGF_BIAS (0x3f800000u - WINIT_SQRTHF_BITS - (127u << 23))

#define WINIT_SINF_P0 -1.9515295891E-4f
#define WINIT_SINF_P1 8.3321608736E-3f
#define WINIT_SINF_P2 -1.6666654611E-1f
#define WINIT_COSF_C1 -0.49999895691871643f
#define WINIT_COSF_C2 0.04165629297494888f
#define WINIT_COSF_C3 -0.0013597822980955243f
#define WINIT_PIO2_2M22F 0x1.921fb6p-22f /* float32(pi) * 2^-23 = pi/2 * 2^-22 */

/* -2 (ln(x) - eoff ln 2) for a positive normal float x; eoff an integer-valued
 * float (0 for Box-Muller; the deep-tail scale of the truncated normal).
 * x = 2^e m with m in [sqrt(1/2), sqrt(2)): f = m - 1 is exact, and
 * -2 ln x = e (-2 ln 2) + f Q(f).  e is read as the signed exponent field times
 * 2^23 (exact in float32) and scaled back exactly, as the kernels do. */
static inline float winit__m2logf(float x, float eoff)
{
    uint32_t ix = winit__f2u(x) + WINIT_M2LOGF_BIAS;
    float fe = (float)(int32_t)(ix & 0xff800000u) * 0x1p-23f - eoff;
    float m = winit__u2f((ix & 0x007fffffu) + WINIT_SQRTHF_BITS);
    float f = m - 1.0f;
    float y = WINIT_M2LOGF_Q7;
    y = WINIT_FMAF(y, f, WINIT_M2LOGF_Q6);
    y = WINIT_FMAF(y, f, WINIT_M2LOGF_Q5);
    y = WINIT_FMAF(y, f, WINIT_M2LOGF_Q4);
    y = WINIT_FMAF(y, f, WINIT_M2LOGF_Q3);
    y = WINIT_FMAF(y, f, WINIT_M2LOGF_Q2);
    y = WINIT_FMAF(y, f, WINIT_M2LOGF_Q1);
    y = WINIT_FMAF(y, f, WINIT_M2LOGF_Q0);
    return WINIT_FMAF(fe, WINIT_M2LN2F, f * y);
}

/* cos and sin of 2 pi k 2^-24 for a 24-bit integer k. */
static inline void winit__sincos2pi_f32(uint32_t k, float *c, float *s)
{
    uint32_t q = (k + 0x200000u) >> 22;                     /* 0..4 */
    int32_t ri = (int32_t)k - (int32_t)(q << 22);           /* [-2^21, 2^21) exact */
    float a = (float)ri * WINIT_PIO2_2M22F;                 /* [-pi/4, pi/4] */
    float z = a * a;
    float sp = WINIT_FMAF(WINIT_SINF_P0, z, WINIT_SINF_P1);
    sp = WINIT_FMAF(sp, z, WINIT_SINF_P2);
    sp = sp * z;
    float sa = WINIT_FMAF(sp, a, a);
    float cp = WINIT_FMAF(WINIT_COSF_C3, z, WINIT_COSF_C2);
    cp = WINIT_FMAF(cp, z, WINIT_COSF_C1);
    float ca = WINIT_FMAF(cp, z, 1.0f);
    /* quadrant: (cos, sin) of a + q pi/2 */
    float cc = (q & 1u) ? sa : ca;
    float ss = (q & 1u) ? ca : sa;
    uint32_t negc = ((q + 1u) & 2u) << 30, negs = (q & 2u) << 30;
    *c = winit__u2f(winit__f2u(cc) ^ negc);
    *s = winit__u2f(winit__f2u(ss) ^ negs);
}

/* SPEC 1.3 normal float32: u1 = ((wa>>8)+1) 2^-24, u2 = (wb>>8) 2^-24,
 * r = sqrt(-2 ln u1); zc = r cos(2 pi u2), zs = r sin(2 pi u2).  u1 is exact. */
static inline void winit_boxmuller_f32(uint32_t wa, uint32_t wb, float *zc, float *zs)
{
    float u1 = (float)((wa >> 8) + 1u) * 0x1p-24f;
    float r = WINIT_SQRTF(winit__m2logf(u1, 0.0f));
    float c, s;
    winit__sincos2pi_f32(wb >> 8, &c, &s);
    *zc = r * c;
    *zs = r * s;
}

/* ---- float64 kernels ------------------------------------------------------ */

#define WINIT_M2LOG_Q0 -3.9999999999998934 /* -4 atanh(s)/s ~ Q0 + Q1 z + ... + Q5 z^5, z = s^2 */
#define WINIT_M2LOG_Q1 -1.3333333335930293
#define WINIT_M2LOG_Q2 -0.7999998974436292
#define WINIT_M2LOG_Q3 -0.5714433603368873
#define WINIT_M2LOG_Q4 -0.44348354439358606
#define WINIT_M2LOG_Q5 -0.3921816786523844
#define WINIT_M2LN2 -1.3862943611198906 /* float64(-2 ln 2) */
#define WINIT_LN2HI 6.93147180369123816490e-01 /* for the setup's exp */
#define WINIT_LN2LO 1.90821492927058770002e-10
#define WINIT_SQRTH_BITS 0x3fe6a09e667f3bcdull /* float64 sqrt(1/2) */

/* sin a = a + a z (S1 + ... + z^4 S5) and cos a = 1 + z (C1 + ... + z^4 C5),
   z = a^2 <= (pi/4)^2: minimax fits (tools/fit_polynomials.py), absolute error
   2.8e-14 in (sin a / a - 1) / z (sin: relative 1.7e-14) and 6.2e-14 in cos */
#define WINIT_S1 -0.1666666666666389
#define WINIT_S2 0.008333333331081341
#define WINIT_S3 -0.00019841266918702429
#define WINIT_S4 2.755599137473948e-06
#define WINIT_S5 -2.48056723237339e-08
#define WINIT_C1 -0.4999999999954513
#define WINIT_C2 0.041666666562083926
#define WINIT_C3 -0.0013888881079051438
#define WINIT_C4 2.4799041105555314e-05
#define WINIT_C5 -2.718010530037469e-07
#define WINIT_PIO2_2M51 0x1.921fb54442d18p-51 /* float64(pi) * 2^-52 = pi/2 * 2^-51 */

/* -2 (ln(x) - eoff ln 2) for a positive normal double x: x = 2^e m with m in
 * [sqrt(1/2), sqrt(2)), f = m - 1 exact, s = f/(2+f), -2 ln x = e (-2 ln 2) + s Q(s^2). */
static inline double winit__m2log(double x, double eoff)
{
    uint64_t ix = winit__d2u(x) + (0x3ff0000000000000ull - WINIT_SQRTH_BITS);
    double dk = (double)((int32_t)(ix >> 52) - 1023) - eoff;
    double m = winit__u2d((ix & 0x000fffffffffffffull) + WINIT_SQRTH_BITS);
    double f = m - 1.0;
    double s = f / (2.0 + f);
    double z = s * s;
    double q = WINIT_M2LOG_Q5;
    q = WINIT_FMA(q, z, WINIT_M2LOG_Q4);
    q = WINIT_FMA(q, z, WINIT_M2LOG_Q3);
    q = WINIT_FMA(q, z, WINIT_M2LOG_Q2);
    q = WINIT_FMA(q, z, WINIT_M2LOG_Q1);
    q = WINIT_FMA(q, z, WINIT_M2LOG_Q0);
    return WINIT_FMA(dk, WINIT_M2LN2, s * q);
}

/* cos and sin of 2 pi k 2^-53 for a 53-bit integer k. */
static inline void winit__sincos2pi_f64(uint64_t k, double *c, double *s)
{
    uint64_t q = (k + (1ull << 50)) >> 51;                  /* 0..4 */
    int64_t ri = (int64_t)k - (int64_t)(q << 51);           /* [-2^50, 2^50) exact */
    double a = (double)ri * WINIT_PIO2_2M51;
    double z = a * a;
    double v = z * a;
    double r = WINIT_FMA(z, WINIT_FMA(z, WINIT_FMA(z, WINIT_S5, WINIT_S4), WINIT_S3), WINIT_S2);
    double sa = WINIT_FMA(v, WINIT_FMA(z, r, WINIT_S1), a);
    double ca = WINIT_FMA(z, WINIT_FMA(z, WINIT_FMA(z, WINIT_FMA(z, WINIT_FMA(z, WINIT_C5, WINIT_C4), WINIT_C3), WINIT_C2),
                                       WINIT_C1), 1.0);
    double cc = (q & 1u) ? sa : ca;
    double ss = (q & 1u) ? ca : sa;
    uint64_t negc = ((q + 1u) & 2u) << 62, negs = (q & 2u) << 62;
    *c = winit__u2d(winit__d2u(cc) ^ negc);
    *s = winit__u2d(winit__d2u(ss) ^ negs);
}

/* SPEC 1.3 normal float64: u1 = ((xa>>11)+1) 2^-53, u2 = (xb>>11) 2^-53. */
static inline void winit_boxmuller_f64(uint64_t xa, uint64_t xb, double *zc, double *zs)
{
    double u1 = (double)((xa >> 11) + 1u) * 0x1p-53;
    double r = WINIT_SQRT(winit__m2log(u1, 0.0));
    double c, s;
    winit__sincos2pi_f64(xb >> 11, &c, &s);
    *zc = r * c;
    *zs = r * s;
}

/* ---- truncated normal ------------------------------------------------------
 *
 * z = Phi^-1(Phi(a) + u' D), D = Phi(b) - Phi(a), clamped to [a, b].  With
 * PL = Phi(a) and PU = Phi(-b) = 1 - Phi(b) computed in the setup with full
 * relative precision, the two mathematically complementary probabilities
 *     p_lo = PL + u' D,   p_hi = PU + (1 - u') D   (p_lo + p_hi = 1)
 * are both sums of non-negative terms (no cancellation), and (1 - u') is exact
 * in integers: with u' = (k + 1/2) 2^-K (K = 24 or 53), 1 - u' = (k~ + 1/2) 2^-K
 * where k~ = 2^K - 1 - k.  So p_lo = alo + bk k, p_hi = ahi + bk k~ (one FMA
 * each, alo = PL + D 2^-(K+1), ahi = PU + D 2^-(K+1), bk = D 2^-K).  The
 * smaller one, q <= 1/2, goes to the lower-half inverse with full relative
 * precision: z = Phi^-1(q) if q = p_lo, else z = -Phi^-1(q).
 * Deep one-sided tails (Phi(-a) or Phi(b) below about 2^-60 in float32,
 * 2^-960 in float64) keep all p scaled by 2^soff; the tail branch takes
 * ln q - soff ln 2. */

typedef struct {
    float a, b;       /* clamp bounds */
    float alo, ahi;   /* see above; 1e30 disables a side */
    float bk;
    float soff;       /* p values carry a factor 2^soff */
} winit_trunc_f32;

typedef struct {
    double a, b, alo, ahi, bk, soff;
} winit_trunc_f64;

/* float32 central region, q >= WINIT_TN_QMIN: t P(r) / Q(r), r = WINIT_TN_S - t^2 */
#define WINIT_TN_QMIN 0.02f
#define WINIT_TN_S 0.2304f /* float32 of (1/2 - 0.02)^2 */
#define WINIT_TN_P0 4.278642654418945f
#define WINIT_TN_P1 249.36898803710938f
#define WINIT_TN_P2 3605.17236328125f
#define WINIT_TN_P3 12057.6748046875f
#define WINIT_TN_P4 4381.52587890625f
#define WINIT_TN_Q1 66.58718872070312f
#define WINIT_TN_Q2 1191.397705078125f
#define WINIT_TN_Q3 5793.8095703125f
#define WINIT_TN_Q4 5070.22216796875f
/* PPND7 (AS 241), tail */
#define WINIT_P7_C0 1.4234372777E+00f
#define WINIT_P7_C1 2.7568153900E+00f
#define WINIT_P7_C2 1.3067284816E+00f
#define WINIT_P7_C3 1.7023821103E-01f
#define WINIT_P7_D1 7.3700164250E-01f
#define WINIT_P7_D2 1.2021132975E-01f
#define WINIT_P7_E0 6.6579051150E+00f
#define WINIT_P7_E1 3.0812263860E+00f
#define WINIT_P7_E2 4.2868294337E-01f
#define WINIT_P7_E3 1.7337203997E-02f
#define WINIT_P7_F1 2.4197894225E-01f
#define WINIT_P7_F2 1.2258202635E-02f

/* -Phi^-1(q 2^-soff) for 0 < q (q <= ~1/2 in practice), float32. */
static inline float winit__ninv_upper_f32(float q, float soff)
{
    if (q >= WINIT_TN_QMIN) { /* central: |q - 1/2| <= 0.48 */
        float t = q - 0.5f;
        float r = WINIT_FMAF(-t, t, WINIT_TN_S);
        float num = WINIT_FMAF(WINIT_FMAF(WINIT_FMAF(WINIT_FMAF(WINIT_TN_P4, r, WINIT_TN_P3), r, WINIT_TN_P2), r, WINIT_TN_P1), r, WINIT_TN_P0);
        float den = WINIT_FMAF(WINIT_FMAF(WINIT_FMAF(WINIT_FMAF(WINIT_TN_Q4, r, WINIT_TN_Q3), r, WINIT_TN_Q2), r, WINIT_TN_Q1), r, 1.0f);
        return ((-t) * num) / den;
    }
    float r = WINIT_SQRTF(0.5f * winit__m2logf(q, soff)); /* sqrt(-ln q), q scaled by 2^-soff */
    if (r <= 5.0f) {
        float x = r - 1.6f;
        float num = WINIT_FMAF(WINIT_FMAF(WINIT_FMAF(WINIT_P7_C3, x, WINIT_P7_C2), x, WINIT_P7_C1), x, WINIT_P7_C0);
        float den = WINIT_FMAF(WINIT_FMAF(WINIT_P7_D2, x, WINIT_P7_D1), x, 1.0f);
        return num / den;
    } else {
        float x = r - 5.0f;
        float num = WINIT_FMAF(WINIT_FMAF(WINIT_FMAF(WINIT_P7_E3, x, WINIT_P7_E2), x, WINIT_P7_E1), x, WINIT_P7_E0);
        float den = WINIT_FMAF(WINIT_FMAF(WINIT_P7_F2, x, WINIT_P7_F1), x, 1.0f);
        return num / den;
    }
}

/* PPND16 (AS 241) */
#define WINIT_P16_A0 3.3871328727963666080e0
#define WINIT_P16_A1 1.3314166789178437745e+2
#define WINIT_P16_A2 1.9715909503065514427e+3
#define WINIT_P16_A3 1.3731693765509461125e+4
#define WINIT_P16_A4 4.5921953931549871457e+4
#define WINIT_P16_A5 6.7265770927008700853e+4
#define WINIT_P16_A6 3.3430575583588128105e+4
#define WINIT_P16_A7 2.5090809287301226727e+3
#define WINIT_P16_B1 4.2313330701600911252e+1
#define WINIT_P16_B2 6.8718700749205790830e+2
#define WINIT_P16_B3 5.3941960214247511077e+3
#define WINIT_P16_B4 2.1213794301586595867e+4
#define WINIT_P16_B5 3.9307895800092710610e+4
#define WINIT_P16_B6 2.8729085735721942674e+4
#define WINIT_P16_B7 5.2264952788528545610e+3
#define WINIT_P16_C0 1.42343711074968357734e0
#define WINIT_P16_C1 4.63033784615654529590e0
#define WINIT_P16_C2 5.76949722146069140550e0
#define WINIT_P16_C3 3.64784832476320460504e0
#define WINIT_P16_C4 1.27045825245236838258e0
#define WINIT_P16_C5 2.41780725177450611770e-1
#define WINIT_P16_C6 2.27238449892691845833e-2
#define WINIT_P16_C7 7.74545014278341407640e-4
#define WINIT_P16_D1 2.05319162663775882187e0
#define WINIT_P16_D2 1.67638483018380384940e0
#define WINIT_P16_D3 6.89767334985100004550e-1
#define WINIT_P16_D4 1.48103976427480074590e-1
#define WINIT_P16_D5 1.51986665636164571966e-2
#define WINIT_P16_D6 5.47593808499534494600e-4
#define WINIT_P16_D7 1.05075007164441684324e-9
#define WINIT_P16_E0 6.65790464350110377720e0
#define WINIT_P16_E1 5.46378491116411436990e0
#define WINIT_P16_E2 1.78482653991729133580e0
#define WINIT_P16_E3 2.96560571828504891230e-1
#define WINIT_P16_E4 2.65321895265761230930e-2
#define WINIT_P16_E5 1.24266094738807843860e-3
#define WINIT_P16_E6 2.71155556874348757815e-5
#define WINIT_P16_E7 2.01033439929228813265e-7
#define WINIT_P16_F1 5.99832206555887937690e-1
#define WINIT_P16_F2 1.36929880922735805310e-1
#define WINIT_P16_F3 1.48753612908506148525e-2
#define WINIT_P16_F4 7.86869131145613259100e-4
#define WINIT_P16_F5 1.84631831751005468180e-5
#define WINIT_P16_F6 1.42151175831644588870e-7
#define WINIT_P16_F7 2.04426310338993978564e-15

#define WINIT__H7(x, c0, c1, c2, c3, c4, c5, c6, c7)                                        \
    WINIT_FMA(WINIT_FMA(WINIT_FMA(WINIT_FMA(WINIT_FMA(WINIT_FMA(WINIT_FMA(c7, x, c6), x, c5), x, c4), \
                                            x, c3), x, c2), x, c1), x, c0)

/* -Phi^-1(q 2^-soff), float64. */
static inline double winit__ninv_upper_f64(double q, double soff)
{
    if (q >= 0.075) {
        double t = q - 0.5;
        double r = WINIT_FMA(-t, t, 0.180625);
        double num = WINIT__H7(r, WINIT_P16_A0, WINIT_P16_A1, WINIT_P16_A2, WINIT_P16_A3, WINIT_P16_A4,
                               WINIT_P16_A5, WINIT_P16_A6, WINIT_P16_A7);
        double den = WINIT__H7(r, 1.0, WINIT_P16_B1, WINIT_P16_B2, WINIT_P16_B3, WINIT_P16_B4,
                               WINIT_P16_B5, WINIT_P16_B6, WINIT_P16_B7);
        return ((-t) * num) / den;
    }
    double r = WINIT_SQRT(0.5 * winit__m2log(q, soff)); /* sqrt(-ln q), q scaled by 2^-soff */
    if (r <= 5.0) {
        double x = r - 1.6;
        double num = WINIT__H7(x, WINIT_P16_C0, WINIT_P16_C1, WINIT_P16_C2, WINIT_P16_C3, WINIT_P16_C4,
                               WINIT_P16_C5, WINIT_P16_C6, WINIT_P16_C7);
        double den = WINIT__H7(x, 1.0, WINIT_P16_D1, WINIT_P16_D2, WINIT_P16_D3, WINIT_P16_D4,
                               WINIT_P16_D5, WINIT_P16_D6, WINIT_P16_D7);
        return num / den;
    } else {
        double x = r - 5.0;
        double num = WINIT__H7(x, WINIT_P16_E0, WINIT_P16_E1, WINIT_P16_E2, WINIT_P16_E3, WINIT_P16_E4,
                               WINIT_P16_E5, WINIT_P16_E6, WINIT_P16_E7);
        double den = WINIT__H7(x, 1.0, WINIT_P16_F1, WINIT_P16_F2, WINIT_P16_F3, WINIT_P16_F4,
                               WINIT_P16_F5, WINIT_P16_F6, WINIT_P16_F7);
        return num / den;
    }
}

static inline float winit_trunc_z_f32(const winit_trunc_f32 *t, uint32_t w)
{
    float k = (float)(w >> 8);
    float kc = 16777215.0f - k;
    float plo = WINIT_FMAF(t->bk, k, t->alo);
    float phi = WINIT_FMAF(t->bk, kc, t->ahi);
    int upper = phi < plo;
    float q = upper ? phi : plo;
    float g = winit__ninv_upper_f32(q, t->soff);
    float z = upper ? g : -g;
    z = (z > t->a) ? z : t->a;
    z = (z < t->b) ? z : t->b;
    return z;
}

static inline double winit_trunc_z_f64(const winit_trunc_f64 *t, uint64_t x)
{
    double k = (double)(x >> 11);
    double kc = 9007199254740991.0 - k;
    double plo = WINIT_FMA(t->bk, k, t->alo);
    double phi = WINIT_FMA(t->bk, kc, t->ahi);
    int upper = phi < plo;
    double q = upper ? phi : plo;
    double g = winit__ninv_upper_f64(q, t->soff);
    double z = upper ? g : -g;
    z = (z > t->a) ? z : t->a;
    z = (z < t->b) ? z : t->b;
    return z;
}

/* ---- setup: Phi without libm --------------------------------------------- */

/* 2^k as a double, k in [-1022, 1023]. */
static inline double winit__pow2i(int k) { return winit__u2d((uint64_t)(k + 1023) << 52); }

/* x 2^k without overflow in the steps (result may underflow to 0). */
static inline double winit__ldexp(double x, long k)
{
    if (k < -2200) return 0.0 * x;
    if (k > 2200) k = 2200;
    while (k > 1000) { x *= winit__pow2i(1000); k -= 1000; }
    while (k < -1000) { x *= winit__pow2i(-1000); k += 1000; }
    return x * winit__pow2i((int)k);
}

/* exp(x) = m 2^n with m in [0.7, 1.42]; x <= 0 finite, |x| < 1e6. */
static inline double winit__exp_parts(double x, long *n)
{
    double kd = x * 1.4426950408889634074 + 6755399441055744.0; /* round(x / ln 2) */
    kd = kd - 6755399441055744.0;
    double r = (x - kd * WINIT_LN2HI) - kd * WINIT_LN2LO; /* kd ln2hi exact, |kd| < 2^21 */
    double p = 1.0;
    for (int i = 18; i >= 1; i--) p = 1.0 + p * r / (double)i;
    *n = (long)kd;
    return p;
}

/* t^2 = hi + lo exactly (Dekker), |t| < 1e150. */
static inline void winit__sq2(double t, double *hi, double *lo)
{
    double c = 134217729.0 * t;
    double th = c - (c - t), tl = t - th;
    *hi = t * t;
    *lo = ((th * th - *hi) + 2.0 * th * tl) + tl * tl;
}

/* phi(t) = exp(-t^2/2)/sqrt(2 pi) = m 2^n. */
static inline double winit__pdf_parts(double t, long *n)
{
    double hi, lo;
    winit__sq2(t, &hi, &lo);
    double m = winit__exp_parts(-0.5 * hi, n);
    return m * (1.0 - 0.5 * lo) * 0.39894228040143267794;
}

#define WINIT__PHI_SPLIT 1.0

/* Phi(x) - 1/2 = phi(x) (x + x^3/3 + x^5/15 + ...), 0 <= x < split. */
static inline double winit__phi_half(double x)
{
    long n;
    double m = winit__pdf_parts(x, &n);
    double x2 = x * x, term = x, s = x;
    for (int k = 1; k < 200 && term > 1e-18 * s; k++) {
        term *= x2 / (double)(2 * k + 1);
        s += term;
    }
    return winit__ldexp(m, n) * s;
}

/* Phi(-t) 2^S for t >= 0 (S > 0 only where t >= split). */
static inline double winit__phi_lower_scaled(double t, long S)
{
    if (t < WINIT__PHI_SPLIT) return winit__ldexp(0.5 - winit__phi_half(t), S);
    if (t > 1e4) return 0.0;
    /* Mills ratio R(t) = Phi(-t)/phi(t) = 1/(t+ 1/(t+ 2/(t+ 3/(t+ ...)))) */
    int nterms = 30 + (int)(400.0 / (t * t));
    double f = t;
    for (int k = nterms; k >= 1; k--) f = t + (double)k / f;
    long n;
    double m = winit__pdf_parts(t, &n);
    return winit__ldexp(m / f, n + S);
}

/* Phi(t) - 1/2 for t >= 0. */
static inline double winit__phi_upper_half(double t)
{
    if (t < WINIT__PHI_SPLIT) return winit__phi_half(t);
    return 0.5 - winit__phi_lower_scaled(t, 0);
}

/* Common setup.  K = 24 or 53; thr = exponent below which deep tails are
 * scaled.  Outputs in double. */
static inline void winit__trunc_setup(double a, double b, int K, long thr, double huge,
                                      double *alo, double *ahi, double *bk, double *soff)
{
    double PL, PU, D;
    long S = 0;
    double hK = winit__pow2i(-(K + 1)), fK = winit__pow2i(-K);
    if (a >= 0.0 || b <= 0.0) {
        int up = a >= 0.0;
        double tn = up ? a : -b;    /* nearer bound, as a positive distance */
        double tf = up ? b : -a;    /* farther bound */
        if (tn > 1e3) tn = 1e3;     /* beyond: every value clamps to the near bound */
        if (tn >= WINIT__PHI_SPLIT) {
            long n;
            winit__pdf_parts(tn, &n);
            if (n < -thr) S = -n - 30;
        }
        double Pn = winit__phi_lower_scaled(tn, S);
        double Pf = (tf == tf && tf < 1e300) ? winit__phi_lower_scaled(tf, S) : 0.0;
        D = Pn - Pf;
        if (up) { PU = Pf; *ahi = PU + D * hK; *alo = huge; }
        else    { PL = Pf; *alo = PL + D * hK; *ahi = huge; }
        (void)PL; (void)PU;
    } else {
        double na = -a;
        PL = na < 1e300 ? winit__phi_lower_scaled(na, 0) : 0.0;
        PU = b < 1e300 ? winit__phi_lower_scaled(b, 0) : 0.0;
        D = (b < 1e300 ? winit__phi_upper_half(b) : 0.5) + (na < 1e300 ? winit__phi_upper_half(na) : 0.5);
        *alo = PL + D * hK;
        *ahi = PU + D * hK;
    }
    *bk = D * fK;
    *soff = (double)S;
}

/* a < b in standard units; either may be infinite. */
static inline void winit_trunc_init_f32(winit_trunc_f32 *t, double a, double b)
{
    double alo, ahi, bk, soff;
    winit__trunc_setup(a, b, 24, 60, 1e30, &alo, &ahi, &bk, &soff);
    t->a = (float)a;
    t->b = (float)b;
    t->alo = (float)alo;
    t->ahi = (float)ahi;
    t->bk = (float)bk;
    t->soff = (float)soff;
}

static inline void winit_trunc_init_f64(winit_trunc_f64 *t, double a, double b)
{
    double alo, ahi, bk, soff;
    winit__trunc_setup(a, b, 53, 960, 1e300, &alo, &ahi, &bk, &soff);
    t->a = a;
    t->b = b;
    t->alo = alo;
    t->ahi = ahi;
    t->bk = bk;
    t->soff = soff;
}

#endif /* WINIT_MATH_H */
