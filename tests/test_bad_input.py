"""Bad input is refused (SPEC Part 2): TypeError for a wrong type, ValueError for a wrong value,
a message naming the argument, and nothing written to ``out``."""
import math

import numpy as np
import pytest

import winit
from conftest import bits_of

SENTINEL = 12345.0
SAMPLERS = {"normal": winit.normal, "uniform": winit.uniform, "truncated_normal": winit.truncated_normal}


def sentinel_out(shape=(3, 4), dtype=np.float32):
    return np.full(shape, SENTINEL, dtype)


def refused(fn, exc, match, out=None, **kw):
    """fn(**kw, out=out) raises exc with a message matching `match`; out keeps its bytes."""
    before = None if out is None else np.array(out, copy=True)
    kwargs = dict(kw)
    if out is not None:
        kwargs["out"] = out
    with pytest.raises(exc, match=match):
        fn(**kwargs)
    if out is not None and isinstance(out, np.ndarray):
        assert np.array_equal(bits_of(out), bits_of(before)), "out was written by a refused call"


# (id, kwargs, exception, match) valid for every sampler, with out = float32 (3, 4)
COMMON = [
    ("seed-float", dict(seed=1.5), TypeError, "seed"),
    ("seed-npfloat", dict(seed=np.float64(1.0)), TypeError, "seed"),
    ("seed-str", dict(seed="1"), TypeError, "seed"),
    ("seed-bool", dict(seed=True), TypeError, "seed"),
    ("seed-npbool", dict(seed=np.bool_(True)), TypeError, "seed"),
    ("seed-negative", dict(seed=-1), ValueError, "seed"),
    ("seed-2**64", dict(seed=2**64), ValueError, "seed"),
    ("stream-float", dict(seed=1, stream=1.0), TypeError, "stream"),
    ("stream-bool", dict(seed=1, stream=False), TypeError, "stream"),
    ("stream-negative", dict(seed=1, stream=-1), ValueError, "stream"),
    ("stream-2**64", dict(seed=1, stream=2**64), ValueError, "stream"),
    ("stream-and-name", dict(seed=1, stream=1, name="w"), ValueError, "stream|name"),
    ("stream0-and-name", dict(seed=1, stream=0, name="w"), ValueError, "stream|name"),
    ("name-int", dict(seed=1, name=5), TypeError, "name"),
    ("name-bytes", dict(seed=1, name=b"w"), TypeError, "name"),
    ("offset-float", dict(seed=1, offset=1.0), TypeError, "offset"),
    ("offset-bool", dict(seed=1, offset=True), TypeError, "offset"),
    ("offset-negative", dict(seed=1, offset=-1), ValueError, "offset"),
    ("offset-2**64", dict(seed=1, offset=2**64), ValueError, "offset"),
    ("offset+size>2**64", dict(seed=1, offset=2**64 - 11), ValueError, "offset"),
    ("shape-negative", dict(shape=(3, -4), seed=1), ValueError, "shape"),
    ("shape-float-entry", dict(shape=(3, 4.0), seed=1), TypeError, "shape"),
    ("shape-bool-entry", dict(shape=(True, 4), seed=1), TypeError, "shape"),
    ("shape-float", dict(shape=12.0, seed=1), TypeError, "shape"),
    ("shape-differs-from-out", dict(shape=(4, 3), seed=1), ValueError, "shape"),
    ("shape-size-differs-from-out", dict(shape=(5,), seed=1), ValueError, "shape"),
    ("dtype-int8", dict(seed=1, dtype="int8"), ValueError, "dtype"),
    ("dtype-float128", dict(seed=1, dtype="float128"), ValueError, "dtype"),
    ("dtype-bogus", dict(seed=1, dtype="flaot32"), ValueError, "dtype"),
    ("dtype-vs-out", dict(seed=1, dtype="float64"), (TypeError, ValueError), "dtype"),
    ("dtype-np-int", dict(seed=1, dtype=np.int32), (TypeError, ValueError), "dtype"),
    ("threads-zero", dict(seed=1, threads=0), ValueError, "threads"),
    ("threads-negative", dict(seed=1, threads=-2), ValueError, "threads"),
    ("threads-float", dict(seed=1, threads=2.0), TypeError, "threads"),
    ("threads-bool", dict(seed=1, threads=True), TypeError, "threads"),
    ("region-out-of-bounds", dict(shape=(3, 4), seed=1, region=(slice(None), 4)), ValueError, "region"),
    ("region-negative-out-of-bounds", dict(shape=(3, 4), seed=1, region=(-4, slice(None))), ValueError, "region"),
    ("region-too-long", dict(shape=(3, 4), seed=1, region=(0, 0, 0)), ValueError, "region"),
    ("region-step-zero", dict(shape=(3, 4), seed=1, region=(slice(None, None, 0),)), ValueError, "region|step"),
    ("region-shape-vs-out", dict(shape=(3, 4), seed=1, region=(slice(0, 2),)), ValueError, "region|shape"),
    ("region-str", dict(shape=(3, 4), seed=1, region=("a",)), (TypeError, ValueError), "region"),
]

