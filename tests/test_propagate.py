"""winit.propagate and the `winit propagate` command."""
import json

import numpy as np
import pytest

import winit
from winit.propagate import main, propagate


@pytest.fixture(scope="module")
def default_lesson():
    return propagate(width=256, depth=50, batch=64, seed=0)


def test_the_lesson(default_lesson):
    r = default_lesson
    assert list(r) == ["he_normal", "glorot_normal", "N(0,1)", "N(0,0.01)"]
    assert all(v.shape == (50,) for v in r.values())
    he, glorot, big, small = (r[k] for k in r)
    assert 0.2 < he.min() and he.max() < 2.0          # He keeps ReLU activations at scale ~1
    factor = (glorot[-1] / glorot[0]) ** (1 / 49)
    assert glorot[-1] < 1e-5 and 0.6 < factor < 0.8     # Glorot shrinks by ~1/sqrt(2) a layer
    assert big[-1] > 1e50                              # N(0, 1) explodes
    assert small[-1] < 1e-30                           # N(0, 0.01) vanishes


def test_deterministic_and_seeded():
    a = propagate(width=32, depth=5, batch=8, schemes=["lecun_normal"], seed=1)
    b = propagate(width=32, depth=5, batch=8, schemes=["lecun_normal"], seed=1)
    c = propagate(width=32, depth=5, batch=8, schemes=["lecun_normal"], seed=2)
    np.testing.assert_array_equal(a["lecun_normal"], b["lecun_normal"])
    assert not np.array_equal(a["lecun_normal"], c["lecun_normal"])


def test_scheme_specs_and_activations():
    r = propagate(width=64, depth=30, batch=32, activation="tanh",
                  schemes=["glorot_uniform", "variance_scaling:scale=2,mode=fan_avg,distribution=uniform",
                           ("mine", "random_normal", {"std": 0.5})])
    assert list(r) == ["glorot_uniform", "variance_scaling:scale=2,mode=fan_avg,distribution=uniform", "mine"]
    assert 0.05 < r["glorot_uniform"][-1] < 1.0
    r = propagate(width=64, depth=20, batch=32, activation="selu", schemes="lecun_normal")
    assert 0.5 < r["lecun_normal"][-1] < 1.5  # SELU + LeCun: self-normalizing
    for act in ("leaky_relu", "sigmoid", "linear", "elu", "gelu", "silu"):
        assert np.all(np.isfinite(propagate(width=16, depth=3, batch=4, activation=act,
                                            schemes=["he_uniform"])["he_uniform"]))


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"did you mean 'relu'"):
        propagate(activation="rleu")
    with pytest.raises(ValueError, match=r"did you mean 'he_normal'"):
        propagate(schemes=["he_norml"])
    with pytest.raises(ValueError, match="width"):
        propagate(width=0)


def test_cli_table(capsys):
    assert main(["--width", "64", "--depth", "12", "--batch", "16", "--every", "4"]) == 0
    out = capsys.readouterr().out
    assert "he_normal" in out and "N(0,0.01)" in out and "explodes" in out and "vanishes" in out
    assert len([ln for ln in out.splitlines() if ln[:5].strip().isdigit()]) == 4  # layers 1, 4, 8, 12


def test_cli_json_and_plot(capsys, tmp_path):
    png = tmp_path / "p.png"
    assert main(["--width", "32", "--depth", "6", "--batch", "8", "--json", "--plot", str(png),
                 "--schemes", "he_uniform", "N(0,1)", "--activation", "tanh", "--seed", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["depth"] == 6 and data["activation"] == "tanh" and data["seed"] == 3
    assert list(data["std"]) == ["he_uniform", "N(0,1)"] and len(data["std"]["N(0,1)"]) == 6
    ref = propagate(width=32, depth=6, batch=8, activation="tanh", schemes=["he_uniform"], seed=3)
    assert data["std"]["he_uniform"] == ref["he_uniform"].tolist()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_errors(capsys):
    assert main(["--activation", "nope", "--depth", "2", "--width", "4"]) == 2
    assert "unknown activation 'nope'" in capsys.readouterr().err
    assert main(["--schemes", "bogus", "--depth", "2", "--width", "4"]) == 2
    assert "unknown scheme 'bogus'" in capsys.readouterr().err
    assert main(["--width", "x"]) == 2
    assert main(["--help"]) == 0
    assert "winit propagate" in capsys.readouterr().out


def test_exposed_from_package():
    import winit.propagate as mod
    assert mod.main is main and callable(winit.init)
