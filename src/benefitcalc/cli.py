"""The command line: parse arguments, call ``services``, hand results to ``render`` or JSON.

The only module importing typer. Errors from the library reach one handler that prints
one line on stderr (and the error object on stdout for JSON consumers) and exits with
the documented status (SPEC §4); ``main`` is the outer handler for everything else: an
unexpected exception is one line and exit 1, Ctrl-C exit 130, SIGTERM exit 143, and
``--traceback`` shows the traceback for developers.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, get_args, get_type_hints

import typer

try:
    from typer import _click as click  # typer ≥ 0.22 carries its own copy of click
except ImportError:  # pragma: no cover - an older typer on click
    import click  # type: ignore[no-redef,import-not-found,unused-ignore]

from .errors import BenefitcalcError, ExitStatus, exit_status_of

if TYPE_CHECKING:
    from .engine import Engine
    from .models import ErrorResult, Result
    from .rules.tree import RulesetTree

EXIT_STATUSES = ("Exit statuses: 0 ok (an ineligible case is ok); 2 usage error; 3 invalid input (a bad case, an "
                 "unknown region or district; in a batch, some line failed); 4 ruleset problem (a data gap, an "
                 "invalid ruleset); 5 differences found (--strict warnings, verify, diff --exit-code, fmt "
                 "--check); 74 the output could not be written (a full disk); 141 the reader closed the pipe "
                 "(| head); 130/143 interrupted; 1 a bug.")
GLOBAL_OPTIONS = ("Global options (--rulesets-dir DIR, --traceback) go before the command or anywhere after it; "
                  "--lang zh|en is taken by every command.")

APP_SETTINGS: dict[str, Any] = dict(
    name="benefitcalc",
    help="Chinese social-insurance benefit calculator on versioned, sourced rulesets.\n\n"
         "Every figure comes from a TOML ruleset that cites its document; "
         "`benefitcalc rulesets --help` shows how to inspect them.",
    epilog=f"{GLOBAL_OPTIONS}\n\n{EXIT_STATUSES}",
    no_args_is_help=True, add_completion=True, pretty_exceptions_enable=False, rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
app = typer.Typer(**APP_SETTINGS)
rulesets_app = typer.Typer(help="Inspect, check and compare the rulesets: list, show, check, coverage; diff (with "
                                "--impact), history, sources; new-block, fmt.",
                           epilog=EXIT_STATUSES, no_args_is_help=True, rich_markup_mode=None)
app.add_typer(rulesets_app, name="rulesets")





class Lang(str, Enum):
    zh = "zh"
    en = "en"


class State:
    rulesets_dir: Path | None = None
    traceback: bool = False
    lang: Lang | None = None  # --lang, wherever it was given; else the locale
    indent: int | None = None  # --indent: JSON for people
    noted: bool = False  # the note on a local rulesets/ folder was written


STATE = State()

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON, one compact object per line (the default when "
                                                      "stdout is not a terminal).")]


@rulesets_app.callback()
def rulesets_options(lang: LangOpt = None) -> None:
    """Inspect, check and compare the rulesets: list, show, check, coverage; diff (with
    --impact), history, sources; new-block, fmt."""


def _set_indent(value: int | None) -> int | None:
    if value is not None:
        STATE.indent = value
    return value


IndentOpt = Annotated[int | None, typer.Option("--indent", metavar="N", min=0, max=8, callback=_set_indent,
                                               help="Indent JSON by N spaces, for people (default: one line).")]


def default_lang() -> Lang:
    loc = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return Lang.zh if loc.lower().startswith("zh") else Lang.en


def current_lang() -> Lang:
    """The language of labels and messages: ``--lang`` if given, else from the locale."""
    return STATE.lang or default_lang()


def _set_lang(value: Lang | None) -> Lang | None:
    if value is not None:
        STATE.lang = Lang(value)
    return value


LangOpt = Annotated[Lang | None, typer.Option(
    "--lang", callback=_set_lang, help="Language of labels and messages: zh or en (default from the locale, "
                                       "LANG=zh_CN.UTF-8 gives zh).")]


def json_mode(flag: bool) -> bool:
    return flag or not sys.stdout.isatty()


def clean(text: str) -> str:
    """User text made safe for one terminal line: control characters escaped."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def _unicode_out() -> bool:
    """Whether stdout can take Chinese text as is (else JSON escapes it: still valid JSON)."""
    try:
        "中".encode(sys.stdout.encoding or "ascii")
    except (LookupError, UnicodeEncodeError):
        return False
    return True


def emit_json(data: Any, indent: int | None = None) -> None:
    """One JSON object on one line (the scripts' contract); ``--indent N`` (or ``indent``)
    spreads it over lines for people."""
    raw = _unicode_out()
    indent = STATE.indent if STATE.indent is not None else indent
    text = json.dumps(data, ensure_ascii=not raw, indent=indent) if indent else \
        json.dumps(data, ensure_ascii=not raw, separators=(",", ":"))
    sys.stdout.write(text + "\n")