PARAMS = {
    "normal": [
        ("std-negative", dict(std=-1.0), ValueError, "std"),
        ("std-nan", dict(std=math.nan), ValueError, "std"),
        ("std-inf", dict(std=math.inf), ValueError, "std"),
        ("std-str", dict(std="1"), TypeError, "std"),
        ("mean-nan", dict(mean=math.nan), ValueError, "mean"),
        ("mean-inf", dict(mean=-math.inf), ValueError, "mean"),
        ("mean-bool", dict(mean=True), TypeError, "mean"),
        ("mean-complex", dict(mean=1j), TypeError, "mean"),
    ],
    "uniform": [
        ("low-nan", dict(low=math.nan), ValueError, "low"),
        ("low-inf", dict(low=-math.inf), ValueError, "low"),
        ("high-nan", dict(high=math.nan), ValueError, "high"),
        ("high-inf", dict(high=math.inf), ValueError, "high"),
        ("low>high", dict(low=2.0, high=1.0), ValueError, "low|high"),
        ("low-str", dict(low="0"), TypeError, "low"),
        ("high-None", dict(high=None), TypeError, "high"),
    ],
    "truncated_normal": [
        ("std-negative", dict(std=-0.5), ValueError, "std"),
        ("std-nan", dict(std=math.nan), ValueError, "std"),
        ("std-inf", dict(std=math.inf), ValueError, "std"),
        ("mean-nan", dict(mean=math.nan), ValueError, "mean"),
        ("mean-inf", dict(mean=math.inf), ValueError, "mean"),
        ("lower=upper", dict(lower=1.0, upper=1.0), ValueError, "lower|upper"),
        ("lower>upper", dict(lower=2.0, upper=-2.0), ValueError, "lower|upper"),
        ("lower-nan", dict(lower=math.nan), ValueError, "lower"),
        ("upper-nan", dict(upper=math.nan), ValueError, "upper"),
        ("lower-str", dict(lower="-2"), TypeError, "lower"),
        ("upper-inf-lower-inf", dict(lower=math.inf, upper=math.inf), ValueError, "lower|upper"),
    ],
}


OUT_ONLY = {"shape-differs-from-out", "shape-size-differs-from-out", "dtype-vs-out", "region-shape-vs-out"}


def _all_cases(with_out=True):
    out = []
    for sname in SAMPLERS:
        for cid, kw, exc, match in COMMON:
            if with_out or cid not in OUT_ONLY:
                out.append(pytest.param(sname, kw, exc, match, id=f"{sname}-{cid}"))
        for cid, kw, exc, match in PARAMS[sname]:
            out.append(pytest.param(sname, dict(seed=1, **kw), exc, match, id=f"{sname}-{cid}"))
    return out


@pytest.mark.parametrize("sampler,kw,exc,match", _all_cases())
def test_refused_with_out(sampler, kw, exc, match):
    refused(SAMPLERS[sampler], exc, match, out=sentinel_out(), **kw)


@pytest.mark.parametrize("sampler,kw,exc,match", _all_cases(with_out=False))
def test_refused_without_out(sampler, kw, exc, match):
    """The same refusals when the result is allocated."""
    kw = dict(kw)
    kw.setdefault("shape", (3, 4))
    refused(SAMPLERS[sampler], exc, match, **kw)


