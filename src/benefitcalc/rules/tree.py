"""A tree of ruleset files: finding a region's file, its chain of parents, and names.

Layout (SPEC §2.1): ``national.toml`` at the top, ``<province>/province.toml`` and
``<province>/<region>.toml`` below. A slug is checked against ``^[a-z][a-z-]*$`` before
any path is built from it, so a name like ``../etc`` never reaches the file system. Only
regular files inside the tree are read (``io.read_bytes``).

A region's identity — its slug, aliases, Chinese name and admin code — must be unique in
the tree: a look-up that two files answer is a ruleset problem, never a silent first match.

**Look-ups forgive** (``locate``): a name is compared without case or surrounding (also
full-width) spaces; a Chinese name may drop its suffix (南昌 for 南昌市, 新建 for 新建区, 江西
for 江西省) when that names one place; an address (南昌市新建区) names a region and one of its
districts; a district alone (新建区) names its city and itself. An exact slug stays a direct
file look-up; only other names load every file's names (``places``). A name that matches
nothing gets the closest names (``suggest``).

**Trust.** Files of the shipped package tree are built without re-validation when the
tree's MANIFEST is the one sealed into the package at build time (its sha256 is in
``benefitcalc/_build.py``) and a file's bytes are the ones it lists. Any other tree — a
``--rulesets-dir``, ``$BENEFITCALC_RULESETS``, a source checkout whose MANIFEST changed —
is validated in full.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import InvalidInputError, InvalidRulesetError, Problem, UnknownRegionError
from . import manifest
from .files import RulesetFile
from .io import decode_toml, read_bytes

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
            raise InvalidRulesetError([Problem(ENV_VAR, "", "is set but empty", zh="已设置但为空")])
        return Path(env)
    return shipped_rulesets_dir()


def build_seal() -> str | None:
    """The sha256 of the MANIFEST sealed into this build, or None (a source checkout)."""
    try:
        from .._build import MANIFEST_SHA256
    except ImportError:
        return None
    return MANIFEST_SHA256 or None


# -- names as people type them --------------------------------------------------------------

#: The suffix a Chinese place name may be typed without (南昌 for 南昌市); 省 for provinces only.
SUFFIXES = ("市", "区", "县")
PROVINCE_SUFFIXES = ("省",)
LEVELS = ("national", "province", "city", "district")
#: the levels in Chinese (for messages)
LEVEL_ZH = {"national": "国家", "province": "省", "city": "市", "district": "区县"}
_SPACES = re.compile(r"\s+")
#: Names longer than this get no "did you mean" (the distance is quadratic in the length).
SUGGEST_MAX = 40


def normal(text: str) -> str:
    """A name made comparable: full-width letters, digits and spaces as ASCII (NFKC),
    no whitespace, lower case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).casefold()


def stem(name: str, suffixes: tuple[str, ...] = SUFFIXES) -> str | None:
    """The name without its suffix (新建区 → 新建), or None: no suffix, or one character
    would be left (赣县 stays 赣县)."""
    return name[:-1] if len(name) > 2 and name.endswith(suffixes) else None


def distance(a: str, b: str, most: int) -> int:
    """The edit distance of two names, or ``most + 1`` when it is larger than ``most``."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
        if min(row) > most:
            return most + 1
    return row[-1]


def closeness(key: str, name: str) -> int | None:
    """How close a typed (normalised) name is to a known one: their edit distance when it is
    small for the name's length, or that bound when one contains the other (赣州 and
    赣州市赣县区); None when they are not close."""
    cjk = any("\u4e00" <= ch <= "\u9fff" for ch in name)
    # one Chinese character is a whole syllable: 北京 is not a typo of 南京, nor 新疆 of 新建
    most = len(name) // 3 if cjk else max(1, min(3, len(name) // 3))
    d = distance(key, name, most)
    if d > most and min(len(key), len(name)) >= 2 and (key in name or name in key):
        d = most
    return d if d <= most else None


def close_districts(text: str, districts: Iterable[str], limit: int = 3) -> list[str]:
    """The districts closest to a typed name that matches none (for "did you mean")."""
    key = normal(text)
    if not key or len(key) > SUGGEST_MAX:
        return []
    scored = {}
    for d in districts:
        near = [n for n in (closeness(key, name) for name in {normal(d), *(normal(s) for s in [stem(d)] if s)})
                if n is not None]
        if near:
            scored[d] = min(near)
    return sorted(scored, key=lambda d: (scored[d], d))[:limit]


def ambiguous_district(slug: str, text: str, matched: list[str]) -> InvalidInputError:
    """A suffix-less district name that several of the region's districts share."""
    return InvalidInputError(f"district: {text} could be {' or '.join(matched)} of {slug}; give the full name",
                             field="district", value=text, candidates=matched,
                             zh=f"district：{text} 可指 {slug} 的 {'、'.join(matched)}；请写全称")


