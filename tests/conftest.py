"""Shared fixtures for the winit test suite.

``reference`` (tests/reference.py) is the independent pure-numpy implementation of SPEC
Part 1; the tests compare winit against it.
"""
import os
import sys

import numpy as np
import pytest

import winit

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

DATA = os.path.join(HERE, "data")

import ml_dtypes  # the test extra installs it: bfloat16 is tested, never dropped

import torchvision_shim  # noqa: F401,E402  (timm and transformers import beside CPU torch)

BFLOAT16 = np.dtype(ml_dtypes.bfloat16)

HALF_DTYPES = ["float16", "bfloat16"]
ALL_DTYPES = ["float32", "float64"] + HALF_DTYPES


# The three samplers with non-trivial parameters, for tests that run all of them.
DISTS = {
    "normal": (winit.normal, dict(mean=0.5, std=2.0)),
    "uniform": (winit.uniform, dict(low=-1.0, high=3.0)),
    "truncated_normal": (winit.truncated_normal, dict(mean=0.1, std=0.5, lower=-1.5, upper=2.5)),
}
DIST_NAMES = list(DISTS)


def call(dist, shape=None, **kw):
    fn, params = DISTS[dist]
    kw = {**params, **kw}
    return fn(shape, **kw)


def np_dtype(name):
    """numpy dtype for a winit dtype name (bfloat16 via ml_dtypes)."""
    if name == "bfloat16":
        return BFLOAT16
    return np.dtype(name)


def bits_of(a):
    """View an array as unsigned integers of the same width (for bit-for-bit comparison)."""
    a = np.array(a, order="C")
    u = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}.get(a.dtype.itemsize)
    if u is None:  # e.g. long double, complex: compare raw bytes
        return a.view(np.uint8).reshape(a.shape + (a.dtype.itemsize,)) if a.ndim else a.reshape(1).view(np.uint8)
    return a.view(u)


def assert_same_bits(a, b, msg=""):
    a = np.asarray(a)
    b = np.asarray(b)
    assert a.dtype == b.dtype, (a.dtype, b.dtype, msg)
    assert a.shape == b.shape, (a.shape, b.shape, msg)
    ba, bb = bits_of(a), bits_of(b)
    if not np.array_equal(ba, bb):
        bad = np.flatnonzero((ba != bb).reshape(-1))
        i = bad[0]
        raise AssertionError(
            f"{msg}: {bad.size} of {a.size} elements differ; first at flat index {i}: "
            f"{a.reshape(-1)[i]!r} vs {b.reshape(-1)[i]!r}")


def compiled_targets():
    """Every compiled kernel target but the scalar reference, as (test id, target to run):
    a target this CPU cannot run is stood in for by the emulated one with as many lanes, so
    its wide logic is still compared (the real instance runs where the CPU has it: NEON in
    CI's aarch64 check).  An emulated target stands under its own name only where it stands
    in for nothing, so no instance is compared twice."""
    out, used = [], set()
    isas = winit._core.isas()
    for t in isas:
        if t["name"] == "scalar" or t["emulated"]:
            continue
        if t["runs"]:
            out.append((t["name"], t["name"]))
            continue
        stand_in = next((e["name"] for e in isas if e["emulated"] and e["lanes"] == t["lanes"]), None)
        if stand_in is None:
            raise RuntimeError("target %r does not run here and has no emulated twin of %d lanes"
                               % (t["name"], t["lanes"]))
        out.append(("%s-as-%s" % (t["name"], stand_in), stand_in))
        used.add(stand_in)
    out += [(t["name"], t["name"]) for t in isas if t["emulated"] and t["name"] not in used]
    return out


def on_isa(name, fn):
    """fn() with the kernel target `name` forced; the target in use is restored."""
    core = winit._core
    old = core._get_isa()
    try:
        core._set_isa(name)
        assert core._get_isa() == name
        return fn()
    finally:
        core._set_isa(old)


def scalar_and(isa, fn):
    """(fn() on the scalar kernels, fn() on the target `isa`)."""
    return on_isa("scalar", fn), on_isa(isa, fn)


@pytest.fixture
def low_parallel_threshold():
    """Lower the size above which winit's threads engage, so moderate sizes use threads;
    restored afterwards."""
    core = winit._core
    old = core._get_parallel_threshold()
    core._set_parallel_threshold(64)
    try:
        yield 64
    finally:
        core._set_parallel_threshold(old)
