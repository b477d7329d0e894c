"""Refit the approximations winit's kernels use (src/winit_math.h), and print them.

    python tools/fit_polynomials.py      # needs numpy, scipy, mpmath (the test extra)

Each fit is printed with its maximum error; the constants in src/winit_math.h are these
values rounded to the working precision (float32 or float64). Changing any of them changes
the stream's normal or truncated-normal values: regenerate tests/data/golden_v1.json, and
check the SPEC tolerance (tests/test_reference.py) before a release freezes them.

  float32 -2 ln(1+f) = f Q(f), f in [sqrt(1/2)-1, sqrt(2)-1]     degree 7, relative error
  float32 cos a = 1 + z (C1 + z (C2 + z C3)), z = a^2 <= (pi/4)^2  absolute error
  float64 -2 ln(1+f) = s Q(s^2), s = f/(2+f)                     degree 5, relative error
  float64 cos a = 1 + z (C1 + ... + z^4 C5)                       absolute error
  float64 sin a = a + a z (S1 + ... + z^4 S5)                     absolute error of (sin a / a - 1) / z
  float32 Phi^-1(1/2 + t) = t P(r)/Q(r), r = S - t^2, q >= 0.02  (4,4) rational, relative
"""
import mpmath as mp
import numpy as np


def remez_grid(f, lo, hi, powers, rel, iters=40, n_grid=20001):
    """Minimax sum_j c_j x^powers[j] ~ f(x) on [lo, hi] (numpy float64, grid extrema)."""
    n = len(powers) + 1
    x = lo + (hi - lo) * (1 - np.cos(np.pi * (np.arange(n) + 0.5) / n)) / 2
    grid = np.linspace(lo, hi, n_grid)
    fg = f(grid)
    for _ in range(iters):
        fx = f(x)
        a = np.column_stack([x ** p for p in powers] + [(-1.0) ** np.arange(n) * (np.abs(fx) if rel else 1.0)])
        c = np.linalg.solve(a, fx)[:-1]
        err = sum(ci * grid ** p for ci, p in zip(c, powers)) - fg
        if rel:
            err = err / fg
        sign = np.sign(err)
        sign[sign == 0] = 1
        runs = np.split(np.arange(len(grid)), np.where(np.diff(sign) != 0)[0] + 1)
        ext = np.array([r[np.argmax(np.abs(err[r]))] for r in runs])
        if len(ext) > n:
            ext = np.sort(ext[np.argsort(-np.abs(err[ext]))[:n]])
        if len(ext) == n:
            x = grid[ext]
    return c, np.abs(err).max()


def remez_mp(f, lo, hi, deg, rel, fixed0=None, iters=30, n_grid=2000):
    """The same in mpmath (50 digits), for the float64 fits."""
    mp.mp.dps = 50
    free = list(range(deg + 1)) if fixed0 is None else list(range(1, deg + 1))
    n = len(free) + 1
    xs = [lo + (hi - lo) * (1 - mp.cos(mp.pi * (i + 0.5) / n)) / 2 for i in range(n)]
    grid = [lo + (hi - lo) * mp.mpf(i) / n_grid for i in range(n_grid + 1)]
    for _ in range(iters):
        a = mp.matrix(n, n)
        rhs = mp.matrix(n, 1)
        for i, x in enumerate(xs):
            for k, j in enumerate(free):
                a[i, k] = x ** j
            a[i, n - 1] = (-1) ** i * (abs(f(x)) if rel else 1)
            rhs[i] = f(x) - (fixed0 if fixed0 is not None else 0)
        sol = mp.lu_solve(a, rhs)
        c = [mp.mpf(fixed0 if fixed0 is not None else 0)] + [mp.mpf(0)] * deg
        for k, j in enumerate(free):
            c[j] = sol[k]
        e = []
        for x in grid:
            d = sum(c[j] * x ** j for j in range(deg + 1)) - f(x)
            e.append(d / f(x) if rel else d)
        runs, cur = [], [0]
        for i in range(1, len(grid)):
            if (e[i] >= 0) == (e[cur[-1]] >= 0):
                cur.append(i)
            else:
                runs.append(cur)
                cur = [i]
        runs.append(cur)
        cand = [max(r, key=lambda i: abs(e[i])) for r in runs]
        if len(cand) >= n:
            xs = [grid[i] for i in sorted(sorted(cand, key=lambda i: -abs(e[i]))[:n])]
    return c, max(abs(v) for v in e)


