"""The shape of the house: imports point one way, and one module reads the environment.

Both are read from the source with ast, imports inside functions included: a loop
broken by a deferred import is still a loop, and a module that reads os.environ in a
function still reads it.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("orchestration", "contracts")
ENVIRONMENT_READER = "orchestration/settings.py"
NOT_YET_MOVED: set[str] = set()


def module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files(root: Path, packages=PACKAGES) -> dict[str, Path]:
    return {
        module_name(root, path): path
        for package in packages
        for path in sorted((root / package).rglob("*.py"))
    }


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The dotted names an import statement may load, most specific first."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, *([base] if base else [])])
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def import_graph(root: Path, packages=PACKAGES) -> dict[str, set[str]]:
    """Each module of ``packages`` -> the modules of ``packages`` it imports anywhere.

    Importing ``a.b.c`` runs ``a`` and ``a.b`` first, so those count as imported too,
    except a module's own packages: Python has begun running them before the module, so
    a package whose ``__init__`` imports its own modules is no loop.
    """
    files = source_files(root, packages)
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for target in _imported(node, name, path.name == "__init__.py"):
                # `from a.b import c`: c is a module or a name in a.b; take the first that is
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if not target:
                    continue
                parts = target.split(".")
                for depth in range(1, len(parts) + 1):
                    loaded = ".".join(parts[:depth])
                    if loaded in files and not (name == loaded or name.startswith(loaded + ".")):
                        graph[name].add(loaded)
                break
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str] | None:
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        return error.args[1]
    return None


def test_the_modules_of_orchestration_and_contracts_import_without_a_cycle():
    assert cycle_in(import_graph(ROOT)) is None


def test_contracts_import_nothing_from_orchestration():
    """Dependencies point one way: orchestration calls the contracts, never the reverse."""
    graph = import_graph(ROOT)
    assert {
        (module, imported)
        for module, targets in graph.items()
        if module.startswith("contracts")
        for imported in targets
        if imported.startswith("orchestration")
    } == set()


def test_a_loop_closed_by_an_import_inside_a_function_is_found(tmp_path):
    """a imports b at the top; b imports a only inside a function (the loop that
    definitions -> sensors -> launch -> definitions was): still a cycle."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.b import helper\n")
    (package / "b.py").write_text("def helper():\n    from pkg import a\n    return a\n")
    (package / "c.py").write_text("from . import b\n")
    graph = import_graph(tmp_path, ("pkg",))
    assert graph == {"pkg": set(), "pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}, "pkg.c": {"pkg.b"}}
    assert sorted(set(cycle_in(graph))) == ["pkg.a", "pkg.b"]


def reads_environment(path: Path) -> list[int]:
    """Lines that read or write the process environment (os.environ, os.getenv, os.putenv,
    or those names imported from os)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = {"environ", "getenv", "putenv", "unsetenv", "environb", "getenvb"}
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in names
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        ) or (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and any(alias.name in names for alias in node.names)
        ):
            lines.append(node.lineno)
    return lines


def test_only_settings_reads_the_environment():
    readers = {
        path.relative_to(ROOT).as_posix(): lines
        for path in source_files(ROOT).values()
        if (lines := reads_environment(path))
    }
    assert ENVIRONMENT_READER in readers  # the check can see a reader
    assert set(readers) - {ENVIRONMENT_READER} - NOT_YET_MOVED == set(), readers


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ("import os\nx = os.environ['A']\n", [2]),
        ("import os\n\ndef f():\n    return os.getenv('A')\n", [4]),
        ("from os import environ\n", [1]),
        ("import os\nos.environ.setdefault('A', '1')\n", [2]),
        ("import os\nos.getpid()\n", []),
    ],
)
def test_reading_the_environment_is_seen_wherever_it_is(tmp_path, source, lines):
    path = tmp_path / "module.py"
    path.write_text(source)
    assert reads_environment(path) == lines
