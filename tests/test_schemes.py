"""The scheme registry: formulas, fans, gains, recommend, errors."""
import math

import numpy as np
import pytest
import torch

import winit

SQ3 = math.sqrt(3.0)
TRUNC = 0.87962566103423978

# (shape, layout, fan_in, fan_out): dense and conv 1D/2D/3D kernels in both layouts
SHAPES = [
    ((400, 300), "keras", 400, 300),
    ((300, 400), "torch", 400, 300),
    ((5, 48, 64), "keras", 5 * 48, 5 * 64),
    ((64, 48, 5), "torch", 5 * 48, 5 * 64),
    ((3, 3, 64, 96), "keras", 9 * 64, 9 * 96),
    ((96, 64, 3, 3), "torch", 9 * 64, 9 * 96),
    ((3, 3, 3, 24, 32), "keras", 27 * 24, 27 * 32),
    ((32, 24, 3, 3, 3), "torch", 27 * 24, 27 * 32),
]

# scheme -> (kind, std of the distribution as a function of (fan_in, fan_out))
FORMULAS = {
    "glorot_normal": ("normal", lambda fi, fo: math.sqrt(2.0 / (fi + fo))),
    "xavier_normal": ("normal", lambda fi, fo: math.sqrt(2.0 / (fi + fo))),
    "glorot_uniform": ("uniform", lambda fi, fo: math.sqrt(6.0 / (fi + fo))),
    "xavier_uniform": ("uniform", lambda fi, fo: math.sqrt(6.0 / (fi + fo))),
    "he_normal": ("normal", lambda fi, fo: math.sqrt(2.0) / math.sqrt(fi)),
    "kaiming_normal": ("normal", lambda fi, fo: math.sqrt(2.0) / math.sqrt(fi)),
    "he_uniform": ("uniform", lambda fi, fo: math.sqrt(2.0) * math.sqrt(3.0 / fi)),
    "kaiming_uniform": ("uniform", lambda fi, fo: math.sqrt(2.0) * math.sqrt(3.0 / fi)),
    "lecun_normal": ("normal", lambda fi, fo: math.sqrt(1.0 / fi)),
    "lecun_uniform": ("uniform", lambda fi, fo: math.sqrt(3.0 / fi)),
    "heuristic_uniform": ("uniform", lambda fi, fo: 1.0 / math.sqrt(fi)),
}


def check_dist(w, kind, param):
    """normal: param is the std; uniform: param is the bound; truncated: (std, cut)."""
    w = np.asarray(w, dtype=np.float64)
    n = w.size
    if kind == "normal":
        assert abs(w.std() / param - 1) < 6 / math.sqrt(2 * n), (w.std(), param)
        assert abs(w.mean()) < 6 * param / math.sqrt(n)
    elif kind == "uniform":
        assert np.abs(w).max() <= param * (1 + 1e-6)
        assert np.abs(w).max() > param * (1 - 20.0 / n)
        assert abs(w.std() / (param / SQ3) - 1) < 6 / math.sqrt(n)
    else:
        std, cut = param
        assert np.abs(w).max() <= cut * (1 + 1e-6)
        assert np.abs(w).max() > cut * 0.99
        assert abs(w.std() / std - 1) < 8 / math.sqrt(2 * n), (w.std(), std)


def test_registry_lists_every_scheme():
    names = winit.schemes()
    assert names == ["zeros", "ones", "constant", "random_normal", "random_uniform",
                     "truncated_normal", "glorot_normal", "glorot_uniform", "xavier_normal",
                     "xavier_uniform", "he_normal", "he_uniform", "kaiming_normal",
                     "kaiming_uniform", "lecun_normal", "lecun_uniform", "heuristic_uniform",
                     "variance_scaling", "orthogonal", "identity"]
    for name in names:
        assert callable(getattr(winit, name)), name
        w = winit.init(name, (6, 4), seed=1)
        assert w.shape == (6, 4) and w.dtype == np.float32, name
        # the function and init() agree
        np.testing.assert_array_equal(w, getattr(winit, name)((6, 4), seed=1))


