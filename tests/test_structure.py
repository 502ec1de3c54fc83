"""The layering the code promises: no import circles, bot/ free of UI code, one list of file formats."""

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = ("govqa", "parsers", "index", "bot", "eval", "web")


def _modules() -> dict[str, Path]:
    found = {"app": REPO / "app.py"}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):  # subpackages too (bot/wording/)
            parts = path.relative_to(REPO).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Project modules each module imports, at top level or inside functions."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                graph[name] |= {a.name for a in node.names if a.name in modules}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = {node.module} | {f"{node.module}.{a.name}" for a in node.names}
                graph[name] |= targets & modules.keys()
    return graph


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for target in graph[node]:
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


def test_no_project_module_imports_itself_through_others():
    graph = _imports(_modules())
    cycles = [c for name in graph if (c := _cycle_from(name, graph))]
    assert cycles == []


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("parsers", {"index", "bot", "web", "app", "eval"}),
        ("index", {"bot", "web", "app", "eval"}),
        ("bot", {"web", "app", "eval", "index.ingest", "gradio"}),
        ("web", {"app", "eval"}),
    ],
)
def test_each_layer_imports_only_the_layers_below_it(package, forbidden):
    modules = _modules()
    offenders = {}
    for name, path in modules.items():
        if name.split(".")[0] != package:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            )
            bad = [n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden)]
            if bad:
                offenders.setdefault(name, []).extend(bad)
    assert offenders == {}


def test_app_imports_only_bot_index_web_parsers_and_settings():
    graph = _imports(_modules())
    assert {m.split(".")[0] for m in graph["app"]} <= {"bot", "index", "web", "parsers", "govqa"}
    assert not {m for m in graph["app"] if m.startswith("govqa.") and m not in ("govqa.settings", "govqa.errors")}


def test_file_suffixes_are_listed_only_in_the_format_registry():
    """Ingest, upload and the app ask parsers/formats.py; a suffix tuple elsewhere would drift from it."""
    suffix_lists = []
    for name, path in _modules().items():
        if name == "parsers.formats":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Tuple | ast.Set | ast.List):
                values = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
                if {".txt", ".pdf"} <= set(values) or {".docx", ".html"} <= set(values):
                    suffix_lists.append((name, node.lineno))
    assert suffix_lists == []
