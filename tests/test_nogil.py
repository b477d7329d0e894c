"""Fills run without the GIL: another Python thread keeps running meanwhile."""
import sys
import threading

import numpy as np

import winit


def progress_of_other_thread(call, times=5):
    """How far a spinning Python thread counts during each of `times` calls.

    With a switch interval (0.25 s) longer than one call (~30-60 ms), a thread
    waiting for the GIL gets it during a call only if the call releases it
    (or, at most once per interval, by a forced switch)."""
    count = [0]
    stop = threading.Event()
    started = threading.Event()

    def spin():
        started.set()
        while not stop.is_set():
            count[0] += 1

    old = sys.getswitchinterval()
    sys.setswitchinterval(0.25)
    t = threading.Thread(target=spin)
    try:
        t.start()
        started.wait()
        progressed = []
        for _ in range(times):
            before = count[0]
            call()
            progressed.append(count[0] - before)
    finally:
        stop.set()
        sys.setswitchinterval(old)
        t.join()
    return progressed


def test_other_python_thread_runs_during_a_fill():
    # 32M values (~30 ms on a fast core): long enough for the other thread to be scheduled
    # while the GIL is released; on a loaded machine a call may still end before it is, so
    # the claim is that it ran during most calls (the control below: during none of most).
    out = np.ones(1 << 25, np.float32)
    progressed = progress_of_other_thread(lambda: winit.truncated_normal(seed=1, out=out, threads=1))
    assert sorted(progressed)[len(progressed) // 2] > 0, progressed


def test_the_probe_sees_a_call_that_holds_the_gil():
    # Control: bytes.count holds the GIL for ~50 ms; the spinning thread then
    # stalls in most calls, so the probe above can fail.
    data = b"a" * (1 << 27)
    progressed = progress_of_other_thread(lambda: data.count(b"b"))
    assert min(progressed) == 0, progressed
