"""Hostile ruleset trees made from a copy of the shipped rulesets.

Each test turns a finding of ../shared/reviews/engine-review-2026-11.md (findings 1, 2) or
../shared/reviews/reliability-2026-11.md (items 1–3, 7–10, 12, 13) into a check against the
new engine: a broken tree is exit 4 naming file and key path, ``--write-manifest`` never
blesses it, the trusted (sealed MANIFEST) path never answers differently from full
validation, and nothing ends in a traceback, a hang or a memory blow-up.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tomllib
import traceback
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from benefitcalc.cli import app
from benefitcalc.engine import Engine
from benefitcalc.errors import BenefitcalcError, InvalidRulesetError, ProblemKind
from benefitcalc.rules import manifest
from benefitcalc.rules import tree as tree_module
from benefitcalc.rules.check import write_manifest

runner = CliRunner()

#: The installed command, for runs that must be stopped if they hang or grow.
COMMAND = Path(sys.executable).parent / "benefitcalc"
TIMEOUT = 20
MEMORY_LIMIT = 3 << 30

NEW_VERSION = "2099.1"  # a version no shipped file has

# The reliability review's NC case, as a case and as options.
NC: dict[str, Any] = {"benefit": "unemployment", "region": "nanchang", "district": "新建区",
                      "as_of": "2024-06-01", "contribution_months": 80}
NC_ARGS = ["unemployment", "--region", "nanchang", "--district", "新建区", "--as-of", "2024-06-01",
           "--contribution-months", "80", "--json"]
# A Guangzhou claimant with under a year of contributions and months carried over: whether
# ``carried_over_admits`` holds decides eligibility (engine review finding 1).
GZ: dict[str, Any] = {"benefit": "unemployment", "region": "guangzhou", "as_of": "2024-06-01",
                      "contribution_months": 6, "carried_over_months": 3}
GZ_ARGS = ["unemployment", "--region", "guangzhou", "--as-of", "2024-06-01", "--contribution-months", "6",
           "--carried-over-months", "3", "--json"]
# A claimant who left of their own will (reliability item 1, national involuntary_required).
NC_VOLUNTARY = {**NC, "involuntary": False}
NC_VOLUNTARY_ARGS = [*NC_ARGS, "--voluntary"]


# --- helpers: trees ------------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path, shipped) -> Path:
    """A copy of the shipped rulesets tree under tmp_path."""
    return copy_tree(shipped.root, tmp_path)


def copy_tree(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "rulesets"
    shutil.copytree(source, target)
    return target


def edit(root: Path, rel: str, old: str, new: str) -> None:
    """Replace every ``old`` by ``new`` in one file (``old`` must be there)."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {rel}: the shipped file changed, fix the test"
    path.write_text(text.replace(old, new), encoding="utf-8")


