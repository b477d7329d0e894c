"""Shared fixtures for the winit test suite.

``reference`` (tests/reference.py) is the independent pure-numpy implementation of SPEC
Part 1; the tests compare winit against it.
"""
import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

DATA = os.path.join(HERE, "data")

try:
    import ml_dtypes
    BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover
    ml_dtypes = None
    BFLOAT16 = None

HALF_DTYPES = ["float16"] + (["bfloat16"] if BFLOAT16 is not None else [])
ALL_DTYPES = ["float32", "float64"] + HALF_DTYPES


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


@pytest.fixture
def low_parallel_threshold():
    """Lower the size above which winit's threads engage, so moderate sizes use threads;
    restored afterwards."""
    import winit
    core = winit._core
    old = core._get_parallel_threshold()
    core._set_parallel_threshold(64)
    try:
        yield 64
    finally:
        core._set_parallel_threshold(old)
