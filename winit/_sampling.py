"""The functional samplers of SPEC Part 2: each call is a pure function of
(seed, stream, element index, distribution, parameters, dtype).

Thin public functions over winit._request (which checks and fills) with the
default generator of winit._generator as the source of ``seed=None``.
"""
from . import _request
from ._generator import draw_seed, manual_seed  # noqa: F401  (public: winit.manual_seed)
from ._request import get_num_threads, philox4x32, random_raw, set_num_threads, stream_of_name  # noqa: F401

__all__ = [
    "philox4x32",
    "random_raw",
    "normal",
    "uniform",
    "truncated_normal",
    "manual_seed",
    "set_num_threads",
    "get_num_threads",
    "stream_of_name",
]


def normal(shape=None, mean=0.0, std=1.0, *, seed=None, stream=None, name=None, dtype=None,
           out=None, offset=0, region=None, threads=None):
    """Normal values mean + std * z, z by Box-Muller on the Philox stream (SPEC 1.3).

    shape: int or tuple (None: one value, or out's shape); dtype: float32 (default),
    float64, float16 or bfloat16; seed: int in [0, 2**64) makes the call a pure
    function (None draws from the default generator); stream or name select the
    stream; offset is the index of the first element; region selects full[region]
    of the logical tensor `shape` and computes only that; out fills an array in place.
    """
    return _request.sample("normal", (mean, std), shape, seed=seed, stream=stream, name=name, dtype=dtype,
                           out=out, offset=offset, region=region, threads=threads, seed_source=draw_seed)


def uniform(shape=None, low=0.0, high=1.0, *, seed=None, stream=None, name=None, dtype=None,
            out=None, offset=0, region=None, threads=None):
    """Uniform values low + (high - low) * u, u in [0, 1) from 24 (float32) or 53
    (float64) bits of the stream (SPEC 1.3).  Keywords as for normal()."""
    return _request.sample("uniform", (low, high), shape, seed=seed, stream=stream, name=name, dtype=dtype,
                           out=out, offset=offset, region=region, threads=threads, seed_source=draw_seed)


def truncated_normal(shape=None, mean=0.0, std=1.0, lower=-2.0, upper=2.0, *, seed=None, stream=None,
                     name=None, dtype=None, out=None, offset=0, region=None, threads=None):
    """Normal values truncated to [mean + lower*std, mean + upper*std] by inverse CDF
    (lower/upper in units of std; +-inf allowed for a one-sided cut).  Keywords as
    for normal()."""
    return _request.sample("truncated_normal", (mean, std, lower, upper), shape, seed=seed, stream=stream,
                           name=name, dtype=dtype, out=out, offset=offset, region=region, threads=threads,
                           seed_source=draw_seed)