def bump(root: Path, rel: str, version: str = NEW_VERSION) -> None:
    """Bump meta.version of one file."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(r'^version = "[^"]*"', f'version = "{version}"', text, count=1, flags=re.M)
    assert count == 1, f"{rel} has no meta.version line"
    path.write_text(new, encoding="utf-8")


def edit_and_bump(root: Path, rel: str, old: str, new: str) -> None:
    edit(root, rel, old, new)
    bump(root, rel)


def sha256_of_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def forge_manifest(root: Path, *rels: str) -> str:
    """Rewrite MANIFEST as if the edited files had been blessed: their lines list their
    current bytes and version. Returns the sha256 of the forged MANIFEST (the seal)."""
    m = manifest.read(root)
    assert not m.problems, m.problems
    lines = []
    for name, entry in m.entries.items():
        if name in rels:
            raw = (root / name).read_bytes()
            try:
                version = tomllib.loads(raw.decode("utf-8"))["meta"]["version"]
            except (tomllib.TOMLDecodeError, KeyError, UnicodeDecodeError):
                version = entry.version
            lines.append(manifest.Line(name, str(version), entry.file_sha256, hashlib.sha256(raw).hexdigest()))
        else:
            assert entry.bytes_sha256 is not None
            lines.append(manifest.Line(name, entry.version, entry.file_sha256, entry.bytes_sha256))
    (root / manifest.NAME).write_bytes(manifest.text_of(lines).encode("utf-8"))
    return sha256_of_file(root / manifest.NAME)


def temp_files(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".MANIFEST") or p.name.endswith(".tmp"))


# --- helpers: running ----------------------------------------------------------------------


def assert_exit(result: Any, code: int) -> str:
    """The exit status is ``code``, there is no traceback and no exception escaped the CLI;
    returns stdout + stderr."""
    text = result.stdout + result.stderr
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        shown = "".join(traceback.format_exception(exc))[-3000:]
        raise AssertionError(f"exit {result.exit_code} with an uncaught exception:\n{shown}")
    assert "Traceback" not in text, text
    assert result.exit_code == code, f"exit {result.exit_code}, expected {code}:\n{text[-3000:]}"
    return text


def invoke(root: Path | None, *args: str) -> Any:
    prefix = ["--rulesets-dir", str(root)] if root is not None else []
    return runner.invoke(app, [*prefix, *args])


def check(root: Path, *args: str) -> tuple[Any, dict[str, Any]]:
    """``rulesets check --json`` on a tree: the CliRunner result and the JSON report."""
    result = invoke(root, "rulesets", "check", *args, "--json")
    try:
        data = json.loads(result.stdout) if result.stdout.strip() else {}
    except json.JSONDecodeError:
        data = {}
    return result, data


def problems_text(data: dict[str, Any]) -> str:
    return "\n".join(f"{p['file']}: {p['path']}: {p['message']} [{p.get('kind')}]" for p in data.get("problems", []))


def has_problem(data: dict[str, Any], file: str, path: str = "", message: str = "") -> bool:
    """A problem on ``file`` whose key path matches the regex ``path`` (from its start)
    and whose message holds ``message``."""
    return any(p["file"] == file and re.match(path, p["path"]) and message in p["message"]["en"]
               for p in data.get("problems", []))


def run_command(*args: str, timeout: int = TIMEOUT) -> subprocess.CompletedProcess[str]:
    """The installed command in a child process with a memory limit and a timeout, so that
    a hang or a blow-up fails the test instead of the suite."""
    env = {k: v for k, v in os.environ.items() if k != tree_module.ENV_VAR}

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    try:
        return subprocess.run([str(COMMAND), *args], capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=timeout, env=env, preexec_fn=limit, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`benefitcalc {' '.join(args)}` did not end within {timeout} s")


def assert_process_exit(proc: subprocess.CompletedProcess[str], code: int) -> None:
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text and "MemoryError" not in text and "internal error" not in text, text[-3000:]
    assert proc.returncode == code, f"exit {proc.returncode}, expected {code}:\n{text[-3000:]}"


def outcome(root: Path, seal: str, case: dict[str, Any]) -> tuple[str, Any]:
    """An engine's answer to a case: ("error", code) or ("ok", the result's JSON).
    Anything but a ``BenefitcalcError`` propagates: that is a bug (exit 1)."""
    try:
        return "ok", Engine(root, seal=seal).calculate(case).to_json()
    except BenefitcalcError as exc:
        return "error", exc.code


@pytest.fixture
def as_shipped(monkeypatch):
    """Make a tree the CLI's default (shipped) tree, sealed by ``seal``: the CLI then
    takes the trusted path exactly as it does for the installed package."""

    def make(root: Path, seal: str) -> None:
        monkeypatch.delenv(tree_module.ENV_VAR, raising=False)
        monkeypatch.setattr(tree_module, "shipped_rulesets_dir", lambda: root)
        monkeypatch.setattr(tree_module, "build_seal", lambda: seal)

    return make


# --- 1. the trusted path never answers differently from full validation -----------------------
# engine review finding 1; reliability item 1.

AMOUNT_2024 = r"unemployment\.amount\[since=2024-04-08\]"

#: name → (file, old text, new text, key path regex, case, CLI arguments)
HOSTILE_VALUES: dict[str, tuple[str, str, str, str, dict[str, Any], list[str]]] = {
    # engine review finding 1, first bullet
    "carried_over_admits as a string in guangdong": (
        "guangdong/province.toml", "carried_over_admits = true", 'carried_over_admits = "false"',
        r"unemployment\.eligibility\[since=2022-06-01\]\.carried_over_admits$", GZ, GZ_ARGS),
    # engine review finding 1, second bullet
    "since as a string in a jiangxi block": (
        "jiangxi/province.toml", 'since = 2018-12-01\nuntil = 2021-09-30\nsource = "jx-ui-duration"',
        'since = "2018-12-01"\nuntil = 2021-09-30\nsource = "jx-ui-duration"',
        r"unemployment\.duration\[since=2018-12-01\]\.since$", NC, NC_ARGS),
    # reliability item 1, first bullet
    "involuntary_required as a string in national": (
        "national.toml", "involuntary_required = true", 'involuntary_required = "false"',
        r"unemployment\.eligibility\[since=2011-07-01\]\.involuntary_required$", NC_VOLUNTARY, NC_VOLUNTARY_ARGS),
    # reliability item 1, second bullet
    "since as a TOML datetime in jiangxi": (
        "jiangxi/province.toml", "since = 2024-04-08", "since = 2024-04-08T00:00:00",
        r"unemployment\.amount\[since=2024-04-08[^\]]*\]\.since$", NC, NC_ARGS),
    # engine review finding 1, third bullet
    "an unknown method": (
        "jiangxi/province.toml", 'method = "share_of_minimum_wage"', 'method = "guess"', AMOUNT_2024, NC, NC_ARGS),
    # reliability item 1: "the same for NaN, a bogus rounding mode, a bad confidence or a string number"
    "a NaN share": ("jiangxi/province.toml", "share = 0.90", "share = nan", AMOUNT_2024 + r"\.share", NC, NC_ARGS),
    "a bogus rounding mode": ("jiangxi/province.toml", "share = 0.90",
                              'share = 0.90\nround = { unit = "0.01", mode = "bogus" }',
                              AMOUNT_2024 + r"\.round", NC, NC_ARGS),
    "a bad confidence": ("jiangxi/province.toml", "share = 0.90", 'share = 0.90\nconfidence = "maybe"',
                         AMOUNT_2024 + r"\.confidence", NC, NC_ARGS),
    "a string number": ("jiangxi/province.toml", "share = 0.90", 'share = "0.90"', AMOUNT_2024 + r"\.share",
                        NC, NC_ARGS),
    # reliability item 1: "model_construct skips model validators"
    "until before since": ("jiangxi/province.toml", 'since = 2024-04-08\nsource = "jx-ui-2024"',
                           'since = 2024-04-08\nuntil = 2024-04-01\nsource = "jx-ui-2024"', AMOUNT_2024, NC, NC_ARGS),
    "overlapping schedule rows": ("jiangxi/province.toml", "{ from = 5, to = 6, value = 14 }",
                                  "{ from = 5, to = 7, value = 14 }",
                                  r"unemployment\.duration\[since=2018-12-01\]\.schedule", NC, NC_ARGS),
    # the review of the new engine: names outside every model, numbers past the domain, NUL text
    "an unknown section": ("jiangxi/nanchang.toml", "[meta]", "bogus = 3\n\n[meta]", r"bogus$", NC, NC_ARGS),
    "an unknown sub-section": ("jiangxi/nanchang.toml", "[meta]",
                               '[[unemployment.bogus]]\nsince = 2020-01-01\n\n[meta]', r"unemployment\.bogus$",
                               NC, NC_ARGS),
    "an unknown area scheme": ("jiangxi/nanchang.toml", 'scheme = "unemployment_flat"\nsince = 2018-12-01',
                               'scheme = "bogus"\nsince = 2018-12-01', r"area\[since=2018-12-01\]\.scheme",
                               NC, NC_ARGS),
    "months past the domain": ("jiangxi/province.toml", "max_months = 24", "max_months = 999999999999999",
                               r"unemployment\.duration\[since=2018-12-01\]\.max_months", NC, NC_ARGS),
    "a NUL in a text": ("jiangxi/province.toml", 'title = "江西省失业保险金与最低工资标准挂钩（2024年）"',
                        'title = "江西省失业保险金\\u0000与最低工资标准挂钩（2024年）"', r"sources\.jx-ui-2024\.title",
                        NC, NC_ARGS),
}
HOSTILE = list(HOSTILE_VALUES)


def hostile_tree(root: Path, name: str) -> tuple[str, str, dict[str, Any], list[str]]:
    rel, old, new, path, case, args = HOSTILE_VALUES[name]
    edit_and_bump(root, rel, old, new)
    return rel, path, case, args


def test_a_copied_tree_sealed_with_its_own_manifest_is_really_trusted(root):
    # The forced-trust tests below are only meaningful if a seal makes a copy take the trusted path.
    seal = sha256_of_file(root / manifest.NAME)
    engine = Engine(root, seal=seal)
    assert all(f.trusted for f in engine.chain("nanchang"))
    assert not any(f.trusted for f in Engine(root, seal="").chain("nanchang"))
    assert outcome(root, seal, NC) == outcome(root, "", NC)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_value_makes_check_exit_4_naming_file_and_key_path(root, name):
    # engine review finding 1; reliability item 1
    rel, path, _, _ = hostile_tree(root, name)
    result, data = check(root)
    assert_exit(result, 4)
    assert has_problem(data, rel, path), problems_text(data)


@pytest.mark.parametrize("name", HOSTILE)
def test_write_manifest_refuses_a_hostile_value_and_leaves_manifest_unchanged(root, name):
    # engine review finding 1 ("passes check --write-manifest"); reliability item 1
    rel, path, _, _ = hostile_tree(root, name)
    before = (root / manifest.NAME).read_bytes()
    result, data = check(root, "--write-manifest")
    assert_exit(result, 4)
    assert data.get("written") is None
    assert has_problem(data, rel, path), problems_text(data)
    assert (root / manifest.NAME).read_bytes() == before
    assert temp_files(root) == []


@pytest.mark.parametrize("name", HOSTILE)
def test_a_calculation_on_a_tree_with_a_hostile_value_exits_4(root, name):
    # engine review finding 1 (TypeError / KeyError tracebacks, exit 1); reliability item 1
    rel, _, _, args = hostile_tree(root, name)
    text = assert_exit(invoke(root, *args), 4)
    assert rel in text


@pytest.mark.parametrize("name", HOSTILE)
def test_a_forged_seal_gives_the_answer_of_full_validation(root, name):
    # engine review finding 1: "the trusted path says eligible, 3 × 2070 = 6210"; reliability item 1
    rel, _, case, _ = hostile_tree(root, name)
    seal = forge_manifest(root, rel)
    validated = outcome(root, "", case)
    trusted = outcome(root, seal, case)
    assert trusted == validated


@pytest.mark.parametrize("name", HOSTILE)
def test_the_command_line_on_a_forged_sealed_tree_exits_4_never_1(root, name, as_shipped):
    # engine review finding 1: "a hand-edited MANIFEST line lets method = "guess" through: KeyError, exit 1"
    rel, _, _, args = hostile_tree(root, name)
    validated = invoke(root, *args)
    assert_exit(validated, 4)
    as_shipped(root, forge_manifest(root, rel))
    trusted = invoke(None, *args)
    assert_exit(trusted, 4)
    assert json.loads(trusted.stdout)["error"]["code"] == json.loads(validated.stdout)["error"]["code"], \
        trusted.stderr


# --- 2. --write-manifest never blesses unchecked data ----------------------------------------
# engine review finding 2; reliability items 3 and 12.

#: name → (file, old text, new text)
VALUE_CHANGES = {
    "share 0.90 to 0.95 in jiangxi": ("jiangxi/province.toml", "share = 0.90", "share = 0.95"),
    "tier 1850 to 1851 in guangdong": ("guangdong/province.toml", '"三类" = 1850', '"三类" = 1851'),
}


@pytest.mark.parametrize("name", list(VALUE_CHANGES))
def test_a_changed_value_without_a_version_bump_is_version_not_bumped(root, name):
    # engine review finding 2; reliability item 12
    rel, old, new = VALUE_CHANGES[name]
    edit(root, rel, old, new)
    result, data = check(root)
    assert_exit(result, 4)
    assert any(p["file"] == rel and p["kind"] == ProblemKind.VERSION_NOT_BUMPED for p in data["problems"]), \
        problems_text(data)


@pytest.mark.parametrize("name", list(VALUE_CHANGES))
def test_write_manifest_refuses_a_changed_value_without_a_version_bump(root, name):
    # engine review finding 2 ("check --write-manifest exits 0 and rewrites the hash"); reliability item 12
    rel, old, new = VALUE_CHANGES[name]
    edit(root, rel, old, new)
    before = (root / manifest.NAME).read_bytes()
    result, data = check(root, "--write-manifest")
    assert_exit(result, 4)
    assert data.get("written") is None
    assert any(p["kind"] == ProblemKind.VERSION_NOT_BUMPED for p in data["problems"]), problems_text(data)
    assert (root / manifest.NAME).read_bytes() == before
    assert temp_files(root) == []


@pytest.mark.parametrize("name", list(VALUE_CHANGES))
def test_after_a_version_bump_write_manifest_succeeds_and_check_is_clean(root, name):
    # engine review finding 2: the one sanctioned way to record a change
    rel, old, new = VALUE_CHANGES[name]
    edit_and_bump(root, rel, old, new)
    before = (root / manifest.NAME).read_bytes()
    result, data = check(root, "--write-manifest")
    assert_exit(result, 0)
    assert data["written"] and Path(data["written"]) == root / manifest.NAME
    assert (root / manifest.NAME).read_bytes() != before
    assert manifest.read(root).entries[rel].version == NEW_VERSION
    assert temp_files(root) == []
    result, data = check(root)
    assert_exit(result, 0)
    assert data["ok"] and data["problems"] == []


def test_write_manifest_of_one_file_is_refused_and_writes_nothing(root):
    # engine review finding 2 ("check FILE --write-manifest checks one file and writes the MANIFEST
    # of the whole tree"); reliability item 3 (a broken jiangxi file becomes trusted)
    edit_and_bump(root, "jiangxi/province.toml", "share = 0.90",
                  'share = 0.90\nround = { unit = "0.01", mode = "bogus" }')
    before = (root / manifest.NAME).read_bytes()
    result = invoke(root, "rulesets", "check", str(root / "jiangxi/province.toml"), "--write-manifest", "--json")
    assert_exit(result, 2)
    assert "--write-manifest" in result.output
    assert (root / manifest.NAME).read_bytes() == before
    assert temp_files(root) == []
    # …and without --rulesets-dir (the installed package's tree must not be touched either)
    result = invoke(None, "rulesets", "check", str(root / "jiangxi/province.toml"), "--write-manifest", "--json")
    assert_exit(result, 2)
    assert (root / manifest.NAME).read_bytes() == before
    # the library refuses a file too
    with pytest.raises(InvalidRulesetError):
        write_manifest(root / "jiangxi/province.toml")
    assert (root / manifest.NAME).read_bytes() == before


#: name → (file, old text, new text): data whose problem text contains "version is still"
VERSION_IS_STILL = {
    "a tier named 'version is still'": ("jiangxi/nanchang.toml", '"新建区" = "二类"', '"新建区" = "version is still"'),
    "a district named 'version is still'": ("jiangxi/nanchang.toml", '"南昌县" = "二类"',
                                            '"南昌县" = "二类"\n"version is still" = "五类"'),
}


@pytest.mark.parametrize("name", list(VERSION_IS_STILL))
def test_a_name_version_is_still_does_not_get_through_write_manifest(root, name):
    # engine review finding 2 (the gate matched message text); reliability item 12
    rel, old, new = VERSION_IS_STILL[name]
    edit_and_bump(root, rel, old, new)
    before = (root / manifest.NAME).read_bytes()
    result, data = check(root, "--write-manifest")
    assert_exit(result, 4)
    assert data.get("written") is None
    assert any("version is still" in p["path"] + p["message"]["en"] for p in data["problems"]), problems_text(data)
    assert (root / manifest.NAME).read_bytes() == before


# --- 3. MANIFEST damaged, and written atomically -------------------------------------------
# reliability item 9 (torn, empty) and item 10 (malformed line, non-UTF-8).


def _torn(raw: bytes) -> bytes:
    lines = raw.splitlines(keepends=True)
    cut = sum(len(line) for line in lines[:4]) + 30  # in the middle of the fourth entry
    return raw[:cut]


def _non_utf8(raw: bytes) -> bytes:
    return raw.replace("—".encode(), b"\xff\xfe", 1)


def _malformed(raw: bytes) -> bytes:
    lines = raw.decode("utf-8").splitlines(keepends=True)
    lines[3] = "jiangxi/province.toml\t2026.1\tnot-a-hash\n"
    return "".join(lines).encode("utf-8")


def _short_line(raw: bytes) -> bytes:
    lines = raw.decode("utf-8").splitlines(keepends=True)
    lines[3] = lines[3].split("\t")[0] + "\n"
    return "".join(lines).encode("utf-8")


DAMAGES = {
    "torn mid-line": _torn,                         # reliability item 9
    "empty": lambda raw: b"",                       # reliability item 9
    "not UTF-8": _non_utf8,                         # reliability items 9, 10
    "a malformed line": _malformed,                 # reliability item 10
    "a line with one field": _short_line,           # reliability item 10
}


def damage(root: Path, name: str) -> bytes:
    path = root / manifest.NAME
    original = path.read_bytes()
    damaged = DAMAGES[name](original)
    assert damaged != original
    path.write_bytes(damaged)
    return original


@pytest.mark.parametrize("name", list(DAMAGES))
def test_a_damaged_manifest_makes_check_exit_4_with_a_problem_on_manifest(root, name):
    # reliability item 9 ("a torn MANIFEST makes check crash"), item 10 (UnicodeDecodeError, ValueError)
    damage(root, name)
    result, data = check(root)
    assert_exit(result, 4)
    assert has_problem(data, manifest.NAME), problems_text(data)


@pytest.mark.parametrize("name", list(DAMAGES))
def test_write_manifest_repairs_a_damaged_manifest(root, name):
    # reliability item 9: "the tool cannot repair its own file"
    original = damage(root, name)
    result, data = check(root, "--write-manifest")
    assert_exit(result, 0)
    assert data["written"]
    assert temp_files(root) == []
    result, data = check(root)
    assert_exit(result, 0)
    repaired = manifest.read(root)
    assert not repaired.problems
    (root.parent / "original").mkdir()
    (root.parent / "original" / manifest.NAME).write_bytes(original)
    assert repaired.entries == manifest.read(root.parent / "original").entries


@pytest.mark.parametrize("name", list(DAMAGES))
def test_a_damaged_manifest_is_never_trusted_and_changes_no_answer(root, name):
    # reliability items 9 and 10: a seal over damaged bytes must not make anything trusted or crash
    damage(root, name)
    seal = sha256_of_file(root / manifest.NAME)
    assert outcome(root, seal, NC) == outcome(root, "", NC)
    assert outcome(root, seal, NC)[0] == "ok"


def test_manifest_write_leaves_no_temporary_file_behind(root):
    # reliability item 9: written to a temporary file and renamed
    entries = manifest.read(root).entries
    lines = [manifest.Line(n, e.version, e.file_sha256, e.bytes_sha256 or "") for n, e in entries.items()]
    before = sorted(p.name for p in root.iterdir())
    manifest.write(root, lines)
    assert sorted(p.name for p in root.iterdir()) == before
    assert manifest.read(root).entries == entries


@pytest.mark.parametrize("failing", ["os.replace", "os.fsync"])
def test_manifest_write_keeps_the_old_file_whole_when_writing_fails(root, monkeypatch, failing):
    # reliability item 9: "an interrupt can leave it empty; a short write leaves it torn"
    before = (root / manifest.NAME).read_bytes()
    entries = manifest.read(root).entries
    lines = [manifest.Line(n, "9999", e.file_sha256, e.bytes_sha256 or "") for n, e in entries.items()]

    def boom(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing.partition(".")[2], boom)
    with pytest.raises(OSError):
        manifest.write(root, lines)
    monkeypatch.undo()
    assert (root / manifest.NAME).read_bytes() == before
    assert temp_files(root) == []


# --- 4. region identity is unique across the tree ---------------------------------------------
# reliability item 2.


def test_a_copy_of_guangzhou_saved_as_nanchang_makes_check_and_calculation_exit_4(root):
    # reliability item 2: "shadows the real one (Nanchang 1800.00 × 15 becomes 2070.00 × 9)"
    text = (root / "guangdong/guangzhou.toml").read_text(encoding="utf-8")
    assert 'region = "guangzhou"' in text
    (root / "guangdong/nanchang.toml").write_text(text.replace('region = "guangzhou"', 'region = "nanchang"'),
                                                  encoding="utf-8")
    result, data = check(root)
    assert_exit(result, 4)
    files = {p["file"] for p in data["problems"]}
    assert "guangdong/nanchang.toml" in files, problems_text(data)
    result, data = check(root, "--write-manifest")
    assert_exit(result, 4)
    assert data.get("written") is None
    text = assert_exit(invoke(root, *NC_ARGS), 4)
    assert "guangdong/nanchang.toml" in text


#: name → (old text, new text, the duplicated name)
DUPLICATE_NAMES = {
    "alias 南昌": ('aliases = ["广州", "广州市"]', 'aliases = ["广州", "广州市", "南昌"]', "南昌"),
    "admin code 360100": ('admin_code = "440100"', 'admin_code = "360100"', "360100"),
}


@pytest.mark.parametrize("name", list(DUPLICATE_NAMES))
def test_a_duplicate_region_name_makes_check_exit_4_naming_both_files(root, name):
    # reliability item 2: "slugs, aliases and admin codes must be unique across the tree"
    old, new, duplicated = DUPLICATE_NAMES[name]
    edit_and_bump(root, "guangdong/guangzhou.toml", old, new)
    result, data = check(root)
    assert_exit(result, 4)
    named = {p["file"] for p in data["problems"] if duplicated in p["message"]["en"]}
    assert {"guangdong/guangzhou.toml", "jiangxi/nanchang.toml"} <= named, problems_text(data)


@pytest.mark.parametrize("name", list(DUPLICATE_NAMES))
def test_a_duplicate_region_name_makes_a_calculation_by_name_exit_4(root, name):
    # reliability item 2: "--region 南昌 computes for Guangzhou"
    old, new, duplicated = DUPLICATE_NAMES[name]
    edit_and_bump(root, "guangdong/guangzhou.toml", old, new)
    for region in dict.fromkeys(["南昌", duplicated]):
        args = ["unemployment", "--region", region, "--district", "新建区", "--as-of", "2024-06-01",
                "--contribution-months", "80", "--json"]
        assert_exit(invoke(root, *args), 4)


# --- 5. special files in a tree ----------------------------------------------------------------
# reliability item 7: read only regular files inside the tree, with a bounded read.

NANCHANG = "jiangxi/nanchang.toml"


def _dev_zero(root: Path) -> None:
    (root / NANCHANG).unlink()
    (root / NANCHANG).symlink_to("/dev/zero")


def _fifo(root: Path) -> None:
    (root / NANCHANG).unlink()
    os.mkfifo(root / NANCHANG)


def _outside(root: Path) -> None:
    outside = root.parent / "outside"
    outside.mkdir()
    shutil.move(root / NANCHANG, outside / "nanchang.toml")
    (root / NANCHANG).symlink_to(outside / "nanchang.toml")


SPECIAL_FILES = {"a toml symlinked to /dev/zero": _dev_zero, "a FIFO as a toml": _fifo,
                 "a symlink to a valid file outside the tree": _outside}


@pytest.mark.parametrize("name", list(SPECIAL_FILES))
def test_a_special_ruleset_file_makes_check_exit_4_quickly(root, name):
    # reliability item 7
    SPECIAL_FILES[name](root)
    proc = run_command("--rulesets-dir", str(root), "rulesets", "check", "--json")
    assert_process_exit(proc, 4)
    assert has_problem(json.loads(proc.stdout), NANCHANG), proc.stdout[-3000:]


@pytest.mark.parametrize("name", list(SPECIAL_FILES))
def test_a_special_ruleset_file_makes_a_calculation_exit_4_quickly(root, name):
    # reliability item 7: "a FIFO as a *.toml hangs every calculation"
    SPECIAL_FILES[name](root)
    proc = run_command("--rulesets-dir", str(root), *NC_ARGS)
    assert_process_exit(proc, 4)
    assert NANCHANG in proc.stderr


def test_a_fifo_as_manifest_makes_check_exit_4_quickly(root):
    # reliability item 7: "a FIFO … as MANIFEST hangs"
    (root / manifest.NAME).unlink()
    os.mkfifo(root / manifest.NAME)
    proc = run_command("--rulesets-dir", str(root), "rulesets", "check", "--json")
    assert_process_exit(proc, 4)
    assert has_problem(json.loads(proc.stdout), manifest.NAME), proc.stdout[-3000:]


def test_a_fifo_as_manifest_never_hangs_a_calculation(root):
    # reliability item 7. An unsealed tree does not need its MANIFEST to calculate, so the
    # answer may be the normal one (exit 0) or a ruleset problem (exit 4) — never a hang.
    expected = run_command("--rulesets-dir", str(root), *NC_ARGS)
    assert_process_exit(expected, 0)
    (root / manifest.NAME).unlink()
    os.mkfifo(root / manifest.NAME)
    proc = run_command("--rulesets-dir", str(root), *NC_ARGS)
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text and proc.returncode in (0, 4), text[-3000:]
    if proc.returncode == 0:
        assert proc.stdout == expected.stdout


def test_a_fifo_as_manifest_never_hangs_a_sealed_engine(root):
    # reliability item 7, on the trusted path: a sealed tree must read its MANIFEST.
    seal = sha256_of_file(root / manifest.NAME)
    (root / manifest.NAME).unlink()
    os.mkfifo(root / manifest.NAME)
    script = ("import json, sys\n"
              "from benefitcalc.engine import Engine\n"
              "from benefitcalc.errors import BenefitcalcError\n"
              "try:\n"
              "    r = Engine(sys.argv[1], seal=sys.argv[2]).calculate(json.loads(sys.argv[3]))\n"
              "    print('ok', r.amounts['monthly_benefit'])\n"
              "except BenefitcalcError as exc:\n"
              "    print('error', exc.code)\n")
    try:
        proc = subprocess.run([sys.executable, "-c", script, str(root), seal, json.dumps(NC)], capture_output=True,
                              text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"a sealed engine over a FIFO MANIFEST did not end within {TIMEOUT} s")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() in (["ok", "1683.00"], ["error", "invalid_ruleset"]), proc.stdout


# --- 6. numbers out of every domain ----------------------------------------------------------
# reliability item 8 (a 20-byte value uses 2 GB while hashing) and item 13 (no value bounds).

MW_2024 = r"minimum_wage\[since=2024-04-01\]\.monthly\.二类"

#: name → (file, old text, new text, key path regex)
BAD_NUMBERS = {
    "monthly 1e-999999999": ("jiangxi/province.toml", '"二类" = { value = 1870,', '"二类" = { value = 1e-999999999,',
                             MW_2024),  # reliability item 8
    "monthly 1e999999999": ("jiangxi/province.toml", '"二类" = { value = 1870,', '"二类" = { value = 1e999999999,',
                            MW_2024),  # reliability item 8
    "max_months -5": ("jiangxi/province.toml", "max_months = 24", "max_months = -5",
                      r"unemployment\.duration\[since=2018-12-01\]\.max_months"),  # reliability item 13
    "share 1.5": ("jiangxi/province.toml", "share = 0.90", "share = 1.5", AMOUNT_2024 + r"\.share"),  # item 13
    "rounding unit 1e-30": ("jiangxi/province.toml", "share = 0.90",
                            'share = 0.90\nround = { unit = 1e-30, mode = "half_up" }',
                            AMOUNT_2024 + r"\.round"),  # reliability items 10, 13
}


@pytest.mark.parametrize("name", list(BAD_NUMBERS))
def test_a_number_out_of_its_domain_makes_check_exit_4_naming_file_and_key_path(root, name):
    # reliability items 8 and 13
    rel, old, new, path = BAD_NUMBERS[name]
    edit_and_bump(root, rel, old, new)
    proc = run_command("--rulesets-dir", str(root), "rulesets", "check", "--json")
    assert_process_exit(proc, 4)
    data = json.loads(proc.stdout)
    assert has_problem(data, rel, path), problems_text(data)
    assert all(p["message"]["en"].strip() for p in data["problems"]), problems_text(data)


@pytest.mark.parametrize("name", list(BAD_NUMBERS))
def test_a_number_out_of_its_domain_makes_a_calculation_exit_4(root, name):
    # reliability item 8: "MemoryError traceback in calc"; item 13: "total_benefit -7875.00"
    rel, old, new, _ = BAD_NUMBERS[name]
    edit_and_bump(root, rel, old, new)
    proc = run_command("--rulesets-dir", str(root), *NC_ARGS)
    assert_process_exit(proc, 4)
    assert rel in proc.stderr


# --- 7. ruleset problems that used to end in tracebacks ----------------------------------------
# reliability item 10 (the MANIFEST ones are in section 3).


def test_an_area_tier_missing_from_the_tier_table_exits_4_not_key_error(root):
    # reliability item 10: "an area tier missing from the tier table (KeyError)"
    edit_and_bump(root, NANCHANG, '"新建区" = "二类"', '"新建区" = "四类"')
    result, data = check(root)
    assert_exit(result, 4)
    assert has_problem(data, NANCHANG, r"area\[since=2024-04-01\]\.districts\.新建区", "四类"), problems_text(data)
    text = assert_exit(invoke(root, *NC_ARGS), 4)
    assert "四类" in text
    assert outcome(root, "", NC) == ("error", "invalid_ruleset")


def test_an_area_tier_missing_from_the_tier_table_exits_4_on_a_sealed_tree(root, as_shipped):
    # reliability item 10, on the trusted path (a sealed MANIFEST listing the edited file)
    edit_and_bump(root, NANCHANG, '"新建区" = "二类"', '"新建区" = "四类"')
    as_shipped(root, forge_manifest(root, NANCHANG))
    assert_exit(invoke(None, *NC_ARGS), 4)


def test_a_block_until_9999_12_31_makes_check_exit_4_naming_it(root):
    # reliability item 10: "a block until = 9999-12-31 (OverflowError in check)"
    edit_and_bump(root, "jiangxi/province.toml", 'since = 2025-12-01\nsource = "jx-mw-2025"',
                  'since = 2025-12-01\nuntil = 9999-12-31\nsource = "jx-mw-2025"')
    result, data = check(root)
    assert_exit(result, 4)
    assert has_problem(data, "jiangxi/province.toml", r"minimum_wage\[since=2025-12-01\]\.until"), \
        problems_text(data)
    result, data = check(root, "--write-manifest")
    assert_exit(result, 4)
    assert_exit(invoke(root, *NC_ARGS), 4)


def test_coverage_to_9999_12_31_is_invalid_input(root):
    # reliability item 10: "rulesets coverage --to 9999-12-31 (OverflowError)"
    result = invoke(root, "rulesets", "coverage", "--to", "9999-12-31")
    assert_exit(result, 3)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("benefitcalc: invalid_input:") and "to" in lines[0], result.stderr
    result = invoke(root, "rulesets", "coverage", "--to", "9999-12-31", "--json")
    assert_exit(result, 3)
    assert json.loads(result.stdout)["error"]["code"] == "invalid_input"


# engine review, point 2 again: a damaged or deleted MANIFEST line must not let a repair
# record a changed file whose version was not bumped (the committed MANIFEST is the reference)

def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t"})


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize("how", ["a damaged hash", "the line deleted"])
def test_a_damaged_line_cannot_hide_a_change_without_a_version_bump(root, how):
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "rulesets")
    path = root / "jiangxi/province.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("value = 1870,", "value = 1871,"), encoding="utf-8")
    text = (root / manifest.NAME).read_text(encoding="utf-8")
    lines = text.split("\n")
    i = next(n for n, line in enumerate(lines) if line.startswith("jiangxi/province.toml\t"))
    if how == "a damaged hash":
        name, version, file_sha, rest = lines[i].split("\t", 3)
        lines[i] = "\t".join([name, version, "Z" + file_sha[1:], rest])
    else:
        del lines[i]
    (root / manifest.NAME).write_text("\n".join(lines), encoding="utf-8")
    before = (root / manifest.NAME).read_bytes()
    result, data = check(root, "--write-manifest")
    assert_exit(result, 4)
    assert any(p["kind"] == "version_not_bumped" and p["file"] == "jiangxi/province.toml" for p in data["problems"])
    assert (root / manifest.NAME).read_bytes() == before


def test_check_finds_a_tier_an_inherited_area_names_but_a_lower_tier_table_lacks(root):
    # the review of the new engine: a district below Nanchang with its own minimum-wage table
    (root / "jiangxi/nanchang-x.toml").write_text("""[meta]
region = "nanchang-x"
level = "district"
name = { zh = "某区", en = "X" }
extends = "nanchang"
version = "1"
published = 2025-01-01
verified_through = 2025-12-31

[sources.x]
title = "t"

[[minimum_wage]]
since = 2024-01-01
source = "x"
monthly = { "甲" = 2100 }
""", encoding="utf-8")
    result, data = check(root)
    assert_exit(result, 4)
    assert has_problem(data, "jiangxi/nanchang.toml", r"area\[since=2024-04-01\]\.districts\.", "which nanchang-x uses")


def test_a_file_in_a_hidden_or_badly_named_folder_is_never_read(root):
    hidden = root / ".old"
    hidden.mkdir()
    text = (root / "jiangxi/nanchang.toml").read_text(encoding="utf-8")
    (hidden / "oldtown.toml").write_text(text.replace('region = "nanchang"', 'region = "oldtown"'), encoding="utf-8")
    assert_exit(invoke(root, "unemployment", "--region", "oldtown", "--as-of", "2024-06-01",
                       "--contribution-months", "80"), 3)
    result, data = check(root)
    assert_exit(result, 0)
