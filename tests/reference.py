"""Independent reference implementation of SPEC.md Part 1 (the winit stream, version 1).

Written from the SPEC only, in plain Python / numpy, for readability rather than speed.

* ``philox4x32(counter, key, rounds=10)``: one Philox4x32 block with Python ints.
* ``philox_blocks(blocks, seed, stream)``: vectorized over block indices (numpy uint64).
* ``raw_words(n, seed, stream, offset)``: the raw stream (uint32) from any word offset.
* ``uniform_unit`` / ``uniform``: exact uniform float32 / float64 values.
* ``normal_z``: standard normal values, the Box-Muller formula evaluated in float64.
* ``truncated_z``: truncated standard normal, the inverse-CDF formula evaluated accurately
  in float64 (log-space / reflected form, so bounds far in the tails stay accurate).
* ``scale_normal`` / ``scale_uniform``: the fused scaling in the working precision.
* ``cast_half``: float32 -> float16 / bfloat16 (round to nearest even).
"""

import hashlib
import math

import numpy as np
import scipy.special as sc

MASK32 = 0xFFFFFFFF
M0 = 0xD2511F53  # multiplies counter word 0
M1 = 0xCD9E8D57  # multiplies counter word 2
W0 = 0x9E3779B9  # key word 0 increment
W1 = 0xBB67AE85  # key word 1 increment

TWO64 = 2**64


# ----------------------------------------------------------------------------- Philox
def philox4x32(counter, key, rounds=10):
    """Philox4x32-R of one 4-word counter under a 2-word key; Python ints."""
    c0, c1, c2, c3 = (int(c) & MASK32 for c in counter)
    k0, k1 = (int(k) & MASK32 for k in key)
    for r in range(rounds):
        if r:
            k0 = (k0 + W0) & MASK32
            k1 = (k1 + W1) & MASK32
        p0 = M0 * c0
        p1 = M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0, p1 & MASK32,
                          (p0 >> 32) ^ c3 ^ k1, p0 & MASK32)
    return (c0, c1, c2, c3)


def key_of(seed):
    seed = int(seed)
    assert 0 <= seed < TWO64
    return (seed & MASK32, seed >> 32)


def stream_of_name(name):
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def resolve_stream(stream=None, name=None):
    if name is not None:
        assert stream is None
        return stream_of_name(name)
    return 0 if stream is None else int(stream)


def counter_of(block, stream):
    block, stream = int(block), int(stream)
    return (block & MASK32, block >> 32, stream & MASK32, stream >> 32)


def block_words(block, seed, stream=0, rounds=10):
    """The 4 words of block ``block`` (Python ints), scalar path."""
    return philox4x32(counter_of(block, stream), key_of(seed), rounds)


def philox_blocks(blocks, seed, stream=0, rounds=10):
    """Vectorized Philox: ``blocks`` is an array of block indices (< 2**64, as uint64).

    Returns a (len(blocks), 4) uint32 array; row b is (x0, x1, x2, x3) of that block.
    All products are of 32-bit values, so they fit in uint64 exactly.
    """
    blocks = np.asarray(blocks, dtype=np.uint64)
    m32 = np.uint64(MASK32)
    s32 = np.uint64(32)
    stream = int(stream)
    c0 = blocks & m32
    c1 = blocks >> s32
    c2 = np.full_like(blocks, stream & MASK32)
    c3 = np.full_like(blocks, stream >> 32)
    k0, k1 = key_of(seed)
    mul0, mul1 = np.uint64(M0), np.uint64(M1)
    for r in range(rounds):
        if r:
            k0 = (k0 + W0) & MASK32
            k1 = (k1 + W1) & MASK32
        p0 = mul0 * c0
        p1 = mul1 * c2
        c0, c1, c2, c3 = ((p1 >> s32) ^ c1 ^ np.uint64(k0), p1 & m32,
                          (p0 >> s32) ^ c3 ^ np.uint64(k1), p0 & m32)
    return np.stack([c0, c1, c2, c3], axis=-1).astype(np.uint32)


def raw_words(n, seed, stream=0, offset=0):
    """Words offset .. offset+n-1 of the raw stream, as uint32."""
    n, offset = int(n), int(offset)
    if n == 0:
        return np.zeros(0, np.uint32)
    first = offset // 4
    last = (offset + n - 1) // 4
    nb = last - first + 1
    blocks = np.arange(nb, dtype=np.uint64) + np.uint64(first)
    words = philox_blocks(blocks, seed, stream).reshape(-1)
    start = offset - 4 * first
    return words[start:start + n]