def central_rational(m=4, n=4, qmin=0.02, iters=40):
    """t P(r)/Q(r) ~ Phi^-1(1/2 + t), r = S - t^2, S = float32((1/2 - qmin)^2): weighted
    linearized least squares (Loeb), relative error."""
    mp.mp.dps = 30
    s_max = float(np.float32((0.5 - qmin) ** 2))
    r = (1 - np.cos(np.pi * (np.arange(3000) + 0.5) / 3000)) / 2 * s_max
    def g(rr):
        out = []
        for v in rr:
            s = s_max - v
            t = mp.sqrt(mp.mpf(s)) if s > 0 else None
            out.append(float(mp.sqrt(2 * mp.pi)) if t is None else float(mp.sqrt(2) * mp.erfinv(2 * t) / t))
        return np.array(out)
    gr = g(r)
    den = np.ones_like(r)
    for _ in range(iters):
        w = 1 / (np.abs(den) * np.abs(gr))
        a = np.hstack([np.vstack([r ** j for j in range(m + 1)]).T,
                       -(gr[:, None] * np.vstack([r ** j for j in range(1, n + 1)]).T)])
        sol, *_ = np.linalg.lstsq(a * w[:, None], gr * w, rcond=None)
        p, q = sol[:m + 1], np.concatenate([[1.0], sol[m + 1:]])
        den = np.polyval(q[::-1], r)
    grid = np.linspace(0, s_max, 4001)
    err = np.abs(np.polyval(p[::-1], grid) / np.polyval(q[::-1], grid) - g(grid)) / g(grid)
    return s_max, p, q, err.max()


def show(name, coeffs, err, dtype):
    vals = ", ".join(repr(float(dtype(float(c)))) for c in coeffs)
    print(f"{name}: max error {float(err):.3g}\n    [{vals}]")


def main():
    lo, hi = float(np.float32(np.sqrt(0.5))) - 1.0, float(np.float32(np.sqrt(2.0))) - 1.0
    m2log1p_over_f = np.vectorize(lambda f: float(-2 * mp.log1p(mp.mpf(f)) / f) if f != 0 else -2.0)
    c, e = remez_grid(m2log1p_over_f, lo, hi, range(8), rel=True)
    show("float32 -2 ln(1+f)/f, Q0..Q7 (WINIT_M2LOGF_Q*)", c, e, np.float32)

    z_max = float((mp.pi / 4) ** 2)
    cos_minus_1 = np.vectorize(lambda z: float(mp.cos(mp.sqrt(mp.mpf(z)))) - 1.0)
    c, e = remez_grid(cos_minus_1, 0.0, z_max, [1, 2, 3], rel=False)
    show("float32 cos, C1..C3 (WINIT_COSF_C*)", c, e, np.float32)

    s_max = (mp.sqrt(2) - 1) / (mp.sqrt(2) + 1)
    q64 = lambda z: -4 * mp.atanh(mp.sqrt(z)) / mp.sqrt(z) if z > 0 else mp.mpf(-4)
    c, e = remez_mp(q64, mp.mpf(0), s_max ** 2, 5, rel=True)
    show("float64 -4 atanh(s)/s in z = s^2, Q0..Q5 (WINIT_M2LOG_Q*)", c, e, np.float64)

    c, e = remez_mp(lambda z: mp.cos(mp.sqrt(z)), mp.mpf(0), (mp.pi / 4) ** 2, 5, rel=False, fixed0=1)
    show("float64 cos, C1..C5 (WINIT_C*)", c[1:], e, np.float64)

    sin_g = lambda z: (mp.sin(mp.sqrt(z)) / mp.sqrt(z) - 1) / z if z > 0 else mp.mpf(-1) / 6
    c, e = remez_mp(sin_g, mp.mpf(0), (mp.pi / 4) ** 2, 4, rel=False)
    show("float64 sin, S1..S5 (WINIT_S*)", c, e, np.float64)

    s, p, q, e = central_rational()
    print(f"float32 central Phi^-1: S = {float(np.float32(s))!r} (WINIT_TN_S)")
    show("    P0..P4 (WINIT_TN_P*)", p, e, np.float32)
    show("    Q1..Q4 (WINIT_TN_Q*)", q[1:], e, np.float32)


if __name__ == "__main__":
    main()