def match_district(text: str, districts: Iterable[str]) -> list[str]:
    """The districts a typed name means: the one it names exactly, else those it names
    without their suffix (新建 → 新建区); several are ambiguous, none unknown."""
    key = normal(text)
    names = list(dict.fromkeys(districts))
    exact = [d for d in names if normal(d) == key]
    if exact:
        return exact
    return [d for d in names if (s := stem(d)) is not None and normal(s) == key]


def _area_districts(blocks: Iterable[Any]) -> set[str]:
    """The district names of raw ``[[area]]`` blocks (listed and unsourced); anything not
    shaped like one is skipped (a completion reads files nobody validated)."""
    out: set[str] = set()
    for b in blocks:
        if not isinstance(b, dict):
            continue
        listed, unsourced = b.get("districts"), b.get("unsourced")
        if isinstance(listed, dict):
            out.update(k for k in listed if isinstance(k, str))
        if isinstance(unsourced, list | tuple):
            out.update(d for d in unsourced if isinstance(d, str))
    return out


class Place(NamedTuple):
    """A region as a look-up sees it: its names, parent and districts (the union over its
    own area blocks, sorted)."""

    slug: str
    level: str
    zh: str
    en: str
    admin_code: str
    aliases: tuple[str, ...]
    extends: str | None
    districts: tuple[str, ...]

    @classmethod
    def of(cls, f: RulesetFile) -> Place:
        m = f.meta
        blocks = [b for s in f.subsections if s.startswith("area.") for b in f.raw[s]]
        return cls(m.region, m.level, m.name.zh, m.name.en, m.admin_code or "", tuple(m.aliases), m.extends,
                   tuple(sorted(_area_districts(blocks))))

    @classmethod
    def from_raw(cls, doc: dict[str, Any], slug: str) -> Place | None:
        """From a file's TOML data, unvalidated (for completions): None if its meta is unusable."""
        meta = doc.get("meta")
        if not isinstance(meta, dict):
            return None
        name = meta.get("name")
        names: dict[str, Any] = name if isinstance(name, dict) else {}

        def text(value: Any) -> str:
            return value if isinstance(value, str) else ""

        if text(meta.get("region")) != slug:
            return None
        aliases, extends, area = meta.get("aliases"), meta.get("extends"), doc.get("area")
        return cls(slug, text(meta.get("level")), text(names.get("zh")), text(names.get("en")),
                   text(meta.get("admin_code")),
                   tuple(a for a in aliases if isinstance(a, str)) if isinstance(aliases, list) else (),
                   extends if isinstance(extends, str) else None,
                   tuple(sorted(_area_districts(area if isinstance(area, list) else []))))

    @property
    def label(self) -> str:
        """``nanchang (南昌市)``."""
        return f"{self.slug} ({self.zh})"

    @property
    def label_zh(self) -> str:
        """``nanchang（南昌市）``."""
        return f"{self.slug}（{self.zh}）"

    def chinese(self) -> set[str]:
        """The Chinese names (name, aliases) and their suffix-less forms, as typed at the
        start of an address."""
        names = {n for n in (self.zh, *self.aliases) if n}
        suffixes = PROVINCE_SUFFIXES if self.level == "province" else SUFFIXES
        return {normal(n) for n in names} | {normal(s) for n in names if (s := stem(n, suffixes))}

    def exact(self) -> set[str]:
        """What names this place exactly: slug, Chinese and English name, aliases, admin code."""
        return {normal(n) for n in (self.slug, self.zh, self.en, self.admin_code, *self.aliases) if n}

    def loose(self) -> set[str]:
        """What names it less exactly: a Chinese name without its suffix, a slug's last part
        (ganxian for ganzhou-ganxian)."""
        tail = {self.slug.rpartition("-")[2]} if "-" in self.slug else set()
        return (self.chinese() | tail) - self.exact()