def long_running() -> None:
    """Turn the cyclic garbage collector back on (``__main__`` pauses it for start-up),
    after freezing what start-up allocated: for commands that may run long."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class Usage(typer.BadParameter):
    """A usage error of ours (exit 2), in English and Chinese."""

    def __init__(self, message: str, zh: str, param_hint: str | None = None) -> None:
        super().__init__(message, param_hint=param_hint)
        self.zh = zh


_CLICK_ZH = (  # click's own wordings → Chinese (the English is kept as click says it)
    (r"^'(.*)' is not one of (.*?)\.?$", r"'\1' 不是以下之一：\2"),
    (r"^Got unexpected extra argument(?:\(s\)|s)? \((.*)\)$", r"多余的参数：\1"),
    (r"^No such command '(.*)'\.$", r"没有这个命令：\1"),
    (r"^No such command '(.*)'\.\s*Did you mean '(.*)'\?$", r"没有这个命令：\1（是否指 \2？）"),
    (r"^'(.*)' is not a valid integer\.?$", r"'\1' 不是整数"),
    (r"^Option '(.*)' requires an argument\.$", r"选项 \1 需要一个值"),
    (r"^Option '(.*)' does not take a value\.$", r"选项 \1 不接受值"),
    (r"^Input should be greater than or equal to (\S+)$", r"须不小于 \1"),
    (r"^Input should be less than or equal to (\S+)$", r"须不大于 \1"),
)


def click_zh(text: str) -> str:
    import re

    for pattern, zh in _CLICK_ZH:
        if re.match(pattern, text):
            return re.sub(pattern, zh, text)
    return f"用法错误：{text}"


def no_case(source: str) -> BenefitcalcError:
    from .errors import InvalidInputError

    name = "standard input" if source == "-" else source
    return InvalidInputError(f"no case in {name}", field="file",
                             zh=f"{'标准输入' if source == '-' else source} 中没有案例")


def fail(exc: BenefitcalcError, as_json: bool, ident: Any = None) -> NoReturn:
    """One line on stderr (in the chosen language), the error object on stdout for scripts,
    and the exit status."""
    sys.stderr.write(f"benefitcalc: {exc.code}: {clean(exc.text(current_lang().value))}\n")
    if as_json:
        emit_json({"id": ident, "error": exc.to_json()})
    raise typer.Exit(int(exc.exit_status))


@contextmanager
def handled(as_json: bool, ident: Callable[[], Any] = lambda: None) -> Iterator[None]:
    """Map a library error to one line on stderr and its exit status."""
    try:
        yield
    except BenefitcalcError as exc:
        if STATE.traceback:
            raise
        fail(exc, as_json, ident())


def tree() -> RulesetTree:
    from .services.rulesets import open_tree

    _local_rulesets_note()
    return open_tree(STATE.rulesets_dir)


def engine() -> Engine:
    from .services.calculate import open_engine

    _local_rulesets_note()
    return open_engine(STATE.rulesets_dir)


def _local_rulesets_note() -> None:
    """On a terminal, in a folder with its own rulesets/ that this command does not use (a
    checkout being edited), say which rulesets are used, once."""
    if STATE.noted or STATE.rulesets_dir is not None or os.environ.get("BENEFITCALC_RULESETS") \
            or not Path("rulesets", "national.toml").is_file() or not sys.stderr.isatty():
        return
    STATE.noted = True
    from .rules.tree import default_rulesets_dir

    used = default_rulesets_dir()
    if used.resolve() != Path("rulesets").resolve():
        if current_lang() == Lang.zh:
            sys.stderr.write(f"benefitcalc: 注意：使用的是 {used} 中的规则集，而不是当前目录的 rulesets/"
                             "（如需使用，请加 --rulesets-dir rulesets）\n")
        else:
            sys.stderr.write(f"benefitcalc: note: the rulesets used are those in {used}, not ./rulesets "
                             "(give --rulesets-dir rulesets to use it)\n")


def parse_date_option(value: str | None, field: str = "as_of") -> dt.date | None:
    """A date option; an empty one is a usage error (never today)."""
    from .services.rulesets import parse_date

    if value is not None and not value.strip():
        option = "--" + field.replace("_", "-")
        raise Usage(f"{option}: must not be empty (give a date YYYY-MM-DD, or leave the option out for today)",
                    f"{option}：不得为空（请给出日期 YYYY-MM-DD，或省略该选项表示今天）")
    return None if value is None else parse_date(value, field)


def _version(value: bool) -> None:
    if value:
        from .version import version

        sys.stdout.write(f"benefitcalc {version()}\n")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    rulesets_dir: Annotated[str | None, typer.Option(
        "--rulesets-dir", envvar="BENEFITCALC_RULESETS", metavar="DIR",
        help="Use the rulesets in this directory instead of the shipped ones (each file validated as it is "
             "read; `rulesets check DIR` checks across files). A global option: before or after the command.")]
    = None,
    traceback: Annotated[bool, typer.Option(
        "--traceback", help="Show a traceback on errors (for developers).")] = False,
    lang: LangOpt = None,
) -> None:
    if rulesets_dir is not None and not rulesets_dir.strip():
        raise Usage("must not be empty", "不得为空", param_hint="'--rulesets-dir' / BENEFITCALC_RULESETS")
    STATE.rulesets_dir = None if rulesets_dir is None else Path(rulesets_dir)
    STATE.traceback = traceback


# --- rulesets --------------------------------------------------------------------------


@rulesets_app.command("list")
def rulesets_list(as_json: JsonOpt = False, lang: LangOpt = None, indent: IndentOpt = None) -> None:
    """List the regions: slug, level, names, admin code, aliases, parent and version."""
    from .services.rulesets import list_regions

    j = json_mode(as_json)
    with handled(j):
        data = list_regions(tree())
    if j:
        emit_json({"regions": data})
    else:
        from . import render

        render.regions(data, current_lang().value)


@rulesets_app.command("show")
def rulesets_show(
    region: Annotated[str, typer.Argument(help="A slug (nanchang), alias (南昌) or admin code "
                                               "(360100), optionally with @DATE: nanchang@2024-06-01.")],
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="YYYY-MM-DD", help="The date; default today.")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    indent: IndentOpt = None,
) -> None:
    """Show the rules in force for a region on a date: each sub-section's values with the
    level and block they come from and their sources; uncovered sub-sections are listed."""
    from .services.rulesets import show, split_region_date

    j = json_mode(as_json)
    if "@" in region and as_of is not None:
        raise Usage("give the date as REGION@DATE or --as-of, not both", "日期只能以 REGION@DATE 或 --as-of 之一给出",
                    param_hint="'--as-of'")
    with handled(j):
        name, date = split_region_date(region, parse_date_option(as_of))
        data = show(tree(), name, date or dt.date.today())
    if j:
        emit_json(data)
    else:
        from . import render

        render.show(data, current_lang().value)


@rulesets_app.command("check")
def rulesets_check(
    path: Annotated[Path | None, typer.Argument(
        help="A rulesets directory or one file; default: ./rulesets when the current directory has one (a "
             "checkout), else the rulesets in use (--rulesets-dir or the installed copy).")] = None,
    write_manifest: Annotated[bool, typer.Option(
        "--write-manifest", help="Check the whole tree and, when only its MANIFEST is out of date, rewrite it "
                                 "(never over a changed file whose version was not bumped).")] = False,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    indent: IndentOpt = None,
) -> None:
    """Validate every file of a rulesets tree and report every problem at once (exit 4 if any).

    It says which tree it checked. In a checkout (a rulesets/ folder in the current
    directory) it checks that folder, not the installed copy; --write-manifest never writes
    inside the installed package."""
    from .services import rulesets as service

    long_running()
    j = json_mode(as_json)
    if write_manifest and path is not None and path.is_file():
        raise Usage("writes the MANIFEST of a whole tree: give the tree's directory, not one file",
                    "写入的是整棵规则树的 MANIFEST：请给出树的目录，而不是单个文件", param_hint="'--write-manifest'")
    if path is None and STATE.rulesets_dir is None and Path("rulesets", "national.toml").is_file():
        path = Path("rulesets")  # a checkout: the files the user edits, not the installed copy
        STATE.noted = True  # and this command uses them
    with handled(j):
        t = tree()
        checked = path if path is not None else t.root
        if write_manifest:
            from .services.audit import writable

            writable(checked)
        report = service.write_manifest(t, path) if write_manifest else service.check(t, path)
    if j:
        emit_json({"ok": report.ok, "checked": str(checked), "written": str(report.written) if report.written else None,
                   "files": [service.file_ref(f) | {"file": f.name} for f in report.files],
                   "problems": [p.to_json() for p in report.problems],
                   "notes": [n.to_json() for n in report.notes]})
    else:
        from . import render

        render.check(report, current_lang().value, str(checked))
    if not report.ok:
        first = report.problems[0]
        more = f" (and {plural(len(report.problems) - 1, 'more problem')})" if len(report.problems) > 1 else ""
        if current_lang() == Lang.zh:
            more = f"（另有 {len(report.problems) - 1} 个问题）" if len(report.problems) > 1 else ""
        sys.stderr.write(f"benefitcalc: invalid_ruleset: {clean(first.text(current_lang().value))}{more}\n")
        raise typer.Exit(int(ExitStatus.RULESET))


@rulesets_app.command("coverage")
def rulesets_coverage(
    region: Annotated[str | None, typer.Argument(help="One region; default all.")] = None,
    start: Annotated[str | None, typer.Option(
        "--from", metavar="YYYY-MM-DD", help="First day reported; default 2018-01-01, where the data starts.")] = None,
    end: Annotated[str | None, typer.Option(
        "--to", metavar="YYYY-MM-DD", help="Last day reported; default today.")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    indent: IndentOpt = None,
) -> None:
    """Which periods of each sub-section are confirmed, derived, unconfirmed or missing."""
    from .services.coverage import COVERAGE_START, coverage

    long_running()
    j = json_mode(as_json)
    with handled(j):
        first = parse_date_option(start, "from") or COVERAGE_START
        last = parse_date_option(end, "to")
    if last is not None and first > last:
        raise Usage(f"--from {first} is after --to {last}: give the earlier day first",
                    f"--from {first} 晚于 --to {last}：请先给较早的日期")
    with handled(j):
        data = coverage(tree(), region, first, last)
    if j:
        emit_json(data)
    else:
        from . import render

        render.coverage(data, current_lang().value)


class AuditFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


def audit_out(fmt: AuditFormat | None) -> str:
    return fmt.value if fmt is not None else ("text" if sys.stdout.isatty() else "json")


AuditFormatOpt = Annotated[AuditFormat | None, typer.Option(
    "--format", help="text (a table, the default on a terminal), json (the default otherwise) or markdown (a "
    "report).")]


@rulesets_app.command("diff")
def rulesets_diff(
    a: Annotated[str, typer.Argument(help="REGION@DATE, a rulesets folder or file, or git:REV (the shipped tree at a "
                                          "git revision of this checkout).")],
    b: Annotated[str, typer.Argument(help="The same, for the other side.")],
    region: Annotated[str | None, typer.Option("--region", help="The region, where a side is a tree or git:REV.")]
    = None,
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="YYYY-MM-DD",
                                              help="The date, where a side does not say it.")] = None,
    impact_cases: Annotated[str | None, typer.Option(
        "--impact", metavar="CASES", help="Recompute these cases (JSON Lines, a JSON array or .csv) under both "
        "sides and summarise the change per benefit and amount; a case without as_of takes each side's date.")]
    = None,
    impact_out: Annotated[str | None, typer.Option(
        "--impact-out", metavar="FILE", help="With --impact: one JSON line per case (amounts on each side, change).")]
    = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="Processes for --impact (each builds its own engines).")]
    = 1,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 5 when there are differences (like git diff "
                                                                "--exit-code).")] = False,
    fmt: AuditFormatOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    indent: IndentOpt = None,
) -> None:
    """Every parameter added, removed or changed between two sets of rules in force.

    Each change names its param path (as `rulesets show` and the steps do), the level it lives
    at, old and new value, the change and % change, the block and the source on each side; a
    change of method is one entry naming both methods.

    Example: benefitcalc rulesets diff nanchang@2023-07-01 nanchang@2024-07-01
    """
    from .services import audit

    if impact_out is not None and impact_cases is None:
        raise Usage("--impact-out needs --impact CASES", "--impact-out 需要同时给出 --impact CASES")
    out = "json" if as_json else audit_out(fmt)
    with handled(out == "json"):
        day = parse_date_option(as_of)
        sides = (audit.side(a, tree(), region, day), audit.side(b, tree(), region, day))
        data = audit.diff(*sides)
        if impact_cases is not None:
            long_running()
            records = audit.impact(*sides, audit.read_objects(impact_cases), jobs=jobs)
            data["impact"] = audit.summarize(*sides, _write_lines(records, impact_out))
    if out == "json":
        emit_json(data)
    else:
        from . import render

        render.diff(data, markdown=out == "markdown")
    if exit_code and data["changes"]:
        raise typer.Exit(int(ExitStatus.DIFFERENCES))


def _write_lines(records: Iterator[dict[str, Any]], path: str | None) -> Iterator[dict[str, Any]]:
    """Pass records through, writing each as a JSON line to ``path`` if given."""
    if path is None:
        yield from records
        return
    try:
        f = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        from .errors import InvalidInputError

        raise InvalidInputError(f"--impact-out {path}: {exc.strerror}", field="impact_out") from None
    with f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            yield record


@rulesets_app.command("history")
def rulesets_history(
    region: Annotated[str, typer.Argument(help="Region slug, alias or admin code.")],
    param: Annotated[str, typer.Argument(help="A param path as `rulesets show` prints it, e.g. "
                                              "unemployment.amount.share or minimum_wage.monthly.一类.")],
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    indent: IndentOpt = None,
) -> None:
    """One parameter over time: the value a calculation reads from each day a block starts
    (each year for yearly figures), with its level, block, source and confidence."""
    from .services import audit

    answer(as_json, lambda: audit.history(tree(), region, param), "history")


@rulesets_app.command("sources")
def rulesets_sources(
    region: Annotated[str | None, typer.Argument(help="One region's chain; default every file.")] = None,
    ident: Annotated[str | None, typer.Argument(help="One source id (jx-ui-2024 or jiangxi:jx-ui-2024): the values "
                                                     "that cite it.")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    indent: IndentOpt = None,
) -> None:
    """Every document the rulesets cite, with the confidence of the values that use it."""
    from .services import audit

    answer(as_json, lambda: audit.sources(tree(), region, ident), "sources")


def answer(as_json: bool, make: Callable[[], dict[str, Any]], drawer: str) -> None:
    """Compute a report and print it as one JSON line or with the named ``render`` function."""
    j = json_mode(as_json)
    with handled(j):
        data = make()
    if j:
        emit_json(data)
    else:
        from . import render

        getattr(render, drawer)(data)


@rulesets_app.command("new-block")
def rulesets_new_block(
    region: Annotated[str, typer.Argument(help="The region whose file gets the block.")],
    subsection: Annotated[str, typer.Argument(help="The dated sub-section, e.g. minimum_wage.")],
    since: Annotated[str, typer.Option("--since", metavar="YYYY-MM-DD", help="The new block's first day.")],
    lang: LangOpt = None,
) -> None:
    """Copy the block in force on --since into a new block from that day (the old one closed
    the day before), ready to edit. The file is rewritten canonically: comments are not kept."""
    from .services import audit

    with handled(False):
        day = parse_date_option(since, "since")
        assert day is not None
        path = audit.new_block(tree(), region, subsection, day)
    sys.stderr.write(f"benefitcalc: wrote {path} (a new {subsection} block from {day}; comments are not kept): "
                     "edit it, bump meta.version, then run `benefitcalc rulesets check --write-manifest`\n")


@rulesets_app.command("fmt")
def rulesets_fmt(
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="PATH", help="Ruleset files or directories; default every file of the tree.")] = None,
    check: Annotated[bool, typer.Option("--check", help="Only say which files would change; exit 5 if any.")] = False,
    lang: LangOpt = None,
) -> None:
    """Rewrite ruleset files canonically (the same data, in one layout; idempotent).

    Comments are not kept: run it on files whose comments you do not need, or use --check."""
    from .services import audit

    with handled(False):
        files = paths or tree().paths
        changed = audit.fmt(list(files), check)
    for path in changed:
        sys.stdout.write(f"{'would reformat' if check else 'reformatted'} {path}\n")
    if check and changed:
        raise typer.Exit(int(ExitStatus.DIFFERENCES))


@app.command("verify")
def verify(
    results: Annotated[str, typer.Argument(help="Saved results: one JSON result, a JSON array or JSON Lines, or - "
                                                "for standard input.")],
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    indent: IndentOpt = None,
) -> None:
    """Recompute saved results from the case each echoes, with the current rulesets: do the
    amounts and resolved_sha256 still match? Where not, the parameters the result used whose
    value changed. Exit 0 when all match, 5 when any differs."""
    from .services import audit

    j = json_mode(as_json)
    differs = 0
    with handled(j):
        for record in audit.verify(audit.read_objects(results), tree()):
            differs += not record["match"]
            if j:
                emit_json(record)
            else:
                from . import render

                render.verified(record)
    if differs:
        sys.stderr.write(f"benefitcalc: {plural(differs, 'result')} no longer match{'es' if differs == 1 else ''}\n")
        raise typer.Exit(int(ExitStatus.DIFFERENCES))


class SchemaKind(str, Enum):
    case = "case"
    result = "result"
    ruleset = "ruleset"


@app.command("schema")
def schema(kind: Annotated[SchemaKind, typer.Argument(help="case, result or ruleset.")], lang: LangOpt = None,
           indent: IndentOpt = None) -> None:
    """Print a JSON Schema generated from the models."""
    from .services import schemas

    make = {"case": schemas.case_schema, "result": schemas.result_schema,
            "ruleset": schemas.ruleset_schema}[kind.value]
    emit_json(make(), indent=2)


# --- calculations ------------------------------------------------------------------------

ExplainOpt = Annotated[bool, typer.Option("--explain", help="Print every step with its formula, parameter and source.")]
StrictOpt = Annotated[bool, typer.Option(
    "--strict", help="Exit 5 when the result carries warnings (e.g. an unconfirmed value).")]


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


FormatOpt = Annotated[Format | None, typer.Option(
    "--format", help="text: panels for a terminal (the default there); json: one object per line (the default when "
    "stdout is not a terminal, so scripts keep their contract; --json is the same); markdown or html: a printable "
    "case record for the case file (inputs, result, every step with its source, ruleset versions, "
    "resolved_sha256 and the time computed), e.g. --format html > record.html.")]


def output(as_json: bool, fmt: Format | None) -> str:
    """The output format: ``--json`` or ``--format``, else text on a terminal and JSON otherwise."""
    if as_json and fmt not in (None, Format.json):
        raise Usage(f"--json and --format {fmt.value if fmt else ''}: give one of them",
                    f"--json 与 --format {fmt.value if fmt else ''} 只能给一个")
    if as_json or fmt is Format.json:
        return "json"
    if fmt is not None:
        return fmt.value
    return "text" if sys.stdout.isatty() else "json"


def show_result(result: Result | ErrorResult, out: str, explain: bool, lang: Lang | None) -> None:
    """Print one result as compact JSON, a rich panel or a record section (markdown, html)."""
    from .models import ErrorResult

    language = (lang or current_lang()).value
    if isinstance(result, ErrorResult):
        where = [f"file {clean(str(result.details['file']))}"] if result.details.get("file") else []
        where += [f"line {result.line}"] if result.line is not None else []
        where += [f"id {clean(str(result.id))}"] if result.id is not None else []
        sys.stderr.write(f"benefitcalc: {result.code}: {clean(result.text(language))}"
                         + (f" ({', '.join(where)})" if where else "") + "\n")
        if out == "json":
            emit_json(result.to_json())
        elif out in ("markdown", "html"):
            from . import record

            write_record(out, *record.error_sections(result.to_json(), language))
        return
    data = result.to_json()
    if out == "json":
        emit_json(data)
        return
    from . import benefits

    benefit = benefits.get(result.benefit)
    labels = {a.name: (a.zh, a.en) for a in benefit.amounts}
    if out == "text":
        from . import render

        name = engine().tree.chain(result.region)[0].meta.name
        render.result(data, explain=explain, lang=language, amount_labels=labels, region_name=(name.zh, name.en))
    else:
        from . import record

        computed = dt.datetime.now().astimezone().replace(microsecond=0)
        name = engine().tree.chain(result.region)[0].meta.name
        write_record(out, *record.sections(data, language, benefit.name, labels, computed, (name.zh, name.en)))


def write_record(out: str, title: str, parts: list[Any]) -> None:
    from . import record

    text = record.markdown(title, parts) if out == "markdown" else record.html_section(title, parts)
    sys.stdout.write(text + "\n")


@contextmanager
def record_page(out: str, lang: Lang | None) -> Iterator[None]:
    """An HTML record is one page around every result; other formats need no frame."""
    if out != "html":
        yield
        return
    from . import record

    sys.stdout.write(record.html_head((lang or current_lang()).value) + "\n")
    try:
        yield
    finally:
        sys.stdout.write(record.HTML_TAIL + "\n")


def deliver(result: Result, out: str, explain: bool, lang: Lang | None, strict: bool) -> None:
    """Print a result; ``--strict`` turns warnings into exit 5."""
    with record_page(out, lang):
        show_result(result, out, explain, lang)
    if strict and result.warnings:
        sys.stderr.write(f"benefitcalc: strict: {plural(len(result.warnings), 'warning')}\n")
        raise typer.Exit(int(ExitStatus.DIFFERENCES))


def _case(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


# Options shared by every benefit command (SPEC §4: the kebab-case case-field names). Values
# are taken as text and checked by the library, so a bad value exits 3 whichever way it came.
def _complete_region(incomplete: str) -> list[tuple[str, str]]:
    from .services.rulesets import complete_region

    return complete_region(tree(), incomplete)


def _complete_district(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from .services.rulesets import complete_district

    return complete_district(tree(), ctx.params.get("region"), incomplete)


RegionOpt = Annotated[str, typer.Option(
    "--region", metavar="REGION", autocompletion=_complete_region,
    help="Region: slug, Chinese name (with or without 市/区/县), alias, admin code or an address: nanchang, 南昌, "
         "360100, 南昌市新建区.")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", metavar="YYYY-MM-DD", help="The case's date (for unemployment: registration); default today.")]
DistrictOpt = Annotated[str | None, typer.Option(
    "--district", metavar="DISTRICT", autocompletion=_complete_district,
    help="District by its Chinese name, with or without 区/县 (新建区, 新建); default the city's core districts "
         "(the result says which, with district_source).")]
IdOpt = Annotated[str | None, typer.Option("--id", metavar="ID", help="An id echoed back in the result.")]
MonthsOpt = Annotated[str, typer.Option(
    "--contribution-months", metavar="MONTHS",
    help="Months of unemployment-insurance contributions (社会保险法 第46条).")]
CarriedOpt = Annotated[str | None, typer.Option(
    "--carried-over-months", metavar="MONTHS", help="Months not yet drawn from an earlier spell.")]
WageOpt = Annotated[str | None, typer.Option(
    "--average-monthly-wage", metavar="YUAN",
    help="Average monthly contribution wage of the 12 months before unemployment (Jiangsu; Guangdong's job-search "
         "subsidy).")]
BirthOpt = Annotated[str | None, typer.Option("--birth-date", metavar="YYYY-MM-DD", help="Date of birth.")]
PensionOpt = Annotated[str | None, typer.Option(
    "--pension-start-date", metavar="YYYY-MM-DD", help="The day a basic pension starts, if known: benefit stops then.")]
InvoluntaryOpt = Annotated[bool, typer.Option(
    "--involuntary/--voluntary", help="Whether the loss of work was not of one's own will.")]
SexOpt = Annotated[str | None, typer.Option(
    "--sex", metavar="male|female", help="With --birth-date: the statutory retirement month is derived.")]
OriginalAgeOpt = Annotated[str | None, typer.Option(
    "--original-age", metavar="50|55",
    help="For a woman: the original statutory retirement age of her post (50 workers, 55 cadres and managers).")]


def compute(data: dict[str, Any], out: str, explain: bool, lang: Lang | None, strict: bool) -> None:
    """One case from a benefit command's options: compute and deliver it. An option given
    as an empty text (``--as-of ''``) is a usage error, never a default."""
    for key, value in data.items():
        if isinstance(value, str) and not value.strip():
            option = "--" + key.replace("_", "-")
            raise Usage(f"{option}: must not be empty (leave the option out for its default)",
                        f"{option}：不得为空（省略该选项即取默认值）")
    with handled(out == "json", lambda: data.get("id")):
        result = engine().calculate(data)
    deliver(result, out, explain, lang, strict)


def as_of_text(value: str | None) -> str:
    """``--as-of`` as given (``''`` is a usage error, see ``compute``), or today."""
    return dt.date.today().isoformat() if value is None else value


@app.command("unemployment")
def unemployment(
    region: RegionOpt, contribution_months: MonthsOpt, as_of: AsOfOpt = None, district: DistrictOpt = None,
    involuntary: InvoluntaryOpt = True, carried_over_months: CarriedOpt = None, average_monthly_wage: WageOpt = None,
    birth_date: BirthOpt = None, sex: SexOpt = None, original_age: OriginalAgeOpt = None,
    pension_start_date: PensionOpt = None, case_id: IdOpt = None,
    explain: ExplainOpt = False, lang: LangOpt = None, as_json: JsonOpt = False, fmt: FormatOpt = None,
    strict: StrictOpt = False,
    indent: IndentOpt = None,
) -> None:
    """失业保险金: eligibility, months and monthly amount for one claimant.

    With --birth-date and --sex (and --original-age for a woman) the benefit stops at the
    statutory retirement month, or runs until it when it would end less than a year before.

    Example: benefitcalc unemployment --region nanchang --as-of 2024-06-01 --contribution-months 80
    """
    compute(_case({"benefit": "unemployment", "id": case_id, "region": region, "district": district,
                   "as_of": as_of_text(as_of), "contribution_months": contribution_months,
                   "involuntary": involuntary, "carried_over_months": carried_over_months,
                   "average_monthly_wage": average_monthly_wage, "birth_date": birth_date, "sex": sex,
                   "original_age": original_age, "pension_start_date": pension_start_date}),
            output(as_json, fmt), explain, lang, strict)


DependantOpt = Annotated[list[str] | None, typer.Option(
    "--dependant", metavar="RELATION[:extra]",
    help="A dependant of the deceased: spouse, child, parent or other; add :extra for an orphan or a lone elder "
         "(孤儿、孤寡老人). Repeat for each.")]


def dependants_of(values: list[str] | None) -> list[dict[str, Any]] | None:
    """``--dependant spouse --dependant child:extra`` as case objects (checked by the library)."""
    if not values:
        return None
    from .errors import InvalidInputError

    out = []
    for i, value in enumerate(values, 1):
        relation, colon, flag = value.partition(":")
        if colon and flag != "extra":
            raise InvalidInputError(f"--dependant {value[:40]!r} (dependant #{i}): write RELATION or RELATION:extra, "
                                    "e.g. spouse or child:extra", field=f"dependants.{i - 1}.extra")
        out.append({"relation": relation, "extra": bool(colon)})
    return out


@app.command("injury")
def injury(
    region: RegionOpt,
    own_monthly_wage: Annotated[str, typer.Option(
        "--own-monthly-wage", metavar="YUAN",
        help="Average monthly contribution wage of the 12 months before the injury (工伤保险条例 第64条).")],
    outcome: Annotated[str, typer.Option("--outcome", metavar="disability|death",
                                         help="disability (with --disability-grade) or death.")] = "disability",
    disability_grade: Annotated[str | None, typer.Option(
        "--disability-grade", metavar="1-10",
        help="伤残等级, 1 (most severe) to 10. With --outcome death: a grade 1–4 worker who died after the paid "
             "leave (停工留薪期), whose family gets no one-off death subsidy (第39条).")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="YYYY-MM-DD", help="Date of the injury (for a death, of the death); default today.")] = None,
    district: DistrictOpt = None,
    care_level: Annotated[str | None, typer.Option(
        "--care-level", metavar="LEVEL", help="none, full, major or partial (生活完全/大部分/部分不能自理); "
        "in Guangdong its own 护理等级 level_1, level_2, level_3, level_4 (60/50/40/30 %).")] = None,
    employment_ended: Annotated[bool, typer.Option(
        "--employment-ended", help="Grades 5–10: the employment relation ended (one-off medical and employment "
        "subsidies).")] = False,
    employment_end_date: Annotated[str | None, typer.Option(
        "--employment-end-date", metavar="YYYY-MM-DD", help="When it ended (cuts near the retirement age count "
        "from it).")] = None,
    work_arranged: Annotated[bool, typer.Option(
        "--work-arranged/--no-work-arranged", help="Grades 5–6: whether the employer arranges suitable work (if "
        "it does, no allowance).")] = True,
    occupational_disease: Annotated[bool, typer.Option(
        "--occupational-disease", help="An occupational disease (职业病).")] = False,
    employer_fault: Annotated[bool, typer.Option(
        "--employer-fault", help="The worker left for the employer's fault (劳动合同法 第38条).")] = False,
    dependant: DependantOpt = None,
    birth_date: BirthOpt = None, sex: SexOpt = None, original_age: OriginalAgeOpt = None, case_id: IdOpt = None,
    explain: ExplainOpt = False, lang: LangOpt = None, as_json: JsonOpt = False, fmt: FormatOpt = None,
    strict: StrictOpt = False,
    indent: IndentOpt = None,
) -> None:
    """工伤保险待遇: every amount due for a work injury, one-off and monthly kept apart.

    Disability: the one-off disability subsidy, the monthly allowance (at least the minimum
    wage), the care allowance, and for grades 5–10 leaving work the province's one-off
    medical and employment subsidies (cut near the statutory retirement age where the
    province says so: give --birth-date and --sex). Death: the funeral grant, the one-off
    death subsidy and the dependants' pensions.

    Every amount rests on the 统筹地区 average wage of the year before; where it is not
    sourced (see `benefitcalc rulesets coverage REGION`) the answer is exit 4 naming the year.

    Examples: benefitcalc injury --region guangzhou --as-of 2022-06-01 --disability-grade 7
    --own-monthly-wage 6800 --employment-ended

    benefitcalc injury --region nanchang --as-of 2023-11-20 --outcome death --own-monthly-wage
    7000 --dependant spouse --dependant child:extra
    """
    out = output(as_json, fmt)
    with handled(out == "json", lambda: case_id):
        dependants = dependants_of(dependant)
    compute(_case({"benefit": "injury", "id": case_id, "region": region, "district": district,
                   "as_of": as_of_text(as_of), "outcome": outcome, "disability_grade": disability_grade,
                   "own_monthly_wage": own_monthly_wage, "care_level": care_level,
                   "employment_ended": employment_ended or None, "employment_end_date": employment_end_date,
                   "work_arranged": work_arranged, "occupational_disease": occupational_disease,
                   "employer_fault": employer_fault, "dependants": dependants,
                   "birth_date": birth_date, "sex": sex, "original_age": original_age}),
            output(as_json, fmt), explain, lang, strict)


@app.command("pension-adjustment")
def pension_adjustment(
    region: RegionOpt,
    monthly_pension: Annotated[str, typer.Option(
        "--monthly-pension", metavar="YUAN", help="The basic pension of December of the year before the "
        "adjustment, yuan per month (Guangdong: without the occupational annuity).")],
    contribution_years: Annotated[str, typer.Option(
        "--contribution-years", metavar="YEARS", help="累计缴费年限 including 视同缴费年限; a part year as a decimal "
        "(32.5): the scheme says how it counts.")],
    birth_date: Annotated[str, typer.Option(
        "--birth-date", metavar="YYYY-MM-DD", help="Date of birth (the age band is the age on 31 December of "
        "the year before).")],
    retirement_date: Annotated[str, typer.Option(
        "--retirement-date", metavar="YYYY-MM-DD", help="The day the retiree retired and began to draw the "
        "pension: those retired by 31 December of the year before are in the year's adjustment (some years reach "
        "to 30 June: Jiangsu 2019, Guangdong 2020's enterprise retirees).")],
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="YYYY-MM-DD", help="Any day of the adjustment year: its scheme applies; default today "
        "(a year whose notice is not sourced yet answers exit 4 naming it).")]
    = None,
    category: Annotated[str, typer.Option(
        "--category", metavar="enterprise|institution", help="企业 or 机关事业单位 retiree: one scheme for both in "
        "most years; a year whose notice splits them has a scheme for each (Guangdong 2020, Jiangxi 2019).")] = \
        "enterprise",
    group: Annotated[list[str] | None, typer.Option(
        "--group", metavar="NAME", help="A group the year's scheme tilts to (Hubei: hardship_area, "
        "revolution_supply and the rest `rulesets show` lists; only the highest applies), or "
        "military_transfer_cadre for the national 企业退休军转干部 "
        "guarantee (raised to the local average where it is sourced). Repeat for each; a name the scheme does not "
        "define is refused with the names it does.")] = None,
    district: DistrictOpt = None, case_id: IdOpt = None,
    explain: ExplainOpt = False, lang: LangOpt = None, as_json: JsonOpt = False, fmt: FormatOpt = None,
    strict: StrictOpt = False,
    indent: IndentOpt = None,
) -> None:
    """基本养老金调整: a retiree's monthly increase in a year's adjustment and the new pension.

    The province's scheme for the year of --as-of applies: a fixed amount (定额), a part per
    contribution year, a share of the retiree's own pension, an amount by age band and the
    highest group tilt, each a step citing its notice. A year or component no notice
    sources is exit 4 naming it (see `benefitcalc rulesets coverage REGION`).

    Example: benefitcalc pension-adjustment --region nanjing --as-of 2024-07-01 --monthly-pension 3200
    --contribution-years 32 --birth-date 1950-05-01 --retirement-date 2010-06-01 --explain
    """
    compute(_case({"benefit": "pension_adjustment", "id": case_id, "region": region, "district": district,
                   "as_of": as_of_text(as_of), "category": category, "monthly_pension": monthly_pension,
                   "contribution_years": contribution_years, "birth_date": birth_date,
                   "retirement_date": retirement_date, "groups": group or None}),
            output(as_json, fmt), explain, lang, strict)


@app.command("resident-pension")
def resident_pension(
    region: RegionOpt,
    birth_date: Annotated[str, typer.Option("--birth-date", metavar="YYYY-MM-DD", help="Date of birth.")],
    contribution_years: Annotated[str, typer.Option(
        "--contribution-years", metavar="YEARS", help="Years of contributions to the resident scheme (paid by the "
        "year); beyond 15 some regions add 长缴多得.")],
    account_balance: Annotated[str, typer.Option(
        "--account-balance", metavar="YUAN", help="The personal-account balance (个人账户储存额) when the pension "
        "starts: contributions, subsidies and interest.")],
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="YYYY-MM-DD", help="The month to compute (the levels in force then); default today.")]
    = None,
    pension_start_date: Annotated[str | None, typer.Option(
        "--pension-start-date", metavar="YYYY-MM-DD", help="When the pension started, if not at the pension age "
        "(the account divisor is the one for the age then).")] = None,
    scheme_start_age: Annotated[str | None, typer.Option(
        "--scheme-start-age", metavar="AGE", help="The person's age when the resident scheme (新农保/城居保) began "
        "locally: at 60 or over, no contributions are needed; within 15 years of 60, every year since "
        "(国发〔2014〕8号 第七条). Without it, 15 years are needed.")] = None,
    other_state_pension: Annotated[bool, typer.Option(
        "--other-state-pension", help="Already draws another state basic pension (then not eligible).")] = False,
    district: DistrictOpt = None, case_id: IdOpt = None,
    explain: ExplainOpt = False, lang: LangOpt = None, as_json: JsonOpt = False, fmt: FormatOpt = None,
    strict: StrictOpt = False,
    indent: IndentOpt = None,
) -> None:
    """城乡居民基本养老保险待遇: the monthly resident basic pension, basic plus account part.

    The basic pension adds up the levels in force — the national minimum, the province's
    minimum or top-up, the city's top-up — each a step with its notice, then 长缴多得 and
    age additions where the region pays them; a level with no sourced figure is named (a
    warning, or exit 4 where the level has figures but none in force). The account pension
    is the balance ÷ the divisor for the age the pension starts (139 at 60).

    Example: benefitcalc resident-pension --region xiangyang --as-of 2021-07-01 --birth-date 1958-03-01
    --contribution-years 18 --account-balance 15600 --explain
    """
    compute(_case({"benefit": "resident_pension", "id": case_id, "region": region, "district": district,
                   "as_of": as_of_text(as_of), "birth_date": birth_date, "contribution_years": contribution_years,
                   "account_balance": account_balance, "pension_start_date": pension_start_date,
                   "scheme_start_age": scheme_start_age, "other_state_pension": other_state_pension or None}),
            output(as_json, fmt), explain, lang, strict)


@app.command("price-subsidy")
def price_subsidy(
    region: RegionOpt,
    month: Annotated[str, typer.Option(
        "--month", metavar="YYYY-MM", help="The index month (the CPI of that month; paid the month it is "
        "published).")],
    group: Annotated[str, typer.Option(
        "--group", metavar="GROUP", help="unemployment_benefit (领取失业保险金人员), unemployment_assistance "
        "(失业补助金), low_income (低保), low_income_margin, extreme_poverty (特困), special_care (优抚), orphan, "
        "de_facto_orphan, hiv_child.")] = "unemployment_benefit",
    cpi_rise: Annotated[str | None, typer.Option(
        "--cpi-rise", metavar="PERCENT", help="The city's CPI rise that month, year on year (3.2 means 3.2 %), "
        "where the rulesets hold no published figure.")] = None,
    food_cpi_rise: Annotated[str | None, typer.Option(
        "--food-cpi-rise", metavar="PERCENT", help="The food CPI rise, likewise.")] = None,
    scpi_rise: Annotated[str | None, typer.Option(
        "--scpi-rise", metavar="PERCENT", help="The SCPI (低收入居民基本生活费用价格指数) rise, likewise.")] = None,
    rural: Annotated[bool, typer.Option("--rural", help="A rural person: the rural 低保 and floor apply.")] = False,
    district: DistrictOpt = None, case_id: IdOpt = None,
    explain: ExplainOpt = False, lang: LangOpt = None, as_json: JsonOpt = False, fmt: FormatOpt = None,
    strict: StrictOpt = False,
    indent: IndentOpt = None,
) -> None:
    """价格临时补贴: whether a month's price rise triggers the subsidy, which index triggered,
    the amount for one person of a covered group, and the payment month.

    A month triggers when a rise reaches its threshold (nationally CPI 3.5 % or food 6 %,
    CPI 3.0 % for the indices of 2022-08 → 2023-02; a province may lower them). The rises
    come from the city's published figures where the rulesets hold them, else from the
    options; a month with neither is exit 3 naming the missing index. A province whose
    amount formula is not sourced (Guangdong) answers exit 4 for a triggered month.

    Example: benefitcalc price-subsidy --region nanjing --month 2023-01 --group unemployment_benefit --cpi-rise 3.2
    """
    compute(_case({"benefit": "price_subsidy", "id": case_id, "region": region, "district": district,
                   "as_of": month_day(month), "group": group, "cpi_rise": cpi_rise, "food_cpi_rise": food_cpi_rise,
                   "scpi_rise": scpi_rise, "rural": rural or None}),
            output(as_json, fmt), explain, lang, strict)


def month_day(value: str) -> str:
    """``--month 2023-01`` as the first day of the month (a full date is taken as given)."""
    text = value.strip()
    return f"{text}-01" if len(text) == 7 and text[4] == "-" else text


@app.command("retirement-age")
def retirement_age(
    birth_date: Annotated[str, typer.Option("--birth-date", metavar="YYYY-MM-DD", help="Date of birth.")],
    sex: Annotated[str, typer.Option("--sex", metavar="male|female", help="male or female.")],
    original_age: OriginalAgeOpt = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="YYYY-MM-DD", help="The rules in force on this day; default today.")] = None,
    region: Annotated[str, typer.Option("--region", metavar="REGION", help="Default: national.")] = "national",
    case_id: IdOpt = None, explain: ExplainOpt = False, lang: LangOpt = None, as_json: JsonOpt = False,
    fmt: FormatOpt = None, strict: StrictOpt = False,
    indent: IndentOpt = None,
) -> None:
    """法定退休年龄: the statutory retirement age and month (with the 2025 gradual raise), the
    delay, the minimum contribution years for that year and the flexible retirement bounds.

    Example: benefitcalc retirement-age --birth-date 1971-07-15 --sex male
    """
    compute(_case({"benefit": "retirement_age", "id": case_id, "region": region, "as_of": as_of_text(as_of),
                   "birth_date": birth_date, "sex": sex, "original_age": original_age}),
            output(as_json, fmt), explain, lang, strict)


@app.command("calc")
def calc(
    files: Annotated[list[str] | None, typer.Argument(
        metavar="FILE", help="JSON files, or - for standard input (the default): each one case, a JSON array of "
                             "cases, or JSON Lines (one case per line).")] = None,
    explain: ExplainOpt = False, lang: LangOpt = None, as_json: JsonOpt = False, fmt: FormatOpt = None,
    strict: StrictOpt = False,
    indent: IndentOpt = None,
) -> None:
    """Compute cases given as JSON (see `benefitcalc schema case`): one result per case, in order.

    With several cases a bad one costs its own line (its error object, with its line number)
    and the exit status is 3 if any failed. For more than a handful of cases use `benefitcalc
    batch` (worker processes, CSV, a summary, atomic output).
    """
    from .models import ErrorResult
    from .services.calculate import calculate_stream

    out = output(as_json, fmt)
    j = out == "json"
    count = failed = warned = 0
    last: ErrorResult | None = None
    names = files or ["-"]
    if "-" in names and sys.stdin is not None and not sys.stdin.closed and sys.stdin.isatty():
        sys.stderr.write("benefitcalc: reading cases from the terminal: type or paste JSON, then Ctrl-D "
                         "(`benefitcalc calc --help` shows other ways)\n")
    with handled(j), record_page(out, lang):
        for file in names:
            with open_input(file) as stream:
                for result in calculate_stream(engine(), stream):
                    if len(names) > 1 and isinstance(result, ErrorResult):  # which file the line is in
                        result = result._replace(details={**result.details, "file": file})
                    count += 1
                    if count == 2:
                        long_running()
                    show_result(result, out, explain, lang)
                    sys.stdout.flush()  # a script waiting for this case's answer gets it now
                    if isinstance(result, ErrorResult):
                        failed, last = failed + 1, result
                    elif result.warnings:
                        warned += 1
    if count == 0:
        fail(no_case(" ".join(names)), j)
    if failed:
        if count == 1 and last is not None:
            raise typer.Exit(int(exit_status_of(last.code)))
        sys.stderr.write(f"benefitcalc: {failed} of {count} cases failed\n")
        raise typer.Exit(int(ExitStatus.INVALID_INPUT))
    if strict and warned:
        sys.stderr.write(f"benefitcalc: strict: {plural(warned, 'result')} of {count} carry warnings\n")
        raise typer.Exit(int(ExitStatus.DIFFERENCES))


class BatchFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class BatchEngine(str, Enum):
    local = "local"
    dask = "dask"
    spark = "spark"


@app.command("batch")
def batch(
    source: Annotated[str, typer.Argument(metavar="IN", help="Cases: a .jsonl, .csv or .parquet file, or - for "
                                                              "standard input (JSON Lines unless --input-format); "
                                                              "with --engine dask|spark a folder or glob of shards.")],
    out: Annotated[str | None, typer.Option("-o", "--output", metavar="OUT", help="Write here (atomically: a "
                                            "temporary file renamed at the end); default standard output. With "
                                            "--engine dask|spark a folder: one shard per input shard, then "
                                            "_SUCCESS.")] = None,
    fmt: Annotated[BatchFormat, typer.Option("--format", help="jsonl (one result or error object per line), csv "
                                             "(flat columns: line, id, benefit, region, district, as_of, eligible, "
                                             "amounts.*, warnings, error.code, error.message, case.*) or parquet "
                                             "(the csv columns; money as decimal128(18,2); needs "
                                             "benefitcalc[parquet]).")]
    = BatchFormat.jsonl,
    input_format: Annotated[BatchFormat | None, typer.Option(
        "--input-format", help="jsonl, csv or parquet; default from the extension (.csv, .parquet), else "
                               "jsonl.")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", min=1, help="Worker processes, each with its own engine; "
                                             "default the machine's cores; 1 runs in this process. With --engine "
                                             "dask|spark and no address: the local cluster's workers (cores).")]
    = None,
    engine: Annotated[BatchEngine, typer.Option("--engine", help="local (this machine), dask or spark (needs "
                                                "benefitcalc[dask] or benefitcalc[spark]; exit 2 without it).")]
    = BatchEngine.local,
    scheduler: Annotated[str | None, typer.Option("--scheduler", metavar="ADDRESS", help="--engine dask: the "
                                                  "scheduler (tcp://host:8786); default a local cluster.")] = None,
    master: Annotated[str | None, typer.Option("--master", metavar="URL", help="--engine spark: the master "
                                               "(spark://host:7077, yarn, local[4]); default local, every "
                                               "core.")] = None,
    steps: Annotated[bool, typer.Option("--steps", help="Keep every result's steps: several times larger and "
                                        "slower to write, so left out by default.")] = False,
    summary_json: Annotated[str | None, typer.Option("--summary-json", metavar="FILE", help="Also write the summary "
                                                     "(cases per benefit, eligible, errors, time) as JSON.")] = None,
    lang: LangOpt = None,
) -> None:
    """Many cases, one output line each, in input order, in constant memory.

    A bad line becomes its error object (with its line number and id) and the run goes on;
    exit 3 if any line failed, else 0. A summary goes to stderr at the end (a progress bar
    too, when stderr is a terminal). An interrupted run leaves no partial OUT.

    With --engine dask or spark, IN is a folder or glob of shards and OUT a folder: each
    input shard gives the output shard of its name, computed on the cluster (see the README,
    "At national scale").

    Example: benefitcalc batch cases.jsonl -o results.jsonl --jobs 4
    """
    from .services import batch as runner

    long_running()
    # scripts get the error object on stdout too, unless stdout carries Parquet's bytes
    j = not sys.stdout.isatty() and not (fmt is BatchFormat.parquet and out is None)
    if engine is not BatchEngine.local:
        if (scheduler and engine is not BatchEngine.dask) or (master and engine is not BatchEngine.spark):
            raise Usage("--scheduler goes with --engine dask, --master with --engine spark",
                        "--scheduler 用于 --engine dask，--master 用于 --engine spark")
        if not out:
            raise Usage(f"--engine {engine.value} writes shards into a folder: give -o OUT",
                        f"--engine {engine.value} 将分片写入文件夹：请给出 -o OUT")
        from . import distributed

        with handled(j):
            try:
                summary = distributed.run(engine.value, source, out, output_format=fmt.value,
                                          input_format=input_format.value if input_format else None,
                                          rulesets_dir=STATE.rulesets_dir, steps=steps,
                                          address=scheduler or master, workers=jobs,
                                          progress=sys.stderr if sys.stderr.isatty() else None)
            except BaseException:  # an interrupted or failed run leaves no half-written shard behind
                for part in Path(out).glob(".*.part"):
                    part.unlink(missing_ok=True)
                raise
    else:
        summary = runner.Summary()
        _batch_local(source, out, fmt, input_format, jobs, steps, summary, j)
    if summary.lines == 0:
        fail(no_case(source), j)
    report = summary.to_json()
    sys.stderr.write(f"benefitcalc: {plural(report['lines'], 'line')}: {plural(report['results'], 'result')} "
                     f"({report['eligible']} eligible), {plural(report['errors'], 'error')}, {report['seconds']} s"
                     + (f" ({report['cases_per_second']}/s)" if report["cases_per_second"] else "")
                     + "".join(f"; {k} {v}" if i == 0 else f", {k} {v}"
                               for i, (k, v) in enumerate(report["by_benefit"].items())) + "\n")
    if summary_json:
        with open(summary_json, "w", encoding="utf-8") as f:
            json.dump(report, f, ensure_ascii=False)
    if summary.errors:
        raise typer.Exit(int(ExitStatus.INVALID_INPUT))


def _batch_local(source: str, out: str | None, fmt: BatchFormat, input_format: BatchFormat | None,
                 jobs: int | None, steps: bool, summary: Any, as_json: bool) -> None:
    """``batch`` on this machine: one input file (or standard input) to one output."""
    from pathlib import Path as _Path

    from .services import batch as runner

    kind = runner.format_of(source, input_format.value if input_format else None)
    target = None
    with handled(as_json), open_input(source) as stream:
        items = runner.READERS[kind](stream)
        jobs = jobs or runner.default_jobs()
        lines = fmt is BatchFormat.jsonl  # the workers encode: only bytes cross to this process
        binary = lines or fmt is BatchFormat.parquet
        target = runner.AtomicFile(_Path(out), binary=binary) if out else None
        if binary and not target:
            sys.stdout.flush()
        sink: Any = target.file if target else (_bytes_out(lines) if binary else sys.stdout)
        try:
            from . import render

            with render.batch_progress(sys.stderr.isatty(), lambda: summary.errors) as tick:
                if lines:
                    runner.write_chunks(runner.encoded(items, jobs=jobs, steps=steps, rulesets_dir=STATE.rulesets_dir),
                                        sink, summary, tick)
                else:
                    runner.write(runner.results(items, jobs=jobs, steps=steps, rulesets_dir=STATE.rulesets_dir),
                                 sink, fmt.value, summary, tick)
        except BaseException:
            if target:
                target.discard()
            raise
        if target and summary.lines == 0:  # no case: an error (exit 3), and an earlier OUT stays as it was
            target.discard()
        elif target:
            target.commit()


class _TextOut:
    """UTF-8 bytes written to a text stream that has no byte buffer (standard output replaced
    in Python, such as a redirect to a ``StringIO``)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, data: bytes) -> int:
        return int(self.stream.write(data.decode("utf-8")))

    def writelines(self, lines: Iterable[bytes]) -> None:
        for line in lines:
            self.write(line)