def test_truncated_normal_is_the_core_sampler():
    assert winit.truncated_normal is winit._sampling.truncated_normal
    np.testing.assert_array_equal(winit.init("truncated_normal", (50,), seed=3),
                                  winit.truncated_normal((50,), seed=3))
    np.testing.assert_array_equal(winit.init("truncated_normal", (50,), seed=3, lower=-1, upper=0.5),
                                  winit.truncated_normal((50,), 0.0, 1.0, -1, 0.5, seed=3))


@pytest.mark.parametrize("shape,layout,fi,fo", SHAPES)
def test_fans(shape, layout, fi, fo):
    assert winit.fans(shape, layout=layout) == (fi, fo)
    if layout == "torch":
        t = torch.empty(shape)
        assert winit.fans(shape, layout="torch") == torch.nn.init._calculate_fan_in_and_fan_out(t)


def test_fans_explicit_axes():
    # JAX-style: axes not in in/out/batch form the receptive field
    assert winit.fans((4, 5, 6), in_axis=0, out_axis=(1, 2)) == (4, 30)
    assert winit.fans((3, 3, 8, 16), in_axis=-2, out_axis=-1) == (72, 144)
    assert winit.fans((7, 3, 8, 16), in_axis=2, out_axis=3, batch_axis=0) == (24, 48)
    assert winit.fans((10,), in_axis=0, out_axis=(), layout="torch") == (10, 1)
    assert winit.fans((8, 16), in_axis=1, out_axis=0) == (16, 8)

def test_fans_refused():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        winit.fans((5,))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        winit.fans((), layout="torch")
    with pytest.raises(ValueError, match=r"layout 'pytorch' \(did you mean 'torch'\?\).*'keras', 'torch'"):
        winit.fans((3, 4), layout="pytorch")
    with pytest.raises(ValueError, match="overlap"):
        winit.fans((3, 4), in_axis=0, out_axis=0)
    with pytest.raises(ValueError, match="out of range"):
        winit.fans((3, 4), in_axis=5)
    with pytest.raises(TypeError):
        winit.fans((3, 4), in_axis=1.5)
    with pytest.raises(ValueError, match="negative|>= 0|0 <="):
        winit.fans((3, -4))


@pytest.mark.parametrize("name", sorted(FORMULAS))
@pytest.mark.parametrize("shape,layout,fi,fo", SHAPES[::3] + SHAPES[1::3])
def test_scheme_matches_formula(name, shape, layout, fi, fo):
    kind, f = FORMULAS[name]
    w = winit.init(name, shape, layout=layout, seed=11)
    assert w.shape == shape
    check_dist(w, kind, f(fi, fo))


@pytest.mark.parametrize("mode,denom", [
    ("fan_in", lambda fi, fo: fi), ("fan_out", lambda fi, fo: fo),
    ("fan_avg", lambda fi, fo: (fi + fo) / 2), ("fan_geo_avg", lambda fi, fo: math.sqrt(fi * fo))])
@pytest.mark.parametrize("distribution", ["normal", "untruncated_normal", "truncated_normal", "uniform"])
def test_variance_scaling(mode, denom, distribution):
    shape, fi, fo = (3, 3, 64, 128), 9 * 64, 9 * 128
    std = math.sqrt(2.5 / denom(fi, fo))
    w = winit.variance_scaling(shape, 2.5, mode, distribution, seed=5)
    if distribution == "uniform":
        check_dist(w, "uniform", SQ3 * std)
    elif distribution == "truncated_normal":  # std after truncation = target, cut at 2 raw std
        check_dist(w, "truncated", (std, 2 * std / TRUNC))
    else:
        check_dist(w, "normal", std)


def test_variance_scaling_truncated_is_the_sampler():
    w = winit.variance_scaling((30, 40), 2.0, "fan_in", "truncated_normal", seed=9)
    ref = winit.truncated_normal((30, 40), 0.0, math.sqrt(2.0 / 30) / TRUNC, -2.0, 2.0, seed=9)
    np.testing.assert_array_equal(w, ref)