class Location(NamedTuple):
    """What a region name located: the region's slug and, when the name held one (an
    address, or a district alone), the district; ``how`` is "region", "address" or "district"."""

    slug: str
    district: str | None = None
    how: str = "region"


class Places:
    """Every region's names and districts, for look-ups and suggestions."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.by_slug = {p.slug: p for p in places}
        self._exact: dict[str, list[str]] = {}
        self._loose: dict[str, list[str]] = {}
        for p in self.by_slug.values():
            for key in p.exact():
                self._exact.setdefault(key, []).append(p.slug)
            for key in p.loose():
                self._loose.setdefault(key, []).append(p.slug)

    def named(self, key: str) -> list[str]:
        """The slugs a normalised name names: exact names first, else loose ones."""
        return self._exact.get(key) or self._loose.get(key) or []

    def ancestors(self, slug: str) -> list[str]:
        """The region's parents, nearest first (stops at a cycle or an unknown parent)."""
        out: list[str] = []
        current = self.by_slug[slug].extends if slug in self.by_slug else None
        while current is not None and current in self.by_slug and current not in out:
            out.append(current)
            current = self.by_slug[current].extends
        return out

    def districts_of(self, slug: str) -> list[str]:
        """The districts of a region and of its parents (what a case in the region may name)."""
        return sorted({d for s in (slug, *self.ancestors(slug)) if s in self.by_slug
                       for d in self.by_slug[s].districts})

    def owners(self, text: str, besides: str | None = None) -> list[tuple[Place, str]]:
        """The (region, district) pairs whose district a typed name means, other than ``besides``'s."""
        out = []
        for p in self.by_slug.values():
            if p.slug != besides:
                out += [(p, d) for d in match_district(text, p.districts)]
        exact = [(p, d) for p, d in out if normal(d) == normal(text)]
        return exact or out

    def children(self, slug: str) -> list[Place]:
        """The regions below a region (cities before districts, then by slug)."""
        below = [p for p in self.by_slug.values() if slug in self.ancestors(p.slug)]
        return sorted(below, key=lambda p: (LEVELS.index(p.level) if p.level in LEVELS else 9, p.slug))

    def suggest(self, text: str, limit: int = 3) -> list[tuple[Place, str | None]]:
        """The closest regions (district None) and districts to an unknown name: by edit
        distance on slugs, aliases and Chinese names, or containing one another."""
        key = normal(text)
        if not key or len(key) > SUGGEST_MAX:
            return []
        scored: dict[tuple[str, str | None], int] = {}
        for p in self.by_slug.values():
            for district, names in [(None, p.exact() | p.loose()),
                                    *((d, {normal(d), *(normal(s) for s in [stem(d)] if s)}) for d in p.districts)]:
                near = [n for n in (closeness(key, name) for name in names) if n is not None]
                if near:
                    scored[(p.slug, district)] = min(near)
        ranked = sorted(scored, key=lambda k: (scored[k], k[1] is not None, k[0], k[1] or ""))
        return [(self.by_slug[slug], district) for slug, district in ranked[:limit]]


def suggestion_text(found: list[tuple[Place, str | None]]) -> tuple[str, str]:
    """``did you mean nanchang (南昌市)?`` in English and Chinese (empty when nothing is close)."""
    if not found:
        return "", ""
    en = ", ".join(p.label if d is None else f"{d} (a district of {p.label})" for p, d in found)
    zh = "、".join(p.label_zh if d is None else f"{d}（{p.label_zh}的区县）" for p, d in found)
    return f"did you mean {en}?", f"是否指 {zh}？"


