/* Vector-op layer, emulated wide instance: WV_EMU_N (8 or 16) lanes as plain C
 * arrays.  Contract: wv_scalar.h.  It runs the wide kernels' logic (groups,
 * two groups in flight, partial groups, the packed tail lanes of the truncated
 * normal, 16 lanes of masks) on any machine, so tests compare it bit for bit
 * with the other instances where the CPU lacks AVX-512 or NEON.  Each op is
 * the one-lane op of wv_scalar.h in a loop; speed is not its purpose.
 */
#ifndef WINIT_WV_EMU_H
#define WINIT_WV_EMU_H

#include <stdint.h>
#include <string.h>

#include "../winit_math.h"

#ifndef WV_EMU_N
#error "define WV_EMU_N (8 or 16) before including wv_emu.h"
#endif
#define WV_N WV_EMU_N
/* plain inline and -O1 (its instance files): the wide loops fully inlined and unrolled
   would take minutes to compile, for speed this instance does not need */
#define WV_INLINE static inline

typedef struct { uint32_t v[WV_N]; } wv_u32;
typedef struct { float v[WV_N]; } wv_f32;
typedef struct { uint64_t v[WV_N]; } wv_u64;
typedef struct { double v[WV_N]; } wv_f64;
typedef struct { int v[WV_N]; } wv_m32;
typedef struct { int v[WV_N]; } wv_m64;

#define WV_MAP(T, expr) do { for (int i = 0; i < WV_N; i++) r.v[i] = (expr); } while (0)
#define WV_FN1(T, name, A, expr) WV_INLINE T name(A a) { T r; WV_MAP(T, expr); return r; }
#define WV_FN2(T, name, A, B, expr) WV_INLINE T name(A a, B b) { T r; WV_MAP(T, expr); return r; }
#define WV_FN3(T, name, A, B, C, expr) WV_INLINE T name(A a, B b, C c) { T r; WV_MAP(T, expr); return r; }

/* ---- 32-bit integer lanes ---------------------------------------------- */
WV_INLINE wv_u32 wv_set1_u32(uint32_t x) { wv_u32 r; WV_MAP(wv_u32, x); return r; }
WV_INLINE wv_u32 wv_iota_u32(void) { wv_u32 r; WV_MAP(wv_u32, (uint32_t)i); return r; }
WV_FN2(wv_u32, wv_add_u32, wv_u32, wv_u32, a.v[i] + b.v[i])
WV_FN2(wv_u32, wv_sub_u32, wv_u32, wv_u32, a.v[i] - b.v[i])
WV_FN2(wv_u32, wv_and_u32, wv_u32, wv_u32, a.v[i] & b.v[i])
WV_FN2(wv_u32, wv_xor_u32, wv_u32, wv_u32, a.v[i] ^ b.v[i])
WV_FN3(wv_u32, wv_xor3_u32, wv_u32, wv_u32, wv_u32, a.v[i] ^ b.v[i] ^ c.v[i])
WV_FN2(wv_u32, wv__shr_u32, wv_u32, int, a.v[i] >> b)
WV_FN2(wv_u32, wv__shl_u32, wv_u32, int, a.v[i] << b)
WV_FN2(wv_u32, wv__sar_u32, wv_u32, int, (uint32_t)((int32_t)a.v[i] >> b))
#define wv_shr_u32(a, n) wv__shr_u32((a), (n))
#define wv_shl_u32(a, n) wv__shl_u32((a), (n))
#define wv_sar_u32(a, n) wv__sar_u32((a), (n))
WV_FN2(wv_u32, wv_ltu_u32, wv_u32, wv_u32, a.v[i] < b.v[i] ? 0xFFFFFFFFu : 0u)
WV_INLINE void wv_mulhilo_u32(wv_u32 a, wv_u32 m, wv_u32 *hi, wv_u32 *lo)
{
    for (int i = 0; i < WV_N; i++) {
        uint64_t p = (uint64_t)a.v[i] * m.v[i];
        hi->v[i] = (uint32_t)(p >> 32);
        lo->v[i] = (uint32_t)p;
    }
}
WV_INLINE wv_u32 wv_perm_u32(wv_u32 a) { return a; }
WV_FN1(wv_m32, wv_signmask_u32, wv_u32, (int)(a.v[i] >> 31))

