"""Terminal output with rich: tables and panels. The only module importing rich."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

STATUS_STYLE = {"confirmed": "green", "derived": "cyan", "unconfirmed": "yellow", "missing": "red",
                "unused": "dim", "unverified": "magenta"}


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False)


def regions(data: list[dict[str, Any]]) -> None:
    t = Table(title="Regions", title_justify="left")
    for col in ("region", "level", "name", "admin code", "aliases", "extends", "version", "verified through"):
        t.add_column(col)
    for r in data:
        t.add_row(*map(escape, (r["region"], r["level"], f"{r['name']['zh']} / {r['name']['en']}", r["admin_code"],
                                "、".join(r["aliases"]), r["extends"] or "", r["version"], r["verified_through"])))
    _console().print(t)


def _text(value: Any) -> str:
    """A setting as a reader wants it: true/false, lists joined, tables as key = value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} = {_text(v)}" for k, v in value.items())
    return str(value)


def _block_table(s: dict[str, Any]) -> Table:
    if "in_force" in s:
        when = f"in force {s['in_force'][0]} – {s['in_force'][1] or 'open'}"
    else:
        when = f"year {s['block']['year']}"
    t = Table(title=escape(f"{s['subsection']}  ← {s['region']} ({s['level']}), {when}"), title_justify="left")
    for col in ("parameter", "value", "confidence", "source", "note"):
        t.add_column(col)
    for k, v in s["settings"].items():
        if k == "items":
            for item in v:
                label = item.get("label", {})
                condition = item.get("condition", {})
                t.add_row(escape(f"items.{item.get('id')}"), escape(f"{label.get('zh', '')} / {label.get('en', '')}"),
                          "", "", escape(condition.get("en", "")))
            continue
        t.add_row(escape(k), escape(_text(v)), "", "", "")
    for v in s["values"]:
        style = STATUS_STYLE[v["confidence"]]
        t.add_row(escape(v["param"].removeprefix(s["subsection"] + ".")), escape(str(v["value"])),
                  f"[{style}]{v['confidence']}[/]", escape(v["source"]),
                  "" if v["note"] == s["note"] else escape(v["note"]))
    status = s.get("status", s["block_confidence"])
    if s["note"] or status != "confirmed":
        t.caption = escape(f"{status}: {s['note']}" if s["note"] else status)
        t.caption_justify = "left"
    return t


def show(data: dict[str, Any]) -> None:
    c = _console()
    c.print(f"[bold]{escape(data['name']['zh'])} {escape(data['name']['en'])}[/] ({escape(data['region'])}) "
            f"on {data['as_of']}")
    c.print("rulesets: " + escape(", ".join(f"{r['region']} v{r['version']}" for r in data["rulesets"]))
            + f"   resolved_sha256 {data['resolved_sha256']}")
    for s in data["subsections"]:
        c.print(_block_table(s))
    for u in data["uncovered"]:
        spans = ", ".join(f"{a} – {b or 'open'}" for a, b in u["covered"]) or "never"
        why = u.get("why") or f"covered: {spans}"
        c.print(f"[red]uncovered[/] {escape(u['subsection'])}: {escape(why)}")
    for y in data["yearly"]:
        asked = "" if y["blocks"] or y.get("optional") else \
            f" — [red]{y['year_asked']} missing[/] (the year this date asks for)"
        c.print(escape(f"yearly {y['subsection']}: years {', '.join(map(str, y['years'])) or 'none'}") + asked)
        for s in y["blocks"]:
            c.print(_block_table(s))
    for w in data["warnings"]:
        c.print(f"[yellow]warning[/] {escape(w['message']['en'])}")
    if data["sources"]:
        t = Table(title="Sources", title_justify="left")
        for col in ("id", "title", "issuer", "doc no", "date"):
            t.add_column(col)
        for q, src in data["sources"].items():
            t.add_row(escape(q), escape(src.get("title", "")), escape(src.get("issuer", "")),
                      escape(src.get("doc_no", "")), src.get("date", ""))
        c.print(t)


