"""Drop-in fidelity: what the frameworks' own initializer tests found, pinned.

Distribution claims are two-sample KS tests against the framework's own initializer with
fixed seeds; each test's family of comparisons is Bonferroni-corrected to a false-alarm
rate of 1e-3.
"""
import math
import os

import numpy as np
import pytest
from scipy import stats

os.environ.setdefault("KERAS_BACKEND", "torch")

import jax  # noqa: E402  (the test extra installs keras, torch and jax)
import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import torch  # noqa: E402

import winit  # noqa: E402
from winit import _complex  # noqa: E402

ALPHA = 1e-3


# ------------------------------------------------------------ Keras
def test_keras_attention_kernels_get_keras_fans():
    """EinsumDense (and MultiHeadAttention through it) give VarianceScaling-derived
    initializers their input/output axes: winit's classes are Keras' classes."""
    import winit.keras as wk

    for cls in (wk.VarianceScaling, wk.GlorotNormal, wk.GlorotUniform, wk.HeNormal, wk.HeUniform,
                wk.LecunNormal, wk.LecunUniform):
        assert issubclass(cls, keras.initializers.VarianceScaling), cls
    assert isinstance(wk.RandomNormal(seed=0), keras.initializers.RandomNormal)
    layer = keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 8, 16),
                                     kernel_initializer=wk.LecunNormal(seed=0))
    layer.build((None, 10, 32))
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    assert abs(np.std(kernel) / math.sqrt(1 / 32) - 1) < 0.05  # Keras: 0.177 (was 0.063)
    ref = keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 8, 16),
                                   kernel_initializer=keras.initializers.LecunNormal(seed=0))
    ref.build((None, 10, 32))
    assert stats.ks_2samp(kernel.ravel(), keras.ops.convert_to_numpy(ref.kernel).ravel()).pvalue > ALPHA
    mha = keras.layers.MultiHeadAttention(num_heads=8, key_dim=16, kernel_initializer=wk.HeNormal(seed=1))
    mha.build((None, 10, 32), (None, 10, 32))
    q = keras.ops.convert_to_numpy(mha.query_dense.kernel)
    assert abs(np.std(q) / math.sqrt(2 / 32) - 1) < 0.05


def test_keras_get_array_and_tensor():
    import winit.keras as wk

    values = np.arange(6, dtype=np.float64).reshape(2, 3)
    for ident in (values, keras.ops.convert_to_tensor(values)):
        init = wk.get(ident)
        out = keras.ops.convert_to_numpy(init((2, 3), dtype="float32"))
        assert out.dtype == np.float32 and np.array_equal(out, values)
        with pytest.raises(ValueError, match="Expected `shape` to be"):
            init((3, 2))


@pytest.mark.parametrize("dtype", ["int32", "int64", "bool", "uint8"])
def test_keras_constant_initializers_any_dtype(dtype):
    import winit.keras as wk

    for init, value in ((wk.Zeros(), 0), (wk.Ones(), 1), (wk.Constant(3), 3)):
        out = keras.ops.convert_to_numpy(init((2, 2), dtype=dtype))
        want = keras.ops.convert_to_numpy(type(init).__mro__[1]()((2, 2), dtype=dtype)) if value != 3 else \
            keras.ops.convert_to_numpy(keras.initializers.Constant(3)((2, 2), dtype=dtype))
        assert out.dtype == want.dtype and np.array_equal(out, want)
    layer = keras.layers.Layer()
    w = layer.add_weight(shape=(), dtype="int32", initializer=wk.Zeros(), trainable=False)
    assert keras.ops.convert_to_numpy(w) == 0


def test_keras_stft():
    import winit.keras as wk

    for ident in ("stft", "STFT", "STFTInitializer"):
        init = wk.get(ident)
        assert isinstance(init, keras.initializers.STFT)
    ours = wk.STFT("imag", "hamming", "spectrum", True)((64, 1, 33))
    theirs = keras.initializers.STFT("imag", "hamming", "spectrum", True)((64, 1, 33))
    assert np.array_equal(keras.ops.convert_to_numpy(ours), keras.ops.convert_to_numpy(theirs))
    cfg = keras.saving.serialize_keras_object(wk.STFT())
    assert isinstance(keras.saving.deserialize_keras_object(cfg), wk.STFT)


