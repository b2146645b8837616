"""Building models from data already known to be valid, without pydantic's schema build.

Used only for a file of the shipped package tree whose bytes are listed in a MANIFEST
that the build sealed into the package (``tree.py``): such a file passed full validation
by this very version of the models (CI checks the shipped tree and its MANIFEST, and a
test asserts that every shipped file gives equal models both ways). Construction must
then give what validation gives, and it can, because the models never coerce: scalar
fields are strict, so the only conversions are the ``BeforeValidator`` and
``AfterValidator`` functions of the fields, which are applied here in the same order.
Checks that can only reject (lengths, patterns, model validators) are skipped.

As a second line of defence the converters check types as strict validation would, and
raise ``Untrusted`` on anything unexpected; the loader then validates the file in full.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, cast, get_args, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator
from pydantic.fields import FieldInfo

Converter = Callable[[Any], Any]
_PLANS: dict[Any, Converter] = {}


class Untrusted(ValueError):
    """The data is not what validation would have accepted: validate it instead."""


def construct(tp: Any, value: Any) -> Any:
    """``value`` (TOML data) as an instance of type ``tp``."""
    return converter(tp)(value)


def converter(tp: Any, discriminator: str | None = None) -> Converter:
    """A function turning data into ``tp``, planned once per type."""
    key = (tp, discriminator)
    if key not in _PLANS:
        _PLANS[key] = _plan(tp, discriminator)
    return _PLANS[key]


def _exact(kind: type) -> Converter:
    def check(value: Any) -> Any:
        if type(value) is not kind:
            raise Untrusted(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return check


def _string(value: Any) -> Any:
    if not isinstance(value, str):
        raise Untrusted(f"expected a string, got {type(value).__name__}")
    return value


def _decimal(value: Any) -> Any:
    if not isinstance(value, Decimal):
        raise Untrusted(f"expected a Decimal, got {type(value).__name__}")
    return value


_SCALARS: dict[Any, Converter] = {bool: _exact(bool), int: _exact(int), dt.date: _exact(dt.date),
                                  str: _string, Decimal: _decimal}


def _with_validators(metadata: Any, tp: Any) -> Converter:
    # every validator in the ruleset models takes the value alone; the last Before runs first
    befores = [cast(Converter, m.func) for m in metadata if isinstance(m, BeforeValidator)][::-1]
    afters = [cast(Converter, m.func) for m in metadata if isinstance(m, AfterValidator)]
    discriminator = next((m.discriminator for m in metadata
                          if isinstance(m, FieldInfo) and m.discriminator), None)
    inner = converter(tp, discriminator if isinstance(discriminator, str) else None)
    if not befores and not afters:
        return inner

    def convert(value: Any) -> Any:
        for func in befores:
            value = func(value)
        value = inner(value)
        for func in afters:
            value = func(value)
        return value

    return convert


def _plan(tp: Any, discriminator: str | None) -> Converter:
    origin = get_origin(tp)
    if origin is Annotated:
        base, *metadata = get_args(tp)
        return _with_validators(metadata, base)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _model_plan(tp)
    if origin in (Union, types.UnionType):
        return _union_plan(tp, discriminator)
    if origin is Literal:
        allowed = get_args(tp)

        def literal(value: Any) -> Any:
            if value not in allowed or type(value) is not type(next(a for a in allowed if a == value)):
                raise Untrusted(f"{value!r} is not one of {allowed}")
            return value

        return literal
    if origin is dict:
        key, item = _string, converter(get_args(tp)[1])

        def mapping(value: Any) -> Any:
            if type(value) is not dict:
                raise Untrusted("expected a table")
            return {key(k): item(v) for k, v in value.items()}

        return mapping
    if origin in (tuple, list):
        element, as_tuple = converter(get_args(tp)[0]), origin is tuple

        def sequence(value: Any) -> Any:
            if type(value) is not list:
                raise Untrusted("expected an array")
            items = [element(v) for v in value]
            return tuple(items) if as_tuple else items

        return sequence
    if tp in _SCALARS:
        return _SCALARS[tp]
    raise Untrusted(f"no trusted construction for {tp!r}")


def _union_plan(tp: Any, discriminator: str | None) -> Converter:
    members = [m for m in get_args(tp) if m is not type(None)]
    optional = len(members) < len(get_args(tp))
    if discriminator is not None:
        by_tag = {tag: converter(m) for m in members
                  for tag in get_args(m.model_fields[discriminator].annotation)}

        def tagged(value: Any) -> Any:
            if type(value) is not dict or value.get(discriminator) not in by_tag:
                raise Untrusted(f"no {discriminator} of {sorted(by_tag)}")
            return by_tag[value[discriminator]](value)

        return tagged
    if len(members) != 1:
        raise Untrusted(f"no trusted construction for the union {tp!r}")
    one = converter(members[0])
    if not optional:
        return one
    return lambda value: None if value is None else one(value)


def _model_plan(model: type[BaseModel]) -> Converter:
    fields: list[tuple[str, str, Converter, bool]] = []
    keys: set[str] = set()

    def convert(value: Any) -> Any:
        if type(value) is not dict:
            raise Untrusted(f"expected a table for {model.__name__}")
        if not fields:  # planned on first use: models may refer to each other
            for name, info in model.model_fields.items():
                fields.append((name, info.alias or name, _with_validators(info.metadata, info.annotation),
                               info.is_required()))
                keys.add(info.alias or name)
        extra = set(value) - keys
        if extra:
            raise Untrusted(f"unknown keys {sorted(extra)} for {model.__name__}")
        values = {}
        for name, key, conv, required in fields:
            if key in value:
                values[name] = conv(value[key])
            elif required:
                raise Untrusted(f"{model.__name__}.{key} is missing")
        return model.model_construct(**values)

    return convert
