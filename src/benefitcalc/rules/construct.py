"""Building models from data already known to be valid, without pydantic's schema build.

A file whose ``file_sha256`` equals its entry in the tree's MANIFEST was validated by
``rulesets check`` when that entry was written (``--write-manifest`` writes only after a
clean check). For such a file the loader builds the same model objects directly: the
field types and the before/after validators that convert values (a plain number into a
``Param``, an int into a ``Decimal``) are applied; checks that only reject are skipped.
This keeps a single calculation's start-up free of schema generation. A test asserts that
every shipped file gives equal models both ways.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator
from pydantic.fields import FieldInfo

Converter = Callable[[Any], Any]
_PLANS: dict[Any, Converter] = {}


def construct(tp: Any, value: Any) -> Any:
    """``value`` (TOML data) as an instance of type ``tp``."""
    return converter(tp)(value)


def converter(tp: Any, discriminator: str | None = None) -> Converter:
    """A function turning data into ``tp``, planned once per type."""
    key = (tp, discriminator)
    if key not in _PLANS:
        _PLANS[key] = _plan(tp, discriminator)
    return _PLANS[key]


def _identity(value: Any) -> Any:
    return value


def _decimal(value: Any) -> Any:
    return value if isinstance(value, Decimal) else Decimal(value)


def _with_validators(metadata: Any, tp: Any) -> Converter:
    befores = [m.func for m in metadata if isinstance(m, BeforeValidator)][::-1]  # last runs first
    afters = [m.func for m in metadata if isinstance(m, AfterValidator)]
    discriminator = next((m.discriminator for m in metadata
                          if isinstance(m, FieldInfo) and m.discriminator), None)
    inner = converter(tp, discriminator)
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
        members = [m for m in get_args(tp) if m is not type(None)]
        if discriminator is not None:
            by_tag = {tag: converter(m) for m in members
                      for tag in get_args(m.model_fields[discriminator].annotation)}
            return lambda value: by_tag[value[discriminator]](value)
        one = converter(members[0])
        return lambda value: None if value is None else one(value)
    if origin is dict:
        convert_value = converter(get_args(tp)[1])
        return lambda value: {k: convert_value(v) for k, v in value.items()}
    if origin is tuple:
        item = converter(get_args(tp)[0])
        return lambda value: tuple(item(v) for v in value)
    if origin is list:
        item = converter(get_args(tp)[0])
        return lambda value: [item(v) for v in value]
    if tp is Decimal:
        return _decimal
    return _identity


def _model_plan(model: type[BaseModel]) -> Converter:
    fields: list[tuple[str, str, Converter]] = []

    def convert(value: Any) -> Any:
        if isinstance(value, model):
            return value
        if not fields:  # planned on first use: models may refer to each other
            fields.extend((name, info.alias or name, _with_validators(info.metadata, info.annotation))
                          for name, info in model.model_fields.items())
        return model.model_construct(**{name: conv(value[key]) for name, key, conv in fields
                                        if key in value})

    return convert
