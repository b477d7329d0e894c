"""Processes, threads and signals: Ctrl-C during a long fill, fork after the pool ran,
many Python threads filling at once, set_num_threads while another thread fills.
No timing thresholds: each test checks what happened, not how fast."""
import os
import signal
import threading
import time

import numpy as np
import pytest

import winit


@pytest.mark.parametrize("threads", [1, 2])
def test_ctrl_c_stops_a_long_fill_between_chunks(threads):
    """SIGINT during a fill raises KeyboardInterrupt before the fill ends (the tail of the
    buffer is still unwritten), and the pool then fills correctly again."""
    n = 192 * 2 ** 20  # float64: 1.5 GB, about 0.3 s of work on one thread, in 4M-element chunks
    buf = np.full(n, np.nan)
    timer = threading.Timer(0.02, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            winit.normal(seed=1, out=buf, threads=threads)
            time.sleep(5)  # the fill ended before the signal arrived: wait for it here instead
    finally:
        timer.cancel()
    assert np.isnan(buf[-1])  # stopped early: documented as "partly written"
    small = winit.normal(1000, seed=1, dtype="float64", threads=threads)
    assert np.array_equal(small, winit.normal(1000, seed=1, dtype="float64", threads=1))
    del buf


def test_fill_after_fork_in_a_process_that_used_the_pool():
    want = winit.normal(3_000_000, seed=7, threads=2)  # starts the pool's workers
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: only this thread exists; the pool must start anew
        try:
            got = winit.normal(3_000_000, seed=7, threads=2)
            os.write(w, b"ok" if np.array_equal(got, want) else b"no")
        finally:
            os._exit(0)
    os.close(w)
    deadline = time.monotonic() + 120
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the child hung filling after fork")
        time.sleep(0.05)
    assert os.read(r, 2) == b"ok"
    os.close(r)


def test_eight_python_threads_each_get_their_serial_result():
    jobs = [(seed, 1 + seed % 3, 200_000 + 37 * seed) for seed in range(8)]
    want = {seed: winit.normal(n, seed=seed, threads=1) for seed, _, n in jobs}
    got, errors = {}, []
    barrier = threading.Barrier(len(jobs))

    def work(seed, threads, n):
        try:
            barrier.wait()
            for _ in range(5):
                got[seed] = winit.normal(n, seed=seed, threads=threads)
                assert np.array_equal(got[seed], want[seed])
        except Exception as e:  # reported below
            errors.append((seed, e))

    ts = [threading.Thread(target=work, args=job) for job in jobs]
    [t.start() for t in ts]
    [t.join(120) for t in ts]
    assert not errors and len(got) == len(jobs)


def test_set_num_threads_while_another_thread_fills():
    want = winit.uniform(2_000_000, seed=3, threads=1)
    stop = threading.Event()
    results = []

    def fill():
        while not stop.is_set():
            results.append(np.array_equal(winit.uniform(2_000_000, seed=3), want))

    t = threading.Thread(target=fill)
    t.start()
    before = winit.get_num_threads()
    try:
        for i in range(200):
            winit.set_num_threads(1 + i % 4)
    finally:
        winit.set_num_threads(before)
        stop.set()
        t.join(60)
    assert results and all(results)
