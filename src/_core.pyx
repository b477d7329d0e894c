# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""winit._core: the thin layer between Python and the C fill functions.

Which layer does what:
  - winit/_validate.py checks user arguments (shapes, seeds, dtypes, bounds)
    and turns them into plain numbers;
  - this module checks the buffer it is given precisely (ndarray, C-contiguous,
    writable, native byte order, item size of the dtype code) with the GIL
    held, then makes one C call inside ``with nogil``;
  - src/winit_fill.c cuts the work and runs the kernels.
Nothing here allocates output: the caller owns the buffer.
"""
from cpython.exc cimport PyErr_CheckSignals
from libc.stdint cimport uint32_t, uint64_t, int64_t
cimport numpy as cnp
import numpy as np

from winit_fill cimport *

cnp.import_array()

DIST_RAW = WINIT_DIST_RAW
DIST_UNIFORM = WINIT_DIST_UNIFORM
DIST_NORMAL = WINIT_DIST_NORMAL
DIST_TRUNCNORM = WINIT_DIST_TRUNCNORM
DTYPE_F32 = WINIT_DTYPE_F32
DTYPE_F64 = WINIT_DTYPE_F64
DTYPE_F16 = WINIT_DTYPE_F16
DTYPE_BF16 = WINIT_DTYPE_BF16
DTYPE_U32 = WINIT_DTYPE_U32


def philox4x32(counter, key, int rounds=10):
    """One Philox4x32-R block: four counter words and two key words in, four words out."""
    cdef uint32_t c[4]
    cdef uint32_t k[2]
    cdef winit_u32x4 r
    for i in range(4):
        c[i] = counter[i]
    for i in range(2):
        k[i] = key[i]
    r = winit_philox4x32_rounds(c, k, rounds)
    return (r.v[0], r.v[1], r.v[2], r.v[3])


# Elements per thread filled between two looks for a pending signal (Ctrl-C): a few ms on the
# vector path, ~0.1 s on the scalar path at its slowest, so KeyboardInterrupt comes promptly.
cdef size_t CHUNK = 1 << 22


cdef void _check_out(cnp.ndarray out, int dtype) except *:
    if not cnp.PyArray_IS_C_CONTIGUOUS(out):
        raise ValueError("out must be C-contiguous here (winit copies other layouts)")
    if not cnp.PyArray_ISWRITEABLE(out):
        raise ValueError("out must be writable")
    if not out.dtype.isnative:
        raise ValueError("out must be in native byte order")
    if <unsigned>cnp.PyArray_ITEMSIZE(out) != winit_itemsize(dtype):
        raise TypeError("out has item size %d, the dtype code needs %d"
                        % (cnp.PyArray_ITEMSIZE(out), winit_itemsize(dtype)))


cdef int _plan(winit_plan *plan, int dist, int dtype, uint64_t seed, uint64_t stream,
               double p0, double p1, double lower, double upper) except -1:
    if winit_plan_init(plan, dist, dtype, seed, stream, p0, p1, lower, upper) != WINIT_OK:
        raise ValueError("unsupported distribution/dtype code or parameters (%d, %d)" % (dist, dtype))
    return 0


cdef int _status(int rc) except -1:
    if rc == WINIT_OK:
        return 0
    if rc == WINIT_ERANGE:
        raise ValueError("offset: element indices must stay below 2**64")
    raise ValueError("invalid fill request (status %d)" % rc)


def fill(cnp.ndarray out not None, int dist, int dtype, uint64_t seed, uint64_t stream,
         double p0, double p1, double lower, double upper, uint64_t first, int threads):
    """Fill the C-contiguous array ``out`` with elements first, first+1, ..."""
    cdef winit_plan plan
    cdef void *data
    cdef size_t n
    cdef int rc
    _check_out(out, dtype)
    _plan(&plan, dist, dtype, seed, stream, p0, p1, lower, upper)
    data = cnp.PyArray_DATA(out)
    n = <size_t>cnp.PyArray_SIZE(out)
    winit_plan_hint_total(&plan, n)  # the chunks below belong to one request
    cdef size_t done = 0, part, isz = winit_itemsize(dtype)
    cdef size_t step = CHUNK * <size_t>(threads if threads > 1 else 1)
    while True:  # chunk by chunk, so that Ctrl-C is seen between them (values do not change)
        part = n - done if n - done < step else step
        with nogil:
            rc = winit_fill(&plan, first + done, <char *>data + done * isz, part, threads)
        _status(rc)
        done += part
        if done >= n:
            return out
        PyErr_CheckSignals()


def fill_rows(cnp.ndarray out not None, int dist, int dtype, uint64_t seed, uint64_t stream,
              double p0, double p1, double lower, double upper,
              const uint64_t[::1] starts, size_t row_len, int64_t step, int threads):
    """Fill ``out`` (len(starts) * row_len elements) with a strided region:
    element k of row r has index starts[r] + k * step."""
    cdef winit_plan plan
    cdef void *data
    cdef size_t nrows = starts.shape[0]
    cdef int rc
    _check_out(out, dtype)
    if <size_t>cnp.PyArray_SIZE(out) != nrows * row_len:
        raise ValueError("out has %d elements, the region has %d" % (cnp.PyArray_SIZE(out), nrows * row_len))
    _plan(&plan, dist, dtype, seed, stream, p0, p1, lower, upper)
    data = cnp.PyArray_DATA(out)
    if nrows == 0 or row_len == 0:
        return out
    winit_plan_hint_total(&plan, nrows * row_len)
    cdef size_t done = 0, part, isz = winit_itemsize(dtype)
    cdef size_t rows_per = CHUNK * <size_t>(threads if threads > 1 else 1) // row_len
    if rows_per == 0:
        rows_per = 1
    while True:
        part = nrows - done if nrows - done < rows_per else rows_per
        with nogil:
            rc = winit_fill_rows(&plan, &starts[done], part, row_len, step,
                                 <char *>data + done * row_len * isz, threads)
        _status(rc)
        done += part
        if done >= nrows:
            return out
        PyErr_CheckSignals()


def isas():
    """The compiled instruction-set targets, in order of preference: a list of dicts with
    ``name``, ``lanes`` (Philox blocks per vector group), ``emulated`` (plain C standing in for
    a wide target, for tests; never chosen automatically) and ``runs`` (this CPU can run it)."""
    return [{"name": winit_isa_name(i).decode("ascii"), "lanes": winit_isa_lanes(i),
             "emulated": bool(winit_isa_emulated(i)), "runs": bool(winit_isa_runs(i))}
            for i in range(winit_isa_count())]


def _set_isa(name):
    """Force the kernel target by name (see isas()), or "auto": the best one this CPU runs."""
    code = WINIT_ISA_NONE
    if name == "auto":
        code = WINIT_ISA_AUTO
    elif isinstance(name, str) and name.isascii():
        code = winit_isa_find(name.encode("ascii"))
    if code == WINIT_ISA_NONE:
        raise ValueError("isa must be one of %s; got %r" % (["auto"] + [t["name"] for t in isas()], name))
    if winit_set_isa(code) != WINIT_OK:
        raise ValueError("isa %r is not available on this CPU (it runs: %s)"
                         % (name, [t["name"] for t in isas() if t["runs"]]))


def _get_isa():
    """The name of the kernel target in use."""
    return winit_isa_name(winit_get_isa()).decode("ascii")


def cpu_has_avx2():
    """Whether this CPU runs the avx2 target (kept for callers of winit.cpu_has_avx2)."""
    cdef int i = winit_isa_find(b"avx2")
    return i != WINIT_ISA_NONE and bool(winit_isa_runs(i))


def _set_stream_threshold(size_t nbytes):
    """Fills of at least this many bytes use non-temporal stores (0: the default, the
    level-3 cache size where the system reports one above 4 MiB, else 32 MiB).  Changes speed
    only, never a value."""
    winit_set_stream_threshold(nbytes)


def _get_stream_threshold():
    return winit_get_stream_threshold()


def stream_write(cnp.ndarray out not None, int threads=1):
    """Overwrite ``out`` (C-contiguous, writable) with non-zero data on ``threads`` threads, by
    non-temporal stores on x86-64 (ordinary ones elsewhere): the write-bandwidth ceiling that
    ``winit bench`` reports fills against."""
    if not cnp.PyArray_IS_C_CONTIGUOUS(out):
        raise ValueError("out must be C-contiguous")
    if not cnp.PyArray_ISWRITEABLE(out):
        raise ValueError("out must be writable")
    cdef void *data = cnp.PyArray_DATA(out)
    cdef size_t nbytes = <size_t>cnp.PyArray_NBYTES(out)
    with nogil:
        winit_stream_write(data, nbytes, threads)
    return out


def _set_parallel_threshold(size_t elements_per_thread):
    """Calls on fewer elements than this per thread stay on one thread."""
    winit_set_parallel_threshold(elements_per_thread)


def _get_parallel_threshold():
    return winit_get_parallel_threshold()
