"""Statistical checks of the distributions (fixed seeds, >= 10**6 draws each).

About false alarms: every seed here is fixed, so each test is deterministic: it passes or
fails the same way on every run and machine (the stream is bit-exact / within 4e-6). The
thresholds bound how unlucky a seed may be: for a correct generator and a seed picked at
random, a KS test fails with probability 1e-4 (the p-value threshold), and a 6-standard-error
moment bound with probability about 2e-9. Over the ~20 KS tests below, a correct generator
would need a roughly 1-in-500 unlucky choice of seeds to fail; a real defect (wrong variance,
a skewed or clipped distribution, a bad word-to-value map) gives p-values of 1e-10 or less
at these sample sizes.
"""
import math

import numpy as np
import pytest
import scipy.stats as st

import winit

N = 10**6
P_MIN = 1e-4
K_SE = 6.0
F32_TAIL = math.sqrt(48 * math.log(2))  # 5.7681: largest float32 Box-Muller radius, u1 = 2**-24


def _moments_ok(x, mean, var, mu4, what):
    """Sample mean and variance within K_SE standard errors of the true values."""
    x = np.asarray(x, np.float64)
    n = x.size
    m = x.mean()
    v = x.var()
    se_m = math.sqrt(var / n)
    se_v = math.sqrt(max(mu4 - var * var, 0.0) / n)
    assert abs(m - mean) <= K_SE * se_m, f"{what}: mean {m} vs {mean} (se {se_m})"
    assert abs(v - var) <= K_SE * se_v, f"{what}: variance {v} vs {var} (se {se_v})"


def _ks(x, dist, what):
    res = st.kstest(np.asarray(x, np.float64), dist.cdf)
    assert res.pvalue >= P_MIN, f"{what}: KS statistic {res.statistic:.3g}, p = {res.pvalue:.3g}"


# ----------------------------------------------------------------------------- normal
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mean,std,seed", [(0.0, 1.0, 20240601), (0.5, 2.0, 7)])
def test_normal(mean, std, seed, dtype):
    x = winit.normal(N, mean, std, seed=seed, stream=1, dtype=dtype)
    _ks(x, st.norm(mean, std), f"normal {dtype}")
    _moments_ok(x, mean, std**2, 3 * std**4, f"normal {dtype}")


