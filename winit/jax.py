"""winit.jax: ``jax.nn.initializers`` on winit's counter-based stream.

The same factories, arguments and semantics as ``jax.nn.initializers``
(``variance_scaling`` with ``in_axis``/``out_axis``/``batch_axis``; Glorot, He
and LeCun *normal* are truncated normals with the 0.87962566103423978
correction, as in JAX; ``uniform(scale)`` is ``U[0, scale)``; ...), each
returning ``init(key, shape, dtype=None)``:

    import jax, winit.jax
    w = winit.jax.he_normal()(jax.random.key(0), (256, 128))

``key`` is an int (the winit seed) or a JAX PRNG key (typed ``jax.random.key``
or raw ``jax.random.PRNGKey``).  A 2-word key ``(k0, k1)`` maps to the seed
``k0 * 2**32 + k1``, so ``jax.random.PRNGKey(42)`` and ``42`` give the same
values; other key sizes are hashed (blake2b).  The values are computed on the
host by winit; under ``jax.jit``/``vmap`` through ``jax.pure_callback``, with
the same result as eagerly.  ``out_sharding`` (a ``NamedSharding``, or a
``PartitionSpec`` under ``jax.set_mesh``) builds the array with
``jax.make_array_from_callback``, each device's block computed alone as a
region of the whole: identical for every mesh and equal to the unsharded array.
"""
import hashlib
import math

import jax
import jax.numpy as jnp
import numpy as np

from . import _complex, _sampling, _schemes
from ._schemes import _unknown, orthogonal_matrix
from ._validate import check_seed, check_shape

__all__ = [
    "Initializer", "zeros", "ones", "constant", "uniform", "normal", "truncated_normal",
    "variance_scaling", "glorot_uniform", "glorot_normal", "xavier_uniform", "xavier_normal",
    "lecun_uniform", "lecun_normal", "he_uniform", "he_normal", "kaiming_uniform",
    "kaiming_normal", "orthogonal", "delta_orthogonal", "key_to_seed",
]

Initializer = jax.nn.initializers.Initializer
_FLOATS = ("float32", "float64", "float16", "bfloat16")
_COMPLEX_TRUNCATED_STD = 0.95311164380491208  # std of a unit complex normal with |z| cut at 2


def _dtype(dtype):
    if dtype is None:
        dtype = jnp.asarray(0.0).dtype  # float32, or float64 under jax_enable_x64
    dt = np.dtype(jax.dtypes.canonicalize_dtype(dtype))
    if dt.name not in _FLOATS and dt.name not in _complex.COMPLEX:
        raise TypeError(f"winit.jax initializers produce dtypes {', '.join(_FLOATS + tuple(_complex.COMPLEX))}; "
                        f"got dtype={dt.name}")
    return dt


def _real_only(what, dt):
    """JAX's own refusal of a complex dtype where it draws real values only."""
    if dt.name in _complex.COMPLEX:
        raise ValueError(f"dtype argument to `{what}` must be a float dtype, got {dt.name}")


def key_to_seed(key_data):
    """winit seed of a key: an int as is; 2 uint32 words (k0, k1) -> k0 * 2**32 + k1;
    any other number of words -> the first 8 bytes of blake2b(words)."""
    if isinstance(key_data, (int, np.integer)) and not isinstance(key_data, bool):
        return check_seed(int(key_data), "key")
    words = np.asarray(key_data).astype(np.uint32).reshape(-1)
    if words.size == 2:
        return int(words[0]) << 32 | int(words[1])
    return int.from_bytes(hashlib.blake2b(words.astype("<u4").tobytes(), digest_size=8).digest(),
                          "little")


