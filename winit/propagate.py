"""``winit propagate``: why initialization matters, in one table.

Pushes a batch of N(0, 1) inputs through a deep MLP (``depth`` square layers
of ``width`` units, no biases, numpy float64) once per scheme and reports the
standard deviation of each layer's activations.  With the defaults it shows
the lesson of Glorot & Bengio (2010) and He et al. (2015): with ReLU, He
initialization keeps the activations at the same scale across 50 layers,
Glorot shrinks them by ~1/sqrt(2) per layer, N(0, 1) explodes and N(0, 0.01)
vanishes.

    winit propagate --width 512 --depth 50 --activation relu --plot out.png
"""
import argparse
import json
import math
import re
import sys

import numpy as np

from ._sampling import normal as _normal

__all__ = ["propagate", "main", "ACTIVATIONS", "DEFAULT_SCHEMES"]

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805

#: numpy activations by name
ACTIVATIONS = {
    "relu": lambda x: np.maximum(x, 0.0),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.01 * x),
    "tanh": np.tanh,
    "sigmoid": lambda x: 0.5 * (1.0 + np.tanh(0.5 * x)),
    "linear": lambda x: x,
    "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0.0))),
    "selu": lambda x: _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(np.minimum(x, 0.0))),
    "gelu": lambda x: 0.5 * x * (1.0 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x ** 3))),
    "silu": lambda x: x * 0.5 * (1.0 + np.tanh(0.5 * x)),
}

DEFAULT_SCHEMES = ("he_normal", "glorot_normal", "N(0,1)", "N(0,0.01)")

_NORMAL_RE = re.compile(r"^\s*N\(\s*0\s*,\s*([0-9.eE+-]+)\s*\)\s*$")


def _parse_scheme(spec):
    """(label, scheme name, kwargs) from "he_normal", "N(0,0.01)" or
    "variance_scaling:scale=2,mode=fan_avg,distribution=uniform"."""
    from ._schemes import _SCHEMES, _unknown
    if isinstance(spec, tuple):  # (label, name) or (label, name, kwargs)
        label, name, kw = spec if len(spec) == 3 else (*spec, {})
        if name not in _SCHEMES:
            raise ValueError("scheme: " + _unknown("scheme", name, _SCHEMES))
        return str(label), name, dict(kw)
    m = _NORMAL_RE.match(spec)
    if m:
        return f"N(0,{m.group(1)})", "random_normal", {"mean": 0.0, "std": float(m.group(1))}
    name, _, args = spec.partition(":")
    name = name.strip()
    if name not in _SCHEMES:
        raise ValueError("scheme: " + _unknown("scheme", name, list(_SCHEMES) + ["N(0,<std>)"]))
    kw = {}
    for item in filter(None, (a.strip() for a in args.split(","))):
        k, eq, v = item.partition("=")
        if not eq:
            raise ValueError(f"scheme {spec!r}: expected key=value after ':', got {item!r}")
        try:
            kw[k.strip()] = float(v)
        except ValueError:
            kw[k.strip()] = v.strip()
    return spec.strip(), name, kw


