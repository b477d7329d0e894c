/* Any element range -> whole-block kernels, plus regions, threads and ISA
 * dispatch.  Because every element is a pure function of its index, the way
 * the work is cut (head/body/tail, threads, rows) cannot change any value. */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "winit_fill.h"
#include "winit_pool.h"

/* ---- targets: the dispatch table ------------------------------------------
 *
 * One row per compiled target, in order of preference: AUTO takes the first
 * row that is not emulated and that this CPU runs.  The Python layer and the
 * tests read this table (winit._core.isas()); nothing else names a target. */

static int cpu_any(void) { return 1; }
#ifdef WINIT_X86_TARGETS
static int cpu_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}
static int cpu_avx512(void)
{
    return cpu_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
}
#endif

typedef struct {
    const char *name;
    int lanes;    /* blocks per vector group */
    int emulated; /* plain C standing in for a wide target: for tests, never AUTO */
    int (*cpu_runs)(void);
    winit_kernel_table *kernels;
} winit_target;

static const winit_target targets[] = {
#ifdef WINIT_X86_TARGETS
    {"avx512", 16, 0, cpu_avx512, &winit_kernels_avx512},
    {"avx2", 8, 0, cpu_avx2, &winit_kernels_avx2},
    {"sse2", 4, 0, cpu_any, &winit_kernels_sse2},
#endif
#ifdef WINIT_NEON_TARGET
    {"neon", 4, 0, cpu_any, &winit_kernels_neon},
#endif
    {"scalar", 1, 0, cpu_any, &winit_kernels_scalar},
    {"emu16", 16, 1, cpu_any, &winit_kernels_emu16},
    {"emu8", 8, 1, cpu_any, &winit_kernels_emu8},
};
#define NTARGETS ((int)(sizeof targets / sizeof targets[0]))

int winit_isa_count(void) { return NTARGETS; }
const char *winit_isa_name(int i) { return (i >= 0 && i < NTARGETS) ? targets[i].name : NULL; }
int winit_isa_lanes(int i) { return (i >= 0 && i < NTARGETS) ? targets[i].lanes : 0; }
int winit_isa_emulated(int i) { return (i >= 0 && i < NTARGETS) ? targets[i].emulated : 0; }
int winit_isa_runs(int i) { return (i >= 0 && i < NTARGETS) ? targets[i].cpu_runs() : 0; }

int winit_isa_find(const char *name)
{
    for (int i = 0; i < NTARGETS; i++)
        if (strcmp(targets[i].name, name) == 0) return i;
    return WINIT_ISA_NONE;
}

static int isa_in_use = -1; /* resolved on first use */

int winit_set_isa(int isa)
{
    if (isa == WINIT_ISA_AUTO) {
        for (int i = 0; i < NTARGETS; i++)
            if (!targets[i].emulated && targets[i].cpu_runs()) { isa_in_use = i; return WINIT_OK; }
        return WINIT_EINVAL; /* not reached: scalar runs everywhere */
    }
    if (isa < 0 || isa >= NTARGETS || !targets[isa].cpu_runs()) return WINIT_EINVAL;
    isa_in_use = isa;
    return WINIT_OK;
}

int winit_get_isa(void)
{
    if (isa_in_use < 0) winit_set_isa(WINIT_ISA_AUTO);
    return isa_in_use;
}

/* every target's table has the same entries (one initializer, winit_kernels_impl.h) */
static winit_block_kernel pick_kernel(const winit_plan *p)
{
    return (*targets[winit_get_isa()].kernels)[p->dist][p->dtype];
}

/* ---- non-temporal stores ------------------------------------------------------
 *
 * A fill larger than the last-level cache would only evict what is there and
 * pay a read of every line it writes: such fills use non-temporal stores.  The
 * choice depends on the size alone and changes no value. */

static size_t stream_threshold = 0; /* bytes; 0: not yet set */

static size_t default_stream_threshold(void)
{
    long llc = -1;
#ifdef _SC_LEVEL3_CACHE_SIZE
    llc = sysconf(_SC_LEVEL3_CACHE_SIZE);
#endif
    return llc > (long)(4u << 20) ? (size_t)llc : (size_t)(32u << 20);
}

void winit_set_stream_threshold(size_t bytes) { stream_threshold = bytes ? bytes : default_stream_threshold(); }

size_t winit_get_stream_threshold(void)
{
    if (stream_threshold == 0) stream_threshold = default_stream_threshold();
    return stream_threshold;
}

/* Whether a request of this many elements is large enough for non-temporal stores. */
static int large_request(const winit_plan *plan, size_t elements)
{
    return elements >= winit_get_stream_threshold() / winit_itemsize(plan->dtype);
}

void winit_plan_hint_total(winit_plan *plan, size_t elements) { plan->nontemporal = large_request(plan, elements); }

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

