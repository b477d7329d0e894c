"""The import graph of winit/ is a line with no cycle: _core <- _request <- _generator <-
_sampling <- _schemes <- front-ends (module-level imports, read from the source with ast)."""
import ast
import os

import pytest

PKG = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "winit")


def graph():
    """module -> the winit modules it imports at module level."""
    out = {}
    for f in os.listdir(PKG):
        if not f.endswith(".py"):
            continue
        mod = f[:-3]
        tree = ast.parse(open(os.path.join(PKG, f), encoding="utf-8").read())
        deps = set()
        for node in tree.body:  # module level only: a function-level import is not a cycle at import
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    deps.add(node.module.split(".")[0])
                else:
                    deps.update(a.name for a in node.names)
        out[mod] = deps - {mod}
    return out


def test_no_import_cycle():
    g = graph()
    state = {}

    def visit(m, path):
        if state.get(m) == "done":
            return
        if state.get(m) == "active":
            pytest.fail("import cycle: " + " -> ".join(path + [m]))
        state[m] = "active"
        for d in g.get(m, ()):
            visit(d, path + [m])
        state[m] = "done"

    for m in g:
        visit(m, [])


def test_the_core_line():
    g = graph()
    assert g["_request"] & {"_generator", "_sampling", "_schemes"} == set()
    assert "_request" in g["_generator"] and "_sampling" not in g["_generator"]
    assert {"_request", "_generator"} <= g["_sampling"]
    assert "_sampling" in g["_schemes"]
    for front in ("torch", "keras", "jax", "dask"):
        assert front not in set().union(*(g[m] for m in ("_request", "_generator", "_sampling", "_schemes")))
