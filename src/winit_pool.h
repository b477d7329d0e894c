/* A small persistent thread pool (pthreads).  winit_pool_run runs
 * fn(arg, share, nshares) for share = 0 .. nshares-1, share 0 on the calling
 * thread, and returns when all are done.  Workers are created on first use and
 * sleep on a condition variable between calls.  If the pool is busy (another
 * thread is filling), or threads cannot be created, the caller runs every
 * share itself: the result is the same, only slower.  Safe across fork(). */
#ifndef WINIT_POOL_H
#define WINIT_POOL_H

typedef void (*winit_pool_fn)(void *arg, int share, int nshares);

void winit_pool_run(winit_pool_fn fn, void *arg, int nshares);

#endif
