/* Any element range -> whole-block kernels, plus regions, threads and ISA
 * dispatch.  Because every element is a pure function of its index, the way
 * the work is cut (head/body/tail, threads, rows) cannot change any value. */
#include <math.h>
#include <string.h>

#include "winit_fill.h"
#include "winit_pool.h"

/* ---- ISA dispatch ------------------------------------------------------ */

int winit_cpu_has_avx2(void)
{
#if defined(WINIT_HAVE_AVX2_KERNELS) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __builtin_cpu_supports("f16c");
#else
    return 0;
#endif
}

static int isa_in_use = -1; /* resolved on first use */

int winit_set_isa(int isa)
{
    if (isa == WINIT_ISA_AUTO) {
        isa_in_use = winit_cpu_has_avx2() ? WINIT_ISA_AVX2 : WINIT_ISA_SCALAR;
        return WINIT_OK;
    }
    if (isa == WINIT_ISA_SCALAR) { isa_in_use = WINIT_ISA_SCALAR; return WINIT_OK; }
    if (isa == WINIT_ISA_AVX2 && winit_cpu_has_avx2()) { isa_in_use = WINIT_ISA_AVX2; return WINIT_OK; }
    return WINIT_EINVAL;
}

int winit_get_isa(void)
{
    if (isa_in_use < 0) winit_set_isa(WINIT_ISA_AUTO);
    return isa_in_use;
}

static winit_block_kernel pick_kernel(const winit_plan *p)
{
#ifdef WINIT_HAVE_AVX2_KERNELS
    if (winit_get_isa() == WINIT_ISA_AVX2 && winit_kernels_avx2[p->dist][p->dtype] != NULL)
        return winit_kernels_avx2[p->dist][p->dtype];
#endif
    return winit_kernels_scalar[p->dist][p->dtype];
}

/* ---- plans ------------------------------------------------------------- */

int winit_plan_init(winit_plan *plan, int dist, int dtype, uint64_t seed, uint64_t stream,
                    double p0, double p1, double lower, double upper)
{
    if (dist < 0 || dist >= WINIT_NDIST || dtype < 0 || dtype >= WINIT_NDTYPE) return WINIT_EINVAL;
    if (winit_kernels_scalar[dist][dtype] == NULL) return WINIT_EINVAL;
    memset(plan, 0, sizeof *plan);
    plan->seed = seed;
    plan->stream = stream;
    plan->dist = dist;
    plan->dtype = dtype;
    if (dist == WINIT_DIST_UNIFORM) {
        /* SPEC 1.3: low + (high - low) * u, each step rounded in the working
           precision: the float32 range is the difference of the float32 bounds. */
        plan->loc32 = (float)p0;
        plan->scale32 = (float)p1 - (float)p0;
        plan->loc64 = p0;
        plan->scale64 = p1 - p0;
    } else {
        plan->loc32 = (float)p0;
        plan->scale32 = (float)p1;
        plan->loc64 = p0;
        plan->scale64 = p1;
    }
    if (dist == WINIT_DIST_TRUNCNORM) {
        if (!(lower < upper)) return WINIT_EINVAL;
        /* Only the working precision's setup: each costs a few microseconds. */
        if (dtype == WINIT_DTYPE_F64)
            winit_trunc_init_f64(&plan->trunc64, lower, upper);
        else
            winit_trunc_init_f32(&plan->trunc32, lower, upper);
    }
    return WINIT_OK;
}

/* ---- one contiguous run -------------------------------------------------- */

/* Elements [first, first + n) into out, n >= 1. */
static void fill_run(const winit_plan *p, winit_block_kernel body, uint64_t first, char *out, size_t n)
{
    const unsigned per = winit_per_block(p->dist, p->dtype);
    const size_t isz = winit_itemsize(p->dtype);
    winit_block_kernel one = winit_kernels_scalar[p->dist][p->dtype];
    unsigned char tmp[32]; /* one block of output, at most 4 x 8 bytes */

    uint64_t b = first / per;
    unsigned skip = (unsigned)(first % per);
    if (skip) { /* partial head block */
        size_t take = per - skip;
        if (take > n) take = n;
        one(p, b, 1, tmp);
        memcpy(out, tmp + skip * isz, take * isz);
        out += take * isz;
        n -= take;
        b++;
    }
    size_t whole = n / per;
    if (whole) {
        body(p, b, whole, out);
        out += whole * per * isz;
        n -= whole * per;
        b += whole;
    }
    if (n) { /* partial tail block */
        one(p, b, 1, tmp);
        memcpy(out, tmp, n * isz);
    }
}

