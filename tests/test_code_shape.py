"""The shape of the code: no function in the apps runs over 60 lines.

A long function is usually several steps that want names of their own. Lines
that belong to a data literal spanning several lines (a dict, list, tuple or
set written out over several lines: a table of demo data, a context for a
template) do not count: they are data, not steps. Migrations and tests are not
measured.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = (
    "governance",
    "projects",
    "raci",
    "scorecards",
    "alignment",
    "inventory",
    "intake",
    "roadmap",
    "committee",
    "overview",
    "calendars",
    "integrations",
    "api",
    "common",
    "bench",
)
SKIPPED_FOLDERS = {"migrations", "tests", "__pycache__"}
MAX_LINES = 60
LITERALS = (ast.Dict, ast.List, ast.Tuple, ast.Set)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def app_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if not SKIPPED_FOLDERS.intersection(path.relative_to(ROOT).parts)
    )


def literal_lines(node: ast.AST) -> set[int]:
    """Line numbers inside ``node`` taken by data literals that span several lines."""
    lines = set()
    for child in ast.walk(node):
        if isinstance(child, LITERALS) and child.end_lineno > child.lineno:
            lines.update(range(child.lineno, child.end_lineno + 1))
    return lines


def counted_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from ``def`` to the function's last line, less the data literals' lines."""
    span = set(range(function.lineno, function.end_lineno + 1))
    return len(span - literal_lines(function))


def functions(tree: ast.AST, prefix: str = ""):
    """Every function and method in ``tree`` as (qualified name, node), nested ones too."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, FUNCTIONS):
            yield f"{prefix}{node.name}", node
            yield from functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from functions(node, f"{prefix}{node.name}.")
        else:
            yield from functions(node, prefix)


def long_functions() -> list[str]:
    found = []
    for path in app_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, node in functions(tree):
            count = counted_lines(node)
            if count > MAX_LINES:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}: {count} lines")
    return found


def test_the_apps_are_measured():
    modules = {path.relative_to(ROOT).parts[0] for path in app_modules()}
    assert modules == set(APPS)
    assert not any("migrations" in path.parts or "tests" in path.parts for path in app_modules())


def test_no_function_runs_over_60_lines():
    offenders = long_functions()
    assert not offenders, f"Functions over {MAX_LINES} lines (data literals not counted); split them:\n" + "\n".join(
        offenders
    )


def _measure(source: str) -> dict[str, int]:
    return {name: counted_lines(node) for name, node in functions(ast.parse(source))}


def test_data_literals_do_not_count_but_statements_do():
    source = (
        "def f():\n    table = {\n"
        + "".join(f"        'k{i}': {i},\n" for i in range(80))
        + "    }\n    return table\n"
    )
    assert _measure(source) == {"f": 2}  # the def line and the return
    statements = "def g():\n" + "".join(f"    x{i} = {i}\n" for i in range(61))
    assert _measure(statements) == {"g": 62}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("class A:\n    def m(self):\n        def inner():\n            pass\n", {"A.m": 3, "A.m.inner": 2}),
        ("async def a():\n    await b(\n        1,\n        2,\n    )\n", {"a": 5}),  # a call is not data
    ],
)
def test_methods_and_nested_functions_are_measured_by_name(source, expected):
    assert _measure(source) == expected
