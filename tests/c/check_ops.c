/* The vector ops' floating-point results against their one-lane meaning (src/simd/wv_scalar.h),
 * on inputs the kernels' data rarely reach: fused multiply-adds whose float64 sum lands on a
 * float32 halfway point (where SSE2's emulation must take the exact path), results below the
 * float32 normal range, random triples, and max/min/select on NaN and signed zeros.
 * Built once per op header by tests/test_ops_c.py:  cc -DWV_HEADER='"simd/wv_sse2.h"' ...
 * (wide x86 headers with their -m flags, run where the CPU has them).
 * Prints "ok <n>" and exits 0, or prints the first differences and exits 1. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include WV_HEADER

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static float rndf(int emin, int emax)
{
    uint32_t m = (uint32_t)next() & 0x7FFFFFu, s = (uint32_t)(next() & 1u) << 31;
    int e = emin + (int)(next() % (uint64_t)(emax - emin + 1));
    return winit__u2f(s | ((uint32_t)(e + 127) << 23) | m);
}

static int bad = 0;
static long count = 0;
static void same32(const char *what, float got, float want, float a, float b, float c)
{
    count++;
    if (winit__f2u(got) != winit__f2u(want) && !(got != got && want != want)) {
        if (bad++ < 8) printf("%s(%a, %a, %a): %a, want %a\n", what, a, b, c, got, want);
    }
}

/* one vector of WV_N lanes through op, lane by lane against ref */
#define LANES32(OP, REF, A, B, C)                                                          \
    do {                                                                                   \
        float a_[WV_N] __attribute__((aligned(64))), b_[WV_N] __attribute__((aligned(64))); \
        float c_[WV_N] __attribute__((aligned(64))), r_[WV_N] __attribute__((aligned(64))); \
        for (int i = 0; i < WV_N; i++) { a_[i] = (A); b_[i] = (B); c_[i] = (C); }         \
        wv_store_f32(r_, OP(wv_load_f32(a_), wv_load_f32(b_), wv_load_f32(c_)));          \
        for (int i = 0; i < WV_N; i++) same32(#OP, r_[i], REF(a_[i], b_[i], c_[i]), a_[i], b_[i], c_[i]); \
    } while (0)

static float ref_fma(float a, float b, float c) { return fmaf(a, b, c); }
static float ref_fnma(float a, float b, float c) { return fmaf(-a, b, c); }
static float ref_max(float a, float b, float c) { (void)c; return a > b ? a : b; }
static float ref_min(float a, float b, float c) { (void)c; return a < b ? a : b; }
static float ref_sel(float a, float b, float c) { return a < b ? c : b; }
WV_INLINE wv_f32 op_max(wv_f32 a, wv_f32 b, wv_f32 c) { (void)c; return wv_max_f32(a, b); }
WV_INLINE wv_f32 op_min(wv_f32 a, wv_f32 b, wv_f32 c) { (void)c; return wv_min_f32(a, b); }
WV_INLINE wv_f32 op_sel(wv_f32 a, wv_f32 b, wv_f32 c) { return wv_select_f32(wv_lt_f32(a, b), c, b); }

/* a b + c just below a float32 halfway point: c a float with an odd last bit, a b = h (1 - 2^-2k)
   with h half its ulp; the float64 sum rounds onto the halfway point, the exact sum does not */
static void halfway(float *a, float *b, float *c)
{
    int k = 15 + (int)(next() % 9);                 /* 15..23: 2^-2k below float64 precision */
    float cc = rndf(-20, 20);
    uint32_t cb = winit__f2u(cc) | 1u;               /* odd: ties to even would move it */
    cc = winit__u2f(cb);
    int e = (int)((cb >> 23) & 0xFF) - 127;
    float h = winit__u2f((uint32_t)(e - 24 + 127) << 23); /* half an ulp of c */
    float s = (next() & 1) ? 1.0f : -1.0f;
    *a = s * h * (1.0f + winit__u2f((uint32_t)(127 - k) << 23));
    *b = 1.0f - winit__u2f((uint32_t)(127 - k) << 23);
    *c = cc;
}

int main(void)
{
    int naive_wrong = 0; /* the halfway cases do defeat a plain float64 multiply-add */
    for (int r = 0; r < 1000; r++) {
        float a, b, c;
        halfway(&a, &b, &c);
        naive_wrong += (float)((double)a * b + c) != fmaf(a, b, c);
    }
    if (naive_wrong < 900) { printf("halfway cases too weak: %d of 1000\n", naive_wrong); return 1; }
    for (int r = 0; r < 200000; r++) {
        float ha[WV_N], hb[WV_N], hc[WV_N];
        for (int i = 0; i < WV_N; i++) halfway(&ha[i], &hb[i], &hc[i]);
        LANES32(wv_fma_f32, ref_fma, ha[i], hb[i], hc[i]);
        LANES32(wv_fnma_f32, ref_fnma, -ha[i], hb[i], hc[i]);
        LANES32(wv_fma_f32, ref_fma, rndf(-30, 30), rndf(-30, 30), rndf(-60, 60));
        LANES32(wv_fma_f32, ref_fma, rndf(-70, -60), rndf(-70, -55), rndf(-140, -120)); /* subnormal results */
        LANES32(wv_fnma_f32, ref_fnma, rndf(-5, 5), rndf(-5, 5), rndf(-5, 5));
    }
    const float sp[] = {NAN, -NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 1.0f, -1.0f, 0x1p-149f, -3.5f};
    const int ns = (int)(sizeof sp / sizeof sp[0]);
    for (int x = 0; x < ns; x++)
        for (int y = 0; y < ns; y++) {
            LANES32(op_max, ref_max, sp[x], sp[y], 0.0f);
            LANES32(op_min, ref_min, sp[x], sp[y], 0.0f);
            LANES32(op_sel, ref_sel, sp[x], sp[y], 7.0f);
        }
    for (int r = 0; r < 100000; r++) { /* float64 fma against the C library's */
        double a[WV_N], b[WV_N], c[WV_N], got[WV_N];
        for (int i = 0; i < WV_N; i++) {
            a[i] = rndf(-40, 40) * (1.0 + 0x1p-40 * (double)(next() >> 40));
            b[i] = rndf(-40, 40);
            c[i] = -a[i] * b[i] * (1.0 + 0x1p-30 * (double)(int)(next() % 7));
        }
        wv_f64 va = wv_set1_f64(0), vb = va, vc = va;
        /* lanes in the target's 64-bit order do not matter here: all lanes get one triple */
        for (int i = 0; i < WV_N; i++) {
            va = wv_set1_f64(a[i]); vb = wv_set1_f64(b[i]); vc = wv_set1_f64(c[i]);
            char buf[16 * WV_N];
            wv_store2_f64(buf, wv_fma_f64(va, vb, vc), wv_fnma_f64(va, vb, vc), 0);
            memcpy(&got[i], buf, 8);
            count++;
            double want = fma(a[i], b[i], c[i]), want2 = fma(-a[i], b[i], c[i]), got2;
            memcpy(&got2, buf + 8, 8);
            if (winit__d2u(got[i]) != winit__d2u(want) || winit__d2u(got2) != winit__d2u(want2))
                if (bad++ < 8) printf("fma_f64(%a, %a, %a): %a %a, want %a %a\n", a[i], b[i], c[i], got[i], got2, want, want2);
        }
    }
    if (bad) { printf("%d of %ld differ\n", bad, count); return 1; }
    printf("ok %ld\n", count);
    return 0;
}
