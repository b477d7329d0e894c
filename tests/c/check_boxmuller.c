/* Box-Muller float32 of one target (v_boxmuller_f32 of src/winit_kernels_impl.h over one op
 * header) against the one-lane formula winit_boxmuller_f32 of winit_math.h, on every input.
 * zc = r(wa) c(wb) and zs = r(wa) s(wb), where r depends only on wa >> 8 and (c, s) only on
 * wb >> 8, 2^24 values each.  Sweep 1: every wa with wb = 0, where c = 1 and s = 0 exactly,
 * so zc is r.  Sweep 2: every wb with a wa whose r is a power of two (searched with the formula), so
 * zc and zs are c and s scaled exactly.  Equal r and equal (c, s) give equal products for
 * every (wa, wb) pair: this shows the float64 route of wv_fma_nomid_f32 gives the fused bits
 * here.  Built per target by tests/test_ops_c.py:  cc -DWV_HEADER='"simd/wv_sse2.h"' ...
 * Prints "ok <values compared>" and exits 0, or prints the first differences and exits 1. */
#include <stdio.h>

#include WV_HEADER
#include "winit_kernels_impl.h"

static long bad = 0, count = 0;
static void same(const char *what, uint32_t wa, uint32_t wb, float got, float want)
{
    count++;
    if (winit__f2u(got) != winit__f2u(want) && bad++ < 8)
        printf("%s(wa=%08x, wb=%08x): %a, want %a\n", what, (unsigned)wa, (unsigned)wb, got, want);
}

/* 2 WV_N consecutive inputs from i: wa or wb = (i + j) << 8, the other word fixed */
static void run(uint32_t i, int sweep_wb, uint32_t fixed)
{
    uint32_t wa_[2][WV_N] __attribute__((aligned(64))), wb_[2][WV_N] __attribute__((aligned(64)));
    float zc_[2][WV_N] __attribute__((aligned(64))), zs_[2][WV_N] __attribute__((aligned(64)));
    for (int h = 0; h < 2; h++)
        for (int j = 0; j < WV_N; j++) {
            uint32_t w = (i + (uint32_t)(h * WV_N + j)) << 8;
            wa_[h][j] = sweep_wb ? fixed : w;
            wb_[h][j] = sweep_wb ? w : fixed;
        }
    wv_u32 wa[2], wb[2];
    wv_f32 zc[2], zs[2];
    for (int h = 0; h < 2; h++) {
        memcpy(&wa[h], wa_[h], sizeof wa[h]);
        memcpy(&wb[h], wb_[h], sizeof wb[h]);
    }
    v_boxmuller_f32(wa, wb, zc, zs, NULL, NULL, 0);
    for (int h = 0; h < 2; h++) {
        wv_store_f32(zc_[h], zc[h]);
        wv_store_f32(zs_[h], zs[h]);
        for (int j = 0; j < WV_N; j++) {
            float c, s;
            winit_boxmuller_f32(wa_[h][j], wb_[h][j], &c, &s);
            same("zc", wa_[h][j], wb_[h][j], zc_[h][j], c);
            same("zs", wa_[h][j], wb_[h][j], zs_[h][j], s);
        }
    }
}

int main(void)
{
    const uint32_t n = 1u << 24, step = 2 * WV_N;
    uint32_t wa_pow2 = 0;
    float r = 0.0f, unused;
    int found = 0;
    for (uint32_t i = 0; i < n; i += step) run(i, 0, 0);
    for (uint32_t i = 0; i < n && !found; i++) {
        winit_boxmuller_f32(i << 8, 0, &r, &unused);
        if (r > 0.0f && (winit__f2u(r) & 0x7FFFFFu) == 0) { wa_pow2 = i << 8; found = 1; }
    }
    if (!found) { printf("no wa gives r a power of two\n"); return 1; }
    for (uint32_t i = 0; i < n; i += step) run(i, 1, wa_pow2);
    if (bad) { printf("%ld of %ld differ\n", bad, count); return 1; }
    printf("ok %ld (r = %a at wa = %08x)\n", count, (double)r, (unsigned)wa_pow2);
    return 0;
}