def test_mode_and_gain_keywords():
    shape = (200, 400)  # keras: fan_in 200, fan_out 400
    check_dist(winit.he_normal(shape, mode="fan_out", seed=1), "normal", math.sqrt(2 / 400))
    check_dist(winit.he_normal(shape, nonlinearity="tanh", seed=1), "normal", (5 / 3) / math.sqrt(200))
    check_dist(winit.kaiming_uniform(shape, nonlinearity="leaky_relu", param=0.2, seed=1), "uniform",
               math.sqrt(2 / 1.04) * math.sqrt(3 / 200))
    check_dist(winit.he_uniform(shape, gain=1.0, seed=1), "uniform", math.sqrt(3 / 200))
    check_dist(winit.glorot_normal(shape, gain=2.0, seed=1), "normal", 2 * math.sqrt(2 / 600))
    check_dist(winit.glorot_uniform(shape, mode="fan_in", seed=1), "uniform", math.sqrt(3 / 200))


def test_simple_distributions_and_defaults():
    check_dist(winit.random_normal((400, 500), seed=2), "normal", 0.05)
    check_dist(winit.random_uniform((400, 500), seed=2), "uniform", 0.05)
    check_dist(winit.random_normal((400, 500), 0.0, 2.0, seed=2), "normal", 2.0)
    w = winit.random_uniform((400, 500), 1.0, 3.0, seed=2)
    assert w.min() >= 1.0 and w.max() < 3.0
    t = winit.truncated_normal((400, 500), seed=2)  # sampler defaults: std 1, cut at +-2
    assert np.abs(t).max() <= 2.0
    check_dist(t, "truncated", (TRUNC, 2.0))


def test_constants():
    np.testing.assert_array_equal(winit.zeros((2, 3)), np.zeros((2, 3), np.float32))
    np.testing.assert_array_equal(winit.ones(4, dtype="float64"), np.ones(4))
    np.testing.assert_array_equal(winit.constant((2, 2), 0.25), np.full((2, 2), 0.25, np.float32))
    b = winit.constant((2, 2), 1.1, dtype="bfloat16")
    assert b.dtype.name == "bfloat16"
    with pytest.raises(TypeError, match="value"):
        winit.constant((2,), "x")


@pytest.mark.parametrize("shape,layout", [((40, 25), "keras"), ((25, 40), "keras"),
                                          ((3, 3, 8, 32), "keras"), ((32, 8, 3, 3), "torch"),
                                          ((8, 4, 3, 3), "torch"), ((3, 3, 16, 8), "keras")])
def test_orthogonal(shape, layout):
    w = winit.orthogonal(shape, gain=1.5, layout=layout, seed=4, dtype="float64")
    m = w.reshape(shape[0], -1) if layout == "torch" else w.reshape(-1, shape[-1])
    small = min(m.shape)
    gram = m @ m.T if m.shape[0] == small else m.T @ m
    np.testing.assert_allclose(gram, 1.5 ** 2 * np.eye(small), atol=1e-12)
    # float32 output is the float64 matrix rounded
    w32 = winit.orthogonal(shape, gain=1.5, layout=layout, seed=4)
    np.testing.assert_array_equal(w32, w.astype(np.float32))


def test_orthogonal_is_haar():
    # sign correction: the diagonal of R is positive, so entries are symmetric about 0
    ws = np.stack([winit.orthogonal((8, 8), seed=s, dtype="float64") for s in range(400)])
    assert abs(ws[:, 0, 0].mean()) < 0.05
    assert abs(np.diagonal(ws, axis1=1, axis2=2).mean()) < 0.03


def test_identity():
    np.testing.assert_array_equal(winit.identity((3, 5), gain=2.0), 2 * np.eye(3, 5, dtype=np.float32))
    k = winit.identity((3, 3, 4, 6))  # keras conv kernel: delta at the centre, channel i -> i
    assert k[1, 1, :, :4].tolist() == np.eye(4, 6)[:, :4].tolist() and k.sum() == 4
    t = winit.identity((6, 4, 3, 3), layout="torch")
    ref = torch.nn.init.dirac_(torch.empty(6, 4, 3, 3)).numpy()
    np.testing.assert_array_equal(t, ref)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        winit.identity((3,))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_dtypes_out_and_region(dtype):
    full = winit.he_normal((40, 30), seed=8, dtype=dtype)
    assert full.dtype.name == dtype
    np.testing.assert_array_equal(winit.he_normal((40, 30), seed=8, dtype=dtype,
                                                  region=(slice(5, 20), slice(None, None, 3))),
                                  full[5:20, ::3])
    out = np.zeros((30, 40), dtype=full.dtype).T  # non-contiguous out
    assert winit.he_normal(out=out, seed=8) is out
    np.testing.assert_array_equal(out, full)
    o = winit.orthogonal((10, 6), seed=1, dtype=dtype)
    np.testing.assert_array_equal(winit.orthogonal((10, 6), seed=1, dtype=dtype, region=(slice(2, 4),)), o[2:4])
    out = np.empty((10, 6), dtype=o.dtype)
    winit.orthogonal(out=out, seed=1)
    np.testing.assert_array_equal(out, o)


