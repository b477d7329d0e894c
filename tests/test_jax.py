"""winit.jax: jax.nn.initializers semantics, keys, jit/vmap."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax._src.nn.initializers import _compute_fans as jax_compute_fans
from scipy import stats

import winit
import winit.jax as wj

TRUNC = 0.87962566103423978
SHAPE = (400, 500)
CONV = (3, 3, 64, 128)


def ks(a, b):
    p = stats.ks_2samp(np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()).pvalue
    assert p > 1e-4, f"KS p-value {p}"


CASES = [
    ("uniform", (), SHAPE),
    ("uniform", (3.0,), SHAPE),
    ("normal", (), SHAPE),
    ("normal", (2.0,), SHAPE),
    ("truncated_normal", (), SHAPE),
    ("truncated_normal", (1.0, None, -1.0, 0.5), SHAPE),
    ("variance_scaling", (2.0, "fan_in", "truncated_normal"), CONV),
    ("variance_scaling", (1.0, "fan_geo_avg", "normal"), SHAPE),
    ("variance_scaling", (0.5, "fan_out", "uniform"), SHAPE),
    ("variance_scaling", (1.0, "fan_avg", "normal", (0, 1), 3), CONV),
    ("variance_scaling", (1.0, "fan_in", "uniform", 1, 2, 0), (6, 128, 256)),
    ("glorot_uniform", (), SHAPE), ("glorot_normal", (), SHAPE),
    ("he_uniform", (), SHAPE), ("he_normal", (), CONV),
    ("lecun_uniform", (), SHAPE), ("lecun_normal", (), SHAPE),
    ("orthogonal", (), (3, 3, 32, 16)),
    ("orthogonal", (2.0, 0), (64, 5, 6)),
    ("delta_orthogonal", (), (3, 3, 16, 32)),
]


@pytest.mark.parametrize("name,args,shape", CASES)
def test_distribution_matches_jax(name, args, shape):
    ours = getattr(wj, name)(*args)(jax.random.key(1), shape)
    theirs = getattr(jax.nn.initializers, name)(*args)(jax.random.key(1), shape)
    assert ours.shape == theirs.shape == shape and ours.dtype == theirs.dtype == jnp.float32
    o, t = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    if name == "delta_orthogonal":
        assert (o == 0).sum() == (t == 0).sum()
        o, t = o[1, 1], t[1, 1]
        np.testing.assert_allclose(o @ o.T, np.eye(16), atol=1e-5)
    ks(o, t)
    if "uniform" in name or "uniform" in args:
        tol = 2e-3 * (t.max() - t.min())
        assert abs(o.min() - t.min()) < tol and abs(o.max() - t.max()) < tol


def test_aliases_like_jax():
    assert wj.xavier_uniform is wj.glorot_uniform and wj.xavier_normal is wj.glorot_normal
    assert wj.kaiming_uniform is wj.he_uniform and wj.kaiming_normal is wj.he_normal
    public = {n for n in dir(jax.nn.initializers) if not n.startswith("_")}
    assert public <= set(wj.__all__), public - set(wj.__all__)


def test_truncation_bounds_and_jax_conventions():
    t = np.asarray(wj.truncated_normal(2.0, lower=-1.0, upper=0.5)(0, SHAPE))
    assert t.min() >= -2.0 and t.max() <= 1.0  # bounds in units of stddev, no correction
    h = np.asarray(wj.he_normal()(0, SHAPE))
    cut = 2 * math.sqrt(2 / 400) / TRUNC  # corrected: std after truncation is sqrt(2 / fan_in)
    assert np.abs(h).max() <= cut * (1 + 1e-6) and abs(h.std() / math.sqrt(2 / 400) - 1) < 0.01
    u = np.asarray(wj.uniform(3.0)(0, SHAPE))
    assert u.min() >= 0 and u.max() < 3.0  # JAX's uniform is [0, scale)


def test_values_keys_jit_vmap():
    init = wj.he_normal()
    ref = winit.variance_scaling((64, 32), 2.0, "fan_in", "truncated_normal", seed=42)
    for key in (42, jax.random.PRNGKey(42), jax.random.key(42), np.uint64(42)):
        np.testing.assert_array_equal(np.asarray(init(key, (64, 32))), ref)
    jitted = jax.jit(lambda k: init(k, (64, 32)))
    np.testing.assert_array_equal(np.asarray(jitted(jax.random.key(42))), ref)
    np.testing.assert_array_equal(np.asarray(jitted(jax.random.PRNGKey(42))), ref)
    assert not np.array_equal(np.asarray(jitted(jax.random.key(43))), ref)
    keys = jax.random.split(jax.random.key(0), 3)
    batched = jax.vmap(lambda k: init(k, (4, 3)))(keys)
    assert batched.shape == (3, 4, 3)
    for i in range(3):
        np.testing.assert_array_equal(np.asarray(batched[i]), np.asarray(init(keys[i], (4, 3))))
    o = jax.jit(lambda k: wj.orthogonal()(k, (8, 8)))(jax.random.key(1))
    np.testing.assert_array_equal(np.asarray(o), np.asarray(wj.orthogonal()(jax.random.key(1), (8, 8))))
    # larger keys (e.g. rbg) are hashed deterministically
    assert wj.key_to_seed(np.arange(4, dtype=np.uint32)) == wj.key_to_seed(np.arange(4, dtype=np.uint32))
    assert wj.key_to_seed(np.array([1, 2], np.uint32)) == (1 << 32) + 2


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float16, jnp.bfloat16])
def test_dtypes(dtype):
    for f in (wj.glorot_normal(), wj.normal(), wj.orthogonal(), wj.constant(0.5), wj.zeros, wj.ones):
        assert f(0, (6, 4), dtype).dtype == dtype
    assert wj.he_uniform(dtype=dtype)(0, (3, 3)).dtype == dtype


def test_fans_like_jax():
    for shape, kw in [((3, 4), {}), (CONV, {}), (CONV, {"in_axis": (0, 1), "out_axis": 3}),
                      ((6, 128, 256), {"in_axis": 1, "out_axis": 2, "batch_axis": 0}),
                      ((5, 6), {"in_axis": 0, "out_axis": 1})]:
        assert winit._schemes.jax_fans(shape, **kw) == jax_compute_fans(shape, **kw)


def test_errors():
    with pytest.raises(ValueError, match=r"did you mean 'fan_in'"):
        wj.variance_scaling(1.0, "fan_inn", "normal")
    with pytest.raises(ValueError, match=r"did you mean 'uniform'"):
        wj.variance_scaling(1.0, "fan_in", "unifrom")
    with pytest.raises(ValueError, match="default in_axis"):
        wj.he_normal()(0, (5,))
    with pytest.raises(ValueError, match="at least a 2D"):
        wj.orthogonal()(0, (5,))
    with pytest.raises(ValueError, match="3D, 4D or 5D"):
        wj.delta_orthogonal()(0, (3, 3))
    with pytest.raises(TypeError, match="winit.jax initializers produce dtypes"):
        wj.he_normal()(0, (3, 3), jnp.int32)
    with pytest.raises(TypeError, match="key"):
        wj.he_normal()("k", (3, 3))
    with pytest.raises(ValueError, match="key"):
        wj.he_normal()(-1, (3, 3))
    with pytest.raises(TypeError, match="out_sharding"):
        wj.he_normal()(0, (3, 3), out_sharding=object())
    with pytest.raises(ValueError, match="out_sharding: a PartitionSpec needs a mesh"):
        wj.he_normal()(0, (3, 3), out_sharding=jax.sharding.PartitionSpec("x"))
    # errors surface at trace time under jit, not inside the callback
    with pytest.raises(ValueError, match="default in_axis"):
        jax.jit(lambda k: wj.he_normal()(k, (5,)))(jax.random.key(0))


def test_out_sharding_equals_unsharded_on_every_mesh():
    """8 host devices in a subprocess: meshes (8,), (2, 4), (4, 2), several PartitionSpecs."""
    import json
    import os
    import subprocess
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=8", JAX_PLATFORMS="cpu")
    r = subprocess.run([sys.executable, os.path.join(here, "jax_sharded_worker.py")], capture_output=True,
                       text=True, timeout=300, env=env, cwd=here)
    assert r.returncode == 0, r.stderr[-3000:]
    results = json.loads(r.stdout.strip().splitlines()[-1])
    assert len(results) >= 100
    assert all(results.values()), [k for k, v in results.items() if not v]
