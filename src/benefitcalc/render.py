"""Terminal output with rich: tables and panels. The only module importing rich."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

STATUS_STYLE = {"confirmed": "green", "derived": "cyan", "unconfirmed": "yellow", "missing": "red"}


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False)


def regions(data: list[dict[str, Any]]) -> None:
    t = Table(title="Regions", title_justify="left")
    for col in ("region", "level", "name", "admin code", "aliases", "extends", "version", "verified through"):
        t.add_column(col)
    for r in data:
        t.add_row(r["region"], r["level"], f"{r['name']['zh']} / {r['name']['en']}", r["admin_code"],
                  "、".join(r["aliases"]), r["extends"] or "", r["version"], r["verified_through"])
    _console().print(t)


def show(data: dict[str, Any]) -> None:
    c = _console()
    c.print(f"[bold]{escape(data['name']['zh'])} {escape(data['name']['en'])}[/] ({data['region']}) "
            f"on {data['as_of']}")
    c.print("rulesets: " + ", ".join(f"{r['region']} v{r['version']}" for r in data["rulesets"])
            + f"   resolved_sha256 {data['resolved_sha256'][:16]}…")
    for s in data["subsections"]:
        end = s["in_force"][1] or "open"
        t = Table(title=f"{s['subsection']}  ← {s['region']} ({s['level']}), in force "
                        f"{s['in_force'][0]} – {end}", title_justify="left")
        for col in ("parameter", "value", "confidence", "source", "note"):
            t.add_column(col)
        for k, v in s["settings"].items():
            text = "、".join(v) if isinstance(v, list) else str(v)
            t.add_row(escape(k), escape(text), "", "", "")
        for v in s["values"]:
            style = STATUS_STYLE[v["confidence"]]
            t.add_row(escape(v["param"].removeprefix(s["subsection"] + ".")), escape(str(v["value"])),
                      f"[{style}]{v['confidence']}[/]", escape(v["source"]),
                      "" if v["note"] == s["note"] else escape(v["note"]))
        if s["note"]:
            t.caption = escape(f"{s['block_confidence']}: {s['note']}")
            t.caption_justify = "left"
        c.print(t)
    for u in data["uncovered"]:
        spans = ", ".join(f"{a} – {b or 'open'}" for a, b in u["covered"]) or "never"
        c.print(f"[red]uncovered[/] {u['subsection']} (covered: {spans})")
    for y in data["yearly"]:
        c.print(f"yearly {y['subsection']}: years {', '.join(map(str, y['years'])) or 'none'}")
    for w in data["warnings"]:
        c.print(f"[yellow]warning[/] {escape(w['message']['en'])}")
    if data["sources"]:
        t = Table(title="Sources", title_justify="left")
        for col in ("id", "title", "issuer", "doc no", "date"):
            t.add_column(col)
        for q, src in data["sources"].items():
            t.add_row(q, escape(src.get("title", "")), escape(src.get("issuer", "")),
                      escape(src.get("doc_no", "")), src.get("date", ""))
        c.print(t)


def check(report: Any) -> None:
    c = _console()
    for p in report.problems:
        c.print(f"[red]✗[/] {escape(str(p))}")
    for n in report.notes:
        c.print(f"[dim]note: {escape(n)}[/]")
    if report.ok:
        c.print(f"[green]✓[/] {len(report.files)} files valid")
    else:
        c.print(f"[red]{len(report.problems)} problems[/] in {len({p.file for p in report.problems})} files")


def coverage(data: dict[str, Any]) -> None:
    c = _console()
    for r in data["regions"]:
        t = Table(title=f"{r['region']}  {data['from']} – {data['to']}", title_justify="left")
        for col in ("sub-section", "from", "to", "status", "level", "block"):
            t.add_column(col)
        for s in r["sections"]:
            if "years" in s:
                t.add_row(s["section"], "", "", "years: " + ", ".join(map(str, s["years"])), "", "")
                continue
            for p in s["periods"]:
                style = STATUS_STYLE[p["status"]]
                block = p.get("block", {})
                extra = f" (unsourced: {'、'.join(p['unsourced'])})" if p.get("unsourced") else ""
                t.add_row(s["section"], p["from"], p["to"], f"[{style}]{p['status']}[/]{escape(extra)}",
                          p.get("level", ""), block.get("region", "") + (" " + block.get("since", "") if block else ""))
        c.print(t)
    s = data["summary"]
    c.print(f"values {s['values']}: confirmed {s['confirmed']}, derived {s['derived']}, "
            f"unconfirmed {s['unconfirmed']} (confirmed share {s['confirmed_share']}); "
            f"missing periods {s['missing_periods']}")
