"""`winit bench` runs and reports well-formed results.  No timing thresholds: speed is
measured by the command itself, on a quiet machine, not asserted here."""
import json
import math
import os
import sys

import pytest

import winit.bench as bench


def _positive(x):
    return isinstance(x, (int, float)) and math.isfinite(x) and x > 0


def _run_json(capsys, argv):
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    return json.loads(out)


def test_quick_json_default_cases(capsys):
    res = _run_json(capsys, ["--quick", "--json"])
    all_n = res["machine"]["threads_all"]
    assert all_n >= 1 and res["config"]["quick"] is True

    want = {(d, t, all_n if th == "all" else 1) for d, t, th in bench.GOAL_CASES}
    got = {(c["dist"], c["dtype"], c["threads"]) for c in res["cases"]}
    assert got == want
    for c in res["cases"]:
        assert c["size"] == bench.MI
        for key in ("winit_seconds", "winit_msamples_s", "winit_gb_s"):
            assert _positive(c[key]), (key, c)
        if c["dtype"] in ("float32", "float64"):
            assert _positive(c["numpy_msamples_s"]) and _positive(c["ratio_numpy"])
        else:
            assert c["numpy_msamples_s"] is None and c["ratio_numpy"] is None
        assert _positive(c["torch_msamples_s"]) and _positive(c["ratio_torch"])
        # the ratio is the throughput ratio
        if c["ratio_numpy"] is not None:
            assert c["ratio_numpy"] == pytest.approx(c["winit_msamples_s"] / c["numpy_msamples_s"])

    assert _positive(res["fill"]["gb_s"]) and _positive(res["fill"]["msamples_s"])

    # the goals of the target in use (the AVX-512 and SSE2 targets have their own)
    assert res["isas"] == [res["machine"]["isa"]]
    goal_ids = [g["id"] for g in res["goals"]]
    expected = [g[0] for g in bench.GOALS_BY_ISA.get(res["isas"][0], bench.GOALS)]
    assert goal_ids == expected
    streams = res["fill"]["stream_gb_s"]
    assert set(streams) == {"1", str(res["machine"]["threads_all"])} and all(map(_positive, streams.values()))
    for c in res["cases"]:
        assert c["stream_share"] == pytest.approx(c["winit_gb_s"] / streams[str(c["threads"])])
    for g in res["goals"]:
        assert _positive(g["winit"]) and _positive(g["peer_value"]) and _positive(g["ratio"]), g
        assert _positive(g["goal"]) and g["met"] == (g["ratio"] >= g["goal"])

    calls = {c["id"]: c for c in res["calls"]}
    assert set(calls) == {"he_normal", "small_normal", "llama_build"}
    for c in (calls["he_normal"], calls["small_normal"]):
        assert _positive(c["numpy"]["seconds"])
        assert c["winit"] is None or _positive(c["winit"]["seconds"])
        assert _positive(c["torch"]["seconds"])
    assert calls["small_normal"]["shape"] == [bench.SMALL_N]
    assert _positive(res["elapsed_s"])
    assert res["machine"]["numpy"] and res["machine"]["winit"]


def test_selection_and_plain_table(capsys):
    argv = ["--quick", "--plain", "--no-torch", "--sizes", "4K,8K", "--threads", "1",
            "--dists", "uniform,truncated", "--dtypes", "float32", "--isas", "scalar"]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    assert "Fills" in out and "Goals" in out and "Calls" in out
    assert "uniform float32 4K 1 thread" in out and "truncated float32 8K 1 thread" in out
    assert "torch" not in out.split("Fills", 1)[1].split("\n")[1]  # no torch columns

    res = _run_json(capsys, argv[:1] + ["--json"] + argv[2:])
    assert len(res["cases"]) == 4 and res["config"]["torch"] is False
    assert all(c["torch_msamples_s"] is None for c in res["cases"])
    # goals computable from these cases, at the largest size measured
    assert [g["id"] for g in res["goals"]] == ["uniform_f32_1t_numpy", "truncated_f32_1t_numpy"]
    assert all(g["size"] == 8192 for g in res["goals"])


def test_isas_side_by_side(capsys):
    """--isas all measures every real target this CPU runs, in the dispatch table's order, each
    with its own goal rows; a target the CPU cannot run, or no target at all, is refused."""
    from winit import _core

    runs = [t["name"] for t in _core.isas() if t["runs"] and not t["emulated"]]
    res = _run_json(capsys, ["--quick", "--json", "--no-torch", "--sizes", "4K", "--dists", "normal",
                             "--dtypes", "float32", "--threads", "1", "--isas", "all"])
    assert res["isas"] == runs
    assert [c["isa"] for c in res["cases"]] == runs
    assert _core._get_isa() == res["machine"]["isa"]  # restored after the run
    for isa in runs:
        ids = [g["id"] for g in res["goals"] if g["isa"] == isa]
        assert "normal_f32_1t_numpy" in ids
    assert bench.main(["--quick", "--isas", "avx1024"]) == 2


