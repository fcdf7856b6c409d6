"""The package's architecture, checked on its source: the layer rule, small modules, public names only.

Layers, lowest first (CONTRIBUTING.md, "Layers"): support < engine < slides < lessons < selfcheck < widgets < claims.
A module may import its own layer and the layers below it, never one above. ``lstm_helpers/__init__.py`` and
``lstm_helpers/datasets.py`` stand on top (they gather the layers for notebooks and for ``python -m``).
"""
from __future__ import annotations

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "lstm_helpers"
LAYERS = ("support", "engine", "slides", "lessons", "selfcheck", "widgets", "claims")
TOP = ("lstm_helpers", "lstm_helpers.datasets")
MAX_LINES = 500


def module_name(path: pathlib.Path, root: pathlib.Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: pathlib.Path = PACKAGE) -> dict[str, pathlib.Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def imported_modules(name: str, path: pathlib.Path) -> list[tuple[int, str, list[str]]]:
    """(line, absolute module, imported names) for every import of the package inside module ``name``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [a.name for a in node.names]
            if target.startswith("lstm_helpers"):
                # `from . import x` imports the submodule x
                if node.module is None:
                    found += [(node.lineno, f"{target}.{n}", []) for n in names]
                else:
                    found.append((node.lineno, target, names))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name, []) for a in node.names if a.name.startswith("lstm_helpers")]
    return found


def layer_of(module: str) -> int | None:
    """Index in LAYERS, or None for the top (the package itself and datasets)."""
    if module in TOP:
        return None
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        raise AssertionError(f"{module} is in no layer: put it in one of {LAYERS} (or add it to TOP on purpose)")
    return LAYERS.index(parts[1])


def layer_violations(root: pathlib.Path = PACKAGE) -> list[str]:
    bad = []
    for name, path in modules(root).items():
        own = layer_of(name)
        if own is None:
            continue
        for line, target, _ in imported_modules(name, path):
            other = layer_of(target)
            if other is None or other > own:
                where = "the package top" if other is None else f"layer {LAYERS[other]!r}"
                bad.append(f"{path.relative_to(root.parent)}:{line} (layer {LAYERS[own]!r}) imports {target} "
                           f"from {where}")
    return bad


def private_imports(root: pathlib.Path = PACKAGE) -> list[str]:
    bad = []
    for name, path in modules(root).items():
        for line, target, names in imported_modules(name, path):
            hidden = [n for n in names if n.startswith("_") and not n.startswith("__")]
            hidden += [p for p in target.split(".") if p.startswith("_") and not p.startswith("__")]
            if hidden:
                bad.append(f"{path.relative_to(root.parent)}:{line} imports private {hidden} from {target}")
    return bad


def test_every_module_is_in_a_layer_and_imports_only_its_own_or_lower_layers():
    assert layer_violations() == []


def test_no_module_imports_a_private_name_of_another():
    assert private_imports() == []


@pytest.mark.parametrize("name", sorted(modules()))
def test_module_is_small(name):
    lines = len(modules()[name].read_text().splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines (at most {MAX_LINES}): split it by concern"


def test_the_rules_catch_an_upward_and_a_private_import(tmp_path):
    """The checks above can fail: a fake package with one upward import and one private import."""
    pkg = tmp_path / "lstm_helpers"
    for layer in ("engine", "widgets"):
        (pkg / layer).mkdir(parents=True)
        (pkg / layer / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("from .engine import core\n")
    (pkg / "widgets" / "view.py").write_text("from ..engine.core import step\n")
    (pkg / "engine" / "core.py").write_text("from ..widgets.view import draw\nfrom .other import _helper\n")
    (pkg / "engine" / "other.py").write_text("def _helper():\n    pass\n")
    ups = layer_violations(pkg)
    assert len(ups) == 1 and "lstm_helpers/engine/core.py:1" in ups[0] and "'widgets'" in ups[0]
    privates = private_imports(pkg)
    assert len(privates) == 1 and "_helper" in privates[0]
