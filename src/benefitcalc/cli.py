"""The command line: parse arguments, call ``services``, hand results to ``render`` or JSON.

The only module importing typer. Errors from the library reach one handler that prints
one line on stderr (and the error object on stdout for JSON consumers) and exits with
the documented status (SPEC §4); ``--traceback`` re-raises for developers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from . import services
from .errors import BenefitcalcError, ExitStatus

T = TypeVar("T")

app = typer.Typer(
    help="Chinese social-insurance benefit calculator on versioned, sourced rulesets.\n\n"
         "Every figure comes from a TOML ruleset that cites its document; "
         "`benefitcalc rulesets --help` shows how to inspect them.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
rulesets_app = typer.Typer(help="Inspect and check the rulesets: list, show, check, coverage.",
                           no_args_is_help=True)
app.add_typer(rulesets_app, name="rulesets")


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class State:
    rulesets_dir: Path | None = None
    traceback: bool = False


STATE = State()

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (the default when stdout is not a terminal).")]


def default_lang() -> Lang:
    loc = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return Lang.zh if loc.lower().startswith("zh") else Lang.en


def json_mode(flag: bool) -> bool:
    return flag or not sys.stdout.isatty()


def clean(text: str) -> str:
    """User text made safe for one terminal line: control characters escaped."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def emit_json(data: Any, compact: bool = False) -> None:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) if compact else \
        json.dumps(data, ensure_ascii=False, indent=2)
    sys.stdout.write(text + "\n")


@contextmanager
def handled(as_json: bool) -> Iterator[None]:
    """Map a library error to one line on stderr and its exit status."""
    try:
        yield
    except BenefitcalcError as exc:
        if STATE.traceback:
            raise
        sys.stderr.write(f"benefitcalc: {exc.code}: {clean(exc.message)}\n")
        if as_json:
            emit_json({"id": None, "error": exc.to_json()}, compact=True)
        raise typer.Exit(int(exc.exit_status)) from None


def tree() -> Any:
    from .rules.tree import RulesetTree

    return RulesetTree(STATE.rulesets_dir)


def parse_date_option(value: str | None) -> dt.date | None:
    return None if value is None else services.parse_date(value)


def _version(value: bool) -> None:
    if value:
        from . import __version__

        sys.stdout.write(f"benefitcalc {__version__}\n")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    rulesets_dir: Annotated[Path | None, typer.Option(
        "--rulesets-dir", envvar="BENEFITCALC_RULESETS", file_okay=False,
        help="Use the rulesets in this directory instead of the shipped ones.")] = None,
    traceback: Annotated[bool, typer.Option("--traceback", help="Show a traceback on errors (for developers).")] = False,
) -> None:
    STATE.rulesets_dir = rulesets_dir
    STATE.traceback = traceback


# --- rulesets --------------------------------------------------------------------------


@rulesets_app.command("list")
def rulesets_list(as_json: JsonOpt = False) -> None:
    """List the regions: slug, level, names, admin code, aliases, parent and version."""
    j = json_mode(as_json)
    with handled(j):
        data = services.list_regions(tree())
    if j:
        emit_json({"regions": data})
    else:
        from . import render

        render.regions(data)


@rulesets_app.command("show")
def rulesets_show(
    region: Annotated[str, typer.Argument(help="A slug (nanchang), alias (南昌) or admin code "
                                               "(360100), optionally with @DATE: nanchang@2024-06-01.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="The date (YYYY-MM-DD); default today.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the rules in force for a region on a date: each sub-section's values with the
    level and block they come from and their sources; uncovered sub-sections are listed."""
    j = json_mode(as_json)
    if "@" in region and as_of is not None:
        raise typer.BadParameter("give the date as REGION@DATE or --as-of, not both",
                                 param_hint="'--as-of'")
    with handled(j):
        name, date = services.split_region_date(region, parse_date_option(as_of))
        data = services.show(tree(), name, date or dt.date.today())
    if j:
        emit_json(data)
    else:
        from . import render

        render.show(data)


@rulesets_app.command("check")
def rulesets_check(
    path: Annotated[Path | None, typer.Argument(help="A rulesets directory or one file; default: the rulesets in use.")] = None,
    write_manifest: Annotated[bool, typer.Option("--write-manifest", help="After a clean check, rewrite MANIFEST from the files.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Validate every file of a rulesets tree and report every problem at once (exit 4 if any)."""
    j = json_mode(as_json)
    with handled(j):
        t = tree()
        report = services.check(t, path)
        if write_manifest and not [p for p in report.problems if p.file != "MANIFEST"
                                   and "version is still" not in p.message]:
            from .rules.tree import RulesetTree

            services.write_manifest(RulesetTree(path) if path and path.is_dir() else t)
            report = services.check(t, path)
    if j:
        emit_json({"ok": report.ok, "files": [services.file_ref(f) | {"file": f.name} for f in report.files],
                   "problems": [p.to_json() for p in report.problems], "notes": report.notes})
    else:
        from . import render

        render.check(report)
    if not report.ok:
        raise typer.Exit(int(ExitStatus.RULESET))


@rulesets_app.command("coverage")
def rulesets_coverage(
    region: Annotated[str | None, typer.Argument(help="One region; default all.")] = None,
    start: Annotated[str, typer.Option("--from", help="First day reported.")] = services.COVERAGE_START.isoformat(),
    end: Annotated[str | None, typer.Option("--to", help="Last day reported; default today.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Which periods of each sub-section are confirmed, derived, unconfirmed or missing."""
    j = json_mode(as_json)
    with handled(j):
        data = services.coverage(tree(), region, services.parse_date(start, "from"),
                                 parse_date_option(end))
    if j:
        emit_json(data)
    else:
        from . import render

        render.coverage(data)


class SchemaKind(str, Enum):
    ruleset = "ruleset"


@app.command("schema")
def schema(kind: Annotated[SchemaKind, typer.Argument(help="Which schema.")]) -> None:
    """Print a JSON Schema generated from the models."""
    emit_json(services.ruleset_schema())


def main() -> None:
    app()