/* ---- rows and threads ---------------------------------------------------- */

typedef struct {
    const winit_plan *plan;
    winit_block_kernel body;
    const uint64_t *starts;
    size_t nrows, row_len;
    int64_t step;
    char *out;
} fill_job;

/* Output elements [lo, hi) of the job, walking its rows. */
static void fill_range(const fill_job *j, size_t lo, size_t hi)
{
    const size_t isz = winit_itemsize(j->plan->dtype);
    while (lo < hi) {
        size_t r = lo / j->row_len, k = lo % j->row_len;
        size_t count = j->row_len - k;
        if (count > hi - lo) count = hi - lo;
        char *dst = j->out + lo * isz;
        uint64_t first = j->starts[r] + (uint64_t)((int64_t)k * j->step);
        if (j->step == 1) {
            fill_run(j->plan, j->body, first, dst, count);
        } else {
            for (size_t e = 0; e < count; e++)
                fill_run(j->plan, j->body, first + (uint64_t)((int64_t)e * j->step), dst + e * isz, 1);
        }
        lo += count;
    }
}

/* Shares are cut on multiples of 64 elements (whole blocks whenever rows
 * start on a block boundary), so no block is computed twice there. */
static void fill_share(void *arg, int share, int nshares)
{
    const fill_job *j = (const fill_job *)arg;
    size_t total = j->nrows * j->row_len;
    size_t units = (total + 63) / 64;
    size_t lo = (size_t)((unsigned __int128)units * (unsigned)share / (unsigned)nshares) * 64;
    size_t hi = (size_t)((unsigned __int128)units * (unsigned)(share + 1) / (unsigned)nshares) * 64;
    if (hi > total) hi = total;
    if (lo < hi) fill_range(j, lo, hi);
}

static size_t parallel_threshold = 1u << 17; /* elements per thread */

void winit_set_parallel_threshold(size_t elements_per_thread)
{
    parallel_threshold = elements_per_thread ? elements_per_thread : 1;
}

size_t winit_get_parallel_threshold(void) { return parallel_threshold; }

int winit_fill_rows(const winit_plan *plan, const uint64_t *starts, size_t nrows,
                    size_t row_len, int64_t step, void *out, int nthreads)
{
    if (plan == NULL || plan->dist < 0 || plan->dist >= WINIT_NDIST || plan->dtype < 0 ||
        plan->dtype >= WINIT_NDTYPE || winit_kernels_scalar[plan->dist][plan->dtype] == NULL)
        return WINIT_EINVAL;
    if (nrows == 0 || row_len == 0) return WINIT_OK;
    if (row_len > SIZE_MAX / nrows) return WINIT_ERANGE;
    /* Every index of every row must stay below 2**64. */
    uint64_t span = (uint64_t)(row_len - 1);
    for (size_t r = 0; r < nrows; r++) {
        uint64_t s = starts[r];
        if (step >= 0) {
            if (span != 0 && (uint64_t)step > (UINT64_MAX - s) / span) return WINIT_ERANGE;
        } else {
            uint64_t back = (uint64_t)(-(step + 1)) + 1; /* |step| without overflow */
            if (span != 0 && back > s / span) return WINIT_ERANGE;
        }
    }
    fill_job job = {plan, pick_kernel(plan), starts, nrows, row_len, step, (char *)out};
    size_t total = nrows * row_len;
    int shares = nthreads < 1 ? 1 : nthreads;
    size_t by_size = total / parallel_threshold;
    if ((size_t)shares > by_size) shares = by_size < 1 ? 1 : (int)by_size;
    winit_pool_run(fill_share, &job, shares);
    return WINIT_OK;
}

int winit_fill(const winit_plan *plan, uint64_t first, void *out, size_t n, int nthreads)
{
    if (n == 0) return WINIT_OK;
    if ((uint64_t)(n - 1) > UINT64_MAX - first) return WINIT_ERANGE;
    return winit_fill_rows(plan, &first, 1, n, 1, out, nthreads);
}