def test_isas_refuses_unrunnable(monkeypatch):
    """A compiled target this CPU cannot run is refused by name (a stand-in row in the table,
    since this machine may run every compiled target)."""
    from winit import _core

    table = _core.isas() + [{"name": "wide9000", "lanes": 64, "emulated": False, "runs": False}]
    monkeypatch.setattr(_core, "isas", lambda: table)
    with pytest.raises(ValueError, match="'wide9000' is not a target this CPU runs"):
        bench.resolve_isas(["wide9000"])
    assert bench.resolve_isas(["all"]) == [t["name"] for t in table if t["runs"] and not t["emulated"]]


def test_threads_all_dedup(capsys):
    res = _run_json(capsys, ["--quick", "--json", "--no-torch", "--sizes", "2K",
                             "--dists", "normal", "--dtypes", "float32", "--threads", "1,all,1"])
    n = res["machine"]["threads_all"]
    assert sorted(c["threads"] for c in res["cases"]) == sorted({1, n})


def test_bad_arguments():
    assert bench.main(["--dists", "gamma"]) == 2
    assert bench.main(["--sizes", "12X"]) == 2
    assert bench.main(["--threads", "0"]) == 2
    assert bench.main(["--repeat", "0"]) == 2
    assert bench.main(["--help"]) == 0


def test_parse_size():
    assert bench.parse_size("64M") == 64 << 20
    assert bench.parse_size("1k") == 1024
    assert bench.parse_size("1000") == 1000
    assert bench.size_label(64 << 20) == "64M" and bench.size_label(1000) == "1000"


def test_quick_run_times_the_model_build(capsys):
    import transformers  # noqa: F401  (the test extra installs it)

    res = _run_json(capsys, ["--quick", "--json", "--dists", "uniform", "--dtypes", "float32",
                             "--threads", "1"])
    entry = next(c for c in res["calls"] if c["id"] == "llama_build")
    assert "LlamaForCausalLM" in entry["case"] and entry["shape"][0] > 1_000_000
    assert _positive(entry["winit"]["seconds"]) and _positive(entry["torch"]["seconds"])
    assert _positive(entry["ratio_torch"]) and entry["numpy"] is None
    assert "deferred_init + materialize" in res["model_note"]


def test_model_case_absent_without_torch():
    spec, note = bench.llama_build_spec(None, 2, True)
    assert spec is None and "torch" in note


# --------------------------------------------------------------- winit._peers and the asv suite
from winit import _peers  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir)


def test_peer_fills_write_in_place():
    assert not issubclass(_peers.Unavailable, NotImplementedError)  # the asv suite translates it
    buf = _peers.prefaulted(1000 * 8)
    for dtype in ("float32", "float64", "bfloat16"):
        a = _peers.view(buf, dtype, 1000)
        assert a.dtype == _peers.np_dtype(dtype) and a.size == 1000
        for peer in ("winit", "numpy", "torch"):
            for dist in bench.ALL_DISTS:
                try:
                    fn, what = _peers.peer_fill(peer, dist, a, threads=1)
                except _peers.Unavailable:
                    assert (peer, dtype) == ("numpy", "bfloat16")
                    continue
                a[...] = 7
                fn()
                assert what and not (a == 7).any(), (peer, dist, dtype)


def test_call_cases_without_torch():
    cases, note = _peers.call_cases(None, 2, quick=True)
    assert [c.id for c in cases] == ["he_normal", "small_normal"] and "torch" in note
    assert cases[0].shape == list(_peers.HE_SHAPE_QUICK) and cases[1].shape == [_peers.SMALL_N]
    for c in cases:
        assert set(c.fns) == {"winit", "numpy"}
        for fn in c.fns.values():
            fn()


def test_asv_suite_loads_this_trees_peers(monkeypatch):
    """benchmarks/benchmarks use winit/_peers.py of the checkout, loaded by path (the winit asv
    measures may be an older commit without it), and their setups run."""
    monkeypatch.syspath_prepend(os.path.join(ROOT, "benchmarks"))
    try:
        from benchmarks import _common, calls, fills

        assert os.path.samefile(_common.peers.__file__, os.path.join(ROOT, "winit", "_peers.py"))
        assert _common.peers.__name__ != "winit._peers"
        small = calls.SmallCall()
        small.setup("numpy", "uniform", "out")
        small.time_call("numpy", "uniform", "out")
        fill = fills.Fill()
        for skipped in (("numpy", "normal", "float32", "all", "1M"),
                        ("torch", "truncated", "float32", "1", "64M"),
                        ("numpy", "normal", "bfloat16", "1", "1M")):
            with pytest.raises(NotImplementedError):
                fill.setup(*skipped)
        fill.setup("winit", "uniform", "float32", "all", "1M")
        fill.time_fill("winit", "uniform", "float32", "all", "1M")
    finally:  # the suite's modules only (torch or ml_dtypes must not be imported twice)
        for name in [m for m in sys.modules if m.split(".")[0] in ("benchmarks", "winit_bench_peers")]:
            del sys.modules[name]