def check(report: Any) -> None:
    c = _console()
    for p in report.problems:
        kind = "" if p.kind == "invalid" else f" [dim]({p.kind})[/]"
        c.print(f"[red]✗[/] {escape(str(p))}{kind}")
    for n in report.notes:
        c.print(f"[dim]note: {escape(n)}[/]")
    if report.written is not None:
        c.print(f"[green]✓[/] wrote {escape(str(report.written))}")
    elif report.wrote:
        c.print("[green]✓[/] MANIFEST already up to date")
    if report.ok:
        c.print(f"[green]✓[/] {len(report.files)} files valid")
    else:
        c.print(f"[red]{len(report.problems)} problems[/] in {len({p.file for p in report.problems})} files")


def _year_text(d: dict[str, Any]) -> str:
    """2024, 2021 (unconfirmed), 2025 (unsourced: years, percent)."""
    notes = [d["series"]] if d["series"] else []
    if d["confidence"] != "confirmed":
        notes.append(d["confidence"])
    if d["unsourced"]:
        notes.append("unsourced: " + ", ".join(d["unsourced"]))
    return f"{d['year']} ({'; '.join(notes)})" if notes else str(d["year"])


def coverage(data: dict[str, Any]) -> None:
    c = _console()
    for r in data["regions"]:
        t = Table(title=escape(f"{r['region']}  {data['from']} – {data['to']}"), title_justify="left")
        for col in ("sub-section", "from", "to", "status", "level", "block"):
            t.add_column(col)
        for s in r["sections"]:
            if "years" in s:
                missing = s.get("missing_years") or []
                status = "years: " + (", ".join(_year_text(d) for d in s.get("detail", []))
                                      or ", ".join(map(str, s["years"])) or "none")
                if missing:
                    status += "; missing: " + ", ".join(map(str, missing))
                t.add_row(escape(s["section"]), "", "", escape(status), "", "")
                continue
            for p in s["periods"]:
                style = STATUS_STYLE[p["status"]]
                blocks = p.get("blocks") or ([p["block"]] if p.get("block") else [])
                extra = f" (unsourced: {'、'.join(p['unsourced'])})" if p.get("unsourced") else ""
                if s.get("levels_not_sourced") and p["status"] != "missing":
                    extra += f" (no figure at: {'、'.join(s['levels_not_sourced'])})"
                where = " + ".join(f"{b.get('region', '')} {b.get('since', b.get('year', ''))}" for b in blocks)
                t.add_row(escape(s["section"]), p["from"], p["to"], f"[{style}]{p['status']}[/]{escape(extra)}",
                          escape(p.get("level", "")), escape(where))
        c.print(t)
    s = data["summary"]
    c.print(f"values {s['values']}: confirmed {s['confirmed']}, derived {s['derived']}, "
            f"unconfirmed {s['unconfirmed']} (confirmed share {s['confirmed_share']}); "
            f"missing periods {s['missing_periods']}, missing years {s['missing_years']}, "
            f"years with unsourced components {s['partial_years']}")


