"""The seams between stages (issue 19): no import cycles among the package's modules, counting the imports made
inside functions; the training code is never imported at run time."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import faultlines

ROOT = Path(faultlines.__file__).parent


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Each module's imports of other modules of the package, wherever in the file they are made."""
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                subs = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules]
                found = subs + ([node.module] if len(subs) < len(node.names) else [])
            else:
                continue
            graph[name].update(m for m in found if m in modules and m != name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def test_no_import_cycles() -> None:
    assert _cycles(_imports(_modules())) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_training_code_stays_out_of_the_run_time_path() -> None:
    graph = _imports(_modules())
    users = sorted(m for m, deps in graph.items() if any(d.startswith("faultlines.training") for d in deps)
                   and not m.startswith("faultlines.training"))
    assert users == []


def test_sql_runs_only_in_the_store() -> None:
    """Nothing outside ``faultlines.store`` executes a statement or holds a cursor."""
    calls = []
    for name, path in _modules().items():
        if name == "faultlines.store" or name.startswith("faultlines.store."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                    "execute", "executemany", "executescript", "cursor"):
                calls.append(f"{name}:{node.lineno}")
    assert calls == []


def test_the_store_reads_and_writes_no_other_stage() -> None:
    """The store takes and gives the shapes of ``model``: it calls no analysis, extraction or resolution."""
    graph = _imports(_modules())
    stages = ("faultlines.analyze", "faultlines.extract", "faultlines.resolve", "faultlines.serve",
              "faultlines.pipeline", "faultlines.worker", "faultlines.distributed")
    reach = sorted(f"{m} -> {d}" for m, deps in graph.items() if m.startswith("faultlines.store")
                   for d in deps if d.startswith(stages))
    assert reach == []


def _places(test: Callable[[ast.AST], bool]) -> list[str]:
    out = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if test(node):
                out.append(f"{name}:{node.lineno}")
    return out


def test_one_csv_writer_and_one_geojson_builder() -> None:
    """The CLI's exports and the web's downloads write CSV and build GeoJSON in one place each."""
    writers = _places(lambda n: isinstance(n, ast.Attribute) and n.attr in ("writer", "DictWriter")
                      and isinstance(n.value, ast.Name) and n.value.id == "csv")
    collections = _places(lambda n: isinstance(n, ast.Constant) and n.value == "FeatureCollection")
    assert [w.split(":")[0] for w in writers] == ["faultlines.export.formats"]
    # the builder, and the OpenAPI schema that describes what it returns
    assert sorted({c.split(":")[0] for c in collections}) == ["faultlines.export.formats", "faultlines.serve.openapi"]
    assert len([c for c in collections if c.startswith("faultlines.export.formats")]) == 1

