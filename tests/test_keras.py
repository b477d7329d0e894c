"""winit.keras: Keras 3 semantics, real layers (torch backend), serialization."""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import inspect  # noqa: E402
import math  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras.src.initializers.random_initializers import compute_fans as keras_compute_fans  # noqa: E402
from scipy import stats  # noqa: E402

import winit  # noqa: E402
import winit.keras as wk  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

TRUNC = 0.87962566103423978
SHAPE = (400, 500)
CONV = (3, 3, 64, 128)


def np_(x):
    return np.asarray(keras.ops.convert_to_numpy(x), dtype=np.float64)


def ks(a, b):
    p = stats.ks_2samp(np_(a).ravel(), np_(b).ravel()).pvalue
    assert p > 1e-4, f"KS p-value {p}"


CASES = [
    ("RandomNormal", {}, SHAPE),
    ("RandomNormal", {"mean": 1.0, "stddev": 2.0}, SHAPE),
    ("RandomUniform", {}, SHAPE),
    ("RandomUniform", {"minval": -1.0, "maxval": 3.0}, SHAPE),
    ("TruncatedNormal", {}, SHAPE),
    ("TruncatedNormal", {"mean": 0.5, "stddev": 1.5}, SHAPE),
    ("VarianceScaling", {}, CONV),
    ("VarianceScaling", {"scale": 2.0, "mode": "fan_avg", "distribution": "uniform"}, CONV),
    ("VarianceScaling", {"scale": 0.5, "mode": "fan_out", "distribution": "untruncated_normal"}, CONV),
    ("VarianceScaling", {"mode": "fan_in", "distribution": "normal"}, (200_000,)),  # 1-D: fan = n
    ("VarianceScaling", {"input_axes": [0, 1], "output_axes": [3]}, CONV),
    ("GlorotNormal", {}, CONV),
    ("GlorotUniform", {}, SHAPE),
    ("HeNormal", {}, SHAPE),
    ("HeUniform", {}, CONV),
    ("LecunNormal", {}, CONV),
    ("LecunUniform", {}, SHAPE),
    ("Orthogonal", {"gain": 1.5}, (3, 3, 32, 16)),
]


@pytest.mark.parametrize("cls,kw,shape", CASES)
def test_distribution_matches_keras(cls, kw, shape):
    ours = getattr(wk, cls)(**kw, seed=1)(shape)
    theirs = getattr(keras.initializers, cls)(**kw, seed=1)(shape)
    assert tuple(ours.shape) == shape
    assert keras.backend.standardize_dtype(ours.dtype) == "float32"
    ks(ours, theirs)
    o, t = np_(ours), np_(theirs)
    if "Uniform" in cls or kw.get("distribution") == "uniform":
        tol = 2e-3 * (t.max() - t.min())
        assert abs(o.min() - t.min()) < tol and abs(o.max() - t.max()) < tol


def test_truncation_bounds():
    t = np_(wk.TruncatedNormal(mean=1.0, stddev=0.5, seed=2)(SHAPE))
    assert t.min() >= 0.0 and t.max() <= 2.0 and t.min() < 0.01 and t.max() > 1.99
    h = np_(wk.HeNormal(seed=2)(SHAPE))
    cut = 2 * math.sqrt(2 / 400) / TRUNC  # Keras' correction: std after truncation = sqrt(2/fan_in)
    assert np.abs(h).max() <= cut * (1 + 1e-6) and np.abs(h).max() > 0.99 * cut
    assert abs(h.std() / math.sqrt(2 / 400) - 1) < 0.01


def test_values_are_winit_values():
    np.testing.assert_array_equal(
        np_(wk.HeNormal(seed=3)(CONV)),
        winit.variance_scaling(CONV, 2.0, "fan_in", "truncated_normal", seed=3))
    np.testing.assert_array_equal(np_(wk.GlorotUniform(seed=3)(SHAPE)), winit.glorot_uniform(SHAPE, seed=3))
    np.testing.assert_array_equal(np_(wk.RandomNormal(seed=3)(SHAPE)), winit.random_normal(SHAPE, seed=3))
    np.testing.assert_array_equal(np_(wk.Orthogonal(seed=3)(CONV)), winit.orthogonal(CONV, seed=3))


def test_seed_semantics():
    init = wk.HeUniform(seed=4)
    assert np.array_equal(np_(init((5, 5))), np_(init((5, 5))))  # int seed: same values each call
    unseeded = wk.RandomNormal()
    assert np.array_equal(np_(unseeded((5,))), np_(unseeded((5,))))  # as Keras: fixed at construction
    winit.manual_seed(11)
    a = np_(wk.RandomNormal()((5,)))
    winit.manual_seed(11)
    assert np.array_equal(a, np_(wk.RandomNormal()((5,))))
    sg = wk.RandomNormal(seed=keras.random.SeedGenerator(5))
    assert not np.array_equal(np_(sg((5,))), np_(sg((5,))))  # SeedGenerator: new values each call
    with pytest.raises(ValueError, match="seed"):
        wk.RandomNormal(seed="x")


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_dtypes(dtype):
    x = wk.GlorotNormal(seed=1)((20, 30), dtype=dtype)
    assert keras.backend.standardize_dtype(x.dtype) == dtype
    ref = winit.variance_scaling((20, 30), 1.0, "fan_avg", "truncated_normal", seed=1, dtype=dtype)
    np.testing.assert_array_equal(np_(x), ref.astype(np.float64))
    for c in (wk.Zeros(), wk.Ones(), wk.Constant(0.3), wk.Identity(), wk.Orthogonal(seed=1)):
        assert keras.backend.standardize_dtype(c((4, 4), dtype=dtype).dtype) == dtype