def result(data: dict[str, Any], explain: bool, lang: str,
           amount_labels: dict[str, tuple[str, str]] | None = None) -> None:
    """One calculation: amounts, eligibility, reasons, warnings; every step with --explain."""
    from rich.panel import Panel

    c = _console()
    zh = lang == "zh"
    names = amount_labels or {}
    lines = []
    for k, v in data["amounts"].items():
        zh_name, en_name = names.get(k, (k, k))
        lines.append(f"[bold]{escape(zh_name if zh else en_name)}[/]: {escape(str(v))}")
    head = (f"{data['region']} {data['district'] or ''} {data['as_of']}  "
            + ("符合条件" if zh else "eligible") if data["eligible"] else
            f"{data['region']} {data['as_of']}  " + ("不符合条件" if zh else "not eligible"))
    for r in data["reasons"]:
        lines.append(f"[red]✗[/] {escape(r['message'][lang])}")
    for x in data["extras"]:
        amount = x["amount"] or ("金额未列明" if zh else "no amount sourced")
        lines.append(f"[cyan]+[/] {escape(x['label'][lang])}: {escape(amount)} — {escape(x['condition'][lang])}")
    for w in data["warnings"]:
        lines.append(f"[yellow]![/] {escape(w['message'][lang])}")
    versions = ", ".join(f"{r['region']} v{r['version']}" for r in data["rulesets"])
    lines.append(f"[dim]rulesets {escape(versions)}; resolved_sha256 {data['resolved_sha256']}[/]")
    c.print(Panel("\n".join(lines), title=escape(head), title_align="left"))
    if explain:
        t = Table(title="计算步骤" if zh else "Steps", title_justify="left")
        for col in (("步骤", "step"), ("公式", "formula"), ("值", "value"), ("来源", "source")):
            t.add_column(col[0] if zh else col[1])
        for s in data["steps"]:
            where = ""
            if s["block"]:
                key = "since" if s["block"].get("since") else "year"
                where = f"{s['block']['region']} ({s['level']}) {s['block'].get(key)}\n"
            conf = s.get("confidence")
            mark = f" [yellow]{conf}[/]" if conf and conf != "confirmed" else ""
            t.add_row(escape(s["label"][lang]), escape(s["formula"]), escape(str(s["value"])) + mark,
                      escape(where + ", ".join(s["sources"])))
        c.print(t)
        for q, src in data["sources"].items():
            c.print(f"[dim]{escape(q)}[/] {escape(src.get('title', ''))} {escape(src.get('doc_no', ''))} "
                    f"{escape(src.get('url', ''))}")
    elif data["steps"]:
        hint = "显示每一步的公式和依据" if zh else "shows every step with its formula and source"
        c.print(f"[dim]--explain {hint}[/]")


# -- auditors ----------------------------------------------------------------------------------


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def _when(block: dict[str, Any] | None) -> str:
    if not block:
        return ""
    return f"{block.get('region', '')} {block.get('since') or block.get('year') or ''}".strip()


def diff(data: dict[str, Any], markdown: bool = False) -> None:
    """A diff's changes (and its impact summary), as a table or a Markdown report."""
    a, b = data["a"], data["b"]
    head = ["param", "level", "kind", "old", "new", "change", "%", "block a → b", "source a → b"]
    rows = [[c["param"], c["level"], c["kind"], str(c["old"] if c["old"] is not None else "—"),
             str(c["new"] if c["new"] is not None else "—"), c["change"] or "", c["pct"] or "",
             f"{_when(c['block']['a'])} → {_when(c['block']['b'])}",
             f"{c['sources']['a'] or '—'} → {c['sources']['b'] or '—'}"] for c in data["changes"]]
    title = f"{a['spec']} → {b['spec']}: {len(rows)} change{'s' if len(rows) != 1 else ''}"
    impact = data.get("impact")
    if markdown:
        out = [f"# {title}", "", _md_row(head), "|" + "---|" * len(head), *(_md_row(r) for r in rows), ""]
        if impact:
            out += [f"## Impact on {impact['cases']} cases", "",
                    _md_row(["benefit", "amount", "cases", "gain", "lose", "same", "total", "mean", "min", "max",
                             "largest"]), "|" + "---|" * 11]
            out += [_md_row([str(r["benefit"]), r["amount"], str(r["cases"]), str(r["gain"]), str(r["lose"]),
                             str(r["same"]), r["total_change"], r["mean_change"], r["min"], r["max"],
                             ", ".join(f"{x['id']} {x['change']}" for x in r["largest"])])
                    for r in impact["by_amount"]]
            if impact["not_comparable"]:
                out += ["", f"Not comparable: {len(impact['not_comparable'])} cases (valid on one side only)."]
        sys_out("\n".join(out) + "\n")
        return
    c = _console()
    t = Table(title=escape(title), title_justify="left")
    for col in head:
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(*map(escape, r))
    c.print(t)
    if impact:
        i = Table(title=escape(f"Impact on {impact['cases']} cases"), title_justify="left")
        for col in ("benefit", "amount", "cases", "gain", "lose", "same", "total", "mean", "min", "max", "largest"):
            i.add_column(col, overflow="fold")
        for r in impact["by_amount"]:
            i.add_row(*map(escape, [str(r["benefit"]), r["amount"], str(r["cases"]), str(r["gain"]), str(r["lose"]),
                                    str(r["same"]), r["total_change"], r["mean_change"], r["min"], r["max"],
                                    ", ".join(f"{x['id']} {x['change']}" for x in r["largest"])]))
        c.print(i)
        for x in impact["not_comparable"]:
            c.print(f"[yellow]not comparable[/] {escape(str(x['id']))}: {escape(str(x['reason']))}")


