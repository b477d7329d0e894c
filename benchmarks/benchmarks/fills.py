"""In-place fills into pre-faulted buffers: winit against numpy (PCG64) and torch.

Read a row of winit against the numpy/torch rows with the same dist, dtype and size at
threads=1: the peers run on one thread only (numpy has no thread count; torch's CPU
normal_/uniform_ use one thread whatever torch.set_num_threads says), so their threads='all'
combinations are skipped rather than measured twice.  numpy has no truncated normal: its
"truncated" row is standard_normal; torch's is torch.nn.init.trunc_normal_(a=-2, b=2), run
at 1M only (at 64M one call takes 10-30 s on a 2-core VM: its 1M rows tell the same story).
The fills themselves are winit/_peers.py's, the ones `winit bench` runs.
"""
from ._common import SIZES, asv_setup, peers, skip, warm_up


class Fill:
    params = [
        ["winit", "numpy", "torch"],
        ["normal", "uniform", "truncated"],
        ["float32", "float64", "bfloat16"],
        ["1", "all"],
        ["1M", "64M"],
    ]
    param_names = ["peer", "dist", "dtype", "threads", "size"]
    # asv re-runs setup before every sample and then times one call: up to 25 samples (the
    # 1M calls take milliseconds), stopping after 2 s (a 64M call takes 0.05-3 s: 1-2 samples).
    repeat = (1, 25, 2.0)
    warmup_time = 0.0  # setup warms up (once per process, see _common.warm_up)
    timeout = 600

    @asv_setup
    def setup(self, peer, dist, dtype, threads, size):
        n = SIZES[size]
        if peer != "winit" and threads != "1":
            skip("%s runs on one thread: read its threads=1 row" % peer)
        if peer == "torch" and dist == "truncated" and n > peers.TORCH_TRUNC_MAX:
            skip("torch trunc_normal_ runs at 1M only (a 64M call takes 10-30 s)")
        nthreads = peers.all_threads() if threads == "all" else int(threads)

        def make(a):
            return peers.peer_fill(peer, dist, a, nthreads)[0]

        a = peers.buffer(dtype, n)
        self.call = make(a)
        warm_up((peer, dist, dtype, threads, size), make, a)

    def time_fill(self, peer, dist, dtype, threads, size):
        self.call()
