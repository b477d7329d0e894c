"""winit: fast, reproducible neural-network weight initialization.

Every value is a pure function of (seed, stream, element index): Philox4x32-10
(counter-based) words turned into uniform, normal (Box-Muller) or truncated
normal (inverse CDF) values in C, without the GIL, on any number of threads,
with the same bits for any thread count, chunking, region or machine.
See SPEC.md (README) for the stream, bit by bit.
"""
from ._core import cpu_has_avx2
from ._generator import Generator
from ._sampling import (
    get_num_threads,
    manual_seed,
    normal,
    philox4x32,
    random_raw,
    set_num_threads,
    stream_of_name,
    truncated_normal,
    uniform,
)
from ._schemes import *  # noqa: F401,F403  (the scheme registry: init, schemes, he_normal, ...)
from ._schemes import __all__ as _scheme_names

import os as _os

if _os.environ.get("WINIT_ISA"):  # force a kernel target: a name of _core.isas(), or auto
    try:
        from ._core import _set_isa

        _set_isa(_os.environ["WINIT_ISA"])
    except ValueError as e:
        raise ValueError("environment variable WINIT_ISA: %s" % e) from None

__version__ = "0.1.0"
STREAM_VERSION = 1  # SPEC Part 1 version: bumped if any produced value ever changes

__all__ = [
    "Generator",
    "cpu_has_avx2",
    "get_num_threads",
    "manual_seed",
    "normal",
    "philox4x32",
    "random_raw",
    "set_num_threads",
    "stream_of_name",
    "truncated_normal",
    "uniform",
    "STREAM_VERSION",
] + list(_scheme_names)