def test_reproducible_and_streams():
    a = winit.glorot_uniform((64, 64), seed=1, name="fc1.weight")
    np.testing.assert_array_equal(a, winit.glorot_uniform((64, 64), seed=1, name="fc1.weight"))
    assert not np.array_equal(a, winit.glorot_uniform((64, 64), seed=1, name="fc2.weight"))
    assert not np.array_equal(a, winit.glorot_uniform((64, 64), seed=2, name="fc1.weight"))
    winit.manual_seed(7)
    b = winit.he_normal((8, 8))
    winit.manual_seed(7)
    np.testing.assert_array_equal(b, winit.he_normal((8, 8)))


def test_gain_matches_torch():
    for nl in ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
               "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]:
        assert winit.gain(nl) == torch.nn.init.calculate_gain(nl), nl
        assert type(winit.gain(nl)) is type(torch.nn.init.calculate_gain(nl))
    for p in [None, 0, 0.2, 1, 3.5]:
        assert winit.gain("leaky_relu", p) == torch.nn.init.calculate_gain("leaky_relu", p)
    for bad in [True, "0.1"]:
        with pytest.raises(ValueError, match="not a valid number"):
            torch.nn.init.calculate_gain("leaky_relu", bad)
        with pytest.raises(ValueError, match="not a valid number"):
            winit.gain("leaky_relu", bad)
    with pytest.raises(ValueError, match=r"'reLU' \(did you mean 'relu'\?\)"):
        winit.gain("reLU")


def test_recommend():
    assert winit.recommend("relu") == "he_normal"
    assert winit.recommend("ReLU", distribution="uniform") == "he_uniform"
    for a in ["leaky_relu", "LeakyReLU", "elu", "gelu", "silu", "mish", "swish"]:
        assert winit.recommend(a).startswith("he_"), a
    for a in ["tanh", "sigmoid", "softmax", "linear", None]:
        assert winit.recommend(a).startswith("glorot_"), a
    assert winit.recommend("selu") == "lecun_normal"
    with pytest.raises(ValueError, match=r"did you mean 'relu'"):
        winit.recommend("rleu")
    with pytest.raises(ValueError, match="distribution"):
        winit.recommend("relu", distribution="gaussian")


def test_bad_input_refused_with_clear_messages():
    with pytest.raises(ValueError, match=r"unknown scheme 'he_norml' \(did you mean 'he_normal'\?\)"):
        winit.init("he_norml", (3, 3))
    with pytest.raises(ValueError, match=r"mode 'fan_inn' \(did you mean 'fan_in'\?\).*fan_geo_avg"):
        winit.he_normal((3, 3), mode="fan_inn")
    with pytest.raises(ValueError, match=r"distribution 'truncated' \(did you mean 'truncated_normal'\?\)"):
        winit.variance_scaling((3, 3), 1.0, "fan_in", "truncated")
    with pytest.raises(ValueError, match="scale must be a positive"):
        winit.variance_scaling((3, 3), -1.0)
    with pytest.raises(ValueError, match=r"layout 'tf'.*'keras', 'torch'"):
        winit.glorot_uniform((3, 3), layout="tf")
    with pytest.raises(TypeError, match=r"he_normal\(\) got an unexpected keyword argument 'std'"):
        winit.he_normal((3, 3), std=1.0)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        winit.he_normal((10,))
    with pytest.raises(ValueError, match="dtype"):
        winit.he_normal((3, 3), dtype="int32")
    with pytest.raises(ValueError, match="dtype"):
        winit.zeros((3, 3), dtype="float8")
    with pytest.raises(TypeError, match="shape"):
        winit.glorot_normal("abc")
    with pytest.raises(TypeError, match="shape is required"):
        winit.orthogonal()
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        winit.orthogonal((5,))
    # nothing written to out when refused
    out = np.full((4, 4), 7.0, np.float32)
    for call in [lambda: winit.he_normal((4, 4), mode="bad", out=out),
                 lambda: winit.orthogonal((4, 5), out=out, seed=1),
                 lambda: winit.identity(out=out, region=(1,)),
                 lambda: winit.zeros((4, 4), out=out, dtype="float64")]:
        with pytest.raises((ValueError, TypeError)):
            call()
        assert (out == 7.0).all()