/* ---- float32 lanes ------------------------------------------------------- */
WV_INLINE wv_f32 wv_set1_f32(float x) { wv_f32 r; WV_MAP(wv_f32, x); return r; }
WV_FN1(wv_f32, wv_cast_u32_f32, wv_u32, winit__u2f(a.v[i]))
WV_FN1(wv_u32, wv_cast_f32_u32, wv_f32, winit__f2u(a.v[i]))
WV_FN1(wv_f32, wv_cvt_i32_f32, wv_u32, (float)(int32_t)a.v[i])
WV_FN2(wv_f32, wv_add_f32, wv_f32, wv_f32, a.v[i] + b.v[i])
WV_FN2(wv_f32, wv_sub_f32, wv_f32, wv_f32, a.v[i] - b.v[i])
WV_FN2(wv_f32, wv_mul_f32, wv_f32, wv_f32, a.v[i] * b.v[i])
WV_FN2(wv_f32, wv_div_f32, wv_f32, wv_f32, a.v[i] / b.v[i])
WV_FN3(wv_f32, wv_fma_f32, wv_f32, wv_f32, wv_f32, WINIT_FMAF(a.v[i], b.v[i], c.v[i]))
WV_FN3(wv_f32, wv_fnma_f32, wv_f32, wv_f32, wv_f32, WINIT_FMAF(-a.v[i], b.v[i], c.v[i]))
WV_FN3(wv_f32, wv_fma_nomid_f32, wv_f32, wv_f32, wv_f32, WINIT_FMAF(a.v[i], b.v[i], c.v[i]))
WV_FN1(wv_f32, wv_sqrt_f32, wv_f32, WINIT_SQRTF(a.v[i]))
WV_FN2(wv_f32, wv_max_f32, wv_f32, wv_f32, a.v[i] > b.v[i] ? a.v[i] : b.v[i])
WV_FN2(wv_f32, wv_min_f32, wv_f32, wv_f32, a.v[i] < b.v[i] ? a.v[i] : b.v[i])
WV_FN2(wv_m32, wv_lt_f32, wv_f32, wv_f32, a.v[i] < b.v[i])
WV_FN2(wv_m32, wv_le_f32, wv_f32, wv_f32, a.v[i] <= b.v[i])
WV_FN2(wv_m32, wv_ge_f32, wv_f32, wv_f32, a.v[i] >= b.v[i])
WV_FN3(wv_f32, wv_select_f32, wv_m32, wv_f32, wv_f32, a.v[i] ? b.v[i] : c.v[i])
WV_INLINE unsigned wv_mask_bits32(wv_m32 m)
{
    unsigned r = 0;
    for (int i = 0; i < WV_N; i++) r |= (unsigned)(m.v[i] != 0) << i;
    return r;
}
WV_INLINE wv_f32 wv_load_f32(const float *p) { wv_f32 r; memcpy(r.v, p, sizeof r.v); return r; }
WV_INLINE void wv_store_f32(float *p, wv_f32 a) { memcpy(p, a.v, sizeof a.v); }

/* ---- 64-bit lanes -------------------------------------------------------- */
WV_INLINE wv_u64 wv_set1_u64(uint64_t x) { wv_u64 r; WV_MAP(wv_u64, x); return r; }
WV_FN2(wv_u64, wv_zip_u32, wv_u32, wv_u32, (uint64_t)a.v[i] | ((uint64_t)b.v[i] << 32))
WV_FN2(wv_u64, wv_add_u64, wv_u64, wv_u64, a.v[i] + b.v[i])
WV_FN2(wv_u64, wv_and_u64, wv_u64, wv_u64, a.v[i] & b.v[i])
WV_FN2(wv_u64, wv_or_u64, wv_u64, wv_u64, a.v[i] | b.v[i])
WV_FN2(wv_u64, wv_xor_u64, wv_u64, wv_u64, a.v[i] ^ b.v[i])
WV_FN2(wv_u64, wv__shr_u64, wv_u64, int, a.v[i] >> b)
WV_FN2(wv_u64, wv__shl_u64, wv_u64, int, a.v[i] << b)
#define wv_shr_u64(a, n) wv__shr_u64((a), (n))
#define wv_shl_u64(a, n) wv__shl_u64((a), (n))
WV_FN1(wv_m64, wv_signmask_u64, wv_u64, (int)(a.v[i] >> 63))
WV_FN1(wv_f64, wv_cast_u64_f64, wv_u64, winit__u2d(a.v[i]))
WV_FN1(wv_u64, wv_cast_f64_u64, wv_f64, winit__d2u(a.v[i]))
#define WV_CVT_U64 (WV_N >= 16) /* as the target each stands in for: avx512, avx2 */
#define WV_NATIVE_FMA 1 /* as above */
WV_FN1(wv_f64, wv_u64_to_f64, wv_u64, (double)a.v[i])
WV_FN1(wv_f64, wv_u53_to_f64_m53, wv_u64, (double)a.v[i] * 0x1p-53)

