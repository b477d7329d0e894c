"""Write tests/data/golden_v1.json: frozen winit outputs, bit for bit (SPEC 1.4).

Regenerate (only when the stream is deliberately (re)frozen; a released stream never changes):

    python tests/data/make_golden.py        # from the repository root, winit installed

Each case records the call (distribution, dtype, seed, stream or name, offset, parameters,
count) and the values as hex strings of their bits (uint32 words for raw; 8/16/4 hex digits
for float64/float32/float16/bfloat16). tests/test_golden.py recomputes every case and
compares bits; it also checks the stored values against tests/reference.py (exact for
raw/uniform, SPEC tolerance for normal/truncated) so a wrong stream cannot be frozen.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))  # the repository root

N = 100
DTYPES = ["float32", "float64", "float16", "bfloat16"]
# (seed, stream, name, offset): three places in the stream
PLACES = [
    (0, 0, None, 0),
    (0xDEADBEEFCAFEF00D, None, "layer1.weight", 4 * 2**32 + 3),
    (2**64 - 1, 2**64 - 1, None, 2**64 - N),
]
PARAMS = {
    "uniform": [{}, {"low": -0.05, "high": 0.05}, {"low": -3.0, "high": 7.5}],
    "normal": [{}, {"mean": 0.0, "std": 0.05}, {"mean": 3.0, "std": 2.5}],
    "truncated_normal": [{}, {"mean": 0.0, "std": 0.05, "lower": -1.0, "upper": 3.0},
                         {"mean": 1.0, "std": 2.0, "lower": 0.5, "upper": 6.0}],
}


def hexbits(a):
    a = np.ascontiguousarray(a).reshape(-1)
    width = a.dtype.itemsize
    u = a.view({2: np.uint16, 4: np.uint32, 8: np.uint64}[width])
    return ["%0*x" % (2 * width, int(x)) for x in u]


def cases():
    out = []
    for seed, stream, name, offset in PLACES:
        out.append(dict(dist="random_raw", dtype="uint32", seed=seed, stream=stream, name=name,
                        offset=offset, n=N, params={}))
    for dist, plist in PARAMS.items():
        for dtype in DTYPES:
            for (seed, stream, name, offset), params in zip(PLACES, plist):
                out.append(dict(dist=dist, dtype=dtype, seed=seed, stream=stream, name=name,
                                offset=offset, n=N, params=params))
    return out


def compute(winit, case):
    kw = dict(seed=case["seed"], offset=case["offset"])
    if case["name"] is not None:
        kw["name"] = case["name"]
    elif case["stream"] is not None:
        kw["stream"] = case["stream"]
    if case["dist"] == "random_raw":
        return winit.random_raw(case["n"], **kw)
    fn = getattr(winit, case["dist"])
    return fn(case["n"], dtype=case["dtype"], **kw, **case["params"])


def main():
    import winit
    data = {
        "format": "winit golden values v1: hex bits per element, C order",
        "stream_version": 1,
        "regenerate": "python tests/data/make_golden.py (from the repository root)",
        "cases": [],
    }
    for case in cases():
        case = dict(case)
        case["bits"] = hexbits(compute(winit, case))
        data["cases"].append(case)
    path = os.path.join(HERE, "golden_v1.json")
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print("wrote %d cases to %s" % (len(data["cases"]), path))


if __name__ == "__main__":
    main()