# ----------------------------------------------------------------------------- out itself
def _bad_outs():
    ro = sentinel_out()
    ro.flags.writeable = False
    swapped = np.full((3, 4), SENTINEL, np.dtype(">f4"))
    swapped64 = np.full((3, 4), SENTINEL, np.dtype(">f8"))
    return [
        ("list", [[SENTINEL] * 4] * 3, TypeError, "out"),
        ("int32", np.full((3, 4), 7, np.int32), TypeError, "out"),
        ("uint32", np.full((3, 4), 7, np.uint32), TypeError, "out"),
        ("complex64", np.full((3, 4), SENTINEL, np.complex64), TypeError, "out"),
        ("float128", np.full((3, 4), SENTINEL, np.longdouble), TypeError, "out"),
        ("read-only", ro, ValueError, "out"),
        ("byte-swapped-f4", swapped, ValueError, "out"),
        ("byte-swapped-f8", swapped64, ValueError, "out"),
    ]


@pytest.mark.parametrize("sampler", list(SAMPLERS))
@pytest.mark.parametrize("case", _bad_outs(), ids=lambda c: c[0])
def test_bad_out(sampler, case):
    _, out, exc, match = case
    refused(SAMPLERS[sampler], exc, match, out=out, seed=1)


def test_read_only_view_of_writable_array():
    base = sentinel_out((6, 4))
    view = base[::2]
    view.flags.writeable = False
    refused(winit.normal, ValueError, "out", out=view, seed=1)
    assert np.all(base == SENTINEL)


def test_no_shape_no_out_region():
    with pytest.raises(ValueError, match="region|shape"):
        winit.normal(seed=1, region=(0,))


def test_refused_seed_none_call_does_not_advance_default():
    winit.manual_seed(5)
    a = winit.normal(4)
    winit.manual_seed(5)
    for bad in (dict(std=-1.0), dict(dtype="int8"), dict(offset=-1), dict(threads=0)):
        with pytest.raises((TypeError, ValueError)):
            winit.normal(4, **bad)
    b = winit.normal(4)
    assert np.array_equal(bits_of(a), bits_of(b))


# ----------------------------------------------------------------------------- random_raw
RAW = [
    ("seed-missing", dict(), TypeError, "seed"),
    ("seed-None", dict(seed=None), TypeError, "seed"),
    ("seed-negative", dict(seed=-1), ValueError, "seed"),
    ("seed-2**64", dict(seed=2**64), ValueError, "seed"),
    ("seed-float", dict(seed=3.0), TypeError, "seed"),
    ("seed-bool", dict(seed=False), TypeError, "seed"),
    ("stream-negative", dict(seed=1, stream=-1), ValueError, "stream"),
    ("stream-2**64", dict(seed=1, stream=2**64), ValueError, "stream"),
    ("stream-float", dict(seed=1, stream=0.0), TypeError, "stream"),
    ("stream-and-name", dict(seed=1, stream=3, name="w"), ValueError, "stream|name"),
    ("name-int", dict(seed=1, name=3), TypeError, "name"),
    ("offset-negative", dict(seed=1, offset=-1), ValueError, "offset"),
    ("offset-float", dict(seed=1, offset=2.0), TypeError, "offset"),
    ("offset+size>2**64", dict(seed=1, offset=2**64 - 4), ValueError, "offset"),
]


@pytest.mark.parametrize("case", RAW, ids=lambda c: c[0])
def test_random_raw_refused(case):
    _, kw, exc, match = case
    with pytest.raises(exc, match=match):
        winit.random_raw(5, **kw)


@pytest.mark.parametrize("size,exc", [(-1, ValueError), (1.5, TypeError), ((2, -3), ValueError),
                                      (True, TypeError), ("5", TypeError)])
def test_random_raw_bad_size(size, exc):
    with pytest.raises(exc, match="size"):
        winit.random_raw(size, seed=1)


