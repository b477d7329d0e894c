/* Block kernels: the words -> values layer (SPEC 1.3), shared by the scalar
 * and the AVX2 paths.
 *
 * Design note.  A *block kernel* fills every element of `nblocks` whole
 * Philox blocks, starting at block `first_block`, into `out` (which need not be
 * aligned).  Elements per block: 4 for 32-bit and 16-bit outputs, 2 for
 * float64 (uniform float64 and normal float64 use two words per element or a
 * pair of 64-bit values per block).  winit_fill.c cuts a request into a partial
 * head block, a run of whole blocks and a partial tail block, so the kernels
 * never deal with odd offsets.  The scalar kernels define the values; the AVX2
 * kernels perform the same IEEE operations in the same order, so both give the
 * same bits (built with -ffp-contract=off; FMA only where both use fma()).
 */
#ifndef WINIT_KERNELS_H
#define WINIT_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "winit_math.h"

typedef enum {
    WINIT_DIST_RAW = 0,       /* raw uint32 words */
    WINIT_DIST_UNIFORM = 1,   /* low + (high - low) * u */
    WINIT_DIST_NORMAL = 2,    /* mean + std * z, Box-Muller */
    WINIT_DIST_TRUNCNORM = 3, /* mean + std * z, inverse CDF on [a, b] */
    WINIT_NDIST = 4
} winit_dist;

typedef enum {
    WINIT_DTYPE_F32 = 0,
    WINIT_DTYPE_F64 = 1,
    WINIT_DTYPE_F16 = 2,  /* IEEE binary16, stored as uint16 bits */
    WINIT_DTYPE_BF16 = 3, /* bfloat16, stored as uint16 bits */
    WINIT_DTYPE_U32 = 4,  /* raw words only */
    WINIT_NDTYPE = 5
} winit_dtype;

/* Everything a kernel needs, prepared once per call by winit_plan_init. */
typedef struct {
    uint64_t seed;
    uint64_t stream;
    int dist;
    int dtype;
    /* uniform: loc = low, scale = high - low (rounded in the working precision);
       normal / truncated normal: loc = mean, scale = std. */
    float loc32, scale32;
    double loc64, scale64;
    winit_trunc_f32 trunc32; /* truncated normal setup, working precision float32 */
    winit_trunc_f64 trunc64; /* truncated normal setup, working precision float64 */
} winit_plan;

typedef void (*winit_block_kernel)(const winit_plan *p, uint64_t first_block,
                                   size_t nblocks, void *out);

/* Elements produced by one block for this (dist, dtype). */
static inline unsigned winit_per_block(int dist, int dtype)
{
    (void)dist;
    return dtype == WINIT_DTYPE_F64 ? 2u : 4u;
}

/* Bytes per output element. */
static inline unsigned winit_itemsize(int dtype)
{
    switch (dtype) {
    case WINIT_DTYPE_F64: return 8;
    case WINIT_DTYPE_F16:
    case WINIT_DTYPE_BF16: return 2;
    default: return 4;
    }
}

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

/* Kernel tables, indexed [dist][dtype]; NULL where the pair is not offered. */
extern const winit_block_kernel winit_kernels_scalar[WINIT_NDIST][WINIT_NDTYPE];
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#define WINIT_HAVE_AVX2_KERNELS 1
extern const winit_block_kernel winit_kernels_avx2[WINIT_NDIST][WINIT_NDTYPE];
#endif

#endif /* WINIT_KERNELS_H */