def sys_out(text: str) -> None:
    import sys

    sys.stdout.write(text)


def history(data: dict[str, Any]) -> None:
    """A parameter's timeline, with a bar per value."""
    from decimal import Decimal, InvalidOperation

    c = _console()
    numbers: list[Decimal | None] = []
    for row in data["timeline"]:
        try:
            numbers.append(Decimal(str(row["value"])))
        except (InvalidOperation, ValueError):
            numbers.append(None)
    top = max((n for n in numbers if n is not None), default=None)
    t = Table(title=escape(f"{data['param']} — {data['region']}"), title_justify="left")
    for col in ("from", "value", "", "level", "source", "confidence"):
        t.add_column(col, overflow="fold", no_wrap=col in ("", "from"))
    for row, n in zip(data["timeline"], numbers, strict=True):
        bar = "█" * max(1, int(n / top * 20)) if n is not None and top else ""
        style = STATUS_STYLE.get(row["confidence"], "")
        t.add_row(escape(row["from"]), escape(str(row["value"] if row["value"] is not None else "—")),
                  f"[{style}]{bar}[/]" if style else bar, escape(str(row["level"] or "")),
                  escape(str(row["source"] or "")), f"[{style}]{row['confidence']}[/]" if style else row["confidence"])
    c.print(t)


def sources(data: dict[str, Any]) -> None:
    """The documents cited, or one document and the values citing it."""
    c = _console()
    for q, src in data["sources"].items():
        head = f"[bold]{escape(q)}[/] {escape(src.get('title', ''))}"
        more = " · ".join(escape(str(src[k])) for k in ("issuer", "doc_no", "date") if src.get(k))
        c.print(head + (f" ({more})" if more else ""))
        if src.get("url"):
            c.print(f"  {escape(src['url'])}")
        if src.get("note"):
            c.print(f"  [dim]{escape(src['note'])}[/]")
        counts = ", ".join(f"{k} {v}" for k, v in src["confidence"].items()) or "cited by no value"
        values = src["values"]
        if isinstance(values, list):
            for v in values:
                when = _when(v["block"])
                c.print(f"  {escape(v['param'])} = {escape(str(v['value']))} ({escape(when)}, {v['confidence']})")
        else:
            c.print(f"  {values} values: {escape(counts)}")


def verified(record: dict[str, Any]) -> None:
    c = _console()
    if record["match"]:
        c.print(f"[green]✓[/] {escape(str(record['id']))}: amounts and rules match")
        return
    c.print(f"[red]✗[/] {escape(str(record['id']))}: " + escape(record.get("reason") or (
        "amounts differ" if not record.get("amounts_match", True) else "the rules used changed")))
    amounts = record.get("amounts")
    if amounts:
        for name, saved in (amounts.get("saved") or {}).items():
            now = (amounts.get("now") or {}).get(name)
            if now != saved:
                c.print(f"  {escape(name)}: {escape(str(saved))} → {escape(str(now))}")
    for ch in record.get("changed", []):
        c.print(f"  {escape(ch['param'])}: {escape(str(ch['saved']))} → {escape(str(ch['now']))}")


@contextmanager
def batch_progress(show: bool) -> Iterator[Callable[[], None] | None]:
    """A progress line on stderr (lines, rate, time) while a batch runs, when ``show``."""
    if not show:
        yield None
        return
    import time

    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=_console(stderr=True), transient=True) as bar:
        task = bar.add_task("0 lines", total=None)
        count, start = 0, time.perf_counter()

        def tick() -> None:
            nonlocal count
            count += 1
            if count % 500 == 0:
                rate = count / max(time.perf_counter() - start, 1e-9)
                bar.update(task, description=f"{count:,} lines, {rate:,.0f}/s")

        yield tick
