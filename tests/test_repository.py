"""The repository stands alone: the stream contract is in it (SPEC.md) and nothing points
outside it (a sibling folder, a missing docs page, a development machine's paths, the
tracker's issue numbers in what users see)."""
import os
import re

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir)
TEXT = (".py", ".pyx", ".pxd", ".c", ".h", ".md", ".json", ".toml", ".cfg", ".in", ".sh", ".txt")
OUTSIDE = re.compile(r"\.\./shared|docs/benchmarks\.md|/work/(main|venv)")
ISSUE = re.compile(r"\bissue \d+\b", re.IGNORECASE)


def files(*tops):
    for top in tops:
        path = os.path.join(ROOT, top)
        if os.path.isfile(path):
            yield path
            continue
        for d, _, names in os.walk(path):
            for n in names:
                if n.endswith(TEXT) and n != "_core.c" and n != os.path.basename(__file__):
                    yield os.path.join(d, n)


def test_the_stream_contract_is_in_the_repository():
    spec = open(os.path.join(ROOT, "SPEC.md"), encoding="utf-8").read()
    assert "## Part 1. The stream" in spec and "### 1.3b Complex values" in spec
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    assert "SPEC.md" in readme


def test_nothing_points_outside_the_repository():
    bad = []
    for f in files("winit", "src", "tests", "benchmarks", "tools", "README.md", "SPEC.md", ".ci"):
        text = open(f, encoding="utf-8", errors="replace").read()
        bad += [(os.path.relpath(f, ROOT), m.group(0)) for m in OUTSIDE.finditer(text)]
    assert bad == []


def test_no_tracker_numbers_where_users_read():
    bad = []
    for f in files("winit", "README.md", "SPEC.md", "benchmarks"):
        text = open(f, encoding="utf-8", errors="replace").read()
        bad += [(os.path.relpath(f, ROOT), m.group(0)) for m in ISSUE.finditer(text)]
    assert bad == []
