/* Block kernels: the words -> values layer (SPEC 1.3), one source
 * (winit_kernels_impl.h) compiled once per instruction-set target.
 *
 * Design note.  A *block kernel* fills every element of `nblocks` whole
 * Philox blocks, starting at block `first_block`, into `out` (which need not be
 * aligned, unless it asks for non-temporal stores).  Elements per block: 4 for 32-bit and 16-bit outputs, 2 for
 * float64 (uniform float64 and normal float64 use two words per element or a
 * pair of 64-bit values per block).  winit_fill.c cuts a request into a partial
 * head block, a run of whole blocks and a partial tail block, so the kernels
 * never deal with odd offsets.  Every target runs the same source over its
 * vector ops (src/simd/), so all give the same bits (built with
 * -ffp-contract=off: no fused operation but the written ones).
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

/* Everything a kernel needs, prepared once per call by winit_plan_init (nontemporal:
   by winit_plan_hint_total; winit_fill.c reads it to choose the stores). */
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
    int nontemporal;         /* the whole request is large: non-temporal stores */
} winit_plan;

/* nt: non-temporal stores allowed (out is then aligned to 64 bytes). */
typedef void (*winit_block_kernel)(const winit_plan *p, uint64_t first_block,
                                   size_t nblocks, void *out, int nt);

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

/* Kernel tables, indexed [dist][dtype]; NULL where the pair is not offered.
 * One per compiled target (src/winit_kernels_<target>.c, each an instance of
 * winit_kernels_impl.h); winit_fill.c lists them in its dispatch table. */
typedef const winit_block_kernel winit_kernel_table[WINIT_NDIST][WINIT_NDTYPE];
extern winit_kernel_table winit_kernels_scalar, winit_kernels_emu8, winit_kernels_emu16;
#if defined(__x86_64__)
#define WINIT_X86_TARGETS 1
extern winit_kernel_table winit_kernels_sse2, winit_kernels_avx2, winit_kernels_avx512;
#endif
#if defined(__aarch64__)
#define WINIT_NEON_TARGET 1
extern winit_kernel_table winit_kernels_neon;
#endif

#endif /* WINIT_KERNELS_H */
