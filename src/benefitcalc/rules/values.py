"""Parameters inside a block, and the one grammar of their paths.

``monthly.一类``, ``share``, ``schedule[12-60]`` (a bracket row ``[from-to)``, ``to`` empty
when open), ``items.job_search_subsidy.multiple``: ``rulesets show`` lists values under these
paths (``iter_values``) and a calculation reads them by the same paths (``value_at``), so
the param path in a step and in ``show`` cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NamedTuple

from pydantic import BaseModel

from ..notices import worst
from .schema import (
    AreaBlock,
    Block,
    BracketRow,
    Brackets,
    DatedBlock,
    DistrictTier,
    Param,
    Provenance,
    YearlyBlock,
)

_BLOCK_FIELDS = frozenset(DatedBlock.model_fields) | frozenset(YearlyBlock.model_fields)
_NOT_VALUES: dict[type, frozenset[str]] = {AreaBlock: frozenset({"core", "unsourced", "scheme"})}


def join(path: str, key: Any) -> str:
    """``path.key`` (or ``key`` at the top)."""
    return f"{path}.{key}" if path else str(key)


def path_of(parts: tuple[str, ...]) -> str:
    """The path of a value reached by field names and table keys: ``monthly.一类``."""
    out = ""
    for part in parts:
        out = join(out, part)
    return out


def _plain(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def row_path(path: str, row: BracketRow) -> str:
    """The path of a bracket row: ``schedule[12-60]``, ``shares[20-]``."""
    return f"{path}[{_plain(row.lower)}-{_plain(row.upper)}]"


class ValueRecord(NamedTuple):
    """One parameter of a block: path, value, source (unqualified: the value's own or its
    block's), confidence (the less certain of the value's and the block's) and note."""

    path: str
    value: Decimal | str
    source: str
    confidence: str
    note: str


def record(path: str, value: Decimal | str, prov: Provenance | None, block: Block) -> ValueRecord:
    if prov is None:
        return ValueRecord(path, value, block.source, block.confidence,
                           block.note if block.confidence != "confirmed" else "")
    return ValueRecord(path, value, prov.source or block.source, worst(prov.confidence, block.confidence),
                       prov.note or (block.note if block.confidence != "confirmed" else ""))


def iter_values(block: Block) -> Iterator[ValueRecord]:
    """Every parameter of a block with its effective source and confidence."""
    yield from _walk(block, "", block)


def _walk(node: Any, path: str, block: Block) -> Iterator[ValueRecord]:
    kind = type(node)
    if kind is Param or kind is BracketRow or isinstance(node, Param):
        yield record(path, node.value, node, block)
    elif kind is DistrictTier:
        yield record(path, node.tier, node, block)
    elif kind is Brackets:
        for row in node.rows:
            yield record(row_path(path, row), row.value, row, block)
    elif kind is dict:
        for key, value in node.items():
            yield from _walk(value, join(path, key), block)
    elif kind is tuple:
        for i, value in enumerate(node):
            yield from _walk(value, join(path, getattr(value, "id", i)), block)
    elif isinstance(node, BaseModel):
        skip = _SKIP.get(kind)
        if skip is None:
            skip = _SKIP[kind] = frozenset(_NOT_VALUES.get(kind, frozenset()) | {"round"}
                                           | (_BLOCK_FIELDS if isinstance(node, Block) else frozenset()))
        for name in kind.model_fields:
            if name not in skip:
                yield from _walk(getattr(node, name), join(path, name), block)


_SKIP: dict[type, frozenset[str]] = {}


def value_at(block: Block, parts: tuple[str, ...]) -> tuple[Any, Provenance | None]:
    """The value at a path inside a block, and its provenance (None for a plain setting
    such as a flag); ``KeyError`` when the block has nothing there."""
    node: Any = block
    for part in parts:
        if isinstance(node, BaseModel):
            if part not in type(node).model_fields:
                raise KeyError(part)
            node = getattr(node, part)
        elif isinstance(node, dict):
            node = node[part]
        elif isinstance(node, tuple):
            node = next((x for x in node if getattr(x, "id", None) == part), None)
            if node is None:
                raise KeyError(part)
        else:
            raise KeyError(part)
        if node is None:
            raise KeyError(part)
    if isinstance(node, Param):
        return node.value, node
    if isinstance(node, DistrictTier):
        return node.tier, node
    if isinstance(node, BaseModel | dict | tuple):
        raise KeyError(".".join(parts))
    return node, None