def test_layers_hold_winit_values():
    dense = keras.layers.Dense(64, kernel_initializer=wk.HeNormal(seed=1),
                               bias_initializer=wk.RandomUniform(seed=2))
    dense.build((None, 32))
    np.testing.assert_array_equal(np_(dense.kernel),
                                  winit.variance_scaling((32, 64), 2.0, "fan_in", "truncated_normal", seed=1))
    np.testing.assert_array_equal(np_(dense.bias), winit.random_uniform((64,), seed=2))
    conv = keras.layers.Conv2D(16, 3, kernel_initializer=wk.GlorotUniform(seed=3),
                               bias_initializer=wk.Constant(0.1))
    conv.build((None, 10, 10, 8))
    np.testing.assert_array_equal(np_(conv.kernel), winit.glorot_uniform((3, 3, 8, 16), seed=3))
    np.testing.assert_array_equal(np_(conv.bias), np.full(16, np.float32(0.1)))
    lstm = keras.layers.LSTM(8, recurrent_initializer=wk.Orthogonal(seed=4), kernel_initializer="zeros")
    lstm.build((None, 5, 4))
    np.testing.assert_array_equal(np_(lstm.cell.recurrent_kernel), winit.orthogonal((8, 32), seed=4))
    model = keras.Sequential([keras.Input((32,)), dense, keras.layers.Dense(2, kernel_initializer=wk.get("lecun_normal"))])
    assert model(np.ones((1, 32), np.float32)).shape == (1, 2)


def test_config_and_serialization(tmp_path):
    for cls, kw, _ in CASES + [("Zeros", {}, 0), ("Ones", {}, 0), ("Constant", {"value": 2.5}, 0),
                               ("Identity", {"gain": 2.0}, 0)]:
        seeded = "seed" in inspect.signature(getattr(wk, cls)).parameters
        obj = getattr(wk, cls)(**kw, **({"seed": 7} if seeded else {}))
        cfg = obj.get_config()
        expected = getattr(keras.initializers, cls)(**kw, **({"seed": 7} if seeded else {})).get_config()
        if cls == "Identity":  # Keras 3's Identity forgets its gain in get_config; winit keeps it
            expected["gain"] = 2.0
        assert cfg == expected
        clone = type(obj).from_config(cfg)
        assert clone.get_config() == cfg
        ser = keras.saving.serialize_keras_object(obj)
        assert ser["registered_name"] == f"winit>{cls}"
        back = keras.saving.deserialize_keras_object(ser)
        assert type(back) is type(obj) and back.get_config() == cfg
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, kernel_initializer=wk.HeNormal(seed=1))])
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded.layers[0].kernel_initializer) is wk.HeNormal
    np.testing.assert_array_equal(np_(loaded.layers[0].kernel), np_(model.layers[0].kernel))
    rebuilt = keras.Sequential.from_config(model.get_config())
    np.testing.assert_array_equal(np_(rebuilt.layers[0].kernel), np_(model.layers[0].kernel))


def test_get():
    from keras.src.initializers import ALL_OBJECTS_DICT
    for name, cls in ALL_OBJECTS_DICT.items():
        if cls.__name__ in ("STFT", "Initializer"):
            continue
        ours = wk.get(name)
        assert type(ours).__name__ == cls.__name__ and type(ours).__module__ == "winit.keras", name
    assert isinstance(wk.get({"class_name": "HeNormal", "config": {"seed": 3}}), wk.HeNormal)
    assert isinstance(wk.get(wk.Ones), wk.Ones)
    f = lambda shape, dtype=None: None  # noqa: E731
    assert wk.get(f) is f and wk.get(None) is None
    with pytest.raises(ValueError, match=r"'he_norml' \(did you mean 'he_normal'\?\)"):
        wk.get("he_norml")


def test_keras_fans_and_errors():
    for shape in [(), (7,), (3, 4), (3, 3, 8, 16), (5, 2, 3, 4, 6)]:
        assert wk.compute_fans(shape) == keras_compute_fans(shape)
    assert wk.compute_fans(CONV, [0, 1, 2], [3]) == keras_compute_fans(CONV, [0, 1, 2], [3])
    with pytest.raises(ValueError, match=r"did you mean 'fan_avg'"):
        wk.VarianceScaling(mode="fan_av")
    with pytest.raises(ValueError, match="positive"):
        wk.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="distribution"):
        wk.VarianceScaling(distribution="gauss")
    assert wk.VarianceScaling(distribution="normal").distribution == "truncated_normal"  # Keras alias
    with pytest.raises(ValueError, match="at least two-dimensional"):
        wk.Orthogonal()((5,))
    with pytest.raises(ValueError, match="2D"):
        wk.Identity()((3, 3, 3))
    with pytest.raises(ValueError, match="dtype"):
        wk.HeNormal(seed=1)((3, 3), dtype="int32")
