"""A tree of ruleset files: finding a region's file, its chain of parents, and names.

Layout (SPEC §2.1): ``national.toml`` at the top, ``<province>/province.toml`` and
``<province>/<region>.toml`` below. A slug is checked against ``^[a-z][a-z-]*$`` before
any path is built from it, so a name like ``../etc`` never reaches the file system.
"""

from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path

from ..errors import InvalidRulesetError, Problem, UnknownRegionError
from .files import RulesetFile

SLUG = re.compile(r"^[a-z][a-z-]*$")
ENV_VAR = "BENEFITCALC_RULESETS"


def default_rulesets_dir() -> Path:
    """``$BENEFITCALC_RULESETS``, else the tree shipped in the package, else the source tree."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent
    shipped = here / "rulesets"
    if shipped.is_dir():
        return shipped
    return here.parent.parent / "rulesets"


class RulesetTree:
    def __init__(self, root: Path | str | None = None, trust_manifest: bool = True) -> None:
        self.root = Path(root) if root is not None else default_rulesets_dir()
        self._files: dict[str, RulesetFile] = {}
        #: build files listed in MANIFEST with unchanged hashes without re-validating them
        self.trust_manifest = trust_manifest
        self._manifest: dict[str, str] | None = None

    def known_sha256(self, name: str) -> str | None:
        """The MANIFEST's hash for a file (None when not trusting or not listed)."""
        if not self.trust_manifest:
            return None
        if self._manifest is None:
            self._manifest = {}
            try:
                text = (self.root / "MANIFEST").read_text(encoding="utf-8")
            except OSError:
                text = ""
            for line in text.splitlines():
                parts = line.split("\t")
                if len(parts) == 3 and not line.startswith("#"):
                    self._manifest[parts[0]] = parts[2]
        return self._manifest.get(name)

    def _display(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def _check_root(self) -> None:
        if not self.root.is_dir():
            raise InvalidRulesetError([Problem(str(self.root), "", "no such rulesets directory")])

    def path_for(self, slug: str) -> Path | None:
        """The file of a region slug, or None. The slug is validated first."""
        if not SLUG.match(slug) or len(slug) > 64:
            raise UnknownRegionError(f"{slug!r} is not a region slug (lowercase letters and '-')",
                                     {"region": slug})
        self._check_root()
        if slug == "national":
            p = self.root / "national.toml"
            return p if p.is_file() else None
        province = self.root / slug / "province.toml"
        if province.is_file():
            return province
        for p in sorted(self.root.glob(f"*/{slug}.toml")):
            if p.parent.parent == self.root and p.name != "province.toml":
                return p
        return None

    def file(self, slug: str) -> RulesetFile:
        if slug not in self._files:
            path = self.path_for(slug)
            if path is None:
                raise UnknownRegionError(f"no ruleset for region {slug!r}", {"region": slug})
            name = self._display(path)
            f = RulesetFile.load(path, name, self.known_sha256(name))
            if f.region != slug:
                raise InvalidRulesetError([Problem(f.name, "meta.region",
                                                   f"is {f.region!r} but the file is for {slug!r}")])
            self._files[slug] = f
        return self._files[slug]

    def chain(self, slug: str) -> list[RulesetFile]:
        """The region's file, its parent's, … up to national (region first)."""
        out: list[RulesetFile] = []
        seen: list[str] = []
        current: str | None = slug
        while current is not None:
            if current in seen:
                f = out[-1]
                raise InvalidRulesetError([Problem(f.name, "meta.extends", "an extends cycle: "
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

    @cached_property
    def paths(self) -> list[Path]:
        """Every ruleset file of the tree, national first, then by province."""
        self._check_root()
        top = [self.root / "national.toml"] if (self.root / "national.toml").is_file() else []
        below = sorted(self.root.glob("*/*.toml"), key=lambda p: (p.parent.name, p.name != "province.toml", p.name))
        return top + below

    def slug_of_path(self, path: Path) -> str:
        if path.parent == self.root:
            return path.stem
        return path.parent.name if path.name == "province.toml" else path.stem

    def all_files(self) -> list[RulesetFile]:
        """Load every file; raise one error holding every file's load problem."""
        problems: list[Problem] = []
        out = []
        for path in self.paths:
            try:
                out.append(self.file(self.slug_of_path(path)))
            except InvalidRulesetError as exc:
                problems += exc.problems
            except UnknownRegionError as exc:
                problems.append(Problem(self._display(path), "", exc.message))
        if problems:
            raise InvalidRulesetError(problems)
        return out

    def find(self, name: str) -> str:
        """A region slug from a slug, an exact alias or a six-digit admin code."""
        name = name.strip()
        if SLUG.match(name):
            if self.path_for(name) is not None:
                return name
            raise UnknownRegionError(f"unknown region {name!r}: no ruleset has this slug; "
                                     "`benefitcalc rulesets list` shows the regions",
                                     {"region": name})
        files = self.all_files()
        for f in files:
            if name in f.meta.aliases or name == f.meta.name.zh or (
                    f.meta.admin_code and name == f.meta.admin_code):
                return f.region
        for f in files:
            for block in f.blocks("area"):
                if name in block.districts or name in block.unsourced:
                    raise UnknownRegionError(
                        f"{name} is a district of {f.region} ({f.meta.name.zh}), not a region: "
                        f"use --region {f.region} --district {name}",
                        {"region": name, "district_of": f.region})
        if "/" in name or "\\" in name or ".." in name:
            raise UnknownRegionError(f"{name!r} is not a region name", {"region": name})
        raise UnknownRegionError(f"unknown region {name!r}; `benefitcalc rulesets list` shows "
                                 "the regions, their aliases and admin codes", {"region": name})

    def children(self, slug: str) -> list[str]:
        return [f.region for f in self.all_files() if f.meta.extends == slug]
