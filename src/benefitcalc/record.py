"""The printable case record (``--format markdown`` or ``--format html``): what a caseworker
puts in the case file — the inputs, the result, every step with its formula, parameter,
ruleset level and source, the warnings, the ruleset versions and ``resolved_sha256``, and
when it was computed. Built from a result's JSON, so it shows exactly what a script gets.

The HTML is one self-contained page (inline style, no script, no network) that prints on A4;
several results make one page with a section each.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, NamedTuple

from .notices import text_zh

Labels = Mapping[str, tuple[str, str]]

TEXT = {
    "record": ("计算记录", "Case record"),
    "computed": ("计算时间", "Computed at"),
    "region": ("地区", "Region"),
    "district": ("区县", "District"),
    "core_district": ("未填区县，按核心城区", "no district given: a core district"),
    "as_of": ("日期", "Date"),
    "case_id": ("案例编号", "Case id"),
    "version": ("程序版本", "benefitcalc version"),
    "rulesets": ("规则集版本", "Rulesets"),
    "resolved": ("所用规则摘要 resolved_sha256", "resolved_sha256"),
    "inputs": ("输入", "Inputs"),
    "field": ("字段", "Field"),
    "value": ("值", "Value"),
    "result": ("结果", "Result"),
    "eligible": ("是否符合条件", "Eligible"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "reasons": ("不符合条件的原因", "Reasons"),
    "amount": ("金额", "Amount"),
    "extras": ("其他待遇", "Other entitlements"),
    "no_amount": ("金额未列明", "no amount sourced"),
    "warnings": ("提示", "Warnings"),
    "steps": ("计算步骤", "Steps"),
    "step": ("步骤", "Step"),
    "formula": ("公式", "Formula"),
    "param": ("参数", "Parameter"),
    "level": ("规则层级", "Ruleset level"),
    "sources": ("依据", "Sources"),
    "confidence": ("可信度", "Confidence"),
    "title": ("文件", "Document"),
    "doc_no": ("文号", "Document no."),
    "date": ("日期", "Date"),
    "url": ("网址", "URL"),
    "note": ("说明", "Note"),
    "error": ("无法计算", "Not computed"),
    "line": ("行", "line"),
}


class Table(NamedTuple):
    head: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


class Section(NamedTuple):
    """A heading with lines of text, a table, or both."""

    title: str
    lines: list[str]
    table: Table | None = None


#: levels and confidence names, in Chinese (the English is the key)
WORDS_ZH = {"national": "国家", "province": "省", "city": "市", "district": "区县", "confirmed": "已确认",
            "derived": "推算", "unconfirmed": "未确认", "true": "是", "false": "否", "yes": "是", "no": "否"}


def _word(text: str, lang: str) -> str:
    return WORDS_ZH.get(text, text) if lang == "zh" else {"true": "yes", "false": "no"}.get(text, text)


def _t(key: str, lang: str) -> str:
    zh, en = TEXT[key]
    return zh if lang == "zh" else en


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(_plain(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return "—" if value is None else str(value)


def sections(data: Mapping[str, Any], lang: str, name: tuple[str, str], labels: Labels,
             computed: dt.datetime, region: tuple[str, str] | None = None) -> tuple[str, list[Section]]:
    """The record of one result (its JSON), as a title and sections; ``region`` is the
    region's name (zh, en)."""
    t = partial(_t, lang=lang)
    title = f"{name[0] if lang == 'zh' else name[1][:1].upper() + name[1][1:]} — {t('record')}"
    where = f"{region[0] if lang == 'zh' else region[1]} ({data['region']})" if region else data["region"]
    district = data["district"] or ""
    if district and data.get("district_source") == "core":
        district += f" ({t('core_district')})"
    meta = [f"{t('region')}: {where}" + (f"  {t('district')}: {district}" if district else ""),
            f"{t('as_of')}: {data['as_of']}"]
    if data.get("id") is not None:
        meta.append(f"{t('case_id')}: {data['id']}")
    meta += [f"{t('computed')}: {computed:%Y-%m-%d %H:%M:%S %z}".rstrip(),
             f"{t('version')}: {data['benefitcalc_version']} (contract {data['contract']})",
             f"{t('rulesets')}: " + ", ".join(f"{r['region']} v{r['version']} (sha256 {r['file_sha256'][:12]}…)"
                                               for r in data["rulesets"]),
             f"{t('resolved')}: {data['resolved_sha256']}"]
    out = [Section("", meta)]
    case = data.get("case") or {}
    out.append(Section(t("inputs"), [], Table((t("field"), t("value")),
                                              [(k, _plain(v)) for k, v in case.items()])))
    result = [f"{t('eligible')}: {t('yes') if data['eligible'] else t('no')}"]
    result += [f"✗ {r['message'][lang]}" for r in data["reasons"]]
    amounts = [((labels.get(k, (k, k))[0 if lang == "zh" else 1]) + f" ({k})",
                text_zh(str(v)) if lang == "zh" else str(v)) for k, v in data["amounts"].items()]
    out.append(Section(t("result"), result, Table((t("field"), t("amount")), amounts)))
    if data["extras"]:
        out.append(Section(t("extras"), [
            f"{x['label'][lang]}: {x['amount'] or t('no_amount')} — {x['condition'][lang]} ({', '.join(x['sources'])})"
            for x in data["extras"]]))
    if data["warnings"]:
        out.append(Section(t("warnings"), [f"! {w['message'][lang]} ({w['code']})" for w in data["warnings"]]))
    rows = []
    for i, s in enumerate(data["steps"], 1):
        block = s.get("block") or {}
        when = block.get("since") or block.get("year") or ""
        level = f"{block['region']} ({_word(s['level'], lang)}) {when}" if block else ""
        formula = (s.get("formula_zh") or s["formula"]) if lang == "zh" else s["formula"]
        rows.append((str(i), s["label"][lang], formula, _word(_plain(s["value"]), lang), s.get("param") or "",
                     level, ", ".join(s["sources"]), _word(s.get("confidence") or "", lang)))
    out.append(Section(t("steps"), [], Table(("#", t("step"), t("formula"), t("value"), t("param"), t("level"),
                                              t("sources"), t("confidence")), rows)))
    srcs = [(q, s.get("title", ""), s.get("doc_no", ""), s.get("date", ""), s.get("url", ""), s.get("note", ""))
            for q, s in data["sources"].items()]
    if srcs:
        out.append(Section(t("sources"), [], Table(("id", t("title"), t("doc_no"), t("date"), t("url"), t("note")),
                                                   srcs)))
    return title, out


