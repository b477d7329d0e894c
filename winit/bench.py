"""`winit bench`: fill speed against numpy (and torch) measured side by side in one run.

    winit bench [--sizes 1M,64M] [--threads 1,all] [--dists normal,uniform,truncated]
                [--dtypes float32,float64,bfloat16] [--isas avx512,avx2,sse2,scalar|all]
                [--repeat N] [--quick] [--json] [--plain]

Without selection options it measures exactly the cases of the speed goals (64M
elements) and prints two tables: the fills (winit Msamples/s, GB/s written, numpy and torch
Msamples/s and the ratio winit/peer) and the goals (ratio, goal, met).  Given any of
--sizes/--threads/--dists/--dtypes it measures their cross product instead (the options not
given take their full lists: 64M, 1 and all, every distribution, float32/float64/bfloat16).

How it times: every fill writes into a buffer made by ``np.ones`` (pre-faulted: a first touch
costs ~10x the write on the machines this was made on), one warm-up call, then up to
``--repeat`` timed calls back to back (so a second core is awake for threads=all) with
``time.perf_counter``, and the median.  Calls slower than ~0.5 s take fewer samples (each
measurement stops after about 1.5 s) so that the default run stays under a minute.  numpy
(PCG64) and torch are single-threaded peers (torch is set to one thread; its CPU ``normal_``
uses one anyway), measured once per distribution/dtype/size and shown on both thread rows.
numpy has no truncated normal: its ``standard_normal`` stands in; torch's peer there is
``torch.nn.init.trunc_normal_``, on at most 4M elements (it runs at ~10 Ms/s: a 64M call
takes 7-30 s).  Beside ``ndarray.fill`` (ordinary stores, one thread) the run measures
non-temporal stores of non-zero data on each thread count (``winit._core.stream_write``), the
write ceiling, and reports every fill as a share of it.  ``--isas`` measures several kernel
targets side by side, each against its own goals (``GOALS_BY_ISA``).  Allocating calls (``he_normal`` 4096x4096) and small calls
(1,000 elements) are reported apart, in time per call.
"""
import argparse
import json
import math
import os
import platform
import re
import statistics
import sys
import time
from functools import partial
from types import SimpleNamespace

import numpy as np

from . import _peers
# The peers and cases live in _peers (shared with the asv suite); SMALL_N and
# llama_build_spec stay reachable here under their old names.
from ._peers import ITEMSIZE, MI, SMALL_N, TORCH_TRUNC_MAX, llama_build_spec  # noqa: F401

__all__ = ["main", "run"]

ALL_DISTS = ("normal", "uniform", "truncated")
ALL_DTYPES = ("float32", "float64", "bfloat16")
KNOWN_DTYPES = tuple(ITEMSIZE)

GOAL_SIZE = 64 * MI
# The goal cases: (dist, dtype, threads) with threads "1" or "all".
GOAL_CASES = (
    ("normal", "float32", "1"), ("normal", "float32", "all"),
    ("uniform", "float32", "1"), ("uniform", "float32", "all"),
    ("normal", "float64", "1"), ("uniform", "float64", "1"),
    ("truncated", "float32", "1"), ("normal", "bfloat16", "1"),
)
# (id, text, winit case, peer kind, peer case, goal ratio); peer kind: numpy, torch, winit, fill
GOALS = (
    ("normal_f32_1t_numpy", "normal f32, 1 thread vs numpy normal f32",
     ("normal", "float32", "1"), "numpy", ("normal", "float32"), 6.0),
    ("normal_f32_all_numpy", "normal f32, all cores vs numpy normal f32",
     ("normal", "float32", "all"), "numpy", ("normal", "float32"), 10.0),
    ("normal_f32_1t_torch", "normal f32, 1 thread vs torch normal_ f32",
     ("normal", "float32", "1"), "torch", ("normal", "float32"), 2.5),
    ("uniform_f32_1t_numpy", "uniform f32, 1 thread vs numpy random f32",
     ("uniform", "float32", "1"), "numpy", ("uniform", "float32"), 3.0),
    ("uniform_f32_all_numpy", "uniform f32, all cores vs numpy random f32",
     ("uniform", "float32", "all"), "numpy", ("uniform", "float32"), 5.0),
    ("normal_f64_1t_numpy", "normal f64, 1 thread vs numpy normal f64",
     ("normal", "float64", "1"), "numpy", ("normal", "float64"), 3.0),
    ("uniform_f64_1t_numpy", "uniform f64, 1 thread vs numpy random f64",
     ("uniform", "float64", "1"), "numpy", ("uniform", "float64"), 2.0),
    ("truncated_f32_1t_numpy", "truncated f32, 1 thread vs numpy normal f32",
     ("truncated", "float32", "1"), "numpy", ("normal", "float32"), 4.0),
    ("bf16_vs_f32_normal", "normal bf16 vs normal f32 (winit), 1 thread",
     ("normal", "bfloat16", "1"), "winit", ("normal", "float32", "1"), 1.0),
    ("uniform_f32_all_fill", "uniform f32, all cores vs ndarray.fill, GB/s",
     ("uniform", "float32", "all"), "fill", None, 0.5),
)


