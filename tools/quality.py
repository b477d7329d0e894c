"""Statistical quality battery on winit's raw stream (dieharder), not part of the test suite.

What it does: for each case below it generates winit's raw uint32 words
(``winit.random_raw(n, seed=S, stream=T | name=N, offset=k)``, in order from word 0) and
pipes them as binary to ``dieharder -g 200`` (dieharder's raw-stdin generator), then
prints one summary row per case: tests run (dieharder result lines, one p-value each),
passed, weak, failed.  A p-value is WEAK outside [0.005, 0.995] and FAILED outside
[0.000001, 0.999999] (dieharder's defaults), so in a battery of ~100 p-values about one
WEAK result per case is expected by chance; a FAILED one is a real alarm.

Cases (``--cases`` takes a comma-separated list of their ids; default all):
  seed0         seed 0, stream 0
  seed1         seed 1, stream 0 (adjacent seed)
  seed2^63+5    seed 2**63 + 5, stream 0
  stream1       seed 0, stream 1 (the integer stream next to seed0's)
  name0         seed 0, name "layer.0.weight"
  name1         seed 0, name "layer.1.weight" (the adjacent name)
  ilv-stream    words of stream 0 and stream 1 alternated (seed 0): inter-stream correlation
  ilv-name      words of "layer.0.weight" and "layer.1.weight" alternated (seed 0)
  ilv-seed      words of seed 0 and seed 1 alternated (stream 0): inter-seed correlation

Batteries (``--battery``): only ``dieharder`` (Debian package ``dieharder``: apt-get install
dieharder).  TestU01 and PractRand are packaged neither in Debian 12 nor on PyPI.
  full (default): ``dieharder -a``, the whole battery in one run reading the case's
      stream from word 0 (114 p-values, ~230 GiB of input, ~26 minutes per case here).
  --quick: 25 of the fast tests (no GCD, no lagged sums, two of the twelve bit-
      distribution sizes), each a separate ``dieharder -d N [-n k]`` run reading the
      case's stream from word 0: 57 p-values, ~7 GB of input, ~80 s per case on one core.
Note: dieharder's sts_serial gives 30 strongly correlated p-values per run and shows
about one WEAK per run on any good generator (measured here: 25 WEAK in 30 runs on winit,
28 in 30 runs on numpy's PCG64), so WEAK results cluster there.
``--resolve-weak`` passes ``-Y 1``: dieharder re-runs a WEAK test with more samples until
it passes or fails; the table then counts each test's final (resolved) result.

Deterministic given its options: the input words are fixed by the case, and dieharder's
own seed is fixed (-S 1; the raw-stdin generator does not use it).  Exit status 1 if any
test FAILED, else 0.

Run (from the repository, with winit importable):
  python tools/quality.py --quick                      # all cases, quick subset
  python tools/quality.py --cases seed0,ilv-stream     # the full battery on two cases
  python tools/quality.py --quick --jobs 2 --log dh.txt  # two cases at a time, raw output kept
tools/QUALITY.md records the last result.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

try:
    import winit
except ImportError:  # run from a checkout without an install: the checkout's winit
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import winit

CHUNK = 1 << 21  # words per write (8 MiB); even, so interleaved cases split evenly

# id -> (description, list of (seed, stream-or-name) sources; two sources are interleaved)
CASES = {
    "seed0": ("seed 0, stream 0", [(0, 0)]),
    "seed1": ("seed 1, stream 0", [(1, 0)]),
    "seed2^63+5": ("seed 2**63+5, stream 0", [(2 ** 63 + 5, 0)]),
    "stream1": ("seed 0, stream 1", [(0, 1)]),
    "name0": ("seed 0, name layer.0.weight", [(0, "layer.0.weight")]),
    "name1": ("seed 0, name layer.1.weight", [(0, "layer.1.weight")]),
    "ilv-stream": ("seed 0, streams 0|1 interleaved", [(0, 0), (0, 1)]),
    "ilv-name": ("seed 0, layer.0|1.weight interleaved", [(0, "layer.0.weight"), (0, "layer.1.weight")]),
    "ilv-seed": ("seeds 0|1 interleaved, stream 0", [(0, 0), (1, 0)]),
}

# --quick: (dieharder test number, ntup or None) -- the tests that need little input
QUICK = [
    (0, None), (1, None), (3, None), (4, None), (5, None), (6, None), (8, None), (9, None),
    (10, None), (11, None), (12, None), (13, None), (15, None), (16, None),
    (100, None), (101, None), (102, None), (200, 2), (200, 8), (201, 3), (202, 4),
    (204, None), (205, None), (206, None), (208, None),
]

RESULT = re.compile(r"^\s*(\w+)\|\s*(\d+)\|\s*(\d+)\|\s*(\d+)\|\s*([0-9.eE+-]+)\|\s*(PASSED|WEAK|FAILED)\s*$")


def raw(seed, src, offset, n):
    if isinstance(src, str):
        return winit.random_raw(n, seed=seed, name=src, offset=offset)
    return winit.random_raw(n, seed=seed, stream=src, offset=offset)


def case_words(sources, offset, n):
    """Words [offset, offset + n) of the case's sequence (offset and n even if interleaved)."""
    if len(sources) == 1:
        return raw(*sources[0], offset, n)
    a, b = sources
    out = np.empty(n, dtype=np.uint32)
    out[0::2] = raw(*a, offset // 2, n // 2)
    out[1::2] = raw(*b, offset // 2, n // 2)
    return out


def feed(proc, sources, counter):
    """Write the case's words to proc's stdin from word 0 until dieharder closes it."""
    off = 0
    try:
        while True:
            proc.stdin.write(case_words(sources, off, CHUNK).data)
            off += CHUNK
    except (BrokenPipeError, ValueError, OSError):
        pass
    finally:
        counter.append(off)
        try:
            proc.stdin.close()
        except OSError:
            pass


def final_rows(rows):
    """With -Y 1 dieharder prints a test's rows again with more psamples after a WEAK one:
    keep, for each (test, ntup, k-th row of that test and ntup), the row with the most
    psamples (the resolved one), in first-seen order.  Without -Y 1 this keeps every row."""
    seen, best = {}, {}
    for row in rows:
        name, ntup, _, psamples = row[:4]
        i = seen.get((name, ntup, psamples), 0)
        seen[(name, ntup, psamples)] = i + 1
        key = (name, ntup, i)
        if key not in best or int(psamples) >= int(best[key][3]):
            best[key] = row
    return list(best.values())


def run_dieharder(args, sources):
    """One dieharder run on the case's stream: (result rows, raw output, words fed)."""
    with tempfile.TemporaryFile(mode="w+") as out:
        proc = subprocess.Popen(["dieharder", "-g", "200", "-S", "1"] + args,
                                stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT)
        fed = []
        t = threading.Thread(target=feed, args=(proc, sources, fed), daemon=True)
        t.start()
        rc = proc.wait()
        t.join()
        out.seek(0)
        text = out.read()
    rows = final_rows([m.groups() for m in map(RESULT.match, text.splitlines()) if m])
    if rc != 0 or not rows:
        raise RuntimeError("dieharder %s exited %d with %d results:\n%s" % (" ".join(args), rc, len(rows), text))
    return rows, text, fed[0]


def run_case(cid, quick, resolve):
    desc, sources = CASES[cid]
    extra = ["-Y", "1"] if resolve else []
    t0 = time.monotonic()
    runs = [["-a"] + extra] if not quick else [
        ["-d", str(d)] + (["-n", str(n)] if n is not None else []) + extra for d, n in QUICK]
    rows, texts, words = [], [], 0
    for args in runs:
        t1 = time.monotonic()
        r, text, w = run_dieharder(args, sources)
        rows += r
        texts.append("## %s: dieharder -g 200 -S 1 %s (%.1f s, %d words)\n%s" % (
            cid, " ".join(args), time.monotonic() - t1, w, text))
        words += w
    return dict(case=cid, desc=desc, rows=rows, text="".join(texts), words=words,
                seconds=time.monotonic() - t0)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Cases: " + ", ".join(CASES))
    ap.add_argument("--battery", default="dieharder", choices=["dieharder"],
                    help="the battery (only dieharder is packaged here)")
    ap.add_argument("--quick", action="store_true", help="a fast subset of %d tests per case" % len(QUICK))
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated case ids (default: all)")
    ap.add_argument("--jobs", type=int, default=1, help="cases run at once (default 1)")
    ap.add_argument("--resolve-weak", action="store_true", help="dieharder -Y 1: re-test WEAK results")
    ap.add_argument("--log", help="write dieharder's full output to this file")
    ap.add_argument("--details", action="store_true", help="print every WEAK/FAILED line")
    opts = ap.parse_args(argv)

    cases = [c.strip() for c in opts.cases.split(",") if c.strip()]
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        ap.error("unknown case(s) %s; known: %s" % (", ".join(unknown), ", ".join(CASES)))
    if shutil.which("dieharder") is None:
        sys.exit("dieharder not found: apt-get install dieharder")

    mode = "quick subset (%d tests)" % len(QUICK) if opts.quick else "dieharder -a"
    print("winit %s, raw stream, battery: dieharder, %s%s" % (
        getattr(winit, "__version__", "?"), mode, ", -Y 1" if opts.resolve_weak else ""), flush=True)
    t0 = time.monotonic()
    with ThreadPoolExecutor(max(1, opts.jobs)) as ex:
        futures = [ex.submit(run_case, c, opts.quick, opts.resolve_weak) for c in cases]
        results = []
        for f in futures:
            r = f.result()
            results.append(r)
            n = {k: sum(row[5] == k for row in r["rows"]) for k in ("PASSED", "WEAK", "FAILED")}
            print("  done %-11s %3d tests, %d weak, %d failed, %5.0f s" % (
                r["case"], len(r["rows"]), n["WEAK"], n["FAILED"], r["seconds"]), flush=True)

    head = "| case | stream | tests | passed | weak | failed | input | time |"
    print()
    print(head)
    print("|" + "---|" * 8)
    total = dict(tests=0, PASSED=0, WEAK=0, FAILED=0)
    for r in results:
        n = {k: sum(row[5] == k for row in r["rows"]) for k in ("PASSED", "WEAK", "FAILED")}
        total["tests"] += len(r["rows"])
        for k in n:
            total[k] += n[k]
        print("| %s | %s | %d | %d | %d | %d | %.1f GiB | %.0f s |" % (
            r["case"], r["desc"], len(r["rows"]), n["PASSED"], n["WEAK"], n["FAILED"],
            r["words"] * 4 / 2 ** 30, r["seconds"]))
    print("| all | | %d | %d | %d | %d | | %.0f s wall |" % (
        total["tests"], total["PASSED"], total["WEAK"], total["FAILED"], time.monotonic() - t0))
    notable = [(r["case"], row) for r in results for row in r["rows"] if row[5] != "PASSED"]
    if notable and (opts.details or total["FAILED"]):
        print()
        for cid, (name, ntup, ts, ps, p, verdict) in notable:
            print("  %-11s %-22s ntup=%-3s p=%s %s" % (cid, name, ntup, p, verdict))
    elif notable:
        print("\nnot PASSED: " + ", ".join("%s:%s(%s) p=%s %s" % (c, row[0], row[1], row[4], row[5])
                                          for c, row in notable))
    if opts.log:
        with open(opts.log, "w") as f:
            f.write("".join(r["text"] for r in results))
    return 1 if total["FAILED"] else 0


if __name__ == "__main__":
    sys.exit(main())