# ----------------------------------------------------------------------------- generator
@pytest.mark.parametrize("args,kw,exc,match", [
    ((-1,), {}, ValueError, "seed"),
    ((2**64,), {}, ValueError, "seed"),
    ((1.5,), {}, TypeError, "seed"),
    (("7",), {}, TypeError, "seed"),
    ((True,), {}, TypeError, "seed"),
    ((1,), dict(stream=-1), ValueError, "stream"),
    ((1,), dict(stream=2**64), ValueError, "stream"),
    ((1,), dict(stream=1.0), TypeError, "stream"),
    ((1,), dict(name=4), TypeError, "name"),
    ((1,), dict(stream=2, name="w"), ValueError, "stream|name"),
])
def test_generator_construction_refused(args, kw, exc, match):
    with pytest.raises(exc, match=match):
        winit.Generator(*args, **kw)


@pytest.mark.parametrize("method,kw,exc,match", [
    ("standard_normal", dict(size=-1), ValueError, "size"),
    ("standard_normal", dict(size=2.0), TypeError, "size"),
    ("standard_normal", dict(size=3, dtype="int8"), ValueError, "dtype"),
    ("normal", dict(scale=-1.0, size=3), ValueError, "scale|std"),
    ("normal", dict(loc=math.nan, size=3), ValueError, "loc|mean"),
    ("uniform", dict(low=1.0, high=0.0, size=3), ValueError, "low|high"),
    ("random", dict(size=3, dtype="float128"), ValueError, "dtype"),
    ("truncated_normal", dict(lower=1.0, upper=0.0, size=3), ValueError, "lower|upper"),
    ("random", dict(out=[0.0, 0.0]), TypeError, "out"),
    ("random", dict(out=np.zeros(3, np.int64)), TypeError, "out"),
    ("standard_normal", dict(size=4, out=np.zeros(3)), ValueError, "size|shape"),
])
def test_generator_call_refused_and_state_kept(method, kw, exc, match):
    g, ref = winit.Generator(3), winit.Generator(3)
    with pytest.raises(exc, match=match):
        getattr(g, method)(**kw)
    # a refused call consumed no blocks
    assert np.array_equal(g.random(5), ref.random(5))


def test_generator_out_untouched_on_refusal():
    g = winit.Generator(3)
    out = sentinel_out((4,), np.float64)
    refused(g.normal, ValueError, "scale|std", out=out, scale=-1.0)
    ro = sentinel_out((4,), np.float64)
    ro.flags.writeable = False
    refused(g.standard_normal, ValueError, "out", out=ro)


# ----------------------------------------------------------------------------- misc
def test_manual_seed_refused():
    with pytest.raises(ValueError, match="seed"):
        winit.manual_seed(-1)
    with pytest.raises(TypeError, match="seed"):
        winit.manual_seed(1.5)
    with pytest.raises(ValueError, match="seed"):
        winit.manual_seed(2**64)


def test_set_num_threads_refused():
    old = winit.get_num_threads()
    with pytest.raises(ValueError, match=r"threads|\bn\b"):
        winit.set_num_threads(0)
    with pytest.raises(TypeError, match=r"threads|\bn\b"):
        winit.set_num_threads(1.5)
    assert winit.get_num_threads() == old


def test_philox4x32_refused():
    with pytest.raises(ValueError, match="counter"):
        winit.philox4x32((0, 0, 0), (0, 0))
    with pytest.raises(ValueError, match="key"):
        winit.philox4x32((0, 0, 0, 0), (0, 2**32))
    with pytest.raises(ValueError, match="counter"):
        winit.philox4x32((0, 0, -1, 0), (0, 0))
    with pytest.raises(TypeError, match="key"):
        winit.philox4x32((0, 0, 0, 0), (0, 1.0))


def test_size_beyond_2_64_refused_before_allocating():
    with pytest.raises(ValueError, match="size|shape"):
        winit.normal((2**33, 2**33), seed=1)
    with pytest.raises(ValueError, match="size|offset"):
        winit.random_raw((2**40, 2**30), seed=1)


def test_empty_request_at_the_end_of_the_stream_accepted():
    """The rule is offset + size <= 2**64: an empty request at offset 2**64 is not an error."""
    assert winit.normal(0, seed=1, offset=2**64).shape == (0,)
    assert winit.random_raw(0, seed=1, offset=2**64).shape == (0,)
    # and the last element itself is reachable
    assert winit.normal(1, seed=1, offset=2**64 - 1).shape == (1,)