def _goals_from(ratios, extra=()):
    """The rows of GOALS named in ``ratios``, in GOALS' order, each with its goal from
    ``ratios``; then ``extra`` rows."""
    return tuple(g[:5] + (ratios[g[0]],) for g in GOALS if g[0] in ratios) + tuple(extra)


# The goals of the 16-lane AVX-512 target (a faster core; the bandwidth goal is against the
# non-temporal store ceiling) and of the SSE2 baseline target; every other target has GOALS.
GOALS_AVX512 = _goals_from(
    {"normal_f32_1t_numpy": 15.0, "normal_f32_all_numpy": 25.0, "normal_f32_1t_torch": 6.0,
     "normal_f64_1t_numpy": 8.0, "uniform_f64_1t_numpy": 3.0, "truncated_f32_1t_numpy": 10.0},
    extra=(("uniform_f32_all_stream", "uniform f32, all cores vs streaming stores, GB/s",
            ("uniform", "float32", "all"), "stream", None, 0.6),))
GOALS_SSE2 = _goals_from({"normal_f32_1t_numpy": 2.0})
GOALS_BY_ISA = {"avx512": GOALS_AVX512, "sse2": GOALS_SSE2}

TEXT_COLUMNS = ("peer", "goal", "isa")


# --------------------------------------------------------------- arguments
def parse_size(text):
    """'64M' -> 64 * 2**20 (K, M, G are powers of two), '1000' -> 1000."""
    m = re.fullmatch(r"\s*(\d+)\s*([kKmMgG]?)i?\s*", text)
    if not m:
        raise argparse.ArgumentTypeError("size %r: give an integer, optionally with K, M or G (powers of 2)" % text)
    n = int(m.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30}[m.group(2).lower()]
    if n < 1:
        raise argparse.ArgumentTypeError("size %r must be at least 1" % text)
    return n


def size_label(n):
    for shift, suffix in ((30, "G"), (20, "M"), (10, "K")):
        if n >= (1 << shift) and n % (1 << shift) == 0:
            return "%d%s" % (n >> shift, suffix)
    return str(n)


def _csv(valid=None, what="value"):
    def parse(text):
        items = [x.strip() for x in text.split(",") if x.strip()]
        if not items:
            raise argparse.ArgumentTypeError("empty list")
        if valid is not None:
            for x in items:
                if x not in valid:
                    raise argparse.ArgumentTypeError("unknown %s %r; valid: %s" % (what, x, ", ".join(valid)))
        return list(dict.fromkeys(items))
    return parse


def _sizes(text):
    return list(dict.fromkeys(parse_size(x) for x in text.split(",") if x.strip()))


def _threads(text):
    out = []
    for x in _csv()(text):
        if x != "all" and not (x.isdigit() and int(x) >= 1):
            raise argparse.ArgumentTypeError("threads %r: give 'all' or a positive integer" % x)
        out.append(x)
    return out


def build_parser():
    p = argparse.ArgumentParser(
        prog="winit bench",
        description="Fill speed of winit against numpy (PCG64) and torch, side by side in one run. "
                    "Without selection options: the cases of the speed goals at 64M elements.")
    p.add_argument("--sizes", type=_sizes, help="element counts, e.g. 1M,64M (K/M/G = 2**10/2**20/2**30)")
    p.add_argument("--threads", type=_threads, help="thread counts for winit, e.g. 1,all")
    p.add_argument("--dists", type=_csv(ALL_DISTS, "distribution"), help="normal,uniform,truncated")
    p.add_argument("--dtypes", type=_csv(KNOWN_DTYPES, "dtype"), help="float32,float64,bfloat16 (float16 too)")
    p.add_argument("--isas", type=_csv(what="isa"),
                   help="kernel targets to measure side by side, e.g. avx512,avx2,sse2,scalar, or 'all' "
                        "(the ones this CPU runs; default: the target in use)")
    p.add_argument("--repeat", type=int, default=None, help="timed calls per measurement (median; default 5)")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: 1M elements, 2 timed calls, he_normal 1024x1024 (seconds, not for the note)")
    p.add_argument("--json", action="store_true", help="print the results as JSON on stdout (no table)")
    p.add_argument("--plain", action="store_true", help="plain-text tables even when rich is installed")
    p.add_argument("--no-torch", action="store_true", help="leave torch out even when it is installed")
    return p


