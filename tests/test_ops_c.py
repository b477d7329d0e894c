"""The vector ops of every target this CPU runs are exact to their one-lane meaning
(src/simd/wv_scalar.h) on inputs the fills rarely reach: float32 fused multiply-adds whose
float64 sum lands on a float32 halfway point (SSE2 emulates fma and must catch these), results
below the float32 normal range, float64 fma, and max/min/select on NaN and signed zeros
(tests/c/check_ops.c).  Box-Muller float32, whose multiply-adds skip SSE2's halfway test, is
compared with its one-lane formula on every input (tests/c/check_boxmuller.c).  Both are built
here with the C compiler that built winit, once per target."""
import os
import platform
import subprocess
import sysconfig

import pytest

from winit import _core

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir)
# compiler flags of the wide x86 targets (their kernels get them from #pragma GCC target)
FLAGS = {"avx2": ["-mavx2", "-mfma", "-mf16c"],
         "avx512": ["-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx2", "-mfma", "-mf16c"]}
TARGETS = [t for t in _core.isas() if t["runs"]]


def _cc():
    return (sysconfig.get_config_var("CC") or "cc").split()


def _build_and_run(source, target, tmp_path):
    """Build tests/c/<source> against the target's op header; its stdout once it exits."""
    name = target["name"]
    header = "simd/wv_emu.h" if target["emulated"] else "simd/wv_%s.h" % name
    extra = ["-DWV_EMU_N=%d" % target["lanes"]] if target["emulated"] else FLAGS.get(name, [])
    exe = str(tmp_path / ("%s_%s" % (source[:-2], name)))
    cmd = _cc() + ["-O1", "-ffp-contract=off", "-fno-math-errno", "-I" + os.path.join(ROOT, "src"),
                   '-DWV_HEADER="%s"' % header] + extra + [os.path.join(ROOT, "tests", "c", source),
                                                            "-lm", "-o", exe]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    out = subprocess.run([exe], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and out.stdout.startswith("ok "), out.stdout + out.stderr
    return out.stdout


@pytest.mark.parametrize("target", TARGETS, ids=[t["name"] for t in TARGETS])
def test_ops_exact(target, tmp_path):
    out = _build_and_run("check_ops.c", target, tmp_path)
    assert int(out.split()[1]) > 1_000_000


@pytest.mark.parametrize("target", TARGETS, ids=[t["name"] for t in TARGETS])
def test_boxmuller_f32_every_input(target, tmp_path):
    """Box-Muller float32 equals the one-lane formula on all 2^24 values of each of its two
    words (tests/c/check_boxmuller.c): the proof that wv_fma_nomid_f32 may skip the exactness
    test on SSE2."""
    out = _build_and_run("check_boxmuller.c", target, tmp_path)
    assert int(out.split()[1]) == 4 * 2 ** 24


def test_every_compiled_header_is_checked():
    """Each target of the table has an op header here (so the loop above covers what runs)."""
    for t in _core.isas():
        header = "wv_emu.h" if t["emulated"] else "wv_%s.h" % t["name"]
        assert os.path.exists(os.path.join(ROOT, "src", "simd", header)), header
    assert platform.machine() not in ("x86_64", "AMD64") or {"sse2", "scalar"} <= {t["name"] for t in TARGETS}