def _words64(n, seed, stream, offset):
    """Element i (i = offset..offset+n-1) -> 64-bit x = w[2i] + 2**32 w[2i+1] (uint64)."""
    w = raw_words(2 * n, seed, stream, 2 * int(offset)).astype(np.uint64)
    return w[0::2] | (w[1::2] << np.uint64(32))


# ----------------------------------------------------------------------------- uniform
def uniform_unit(n, seed, stream=0, offset=0, bits=32):
    """Exact uniform values in [0, 1): float32 (bits=32) or float64 (bits=64)."""
    if bits == 32:
        w = raw_words(n, seed, stream, offset)
        return ((w >> np.uint32(8)).astype(np.float32) * np.float32(2.0**-24)).astype(np.float32)
    x = _words64(n, seed, stream, offset)
    return (x >> np.uint64(11)).astype(np.float64) * 2.0**-53


def scale_uniform(u, low, high):
    """low + (high - low) * u in the precision of u (float32 or float64), no FMA."""
    t = u.dtype.type
    low, high = t(low), t(high)
    with np.errstate(over="ignore", invalid="ignore"):
        return (low + (high - low) * u).astype(u.dtype)


# ----------------------------------------------------------------------------- normal
def normal_z(n, seed, stream=0, offset=0, bits=32):
    """Standard normal values (Box-Muller of SPEC 1.3), evaluated in float64."""
    n, offset = int(n), int(offset)
    if n == 0:
        return np.zeros(0)
    idx_lo = offset - (offset % 2)       # first element of the first pair
    idx_hi = offset + n                  # exclusive
    idx_hi += idx_hi % 2                 # round up to a whole pair
    npairs = (idx_hi - idx_lo) // 2
    if bits == 32:
        # pair m (elements 2m, 2m+1) uses words 2m (w_a) and 2m+1 (w_b)
        w = raw_words(2 * npairs, seed, stream, idx_lo).astype(np.uint64)
        wa, wb = w[0::2], w[1::2]
        u1 = ((wa >> np.uint64(8)) + np.uint64(1)).astype(np.float64) * 2.0**-24
        u2 = (wb >> np.uint64(8)).astype(np.float64) * 2.0**-24
    else:
        # pair m (elements 2m, 2m+1) uses block m: x_a = x0 + 2**32 x1, x_b = x2 + 2**32 x3
        x = _words64(2 * npairs, seed, stream, idx_lo)   # 64-bit halves of consecutive blocks
        xa, xb = x[0::2], x[1::2]
        u1 = ((xa >> np.uint64(11)) + np.uint64(1)).astype(np.float64) * 2.0**-53
        u2 = (xb >> np.uint64(11)).astype(np.float64) * 2.0**-53
    r = np.sqrt(-2.0 * np.log(u1))
    t = 2.0 * np.pi * u2
    z = np.empty(2 * npairs)
    z[0::2] = r * np.cos(t)
    z[1::2] = r * np.sin(t)
    start = offset - idx_lo
    return z[start:start + n]


# ----------------------------------------------------------------------------- truncated
def _half_open_unit(n, seed, stream, offset, bits):
    """u' in (0, 1) and 1 - u', both as accurate float64 (SPEC 1.3, truncated row)."""
    if bits == 32:
        k = (raw_words(n, seed, stream, offset) >> np.uint32(8)).astype(np.uint64)
        num = 2 * k + np.uint64(1)                  # u' = (2k+1) / 2**25, exact
        den_bits = 25
    else:
        k = _words64(n, seed, stream, offset) >> np.uint64(11)
        num = 2 * k + np.uint64(1)                  # u' = (2k+1) / 2**54 (rounded to double)
        den_bits = 54
    comp = np.uint64(2**den_bits) - num             # exact integer 2**d - (2k+1)
    u = num.astype(np.float64) * 2.0**-den_bits
    v = comp.astype(np.float64) * 2.0**-den_bits    # 1 - u', relatively accurate
    return u, v


