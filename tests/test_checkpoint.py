"""Seed checkpoints: winit.torch.save_safetensors and the `winit init` command.

Every file is read back with the safetensors package and compared with
``materialize(module, seed).state_dict()`` bit for bit; folders are loaded with
transformers' ``from_pretrained``; failures must leave no file under a final
name; peak memory is measured in a subprocess.
"""
import json
import os
import subprocess
import sys
import textwrap

import pytest
import torch
import torch.nn as nn

import winit.torch as wt
from winit import _safetensors
from winit.cli import main as cli

import safetensors.torch as safetensors_torch  # noqa: E402  (the test extra installs it)
import transformers  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")
HERE = os.path.dirname(os.path.abspath(__file__))


def llama_cfg(**kw):
    base = dict(num_hidden_layers=2, hidden_size=64, intermediate_size=160, num_attention_heads=4,
                vocab_size=1000, tie_word_embeddings=True)
    base.update(kw)
    return transformers.LlamaConfig(**base)


def load_folder(folder):
    index = os.path.join(folder, "model.safetensors.index.json")
    if not os.path.exists(index):
        return safetensors_torch.load_file(os.path.join(folder, "model.safetensors"))
    out = {}
    for f in sorted(set(json.load(open(index))["weight_map"].values())):
        out.update(safetensors_torch.load_file(os.path.join(folder, f)))
    return out


def assert_state_equal(got, want, dtype=None):
    for k, v in got.items():
        w = want[k].to(dtype) if dtype is not None and want[k].is_floating_point() else want[k]
        assert v.dtype == w.dtype and torch.equal(v, w), k


def test_single_file_equals_materialize(tmp_path):
    m = wt.deferred_init(transformers.LlamaForCausalLM, llama_cfg())
    path = wt.save_safetensors(m, tmp_path / "seed.safetensors", seed=3)
    assert wt.is_deferred(m)  # saving does not materialize the module
    got = safetensors_torch.load_file(path)
    want = wt.materialize(wt.deferred_init(transformers.LlamaForCausalLM, llama_cfg()), seed=3).state_dict()
    assert set(want) - set(got) == {"lm_head.weight"}  # tied: stored once, as transformers stores it
    assert_state_equal(got, want)
    assert os.listdir(tmp_path) == ["seed.safetensors"]


def test_real_module_and_custom_layout(tmp_path):
    m = nn.Sequential(nn.Linear(5, 7), nn.BatchNorm1d(7))
    wt.init_module(m, seed=1)
    path = wt.save_safetensors(m, str(tmp_path / "real.safetensors"), seed=0)
    assert_state_equal(safetensors_torch.load_file(path), m.state_dict())


def test_shards_index_and_from_pretrained(tmp_path):
    cfg = llama_cfg()
    m = wt.deferred_init(transformers.LlamaForCausalLM, cfg)
    wt.save_safetensors(m, tmp_path, seed=7, max_shard_size="100KB")
    files = sorted(os.listdir(tmp_path))
    shards = [f for f in files if f.startswith("model-")]
    assert len(shards) >= 3 and "config.json" in files and "model.safetensors.index.json" in files
    index = json.load(open(tmp_path / "model.safetensors.index.json"))
    for f in shards:
        assert os.path.getsize(tmp_path / f) <= 100_000 + 4096 or len(
            [k for k, v in index["weight_map"].items() if v == f]) == 1
    want = wt.materialize(wt.deferred_init(transformers.LlamaForCausalLM, cfg), seed=7).state_dict()
    assert index["metadata"]["total_size"] == sum(
        v.numel() * v.element_size() for k, v in want.items() if k != "lm_head.weight")
    assert_state_equal(load_folder(tmp_path), want)
    loaded = transformers.LlamaForCausalLM.from_pretrained(tmp_path)
    assert loaded.lm_head.weight is loaded.model.embed_tokens.weight
    assert_state_equal(loaded.state_dict(), want)
    # saving again unsharded replaces the shards
    wt.save_safetensors(m, tmp_path, seed=7, dtype="bfloat16")
    assert sorted(os.listdir(tmp_path)) == ["config.json", "model.safetensors"]
    loaded = transformers.LlamaForCausalLM.from_pretrained(tmp_path)
    assert loaded.dtype == torch.bfloat16
    assert_state_equal(load_folder(tmp_path), want, dtype=torch.bfloat16)