/* Elements [first, first + n) into out, n >= 1; nt: non-temporal stores for
   the whole blocks from the first 64-byte boundary on, where one is reachable. */
static void fill_run(const winit_plan *p, winit_block_kernel body, uint64_t first, char *out, size_t n, int nt)
{
    const unsigned per = winit_per_block(p->dist, p->dtype);
    const size_t isz = winit_itemsize(p->dtype);
    winit_block_kernel one = winit_kernels_scalar[p->dist][p->dtype];
    unsigned char tmp[32]; /* one block of output (at most 16 bytes) */

    uint64_t b = first / per;
    unsigned skip = (unsigned)(first % per);
    if (skip) { /* partial head block */
        size_t take = per - skip;
        if (take > n) take = n;
        one(p, b, 1, tmp, 0);
        memcpy(out, tmp + skip * isz, take * isz);
        out += take * isz;
        n -= take;
        b++;
    }
    size_t whole = n / per;
    if (whole) {
        const size_t bpb = per * isz;
        size_t lead = whole, mis = (size_t)((uintptr_t)out & 63u);
        /* (a short run is not worth a second kernel call) */
        if (nt && whole >= 256 && mis % bpb == 0) lead = ((64 - mis) & 63u) / bpb;
        if (lead) body(p, b, lead, out, 0);
        if (whole > lead) body(p, b + lead, whole - lead, out + lead * bpb, 1);
        out += whole * bpb;
        n -= whole * per;
        b += whole;
    }
    if (n) { /* partial tail block */
        one(p, b, 1, tmp, 0);
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
    int nt;
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
            fill_run(j->plan, j->body, first, dst, count, j->nt);
        } else {
            for (size_t e = 0; e < count; e++)
                fill_run(j->plan, j->body, first + (uint64_t)((int64_t)e * j->step), dst + e * isz, 1, 0);
        }
        lo += count;
    }
}

/* [lo, hi) of share `share` of nshares over total items, cut on multiples of 64 */
static void share_span(size_t total, int share, int nshares, size_t *lo, size_t *hi)
{
    size_t units = (total + 63) / 64;
    *lo = (size_t)((unsigned __int128)units * (unsigned)share / (unsigned)nshares) * 64;
    *hi = (size_t)((unsigned __int128)units * (unsigned)(share + 1) / (unsigned)nshares) * 64;
    if (*hi > total) *hi = total;
}

/* Shares are cut on multiples of 64 elements (whole blocks whenever rows
 * start on a block boundary), so no block is computed twice there. */
static void fill_share(void *arg, int share, int nshares)
{
    const fill_job *j = (const fill_job *)arg;
    size_t lo, hi;
    share_span(j->nrows * j->row_len, share, nshares, &lo, &hi);
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
    size_t total = nrows * row_len;
    int nt = plan->nontemporal || large_request(plan, total);
    fill_job job = {plan, pick_kernel(plan), starts, nrows, row_len, step, (char *)out, nt};
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

/* ---- the streaming-store ceiling ------------------------------------------
 *
 * Write `bytes` at out with non-temporal stores on nthreads threads (x86-64;
 * ordinary stores elsewhere): the write bandwidth no fill can pass (winit bench
 * reports each fill as a share of it).  The data vary and are not zero: some
 * CPUs write zero lines faster. */

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

typedef struct {
    char *out;
    size_t bytes;
} write_job;

static void write_share(void *arg, int share, int nshares)
{
    const write_job *j = (const write_job *)arg;
    size_t lo, hi;
    share_span(j->bytes, share, nshares, &lo, &hi);
    char *d = j->out + lo, *end = j->out + hi;
#if defined(__x86_64__)
    __m128i v = _mm_setr_epi32(0x3f800000, 0x40000000, 0x40400000, 0x40800000);
    const __m128i inc = _mm_set1_epi32(1);
    while (d < end && ((uintptr_t)d & 15u)) *d++ = 0x5a;
    for (; d + 64 <= end; d += 64) {
        _mm_stream_si128((__m128i *)d, v);
        _mm_stream_si128((__m128i *)(d + 16), _mm_add_epi32(v, inc));
        _mm_stream_si128((__m128i *)(d + 32), _mm_sub_epi32(v, inc));
        _mm_stream_si128((__m128i *)(d + 48), _mm_xor_si128(v, inc));
        v = _mm_add_epi32(v, inc);
    }
    _mm_sfence();
#endif
    if (d < end) memset(d, 0x5a, (size_t)(end - d));
}

void winit_stream_write(void *out, size_t bytes, int nthreads)
{
    write_job job = {(char *)out, bytes};
    int shares = nthreads < 1 ? 1 : nthreads;
    if (bytes < (size_t)shares * 4096) shares = 1;
    winit_pool_run(write_share, &job, shares);
}

