/* winit fill API: the only C entry points the Cython layer calls.
 *
 * Layers: winit_philox.h (generator) -> winit_math.h (words -> standard values)
 * -> winit_kernels_{scalar,avx2}.c (whole blocks -> scaled output) -> this file
 * (any element range, strided regions, threads, ISA dispatch).  Every function
 * returns a winit_status; none touches Python, none allocates on the heap, and
 * all may run without the GIL.  winit_fill.pxd mirrors this header one to one.
 */
#ifndef WINIT_FILL_H
#define WINIT_FILL_H

#include <stddef.h>
#include <stdint.h>

#include "winit_kernels.h"

typedef enum {
    WINIT_OK = 0,
    WINIT_EINVAL = -1, /* unsupported (dist, dtype) or parameters */
    WINIT_ERANGE = -2, /* element indices would pass 2**64 */
} winit_status;

typedef enum { WINIT_ISA_AUTO = 0, WINIT_ISA_SCALAR = 1, WINIT_ISA_AVX2 = 2 } winit_isa;

/* Prepare a plan.  For uniform, (p0, p1) = (low, high); for normal and
 * truncated normal, (p0, p1) = (mean, std) and (lower, upper) are the
 * truncation bounds in std units (ignored otherwise). */
int winit_plan_init(winit_plan *plan, int dist, int dtype, uint64_t seed, uint64_t stream,
                    double p0, double p1, double lower, double upper);

/* Fill `n` elements with element indices first, first+1, ... into out. */
int winit_fill(const winit_plan *plan, uint64_t first, void *out, size_t n, int nthreads);

/* Fill nrows rows of row_len elements; element k of row r has index
 * starts[r] + k * step (step may be negative) and goes to
 * out[r * row_len + k].  This computes a region of a larger logical tensor. */
int winit_fill_rows(const winit_plan *plan, const uint64_t *starts, size_t nrows,
                    size_t row_len, int64_t step, void *out, int nthreads);

/* Kernel selection: AUTO picks AVX2+FMA when the CPU has it. */
int winit_set_isa(int isa);     /* returns WINIT_EINVAL if that ISA is unavailable */
int winit_get_isa(void);        /* the ISA in use now (SCALAR or AVX2) */
int winit_cpu_has_avx2(void);

/* Calls on fewer elements than this per thread run on the calling thread only. */
void winit_set_parallel_threshold(size_t elements_per_thread);
size_t winit_get_parallel_threshold(void);

#endif /* WINIT_FILL_H */