class RulesetTree:
    """The ruleset files under ``root``.

    ``root=None`` is the default tree (``$BENEFITCALC_RULESETS`` or the shipped one); only the
    shipped tree is sealed. ``seal`` names the MANIFEST sha256 to trust explicitly (tests, or
    an operator who seals a tree of their own); ``seal=""`` trusts nothing.
    """

    def __init__(self, root: Path | str | None = None, seal: str | None = None) -> None:
        if root is not None and not str(root).strip():
            raise InvalidRulesetError([Problem(str(root), "", "the rulesets directory is an empty path",
                                               zh="规则集目录为空路径")])
        self.root = Path(root) if root is not None else default_rulesets_dir()
        if seal is None:
            shipped = root is None and os.environ.get(ENV_VAR) is None
            seal = (build_seal() or "") if shipped else ""
        self.seal = seal
        self._files: dict[str, RulesetFile] = {}
        self._paths: list[Path] | None = None
        self._manifest: manifest.Manifest | None = None
        self._places: Places | None = None
        self._raw_places: Places | None = None

    # -- files --------------------------------------------------------------------------

    def _check_root(self) -> None:
        if not self.root.is_dir():
            if self.root.exists():
                raise InvalidRulesetError([Problem(str(self.root), "", "is a file, not a rulesets directory",
                                                   zh="是文件，不是规则集目录")])
            raise InvalidRulesetError([Problem(str(self.root), "", "no such rulesets directory",
                                               zh="规则集目录不存在")])
        national = self.root / "national.toml"
        if not national.exists() and not national.is_symlink():
            raise InvalidRulesetError([Problem(str(self.root), "", "not a rulesets tree: it has no national.toml "
                                                                   "(the top of every region's chain)",
                                               zh="不是规则集目录：缺少 national.toml（各地区规则链的顶端）")])

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
                                     {"region": slug}, zh=f"{slug!r} 不是地区 slug（只能由小写字母和 '-' 组成）")
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
                                               f"{', '.join(self.display(q) for q in found if q != p)}",
                                               zh=f"地区 {slug!r} 也由 "
                                                  f"{'、'.join(self.display(q) for q in found if q != p)} 定义")
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
                raise UnknownRegionError(f"no ruleset for region {slug!r}", {"region": slug},
                                         zh=f"地区 {slug!r} 没有规则集")
            name = self.display(path)
            f = RulesetFile.load(path, self.root, name, self._sealed(name))
            if f.region != slug:
                raise InvalidRulesetError([Problem(f.name, "meta.region",
                                                   f"is {f.region!r} but the file's name is for {slug!r}",
                                                   zh=f"为 {f.region!r}，但文件名对应 {slug!r}")])
            self._files[slug] = f
        return self._files[slug]

    def chain(self, slug: str) -> list[RulesetFile]:
        """The region's file, its parent's, … up to national (region first)."""
        out: list[RulesetFile] = []
        seen: list[str] = []
        current: str | None = slug
        while current is not None:
            if current in seen:
                cycle = " → ".join([*seen, current])
                raise InvalidRulesetError([Problem(out[-1].name, "meta.extends", f"an extends cycle: {cycle}",
                                                   zh=f"extends 形成循环：{cycle}")])
            seen.append(current)
            try:
                f = self.file(current)
            except UnknownRegionError:
                raise InvalidRulesetError([Problem(out[-1].name, "meta.extends",
                                                   f"names {current!r}, which has no ruleset",
                                                   zh=f"指向 {current!r}，但它没有规则集")]) from None
            out.append(f)
            current = f.meta.extends
        if out[-1].meta.level != "national":
            raise InvalidRulesetError([Problem(out[-1].name, "meta.extends",
                                               "the chain does not end at the national ruleset",
                                               zh="规则链未止于全国规则集（national）")])
        for child, parent in zip(out, out[1:], strict=False):  # each level once, widening: a level is one step
            if LEVELS.index(parent.meta.level) >= LEVELS.index(child.meta.level):
                raise InvalidRulesetError([Problem(
                    child.name, "meta.extends",
                    f"a {child.meta.level} ruleset cannot extend {parent.region}, a {parent.meta.level} one: each file "
                    "extends a wider level (district → city → province → national, a level may be skipped)",
                    zh=f"{LEVEL_ZH[child.meta.level]}级规则集不能继承 {parent.region}"
                       f"（{LEVEL_ZH[parent.meta.level]}级）：每个文件只能继承更高一级"
                       "（区县 → 市 → 省 → 国家，可跳级）")])
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
                problems.append(Problem(self.display(path), "", exc.message, zh=exc.zh))
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
                                                         "region names must be unique in the tree",
                                            zh=f"{value!r} 同时是 {others} 的地区名称；"
                                               "地区名称在规则集目录中必须唯一"))
        return problems

    def places(self) -> Places:
        """Every region's names and districts (loads every file); a name two files claim is
        a ruleset problem."""
        if self._places is None:
            files = self.all_files()
            problems = self.identity_problems(files)
            if problems:
                raise InvalidRulesetError(problems)
            self._places = Places(Place.of(f) for f in files)
        return self._places

    def raw_places(self) -> Places:
        """The same read from the files' TOML data, unvalidated and without building a model
        (shell completion); a file that cannot be read is left out."""
        if self._raw_places is None:
            found = []
            try:
                paths = self.paths
            except InvalidRulesetError:
                paths = []
            for path in paths:
                name = self.display(path)
                try:
                    doc = decode_toml(read_bytes(path, self.root, name), name, check_numbers=False)
                except InvalidRulesetError:
                    continue
                place = Place.from_raw(doc, self.slug_of_path(path))
                if place is not None:
                    found.append(place)
            self._raw_places = Places(found)
        return self._raw_places

    def locate(self, name: str) -> Location:
        """The region a name means, and the district it names if any (see the module
        docstring): a slug, alias, Chinese name (with or without its suffix), admin code,
        English name, an address (南昌市新建区, 江西省南昌市) or a district alone (新建区)."""
        key = normal(name)
        if SLUG.match(key) and len(key) <= 64 and self.path_for(key) is not None:
            return Location(key)  # a slug: one file look-up, no index
        shown = name.strip()
        if not key:
            raise UnknownRegionError("the region name is empty", {"region": name}, zh="地区名称为空")
        if "/" in key or "\\" in key or ".." in key:
            raise UnknownRegionError(f"{shown!r} is not a region name", {"region": shown},
                                     zh=f"{shown!r} 不是地区名称")
        places = self.places()
        typed = _SPACES.sub("", unicodedata.normalize("NFKC", name))
        found = self._locate(typed if normal(typed) == key and len(typed) == len(key) else key, places)
        if found is not None:
            return found
        close = places.suggest(shown)
        did, did_zh = suggestion_text(close)
        raise UnknownRegionError(
            f"unknown region {shown!r}; {did + ' ' if did else ''}`benefitcalc rulesets list` shows "
            "the regions, their aliases and admin codes",
            {"region": shown, **({"suggestions": [{"region": p.slug, **({"district": d} if d else {})}
                                                  for p, d in close]} if close else {})},
            zh=f"未知地区 {shown!r}；{did_zh}`benefitcalc rulesets list` 列出各地区及其别名和行政区划代码")

    def _locate(self, typed: str, places: Places) -> Location | None:
        """``locate`` past the slug: ``typed`` is the name without spaces, its case kept
        (for messages); it is compared as ``normal(typed)``."""
        key = normal(typed)
        slugs = places.named(key)
        if len(slugs) > 1:
            listed = [places.by_slug[s] for s in slugs]
            raise UnknownRegionError(
                f"{typed!r} names several regions: {', '.join(p.label for p in listed)}; use a slug",
                {"region": typed, "candidates": slugs},
                zh=f"{typed!r} 可指多个地区：{'、'.join(p.label_zh for p in listed)}；请使用 slug")
        if slugs:
            return Location(slugs[0])
        owners = places.owners(key)
        if len(owners) > 1:
            en = ", ".join(f"{d} of {p.label}" for p, d in owners)
            zh = "、".join(f"{p.label_zh}的{d}" for p, d in owners)
            raise UnknownRegionError(
                f"{typed} names a district of several regions: {en}; use --region and --district",
                {"region": typed, "candidates": [{"region": p.slug, "district": d} for p, d in owners]},
                zh=f"{typed} 可指多个地区的区县：{zh}；请使用 --region 和 --district")
        if owners:
            return Location(owners[0][0].slug, owners[0][1], "district")
        return self._address(typed, places)

    def _address(self, typed: str, places: Places) -> Location | None:
        """An address: a region's Chinese name (a province's, then a city's) followed by a
        district of it, e.g. 南昌市新建区, 江西省南昌市新建区."""
        key = normal(typed)
        heads = sorted(((p, form) for p in places.by_slug.values() if p.level != "national"
                        for form in p.chinese() if len(form) < len(key) and key.startswith(form)),
                       key=lambda x: (-len(x[1]), x[0].slug))
        for place, form in heads:
            rest = typed[len(form):]
            if place.level == "province":
                below = self._locate(rest, places)
                if below is not None and place.slug in places.ancestors(below.slug):
                    return below._replace(how="address") if below.district else below
                continue
            districts = places.districts_of(place.slug)
            matched = match_district(rest, districts)
            if len(matched) > 1:
                raise ambiguous_district(place.slug, rest, matched)
            if matched:
                return Location(place.slug, matched[0], "address")
            if rest.endswith(SUFFIXES) or places.owners(rest, besides=place.slug):
                raise self.district_error(place.slug, rest, districts)
        return None

    def find(self, name: str) -> str:
        """A region slug from a slug, an alias, its Chinese name (with or without its
        suffix), a six-digit admin code or an address naming it; a district alone is not a
        region here (a case may name one: ``Engine``)."""
        found = self.locate(name)
        if found.how == "district":
            raise self.not_a_region(name, found)
        return found.slug

    def not_a_region(self, name: str, found: Location) -> UnknownRegionError:
        """A district given where a region is wanted: which region it belongs to."""
        p = self.places().by_slug[found.slug]
        use = f"--region {p.slug} --district {found.district}"
        return UnknownRegionError(f"{found.district} is a district of {p.label}, not a region: use {use}",
                                  {"region": name.strip(), "district_of": p.slug, "district": found.district},
                                  zh=f"{found.district} 是 {p.label_zh}的区县，不是地区：请使用 {use}")

    def district_error(self, slug: str, text: str, known: Iterable[str]) -> InvalidInputError:
        """A district the region does not have (``known`` are its districts): the region it
        belongs to, else the closest of the region's districts."""
        shown = text.strip()
        known = sorted(known)
        try:
            owners = self.places().owners(shown, besides=slug)
        except InvalidRulesetError:  # another file is broken: say what can be said without it
            owners = []
        if owners:
            en = ", ".join(p.label for p, _ in owners)
            zh = "、".join(p.label_zh for p, _ in owners)
            district = owners[0][1]
            use = f"--region {owners[0][0].slug} --district {district}"
            hint, hint_zh = (f": use {use}", f"：请使用 {use}") if len(owners) == 1 else ("", "")
            return InvalidInputError(f"district: {district} is a district of {en}, not of {slug}{hint}",
                                     field="district", value=shown, district_of=[p.slug for p, _ in owners],
                                     zh=f"district：{district} 是 {zh}的区县，不属于 {slug}{hint_zh}")
        close = close_districts(shown, known)
        did = f"did you mean {', '.join(close)}? " if close else ""
        did_zh = f"是否指 {'、'.join(close)}？" if close else ""
        return InvalidInputError(f"district: {shown} is not a district of {slug}; {did}known: "
                                 + ("、".join(known) or "none"), field="district", value=shown, suggestions=close,
                                 zh=f"district：{shown} 不是 {slug} 的区县；{did_zh}已知区县："
                                    + ("、".join(known) or "无"))