# --------------------------------------------------------------- environment
def _torch(disabled=False):
    """torch on one thread, or None when left out (--no-torch) or not importable."""
    if disabled:
        return None
    try:
        return _peers.import_torch()
    except _peers.Unavailable:  # pragma: no cover - torch absent or broken
        return None


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:  # pragma: no cover
        pass
    return platform.processor() or platform.machine() or "unknown"


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return [x for x in ("avx2", "fma", "avx512f") if x in flags]
    except OSError:  # pragma: no cover
        pass
    return []


def machine_info(torch):
    import winit

    core = getattr(winit, "_core", None)
    isa = None
    if core is not None and hasattr(core, "_get_isa"):
        try:
            isa = core._get_isa()
        except Exception:  # pragma: no cover
            isa = None
    return {
        "cpu": _cpu_model(),
        "cpu_flags": _cpu_flags(),
        "cores": os.cpu_count(),
        "threads_all": _peers.all_threads(),
        "isa": isa,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "winit": getattr(winit, "__version__", "?"),
        "numpy": np.__version__,
        "torch": torch.__version__ if torch is not None else None,
        "torch_threads": torch.get_num_threads() if torch is not None else None,
    }


# --------------------------------------------------------------- timing
def measure(fn, repeat, budget, estimate=None):
    """Median seconds of ``fn()``: a warm-up, then up to ``repeat`` timed samples back to back,
    stopping once the samples add up to ``budget`` seconds (at least one sample).  A call
    faster than 10 ms is repeated inside each sample (the sample's mean is used).

    ``estimate``: a cheap callable (the same call on a small slice) run first; when it
    predicts a call longer than a second the full warm-up call is skipped."""
    warm = True
    if estimate is not None:
        t0 = time.perf_counter()
        scale = estimate()
        if (time.perf_counter() - t0) * scale > 1.0:
            warm = False
    number = 1
    if warm:
        t0 = time.perf_counter()
        fn()
        first = time.perf_counter() - t0
        if first < 0.01:
            number = min(10000, max(1, int(math.ceil(0.01 / max(first, 1e-7)))))
    samples = []
    spent = 0.0
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        dt = time.perf_counter() - t0
        samples.append(dt / number)
        spent += dt
        if spent >= budget:
            break
    return statistics.median(samples), len(samples) * number


class Progress:
    """rich progress on stderr when it is a terminal and rich is installed; else a simple line."""

    def __init__(self, total, use_rich):
        self.total, self.done = total, 0
        self.tty = sys.stderr.isatty()
        self._rich = None
        if use_rich and self.tty:
            try:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, Progress as RP, TextColumn, TimeElapsedColumn

                self._rich = RP(TextColumn("[bold]winit bench[/]"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), TextColumn("{task.description}"),
                                console=Console(stderr=True), transient=True)
            except ImportError:  # pragma: no cover
                self._rich = None

    def __enter__(self):
        if self._rich is not None:
            self._rich.__enter__()
            self._task = self._rich.add_task("", total=self.total)
        return self

    def step(self, label):
        if self._rich is not None:
            self._rich.update(self._task, description=label)
        elif self.tty:
            sys.stderr.write("\r\x1b[Kwinit bench [%d/%d] %s" % (self.done + 1, self.total, label))
            sys.stderr.flush()
        else:
            sys.stderr.write("winit bench [%d/%d] %s\n" % (self.done + 1, self.total, label))
            sys.stderr.flush()

    def advance(self):
        self.done += 1
        if self._rich is not None:
            self._rich.advance(self._task)

    def __exit__(self, *exc):
        if self._rich is not None:
            self._rich.__exit__(*exc)
        elif self.tty:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
        return False


# --------------------------------------------------------------- the run
def _resolve_threads(label, all_n):
    """A --threads label ("all" or a count) as a number."""
    return all_n if label == "all" else int(label)