def test_failure_leaves_no_file(tmp_path, monkeypatch):
    m = wt.deferred_init(transformers.LlamaForCausalLM, llama_cfg())
    real_bytes = _safetensors.tensor_bytes
    calls = []

    def fail_late(t):
        calls.append(1)
        if len(calls) == 6:
            raise OSError(28, "No space left on device")
        return real_bytes(t)

    monkeypatch.setattr(_safetensors, "tensor_bytes", fail_late)
    with pytest.raises(OSError, match="No space left"):
        wt.save_safetensors(m, tmp_path, seed=0, max_shard_size="50KB")
    assert os.listdir(tmp_path) == []


def test_bad_input(tmp_path):
    m = wt.deferred_init(nn.Linear, 3, 3)
    with pytest.raises(ValueError, match="max_shard_size"):
        wt.save_safetensors(m, tmp_path, seed=0, max_shard_size="5 parsecs")
    with pytest.raises(ValueError, match="max_shard_size"):
        wt.save_safetensors(m, tmp_path / "x.safetensors", seed=0, max_shard_size="1GB")
    with pytest.raises(ValueError, match="dtype must be None or one of"):
        wt.save_safetensors(m, tmp_path, seed=0, dtype="int3")
    with pytest.raises(ValueError, match="seed"):
        wt.save_safetensors(m, tmp_path, seed=2 ** 64)
    with pytest.raises(TypeError, match="path"):
        wt.save_safetensors(m, 3.5, seed=0)
    assert os.listdir(tmp_path) == []
    assert _safetensors.parse_size("5GB") == 5 * 10 ** 9 and _safetensors.parse_size("2GiB") == 2 ** 31


PEAK_SCRIPT = textwrap.dedent("""
    import resource, sys, os, json
    sys.path.insert(0, {here!r})
    import torchvision_shim  # noqa: F401
    import torch, transformers, winit.torch as wt
    cfg = transformers.LlamaConfig(num_hidden_layers=8, hidden_size=512, intermediate_size=1408,
                                   num_attention_heads=8, vocab_size=8000)
    m = wt.deferred_init(transformers.LlamaForCausalLM, cfg)
    sizes = [p.numel() * 4 for p in m.parameters()]
    import gc; gc.collect()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    wt.save_safetensors(m, sys.argv[1], seed=0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(dict(base=base, peak=peak, total=sum(sizes), largest=max(sizes))))
""")


def test_peak_memory_is_about_one_tensor(tmp_path):
    script = tmp_path / "peak.py"
    script.write_text(PEAK_SCRIPT.format(here=HERE))
    out = subprocess.run([sys.executable, str(script), str(tmp_path / "ckpt")], capture_output=True,
                         text=True, timeout=300, check=True, cwd=tmp_path)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    grown = r["peak"] - r["base"]
    # 138 MB of parameters, the largest 16 MB: the checkpoint never holds the model
    assert r["total"] > 100e6
    assert grown < 3 * r["largest"] + 16e6, r
    assert os.path.getsize(tmp_path / "ckpt" / "model.safetensors") > r["total"]


# ------------------------------------------------------------------ winit init
@pytest.fixture
def gpt2_config(tmp_path):
    cfg = transformers.GPT2Config(n_layer=2, n_embd=64, n_head=4, vocab_size=1000, n_positions=64,
                                  bos_token_id=0, eos_token_id=0, architectures=["GPT2LMHeadModel"])
    folder = tmp_path / "cfg"
    cfg.save_pretrained(folder)
    return folder