def _key_data(key):
    """An int seed, or the uint32 key data (possibly traced) of a JAX key."""
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        return check_seed(int(key), "key")
    if not hasattr(key, "dtype"):
        raise TypeError(f"key must be an int or a JAX PRNG key; got {type(key).__name__}")
    if jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key):
        if key.shape != ():
            raise ValueError(f"key must be a single PRNG key, got a key array of shape {key.shape} "
                             "(use jax.vmap over keys)")
        return jax.random.key_data(key)
    if key.dtype != jnp.uint32 or key.ndim != 1:
        raise TypeError("key must be an int, a typed key (jax.random.key) or a raw uint32 key "
                        f"(jax.random.PRNGKey); got an array of dtype {key.dtype}, shape {key.shape}")
    return key


def _sharding(out_sharding, traced):
    """A concrete ``jax.sharding.Sharding`` from ``out_sharding`` (a Sharding, or a
    PartitionSpec with a mesh set by ``jax.set_mesh``), or None; under a trace a
    PartitionSpec stays one (for ``with_sharding_constraint`` on the context mesh)."""
    if out_sharding is None:
        return None
    if isinstance(out_sharding, jax.sharding.PartitionSpec):
        if traced:
            if jax.sharding.get_abstract_mesh().empty:
                raise ValueError("out_sharding: a PartitionSpec needs a mesh in context (jax.set_mesh(mesh)); "
                                 "or give a NamedSharding")
            return out_sharding
        mesh = jax.sharding.get_mesh()
        if not isinstance(mesh, jax.sharding.Mesh) or mesh.empty:
            raise ValueError("out_sharding: a PartitionSpec needs a mesh in context (jax.set_mesh(mesh)); "
                             "or give a NamedSharding")
        return jax.sharding.NamedSharding(mesh, out_sharding)
    if isinstance(out_sharding, jax.sharding.NamedSharding) and out_sharding.mesh.empty:
        return None
    if isinstance(out_sharding, jax.sharding.Sharding):
        return out_sharding
    raise TypeError("out_sharding must be None, a jax.sharding.Sharding (NamedSharding, ...) or a "
                    f"PartitionSpec; got {type(out_sharding).__name__}")


def _wrap(prepare, default_dtype):
    """init(key, shape, dtype, out_sharding): ``prepare(shape, dtype)`` checks the
    arguments at call (trace) time and returns ``host(seed, region=None) -> numpy array``
    (the whole array, or the block ``region`` of it).  With ``out_sharding`` each
    device's block is computed alone, as its region (``jax.make_array_from_callback``):
    the same values for every mesh and equal to the unsharded array."""
    def init(key, shape, dtype=default_dtype, out_sharding=None):
        shape = check_shape(shape)
        dt = _dtype(dtype)
        data = _key_data(key)
        host = prepare(shape, dt)
        sharding = _sharding(out_sharding, isinstance(data, jax.core.Tracer))
        if not isinstance(data, jax.core.Tracer):
            seed = data if isinstance(data, int) else key_to_seed(np.asarray(data))
            if sharding is None:
                return jnp.asarray(host(seed))
            return jax.make_array_from_callback(shape, sharding, lambda index: host(seed, index))
        out = jax.pure_callback(
            lambda d: np.asarray(host(key_to_seed(np.asarray(d))), dtype=dt),
            jax.ShapeDtypeStruct(shape, dt), data, vmap_method="sequential")
        return out if sharding is None else _constrain(out, sharding)
    return init


def _constrain(x, sharding):
    """``x`` (traced) laid out as ``sharding``: ``reshard`` on Explicit mesh axes,
    ``with_sharding_constraint`` on Auto ones."""
    mesh = sharding.mesh if hasattr(sharding, "mesh") else jax.sharding.get_abstract_mesh()
    if all(t == jax.sharding.AxisType.Explicit for t in getattr(mesh, "axis_types", ())):
        return jax.sharding.reshard(x, sharding)
    return jax.lax.with_sharding_constraint(x, sharding)


def _block(host_whole):
    """``host(seed, region)`` for a value that needs the whole array (orthogonal): the
    whole array computed, the region kept."""
    return lambda s, region=None: host_whole(s) if region is None else np.ascontiguousarray(host_whole(s)[region])