def plan_cases(args, all_n, has_bf16):
    """[(dist, dtype, threads_label, size)], deduplicated on the resolved thread count."""
    custom = any(v is not None for v in (args.sizes, args.threads, args.dists, args.dtypes))
    default_size = MI if args.quick else GOAL_SIZE
    if custom:
        sizes = args.sizes or [default_size]
        threads = args.threads or ["1", "all"]
        dists = args.dists or list(ALL_DISTS)
        dtypes = args.dtypes or list(ALL_DTYPES)
        combos = [(d, t, th, s) for s in sizes for t in dtypes for d in dists for th in threads]
    else:
        combos = [(d, t, th, default_size) for (d, t, th) in GOAL_CASES]
    out, seen = [], set()
    for d, t, th, s in combos:
        if t == "bfloat16" and not has_bf16:
            continue
        key = (d, t, _resolve_threads(th, all_n), s)
        if key in seen:
            continue
        seen.add(key)
        out.append((d, t, th, s))
    return out


def resolve_isas(names):
    """The kernel targets to measure, from --isas (None: the one in use; "all": every real
    target this CPU runs, in the dispatch table's order); unknown or unrunnable names are refused."""
    from . import _core

    table = _core.isas()
    runs = [t["name"] for t in table if t["runs"]]
    if not names:
        return [_core._get_isa()]
    if names == ["all"]:
        return [t["name"] for t in table if t["runs"] and not t["emulated"]]
    for n in names:
        if n not in runs:
            raise ValueError("--isas: %r is not a target this CPU runs; it runs: %s" % (n, ", ".join(runs)))
    return names


def make_plan(args):
    """What the run measures and how: torch (None when left out or absent), the thread count
    "all", the timing policy (repeat, budget), the fill cases (plan_cases) and one pre-faulted
    buffer, large enough for the largest case, that every fill of every dtype views."""
    torch = _torch(args.no_torch)
    all_n = _peers.all_threads()
    cases = plan_cases(args, all_n, _peers.has_dtype("bfloat16"))
    max_n = max((s for _, _, _, s in cases), default=MI)
    max_bytes = max((ITEMSIZE[t] for _, t, _, _ in cases), default=4)
    return SimpleNamespace(
        quick=bool(args.quick), torch=torch, all_n=all_n, cases=cases, max_n=max_n,
        isas=args.isas,
        repeat=args.repeat if args.repeat is not None else (2 if args.quick else 5),
        budget=0.2 if args.quick else 1.5,
        buf=_peers.prefaulted(max_n * max_bytes))


def fill_tasks(plan):
    """The fill measurements as (label, task) pairs, and where they put their results: winit
    per case; numpy and torch once per (dist, dtype, size), shown on every thread row (numpy's
    normal standing in for truncated; torch's trunc_normal_ on at most TORCH_TRUNC_MAX
    elements); ndarray.fill float32 at the largest size, the bandwidth reference, last."""
    res = SimpleNamespace(winit={}, numpy={}, torch={}, fill={}, stream={})
    tasks = []
    for (d, t, th, s) in plan.cases:
        nthreads = _resolve_threads(th, plan.all_n)
        for isa in plan.isas:
            tasks.append(("winit %s %s %s threads=%s%s" % (d, t, size_label(s), nthreads,
                                                           "" if len(plan.isas) == 1 else " " + isa),
                          _fill_task(plan, res.winit, (d, t, nthreads, s, isa),
                                     partial(_peers.winit_fill, d, threads=nthreads), t, s, isa=isa)))
        pkey = (_peers.numpy_peer_dist(d), t, s)
        if pkey not in res.numpy and t in _peers.NUMPY_DTYPES:
            res.numpy[pkey] = None
            tasks.append(("numpy %s %s %s" % (pkey[0], t, size_label(s)),
                          _fill_task(plan, res.numpy, pkey, partial(_peers.numpy_fill, pkey[0]), t, s)))
        tkey = (d, t, s)
        if plan.torch is not None and tkey not in res.torch:
            res.torch[tkey] = None
            ts = min(s, TORCH_TRUNC_MAX) if d == "truncated" else s  # ~10 Ms/s: 64M would take 7-30 s
            tasks.append(("torch %s %s %s" % (d, t, size_label(s)),
                          _fill_task(plan, res.torch, tkey, partial(_peers.torch_fill, d), t, ts)))
    tasks.append(("ndarray.fill float32 %s" % size_label(plan.max_n), partial(_fill_reference, plan, res.fill)))
    for nthreads in sorted({_resolve_threads(th, plan.all_n) for _, _, th, _ in plan.cases}):
        tasks.append(("streaming stores %s threads=%d" % (size_label(plan.max_n), nthreads),
                      partial(_stream_reference, plan, res.stream, nthreads)))
    return tasks, res


