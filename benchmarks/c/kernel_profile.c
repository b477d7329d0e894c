/* Cycles and instructions per sample of winit's fill kernels, without Python.
 *
 * Build (from the repository root) and run:
 *   gcc -O3 -ffp-contract=off -fno-math-errno -pthread -Isrc benchmarks/c/kernel_profile.c \
 *       src/winit_fill.c src/winit_kernels_*.c src/winit_pool.c -lm -o /tmp/kernel_profile
 *   /tmp/kernel_profile            # ns/sample, Ms/s and TSC cycles/sample, one thread
 *   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out /tmp/kernel_profile --count
 *   callgrind_annotate /tmp/cg.out | head -30   # instructions per kernel (1M samples each)
 * Add `--isa NAME` to force a target (`--list`: the ones this CPU runs).  `--check` compares every target this CPU runs
 * with the one-lane formulas of winit_math.h applied to the Philox words.  `--dump` prints a checksum-free
 * hex dump of every case (4099 values at element 5, and a truncated normal on
 * [-6, -5]): builds for other machines must print the same bytes, e.g.
 *   aarch64-linux-gnu-gcc -O3 -ffp-contract=off -fno-math-errno -static -pthread -Isrc ... -lm -o /tmp/kp-arm
 *   qemu-aarch64 /tmp/kp-arm --dump | cmp - <(/tmp/kernel_profile --dump)  Cycles are read with rdtsc
 * (the TSC's rate is the CPU's nominal clock, not necessarily the core's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define TICKS() __rdtsc()
#else
#define TICKS() 0ull
#endif

#include "winit_fill.h"
#include "winit_philox.h"

/* Element i of a plan by the one-lane formulas of winit_math.h, straight from the Philox words
   (SPEC 1.3): the reference every kernel target must equal bit for bit (--check). */
static void formula(const winit_plan *p, uint64_t i, void *dst)
{
    int f64 = p->dtype == WINIT_DTYPE_F64;
    uint64_t b = f64 ? i / 2 : i / 4;
    winit_u32x4 x = winit_philox_block(p->seed, p->stream, b);
    if (p->dist == WINIT_DIST_RAW) { memcpy(dst, &x.v[i % 4], 4); return; }
    if (f64) {
        unsigned j = (unsigned)(i % 2);
        uint64_t xa = (uint64_t)x.v[0] | ((uint64_t)x.v[1] << 32), xb = (uint64_t)x.v[2] | ((uint64_t)x.v[3] << 32);
        double z, v;
        if (p->dist == WINIT_DIST_UNIFORM) z = winit_u01_f64(x.v[2 * j], x.v[2 * j + 1]);
        else if (p->dist == WINIT_DIST_NORMAL) { double c, s; winit_boxmuller_f64(xa, xb, &c, &s); z = j ? s : c; }
        else z = winit_trunc_z_f64(&p->trunc64, j ? xb : xa);
        v = p->loc64 + p->scale64 * z;
        memcpy(dst, &v, 8);
        return;
    }
    unsigned k = (unsigned)(i % 4);
    float z, v;
    if (p->dist == WINIT_DIST_UNIFORM) z = winit_u01_f32(x.v[k]);
    else if (p->dist == WINIT_DIST_NORMAL) { float c, s; winit_boxmuller_f32(x.v[k & 2u], x.v[(k & 2u) + 1], &c, &s); z = (k & 1u) ? s : c; }
    else z = winit_trunc_z_f32(&p->trunc32, x.v[k]);
    v = p->loc32 + p->scale32 * z;
    if (p->dtype == WINIT_DTYPE_F32) { memcpy(dst, &v, 4); return; }
    uint16_t h = p->dtype == WINIT_DTYPE_F16 ? winit_f32_to_f16_bits(v) : winit_f32_to_bf16_bits(v);
    memcpy(dst, &h, 2);
}

/* Every target this CPU runs against the formulas: each (dist, dtype), odd sizes and offsets
   (one past the 2^32 carry of counter word 0), several parameters and truncation bounds. */
