# Mirrors winit_fill.h (and the enums of winit_kernels.h) one to one.
from libc.stdint cimport uint32_t, uint64_t, int64_t

cdef extern from "winit_kernels.h" nogil:
    ctypedef enum winit_dist:
        WINIT_DIST_RAW
        WINIT_DIST_UNIFORM
        WINIT_DIST_NORMAL
        WINIT_DIST_TRUNCNORM
        WINIT_NDIST

    ctypedef enum winit_dtype:
        WINIT_DTYPE_F32
        WINIT_DTYPE_F64
        WINIT_DTYPE_F16
        WINIT_DTYPE_BF16
        WINIT_DTYPE_U32
        WINIT_NDTYPE

    ctypedef struct winit_plan:
        pass

    unsigned winit_per_block(int dist, int dtype)
    unsigned winit_itemsize(int dtype)

cdef extern from "winit_philox.h" nogil:
    ctypedef struct winit_u32x4:
        uint32_t v[4]
    winit_u32x4 winit_philox4x32_rounds(const uint32_t *ctr, const uint32_t *key, int rounds)

cdef extern from "winit_fill.h" nogil:
    ctypedef enum winit_status:
        WINIT_OK
        WINIT_EINVAL
        WINIT_ERANGE

    enum: WINIT_ISA_AUTO
    enum: WINIT_ISA_NONE

    int winit_plan_init(winit_plan *plan, int dist, int dtype, uint64_t seed, uint64_t stream,
                        double p0, double p1, double lower, double upper)
    int winit_fill(const winit_plan *plan, uint64_t first, void *out, size_t n, int nthreads)
    int winit_fill_rows(const winit_plan *plan, const uint64_t *starts, size_t nrows,
                        size_t row_len, int64_t step, void *out, int nthreads)
    int winit_isa_count()
    const char *winit_isa_name(int isa)
    int winit_isa_lanes(int isa)
    int winit_isa_emulated(int isa)
    int winit_isa_runs(int isa)
    int winit_isa_find(const char *name)
    int winit_set_isa(int isa)
    int winit_get_isa()
    void winit_set_stream_threshold(size_t nbytes)
    size_t winit_get_stream_threshold()
    void winit_plan_hint_total(winit_plan *plan, size_t elements)
    void winit_stream_write(void *out, size_t nbytes, int nthreads)
    void winit_set_parallel_threshold(size_t elements_per_thread)
    size_t winit_get_parallel_threshold()