def _fill_task(plan, out, key, make, dtype, n, isa=None):
    """A task timing the fill ``make(a)`` on ``n`` ``dtype`` elements of the buffer into
    ``out[key] = (seconds, calls, text, n)``; from 64K elements on, the same fill on a 1/64
    slice predicts the cost first (``measure``'s estimate).  With ``isa``, winit's kernels are
    that target meanwhile."""
    def task():
        if isa is None:
            return timed()
        from . import _core
        old = _core._get_isa()
        _core._set_isa(isa)
        try:
            timed()
        finally:
            _core._set_isa(old)

    def timed():
        fn, what = make(_peers.view(plan.buf, dtype, n))
        est = None
        if n >= 64 * 1024:
            m = n // 64
            small = make(_peers.view(plan.buf, dtype, m))[0]
            est = lambda: (small(), n / m)[1]
        sec, calls = measure(fn, plan.repeat, plan.budget, est)
        out[key] = (sec, calls, what, n)
    return task


def _fill_reference(plan, out):
    """ndarray.fill float32 on the largest size measured (alternating values): seconds, calls."""
    a = plan.buf.view(np.float32)[:plan.max_n]
    vals = [0.5, 1.5]

    def fn():
        vals.reverse()
        a.fill(vals[0])
    sec, calls = measure(fn, plan.repeat, plan.budget)
    out.update(seconds=sec, calls=calls)


def _stream_reference(plan, out, nthreads):
    """Non-temporal stores of non-zero data over the largest float32 size measured, on
    ``nthreads`` threads (winit._core.stream_write): the write-bandwidth ceiling, GB/s."""
    from . import _core

    a = plan.buf.view(np.float32)[:plan.max_n]
    sec, _ = measure(lambda: _core.stream_write(a, nthreads), plan.repeat, plan.budget)
    out[nthreads] = a.nbytes / sec / 1e9


def call_tasks(plan):
    """The whole calls (_peers.call_cases: he_normal allocating, 1,000 elements, the model
    build) as (label, task) pairs, the result entries the tasks complete (seconds per call
    for each peer; None for a peer without the call) and the model-build note."""
    cases, note = _peers.call_cases(plan.torch, plan.all_n, plan.quick)
    tasks, entries = [], []
    for case in cases:
        entry = {"id": case.id, "case": case.label, "shape": case.shape}
        entries.append(entry)
        for peer, fn in case.fns.items():
            if fn is None:
                entry[peer] = None
            else:
                tasks.append(("%s %s" % (peer, case.label),
                              partial(_call_task, plan, entry, peer, fn, case.whats[peer])))
    return tasks, entries, note


def _call_task(plan, entry, peer, fn, what):
    """Time one peer's whole call (half the fill budget) into ``entry[peer]``."""
    sec, n = measure(fn, plan.repeat, plan.budget / 2)
    entry[peer] = {"seconds": sec, "calls": n, "what": what}


def run_tasks(tasks, progress_rich):
    """Run the (label, task) pairs in order under one progress display; seconds per label."""
    task_seconds = {}
    with Progress(len(tasks), progress_rich) as prog:
        for label, task in tasks:
            prog.step(label)
            t0 = time.perf_counter()
            task()
            task_seconds[label] = time.perf_counter() - t0
            prog.advance()
    return task_seconds


def _msps(n, sec):
    """Millions of samples per second."""
    return n / sec / 1e6


def fill_rows(plan, res):
    """The measured fills as result rows (one per case, its peers beside it), the same rows
    by (dist, dtype, threads, size), and the ndarray.fill reference."""
    rows, by_case = [], {}
    for (d, t, th, s), isa in ((c, isa) for c in plan.cases for isa in plan.isas):
        nthreads = _resolve_threads(th, plan.all_n)
        sec, calls = res.winit[(d, t, nthreads, s, isa)][:2]
        stream = res.stream.get(nthreads)
        gb_s = s * ITEMSIZE[t] / sec / 1e9
        row = {
            "isa": isa, "dist": d, "dtype": t, "threads": nthreads, "threads_label": th, "size": s,
            "size_label": size_label(s), "bytes": s * ITEMSIZE[t],
            "winit_seconds": sec, "winit_msamples_s": _msps(s, sec),
            "winit_gb_s": gb_s, "winit_calls": calls,
            "stream_gb_s": stream, "stream_share": gb_s / stream if stream else None,
            "numpy_peer": None, "numpy_msamples_s": None, "ratio_numpy": None,
            "torch_peer": None, "torch_size": None, "torch_msamples_s": None, "ratio_torch": None,
        }
        npr = res.numpy.get((_peers.numpy_peer_dist(d), t, s))
        if npr:
            row["numpy_peer"] = "%s %s" % (npr[2], t)
            row["numpy_msamples_s"] = _msps(s, npr[0])
            row["ratio_numpy"] = row["winit_msamples_s"] / row["numpy_msamples_s"]
        tr = res.torch.get((d, t, s))
        if tr:
            row["torch_peer"] = "%s %s" % (tr[2], t) + ("" if tr[3] == s else " (at %s)" % size_label(tr[3]))
            row["torch_size"] = tr[3]
            row["torch_msamples_s"] = _msps(tr[3], tr[0])
            row["ratio_torch"] = row["winit_msamples_s"] / row["torch_msamples_s"]
        rows.append(row)
        by_case[(d, t, nthreads, s, isa)] = row
    n, sec = plan.max_n, res.fill["seconds"]
    fill = {"dtype": "float32", "size": n, "size_label": size_label(n), "seconds": sec,
            "calls": res.fill["calls"], "gb_s": n * 4 / sec / 1e9, "msamples_s": _msps(n, sec),
            "stream_gb_s": {str(k): v for k, v in sorted(res.stream.items())}}
    return rows, by_case, fill