# ------------------------------------------------------------ 0-d arrays as scalars
def test_zero_d_arrays_are_scalars_everywhere():
    import winit.jax as wj
    import winit.torch as wt

    want = winit.normal(5, 0.5, 2.0, seed=1)
    for std in (np.array(2.0), np.float32(2.0), torch.tensor(2.0), jnp.array(2.0)):
        for mean in (np.array(0.5), torch.tensor(0.5), jnp.asarray(0.5)):
            assert np.array_equal(winit.normal(5, mean, std, seed=1), want)
    np.testing.assert_array_equal(np.asarray(wj.normal(jnp.array(1.0))(0, (4,))),
                                  np.asarray(wj.normal(1.0)(0, (4,))))
    np.testing.assert_array_equal(np.asarray(wj.uniform(np.array(1.0))(0, (4,))),
                                  np.asarray(wj.uniform(1.0)(0, (4,))))
    t = torch.empty(8, 4)
    a = wt.normal_(t.clone(), std=torch.tensor(0.02), seed=0)
    assert torch.equal(a, wt.normal_(t.clone(), std=0.02, seed=0))
    b = wt.xavier_uniform_(t.clone(), gain=torch.tensor(2.0), seed=0)
    assert torch.equal(b, wt.xavier_uniform_(t.clone(), gain=2.0, seed=0))
    assert torch.equal(wt.uniform_(t.clone(), torch.tensor(-1.0), np.float64(1.0), seed=0),
                       wt.uniform_(t.clone(), -1.0, 1.0, seed=0))
    for bad in (np.ones(2), torch.ones(3), jnp.ones((1, 1)), torch.tensor(True)):
        with pytest.raises(TypeError, match="std must be a real number"):
            winit.normal(3, std=bad, seed=0)


# ------------------------------------------------------------ exception classes
def test_torch_errors_are_runtime_errors_too():
    import winit.torch as wt

    for call, match in ((lambda: wt.uniform_(torch.empty(3), 1.0, 0.0, seed=0), "from=1.0 > to=0.0"),
                        (lambda: wt.normal_(torch.empty(3), std=-1.0, seed=0), "std -1.0"),
                        (lambda: wt.trunc_normal_(torch.empty(3), std=0.0, seed=0), "std > 0")):
        for cls in (RuntimeError, ValueError, wt.ArgumentError):
            with pytest.raises(cls, match=match):
                call()
    # and torch.nn.init raises RuntimeError for the same calls
    with pytest.raises(RuntimeError):
        torch.nn.init.uniform_(torch.empty(3), 1.0, 0.0)


# ------------------------------------------------------------ complex values (SPEC 1.3b)


@pytest.fixture(scope="module")
def x64():
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", False)


COMPLEX_INITS = {
    "normal": lambda m: m.normal(0.7),
    "variance_scaling truncated_normal": lambda m: m.variance_scaling(1.5, "fan_in", "truncated_normal"),
    "variance_scaling normal": lambda m: m.variance_scaling(1.5, "fan_avg", "normal"),
    "variance_scaling uniform": lambda m: m.variance_scaling(1.5, "fan_out", "uniform"),
    "glorot_normal": lambda m: m.glorot_normal(),
    "he_uniform": lambda m: m.he_uniform(),
    "lecun_normal": lambda m: m.lecun_normal(),
    "orthogonal": lambda m: m.orthogonal(1.3),
    "delta_orthogonal": lambda m: m.delta_orthogonal(),
}


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("name", list(COMPLEX_INITS))
def test_complex_matches_jax(name, dtype, x64):
    """Real parts, imaginary parts and moduli against jax.nn.initializers (3 KS tests)."""
    import winit.jax as wj

    shape = (3, 3, 40, 60) if name == "delta_orthogonal" else (200, 150)
    ours = np.asarray(COMPLEX_INITS[name](wj)(3, shape, dtype))
    theirs = np.asarray(COMPLEX_INITS[name](jax.nn.initializers)(jax.random.key(3), shape, dtype))
    assert ours.dtype == np.dtype(dtype) and ours.shape == shape
    if name == "delta_orthogonal":
        ours, theirs = ours[1, 1], theirs[1, 1]
        assert not np.asarray(COMPLEX_INITS[name](wj)(3, shape, dtype))[0, 0].any()
    for part in (np.real, np.imag, np.abs):
        p = stats.ks_2samp(part(ours).ravel(), part(theirs).ravel()).pvalue
        assert p > ALPHA / 3, (part.__name__, p)
    if name.startswith("orthogonal"):
        q = ours.astype(np.complex128)
        np.testing.assert_allclose(q.conj().T @ q, 1.3 ** 2 * np.eye(q.shape[1]), atol=1e-4 if dtype == "complex64" else 1e-10)


