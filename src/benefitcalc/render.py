"""Terminal output with rich: tables and panels. The only module importing rich."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .notices import text_zh

STATUS_STYLE = {"confirmed": "green", "derived": "cyan", "unconfirmed": "yellow", "missing": "red",
                "unused": "dim", "unverified": "magenta"}

#: every word the terminal shows, in Chinese and English (``t(key, lang)``)
WORDS: dict[str, tuple[str, str]] = {
    "confirmed": ("已确认", "confirmed"), "derived": ("推算", "derived"), "unconfirmed": ("未确认", "unconfirmed"),
    "missing": ("缺失", "missing"), "unused": ("未使用", "unused"), "unverified": ("未核实", "unverified"),
    "yes": ("是", "yes"), "no": ("否", "no"), "open": ("至今", "open"), "never": ("从未", "never"),
    "none": ("无", "none"),
    "regions": ("地区", "Regions"), "region": ("地区", "region"), "level": ("层级", "level"),
    "name": ("名称", "name"), "admin code": ("行政区划代码", "admin code"), "aliases": ("别名", "aliases"),
    "extends": ("上级", "extends"), "version": ("版本", "version"), "verified through": ("核实至", "verified through"),
    "districts": ("区县", "districts"),
    "national": ("国家", "national"), "province": ("省", "province"), "city": ("市", "city"),
    "district": ("区县", "district"),
    "parameter": ("参数", "parameter"), "value": ("值", "value"), "confidence": ("可信度", "confidence"),
    "source": ("来源", "source"), "note": ("说明", "note"), "in force": ("施行", "in force"), "year": ("年度", "year"),
    "on": ("日期", "on"), "rulesets": ("规则集", "rulesets"), "uncovered": ("未覆盖", "uncovered"),
    "covered": ("已覆盖", "covered"), "yearly": ("按年", "yearly"), "years": ("年度", "years"),
    "year missing": ("缺失（该日期所需的年度）", "missing (the year this date asks for)"),
    "warning": ("警告", "warning"), "sources": ("来源文件", "Sources"), "id": ("编号", "id"),
    "title": ("标题", "title"), "issuer": ("发文机关", "issuer"), "doc no": ("文号", "doc no"),
    "date": ("日期", "date"), "url": ("网址", "url"),
    "files valid": ("个文件有效", "files valid"),
    "checked": ("已检查", "checked"), "wrote": ("已写入", "wrote"),
    "manifest up to date": ("MANIFEST 已是最新", "MANIFEST already up to date"),
    "sub-section": ("子项", "sub-section"), "from": ("起", "from"), "to": ("止", "to"), "status": ("状态", "status"),
    "block": ("规则块", "block"), "unsourced": ("无来源", "unsourced"),
    "no figure at": ("无数值的层级", "no figure at"),
    "values": ("数值", "values"), "confirmed share": ("已确认占比", "confirmed share"),
    "missing periods": ("缺失时段", "missing periods"), "missing years": ("缺失年度", "missing years"),
    "partial years": ("部分无来源的年度", "years with unsourced components"),
    "core district": ("未填区县，按核心城区", "no district given: a core district"),
    "eligible": ("符合条件", "eligible"), "not eligible": ("不符合条件", "not eligible"),
    "no amount sourced": ("金额未列明", "no amount sourced"), "steps": ("计算步骤", "Steps"),
    "step": ("步骤", "step"), "formula": ("公式", "formula"),
    "explain hint": ("显示每一步的公式和依据", "shows every step with its formula and source"),
}


def t(key: str, lang: str) -> str:
    """A word of the terminal in ``lang`` ("zh" or "en"); an unknown key as it is."""
    pair = WORDS.get(key)
    return key if pair is None else pair[0] if lang == "zh" else pair[1]


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False)


def _table(title: str, columns: list[str] | tuple[str, ...], lang: str = "en") -> Table:
    """A table whose cells wrap and fold long words instead of cutting them with "…"."""
    table = Table(title=escape(title), title_justify="left")
    for col in columns:
        table.add_column(escape(t(col, lang)), overflow="fold")
    return table


def _conf(level: str, lang: str) -> str:
    style = STATUS_STYLE.get(level, "")
    word = escape(t(level, lang))
    return f"[{style}]{word}[/]" if style else word


def regions(data: list[dict[str, Any]], lang: str = "en") -> None:
    """One entry per region: slug, names, level and parent, admin code, version; then its
    aliases and districts, wrapped (a table of nine columns cannot be read at 80 columns)."""
    c = _console()
    c.print(f"[bold]{t('regions', lang)}[/]")
    for r in data:
        parent = f" ← {r['extends']}" if r["extends"] else ""
        code = f"  {r['admin_code']}" if r["admin_code"] else ""
        c.print(f"[bold]{escape(r['region'])}[/]  {escape(r['name']['zh'])} / {escape(r['name']['en'])}  "
                f"({escape(t(r['level'], lang))}{escape(parent)}){code}  v{escape(r['version'])}, "
                f"{t('verified through', lang)} {r['verified_through']}", overflow="fold")
        if r["aliases"]:
            c.print(f"  {t('aliases', lang)}: {escape(' '.join(r['aliases']))}", overflow="fold")
        if r.get("districts"):
            c.print(f"  {t('districts', lang)}: {escape(' '.join(r['districts']))}", overflow="fold")


def _text(value: Any, lang: str = "en") -> str:
    """A setting as a reader writes it: 是/否 or yes/no, lists joined, tables as key = value."""
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if isinstance(value, list):
        return "、".join(_text(v, lang) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} = {_text(v, lang)}" for k, v in value.items())
    return str(value)


def _span(a: str, b: str | None, lang: str) -> str:
    return f"{a} – {b or t('open', lang)}"


def _block_table(s: dict[str, Any], lang: str) -> Table:
    if "in_force" in s:
        when = f"{t('in force', lang)} {_span(s['in_force'][0], s['in_force'][1], lang)}"
    else:
        when = f"{t('year', lang)} {s['block']['year']}"
    table = _table(f"{s['subsection']}  ← {s['region']} ({t(s['level'], lang)}), {when}",
                   ("parameter", "value", "confidence", "source", "note"), lang)
    for k, v in s["settings"].items():
        if k == "items":
            for item in v:
                label = item.get("label", {})
                condition = item.get("condition", {})
                table.add_row(escape(f"items.{item.get('id')}"),
                              escape(f"{label.get('zh', '')} / {label.get('en', '')}"), "", "",
                              escape(condition.get(lang, condition.get("en", ""))))
            continue
        table.add_row(escape(k), escape(_text(v, lang)), "", "", "")
    for v in s["values"]:
        table.add_row(escape(v["param"].removeprefix(s["subsection"] + ".")), escape(_text(v["value"], lang)),
                      _conf(v["confidence"], lang), escape(v["source"]),
                      "" if v["note"] == s["note"] else escape(v["note"]))
    status = s.get("status", s["block_confidence"])
    if s["note"] or status != "confirmed":
        table.caption = f"{_conf(status, lang)}" + (f": {escape(s['note'])}" if s["note"] else "")
        table.caption_justify = "left"
    return table


def show(data: dict[str, Any], lang: str = "en") -> None:
    c = _console()
    district = f" {escape(data['district'])}" if data.get("district") else ""
    c.print(f"[bold]{escape(data['name']['zh'])}{district} {escape(data['name']['en'])}[/] ({escape(data['region'])}) "
            f"{t('on', lang)} {data['as_of']}")
    c.print(f"{t('rulesets', lang)}: " + escape(", ".join(f"{r['region']} v{r['version']}" for r in data["rulesets"]))
            + f"   resolved_sha256 {data['resolved_sha256']}", overflow="fold")
    for s in data["subsections"]:
        c.print(_block_table(s, lang))
    for u in data["uncovered"]:
        spans = ", ".join(_span(a, b, lang) for a, b in u["covered"]) or t("never", lang)
        why = (u.get("why_zh") if lang == "zh" else None) or u.get("why") or f"{t('covered', lang)}: {spans}"
        c.print(f"[red]{t('uncovered', lang)}[/] {escape(u['subsection'])}: {escape(why)}", overflow="fold")
    for y in data["yearly"]:
        asked = "" if y["blocks"] or y.get("optional") else f" — [red]{y['year_asked']} {t('year missing', lang)}[/]"
        years = ", ".join(map(str, y["years"])) or t("none", lang)
        c.print(escape(f"{t('yearly', lang)} {y['subsection']}: {t('years', lang)} {years}") + asked, overflow="fold")
        for s in y["blocks"]:
            c.print(_block_table(s, lang))
    for w in data["warnings"]:
        c.print(f"[yellow]{t('warning', lang)}[/] {escape(w['message'][lang])}", overflow="fold")
    if data["sources"]:
        c.print(f"[bold]{t('sources', lang)}[/]")
        for q, src in data["sources"].items():
            _source(c, q, src)


def _source(c: Console, q: str, src: dict[str, Any]) -> None:
    """A cited document, whole: id and title; issuer, number and date; URL; note."""
    head = f"[bold]{escape(q)}[/] {escape(src.get('title', ''))}"
    more = " · ".join(escape(str(src[k])) for k in ("issuer", "doc_no", "date") if src.get(k))
    c.print(head + (f" ({more})" if more else ""), overflow="fold")
    if src.get("url"):
        c.print(f"  {escape(src['url'])}", overflow="fold")
    if src.get("note"):
        c.print(f"  [dim]{escape(src['note'])}[/]", overflow="fold")


def check(report: Any, lang: str = "en", root: str = "") -> None:
    c = _console()
    if root:
        c.print(f"{t('checked', lang)}: {escape(root)}", overflow="fold")
    for p in report.problems:
        kind = "" if p.kind == "invalid" else f" [dim]({p.kind})[/]"
        c.print(f"[red]✗[/] {escape(p.text(lang))}{kind}", overflow="fold")
    for n in report.notes:
        c.print(f"[dim]{t('note', lang)}: {escape(n.text(lang))}[/]", overflow="fold")
    if report.written is not None:
        c.print(f"[green]✓[/] {t('wrote', lang)} {escape(str(report.written))}", overflow="fold")
    elif report.wrote:
        c.print(f"[green]✓[/] {t('manifest up to date', lang)}")
    if report.ok:
        c.print(f"[green]✓[/] {len(report.files)} {t('files valid', lang)}")
    else:
        files = len({p.file for p in report.problems})
        if lang == "zh":
            c.print(f"[red]{len(report.problems)} 个问题[/]，涉及 {files} 个文件")
        else:
            c.print(f"[red]{plural(len(report.problems), 'problem')}[/] in {plural(files, 'file')}")


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _year_text(d: dict[str, Any], lang: str) -> str:
    """2024, 2021 (unconfirmed), 2025 (unsourced: years, percent)."""
    notes = [d["series"]] if d["series"] else []
    if d["confidence"] != "confirmed":
        notes.append(t(d["confidence"], lang))
    if d["unsourced"]:
        notes.append(f"{t('unsourced', lang)}: " + ", ".join(d["unsourced"]))
    return f"{d['year']} ({'; '.join(notes)})" if notes else str(d["year"])


def coverage(data: dict[str, Any], lang: str = "en") -> None:
    c = _console()
    for r in data["regions"]:
        table = _table(f"{r['region']}  {data['from']} – {data['to']}",
                       ("sub-section", "from", "to", "status", "level", "block"), lang)
        for s in r["sections"]:
            if "years" in s:
                missing = s.get("missing_years") or []
                status = f"{t('years', lang)}: " + (", ".join(_year_text(d, lang) for d in s.get("detail", []))
                                                    or ", ".join(map(str, s["years"])) or t("none", lang))
                if missing:
                    status += f"; {t('missing', lang)}: " + ", ".join(map(str, missing))
                table.add_row(escape(s["section"]), "", "", escape(status), "", "")
                continue
            for p in s["periods"]:
                blocks = p.get("blocks") or ([p["block"]] if p.get("block") else [])
                extra = f" ({t('unsourced', lang)}: {'、'.join(p['unsourced'])})" if p.get("unsourced") else ""
                if s.get("levels_not_sourced") and p["status"] != "missing":
                    extra += f" ({t('no figure at', lang)}: {'、'.join(s['levels_not_sourced'])})"
                where = " + ".join(f"{b.get('region', '')} {b.get('since', b.get('year', ''))}" for b in blocks)
                table.add_row(escape(s["section"]), p["from"], p["to"], _conf(p["status"], lang) + escape(extra),
                              escape(t(p.get("level", ""), lang) if p.get("level") else ""), escape(where))
        c.print(table)
    s = data["summary"]
    if lang == "zh":
        c.print(f"数值 {s['values']} 个：已确认 {s['confirmed']}，推算 {s['derived']}，未确认 {s['unconfirmed']}"
                f"（已确认占比 {s['confirmed_share']}）；缺失时段 {s['missing_periods']}，缺失年度 "
                f"{s['missing_years']}，部分无来源的年度 {s['partial_years']}", overflow="fold")
    else:
        c.print(f"values {s['values']}: confirmed {s['confirmed']}, derived {s['derived']}, "
                f"unconfirmed {s['unconfirmed']} (confirmed share {s['confirmed_share']}); "
                f"missing periods {s['missing_periods']}, missing years {s['missing_years']}, "
                f"years with unsourced components {s['partial_years']}", overflow="fold")


def result(data: dict[str, Any], explain: bool, lang: str,
           amount_labels: dict[str, tuple[str, str]] | None = None,
           region_name: tuple[str, str] | None = None) -> None:
    """One calculation: amounts, eligibility, reasons, warnings; every step with --explain."""
    from rich.panel import Panel

    c = _console()
    zh = lang == "zh"
    names = amount_labels or {}
    lines = []
    for k, v in data["amounts"].items():
        zh_name, en_name = names.get(k, (k, k))
        lines.append(f"[bold]{escape(zh_name if zh else en_name)}[/]: {escape(text_zh(str(v)) if zh else str(v))}")
    place = (region_name[0] if zh else region_name[1]) if region_name else data["region"]
    if data.get("district"):
        place += f" {data['district']}"
        if data.get("district_source") == "core":  # not chosen: say so, the tier (and the money) follow from it
            place += f" ({t('core district', lang)})"
    head = f"{place} {data['as_of']}  " + t("eligible" if data["eligible"] else "not eligible", lang)
    for r in data["reasons"]:
        lines.append(f"[red]✗[/] {escape(r['message'][lang])}")
    for x in data["extras"]:
        amount = x["amount"] or t("no amount sourced", lang)
        lines.append(f"[cyan]+[/] {escape(x['label'][lang])}: {escape(amount)} — {escape(x['condition'][lang])}")
    for w in data["warnings"]:
        lines.append(f"[yellow]![/] {escape(w['message'][lang])}")
    versions = ", ".join(f"{r['region']} v{r['version']}" for r in data["rulesets"])
    lines.append(f"[dim]{t('rulesets', lang)} {escape(versions)}; resolved_sha256 {data['resolved_sha256']}[/]")
    c.print(Panel("\n".join(lines), title=escape(head), title_align="left"))
    if explain:
        table = _table(t("steps", lang), ("step", "formula", "value", "source"), lang)
        for s in data["steps"]:
            where = ""
            if s["block"]:
                key = "since" if s["block"].get("since") else "year"
                where = f"{s['block']['region']} ({t(s['level'], lang)}) {s['block'].get(key)}\n"
            conf = s.get("confidence")
            mark = f" {_conf(conf, lang)}" if conf and conf != "confirmed" else ""
            formula = s.get("formula_zh") or s["formula"] if zh else s["formula"]
            value = {"true": "yes", "false": "no"}.get(str(s["value"]), str(s["value"]))
            table.add_row(escape(s["label"][lang]), escape(formula), escape(t(value, lang) if value in ("yes", "no")
                                                                            else value) + mark,
                          escape(where + ", ".join(s["sources"])))
        c.print(table)
        for q, src in data["sources"].items():
            c.print(f"[dim]{escape(q)}[/] {escape(src.get('title', ''))} {escape(src.get('doc_no', ''))} "
                    f"{escape(src.get('url', ''))}", overflow="fold")
    elif data["steps"]:
        c.print(f"[dim]--explain {t('explain hint', lang)}[/]")


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
        _source(c, q, src)
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
def batch_progress(show: bool, errors: Callable[[], int] | None = None) -> Iterator[Callable[[int], None] | None]:
    """A progress line on stderr (lines, rate, errors so far, time) while a batch runs, when
    ``show``; ``errors`` tells how many lines have failed so far."""
    if not show:
        yield None
        return
    import time

    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=_console(stderr=True), transient=True) as bar:
        task = bar.add_task("0 lines", total=None)
        count, start = 0, time.perf_counter()

        def tick(lines: int) -> None:  # ``lines`` more are done
            nonlocal count
            count += lines
            if count % 500 < lines or lines >= 500:
                rate = count / max(time.perf_counter() - start, 1e-9)
                failed = f", {errors():,} errors" if errors is not None else ""
                bar.update(task, description=f"{count:,} lines, {rate:,.0f}/s{failed}")

        yield tick