def _bytes_out(text: bool) -> Any:
    """Standard output for bytes: its buffer, or for ``text`` (JSON Lines) a stream without
    one written as text."""
    buffer = getattr(sys.stdout, "buffer", None)
    return buffer if buffer is not None or not text else _TextOut(sys.stdout)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@contextmanager
def open_input(file: str) -> Iterator[Any]:
    from .errors import InvalidInputError

    if file == "-":
        if sys.stdin is None or sys.stdin.closed:
            raise InvalidInputError("standard input is closed", field="file", zh="标准输入已关闭")
        yield sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin
        return
    if not file.strip():
        raise Usage("FILE: must not be empty (a path, or - for standard input)",
                    "FILE：不得为空（路径，或 - 表示标准输入）")
    from .services.calculate import open_binary

    with open_binary(file) as stream:
        yield stream


# --- the entry point -----------------------------------------------------------------------


def global_options_with_values() -> frozenset[str]:
    """The global options that take a value, read from ``main_options``' own declarations."""
    out: set[str] = set()
    for hint in get_type_hints(main_options, include_extras=True).values():
        args = get_args(hint)
        if not args or args[0] is bool:
            continue
        for meta in args[1:]:
            if isinstance(meta, typer.models.OptionInfo):
                decls = [meta.default, *(meta.param_decls or ())]
                out.update(d for d in decls if isinstance(d, str) and d.startswith("-"))
    return frozenset(out)


