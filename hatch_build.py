"""Build hook: writes ``benefitcalc/_build.py`` with the version (from pyproject.toml) and
the sha256 of ``rulesets/MANIFEST``, which seals the shipped rulesets: only files whose
bytes that MANIFEST lists are built without re-validation (see rules/tree.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TARGET = "src/benefitcalc/_build.py"


class SealHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        manifest = root / "rulesets" / "MANIFEST"
        digest = hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else ""
        text = ('"""Written by the build (hatch_build.py); not in version control."""\n\n'
                f"VERSION = {self.metadata.version!r}\nMANIFEST_SHA256 = {digest!r}\n")
        (root / TARGET).write_text(text, encoding="utf-8")
        build_data["artifacts"].append(TARGET)
