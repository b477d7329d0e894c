/* Cycles and instructions per sample of winit's fill kernels, without Python.
 *
 * Build (from the repository root) and run:
 *   gcc -O3 -ffp-contract=off -fno-math-errno -pthread -Isrc benchmarks/c/kernel_profile.c \
 *       src/winit_fill.c src/winit_kernels_scalar.c src/winit_kernels_avx2.c src/winit_pool.c \
 *       -lm -o /tmp/kernel_profile
 *   /tmp/kernel_profile            # ns/sample, Ms/s and TSC cycles/sample, one thread
 *   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out /tmp/kernel_profile --count
 *   callgrind_annotate /tmp/cg.out | head -30   # instructions per kernel (1M samples each)
 * Add `--scalar` to force the portable path.  `--dump` prints a checksum-free
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
        if (!strcmp(argv[i], "--scalar")) winit_set_isa(WINIT_ISA_SCALAR);
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
    printf("isa: %s\n", winit_get_isa() == WINIT_ISA_AVX2 ? "avx2" : "scalar");
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