WV_INLINE wv_f64 wv_set1_f64(double x) { wv_f64 r; WV_MAP(wv_f64, x); return r; }
WV_FN2(wv_f64, wv_add_f64, wv_f64, wv_f64, a.v[i] + b.v[i])
WV_FN2(wv_f64, wv_sub_f64, wv_f64, wv_f64, a.v[i] - b.v[i])
WV_FN2(wv_f64, wv_mul_f64, wv_f64, wv_f64, a.v[i] * b.v[i])
WV_FN2(wv_f64, wv_div_f64, wv_f64, wv_f64, a.v[i] / b.v[i])
WV_FN3(wv_f64, wv_fma_f64, wv_f64, wv_f64, wv_f64, WINIT_FMA(a.v[i], b.v[i], c.v[i]))
WV_FN3(wv_f64, wv_fnma_f64, wv_f64, wv_f64, wv_f64, WINIT_FMA(-a.v[i], b.v[i], c.v[i]))
WV_FN1(wv_f64, wv_sqrt_f64, wv_f64, WINIT_SQRT(a.v[i]))
WV_FN2(wv_f64, wv_max_f64, wv_f64, wv_f64, a.v[i] > b.v[i] ? a.v[i] : b.v[i])
WV_FN2(wv_f64, wv_min_f64, wv_f64, wv_f64, a.v[i] < b.v[i] ? a.v[i] : b.v[i])
WV_FN2(wv_m64, wv_lt_f64, wv_f64, wv_f64, a.v[i] < b.v[i])
WV_FN2(wv_m64, wv_le_f64, wv_f64, wv_f64, a.v[i] <= b.v[i])
WV_FN2(wv_m64, wv_ge_f64, wv_f64, wv_f64, a.v[i] >= b.v[i])
WV_FN3(wv_f64, wv_select_f64, wv_m64, wv_f64, wv_f64, a.v[i] ? b.v[i] : c.v[i])
WV_INLINE unsigned wv_mask_bits64(wv_m64 m)
{
    unsigned r = 0;
    for (int i = 0; i < WV_N; i++) r |= (unsigned)(m.v[i] != 0) << i;
    return r;
}

/* ---- stores in element order --------------------------------------------- */
WV_INLINE void wv_store4_u32(char *d, wv_u32 x0, wv_u32 x1, wv_u32 x2, wv_u32 x3, const int nt)
{
    (void)nt;
    for (int i = 0; i < WV_N; i++) {
        uint32_t w[4] = {x0.v[i], x1.v[i], x2.v[i], x3.v[i]};
        memcpy(d + 16 * i, w, 16);
    }
}
WV_INLINE void wv_store4_f16(char *d, wv_f32 v0, wv_f32 v1, wv_f32 v2, wv_f32 v3, const int nt)
{
    (void)nt;
    for (int i = 0; i < WV_N; i++) {
        uint16_t h[4] = {winit_f32_to_f16_bits(v0.v[i]), winit_f32_to_f16_bits(v1.v[i]),
                         winit_f32_to_f16_bits(v2.v[i]), winit_f32_to_f16_bits(v3.v[i])};
        memcpy(d + 8 * i, h, 8);
    }
}
WV_INLINE void wv_store4_bf16(char *d, wv_f32 v0, wv_f32 v1, wv_f32 v2, wv_f32 v3, const int nt)
{
    (void)nt;
    for (int i = 0; i < WV_N; i++) {
        uint16_t h[4] = {winit_f32_to_bf16_bits(v0.v[i]), winit_f32_to_bf16_bits(v1.v[i]),
                         winit_f32_to_bf16_bits(v2.v[i]), winit_f32_to_bf16_bits(v3.v[i])};
        memcpy(d + 8 * i, h, 8);
    }
}
WV_INLINE void wv_store2_f64(char *d, wv_f64 a, wv_f64 b, const int nt)
{
    (void)nt;
    for (int i = 0; i < WV_N; i++) {
        double v[2] = {a.v[i], b.v[i]};
        memcpy(d + 16 * i, v, 16);
    }
}
WV_INLINE void wv_stream_fence(void) {}

#endif /* WINIT_WV_EMU_H */
