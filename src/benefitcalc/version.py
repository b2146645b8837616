"""The package's version, written into ``_build.py`` by the build (from pyproject.toml)."""

from __future__ import annotations

from functools import cache


@cache
def version() -> str:
    try:  # written by the build hook (hatch_build.py)
        from ._build import VERSION

        return VERSION
    except ImportError:  # a source checkout: ask the installed metadata
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as installed

        try:
            return installed("benefitcalc")
        except PackageNotFoundError:  # never installed
            return "0+unknown"