def test_normal_pairs_uncorrelated():
    """Box-Muller's cos and sin values of one pair, and neighbouring pairs, are uncorrelated."""
    for dtype in ("float32", "float64"):
        z = winit.normal(N, seed=3, dtype=dtype).astype(np.float64)
        bound = K_SE / math.sqrt(N // 2)
        assert abs(np.corrcoef(z[0::2], z[1::2])[0, 1]) <= bound      # same pair
        assert abs(np.corrcoef(z[1:-1:2], z[2::2])[0, 1]) <= bound     # across pairs
        # z0 and z1 share the radius r but are independent (exact Box-Muller): so are their
        # squares; a biased angle would correlate them
        assert abs(np.corrcoef(z[0::2] ** 2, z[1::2] ** 2)[0, 1]) <= bound


def test_normal_f32_tail_reach():
    z = winit.normal(4 * N, seed=11, dtype="float32")
    a = np.abs(z)
    assert a.max() <= np.float32(F32_TAIL) * np.float32(1 + 4e-6)
    assert a.max() > 4.5                          # P(max of 4e6 |z| < 4.5) ~ 1e-10
    # tail frequency: P(|z| > 4) = 6.334e-5
    k = int(np.sum(a > 4))
    expect = 4 * N * 2 * st.norm.sf(4)
    assert abs(k - expect) <= K_SE * math.sqrt(expect)


def test_normal_f64_tail():
    z = winit.normal(2 * N, seed=12, dtype="float64")
    k = int(np.sum(np.abs(z) > 4))
    expect = 2 * N * 2 * st.norm.sf(4)
    assert abs(k - expect) <= K_SE * math.sqrt(expect)
    assert np.abs(z).max() <= 8.58


# ----------------------------------------------------------------------------- uniform
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_uniform_unit(dtype):
    x = winit.uniform(N, seed=99, stream=2, dtype=dtype)
    # [0, 1) strictly: u = k * 2**-24 or k * 2**-53 with k < 2**24 / 2**53
    assert x.min() >= 0.0 and x.max() < 1.0
    _ks(x, st.uniform(0.0, 1.0), f"uniform {dtype}")
    _moments_ok(x, 0.5, 1 / 12, 1 / 80, f"uniform {dtype}")
    # the value grid: float32 uniforms are multiples of 2**-24
    if dtype == "float32":
        assert np.all((x.astype(np.float64) * 2**24) % 1 == 0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("low,high", [(-0.05, 0.05), (-3.0, 7.5)])
def test_uniform_range(low, high, dtype):
    x = winit.uniform(N, low, high, seed=5, dtype=dtype)
    t = np.dtype(dtype).type
    # [low, high) up to rounding: low + (high - low) * u may round up to high itself
    assert x.min() >= t(low) and x.max() <= t(high)
    w = high - low
    _ks(x, st.uniform(low, w), f"uniform [{low}, {high}) {dtype}")
    _moments_ok(x, (low + high) / 2, w * w / 12, w**4 / 80, f"uniform {dtype}")


# ----------------------------------------------------------------------------- truncated
TRUNC = [(-2.0, 2.0, 0.0, 1.0), (-1.0, 3.0, 0.0, 1.0), (0.5, 2.5, 1.0, 0.5), (-3.0, -2.5, 0.0, 1.0),
         (1.0, np.inf, 0.0, 2.0)]


class _FastTruncCdf:
    """The truncated normal CDF from ndtr (scipy.stats.truncnorm.cdf is slow on 10**6 points)."""

    def __init__(self, a, b, mean, std):
        self.a, self.b, self.mean, self.std = a, b, mean, std

    def cdf(self, x):
        from scipy.special import ndtr
        z = (np.asarray(x, np.float64) - self.mean) / self.std
        pa, pb = ndtr(self.a), ndtr(self.b)
        if self.a > 0:  # upper tail: use survival functions for accuracy
            qa, qb = ndtr(-self.a), ndtr(-self.b)
            return np.clip((qa - ndtr(-z)) / (qa - qb), 0.0, 1.0)
        return np.clip((ndtr(z) - pa) / (pb - pa), 0.0, 1.0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("lower,upper,mean,std", TRUNC)
def test_truncated(lower, upper, mean, std, dtype):
    x = winit.truncated_normal(N, mean, std, lower, upper, seed=31337, stream=4, dtype=dtype)
    t = np.dtype(dtype).type
    lo = t(mean) + t(std) * t(lower)
    hi = t(mean) + t(std) * t(upper)
    assert x.min() >= lo and x.max() <= hi, (x.min(), x.max())
    d = st.truncnorm(lower, upper, loc=mean, scale=std)
    _ks(x, _FastTruncCdf(lower, upper, mean, std), f"truncated [{lower}, {upper}] {dtype}")
    assert abs(_FastTruncCdf(lower, upper, mean, std).cdf(m := d.mean()) - d.cdf(m)) < 1e-12
    m, v, _, kurt = (float(s) for s in d.stats(moments="mvsk"))
    _moments_ok(x, m, v, (kurt + 3.0) * v * v, f"truncated [{lower}, {upper}] {dtype}")


def test_truncated_reaches_bounds():
    """The inverse CDF covers the whole interval: the extreme values get close to a and b."""
    x = winit.truncated_normal(N, lower=-2.0, upper=2.0, seed=8, dtype="float64")
    assert x.min() < -1.999 and x.max() > 1.999


# ----------------------------------------------------------------------------- independence
def test_streams_and_seeds_uncorrelated():
    bound = K_SE / math.sqrt(N)
    base = winit.normal(N, seed=1, stream=0, dtype="float64")
    for other in (winit.normal(N, seed=1, stream=1, dtype="float64"),
                  winit.normal(N, seed=2, stream=0, dtype="float64"),
                  winit.normal(N, seed=1, name="layer1.weight", dtype="float64"),
                  winit.normal(N, seed=1, stream=0, offset=1, dtype="float64")):
        assert abs(np.corrcoef(base, other)[0, 1]) <= bound


def test_raw_words_uniform_bits():
    """Each of the 32 bit positions of raw words is set half the time."""
    w = winit.random_raw(N, seed=2024)
    bits = (w[:, None] >> np.arange(32, dtype=np.uint32)) & np.uint32(1)
    freq = bits.mean(axis=0)
    assert np.all(np.abs(freq - 0.5) <= K_SE * 0.5 / math.sqrt(N)), freq


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_normal_moments(dtype):
    x = winit.normal(N, seed=17, dtype=dtype).astype(np.float64)
    # rounding to 8 (bfloat16) or 11 (float16) significant bits changes the variance by < 1e-4
    assert abs(x.mean()) <= K_SE / math.sqrt(N)
    assert abs(x.var() - 1.0) <= K_SE * math.sqrt(2 / N) + 1e-4
