"""Fuzzing (hypothesis): random shapes, dtypes, seeds, bounds, offsets, regions, ``out``
arrays of every layout and flag, and keyword mixes thrown at the samplers, the schemes,
``Generator`` and ``winit.torch``.  Every call either returns what the independent reference
(tests/reference.py) gives or raises ValueError/TypeError naming an argument, and a refused
call leaves ``out`` untouched.  No other exception, no crash.

A fixed seed (derandomize) and a bounded example count keep this in the normal suite;
``WINIT_FUZZ_EXAMPLES=20000 pytest tests/test_fuzz.py`` runs a longer profile.
"""
import os
import re

import numpy as np

import hypothesis  # noqa: F401,E402  (the test extra installs it)
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import reference as R  # noqa: E402
import winit  # noqa: E402

EXAMPLES = int(os.environ.get("WINIT_FUZZ_EXAMPLES", "250"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
                suppress_health_check=list(HealthCheck))
ARGUMENTS = ("shape", "size", "seed", "stream", "name", "dtype", "out", "offset", "region", "threads",
             "mean", "std", "low", "high", "lower", "upper", "scale", "gain", "mode", "layout",
             "distribution", "value", "scheme", "in_axis", "out_axis", "batch_axis", "nonlinearity",
             "param", "counter", "key", "a", "b", "tensor", "generator", "val", "sparsity")
ARG_RE = re.compile(r"\b(" + "|".join(ARGUMENTS) + r")\b")

ints = st.one_of(st.integers(-3, 8), st.integers(-2 ** 65, 2 ** 65), st.sampled_from([2 ** 64 - 1, 2 ** 64]))
reals = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 5),
                  st.sampled_from([0.0, -0.0, 1e-300, 1e300]))
shapes = st.one_of(st.none(), st.integers(-1, 9),
                   st.lists(st.integers(0, 6), min_size=0, max_size=3).map(tuple),
                   st.just((2, -1)), st.just("3"), st.just((2.0, 3)))
dtypes = st.sampled_from([None, "float32", "float64", "float16", "bfloat16", np.float32, "int32",
                          "complex64", "float8", 3])
slice_items = st.one_of(
    st.builds(slice, st.none() | st.integers(-8, 8), st.none() | st.integers(-8, 8),
              st.none() | st.integers(-3, 3)),
    st.integers(-7, 7), st.just(Ellipsis), st.just(1.5))
regions = st.one_of(st.none(), st.lists(slice_items, min_size=0, max_size=4).map(tuple), slice_items)


def out_arrays(draw, shape_hint):
    kind = draw(st.sampled_from(["none", "c", "f", "strided", "readonly", "swapped", "wrongdtype",
                                 "wrongshape", "list"]))
    dt = draw(st.sampled_from([np.float32, np.float64, np.float16]))
    shape = shape_hint if isinstance(shape_hint, tuple) and all(isinstance(d, int) and d >= 0
                                                               for d in shape_hint) else (3, 2)
    if kind == "none":
        return None
    if kind == "list":
        return [0.0] * 3
    base = np.full(tuple(2 * d for d in shape) or (), 7.0, dtype=dt)
    if kind == "c":
        return np.full(shape, 7.0, dtype=dt)
    if kind == "f":
        return np.asfortranarray(np.full(shape, 7.0, dtype=dt))
    if kind == "strided":
        return base[tuple(slice(None, None, 2) for _ in shape)] if shape else base
    if kind == "readonly":
        a = np.full(shape, 7.0, dtype=dt)
        a.flags.writeable = False
        return a
    if kind == "swapped":
        return np.full(shape, 7.0, dtype=np.dtype(dt).newbyteorder())
    if kind == "wrongdtype":
        return np.full(shape, 7, dtype=np.int32)
    return np.full(tuple(d + 1 for d in shape), 7.0, dtype=dt)


PYTHON_BINDING = re.compile(r"positional argument|unexpected keyword argument|missing \d+ required")


def refused(exc):
    """A refusal: ValueError or TypeError whose message names an argument (or Python's own
    TypeError for a call that does not bind to the signature)."""
    assert isinstance(exc, (ValueError, TypeError)), f"{type(exc).__name__}: {exc}"
    assert ARG_RE.search(str(exc)) or PYTHON_BINDING.search(str(exc)), f"message names no argument: {exc}"