def test_cli_writes_a_loadable_checkpoint(tmp_path, gpt2_config, capsys):
    out = tmp_path / "out"
    assert cli(["init", "--hf-config", str(gpt2_config), "--out", str(out), "--seed", "11",
                "--dtype", "bfloat16", "--max-shard-size", "200KB", "--no-progress"]) == 0
    assert "wrote" in capsys.readouterr().out
    loaded = transformers.GPT2LMHeadModel.from_pretrained(out)
    cfg = transformers.AutoConfig.from_pretrained(gpt2_config)
    want = wt.materialize(wt.deferred_init(transformers.GPT2LMHeadModel, cfg), seed=11).state_dict()
    assert_state_equal(loaded.state_dict(), want, dtype=torch.bfloat16)
    # a config.json file works as well as its folder; no architectures: a causal LM
    data = json.load(open(gpt2_config / "config.json"))
    del data["architectures"]
    (tmp_path / "plain.json").write_text(json.dumps(data))
    assert cli(["init", "--hf-config", str(tmp_path / "plain.json"), "--out", str(tmp_path / "o2"),
                "--seed", "11", "--no-progress"]) == 0
    got = load_folder(tmp_path / "o2")
    assert_state_equal(got, want)


@pytest.mark.parametrize("case, message", [
    ("missing", "--hf-config: no such file"),
    ("not_json", "is not valid JSON"),
    ("no_model_type", "has no \"model_type\""),
    ("unknown_model_type", "unknown model_type 'nonesuch'"),
    ("unknown_arch", "unknown architecture 'NoSuchModel'"),
    ("out_is_file", "--out: .* exists and is not a folder"),
    ("unwritable", "Not a directory"),
    ("bad_shard", "--max-shard-size"),
    ("bad_seed", "--seed"),
])
def test_cli_bad_input_one_line(tmp_path, gpt2_config, capsys, case, message):
    cfg, out = str(gpt2_config), str(tmp_path / "out")
    extra = []
    if case == "missing":
        cfg = str(tmp_path / "nope.json")
    elif case == "not_json":
        (tmp_path / "bad.json").write_text("{model_type: gpt2")
        cfg = str(tmp_path / "bad.json")
    elif case == "no_model_type":
        (tmp_path / "c.json").write_text("{}")
        cfg = str(tmp_path / "c.json")
    elif case == "unknown_model_type":
        (tmp_path / "c.json").write_text('{"model_type": "nonesuch"}')
        cfg = str(tmp_path / "c.json")
    elif case == "unknown_arch":
        extra = ["--architecture", "NoSuchModel"]
    elif case == "out_is_file":
        (tmp_path / "f").write_text("x")
        out = str(tmp_path / "f")
    elif case == "unwritable":
        (tmp_path / "f").write_text("x")
        out = str(tmp_path / "f" / "sub")
    elif case == "bad_shard":
        extra = ["--max-shard-size", "lots"]
    elif case == "bad_seed":
        extra = []
    seed = "-4" if case == "bad_seed" else "1"
    rc = cli(["init", "--hf-config", cfg, "--out", out, "--seed", seed, "--no-progress"] + extra)
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    assert len(err) == 1 and err[0].startswith("winit init: error: "), err
    import re
    assert re.search(message, err[0]), err[0]
    assert not os.path.exists(tmp_path / "out")


def test_cli_disk_full_leaves_nothing(tmp_path, gpt2_config, capsys, monkeypatch):
    def full(t):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_safetensors, "tensor_bytes", full)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    rc = cli(["init", "--hf-config", str(gpt2_config), "--out", str(out), "--seed", "1", "--no-progress"])
    assert rc == 2
    assert "No space left on device" in capsys.readouterr().err
    assert os.listdir(out) == ["keep.txt"]


def test_cli_subprocess_progress(tmp_path, gpt2_config):
    code = (f"import sys; sys.path.insert(0, {HERE!r}); import torchvision_shim; "
            "from winit.cli import main; sys.exit(main())")
    r = subprocess.run([sys.executable, "-c", code, "init", "--hf-config", str(gpt2_config),
                        "--out", str(tmp_path / "o"), "--seed", "2"], capture_output=True, text=True,
                       timeout=300, cwd=tmp_path)  # not the checkout: its winit/ has no compiled core
    assert r.returncode == 0, r.stderr
    assert "save_safetensors" in r.stderr and "100%" in r.stderr  # the progress bar
    assert sorted(os.listdir(tmp_path / "o")) == ["config.json", "model.safetensors"]
