"""A tree of ruleset files: finding a region's file, its chain of parents, and names.

Layout (SPEC §2.1): ``national.toml`` at the top, ``<province>/province.toml`` and
``<province>/<region>.toml`` below. A slug is checked against ``^[a-z][a-z-]*$`` before
any path is built from it, so a name like ``../etc`` never reaches the file system. Only
regular files inside the tree are read (``io.read_bytes``).

A region's identity — its slug, aliases, Chinese name and admin code — must be unique in
the tree: a look-up that two files answer is a ruleset problem, never a silent first match.

**Trust.** Files of the shipped package tree are built without re-validation when the
tree's MANIFEST is the one sealed into the package at build time (its sha256 is in
``benefitcalc/_build.py``) and a file's bytes are the ones it lists. Any other tree — a
``--rulesets-dir``, ``$BENEFITCALC_RULESETS``, a source checkout whose MANIFEST changed —
is validated in full.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import InvalidRulesetError, Problem, UnknownRegionError
from . import manifest
from .files import RulesetFile

SLUG = re.compile(r"^[a-z][a-z-]*$")
ENV_VAR = "BENEFITCALC_RULESETS"


def shipped_rulesets_dir() -> Path:
    """The tree shipped in the package, else (a source checkout) the repository's."""
    here = Path(__file__).resolve().parent.parent
    shipped = here / "rulesets"
    if shipped.is_dir():
        return shipped
    return here.parent.parent / "rulesets"


def default_rulesets_dir() -> Path:
    """``$BENEFITCALC_RULESETS``, else the shipped tree."""
    env = os.environ.get(ENV_VAR)
    if env is not None:
        if not env.strip():
            raise InvalidRulesetError([Problem(ENV_VAR, "", "is set but empty")])
        return Path(env)
    return shipped_rulesets_dir()


def build_seal() -> str | None:
    """The sha256 of the MANIFEST sealed into this build, or None (a source checkout)."""
    try:
        from .._build import MANIFEST_SHA256
    except ImportError:
        return None
    return MANIFEST_SHA256 or None


