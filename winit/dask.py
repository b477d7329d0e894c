"""winit.dask: lazy dask arrays whose every chunk is computed where it lives.

A chunk is the region of the logical tensor it covers, computed with the
`region=` keyword, so the assembled array equals the single-machine result bit
for bit, whatever the chunking, scheduler or worker.  Needs dask (pip install
'winit[dask]').

    >>> import winit.dask
    >>> w = winit.dask.normal((100_000, 4096), std=0.02, seed=0, chunks=(10_000, 4096))
    >>> w.compute()  # == winit.normal((100_000, 4096), std=0.02, seed=0)
"""
import functools

import dask.array as da
import numpy as np

from . import _sampling
from ._validate import check_shape, resolve_dtype

__all__ = ["normal", "uniform", "truncated_normal", "init"]


def _chunk(block_info=None, *, fn, shape, kwargs):
    location = block_info[None]["array-location"]
    region = tuple(slice(start, stop) for start, stop in location)
    return fn(shape, region=region, **kwargs)


def _lazy(fn, shape, chunks, dtype, kwargs):
    shape = check_shape(shape)
    np_dtype, _ = resolve_dtype(dtype)
    # seed=None is resolved once, here: every chunk must use the same seed.
    if kwargs.get("seed") is None:
        kwargs["seed"] = _sampling.draw_seed()
    kwargs.setdefault("threads", 1)  # dask runs chunks in parallel already
    kwargs["dtype"] = dtype
    # Validate every argument now (on an empty region), not inside a worker.
    fn(shape, region=tuple(slice(0, 0) for _ in shape), **kwargs)
    chunks = da.core.normalize_chunks(chunks, shape, dtype=np_dtype)
    return da.map_blocks(
        functools.partial(_chunk, fn=fn, shape=shape, kwargs=kwargs),
        chunks=chunks,
        dtype=np_dtype,
        meta=np.empty((0,) * len(shape), dtype=np_dtype),
    )


def normal(shape, mean=0.0, std=1.0, *, chunks="auto", dtype=None, **kwargs):
    """Lazy winit.normal: same keywords (seed, stream, name, offset, threads), plus chunks."""
    return _lazy(_sampling.normal, shape, chunks, dtype, dict(kwargs, mean=mean, std=std))


def uniform(shape, low=0.0, high=1.0, *, chunks="auto", dtype=None, **kwargs):
    """Lazy winit.uniform."""
    return _lazy(_sampling.uniform, shape, chunks, dtype, dict(kwargs, low=low, high=high))


def truncated_normal(shape, mean=0.0, std=1.0, lower=-2.0, upper=2.0, *, chunks="auto", dtype=None, **kwargs):
    """Lazy winit.truncated_normal."""
    return _lazy(_sampling.truncated_normal, shape, chunks, dtype,
                 dict(kwargs, mean=mean, std=std, lower=lower, upper=upper))


def init(scheme, shape, *, chunks="auto", dtype=None, **kwargs):
    """Lazy winit.init(scheme, shape, ...) for every scheme that is element-wise
    (all but orthogonal, whose QR needs the whole matrix)."""
    from ._schemes import init as scheme_init

    if scheme in ("orthogonal",):
        raise ValueError("scheme %r needs the whole matrix (QR); build it with winit.init and "
                         "dask.array.from_array instead" % (scheme,))
    fn = functools.partial(scheme_init, scheme)
    return _lazy(fn, shape, chunks, dtype, kwargs)
