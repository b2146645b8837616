"""Notices (reasons and warnings, SPEC §3.2) and the order of confidence levels.

Kept at the bottom of the package so that both the rules and the explanation can use
them without importing each other.
"""

from __future__ import annotations

from typing import Any, NamedTuple

#: From most to least certain (SPEC §2.3): the one place this order is written.
CONFIDENCE = ("confirmed", "derived", "unconfirmed")
_RANK = {level: i for i, level in enumerate(CONFIDENCE)}


#: the words a text amount may hold (``"yes"``, ``"cpi, food_cpi"``), in Chinese
TEXT_ZH = {"yes": "是", "no": "否", "true": "是", "false": "否", "cpi": "CPI", "food_cpi": "食品CPI",
           "scpi": "SCPI", "within 20 working days of the index release": "价格指数公布后 20 个工作日内"}


def text_zh(text: str) -> str:
    """A text amount or value in Chinese, word by word where the words are known."""
    if text in TEXT_ZH:
        return TEXT_ZH[text]
    return "、".join(TEXT_ZH.get(part, part) for part in text.split(", ")) if ", " in text else text


def worst(*levels: str) -> str:
    """The least certain of several confidence levels."""
    return max(levels, key=_RANK.__getitem__)


class Notice(NamedTuple):
    """A reason or a warning: a stable ``code`` and a message in Chinese (``zh``) and English (``en``)."""

    code: str
    zh: str
    en: str

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": {"zh": self.zh, "en": self.en}}