class RulesetTree:
    """The ruleset files under ``root``.

    ``root=None`` is the default tree (``$BENEFITCALC_RULESETS`` or the shipped one); only the
    shipped tree is sealed. ``seal`` names the MANIFEST sha256 to trust explicitly (tests, or
    an operator who seals a tree of their own); ``seal=""`` trusts nothing.
    """

    def __init__(self, root: Path | str | None = None, seal: str | None = None) -> None:
        if root is not None and not str(root).strip():
            raise InvalidRulesetError([Problem(str(root), "", "the rulesets directory is an empty path")])
        self.root = Path(root) if root is not None else default_rulesets_dir()
        if seal is None:
            shipped = root is None and os.environ.get(ENV_VAR) is None
            seal = (build_seal() or "") if shipped else ""
        self.seal = seal
        self._files: dict[str, RulesetFile] = {}
        self._paths: list[Path] | None = None
        self._manifest: manifest.Manifest | None = None
        self._names: dict[str, str] | None = None

    # -- files --------------------------------------------------------------------------

    def _check_root(self) -> None:
        if not self.root.is_dir():
            raise InvalidRulesetError([Problem(str(self.root), "", "no such rulesets directory")])
        national = self.root / "national.toml"
        if not national.exists() and not national.is_symlink():
            raise InvalidRulesetError([Problem(str(self.root), "", "not a rulesets tree: it has no national.toml "
                                                                   "(the top of every region's chain)")])

    def display(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    @property
    def paths(self) -> list[Path]:
        """Every ``*.toml`` of the tree, national first, then by province."""
        if self._paths is None:
            self._check_root()
            top = [self.root / "national.toml"] if (self.root / "national.toml").exists() else []
            below = sorted((p for p in self.root.glob("*/*.toml") if SLUG.match(p.parent.name)),
                           key=lambda p: (p.parent.name, p.name != "province.toml", p.name))
            self._paths = top + below
        return self._paths

    def slug_of_path(self, path: Path) -> str:
        if path.parent == self.root:
            return path.stem
        return path.parent.name if path.name == "province.toml" else path.stem

    def path_for(self, slug: str) -> Path | None:
        """The file of a region slug, or None; two files for one slug are a ruleset problem."""
        if not SLUG.match(slug) or len(slug) > 64:
            raise UnknownRegionError(f"{slug!r} is not a region slug (lowercase letters and '-')",
                                     {"region": slug})
        self._check_root()
        if slug == "national":
            candidates = [self.root / "national.toml"]
        else:
            candidates = [self.root / slug / "province.toml",
                          *(p for p in sorted(self.root.glob(f"*/{slug}.toml"))
                            if p.name != "province.toml" and SLUG.match(p.parent.name))]
        found = [p for p in candidates if p.exists() or p.is_symlink()]
        if len(found) > 1:
            raise InvalidRulesetError([Problem(self.display(p), "meta.region",
                                               f"region {slug!r} is also defined by "
                                               f"{', '.join(self.display(q) for q in found if q != p)}")
                                       for p in found])
        return found[0] if found else None

    def manifest(self) -> manifest.Manifest:
        if self._manifest is None:
            self._manifest = manifest.read(self.root)
        return self._manifest

    def _sealed(self, name: str) -> tuple[str, str] | None:
        if not self.seal:
            return None
        m = self.manifest()
        entry = m.entries.get(name)
        if m.sha256 != self.seal or entry is None or entry.bytes_sha256 is None:
            return None
        return entry.bytes_sha256, entry.file_sha256

    def file(self, slug: str) -> RulesetFile:
        if slug not in self._files:
            path = self.path_for(slug)
            if path is None:
                raise UnknownRegionError(f"no ruleset for region {slug!r}", {"region": slug})
            name = self.display(path)
            f = RulesetFile.load(path, self.root, name, self._sealed(name))
            if f.region != slug:
                raise InvalidRulesetError([Problem(f.name, "meta.region",
                                                   f"is {f.region!r} but the file's name is for {slug!r}")])
            self._files[slug] = f
        return self._files[slug]

    def chain(self, slug: str) -> list[RulesetFile]:
        """The region's file, its parent's, … up to national (region first)."""
        out: list[RulesetFile] = []
        seen: list[str] = []
        current: str | None = slug
        while current is not None:
            if current in seen:
                raise InvalidRulesetError([Problem(out[-1].name, "meta.extends", "an extends cycle: "
                                                   + " → ".join([*seen, current]))])
            seen.append(current)
            try:
                f = self.file(current)
            except UnknownRegionError:
                raise InvalidRulesetError([Problem(out[-1].name, "meta.extends",
                                                   f"names {current!r}, which has no ruleset")]) from None
            out.append(f)
            current = f.meta.extends
        if out[-1].meta.level != "national":
            raise InvalidRulesetError([Problem(out[-1].name, "meta.extends",
                                               "the chain does not end at the national ruleset")])
        return out

    def all_files(self) -> list[RulesetFile]:
        """Load every file; raise one error holding every file's problems."""
        problems: list[Problem] = []
        out = []
        for path in self.paths:
            try:
                out.append(self.file(self.slug_of_path(path)))
            except InvalidRulesetError as exc:
                problems += [p for p in exc.problems if p not in problems]
            except UnknownRegionError as exc:
                problems.append(Problem(self.display(path), "", exc.message))
        if problems:
            raise InvalidRulesetError(problems)
        return out

    # -- names --------------------------------------------------------------------------

    def identity_problems(self, files: list[RulesetFile]) -> list[Problem]:
        """Names (slug, alias, Chinese name, admin code) that two files claim."""
        owners: dict[str, list[tuple[RulesetFile, str]]] = {}
        for f in files:
            m = f.meta
            names = {("meta.region", m.region), ("meta.name.zh", m.name.zh)}
            names |= {("meta.aliases", a) for a in m.aliases}
            if m.admin_code:
                names.add(("meta.admin_code", m.admin_code))
            for key, value in names:
                if not any(g is f for g, _ in owners.get(value, [])):
                    owners.setdefault(value, []).append((f, key))
        problems = []
        for value, claims in owners.items():
            if len(claims) > 1:
                for f, key in claims:
                    others = ", ".join(g.name for g, _ in claims if g is not f)
                    problems.append(Problem(f.name, key, f"{value!r} also names the region of {others}; "
                                                         "region names must be unique in the tree"))
        return problems

    def names(self) -> dict[str, str]:
        """Every alias, Chinese name and admin code → its region (loads every file)."""
        if self._names is None:
            files = self.all_files()
            problems = self.identity_problems(files)
            if problems:
                raise InvalidRulesetError(problems)
            index: dict[str, str] = {}
            for f in files:
                for name in (*f.meta.aliases, f.meta.name.zh, f.meta.admin_code):
                    if name:
                        index[name] = f.region
            self._names = index
        return self._names

    def find(self, name: str) -> str:
        """A region slug from a slug, an exact alias, its Chinese name or a six-digit admin code."""
        name = name.strip()
        if SLUG.match(name):
            if self.path_for(name) is not None:
                return name
            raise UnknownRegionError(f"unknown region {name!r}: no ruleset has this slug; "
                                     "`benefitcalc rulesets list` shows the regions", {"region": name})
        names = self.names()
        if name in names:
            return names[name]
        for f in self.all_files():
            for scheme_blocks in (f.blocks(s) for s in f.subsections if s.startswith("area.")):
                if any(name in b.districts or name in b.unsourced for b in scheme_blocks):
                    raise UnknownRegionError(
                        f"{name} is a district of {f.region} ({f.meta.name.zh}), not a region: "
                        f"use --region {f.region} --district {name}",
                        {"region": name, "district_of": f.region})
        if "/" in name or "\\" in name or ".." in name:
            raise UnknownRegionError(f"{name!r} is not a region name", {"region": name})
        raise UnknownRegionError(f"unknown region {name!r}; `benefitcalc rulesets list` shows "
                                 "the regions, their aliases and admin codes", {"region": name})
