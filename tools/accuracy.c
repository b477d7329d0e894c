/* Accuracy of winit's normal values against the SPEC 1.3 formula in long double,
 * as src/winit_math.h states it (a check to run by hand, not part of the suite).
 *
 *   gcc -O2 -mfma -ffp-contract=off -fno-math-errno -Isrc tools/accuracy.c -lm -o /tmp/acc && /tmp/acc
 *
 * float32: r = sqrt(-2 ln u1) over all 2^24 u1 (relative error) and cos/sin of
 * 2 pi u2 over all 2^24 u2 (absolute error), then the worst |dz| as a share of
 * the tolerance 4e-6 max(1, |z|).  float64: 4e7 pairs, edge words included (u1
 * near 1 and near 2^-53, angles within 2048 steps of the quadrant boundaries),
 * worst error as a share of 1e-12 max(1, |z|).  Uses the one-lane formulas, which
 * every kernel target matches bit for bit (benchmarks/c/kernel_profile.c --check).
 */
#include <math.h>
#include <stdio.h>
#include "winit_math.h"

static uint64_t sm = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) /* splitmix64 */
{
    uint64_t z = (sm += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int main(void)
{
    const long double two_pi = 6.283185307179586476925286766559005768L;
    double rel_r = 0, abs_cs = 0;
    for (uint32_t k = 0; k < (1u << 24); k++) {
        float r = WINIT_SQRTF(winit__m2logf((float)(k + 1u) * 0x1p-24f, 0.0f));
        long double rr = sqrtl(-2.0L * logl((long double)(k + 1u) * 0x1p-24L));
        if (rr > 0) rel_r = fmax(rel_r, (double)fabsl((r - rr) / rr));
        float c, s;
        winit__sincos2pi_f32(k, &c, &s);
        long double t = two_pi * (long double)k * 0x1p-24L;
        abs_cs = fmax(abs_cs, (double)fmaxl(fabsl(c - cosl(t)), fabsl(s - sinl(t))));
    }
    double rmax = sqrt(48.0 * log(2.0));
    /* |dz| <= rel_r |z| + r abs_cs; the tolerance is 4e-6 max(1, |z|) */
    printf("float32 normal: r relative error %.3g, cos/sin error %.3g, worst share of tolerance %.3f\n",
           rel_r, abs_cs, rel_r / 4e-6 + rmax * abs_cs / 4e-6);

    double worst = 0;
    for (long i = 0; i < 40000000; i++) {
        uint64_t xa, xb;
        if (i < 1000000) { /* u1 near 2^-53 and near 1 */
            xa = ((uint64_t)(i % 2000) << 11) | (next() & 0x7ff);
            if (i & 1) xa = ~xa;
            xb = next();
        } else if (i < 2000000) { /* angles near the quadrant boundaries */
            xa = next();
            uint64_t k = (uint64_t)(i % 8) * (1ull << 50) + (next() % 4096) - 2048;
            xb = (k << 11) | (next() & 0x7ff);
        } else {
            xa = next();
            xb = next();
        }
        double zc, zs;
        winit_boxmuller_f64(xa, xb, &zc, &zs);
        long double u1 = (long double)((xa >> 11) + 1) * 0x1p-53L, u2 = (long double)(xb >> 11) * 0x1p-53L;
        long double r = sqrtl(-2.0L * logl(u1)), t = two_pi * u2, rc = r * cosl(t), rs = r * sinl(t);
        worst = fmax(worst, (double)(fabsl(zc - rc) / fmaxl(1.0L, fabsl(rc)) / 1e-12L));
        worst = fmax(worst, (double)(fabsl(zs - rs) / fmaxl(1.0L, fabsl(rs)) / 1e-12L));
    }
    printf("float64 normal: worst share of tolerance %.4f over 4e7 pairs\n", worst);
    return 0;
}
