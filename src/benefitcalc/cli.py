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

# pydantic looks for plugins in every installed package's entry points when it builds its
# first validator, a visible share of a single calculation; this command line uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer  # noqa: E402

from .errors import BenefitcalcError, ExitStatus  # noqa: E402


class _Services:
    """``services``, imported on first use: after ``main`` has set up the process."""

    def __getattr__(self, name: str) -> Any:
        from . import services as module

        return getattr(module, name)


services: Any = _Services()

T = TypeVar("T")

APP_SETTINGS: dict[str, Any] = dict(
    name="benefitcalc",
    help="Chinese social-insurance benefit calculator on versioned, sourced rulesets.\n\n"
         "Every figure comes from a TOML ruleset that cites its document; "
         "`benefitcalc rulesets --help` shows how to inspect them.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app = typer.Typer(**APP_SETTINGS)
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
def handled(as_json: bool, ident: Callable[[], Any] = lambda: None) -> Iterator[None]:
    """Map a library error to one line on stderr and its exit status."""
    try:
        yield
    except BenefitcalcError as exc:
        if STATE.traceback:
            raise
        sys.stderr.write(f"benefitcalc: {exc.code}: {clean(exc.message)}\n")
        if as_json:
            emit_json({"id": ident(), "error": exc.to_json()}, compact=True)
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
    traceback: Annotated[bool, typer.Option(
        "--traceback", help="Show a traceback on errors (for developers).")] = False,
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
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="YYYY-MM-DD", help="The date; default today.")] = None,
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
    path: Annotated[Path | None, typer.Argument(
        help="A rulesets directory or one file; default: the rulesets in use.")] = None,
    write_manifest: Annotated[bool, typer.Option(
        "--write-manifest", help="After a clean check, rewrite MANIFEST from the files.")] = False,
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
    start: Annotated[str | None, typer.Option(
        "--from", metavar="YYYY-MM-DD", help="First day reported; default 2018-01-01, where the data starts.")] = None,
    end: Annotated[str | None, typer.Option(
        "--to", metavar="YYYY-MM-DD", help="Last day reported; default today.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Which periods of each sub-section are confirmed, derived, unconfirmed or missing."""
    j = json_mode(as_json)
    with handled(j):
        first = services.parse_date(start, "from") if start else services.COVERAGE_START
        data = services.coverage(tree(), region, first, parse_date_option(end))
    if j:
        emit_json(data)
    else:
        from . import render

        render.coverage(data)


class SchemaKind(str, Enum):
    case = "case"
    result = "result"
    ruleset = "ruleset"


@app.command("schema")
def schema(kind: Annotated[SchemaKind, typer.Argument(help="case, result or ruleset.")]) -> None:
    """Print a JSON Schema generated from the models."""
    make = {"case": services.case_schema, "result": services.result_schema,
            "ruleset": services.ruleset_schema}[kind.value]
    emit_json(make())


# --- calculations ------------------------------------------------------------------------

ExplainOpt = Annotated[bool, typer.Option("--explain", help="Print every step with its formula, parameter and source.")]
LangOpt = Annotated[Lang | None, typer.Option(
    "--lang", help="Language of labels and messages (default from the locale).")]
StrictOpt = Annotated[bool, typer.Option(
    "--strict", help="Exit 5 when the result carries warnings (e.g. an unconfirmed value).")]


def deliver(result: dict[str, Any], as_json: bool, explain: bool, lang: Lang | None, strict: bool) -> None:
    """Print a result as JSON or a rich panel; ``--strict`` turns warnings into exit 5."""
    if json_mode(as_json):
        emit_json(result, compact=True)
    else:
        from . import render

        render.result(result, explain=explain, lang=(lang or default_lang()).value)
    if strict and result["warnings"]:
        sys.stderr.write(f"benefitcalc: strict: {len(result['warnings'])} warnings\n")
        raise typer.Exit(int(ExitStatus.DIFFERENCES))


def _case(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


# Options shared by every benefit command (SPEC §4: the kebab-case case-field names). Values
# are taken as text and checked by the library, so a bad value exits 3 whichever way it came.
RegionOpt = Annotated[str, typer.Option(
    "--region", metavar="REGION", help="Region slug, alias or admin code: nanchang, 南昌, 360100.")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", metavar="YYYY-MM-DD", help="The case's date (for unemployment: registration); default today.")]
DistrictOpt = Annotated[str | None, typer.Option(
    "--district", metavar="区县", help="District by its Chinese name (新建区); default the city's core districts.")]
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


@app.command("unemployment")
def unemployment(
    region: RegionOpt, contribution_months: MonthsOpt, as_of: AsOfOpt = None, district: DistrictOpt = None,
    involuntary: InvoluntaryOpt = True, carried_over_months: CarriedOpt = None, average_monthly_wage: WageOpt = None,
    birth_date: BirthOpt = None, pension_start_date: PensionOpt = None, case_id: IdOpt = None,
    explain: ExplainOpt = False, lang: LangOpt = None, as_json: JsonOpt = False, strict: StrictOpt = False,
) -> None:
    """失业保险金: eligibility, months and monthly amount for one claimant.

    Example: benefitcalc unemployment --region nanchang --as-of 2024-06-01 --contribution-months 80
    """
    j = json_mode(as_json)
    data = _case({"benefit": "unemployment", "id": case_id, "region": region, "district": district,
                  "as_of": as_of or dt.date.today().isoformat(),
                  "contribution_months": contribution_months, "involuntary": involuntary,
                  "carried_over_months": carried_over_months,
                  "average_monthly_wage": average_monthly_wage, "birth_date": birth_date,
                  "pension_start_date": pension_start_date})
    with handled(j, lambda: case_id):
        result = services.calculate(tree(), data)
    deliver(result, as_json, explain, lang, strict)


@app.command("calc")
def calc(
    file: Annotated[str, typer.Argument(help="A JSON file holding one case, or - for standard input.")] = "-",
    explain: ExplainOpt = False, lang: LangOpt = None, as_json: JsonOpt = False, strict: StrictOpt = False,
) -> None:
    """Compute one case given as a JSON object (see `benefitcalc schema case`)."""
    from .models import decode_json

    j = json_mode(as_json)
    holder: dict[str, Any] = {}
    with handled(j, lambda: holder.get("id")):
        text = read_input(file)
        data = decode_json(text)
        if isinstance(data, dict) and isinstance(data.get("id"), str | int):
            holder["id"] = data["id"]
        result = services.calculate(tree(), data)
    deliver(result, as_json, explain, lang, strict)


def read_input(file: str) -> str:
    from .errors import InvalidInputError

    try:
        if file == "-":
            return sys.stdin.read()
        return Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read {file}: {getattr(exc, 'strerror', None) or exc}") from None


GLOBAL_WITH_VALUE = ("--rulesets-dir",)


def command_named(argv: list[str]) -> str | None:
    """The command word of a command line, skipping the global options before it."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in GLOBAL_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def app_for(argv: list[str]) -> typer.Typer:
    """The app with only the command the line names (building every command's options is
    a visible share of a single calculation's start-up); the whole app otherwise."""
    name = command_named(argv)
    commands = [c for c in app.registered_commands if (c.name or c.callback.__name__) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    slim = typer.Typer(**APP_SETTINGS)
    slim.registered_callback = app.registered_callback
    slim.registered_commands = commands
    slim.registered_groups = groups
    return slim


def main() -> None:
    """The ``benefitcalc`` command (see ``__main__`` for how the process is set up)."""
    app_for(sys.argv[1:])()
