"""Sharded initialization: each shard computed on its own rank equals the slice of the
single-process result (torch.distributed with gloo, FSDP2 and tensor parallel).

Each world size runs tests/sharded_worker.py in a subprocess that starts the ranks; every
collective has a 60 s timeout and the whole run 240 s, so a hang fails instead of waiting.
"""
import json
import os
import signal
import subprocess
import sys

import pytest

import transformers  # noqa: E402,F401  (the test extra installs it; the workers use it)
HERE = os.path.dirname(os.path.abspath(__file__))
REPORTS = {}


def run_world(world, tmp_path_factory):
    if world not in REPORTS:
        out = tmp_path_factory.mktemp("sharded") / "report.json"
        proc = subprocess.Popen([sys.executable, os.path.join(HERE, "sharded_worker.py"), str(world), str(out)],
                                cwd=str(out.parent), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, start_new_session=True)
        try:
            log, _ = proc.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            log, _ = proc.communicate()
            pytest.fail(f"world size {world}: timed out\n{log[-3000:]}")
        assert proc.returncode == 0, log[-3000:]
        REPORTS[world] = json.loads(out.read_text())
    return REPORTS[world]


@pytest.mark.parametrize("world", [1, 2, 4])
def test_full_tensor_equals_single_process(world, tmp_path_factory):
    report = run_world(world, tmp_path_factory)
    assert len(report["cases"]) == (5 if world == 4 else 4)
    for case in report["cases"]:
        what = f"{case['model']} {case['placement']} world {world}"
        assert case["keys_equal"], what
        assert case["differ"] == [], what
        assert case["placed_right"] and case["dtensors"] > 0, what
        # the local shards hold about 1/world of the bytes (replicated norms and biases aside)
        if case["placement"] == "fsdp2":
            assert case["local_bytes"] <= case["total_bytes"] / world * 1.1 + 4096, what


@pytest.mark.parametrize("world", [2, 4])
def test_shards_computed_alone(world, tmp_path_factory):
    report = run_world(world, tmp_path_factory)
    by = {(c["model"], c["placement"]): c for c in report["cases"]}
    for key in [("llama", "fsdp2"), ("llama", "tp")] + ([("llama", "2d")] if world == 4 else []):
        assert by[key]["whole"] == 0 and by[key]["alone"] > 0, key
    # the orthogonal init needs the whole matrix: computed whole, its shard kept (and still equal)
    assert by[("patchy", "fsdp2")]["whole"] == 1


@pytest.mark.parametrize("world", [2, 4])
def test_winit_functions_on_dtensors(world, tmp_path_factory):
    report = run_world(world, tmp_path_factory)
    assert report["functions"] and all(report["functions"].values()), report["functions"]


def test_readme_fsdp2_example_runs_under_torchrun(tmp_path):
    """The README's FSDP2 example, as written, with torchrun and 2 processes."""
    import re

    readme = open(os.path.join(HERE, os.pardir, "README.md"), encoding="utf-8").read()
    code = re.search(r"```python fsdp_init.py\n(.*?)```", readme, re.S).group(1)
    script = tmp_path / "fsdp_init.py"
    # the tests' environment needs torchvision_shim before transformers (see that module)
    script.write_text(f"import sys; sys.path.insert(0, {HERE!r}); import torchvision_shim\n" + code)
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2"]
    proc = subprocess.Popen(torchrun + [str(script)], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        log, _ = proc.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        log, _ = proc.communicate()
        pytest.fail("torchrun timed out\n" + log[-3000:])
    assert proc.returncode == 0, log[-3000:]