def truncated_from_unit(u, v, a, b):
    """z = Phi^-1(Phi(a) + u (Phi(b) - Phi(a))) clamped to [a, b], with v = 1 - u.

    p = Phi(a) + u (Phi(b) - Phi(a)) = v Phi(a) + u Phi(b): a sum of non-negative terms.
    For p <= 1/2 it is computed in log space (log_ndtr, ndtri_exp: no underflow for bounds
    far in the lower tail); otherwise the mathematically equal reflected form
    z = -Phi^-1(v Phi(-a) + u Phi(-b)) is used, so no precision is lost near p = 1.
    """
    a, b = float(a), float(b)
    u = np.asarray(u, np.float64)
    v = np.asarray(v, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        lu, lv = np.log(u), np.log(v)
        p_plain = v * sc.ndtr(a) + u * sc.ndtr(b)
        lower = np.logaddexp(lv + sc.log_ndtr(a), lu + sc.log_ndtr(b))
        upper = np.logaddexp(lv + sc.log_ndtr(-a), lu + sc.log_ndtr(-b))
        z = np.where(p_plain <= 0.5, sc.ndtri_exp(lower), -sc.ndtri_exp(upper))
    return np.clip(z, a, b)


def truncated_z(n, seed, stream=0, offset=0, lower=-2.0, upper=2.0, bits=32):
    """Truncated standard normal on [lower, upper] (SPEC 1.3), evaluated in float64."""
    if int(n) == 0:
        return np.zeros(0)
    u, v = _half_open_unit(n, seed, stream, offset, bits)
    return truncated_from_unit(u, v, lower, upper)


def truncated_z_mpmath(u, a, b, dps=None):
    """Slow arbitrary-precision version of the truncated formula (bisection on Phi),
    for validating ``truncated_from_unit``."""
    import mpmath
    if dps is None:  # enough digits that 1 - Phi(x) survives for the finite bounds given
        big = max([abs(x) for x in (a, b) if math.isfinite(x)] + [1.0])
        dps = 40 + int(big * big * 0.22)
    with mpmath.workdps(dps):
        u = mpmath.mpf(u)
        pa, pb = mpmath.ncdf(a), mpmath.ncdf(b)
        p = pa + u * (pb - pa)
        lo = mpmath.mpf(max(a, -60.0))
        hi = mpmath.mpf(min(b, 60.0))
        while hi - lo > mpmath.mpf(1e-18) * max(1, abs(lo)):
            mid = (lo + hi) / 2
            if mpmath.ncdf(mid) < p:
                lo = mid
            else:
                hi = mid
        z = (lo + hi) / 2
        return float(min(max(z, mpmath.mpf(a)), mpmath.mpf(b)))


# ----------------------------------------------------------------------------- scaling
def scale_normal(z, mean, std):
    """mean + std * z in the precision of z (float32 or float64), no FMA."""
    t = z.dtype.type
    mean, std = t(mean), t(std)
    with np.errstate(over="ignore", invalid="ignore"):
        return (mean + std * z).astype(z.dtype)


def cast_half(x32, dtype):
    """float32 -> float16 / bfloat16, round to nearest, ties to even."""
    name = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if name == "float16":
        return np.asarray(x32, np.float32).astype(np.float16)
    if name == "bfloat16":
        import ml_dtypes
        return np.asarray(x32, np.float32).astype(ml_dtypes.bfloat16)
    raise ValueError(name)


# ----------------------------------------------------------------------------- tolerance
def tolerance(z, bits):
    """SPEC 1.3: allowed distance of winit's value from the float64 formula (std units)."""
    z = np.abs(np.asarray(z, np.float64))
    scale = np.maximum(1.0, z)
    return (4e-6 if bits == 32 else 1e-12) * scale


def max_tolerance_ratio(got, ref, bits):
    """max |got - ref| / tolerance; <= 1 means within the SPEC tolerance."""
    got = np.asarray(got, np.float64)
    ref = np.asarray(ref, np.float64)
    if got.size == 0:
        return 0.0
    return float(np.max(np.abs(got - ref) / tolerance(ref, bits)))


def words_per_element(dtype):
    """Raw words consumed per element: 2 for float64, 1 otherwise (SPEC 1.3)."""
    return 2 if np.dtype(dtype) == np.float64 else 1


def per_block(dtype):
    return 4 // words_per_element(dtype)


if __name__ == "__main__":  # tiny smoke check
    print([hex(x) for x in philox4x32((0, 0, 0, 0), (0, 0))])
    print(raw_words(8, 0))
    print(normal_z(4, 0), uniform_unit(4, 0))
    print(math.sqrt(48 * math.log(2)))
