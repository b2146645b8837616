"""The JSON Schemas of cases, results and ruleset files, derived from the models and the
benefit registry (``benefitcalc schema case|result|ruleset``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union, cast

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model

from .. import benefits
from ..rules.schema import Confidence

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def case_schema() -> dict[str, Any]:
    """Every benefit's case, one of them by ``benefit``."""
    models = tuple(b.case_model for b in benefits.all_benefits())
    union: Any = models[0] if len(models) == 1 else Union[models]  # noqa: UP007 - built at run time
    schema = TypeAdapter(Annotated[union, Field(discriminator="benefit")]).json_schema()
    return {"$schema": DRAFT, "title": "benefitcalc case", **schema}


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TextOut(_Out):
    zh: str
    en: str


class NoticeOut(_Out):
    code: str
    message: TextOut


class BlockRefOut(_Out):
    region: str
    section: str
    since: str | None = None
    year: int | None = None


class StepOut(_Out):
    id: str
    label: TextOut
    formula: str
    value: str | int
    param: str | None
    block: BlockRefOut | None
    level: str | None
    sources: list[str]
    confidence: Confidence | None = None


class ExtraOut(_Out):
    id: str
    label: TextOut
    amount: str | None
    condition: TextOut
    sources: list[str]


class RulesetRef(_Out):
    region: str
    level: str
    version: str
    file_sha256: str


class ErrorBody(_Out):
    code: Literal["invalid_input", "unknown_region", "no_ruleset_in_force", "invalid_ruleset"]
    message: TextOut
    details: dict[str, Any]


class ErrorOut(_Out):
    id: str | int | None
    line: int | None = None
    error: ErrorBody


_KIND = {"money": (str, Field(pattern=r"^-?[0-9]+\.[0-9]{2}$")), "count": (int, Field()), "text": (str, Field())}


def _extra(kind: str) -> dict[str, Any]:
    info = _KIND[kind][1]
    pattern = next((m.pattern for m in info.metadata if hasattr(m, "pattern")), None)
    return {"pattern": pattern} if pattern else {}


#: where a result's district came from (models.Result.district_source)
_DISTRICT_SOURCE: Any = Literal["case", "address", "core"] | None


def result_models() -> list[type[BaseModel]]:
    """One result model per benefit, its amounts by name and kind (from the registry)."""
    out: list[type[BaseModel]] = []
    literal = cast(Any, Literal)
    for b in benefits.all_benefits():
        amounts = create_model(  # type: ignore[call-overload]
            f"{b.id.title().replace('_', '')}Amounts", __base__=_Out,
            **{a.name: (_KIND[a.kind][0], _KIND[a.kind][1] if a.required else Field(None, **_extra(a.kind)))
               for a in b.amounts})
        out.append(create_model(
            f"{b.id.title().replace('_', '')}Result", __base__=_Out,
            id=(str | int | None, ...), benefit=(literal[b.id], ...), region=(str, ...),
            district=(str | None, ...), district_source=(_DISTRICT_SOURCE, ...),
            as_of=(str, ...),
            case=(dict[str, Any], Field(description="the case as validated: defaults filled in, absent optional "
                                                    "fields left out")),
            contract=(Literal[1], ...),
            benefitcalc_version=(str, ...), rulesets=(list[RulesetRef], ...), resolved_sha256=(str, ...),
            eligible=(bool, ...), reasons=(list[NoticeOut], ...), warnings=(list[NoticeOut], ...),
            amounts=(amounts, ...), extras=(list[ExtraOut], ...), steps=(list[StepOut], ...),
            sources=(dict[str, dict[str, str]], ...)))
    return out


def result_schema() -> dict[str, Any]:
    """A result of any benefit, or an error object."""
    members = (*result_models(), ErrorOut)
    union = cast(Any, Union)[members]
    return {"$schema": DRAFT, "title": "benefitcalc result", **TypeAdapter(union).json_schema()}


def ruleset_schema() -> dict[str, Any]:
    """A JSON Schema of a ruleset file, generated from the models."""
    from ..rules.schema import AreaBlock, Defaults, Meta, Source
    from ..rules.sections import all_groups

    def schema_of(model: Any) -> dict[str, Any]:
        return TypeAdapter(model).json_schema(by_alias=True)

    properties: dict[str, Any] = {"meta": schema_of(Meta), "defaults": schema_of(Defaults),
                                  "sources": {"type": "object", "additionalProperties": schema_of(Source)},
                                  "area": {"type": "array", "items": schema_of(AreaBlock)}}
    for group in all_groups():
        for name, spec in group.subsections.items():
            target = properties
            head, _, tail = name.partition(".")
            if tail:
                section = properties.setdefault(head, {"type": "object", "properties": {},
                                                       "additionalProperties": False})
                target, name = section["properties"], tail
            target[name] = {"type": "array", "items": schema_of(spec.model)}
    return {"$schema": DRAFT, "title": "benefitcalc ruleset", "type": "object", "required": ["meta"],
            "properties": properties, "additionalProperties": False}


__all__ = ["ErrorOut", "case_schema", "result_models", "result_schema", "ruleset_schema"]