def zeros(key, shape, dtype=None, out_sharding=None):
    """All zeros (the key is ignored)."""
    kw = {} if out_sharding is None else {"out_sharding": out_sharding}
    return jnp.zeros(check_shape(shape), _dtype(dtype), **kw)


def ones(key, shape, dtype=None, out_sharding=None):
    """All ones (the key is ignored)."""
    kw = {} if out_sharding is None else {"out_sharding": out_sharding}
    return jnp.ones(check_shape(shape), _dtype(dtype), **kw)


def constant(value, dtype=None):
    """Initializer returning arrays full of ``value``."""
    def init(key, shape, dtype=dtype, out_sharding=None):
        return jnp.full(check_shape(shape), value, dtype=_dtype(dtype), device=out_sharding)
    return init


def uniform(scale=1e-2, dtype=None):
    """``U[0, scale)`` (JAX's convention: not symmetric around 0)."""
    def prepare(shape, dt):
        _real_only("uniform", dt)
        return lambda s, region=None: _sampling.uniform(shape, 0.0, scale, seed=s, dtype=dt, region=region)
    return _wrap(prepare, dtype)


def normal(stddev=1e-2, dtype=None):
    """``N(0, stddev^2)``; for a complex dtype the complex normal with E|z|^2 = stddev^2."""
    def prepare(shape, dt):
        if dt.name in _complex.COMPLEX:
            return lambda s, region=None: _complex.normal(shape, stddev, dtype=dt.name, seed=s, region=region)
        return lambda s, region=None: _sampling.normal(shape, 0.0, stddev, seed=s, dtype=dt, region=region)
    return _wrap(prepare, dtype)


def truncated_normal(stddev=1e-2, dtype=None, lower=-2.0, upper=2.0):
    """``N(0, stddev^2)`` truncated to ``(lower * stddev, upper * stddev)``;
    no variance correction (as JAX)."""
    def prepare(shape, dt):
        _real_only("truncated_normal", dt)
        return lambda s, region=None: _sampling.truncated_normal(
            shape, 0.0, stddev, lower, upper, seed=s, dtype=dt, region=region)
    return _wrap(prepare, dtype)


_MODES = _schemes.MODES  # JAX has all four: fan_in, fan_out, fan_avg, fan_geo_avg
_COMPLEX_DRAW = {"truncated_normal": lambda shape, std, **kw: _complex.truncated_normal(
                     shape, std / _COMPLEX_TRUNCATED_STD, **kw),
                 "normal": _complex.normal,
                 "uniform": _complex.disk}  # complex "uniform": the uniform disk, as JAX


def _variance_draw(distribution):
    """host(shape, std, seed, dtype, region) of a variance-scaling ``distribution``."""
    def run(shape, std, s, dt, region):
        if dt.name in _complex.COMPLEX:
            return _COMPLEX_DRAW[distribution](shape, std, dtype=dt.name, seed=s, region=region)
        kind, params = _schemes.draw(distribution, std)
        return getattr(_sampling, kind)(shape, **params, seed=s, dtype=dt, region=region)
    return run


_DISTS = {d: _variance_draw(d) for d in ("truncated_normal", "normal", "uniform")}


