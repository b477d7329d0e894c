/* winit fill API: the only C entry points the Cython layer calls.
 *
 * Layers: winit_philox.h (generator) -> winit_math.h (words -> standard values)
 * -> winit_kernels_impl.h, one instance per target (whole blocks -> scaled output) -> this file
 * (any element range, strided regions, threads, ISA dispatch).  Plans, fills and
 * winit_set_isa return a winit_status (the target queries and the tuning knobs
 * return their value); none touches Python, none allocates on the heap, and all
 * may run without the GIL.  winit_fill.pxd mirrors this header one to one.
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

enum {
    WINIT_ISA_AUTO = -1, /* winit_set_isa: the best target this CPU runs */
    WINIT_ISA_NONE = -2, /* winit_isa_find: no target of that name (winit_set_isa refuses it) */
};

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

/* Targets (rows of the dispatch table, in order of preference), by index. */
int winit_isa_count(void);
const char *winit_isa_name(int isa);
int winit_isa_lanes(int isa);
int winit_isa_emulated(int isa); /* plain C standing in for a wide target */
int winit_isa_runs(int isa);     /* this CPU can run it */
int winit_isa_find(const char *name); /* index, or WINIT_ISA_NONE */
int winit_set_isa(int isa);      /* an index or WINIT_ISA_AUTO; WINIT_EINVAL if the CPU cannot */
int winit_get_isa(void);         /* the index in use */

/* Fills of at least this many bytes use non-temporal stores (0: the default,
 * the level-3 cache size where the system reports one above 4 MiB, else 32 MiB).  winit_plan_hint_total tells a plan the size of
 * the whole request when it is filled in several calls. */
void winit_set_stream_threshold(size_t bytes);
size_t winit_get_stream_threshold(void);
void winit_plan_hint_total(winit_plan *plan, size_t elements);

/* Write `bytes` of non-zero data at out on nthreads threads, with non-temporal
 * stores on x86-64 (ordinary ones elsewhere): the bandwidth ceiling winit bench
 * reports fills against. */
void winit_stream_write(void *out, size_t bytes, int nthreads);

/* Calls on fewer elements than this per thread run on the calling thread only. */
void winit_set_parallel_threshold(size_t elements_per_thread);
size_t winit_get_parallel_threshold(void);

#endif /* WINIT_FILL_H */
