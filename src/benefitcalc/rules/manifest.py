"""``rulesets/MANIFEST``: one line per file — name, ``meta.version``, ``file_sha256`` and the
sha256 of the file's bytes — written by ``rulesets check --write-manifest`` after a clean
check, atomically (a temporary file renamed over the old one), and read tolerantly: a
torn, non-UTF-8 or malformed MANIFEST is a problem that ``check`` reports and
``--write-manifest`` repairs, never a crash.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from ..errors import InvalidRulesetError, Problem, ProblemKind
from .io import read_bytes, sha256_bytes

NAME = "MANIFEST"
HEADER = "# file\tversion\tfile_sha256\tbytes_sha256 — written by `benefitcalc rulesets check --write-manifest`"
_HEX = re.compile(r"^[0-9a-f]{64}$")


class Entry(NamedTuple):
    version: str
    file_sha256: str
    bytes_sha256: str | None


class Manifest(NamedTuple):
    """What a MANIFEST says (``entries``), what is wrong with it (``problems``), the sha256
    of its bytes (None when there is none) and the files named on damaged lines."""

    entries: dict[str, Entry]
    problems: list[Problem]
    sha256: str | None
    damaged: frozenset[str] = frozenset()


def read(root: Path) -> Manifest:
    path = root / NAME
    if not path.exists() and not path.is_symlink():
        return Manifest({}, [Problem(NAME, "", f"no {NAME} in the rulesets tree", ProblemKind.MANIFEST_MISSING,
                                     zh=f"规则集目录中没有 {NAME}")], None)
    try:
        raw = read_bytes(path, root, NAME)
    except InvalidRulesetError as exc:
        return Manifest({}, [p._replace(kind=ProblemKind.MANIFEST_UNREADABLE) for p in exc.problems], None)
    digest = sha256_bytes(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Manifest({}, [Problem(NAME, "", "is not UTF-8", ProblemKind.MANIFEST_UNREADABLE, zh="不是 UTF-8 编码")],
                        digest)
    entries, problems, damaged = _parse(text)
    return Manifest(entries, problems, digest, frozenset(damaged))


def _parse(text: str) -> tuple[dict[str, Entry], list[Problem], set[str]]:
    entries: dict[str, Entry] = {}
    problems: list[Problem] = []
    damaged: set[str] = set()
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        ok = len(parts) in (3, 4) and _HEX.match(parts[2]) and (len(parts) == 3 or _HEX.match(parts[3]))
        if not ok:
            problems.append(Problem(NAME, f"line {number}", "is not 'file, version, file_sha256, bytes_sha256' "
                                    "separated by tabs", ProblemKind.MANIFEST_UNREADABLE,
                                    zh="不是以制表符分隔的 'file, version, file_sha256, bytes_sha256'"))
            damaged.add(parts[0])
            continue
        if parts[0] in entries:
            problems.append(Problem(NAME, f"line {number}", f"a second entry for {parts[0]}",
                                    ProblemKind.MANIFEST_UNREADABLE, zh=f"{parts[0]} 的条目重复"))
            damaged.add(parts[0])
            continue
        entries[parts[0]] = Entry(parts[1], parts[2], parts[3] if len(parts) == 4 else None)
    if text and not text.endswith("\n"):
        problems.append(Problem(NAME, "", "does not end with a newline: it may be torn",
                                ProblemKind.MANIFEST_UNREADABLE, zh="不以换行符结尾：文件可能不完整"))
    return entries, problems, damaged


def committed(root: Path) -> dict[str, Entry]:
    """The entries of the MANIFEST as last committed to git (``HEAD``), when the tree is in
    a git work tree and git is installed; empty otherwise. The reference a damaged or
    incomplete MANIFEST is checked against, so that repairing it cannot record a changed
    file whose version was not bumped."""
    import subprocess

    try:
        out = subprocess.run(["git", "-C", str(root), "show", f"HEAD:./{NAME}"], capture_output=True,
                             timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    if out.returncode != 0:
        return {}
    try:
        return _parse(out.stdout.decode("utf-8"))[0]
    except UnicodeDecodeError:
        return {}


class Line(NamedTuple):
    file: str
    version: str
    file_sha256: str
    bytes_sha256: str


def text_of(lines: Iterable[Line]) -> str:
    return "\n".join([HEADER, *("\t".join(line) for line in lines)]) + "\n"


def write(root: Path, lines: Iterable[Line]) -> Path | None:
    """Write the MANIFEST atomically: a temporary file in the same directory, flushed to
    disk, then renamed over the old one, so an interrupted write leaves the old file whole.
    The old file's permissions are kept (a new one is readable by all, 0644). Nothing is
    written, and None returned, when the MANIFEST already says exactly this."""
    import stat
    import tempfile

    target = root / NAME
    data = text_of(lines).encode("utf-8")
    mode = 0o644
    if target.is_file() and not target.is_symlink():
        if target.read_bytes() == data:
            return None
        mode = stat.S_IMODE(target.stat().st_mode)
    fd, tmp = tempfile.mkstemp(prefix=".MANIFEST.", dir=root)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