def add_call_ratios(entries):
    """Each call entry's ratio_numpy and ratio_torch: peer time / winit time (None without both)."""
    for entry in entries:
        w = entry.get("winit")
        for peer in ("numpy", "torch"):
            p = entry.get(peer)
            entry["ratio_" + peer] = (p["seconds"] / w["seconds"]) if (p and w) else None


def run(args, progress_rich=True):
    """Measure everything ``args`` (from build_parser) asks for; return the results dict."""
    started = time.perf_counter()
    plan = make_plan(args)
    fill_list, fills = fill_tasks(plan)
    call_list, calls, model_note = call_tasks(plan)
    task_seconds = run_tasks(fill_list + call_list, progress_rich)
    cases, by_case, fill = fill_rows(plan, fills)
    add_call_ratios(calls)
    return {
        "machine": machine_info(plan.torch),
        "config": {"quick": plan.quick, "repeat": plan.repeat, "budget_s": plan.budget,
                   "sizes": sorted({s for _, _, _, s in plan.cases}),
                   "threads_all": plan.all_n, "torch": plan.torch is not None},
        "cases": cases,
        "fill": fill,
        "calls": calls,
        "model_note": model_note,
        "isas": plan.isas,
        "goals": [g for isa in plan.isas for g in evaluate_goals(by_case, fill, plan.all_n, isa)],
        "task_seconds": task_seconds,
        "elapsed_s": time.perf_counter() - started,
    }


def evaluate_goals(by_case, fill, all_n, isa):
    """The goal rows of the target ``isa`` (GOALS_BY_ISA, else GOALS) computable from the
    measured cases, at 64M if measured, else the largest size."""
    sizes = sorted({k[3] for k in by_case if k[4] == isa})
    if not sizes:
        return []
    size = GOAL_SIZE if GOAL_SIZE in sizes else sizes[-1]
    out = []
    for gid, text, wcase, kind, pcase, goal in GOALS_BY_ISA.get(isa, GOALS):
        d, t, th = wcase
        row = by_case.get((d, t, _resolve_threads(th, all_n), size, isa))
        if row is None:
            continue
        if kind == "numpy":  # the row's own numpy peer (its normal for truncated)
            peer_label = "numpy " + ("standard_normal " if pcase[0] == "normal" else "random ") + pcase[1]
            peer_val = row["numpy_msamples_s"]
            value = row["winit_msamples_s"]
            unit = "Ms/s"
        elif kind == "torch":
            peer_label = "torch normal_ " + pcase[1]
            peer_val = row["torch_msamples_s"]
            value = row["winit_msamples_s"]
            unit = "Ms/s"
        elif kind == "winit":
            prow = by_case.get((pcase[0], pcase[1], _resolve_threads(pcase[2], all_n), size, isa))
            peer_label = "winit %s %s" % (pcase[0], pcase[1])
            peer_val = prow["winit_msamples_s"] if prow else None
            value = row["winit_msamples_s"]
            unit = "Ms/s"
        elif kind == "stream":  # the non-temporal store ceiling on as many threads
            peer_label = "streaming stores, %d thread%s" % (row["threads"], "" if row["threads"] == 1 else "s")
            peer_val = row["stream_gb_s"] if fill["size"] == size else None
            value = row["winit_gb_s"]
            unit = "GB/s"
        else:  # fill bandwidth
            peer_label = "ndarray.fill float32"
            peer_val = fill["gb_s"] if fill["size"] == size else None
            value = row["winit_gb_s"]
            unit = "GB/s"
        ratio = value / peer_val if peer_val else None
        out.append({"id": gid, "isa": isa, "case": text, "size": size, "size_label": size_label(size),
                    "threads": row["threads"], "unit": unit, "winit": value, "peer": peer_label,
                    "peer_value": peer_val, "ratio": ratio, "goal": goal,
                    "met": (ratio >= goal) if ratio is not None else None})
    return out


