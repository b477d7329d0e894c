"""Golden values (tests/data/golden_v1.json, written by tests/data/make_golden.py): winit must
reproduce every stored value bit for bit, in every release (SPEC 1.4).

The stored values are also checked against the independent reference, so the file itself
cannot freeze a stream that breaks SPEC Part 1.
"""
import json
import os
import sys

import numpy as np
import pytest

import reference as R
from conftest import DATA, assert_same_bits, np_dtype

sys.path.insert(0, DATA)
import make_golden  # noqa: E402

with open(os.path.join(DATA, "golden_v1.json")) as _f:
    GOLDEN = json.load(_f)
CASES = GOLDEN["cases"]


def _id(c):
    where = c["name"] if c["name"] is not None else c["stream"]
    return f"{c['dist']}-{c['dtype']}-s{c['seed']:x}-{where}-o{c['offset']}"


def decode(case):
    dt = np.dtype(np.uint32) if case["dtype"] == "uint32" else np_dtype(case["dtype"])
    u = {2: np.uint16, 4: np.uint32, 8: np.uint64}[dt.itemsize]
    return np.array([int(h, 16) for h in case["bits"]], dtype=u).view(dt)


def test_golden_file_shape():
    assert GOLDEN["stream_version"] == 1
    dists = {(c["dist"], c["dtype"]) for c in CASES}
    for d in ("uniform", "normal", "truncated_normal"):
        for t in ("float32", "float64", "float16", "bfloat16"):
            assert (d, t) in dists
            assert sum(c["n"] for c in CASES if (c["dist"], c["dtype"]) == (d, t)) >= 300
    assert ("random_raw", "uint32") in dists
    for c in CASES:
        assert len(c["bits"]) == c["n"]


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_golden(case):
    import winit
    got = make_golden.compute(winit, case)
    assert_same_bits(got, decode(case), _id(case))


def _stream(case):
    return R.resolve_stream(case["stream"], case["name"])


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_golden_matches_reference(case):
    """The frozen values are SPEC Part 1 values (independently of winit)."""
    stored = decode(case)
    seed, stream, offset, n, p = case["seed"], _stream(case), case["offset"], case["n"], case["params"]
    dist, dtype = case["dist"], case["dtype"]
    if dist == "random_raw":
        np.testing.assert_array_equal(stored, R.raw_words(n, seed, stream, offset))
        return
    if dtype in ("float16", "bfloat16"):
        # a half output is the float32 output rounded: compare with the float32 golden case
        twin = [c for c in CASES if c["dist"] == dist and c["dtype"] == "float32" and
                (c["seed"], c["stream"], c["name"], c["offset"], c["params"]) ==
                (case["seed"], case["stream"], case["name"], case["offset"], case["params"])]
        assert len(twin) == 1
        assert_same_bits(stored, decode(twin[0]).astype(np_dtype(dtype)))
        return
    bits = 64 if dtype == "float64" else 32
    if dist == "uniform":
        u = R.uniform_unit(n, seed, stream, offset, bits)
        assert_same_bits(stored, R.scale_uniform(u, p.get("low", 0.0), p.get("high", 1.0)))
        return
    mean, std = p.get("mean", 0.0), p.get("std", 1.0)
    if dist == "normal":
        z = R.normal_z(n, seed, stream, offset, bits)
    else:
        z = R.truncated_z(n, seed, stream, offset, p.get("lower", -2.0), p.get("upper", 2.0), bits)
    # stored = mean + std * z_winit, rounded in the working precision: undo it in float64
    t = np.float64 if bits == 64 else np.float32
    zs = (stored.astype(np.float64) - float(t(mean))) / float(t(std))
    # allowance: SPEC tolerance plus the rounding of the scaled value (half an ulp of it)
    ulp = np.spacing(np.abs(stored)).astype(np.float64) / float(t(std))
    err = np.abs(zs - z) - ulp
    assert np.all(err <= R.tolerance(z, bits)), (dist, dtype, float(np.max(err / R.tolerance(z, bits))))
