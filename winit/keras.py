"""winit.keras: Keras 3 initializers on winit's counter-based stream.

Drop-in replacements for ``keras.initializers`` with Keras' own semantics
(defaults, fan computation, the 0.87962566103423978 truncation correction of
VarianceScaling and its subclasses, "an int seed gives the same values on
every call"), usable as ``kernel_initializer=`` on any backend:

    import keras, winit.keras
    layer = keras.layers.Dense(64, kernel_initializer=winit.keras.HeNormal(seed=1))

The values equal winit's functional samplers exactly, e.g.
``winit.keras.HeNormal(seed=1)((32, 64))`` ==
``winit.variance_scaling((32, 64), 2.0, "fan_in", "truncated_normal", seed=1)``.

Seeds: an int makes every call return the same values; ``None`` draws one
seed at construction from winit's default generator (``winit.manual_seed``
makes it reproducible), so that initializer also repeats itself, as in Keras;
a ``keras.random.SeedGenerator`` gives new values on each call.
All classes are registered for serialization under the package ``"winit"``.
"""
import keras
import numpy as np

from . import _sampling
from . import _schemes
from ._schemes import _unknown
from ._schemes import identity as _identity
from ._schemes import orthogonal as _orthogonal

__all__ = [
    "RandomNormal", "RandomUniform", "TruncatedNormal", "Zeros", "Ones", "Constant",
    "VarianceScaling", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform",
    "LecunNormal", "LecunUniform", "Orthogonal", "Identity", "STFT", "get", "compute_fans",
]

_register = keras.saving.register_keras_serializable(package="winit")
_serialize = keras.saving.serialize_keras_object
_deserialize = keras.saving.deserialize_keras_object
_FLOATS = ("float32", "float64", "float16", "bfloat16")


def _dtype(dtype):
    d = keras.backend.standardize_dtype(dtype)  # None -> keras.backend.floatx()
    if d not in _FLOATS:
        raise ValueError(f"winit.keras initializers produce floating dtypes {', '.join(_FLOATS)}; "
                         f"got dtype={d!r}")
    return d


def _tensor(arr, dtype):
    """numpy -> backend tensor of ``dtype`` (bfloat16 through float32, exactly)."""
    if dtype == "bfloat16":
        return keras.ops.cast(keras.ops.convert_to_tensor(arr.astype(np.float32)), "bfloat16")
    return keras.ops.convert_to_tensor(arr, dtype=dtype)


#: Keras' fan rule (winit._schemes.keras_fans): ``(fan_in, fan_out)``; 1-D shapes give
#: ``(n, n)``, scalars ``(1, 1)``, kernels ``(*receptive, in, out)``; explicit axes give
#: plain products (no receptive field)
compute_fans = _schemes.keras_fans


class _Random(keras.initializers.Initializer):
    """Seed handling of Keras' RandomInitializer, on winit seeds."""

    def __init__(self, seed=None):
        self._init_seed = seed
        if seed is None:
            seed = _sampling.draw_seed()  # one draw from winit's default generator
        elif isinstance(seed, dict):
            seed = _deserialize(seed)
        if isinstance(seed, (bool, np.bool_)) or not isinstance(
                seed, (int, np.integer, keras.random.SeedGenerator)):
            raise ValueError("`seed` argument should be an instance of `keras.random.SeedGenerator()` "
                             f"or an integer. Received: seed={seed}")
        if not isinstance(seed, keras.random.SeedGenerator):
            seed = int(seed)
            if not 0 <= seed < 2**64:
                raise ValueError(f"`seed` must be in [0, 2**64); got {seed}")
        self.seed = seed

    def _seed(self):
        """The winit seed of this call (a SeedGenerator advances)."""
        if isinstance(self.seed, keras.random.SeedGenerator):
            words = np.asarray(keras.ops.convert_to_numpy(self.seed.next())).astype(np.int64)
            return int(words[0]) & 0xFFFFFFFF | (int(words[1]) & 0xFFFFFFFF) << 32
        return self.seed

    def get_config(self):
        return {"seed": _serialize(self._init_seed)}

    def _sample(self, fn, shape, dtype, *args, **kw):
        d = _dtype(dtype)
        arr = fn(tuple(shape), *args, seed=self._seed(), dtype=d, **kw)
        return _tensor(arr, d)