def test_complex_refused_where_jax_refuses(x64):
    import winit.jax as wj

    for name in ("uniform", "truncated_normal"):
        for mod in (wj, jax.nn.initializers):
            with pytest.raises(ValueError, match=f"dtype argument to `{name}` must be a float dtype"):
                getattr(mod, name)()(0 if mod is wj else jax.random.key(0), (3,), "complex64")


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_stream_contract(dtype, x64):
    """SPEC 1.3b: the complex normal is the real normal of shape + (2,) with std / sqrt(2);
    the disk and the truncated complex normal are their formulas; regions equal slices."""
    comp = _complex.COMPLEX[dtype]
    shape = (37, 29)
    z = _complex.normal(shape, 0.7, dtype=dtype, seed=5, name="w")
    pairs = winit.normal(shape + (2,), 0.0, 0.7 * 0.7071067811865476, seed=5, name="w", dtype=comp)
    assert np.array_equal(z.real, pairs[..., 0]) and np.array_equal(z.imag, pairs[..., 1])
    ab = winit.normal(shape + (2,), seed=5, name="w", dtype="float64")
    u = winit.uniform(shape, seed=5, name="w", dtype="float64", offset=2 ** 62)
    w = (ab[..., 0] + 1j * ab[..., 1]) / np.hypot(ab[..., 0], ab[..., 1])
    disk = _complex.disk(shape, 0.7, dtype=dtype, seed=5, name="w")
    tol = 1e-6 if dtype == "complex64" else 1e-14
    np.testing.assert_allclose(disk, 0.7 * np.sqrt(2 * u) * w, rtol=tol, atol=tol)
    trunc = _complex.truncated_normal(shape, 0.7, dtype=dtype, seed=5, name="w")
    np.testing.assert_allclose(trunc, 0.7 * np.sqrt(-np.log1p(-(1 - math.exp(-4)) * u)) * w, rtol=tol, atol=tol)
    assert np.abs(trunc).max() <= 0.7 * 2 * (1 + tol)
    region = (slice(3, 30, 2), slice(5, 6))
    for fn in (_complex.normal, _complex.disk, _complex.truncated_normal):
        whole = fn(shape, 0.7, dtype=dtype, seed=5, name="w")
        part = fn(shape, 0.7, dtype=dtype, seed=5, name="w", region=region)
        assert np.array_equal(part, whole[region])


def test_ln_is_ieee_only_and_accurate():
    x = np.concatenate([np.exp(np.linspace(-40, 40, 20001)), np.linspace(1e-3, 1, 20001)])
    ref = np.log(x)
    err = np.abs(_complex.ln(x) - ref) / np.spacing(np.abs(ref) + 1e-300)
    assert err[ref != 0].max() <= 4
    assert _complex.ln(np.array([1.0]))[0] == 0.0


def test_complex_out_sharding_and_region(x64):
    import winit.jax as wj
    from jax.sharding import NamedSharding, PartitionSpec as P

    mesh = jax.make_mesh((jax.device_count(),), ("a",))
    for init in (wj.he_uniform(), wj.normal(1.0), wj.lecun_normal()):
        want = np.asarray(init(9, (16, 12), "complex64"))
        got = init(9, (16, 12), "complex64", out_sharding=NamedSharding(mesh, P("a")))
        assert np.array_equal(np.asarray(got), want)
