"""No function over 60 lines, anywhere in the repository (migrations aside).

A function is counted from its ``def`` line to its last line, docstring and comments included.
Its companion, no function more complex than 15, is ruff's C901 rule (pyproject.toml,
``[tool.ruff.lint.mccabe]``). A long function is split into well-named smaller ones; see
CONTRIBUTING.md.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 60
SKIPPED_FOLDERS = frozenset({"migrations", "node_modules", "build", "dist", "var"})


def python_files() -> Iterator[Path]:
    """Every .py file of the repository, skipping hidden folders (.venv, .git), build metadata
    and migrations without walking into them."""
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".")
            and not name.endswith(".egg-info")
            and name not in SKIPPED_FOLDERS
        )
        yield from (Path(folder) / name for name in sorted(names) if name.endswith(".py"))


def functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, int, int]]:
    """(qualified name, first line, number of lines) of every function, nested ones included."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{node.name}"
            yield name, node.lineno, (node.end_lineno or node.lineno) - node.lineno + 1
            yield from functions(node, f"{name}.")
        elif isinstance(node, ast.ClassDef):
            yield from functions(node, f"{prefix}{node.name}.")
        else:
            yield from functions(node, prefix)


def long_functions() -> dict[str, str]:
    """'path::name' of every function over MAX_LINES, with where it is and how long."""
    found = {}
    for path in python_files():
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
        for name, line, length in functions(tree):
            if length > MAX_LINES:
                found[f"{relative}::{name}"] = f"{relative}:{line} {name}: {length} lines"
    return found


def test_the_scan_sees_the_whole_repository():
    files = {path.relative_to(ROOT).as_posix() for path in python_files()}
    assert "alliance/settings.py" in files
    assert "bench/conversation_eval.py" in files
    assert "simulation/generator.py" in files
    assert not any("/migrations/" in name for name in files)
    assert not any(name.startswith(".venv/") for name in files)


def test_the_scan_measures_from_def_to_last_line():
    source = "class A:\n    def f(self):\n" + "        x = 1\n" * 70 + "\ndef g():\n    pass\n"
    assert list(functions(ast.parse(source))) == [("A.f", 2, 71), ("g", 74, 2)]


def test_no_function_is_over_60_lines():
    too_long = [where for _key, where in sorted(long_functions().items())]
    assert not too_long, (
        f"functions over {MAX_LINES} lines (split them into well-named smaller ones):\n"
        + "\n".join(too_long)
    )
