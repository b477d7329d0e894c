"""What the benchmark modules share: ``peers``, winit/_peers.py of this source tree (the peers,
buffers, thread count and call cases, the same ones `winit bench` runs), and the warm-up.

asv times the winit installed from the commit under test, which may predate winit/_peers.py,
while these benchmark files come from the checkout: so _peers is loaded from the file beside
them (../../winit/_peers.py), not imported from the installed winit.  _peers uses only winit's
public API (winit.normal/uniform/truncated_normal with out= and threads=, winit.he_normal or
winit.init, winit.torch.deferred_init/materialize), so the suite also runs against older
commits in `asv continuous`.  A case a peer or an older winit cannot run raises
peers.Unavailable; ``asv_setup`` turns that into the NotImplementedError by which asv marks a
case "n/a".  torch and ml_dtypes are imported lazily, in setup, and only when needed.
"""
import functools
import importlib.util
import os
import sys
import time


def _load_peers():
    """winit/_peers.py of this checkout, as the module ``winit_bench_peers`` (the name
    winit._peers belongs to the installed winit, which may have another one or none)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, "winit", "_peers.py")
    spec = importlib.util.spec_from_file_location("winit_bench_peers", os.path.normpath(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


peers = _load_peers()
SIZES = {"1M": peers.MI, "64M": 64 * peers.MI}

# Warm-ups done in this process: asv re-runs setup before every sample.
_WARMED = set()


def skip(why):
    raise NotImplementedError(why)  # asv: this case is n/a


def asv_setup(setup):
    """A benchmark's setup, with peers.Unavailable reported to asv as n/a."""
    @functools.wraps(setup)
    def wrapped(*args):
        try:
            return setup(*args)
        except peers.Unavailable as e:
            skip(str(e))
    return wrapped


def warm_up(key, make, a):
    """Once per process: a call on a 1/64 slice (lazy initialisation), then a full call when
    that predicts under half a second, so that the timed calls find everything warm.
    ``make(a)`` returns the zero-argument call filling ``a``."""
    if key in _WARMED:
        return
    _WARMED.add(key)
    m = max(1, a.size // 64)
    small = make(a[:m])
    t0 = time.perf_counter()
    small()
    if (time.perf_counter() - t0) * (a.size / m) < 0.5:
        make(a)()
