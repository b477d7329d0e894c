#include "winit_pool.h"

/* POSIX threads: Linux and macOS, the platforms winit supports (see setup.py). */
#include <pthread.h>
#include <stdatomic.h>

#define WINIT_POOL_MAX_WORKERS 255
#define WINIT_POOL_SPIN 20000 /* pause loops, ~0.1-0.5 ms */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER; /* one job at a time */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;     /* guards the fields below */
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static int nworkers = 0;
static atomic_ulong generation = 0; /* bumped (under lock) for every job */
static int job_workers = 0;   /* workers taking part in the current job */
static int job_pending = 0;   /* of those, how many have not checked out yet */
static winit_pool_fn job_fn;
static void *job_arg;
static int job_nshares;
static atomic_int job_next;   /* next share to hand out */
static int atfork_registered = 0;
/* The generation each worker was created in: a worker created for a job must
   see that job as new, even if it first takes the lock after it was posted. */
static unsigned long born_in[WINIT_POOL_MAX_WORKERS];

/* Take shares until none are left.  Shares are claimed dynamically, so a
 * late-waking worker simply finds nothing to do. */
static void run_shares(winit_pool_fn fn, void *arg, int nshares)
{
    int s;
    while ((s = atomic_fetch_add(&job_next, 1)) < nshares) fn(arg, s, nshares);
}

static void *worker_main(void *p)
{
    int index = (int)(long)p;
    pthread_mutex_lock(&lock);
    unsigned long seen = born_in[index];
    for (;;) {
        while (generation == seen) pthread_cond_wait(&work_cv, &lock);
        seen = generation;
        if (index >= job_workers) continue; /* not needed for this job */
        winit_pool_fn fn = job_fn;
        void *arg = job_arg;
        int n = job_nshares;
        pthread_mutex_unlock(&lock);
        run_shares(fn, arg, n);
        pthread_mutex_lock(&lock);
        /* Check out: the caller waits for every participant, so no worker
           can hold a stale job when the next one starts. */
        if (--job_pending == 0) pthread_cond_signal(&done_cv);
        /* Back-to-back fills are common (one per layer): spin briefly before
           sleeping, so the next job does not pay for waking this core. */
        pthread_mutex_unlock(&lock);
        for (int spin = 0; spin < WINIT_POOL_SPIN && atomic_load_explicit(&generation, memory_order_relaxed) == seen; spin++)
            cpu_relax();
        pthread_mutex_lock(&lock);
    }
    return NULL;
}

/* After fork only the forking thread exists in the child: forget the
 * workers and reset the locks so the child can start its own pool. */
static void pool_atfork_child(void)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    run_lock = m;
    lock = m;
    work_cv = c;
    done_cv = c;
    nworkers = 0;
    job_workers = 0;
    job_pending = 0;
}

/* Called with `lock` held.  Returns how many workers exist (may be fewer than
 * wanted if thread creation fails). */
static int ensure_workers(int wanted)
{
    if (!atfork_registered) {
        pthread_atfork(NULL, NULL, pool_atfork_child);
        atfork_registered = 1;
    }
    if (wanted > WINIT_POOL_MAX_WORKERS) wanted = WINIT_POOL_MAX_WORKERS;
    while (nworkers < wanted) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        born_in[nworkers] = generation;
        int rc = pthread_create(&t, &attr, worker_main, (void *)(long)nworkers);
        pthread_attr_destroy(&attr);
        if (rc != 0) break;
        nworkers++;
    }
    return nworkers;
}

void winit_pool_run(winit_pool_fn fn, void *arg, int nshares)
{
    if (nshares <= 1 || pthread_mutex_trylock(&run_lock) != 0) {
        for (int s = 0; s < nshares; s++) fn(arg, s, nshares);
        return;
    }
    pthread_mutex_lock(&lock);
    int nw = ensure_workers(nshares - 1);
    if (nw > nshares - 1) nw = nshares - 1;
    job_fn = fn;
    job_arg = arg;
    job_nshares = nshares;
    atomic_store(&job_next, 0);
    job_workers = nw;
    job_pending = nw;
    generation++;
    pthread_cond_broadcast(&work_cv);
    pthread_mutex_unlock(&lock);

    run_shares(fn, arg, nshares);

    pthread_mutex_lock(&lock);
    while (job_pending > 0) pthread_cond_wait(&done_cv, &lock);
    pthread_mutex_unlock(&lock);
    pthread_mutex_unlock(&run_lock);
}