# --------------------------------------------------------------- output
def _f(x, fmt="%.0f"):
    return "-" if x is None else fmt % x


def _ratio(x):
    return "-" if x is None else ("%.2fx" % x)


def _goal_text(g):
    return (">= %.0f%%" % (g["goal"] * 100)) if g["unit"] == "GB/s" else (">= %gx" % g["goal"])


def _goal_ratio(g):
    if g["ratio"] is None:
        return "-"
    return ("%.0f%%" % (g["ratio"] * 100)) if g["unit"] == "GB/s" else ("%.2fx" % g["ratio"])


def _met(m):
    return "-" if m is None else ("yes" if m else "NO")


def _time_text(sec):
    if sec is None:
        return "-"
    if sec >= 1:
        return "%.2f s" % sec
    if sec >= 1e-3:
        return "%.1f ms" % (sec * 1e3)
    return "%.1f us" % (sec * 1e6)


def header_lines(res):
    m = res["machine"]
    lines = [
        "winit bench: %s, %s cores (%d usable; threads=all means %d), flags: %s" % (
            m["cpu"], m["cores"], m["threads_all"], m["threads_all"], " ".join(m["cpu_flags"]) or "-"),
        "isa: %s; winit %s, numpy %s, torch %s%s; python %s" % (
            ", ".join(res["isas"]) + ("" if res["isas"] == [m["isa"]] else " (fills; calls on %s)" % m["isa"]),
            m["winit"], m["numpy"], m["torch"] or "not installed",
            " (1 thread)" if m["torch"] else "", m["python"]),
        "fills into pre-faulted buffers; median of up to %d back-to-back calls after a warm-up"
        % res["config"]["repeat"],
        "Ms/s = 10^6 samples/s; GB/s = 10^9 bytes written/s; ratio = winit / peer (>1: winit faster)",
    ]
    if res["config"]["quick"]:
        lines.append("--quick: small sizes and few calls, a smoke run: not figures to quote")
    return lines


def tables(res):
    """[(title, columns, rows, footnotes)] for the fills, the goals and the per-call timings."""
    has_torch = res["config"]["torch"]
    many = len(res["isas"]) > 1
    cols = ["case"] + (["isa"] if many else []) + ["winit Ms/s", "GB/s", "% stream", "numpy Ms/s", "x numpy"]
    if has_torch:
        cols += ["torch Ms/s", "x torch"]
    rows = []
    for r in res["cases"]:
        row = ["%s %s %s %s" % (r["dist"], r["dtype"], r["size_label"],
                                "1 thread" if r["threads"] == 1 else "%d threads" % r["threads"])]
        row += [r["isa"]] if many else []
        row += [_f(r["winit_msamples_s"]), _f(r["winit_gb_s"], "%.2f"),
                "-" if r["stream_share"] is None else "%.0f%%" % (100 * r["stream_share"]),
                _f(r["numpy_msamples_s"]), _ratio(r["ratio_numpy"])]
        if has_torch:
            row += [_f(r["torch_msamples_s"]), _ratio(r["ratio_torch"])]
        rows.append(row)
    fill = res["fill"]
    notes = ["numpy: PCG64 standard_normal/random(out=, dtype=), one thread; for truncated, its normal. "
             "torch: normal_/uniform_/nn.init.trunc_normal_(a=-2, b=2) on one thread"
             + (" (trunc_normal_ on at most %s elements: ~10 Ms/s)" % size_label(TORCH_TRUNC_MAX)
                if any(r.get("torch_size") not in (None, r["size"]) for r in res["cases"]) else "") + ".",
             "ndarray.fill float32 %s: %.2f GB/s (%.0f M float32/s), ordinary stores on one thread."
             % (fill["size_label"], fill["gb_s"], fill["msamples_s"]),
             "%% stream: the fill's GB/s as a share of non-temporal stores on as many threads, the write "
             "ceiling (%s)." % ", ".join("%s thread%s %.1f GB/s" % (k, "" if k == "1" else "s", v)
                                         for k, v in fill["stream_gb_s"].items())]
    out = [("Fills (out=, pre-faulted)", cols, rows, notes)]

    if res["goals"]:
        gcols = ["goal case"] + (["isa"] if many else []) + ["winit", "peer", "peer value", "ratio", "goal", "met"]
        grows = []
        for g in res["goals"]:
            grows.append([g["case"]] + ([g["isa"]] if many else []) + ["%s %s" % (_f(g["winit"], "%.1f" if g["unit"] == "GB/s" else "%.0f"), g["unit"]),
                          g["peer"], "%s %s" % (_f(g["peer_value"], "%.1f" if g["unit"] == "GB/s" else "%.0f"), g["unit"]),
                          _goal_ratio(g), _goal_text(g), _met(g["met"])])
        size = res["goals"][0]["size_label"]
        met = sum(1 for g in res["goals"] if g["met"])
        gnotes = ["%d of %d goals met; goals are set at 64M elements%s." % (
            met, len(res["goals"]), "" if res["goals"][0]["size"] == GOAL_SIZE else " (these ratios are at %s)" % size)]
        out.append(("Goals (%s elements)" % size, gcols, grows, gnotes))

    ccols = ["call", "winit", "numpy", "x numpy"] + (["torch", "x torch"] if has_torch else [])
    crows = []
    for c in res["calls"]:
        sec = lambda p: (c.get(p) or {}).get("seconds")
        row = [c["case"], _time_text(sec("winit")), _time_text(sec("numpy")), _ratio(c["ratio_numpy"])]
        if has_torch:
            row += [_time_text(sec("torch")), _ratio(c["ratio_torch"])]
        crows.append(row)
    cnotes = ["time per call (lower is better); ratio = peer time / winit time (>1: winit faster).",
              "he_normal peers: rng.standard_normal(shape, dtype=float32) * std; "
              "torch.nn.init.kaiming_normal_(torch.empty(shape)). Small: rng.standard_normal(1000, dtype=float32); "
              "torch.empty(1000).normal_()."]
    if res.get("model_note"):
        cnotes.append(res["model_note"] + ".")
    out.append(("Calls", ccols, crows, cnotes))
    return out