def variance_scaling(scale, mode, distribution, in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """std ``sqrt(scale / n)``, n by ``mode`` (fan_in, fan_out, fan_avg, fan_geo_avg)
    from JAX's fans; ``distribution``: "truncated_normal" (cut at 2 std, std
    corrected by 0.87962566103423978), "normal" (untruncated) or "uniform"."""
    if mode not in _MODES:
        raise ValueError("invalid mode for variance scaling initializer: " + _unknown("mode", mode, _MODES))
    if distribution not in _DISTS:
        raise ValueError("invalid distribution for variance scaling initializer: "
                         + _unknown("distribution", distribution, _DISTS))
    draw = _DISTS[distribution]

    def prepare(shape, dt):
        fan_in, fan_out = _schemes.jax_fans(shape, in_axis, out_axis, batch_axis)
        std = _schemes.variance_std(scale, fan_in, fan_out, mode)
        return lambda s, region=None: draw(shape, std, s, dt, region)
    return _wrap(prepare, dtype)


def glorot_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """variance_scaling(1.0, "fan_avg", "uniform")."""
    return variance_scaling(1.0, "fan_avg", "uniform", in_axis, out_axis, batch_axis, dtype)


def glorot_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """variance_scaling(1.0, "fan_avg", "truncated_normal")."""
    return variance_scaling(1.0, "fan_avg", "truncated_normal", in_axis, out_axis, batch_axis, dtype)


def lecun_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """variance_scaling(1.0, "fan_in", "uniform")."""
    return variance_scaling(1.0, "fan_in", "uniform", in_axis, out_axis, batch_axis, dtype)


def lecun_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """variance_scaling(1.0, "fan_in", "truncated_normal")."""
    return variance_scaling(1.0, "fan_in", "truncated_normal", in_axis, out_axis, batch_axis, dtype)


def he_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """variance_scaling(2.0, "fan_in", "uniform")."""
    return variance_scaling(2.0, "fan_in", "uniform", in_axis, out_axis, batch_axis, dtype)


def he_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """variance_scaling(2.0, "fan_in", "truncated_normal")."""
    return variance_scaling(2.0, "fan_in", "truncated_normal", in_axis, out_axis, batch_axis, dtype)


xavier_uniform = glorot_uniform
xavier_normal = glorot_normal
kaiming_uniform = he_uniform
kaiming_normal = he_normal


def _orthogonal_prepare(scale, column_axis):
    def prepare(shape, dt):
        if len(shape) < 2:
            raise ValueError("orthogonal initializer requires at least a 2D shape")
        if not -len(shape) <= column_axis < len(shape):
            raise ValueError(f"column_axis={column_axis} is out of range for shape {shape}")
        return _block(lambda s: _orthogonal(s, shape, dt, scale, column_axis))
    return prepare


def _orthogonal(s, shape, dt, scale, column_axis):
    if any(d == 0 for d in shape):
        return np.zeros(shape, dt)
    n_cols = shape[column_axis]
    n_rows = math.prod(shape) // n_cols
    if dt.name in _complex.COMPLEX:
        q = _complex.orthogonal_matrix(n_rows, n_cols,
                                       lambda sh: _complex.normal(sh, dtype="complex128", seed=s))
    else:
        q = orthogonal_matrix(n_rows, n_cols, lambda sh: _sampling.normal(sh, seed=s, dtype="float64"))
    q = q.reshape(tuple(np.delete(shape, column_axis)) + (n_cols,))
    q = np.moveaxis(q, -1, column_axis) * scale
    return (q.astype(np.float32) if dt.itemsize < 4 else q).astype(dt)


def orthogonal(scale=1.0, column_axis=-1, dtype=None):
    """``scale`` times a Haar (semi-)orthogonal matrix whose columns lie along
    ``column_axis``; the other axes are flattened into rows (as JAX)."""
    return _wrap(_orthogonal_prepare(scale, column_axis), dtype)


def delta_orthogonal(scale=1.0, column_axis=-1, dtype=None):
    """Delta-orthogonal conv kernel (3-D, 4-D or 5-D shapes, fan_in <= fan_out):
    an orthogonal ``shape[-2:]`` matrix at the spatial centre, zeros elsewhere."""
    def prepare(shape, dt):
        if len(shape) not in (3, 4, 5):
            raise ValueError("Delta orthogonal initializer requires a 3D, 4D or 5D shape.")
        if shape[-1] < shape[-2]:
            raise ValueError("`fan_in` must be less or equal than `fan_out`. ")
        _orthogonal_prepare(scale, column_axis)(shape[-2:], dt)

        def host(s):
            w = np.zeros(shape, dt)
            w[tuple((k - 1) // 2 for k in shape[:-2])] = _orthogonal(s, shape[-2:], dt, scale, column_axis)
            return w
        return _block(host)
    return _wrap(prepare, dtype)