def reference(dist, params, n, seed, stream, offset, dtype):
    """The reference's first ``n`` values from element ``offset`` (float32 / float64 precision)."""
    bits = 64 if dtype == "float64" else 32
    if dist == "uniform":
        return R.scale_uniform(R.uniform_unit(n, seed, stream, offset, bits), *params), bits, True
    if dist == "normal":
        z = R.normal_z(n, seed, stream, offset, bits)
    else:
        z = R.truncated_z(n, seed, stream, offset, params[2], params[3], bits)
    return z, bits, False


@FUZZ
@given(st.data())
def test_samplers(data):
    dist = data.draw(st.sampled_from(["normal", "uniform", "truncated_normal"]))
    shape = data.draw(shapes)
    kw = {"seed": data.draw(st.one_of(ints, st.just(1.5), st.just("0")))}
    if data.draw(st.booleans()):
        kw["dtype"] = data.draw(dtypes)
    if data.draw(st.booleans()):
        kw["offset"] = data.draw(ints)
    if data.draw(st.booleans()):
        kw["region"] = data.draw(regions)
    if data.draw(st.booleans()):
        kw["stream"] = data.draw(ints)
    if data.draw(st.booleans()):
        kw["name"] = data.draw(st.one_of(st.text(max_size=5), st.just(3)))
    if data.draw(st.booleans()):
        kw["threads"] = data.draw(st.one_of(st.integers(-1, 5), st.just(2.0)))
    nparams = {"normal": 2, "uniform": 2, "truncated_normal": 4}[dist]
    params = [data.draw(reals) for _ in range(nparams)]
    out = out_arrays(data.draw, shape)
    if out is not None:
        kw["out"] = out
    before = None if not isinstance(out, np.ndarray) else out.copy()
    fn = getattr(winit, dist)
    try:
        got = fn(shape, *params, **kw)
    except Exception as e:  # noqa: BLE001  (the claim is about which exceptions)
        refused(e)
        if before is not None:
            assert np.array_equal(out, before, equal_nan=True), "a refused call wrote to out"
        return
    # accepted: compare with the reference on the whole logical tensor, then the region
    full_shape = np.shape(got) if shape is None and kw.get("region") is None else (
        () if shape is None else ((shape,) if isinstance(shape, int) else tuple(shape)))
    dt = np.dtype(got.dtype if isinstance(got, np.ndarray) else np.float32).name
    if kw.get("seed") is None or dt not in ("float32", "float64", "float16", "bfloat16"):
        return
    n = int(np.prod(full_shape)) if full_shape else 1
    stream = R.resolve_stream(kw.get("stream"), kw.get("name"))
    p = [float(x) for x in params]
    if dist == "truncated_normal":
        p[2], p[3] = max(p[2], -37.5), min(p[3], 37.5)
    ref, bits, exact = reference(dist, p, n, kw["seed"], stream, kw.get("offset", 0),
                                 "float64" if dt == "float64" else "float32")
    ref = np.asarray(ref).reshape(full_shape)
    region = kw.get("region")
    if region is not None:
        ref = ref[region if isinstance(region, tuple) else (region,)]
    got = np.asarray(got)
    assert got.shape == np.shape(ref)
    if exact:
        want = ref if dt in ("float32", "float64") else R.cast_half(ref, dt)
        assert np.array_equal(got.astype(np.float64), np.asarray(want, np.float64), equal_nan=True)
    elif dt in ("float32", "float64") and np.all(np.isfinite(p[:2])) and p[1] != 0:
        z = (got.astype(np.float64) - np.float64(np.float32(p[0]) if bits == 32 else p[0]))
        assert np.all(np.isfinite(got))
        assert np.allclose(got, R.scale_normal(np.asarray(ref, np.float32 if bits == 32 else np.float64),
                                               p[0], p[1]), rtol=1e-4, atol=1e-4 * abs(p[1]) + 1e-30) or \
            not np.isfinite(z).all()