@_register
class RandomNormal(_Random, keras.initializers.RandomNormal):
    """N(mean, stddev^2), Keras defaults mean 0, stddev 0.05."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return self._sample(_sampling.normal, shape, dtype, self.mean, self.stddev)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@_register
class TruncatedNormal(_Random, keras.initializers.TruncatedNormal):
    """N(mean, stddev^2) cut at 2 stddev around the mean (no variance correction);
    Keras defaults mean 0, stddev 0.05."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return self._sample(_sampling.truncated_normal, shape, dtype, self.mean, self.stddev, -2.0, 2.0)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@_register
class RandomUniform(_Random, keras.initializers.RandomUniform):
    """U(minval, maxval), Keras defaults -0.05, 0.05."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return self._sample(_sampling.uniform, shape, dtype, self.minval, self.maxval)

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


_KERAS_MODES = ("fan_in", "fan_out", "fan_avg")
#: Keras' distribution names -> the core's ("normal" is Keras' alias of "truncated_normal")
_KERAS_DISTS = {"uniform": "uniform", "truncated_normal": "truncated_normal",
                "untruncated_normal": "normal"}


@_register
class VarianceScaling(_Random, keras.initializers.VarianceScaling):
    """Keras VarianceScaling: std ``sqrt(scale / n)`` with n = max(1, fan) by
    ``mode`` (fan_in, fan_out, fan_avg). ``distribution``: "truncated_normal"
    (Keras' default; "normal" is an alias of it, as in Keras) -- std divided by
    0.87962566103423978, cut at 2 std; "untruncated_normal"; "uniform" --
    ``U(+-sqrt(3 * scale / n))``."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in _KERAS_MODES:
            raise ValueError("Invalid `mode` argument: " + _unknown("mode", mode, _KERAS_MODES))
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in _KERAS_DISTS:
            raise ValueError("Invalid `distribution` argument: "
                             + _unknown("distribution", distribution, _KERAS_DISTS))
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        std = _schemes.variance_std(self.scale, fan_in, fan_out, self.mode, floor=1.0)
        kind, params = _schemes.draw(_KERAS_DISTS[self.distribution], std)
        return self._sample(getattr(_sampling, kind), shape, dtype, **params)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "mode": self.mode,
                "distribution": self.distribution, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class _Fixed(VarianceScaling):
    """A VarianceScaling with fixed (scale, mode, distribution), as Keras' subclasses."""
    _params = None

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        scale, mode, dist = self._params
        super().__init__(scale=scale, mode=mode, distribution=dist, seed=seed,
                         input_axes=input_axes, output_axes=output_axes)

    def get_config(self):
        return {"seed": _serialize(self._init_seed), "input_axes": self.input_axes,
                "output_axes": self.output_axes}


@_register
class GlorotNormal(_Fixed, keras.initializers.GlorotNormal):
    """Truncated normal, std sqrt(2 / (fan_in + fan_out)) after truncation (Keras)."""
    _params = (1.0, "fan_avg", "truncated_normal")


@_register
class GlorotUniform(_Fixed, keras.initializers.GlorotUniform):
    """U(+-sqrt(6 / (fan_in + fan_out))) -- Keras' default kernel initializer."""
    _params = (1.0, "fan_avg", "uniform")


@_register
class HeNormal(_Fixed, keras.initializers.HeNormal):
    """Truncated normal, std sqrt(2 / fan_in) after truncation (Keras)."""
    _params = (2.0, "fan_in", "truncated_normal")


@_register
class HeUniform(_Fixed, keras.initializers.HeUniform):
    """U(+-sqrt(6 / fan_in))."""
    _params = (2.0, "fan_in", "uniform")


@_register
class LecunNormal(_Fixed, keras.initializers.LecunNormal):
    """Truncated normal, std sqrt(1 / fan_in) after truncation (Keras)."""
    _params = (1.0, "fan_in", "truncated_normal")


@_register
class LecunUniform(_Fixed, keras.initializers.LecunUniform):
    """U(+-sqrt(3 / fan_in))."""
    _params = (1.0, "fan_in", "uniform")


@_register
class Orthogonal(_Random, keras.initializers.Orthogonal):
    """gain * (semi-)orthogonal matrix; shapes with more than 2 dims are
    flattened to (prod(shape[:-1]), shape[-1]) as Keras does."""

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        return self._sample(_orthogonal, shape, dtype, self.gain, layout="keras")

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


@_register
class Identity(keras.initializers.Identity):
    """gain * identity matrix (2-D shapes only, as Keras)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        d = _dtype(dtype)
        return _tensor(_identity(tuple(shape), self.gain, dtype=d), d)

    def get_config(self):
        return {"gain": self.gain}


@_register
class Constant(keras.initializers.Constant):
    """Every element equal to ``value`` (a scalar); any dtype, as Keras."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        d = keras.backend.standardize_dtype(dtype)
        if d not in _FLOATS:  # integers and bool: Keras' own cast
            return keras.ops.cast(keras.ops.full(tuple(shape), self.value), d)
        return _tensor(np.full(tuple(shape), self.value, dtype=np.float64).astype(
            np.float32 if d in ("float16", "bfloat16") else d), d)

    def get_config(self):
        return {"value": _serialize(self.value)}

    @classmethod
    def from_config(cls, config):
        return cls(_deserialize(config["value"]))


@_register
class Zeros(keras.initializers.Zeros):
    """All zeros (any dtype, as Keras)."""

    def __call__(self, shape, dtype=None):
        return keras.ops.zeros(tuple(shape), dtype=keras.backend.standardize_dtype(dtype))


@_register
class Ones(keras.initializers.Ones):
    """All ones (any dtype, as Keras)."""

    def __call__(self, shape, dtype=None):
        return keras.ops.ones(tuple(shape), dtype=keras.backend.standardize_dtype(dtype))


@_register
class STFT(keras.initializers.STFT):
    """Keras' STFT kernel initializer (deterministic: no random numbers, so Keras' own
    values), registered under winit so that ``winit.keras.get("stft")`` works."""


_CLASSES = (RandomNormal, RandomUniform, TruncatedNormal, Zeros, Ones, Constant, VarianceScaling,
            GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform,
            Orthogonal, Identity, STFT)
_SNAKE = {"RandomNormal": "random_normal", "RandomUniform": "random_uniform",
          "TruncatedNormal": "truncated_normal", "VarianceScaling": "variance_scaling",
          "GlorotNormal": "glorot_normal", "GlorotUniform": "glorot_uniform",
          "HeNormal": "he_normal", "HeUniform": "he_uniform", "LecunNormal": "lecun_normal",
          "LecunUniform": "lecun_uniform"}
#: Keras' string names (class names, snake_case names and its aliases)
ALL_OBJECTS = {c.__name__: c for c in _CLASSES}
ALL_OBJECTS.update({_SNAKE.get(c.__name__, c.__name__.lower()): c for c in _CLASSES})
ALL_OBJECTS.update({"normal": RandomNormal, "uniform": RandomUniform, "one": Ones, "zero": Zeros,
                    "IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal,
                    "STFTInitializer": STFT})


def get(identifier):
    """A winit.keras initializer from a Keras string name ("he_normal",
    "HeNormal", "glorot_uniform" ...), a config dict, a class or a callable
    (returned as is)."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier not in ALL_OBJECTS:
            raise ValueError("Could not interpret initializer identifier: "
                             + _unknown("initializer", identifier, ALL_OBJECTS))
        return ALL_OBJECTS[identifier]()
    if isinstance(identifier, dict):
        name = identifier.get("class_name")
        if name not in ALL_OBJECTS:
            raise ValueError("Could not interpret initializer identifier: "
                             + _unknown("initializer", name, ALL_OBJECTS))
        return ALL_OBJECTS[name].from_config(dict(identifier.get("config") or {}))
    if isinstance(identifier, type):
        return identifier()
    if keras.ops.is_tensor(identifier) or isinstance(identifier, (np.generic, np.ndarray)):
        return _from_values(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")


def _from_values(values):
    """An initializer returning ``values`` (an array or tensor) cast to the dtype asked for,
    for the one shape they have (as ``keras.initializers.get`` does)."""
    def initialize_fn(shape, dtype=None):
        dtype = keras.backend.standardize_dtype(dtype)
        if tuple(int(d) for d in shape) != tuple(int(d) for d in values.shape):
            raise ValueError(f"Expected `shape` to be {values.shape} for direct tensor as initializer. "
                             f"Received shape={shape}")
        return keras.ops.cast(values, dtype)
    return initialize_fn