def test_zero_element_shapes():
    assert winit.he_normal((0, 5), seed=1).shape == (0, 5)
    assert winit.glorot_uniform((3, 0, 2, 2), layout="torch", seed=1).shape == (3, 0, 2, 2)
    assert winit.orthogonal((0, 4), seed=1).shape == (0, 4)


def test_every_scheme_takes_the_fan_keywords():
    """A rule table passes the same keywords to every scheme: schemes without fans ignore them."""
    fan_kw = dict(layout="torch", in_axis=1, out_axis=0, batch_axis=(), mode="fan_in")
    for name in winit.schemes():
        kw = dict(fan_kw)
        if name in ("orthogonal", "identity"):
            kw = {"layout": "torch"}
        elif name in ("constant",):
            kw["value"] = 0.5
        out = winit.init(name, (6, 4), seed=0, **kw)
        assert out.shape == (6, 4), name
        if name not in ("orthogonal", "identity", "variance_scaling") and not name.startswith(
                ("glorot", "xavier", "he_", "kaiming", "lecun", "heuristic")):
            assert np.array_equal(out, winit.init(name, (6, 4), seed=0, **({"value": 0.5} if name == "constant" else {})))
    with pytest.raises(TypeError, match="unexpected keyword argument 'layuot'"):
        winit.init("random_normal", (3,), layuot="torch")


def test_one_variance_scaling_core_for_every_front_end():
    """Each framework's fan rule is a named function of the core, equal to the framework's own."""
    import torch  # the test extra installs it
    from winit import _schemes

    for shape in [(3, 4), (8, 4, 3, 3), (5, 2, 7)]:
        assert _schemes.torch_fans(shape) == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        _schemes.torch_fans((3,))
    assert _schemes.keras_fans((7,)) == (7, 7) and _schemes.keras_fans(()) == (1, 1)
    assert _schemes.jax_fans((3, 3, 16, 32)) == (144, 288)
    assert set(_schemes.MODES) == {"fan_in", "fan_out", "fan_avg", "fan_geo_avg"}
    assert _schemes.variance_std(2.0, 8, 32, "fan_in") == math.sqrt(2.0 / 8)
    assert _schemes.variance_std(1.0, 0, 0, "fan_avg", floor=1.0) == 1.0  # Keras floors at 1
    assert _schemes.draw("uniform", 1.0) == ("uniform", {"low": -math.sqrt(3.0), "high": math.sqrt(3.0)})
    with pytest.raises(ValueError, match="unknown distribution"):
        _schemes.draw("cauchy", 1.0)


def test_scheme_functions_are_made_from_the_table():
    """Each public scheme function has a real signature whose defaults are its table row's."""
    import inspect

    from winit import _schemes

    for name, row in _schemes._SCHEMES.items():
        fn = getattr(_schemes, name)
        sig = inspect.signature(fn)
        assert list(sig.parameters)[0] == "shape" and list(sig.parameters)[-1] == "kw", name
        for k, v in row.params.items():
            assert sig.parameters[k].default == v or (v is None and sig.parameters[k].default is None), (name, k)
        assert fn.__name__ == name and row.doc.splitlines()[0] in fn.__doc__ and "Common keywords" in fn.__doc__
    with pytest.raises(TypeError):
        winit.he_normal((3, 3), None, "relu")  # nonlinearity is keyword-only
