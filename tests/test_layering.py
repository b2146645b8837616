"""The direction of imports (STYLE): typer only in cli, rich only in render, TOML only in
rules/io; every package module imports only modules of its own layer or below, and no two
modules import each other, directly or through others (imports inside functions count)."""

from __future__ import annotations

import ast
from pathlib import Path

import benefitcalc

PKG = Path(benefitcalc.__file__).parent
ONLY = {"typer": {"cli.py"}, "rich": {"render.py"}, "tomllib": {"rules/io.py"}, "tomli_w": {"rules/io.py"}}
# cli → services → engine → benefits → calc → rules → models, explain, notices, errors
LAYERS = [
    ("errors", "notices", "version", "_build", "validation"),
    ("explain",),
    ("models",),
    ("rules",),
    ("calc",),
    ("benefits",),
    ("engine",),
    ("services", "distributed"),
    ("render", "record"),
    ("cli", "__main__", "__init__"),
]
RANK = {name: i for i, names in enumerate(LAYERS) for name in names}


def module_of(path: Path) -> str:
    rel = path.relative_to(PKG).with_suffix("")
    return ".".join(rel.parts)


def imports(path: Path) -> set[str]:
    """Package modules a file imports, as dotted names under benefitcalc (absolute)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_of(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                prefix = [*base, *(node.module.split(".") if node.module else [])]
            elif (node.module or "").startswith("benefitcalc"):
                prefix = node.module.split(".")[1:]
            else:
                continue
            for alias in node.names:
                candidate = [*prefix, alias.name]
                out.add(".".join(candidate) if _exists(candidate) else ".".join(prefix))
        elif isinstance(node, ast.Import):
            out |= {a.name.removeprefix("benefitcalc.") for a in node.names if a.name.startswith("benefitcalc.")}
    return {m for m in out if m}


def _exists(parts: list[str]) -> bool:
    return (PKG.joinpath(*parts).with_suffix(".py")).is_file() or (PKG.joinpath(*parts) / "__init__.py").is_file()


def external(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            out.add(node.module.split(".")[0])
    return out


FILES = sorted(PKG.rglob("*.py"))


def test_heavy_and_io_libraries_are_imported_in_their_one_module():
    assert len(FILES) > 20
    for path in FILES:
        rel = path.relative_to(PKG).as_posix()
        for top in external(path) & set(ONLY):
            assert rel in ONLY[top], f"{rel} imports {top}"


def rank(module: str) -> int:
    top = module.split(".")[0]
    assert top in RANK, f"{module} is in no layer: add it to LAYERS"
    return RANK[top]


def test_every_module_imports_only_its_own_layer_or_below():
    for path in FILES:
        here = module_of(path)
        if here == "__init__":
            continue  # the package root re-exports lazily, by name
        for target in imports(path):
            assert rank(target) <= rank(here), f"{here} imports {target}, a higher layer"


def test_no_import_circle():
    graph = {module_of(p): {t for t in imports(p) if t != module_of(p)} for p in FILES}
    graph = {m: {t for t in ts if t in graph or t + ".__init__" in graph} for m, ts in graph.items()}
    done: set[str] = set()

    def visit(node: str, stack: list[str]) -> None:
        if node in stack:
            cycle = stack[stack.index(node):] + [node]
            # a package's __init__ and its own modules are one unit
            if not all(c.split(".")[0] == cycle[0].split(".")[0] and (c.endswith("__init__") or
                       any(d.endswith("__init__") for d in cycle)) for c in cycle):
                raise AssertionError("import circle: " + " → ".join(cycle))
            return
        if node in done:
            return
        for target in graph.get(node, ()):
            visit(target if target in graph else target + ".__init__", [*stack, node])
        done.add(node)

    for module in graph:
        visit(module, [])