static int check_targets(void)
{
    static const struct { int dist; double p0, p1, lo, hi; } par[] = {
        {WINIT_DIST_RAW, 0, 1, 0, 0}, {WINIT_DIST_UNIFORM, -0.3, 1.7, 0, 0}, {WINIT_DIST_UNIFORM, 0.0, 1.0, 0, 0},
        {WINIT_DIST_NORMAL, 0.25, 1.5, 0, 0}, {WINIT_DIST_NORMAL, -2.0, 1.0, 0, 0},
        {WINIT_DIST_NORMAL, 0.0, 1.0, 0, 0}, {WINIT_DIST_NORMAL, -0.0, 1.0, 0, 0},
        {WINIT_DIST_TRUNCNORM, 0.5, 2.0, -2.0, 2.0}, {WINIT_DIST_TRUNCNORM, 0.5, 2.0, -10.0, 10.0},
        {WINIT_DIST_TRUNCNORM, 0.0, 1.0, -6.0, -5.0}, {WINIT_DIST_TRUNCNORM, 0.0, 1.0, 12.0, 13.0},
    };
    static const uint64_t offsets[] = {0, 3, 7, 4 * (0xFFFFFFFFull - 40) + 1, 0x8000000000000005ull};
    const size_t n = 5003;
    unsigned char *got = malloc(n * 8), ref[8];
    int bad = 0, compared = 0, ran = 0;
    for (int t = 0; t < winit_isa_count(); t++) {
        if (!winit_isa_runs(t)) continue;
        winit_set_isa(t);
        int bad_before = bad;
        ran++;
        for (size_t c = 0; c < sizeof par / sizeof par[0]; c++) {
            for (int dt = 0; dt < WINIT_NDTYPE; dt++) {
                winit_plan plan;
                if (winit_plan_init(&plan, par[c].dist, dt, 0x9E3779B97F4A7C15ull + c, 11 * c, par[c].p0, par[c].p1,
                                    par[c].lo, par[c].hi) != WINIT_OK)
                    continue;
                size_t isz = winit_itemsize(dt);
                for (size_t o = 0; o < sizeof offsets / sizeof offsets[0]; o++) {
                    if (winit_fill(&plan, offsets[o], got, n, 1) != WINIT_OK) return 1;
                    for (size_t i = 0; i < n; i++) {
                        formula(&plan, offsets[o] + i, ref);
                        if (memcmp(ref, got + i * isz, isz) != 0) {
                            if (bad++ < 5)
                                fprintf(stderr, "%s: dist %d dtype %d offset %llu element %zu differs\n",
                                        winit_isa_name(t), par[c].dist, dt, (unsigned long long)offsets[o], i);
                        }
                    }
                    compared++;
                }
            }
        }
        printf("%s: %s\n", winit_isa_name(t), bad > bad_before ? "DIFFERS" : "same bits as the formulas");
    }
    free(got);
    printf("%d fills of %zu elements compared per target\n", compared / ran, n);
    return bad != 0;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int count_only = 0, dump = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--count")) count_only = 1;
        if (!strcmp(argv[i], "--dump")) dump = 1;
        if (!strcmp(argv[i], "--isa") && i + 1 < argc) {
            if (winit_set_isa(winit_isa_find(argv[++i])) != WINIT_OK) {
                fprintf(stderr, "isa %s: not compiled or not runnable here; targets:", argv[i]);
                for (int t = 0; t < winit_isa_count(); t++)
                    fprintf(stderr, " %s%s", winit_isa_name(t), winit_isa_runs(t) ? "" : "(cannot run)");
                fprintf(stderr, "\n");
                return 2;
            }
        }
        if (!strcmp(argv[i], "--check")) return check_targets();
        if (!strcmp(argv[i], "--list")) {
            for (int t = 0; t < winit_isa_count(); t++)
                if (winit_isa_runs(t)) printf("%s\n", winit_isa_name(t));
            return 0;
        }
    }
    const struct { const char *name; int dist, dtype; } cases[] = {
        {"raw u32", WINIT_DIST_RAW, WINIT_DTYPE_U32},
        {"uniform f32", WINIT_DIST_UNIFORM, WINIT_DTYPE_F32},
        {"uniform f64", WINIT_DIST_UNIFORM, WINIT_DTYPE_F64},
        {"normal f32", WINIT_DIST_NORMAL, WINIT_DTYPE_F32},
        {"normal bf16", WINIT_DIST_NORMAL, WINIT_DTYPE_BF16},
        {"normal f64", WINIT_DIST_NORMAL, WINIT_DTYPE_F64},
        {"truncnorm f32", WINIT_DIST_TRUNCNORM, WINIT_DTYPE_F32},
        {"truncnorm f64", WINIT_DIST_TRUNCNORM, WINIT_DTYPE_F64},
    };
    /* 1M samples under callgrind; 16M otherwise (in cache-unfriendly sizes the
       store bandwidth, not the kernel, would be measured). */
    size_t n = count_only ? (1u << 20) : (1u << 24);
    void *buf = malloc(n * 8);
    memset(buf, 1, n * 8); /* pre-fault */
    if (dump) {
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            for (int tail = 0; tail < 2; tail++) {
                winit_plan plan;
                double lo = tail ? -6.0 : -2.0, hi = tail ? -5.0 : 2.0;
                if (winit_plan_init(&plan, cases[c].dist, cases[c].dtype, 0xDEADBEEFCAFEF00Dull, 7, 0.5, 2.0, lo, hi) != WINIT_OK)
                    return 1;
                winit_fill(&plan, 5, buf, 4099, 1);
                const unsigned char *b = buf;
                size_t bytes = 4099 * (size_t)winit_itemsize(cases[c].dtype);
                printf("%s%s:", cases[c].name, tail ? " [-6,-5]" : "");
                for (size_t i = 0; i < bytes; i++) printf("%02x", b[i]);
                printf("\n");
            }
        }
        free(buf);
        return 0;
    }
    printf("isa: %s\n", winit_isa_name(winit_get_isa()));
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        winit_plan plan;
        if (winit_plan_init(&plan, cases[c].dist, cases[c].dtype, 1, 0, 0.0, 1.0, -2.0, 2.0) != WINIT_OK) return 1;
        if (count_only) {
            winit_fill(&plan, 0, buf, n, 1);
            continue;
        }
        double t[7], cyc[7];
        winit_fill(&plan, 0, buf, n, 1);
        for (int r = 0; r < 7; r++) {
            unsigned long long c0 = TICKS();
            double t0 = now();
            winit_fill(&plan, 0, buf, n, 1);
            t[r] = now() - t0;
            cyc[r] = (double)(TICKS() - c0);
        }
        qsort(t, 7, sizeof t[0], cmp);
        qsort(cyc, 7, sizeof cyc[0], cmp);
        printf("%-14s %7.1f Ms/s  %6.2f ns/sample  %6.2f TSC cycles/sample\n", cases[c].name,
               n / t[3] / 1e6, t[3] / n * 1e9, cyc[3] / n);
    }
    free(buf);
    return 0;
}
