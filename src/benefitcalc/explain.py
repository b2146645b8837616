"""The explanation model (SPEC §3.2): notices (reasons and warnings) and steps."""

from __future__ import annotations

from typing import Any, NamedTuple


class Notice(NamedTuple):
    """A reason or a warning: a stable code and a message in Chinese and English."""

    code: str
    zh: str
    en: str

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": {"zh": self.zh, "en": self.en}}
