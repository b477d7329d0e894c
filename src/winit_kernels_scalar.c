/* Scalar block kernels: the reference path, and the fallback on CPUs without
 * AVX2+FMA.  Each kernel maps whole Philox blocks to output elements exactly
 * as SPEC 1.3 lays them out; see winit_kernels.h for the contract. */
#include "winit_kernels.h"
#include "winit_philox.h"

#define BLOCK(p, b) winit_philox_block((p)->seed, (p)->stream, (b))

static inline void store_f32(void *out, size_t i, float v) { memcpy((char *)out + 4 * i, &v, 4); }
static inline void store_f64(void *out, size_t i, double v) { memcpy((char *)out + 8 * i, &v, 8); }
static inline void store_u16(void *out, size_t i, uint16_t v) { memcpy((char *)out + 2 * i, &v, 2); }

/* Working-precision float32 values of one block, before the output cast. */
static inline void block_uniform_f32(const winit_plan *p, uint64_t b, float v[4])
{
    winit_u32x4 x = BLOCK(p, b);
    for (int k = 0; k < 4; k++) v[k] = p->loc32 + p->scale32 * winit_u01_f32(x.v[k]);
}

static inline void block_normal_f32(const winit_plan *p, uint64_t b, float v[4])
{
    winit_u32x4 x = BLOCK(p, b);
    float z[4];
    winit_boxmuller_f32(x.v[0], x.v[1], &z[0], &z[1]);
    winit_boxmuller_f32(x.v[2], x.v[3], &z[2], &z[3]);
    for (int k = 0; k < 4; k++) v[k] = p->loc32 + p->scale32 * z[k];
}

static inline void block_truncnorm_f32(const winit_plan *p, uint64_t b, float v[4])
{
    winit_u32x4 x = BLOCK(p, b);
    for (int k = 0; k < 4; k++) v[k] = p->loc32 + p->scale32 * winit_trunc_z_f32(&p->trunc32, x.v[k]);
}

static inline void block_uniform_f64(const winit_plan *p, uint64_t b, double v[2])
{
    winit_u32x4 x = BLOCK(p, b);
    v[0] = p->loc64 + p->scale64 * winit_u01_f64(x.v[0], x.v[1]);
    v[1] = p->loc64 + p->scale64 * winit_u01_f64(x.v[2], x.v[3]);
}

static inline void block_normal_f64(const winit_plan *p, uint64_t b, double v[2])
{
    winit_u32x4 x = BLOCK(p, b);
    double z[2];
    uint64_t xa = (uint64_t)x.v[0] | ((uint64_t)x.v[1] << 32);
    uint64_t xb = (uint64_t)x.v[2] | ((uint64_t)x.v[3] << 32);
    winit_boxmuller_f64(xa, xb, &z[0], &z[1]);
    v[0] = p->loc64 + p->scale64 * z[0];
    v[1] = p->loc64 + p->scale64 * z[1];
}

static inline void block_truncnorm_f64(const winit_plan *p, uint64_t b, double v[2])
{
    winit_u32x4 x = BLOCK(p, b);
    uint64_t xa = (uint64_t)x.v[0] | ((uint64_t)x.v[1] << 32);
    uint64_t xb = (uint64_t)x.v[2] | ((uint64_t)x.v[3] << 32);
    v[0] = p->loc64 + p->scale64 * winit_trunc_z_f64(&p->trunc64, xa);
    v[1] = p->loc64 + p->scale64 * winit_trunc_z_f64(&p->trunc64, xb);
}

static void raw_u32(const winit_plan *p, uint64_t b0, size_t nb, void *out)
{
    for (size_t j = 0; j < nb; j++) {
        winit_u32x4 x = BLOCK(p, b0 + j);
        memcpy((char *)out + 16 * j, x.v, 16);
    }
}

/* One kernel per (dist, working precision) x output dtype. */
#define DEFINE_F32_KERNELS(NAME, BLOCKFN)                                                  \
    static void NAME##_f32(const winit_plan *p, uint64_t b0, size_t nb, void *out)         \
    {                                                                                      \
        float v[4];                                                                        \
        for (size_t j = 0; j < nb; j++) {                                                  \
            BLOCKFN(p, b0 + j, v);                                                         \
            for (int k = 0; k < 4; k++) store_f32(out, 4 * j + k, v[k]);                   \
        }                                                                                  \
    }                                                                                      \
    static void NAME##_f16(const winit_plan *p, uint64_t b0, size_t nb, void *out)         \
    {                                                                                      \
        float v[4];                                                                        \
        for (size_t j = 0; j < nb; j++) {                                                  \
            BLOCKFN(p, b0 + j, v);                                                         \
            for (int k = 0; k < 4; k++) store_u16(out, 4 * j + k, winit_f32_to_f16_bits(v[k])); \
        }                                                                                  \
    }                                                                                      \
    static void NAME##_bf16(const winit_plan *p, uint64_t b0, size_t nb, void *out)        \
    {                                                                                      \
        float v[4];                                                                        \
        for (size_t j = 0; j < nb; j++) {                                                  \
            BLOCKFN(p, b0 + j, v);                                                         \
            for (int k = 0; k < 4; k++) store_u16(out, 4 * j + k, winit_f32_to_bf16_bits(v[k])); \
        }                                                                                  \
    }

#define DEFINE_F64_KERNEL(NAME, BLOCKFN)                                                   \
    static void NAME##_f64(const winit_plan *p, uint64_t b0, size_t nb, void *out)         \
    {                                                                                      \
        double v[2];                                                                       \
        for (size_t j = 0; j < nb; j++) {                                                  \
            BLOCKFN(p, b0 + j, v);                                                         \
            store_f64(out, 2 * j, v[0]);                                                   \
            store_f64(out, 2 * j + 1, v[1]);                                               \
        }                                                                                  \
    }

DEFINE_F32_KERNELS(uniform, block_uniform_f32)
DEFINE_F32_KERNELS(normal, block_normal_f32)
DEFINE_F32_KERNELS(truncnorm, block_truncnorm_f32)
DEFINE_F64_KERNEL(uniform, block_uniform_f64)
DEFINE_F64_KERNEL(normal, block_normal_f64)
DEFINE_F64_KERNEL(truncnorm, block_truncnorm_f64)

const winit_block_kernel winit_kernels_scalar[WINIT_NDIST][WINIT_NDTYPE] = {
    [WINIT_DIST_RAW] = {[WINIT_DTYPE_U32] = raw_u32},
    [WINIT_DIST_UNIFORM] = {uniform_f32, uniform_f64, uniform_f16, uniform_bf16, NULL},
    [WINIT_DIST_NORMAL] = {normal_f32, normal_f64, normal_f16, normal_bf16, NULL},
    [WINIT_DIST_TRUNCNORM] = {truncnorm_f32, truncnorm_f64, truncnorm_f16, truncnorm_bf16, NULL},
};