def render_plain(res, stream):
    w = stream.write
    for line in header_lines(res):
        w(line + "\n")
    for title, cols, rows, notes in tables(res):
        w("\n%s\n" % title)
        widths = [max(len(str(x)) for x in col) for col in zip(cols, *rows)]
        left = [i == 0 or c in TEXT_COLUMNS for i, c in enumerate(cols)]
        fmt_row = lambda r: "  ".join((str(x).ljust(wd) if lf else str(x).rjust(wd))
                                      for x, wd, lf in zip(r, widths, left)).rstrip()
        w(fmt_row(cols) + "\n")
        w("  ".join("-" * wd for wd in widths) + "\n")
        for r in rows:
            w(fmt_row(r) + "\n")
        for n in notes:
            w(n + "\n")
    w("\n(%.0f s)\n" % res["elapsed_s"])


def render_rich(res, stream):
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stream, width=None if stream.isatty() else 130)
    for line in header_lines(res):
        console.print(line, highlight=False, markup=False)
    for title, cols, rows, notes in tables(res):
        console.print()
        t = Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left", title_style="bold")
        for i, c in enumerate(cols):
            t.add_column(c, justify="left" if (i == 0 or c in TEXT_COLUMNS) else "right", no_wrap=(i != 0))
        for r in rows:
            cells = list(r)
            if cols[-1] == "met":
                cells[-1] = {"yes": "[green]yes[/]", "NO": "[bold red]NO[/]"}.get(cells[-1], cells[-1])
            t.add_row(*cells)
        console.print(t)
        for n in notes:
            console.print(n, highlight=False, markup=False, style="dim")
    console.print("(%.0f s)" % res["elapsed_s"], style="dim")


def main(argv=None):
    """Entry point of `winit bench` (winit.cli) and `python -m winit.bench`; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help or a bad option
        return int(e.code or 0)
    if args.repeat is not None and args.repeat < 1:
        parser.print_usage(sys.stderr)
        sys.stderr.write("winit bench: --repeat must be at least 1\n")
        return 2
    try:
        args.isas = resolve_isas(args.isas)
    except ValueError as e:
        parser.print_usage(sys.stderr)
        sys.stderr.write("winit bench: %s\n" % e)
        return 2
    try:
        import rich  # noqa: F401
        has_rich = not args.plain
    except ImportError:
        has_rich = False
    res = run(args, progress_rich=has_rich)
    if args.json:
        json.dump(res, sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif has_rich:
        render_rich(res, sys.stdout)
    else:
        render_plain(res, sys.stdout)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