@FUZZ
@given(st.data())
def test_schemes(data):
    name = data.draw(st.sampled_from(winit.schemes() + ["he_norml", 3]))
    shape = data.draw(shapes)
    kw = {"seed": data.draw(st.one_of(st.integers(0, 5), st.just(-1)))}
    for key, strat in (("gain", reals), ("mode", st.sampled_from(["fan_in", "fan_out", "fan_avg", "fan_geo_avg", "x"])),
                       ("layout", st.sampled_from(["keras", "torch", "jax", 1])),
                       ("distribution", st.sampled_from(["normal", "uniform", "truncated_normal", "cauchy"])),
                       ("in_axis", st.integers(-4, 4)), ("dtype", dtypes), ("region", regions),
                       ("value", reals), ("scale", reals), ("nonlinearity", st.sampled_from(["relu", "tanh", "gelu2"]))):
        if data.draw(st.booleans()):
            kw[key] = data.draw(strat)
    out = out_arrays(data.draw, shape)
    if out is not None:
        kw["out"] = out
    before = None if not isinstance(out, np.ndarray) else out.copy()
    try:
        got = winit.init(name, shape, **kw)
    except Exception as e:  # noqa: BLE001
        refused(e)
        if before is not None:
            assert np.array_equal(out, before, equal_nan=True), "a refused call wrote to out"
        return
    assert isinstance(got, (np.ndarray, np.generic))


@FUZZ
@given(st.data())
def test_generator(data):
    g = winit.Generator(data.draw(st.integers(0, 3)))
    method = data.draw(st.sampled_from(["standard_normal", "normal", "random", "uniform",
                                        "truncated_normal", "random_raw"]))
    size = data.draw(st.one_of(st.none(), st.integers(-1, 7), st.lists(st.integers(0, 4), max_size=2).map(tuple)))
    kw = {}
    if method != "random_raw" and data.draw(st.booleans()):
        kw["dtype"] = data.draw(dtypes)
    out = out_arrays(data.draw, size if isinstance(size, tuple) else None)
    if method == "random_raw" and data.draw(st.booleans()):
        out = np.zeros(size if isinstance(size, tuple) else 3, np.uint32)
    if out is not None:
        kw["out"] = out
    before = None if not isinstance(out, np.ndarray) else out.copy()
    block = g.next_block
    try:
        got = getattr(g, method)(size=size, **kw)
    except Exception as e:  # noqa: BLE001
        refused(e)
        assert g.next_block == block, "a refused call advanced the generator"
        if before is not None:
            assert np.array_equal(out, before, equal_nan=True), "a refused call wrote to out"
        return
    assert g.next_block >= block
    if method == "random_raw":
        n = np.size(got)
        assert np.array_equal(np.asarray(got).reshape(-1), R.raw_words(n, g.seed, 0, 4 * block))


import torch  # noqa: E402  (the test extra installs it)


@FUZZ
@given(st.data())
def test_torch_front_end(data):
    import winit.torch as wt

    fname = data.draw(st.sampled_from(["uniform_", "normal_", "trunc_normal_", "xavier_uniform_",
                                       "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
                                       "orthogonal_", "sparse_", "constant_"]))
    shape = tuple(data.draw(st.lists(st.integers(0, 5), max_size=3)))
    dtype = data.draw(st.sampled_from([torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int32]))
    t = torch.full(shape, 7, dtype=dtype)
    if data.draw(st.booleans()) and t.dim() >= 2:
        t = t.transpose(0, 1)
    before = t.clone()
    args = [data.draw(reals) for _ in range(data.draw(st.integers(0, 2)))]
    kw = {"seed": data.draw(st.one_of(st.integers(0, 5), st.just(-2)))} if fname != "constant_" else {}
    if fname == "constant_" and not args:
        args = [1.0]
    if fname == "sparse_":
        args = [data.draw(st.floats(0, 1))] + args[:1]
    if fname.startswith("kaiming") and data.draw(st.booleans()):
        kw["mode"] = data.draw(st.sampled_from(["fan_in", "fan_out", "fan_avg"]))
    try:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = getattr(wt, fname)(t, *args, **kw)
    except Exception as e:  # noqa: BLE001
        refused(e)
        assert torch.equal(t, before) or (t != t).any(), "a refused call wrote to the tensor"
        return
    assert out is t