SHORT_HELP = {  # the command lists of --help, short enough never to be cut at 80 columns
    "verify": "Recompute saved results and report drift.",
    "schema": "Print a JSON Schema: case, result, ruleset.",
    "unemployment": "失业保险金 unemployment benefit.",
    "injury": "工伤保险待遇 work-injury benefits.",
    "pension-adjustment": "基本养老金调整 yearly pension increase.",
    "resident-pension": "城乡居民基本养老保险 resident pension.",
    "price-subsidy": "价格临时补贴 temporary price subsidy.",
    "retirement-age": "法定退休年龄 statutory retirement age.",
    "calc": "Compute cases given as JSON.",
    "batch": "Many cases (JSON Lines, CSV) in parallel.",
    "list": "The regions and their districts.",
    "show": "The rules in force on a date.",
    "check": "Validate a rulesets tree or file.",
    "coverage": "Which periods are sourced, and how well.",
    "diff": "What changed between two sets of rules.",
    "history": "One parameter over time.",
    "sources": "The documents cited.",
    "new-block": "Start a new dated block from a copy.",
    "fmt": "Rewrite ruleset files canonically.",
}
for _info in [*app.registered_commands, *rulesets_app.registered_commands]:  # every --help ends with them
    _info.epilog = _info.epilog or EXIT_STATUSES
    _info.short_help = _info.short_help or SHORT_HELP.get(_info.name or "")