def error_sections(data: Mapping[str, Any], lang: str) -> tuple[str, list[Section]]:
    """The record of a case that could not be computed: the error, as a script gets it."""
    err = data["error"]
    lines = [f"{err['code']}: {err['message'][lang]}"]
    if data.get("line") is not None:
        lines.append(f"{_t('line', lang)} {data['line']}")
    if data.get("id") is not None:
        lines.append(f"{_t('case_id', lang)}: {data['id']}")
    return _t("error", lang), [Section("", lines)]


# -- Markdown ----------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>") or " "


def markdown(title: str, parts: list[Section]) -> str:
    out = [f"# {title}", ""]
    for s in parts:
        if s.title:
            out += [f"## {s.title}", ""]
        out += [f"- {line}" for line in s.lines]
        if s.lines:
            out.append("")
        if s.table is not None:
            out.append("| " + " | ".join(map(_md_cell, s.table.head)) + " |")
            out.append("|" + "---|" * len(s.table.head))
            out += ["| " + " | ".join(map(_md_cell, row)) + " |" for row in s.table.rows]
            out.append("")
    return "\n".join(out)


# -- HTML --------------------------------------------------------------------------------

STYLE = """
@page { size: A4; margin: 14mm 12mm; }
body { font: 10pt/1.4 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       color: #111; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 15pt; margin: 0 0 4mm; } h2 { font-size: 12pt; margin: 5mm 0 2mm; }
section + section { break-before: page; }
ul { margin: 0 0 2mm; padding-left: 5mm; }
table { border-collapse: collapse; width: 100%; table-layout: auto; margin-bottom: 3mm; }
th, td { border: 0.3mm solid #999; padding: 1mm 1.5mm; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; word-break: break-word; }
th { background: #eee; } tr { break-inside: avoid; }
"""


def html_section(title: str, parts: list[Section]) -> str:
    e = html.escape
    out = [f"<section><h1>{e(title)}</h1>"]
    for s in parts:
        if s.title:
            out.append(f"<h2>{e(s.title)}</h2>")
        if s.lines:
            out.append("<ul>" + "".join(f"<li>{e(line)}</li>" for line in s.lines) + "</ul>")
        if s.table is not None:
            head = "".join(f"<th>{e(h)}</th>" for h in s.table.head)
            rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in s.table.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    out.append("</section>")
    return "\n".join(out)


def html_head(lang: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>benefitcalc — {_t('record', lang)}</title>\n<style>{STYLE}</style>\n</head>\n<body>")


HTML_TAIL = "</body>\n</html>"
