"""winit.dask: chunked lazy arrays equal the single-machine result bit for bit."""
import dask
import numpy as np
import pytest

import winit
import winit.dask as wd


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("chunks", [(7, 5), (64, 33), (100, 1), "auto", (1, 50)])
@pytest.mark.parametrize(
    "lazy, eager",
    [
        (lambda s, **k: wd.normal(s, 0.5, 2.0, **k), lambda s, **k: winit.normal(s, 0.5, 2.0, **k)),
        (lambda s, **k: wd.uniform(s, -1, 3, **k), lambda s, **k: winit.uniform(s, -1, 3, **k)),
        (lambda s, **k: wd.truncated_normal(s, 0, 1, -1, 3, **k),
         lambda s, **k: winit.truncated_normal(s, 0, 1, -1, 3, **k)),
    ],
    ids=["normal", "uniform", "truncated_normal"],
)
def test_chunked_equals_eager(lazy, eager, chunks):
    shape = (100, 50)
    got = lazy(shape, seed=11, name="enc.w", chunks=chunks, offset=3)
    assert isinstance(got, dask.array.Array)
    same_bits(got.compute(scheduler="threads"), eager(shape, seed=11, name="enc.w", offset=3))


@pytest.mark.parametrize("dtype", ["float64", "float16", "bfloat16"])
def test_dtypes_and_processes_scheduler(dtype):
    # Forked workers (after this process has run winit's thread pool) compute
    # the same bits: the pool is rebuilt in the child.  fork, not spawn, so the
    # workers use the winit this process imported (run from a source checkout,
    # a spawned worker would import the uncompiled tree).
    winit.normal(10**6, seed=0, threads=2)
    got = wd.normal((30, 40), seed=2, dtype=dtype, chunks=(16, 16), threads=2)
    old = winit._core._get_parallel_threshold()
    winit._core._set_parallel_threshold(32)  # so the children's chunks use the pool too
    try:
        with dask.config.set({"multiprocessing.context": "fork"}):
            computed = got.compute(scheduler="processes")
    finally:
        winit._core._set_parallel_threshold(old)
    same_bits(computed, winit.normal((30, 40), seed=2, dtype=dtype))


def test_scheme_init_equals_eager():
    got = wd.init("he_normal", (64, 3, 3, 32), seed=4, chunks=(16, 3, 3, 8))
    same_bits(got.compute(), winit.init("he_normal", (64, 3, 3, 32), seed=4))


def test_seed_none_is_fixed_once_per_array():
    winit.manual_seed(5)
    a = wd.normal((20, 20), chunks=(5, 5))
    assert a.compute().tobytes() == a.compute().tobytes()


def test_bad_arguments_refused_eagerly():
    with pytest.raises(ValueError, match="std"):
        wd.normal((10, 10), std=-1.0, seed=0)
    with pytest.raises(TypeError, match="seed"):
        wd.uniform((10, 10), seed=1.5)
    with pytest.raises(ValueError, match="orthogonal"):
        wd.init("orthogonal", (10, 10), seed=0)


CLUSTER_SCRIPT = """
import sys, numpy as np, distributed, winit, winit.dask as wd
if __name__ == "__main__":
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=50) as cluster, \\
            distributed.Client(cluster, timeout="60s") as client:
        assert len(client.scheduler_info()["workers"]) == 2
        lazy = [wd.normal((300, 70), 0.5, 2.0, seed=4, name="w", chunks=(64, 33)),
                wd.truncated_normal((300, 70), seed=4, chunks=(100, 70), dtype="float64"),
                wd.init("he_normal", (70, 300), seed=4, chunks=(35, 64))]
        got = client.compute(lazy, sync=True)
    want = [winit.normal((300, 70), 0.5, 2.0, seed=4, name="w"),
            winit.truncated_normal((300, 70), seed=4, dtype="float64"), winit.he_normal((70, 300), seed=4)]
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.tobytes() == w.tobytes()
    print("equal")
"""


def test_local_cluster_worker_processes_equal_eager(tmp_path):
    """Chunks computed in worker processes (distributed.LocalCluster, processes=True), in a
    subprocess with a time limit so that a cluster that cannot start fails instead of hanging."""
    import subprocess
    import sys

    import distributed  # noqa: F401  (the test extra installs it; the cluster runs in the script)
    script = tmp_path / "cluster.py"
    script.write_text(CLUSTER_SCRIPT)
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=180,
                       cwd=tmp_path)  # not the checkout: its winit/ has no compiled core
    assert r.returncode == 0 and r.stdout.strip() == "equal", r.stderr[-3000:]