for _group in app.registered_groups:
    _group.short_help = _group.short_help or "Inspect, check and compare rulesets."


def command_named(argv: list[str]) -> str | None:
    """The command word of a command line, skipping the global options before it."""
    with_value = global_options_with_values()
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in with_value:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def app_for(argv: list[str]) -> typer.Typer:
    """The app with only the command the line names (building every command's options is
    a visible share of a single calculation's start-up); the whole app otherwise."""
    name = command_named(argv)
    commands = [c for c in app.registered_commands if (c.name or getattr(c.callback, "__name__", "")) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    slim = typer.Typer(**APP_SETTINGS)
    slim.registered_callback = app.registered_callback
    slim.registered_commands = commands
    slim.registered_groups = groups
    return slim


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(int(ExitStatus.TERMINATED))


def main() -> int:
    """Run the command line in ``sys.argv``; the exit status (see ``__main__`` for how the
    process is set up and ended)."""
    # pydantic looks for plugins in every installed package's entry points when it builds
    # its first validator, a visible share of a single calculation; this command uses none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    signal.signal(signal.SIGTERM, _terminated)
    for stream in (sys.stdout, sys.stderr):  # text never fails for want of an encoding (PYTHONIOENCODING=ascii)
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    if sys.stdout is None:  # started with stdout closed (>&-)
        sys.stderr.write("benefitcalc: standard output is closed: nothing can be written\n")
        return int(ExitStatus.OUTPUT)
    code: Any = 0
    try:
        argv = global_options_first(utf8_argv(sys.argv[1:]))
        early_lang(argv)
        code = app_for(argv)(args=argv, prog_name="benefitcalc", standalone_mode=False)
    except SystemExit as exc:
        code = exc.code
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # typer's own answer to a closed pipe (exit 1)
            _quiet_stdout()
            code = int(ExitStatus.PIPE)
    except typer.Abort:  # Ctrl-C or end of input at a prompt
        code = int(ExitStatus.INTERRUPTED)
    except click.exceptions.NoArgsIsHelpError as exc:  # a group named alone: its help
        exc.show()
        code = int(ExitStatus.USAGE)
    except click.exceptions.ClickException as exc:  # usage: unknown option, bad value, missing argument
        code = usage_error(exc)
    except KeyboardInterrupt:
        code = int(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        _quiet_stdout()
        code = int(ExitStatus.PIPE)
    except OSError as exc:  # the output could not be written (a full disk, a closed stream)
        if STATE.traceback or "--traceback" in sys.argv:
            raise
        where = f" {exc.filename}" if exc.filename else ""
        sys.stderr.write(f"benefitcalc: cannot write the output{where}: {exc.strerror or exc}\n")
        _quiet_stdout()
        code = int(ExitStatus.OUTPUT)
    except Exception as exc:  # noqa: BLE001 - the one outer handler
        if STATE.traceback or "--traceback" in sys.argv:
            raise
        sys.stderr.write(f"benefitcalc: internal error ({type(exc).__name__}): {clean(str(exc))[:500]} "
                         "(a bug; --traceback shows where)\n")
        code = int(ExitStatus.BUG)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        code = int(ExitStatus.PIPE)
    except OSError as exc:
        sys.stderr.write(f"benefitcalc: cannot write the output: {exc.strerror}\n")
        _quiet_stdout()
        code = code or int(ExitStatus.OUTPUT)
    if code is None:
        return 0
    if not isinstance(code, int):  # sys.exit("message")
        sys.stderr.write(f"{code}\n")
        return int(ExitStatus.BUG)
    return code


def _quiet_stdout() -> None:
    """After a closed pipe or a full disk, nothing more is written to stdout (no second
    error when Python flushes it at exit)."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def utf8_argv(argv: list[str]) -> list[str]:
    """Arguments as UTF-8 text even under a C or POSIX locale (where Python decodes them
    with surrogate escapes); an argument that is not UTF-8 is a usage error."""
    out = []
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            try:
                arg = os.fsencode(arg).decode("utf-8")
            except UnicodeDecodeError:
                raise Usage(f"the argument {clean(arg)} is not UTF-8 text",
                            f"参数 {clean(arg)} 不是 UTF-8 文本") from None
        out.append(arg)
    return out


def early_lang(argv: list[str]) -> None:
    """``--lang`` read before parsing, so that a usage error on the same line is already in
    that language (the option itself is parsed and checked as usual)."""
    for i, arg in enumerate(argv):
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else arg.partition("=")[2] \
            if arg.startswith("--lang=") else None
        if value in ("zh", "en"):
            STATE.lang = Lang(value)


def global_options_first(argv: list[str]) -> list[str]:
    """``--rulesets-dir DIR`` and ``--traceback`` given after the command are moved before
    it, so global options work anywhere on the line (``--`` ends the search)."""
    name = command_named(argv)
    if name is None or name not in argv:
        return argv
    at = argv.index(name)
    head, rest, moved = argv[:at], [], []
    i = at
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if arg == "--traceback" or arg.startswith("--rulesets-dir="):
            moved.append(arg)
        elif arg == "--rulesets-dir" and i + 1 < len(argv):
            moved += argv[i:i + 2]
            i += 1
        else:
            rest.append(arg)
        i += 1
    return [*head, *moved, *rest]


def usage_error(exc: click.exceptions.ClickException) -> int:
    """A usage error: one line on stderr (with the usage on a terminal), and the error
    object on stdout when it is not a terminal (SPEC §4)."""
    en, zh = usage_message(exc)
    sys.stderr.write(f"benefitcalc: usage: {clean(zh if current_lang() == Lang.zh else en)}\n")
    ctx = getattr(exc, "ctx", None)
    if ctx is not None and sys.stderr.isatty():
        sys.stderr.write(ctx.get_usage() + "\n")
        sys.stderr.write(f"Try '{ctx.command_path} --help' for help.\n")
    if not sys.stdout.isatty():
        emit_json({"id": None, "error": {"code": "usage", "message": {"zh": zh, "en": en}, "details": {}}})
    return int(exc.exit_code) if exc.exit_code else int(ExitStatus.USAGE)


def usage_message(exc: click.exceptions.ClickException) -> tuple[str, str]:
    """(English, Chinese) for click's usage errors, without its own wording where we can."""
    en = exc.format_message()
    if isinstance(exc, click.exceptions.NoSuchOption):
        maybe = f" (did you mean {', '.join(sorted(exc.possibilities))}?)" if exc.possibilities else ""
        maybe_zh = f"（是否指 {'、'.join(sorted(exc.possibilities))}？）" if exc.possibilities else ""
        ctx = getattr(exc, "ctx", None)
        if not maybe and ctx is not None and ctx.parent is None:  # before the command: only global options go there
            maybe = (" before the command: a command's own options go after it "
                     f"(benefitcalc COMMAND … {exc.option_name})")
            maybe_zh = f"（命令之前只能用全局选项；命令自己的选项放在命令之后：benefitcalc 命令 … {exc.option_name}）"
        return f"no such option: {exc.option_name}{maybe}", f"没有这个选项：{exc.option_name}{maybe_zh}"
    if isinstance(exc, click.exceptions.MissingParameter):
        param = exc.param
        argument = param is not None and param.param_type_name == "argument"
        opts: list[str] = list(param.opts) if param is not None else []
        metavar = getattr(param, "metavar", None) if argument else None  # the name the usage line shows (IN)
        shown = metavar or ((opts[0].upper() if argument else opts[0]) if opts else str(exc.param_hint or ""))
        return (f"missing {'argument' if argument else 'option'} {shown}",
                f"缺少{'参数' if argument else '选项'} {shown}")
    if isinstance(exc, click.exceptions.BadParameter):
        param = exc.param
        hint = exc.param_hint if isinstance(exc.param_hint, str) else (
            " / ".join(param.opts) if param is not None else "")
        msg = exc.message.removeprefix("Value error, ")
        zh = getattr(exc, "zh", None) or click_zh(msg).removeprefix("用法错误：")
        return f"{hint}: {msg}" if hint else msg, f"{hint}：{zh}" if hint else zh
    return en, getattr(exc, "zh", None) or click_zh(en)
