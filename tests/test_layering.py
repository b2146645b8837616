"""The direction of imports (STYLE): typer only in cli, rich only in render, TOML only in
rules/io; calc and rules never import services or cli."""

from __future__ import annotations

import ast
from pathlib import Path

import benefitcalc

PKG = Path(benefitcalc.__file__).parent
ONLY = {"typer": {"cli.py"}, "rich": {"render.py"}, "tomllib": {"rules/io.py"}, "tomli_w": {"rules/io.py"}}
LOWER = ("rules/", "calc/", "models.py", "explain.py", "errors.py")


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            out.add(("." * node.level) + base)
            out |= {("." * node.level) + (base + "." if base else "") + a.name for a in node.names}
    return out


def test_heavy_and_io_libraries_are_imported_in_their_one_module():
    files = sorted(PKG.rglob("*.py"))
    assert len(files) > 10
    for path in files:
        rel = path.relative_to(PKG).as_posix()
        for name in imports(path):
            top = name.split(".")[0]
            if top in ONLY:
                assert rel in ONLY[top], f"{rel} imports {name}"


def test_library_layers_never_import_the_cli_or_services():
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG).as_posix()
        if rel.startswith(LOWER):
            for name in imports(path):
                leaf = name.lstrip(".")
                assert not any(part in ("cli", "services", "render") for part in leaf.split(".")), \
                    f"{rel} imports {name}"
