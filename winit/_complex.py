"""Complex values on winit's stream (SPEC 1.3b): the complex normal, the uniform disk and the
truncated complex normal that ``jax.nn.initializers`` draws for complex64 and complex128.

Each is built from the real values of SPEC 1.3 with IEEE operations only (+, -, *, /, sqrt,
and a logarithm written with them), so winit gives the same bits on every machine, and each
element depends on its index alone: any region is computed by itself.

* complex normal, E|z|^2 = std^2: the real normal of shape ``shape + (2,)`` with std
  ``std * 2**-0.5`` in the component dtype, pairs read as (real, imaginary).
* direction of element i: the float64 standard normals ``a, b`` at indices 2i, 2i+1 (of the
  ``shape + (2,)`` tensor), ``(a + ib) / sqrt(a*a + b*b)`` (1 where both are 0).
* radius uniform of element i: the float64 uniform at element index ``2**62 + i``, far from
  any index a tensor reaches, so it never shares words with the direction's normals.
* uniform disk (unit variance, as JAX's): ``std * sqrt(2 u) * direction``.
* truncated complex normal (modulus at most 2, unit variance before truncation, as JAX's):
  ``std * sqrt(-ln(1 - C u)) * direction`` with ``C = 1 - exp(-4)``.
"""
import numpy as np

from . import _sampling

COMPLEX = {"complex64": "float32", "complex128": "float64"}
RADIUS_OFFSET = 2 ** 62
ONE_MINUS_EXP_M4 = 0.9816843611112658  # 1 - exp(-4), rounded to float64
_LN2_HI = 6.93147180369123816490e-01  # ln 2 = _LN2_HI + _LN2_LO, _LN2_HI with 32 zero low bits
_LN2_LO = 1.90821492927058770002e-10


def ln(x):
    """Natural logarithm of positive float64 ``x`` with IEEE operations only (the same bits on
    every machine; within 4 ulp of the true value): x = m 2**e with m in [sqrt(1/2), sqrt(2)),
    ln m = 2 atanh(s) = 2 (s + s**3/3 + ... + s**25/25), s = (m - 1) / (m + 1), |s| < 0.172."""
    m, e = np.frexp(np.asarray(x, dtype=np.float64))
    small = m < 0.7071067811865476
    m = np.where(small, m * 2.0, m)
    e = np.where(small, e - 1, e).astype(np.float64)
    s = (m - 1.0) / (m + 1.0)
    s2 = s * s
    acc = np.full_like(s, 1.0 / 25.0)
    for k in range(23, 0, -2):
        acc = acc * s2 + 1.0 / k
    return e * _LN2_HI + (e * _LN2_LO + 2.0 * s * acc)


def _pairs_region(shape, region):
    """The region of the ``shape + (2,)`` tensor that holds the pairs of ``region`` of ``shape``."""
    if region is None:
        return None
    if not isinstance(region, tuple):
        region = (region,)
    if any(r is Ellipsis for r in region):
        i = region.index(Ellipsis)
        region = region[:i] + (slice(None),) * (len(shape) - len(region) + 1) + region[i + 1:]
    return tuple(region) + (slice(None),) * (len(shape) - len(region)) + (slice(None),)


def _as_complex(pairs, dtype):
    out = np.ascontiguousarray(pairs).view(np.dtype(dtype))
    return out.reshape(out.shape[:-1])


def normal(shape, std=1.0, *, dtype, region=None, **src):
    """Complex normal values with E|z|^2 = std^2 (real and imaginary parts N(0, std^2 / 2))."""
    pairs = _sampling.normal(tuple(shape) + (2,), 0.0, float(std) * 0.7071067811865476,
                             dtype=COMPLEX[dtype], region=_pairs_region(shape, region), **src)
    return _as_complex(pairs, dtype)


def _direction(shape, region, src):
    ab = _sampling.normal(tuple(shape) + (2,), dtype="float64", region=_pairs_region(shape, region), **src)
    a, b = ab[..., 0], ab[..., 1]
    n = np.sqrt(a * a + b * b)
    zero = n == 0.0
    return np.where(zero, 1.0, a / np.where(zero, 1.0, n)), np.where(zero, 0.0, b / np.where(zero, 1.0, n))


def _radial(shape, region, radius, std, dtype, src):
    u = _sampling.uniform(tuple(shape), dtype="float64", offset=RADIUS_OFFSET, region=region, **src)
    re, im = _direction(shape, region, src)
    s = float(std) * radius(u)
    pairs = np.stack([s * re, s * im], axis=-1).astype(COMPLEX[dtype])
    return _as_complex(pairs, dtype)


def disk(shape, std=1.0, *, dtype, region=None, **src):
    """Uniform on the disk of radius ``std * sqrt(2)`` (E|z|^2 = std^2), as JAX's complex uniform."""
    return _radial(shape, region, lambda u: np.sqrt(2.0 * u), std, dtype, src)


def truncated_normal(shape, std=1.0, *, dtype, region=None, **src):
    """Complex normal of unit variance with modulus truncated to 2, times ``std`` (JAX's
    ``_complex_truncated_normal``; its variance after truncation is 0.95311164380491208**2)."""
    return _radial(shape, region, lambda u: np.sqrt(-ln(1.0 - ONE_MINUS_EXP_M4 * u)), std, dtype, src)


def orthogonal_matrix(n_rows, n_cols, normals):
    """A Haar-distributed complex (semi-)orthogonal (unitary) matrix from ``normals(shape)``
    (complex128 normals): QR of the taller orientation, columns multiplied by the phases of
    R's diagonal (as JAX does), transposed back."""
    rows, cols = max(n_rows, n_cols), min(n_rows, n_cols)
    a = normals((rows, cols))
    q, r = np.linalg.qr(a)
    d = np.diagonal(r)
    q = q * np.where(d == 0, 1.0, d / np.where(d == 0, 1.0, np.abs(d)))
    return q.T if n_rows < n_cols else q

