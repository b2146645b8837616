"""Building models from data already known to be valid, without pydantic's schema build.

Used only for a file of the shipped package tree whose bytes are listed in a MANIFEST
that the build sealed into the package (``tree.py``): such a file passed full validation
by this very version of the models (CI checks the shipped tree and its MANIFEST, and a
test asserts that every shipped file gives equal models both ways). Construction must
then give what validation gives, and it can, because the models never coerce: scalar
fields are strict, so the only conversions are the ``BeforeValidator`` and
``AfterValidator`` functions of the fields, which are applied here in the same order.
The checks that can only reject are run too — types as strict validation checks them, the
length, bound and pattern constraints, and the models' "after" validators — so that even a
MANIFEST forged to list bad bytes cannot make this path answer differently: anything
validation would refuse raises ``Untrusted`` (or the validator's ``ValueError``), and the
loader then validates the data in full, which reports the problem with its key path.
"""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, cast, get_args, get_origin

import annotated_types as at
from pydantic import AfterValidator, BaseModel, BeforeValidator, Strict
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


def _constraint(meta: Any) -> Converter | None:
    """A check for one constraint of a field (``Field(min_length=…, ge=…, pattern=…)``)."""
    def check(ok: Callable[[Any], bool], what: str) -> Converter:
        def run(value: Any) -> Any:
            if not ok(value):
                raise Untrusted(f"{value!r:.40} does not satisfy {what}")
            return value
        return run

    if isinstance(meta, at.MinLen):
        return check(lambda v: len(v) >= meta.min_length, f"min_length {meta.min_length}")
    if isinstance(meta, at.MaxLen):
        return check(lambda v: len(v) <= meta.max_length, f"max_length {meta.max_length}")
    if isinstance(meta, at.Ge):
        return check(lambda v: v >= meta.ge, f"ge {meta.ge}")
    if isinstance(meta, at.Le):
        return check(lambda v: v <= meta.le, f"le {meta.le}")
    if isinstance(meta, at.Gt | at.Lt | at.MultipleOf):
        raise Untrusted(f"no trusted construction for the constraint {meta!r}")
    pattern = getattr(meta, "pattern", None)
    if isinstance(pattern, str):
        # pydantic's regex engine reads ^…$ as the whole text (Python's $ would also allow a
        # final newline): an anchored pattern must match all of the value
        if pattern.startswith("^") and pattern.endswith("$"):
            whole = re.compile(pattern[1:-1])
            return check(lambda v: whole.fullmatch(v) is not None, f"pattern {pattern}")
        compiled = re.compile(pattern)
        return check(lambda v: compiled.search(v) is not None, f"pattern {pattern}")
    return None


def _with_validators(metadata: Any, tp: Any) -> Converter:
    # every validator in the ruleset models takes the value alone; the last Before runs first
    befores = [cast(Converter, m.func) for m in metadata if isinstance(m, BeforeValidator)][::-1]
    afters = [cast(Converter, m.func) for m in metadata if isinstance(m, AfterValidator)]
    checks: list[Converter] = []
    discriminator = None
    for m in metadata:
        if isinstance(m, FieldInfo):
            discriminator = discriminator or m.discriminator
            checks += [c for c in map(_constraint, m.metadata) if c is not None]
        elif not isinstance(m, BeforeValidator | AfterValidator | Strict) and (c := _constraint(m)) is not None:
            checks.append(c)
    inner = converter(tp, discriminator if isinstance(discriminator, str) else None)
    if not befores and not afters and not checks:
        return inner

    def convert(value: Any) -> Any:
        for func in befores:
            value = func(value)
        value = inner(value)
        for check in checks:
            check(value)
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
    decorators = model.__pydantic_decorators__
    if decorators.field_validators or decorators.root_validators or decorators.validators or \
            any(d.info.mode != "after" for d in decorators.model_validators.values()):
        raise Untrusted(f"no trusted construction for {model.__name__}: it has validators of another kind")
    after = [cast(Callable[[Any], Any], d.func) for d in decorators.model_validators.values()]
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
        instance = model.model_construct(**values)
        for check in after:  # the model validators: they only reject (see schema.py)
            check(instance)
        return instance

    return convert