def propagate(width=512, depth=50, activation="relu", schemes=DEFAULT_SCHEMES, batch=128, seed=0):
    """Per-layer activation std of a deep MLP for each scheme.

    ``schemes``: scheme names (``winit.schemes()``), ``"N(0,s)"`` for a plain
    normal of std s, ``"name:key=value,..."`` for scheme arguments, or
    ``(label, name, kwargs)`` tuples.  Layer l's weight is
    ``winit.init(name, (width, width), seed=seed, name="propagate/layer<l>")``
    in float64 (keras layout: ``h @ W``), the input is N(0, 1) of shape
    ``(batch, width)``.  Returns ``{label: float64 array of length depth}``.
    """
    from ._schemes import init, _unknown
    for argname, v in (("width", width), ("depth", depth), ("batch", batch)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{argname} must be a positive integer, got {v!r}")
    if activation not in ACTIVATIONS:
        raise ValueError("activation: " + _unknown("activation", activation, ACTIVATIONS))
    act = ACTIVATIONS[activation]
    if isinstance(schemes, str):
        schemes = [schemes]
    parsed = [_parse_scheme(s) for s in schemes]
    if not parsed:
        raise ValueError("schemes must name at least one scheme")
    x0 = _normal((batch, width), seed=seed, name="propagate/input", dtype="float64")
    result = {}
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for label, name, kw in parsed:
            h, stds = x0, np.empty(depth)
            for layer in range(depth):
                w = init(name, (width, width), seed=seed, name=f"propagate/layer{layer}",
                         dtype="float64", **kw)
                h = act(h @ w)
                stds[layer] = h.std()
            result[label] = stds
    return result


def _verdict(stds):
    """Per-layer growth factor of the std, and a word for it."""
    first, last = stds[0], stds[-1]
    if not np.isfinite(last):
        return float("inf"), "explodes"
    if last == 0 or first == 0:
        return 0.0, "vanishes"
    n = max(len(stds) - 1, 1)
    g = math.exp((math.log(last) - math.log(first)) / n)
    word = ("stable" if 0.95 <= g <= 1.05 else "explodes" if g > 1.05
            else "shrinks" if g >= 0.5 else "vanishes")
    return g, word


def _table(res, every):
    labels = list(res)
    depth = len(next(iter(res.values())))
    w = max(11, *(len(l) for l in labels))
    lines = ["layer " + "".join(f"{l:>{w + 2}}" for l in labels)]
    for i in range(depth):
        if (i + 1) % every and i != depth - 1 and i != 0:
            continue
        lines.append(f"{i + 1:5d} " + "".join(f"{res[l][i]:>{w + 2}.4g}" for l in labels))
    lines.append("")
    lines.append("per-layer factor of the std, and what happens over %d layers:" % depth)
    for l in labels:
        g, word = _verdict(res[l])
        lines.append(f"  {l:<{w}}  x{g:<10.4g} {word}")
    return "\n".join(lines)


def _plot(res, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, stds in res.items():
        y = np.where(np.isfinite(stds) & (stds > 0), stds, np.nan)
        ax.semilogy(np.arange(1, len(stds) + 1), y, label=label, marker=".")
    ax.axhline(1.0, color="gray", lw=0.8, ls="--")
    ax.set_xlabel("layer")
    ax.set_ylabel("activation std")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    """``winit propagate`` command line; returns the exit status."""
    p = argparse.ArgumentParser(
        prog="winit propagate",
        description="Activation std per layer of a deep MLP for several initialization schemes.")
    p.add_argument("--width", type=int, default=512, help="units per layer (default 512)")
    p.add_argument("--depth", type=int, default=50, help="number of layers (default 50)")
    p.add_argument("--activation", default="relu",
                   help="one of " + ", ".join(ACTIVATIONS) + " (default relu)")
    p.add_argument("--schemes", nargs="+", default=list(DEFAULT_SCHEMES), metavar="SCHEME",
                   help="winit scheme names, 'N(0,<std>)' or 'name:key=value,...' "
                        "(default: he_normal glorot_normal 'N(0,1)' 'N(0,0.01)')")
    p.add_argument("--batch", type=int, default=128, help="batch size (default 128)")
    p.add_argument("--seed", type=int, default=0, help="winit seed (default 0)")
    p.add_argument("--every", type=int, default=1, help="print every n-th layer (default 1)")
    p.add_argument("--plot", metavar="OUT.png", help="also draw the curves (needs matplotlib)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    try:
        if args.every < 1:
            raise ValueError(f"--every must be >= 1, got {args.every}")
        res = propagate(width=args.width, depth=args.depth, activation=args.activation,
                        schemes=args.schemes, batch=args.batch, seed=args.seed)
    except (ValueError, TypeError) as e:
        print(f"winit propagate: error: {e}", file=sys.stderr)
        return 2
    if args.json:
        out = {"width": args.width, "depth": args.depth, "activation": args.activation,
               "batch": args.batch, "seed": args.seed,
               "std": {k: [float(v) if np.isfinite(v) else None for v in s] for k, s in res.items()},
               "verdict": {k: _verdict(s)[1] for k, s in res.items()}}
        print(json.dumps(out, indent=1))
    else:
        print(f"activation std per layer: width {args.width}, depth {args.depth}, "
              f"{args.activation}, batch {args.batch}, seed {args.seed}")
        print(_table(res, args.every))
    if args.plot:
        try:
            _plot(res, args.plot, f"{args.activation}, width {args.width}")
        except ImportError:
            print("winit propagate: error: --plot needs matplotlib (pip install 'winit[plot]')",
                  file=sys.stderr)
            return 1
        if not args.json:
            print(f"plot written to {args.plot}")
    return 0
