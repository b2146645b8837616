"""pydantic's validation errors said the way benefitcalc says things, in English and Chinese.

Both the case path (``benefits.parse_case``) and the ruleset path (``rules.files``) read
pydantic's error records; this module turns one record into a message pair without
pydantic's wording ("Input should be …", "Value error, …"). A validator that raised a
``BilingualValueError`` gives its own two texts; other error types are said from their
``type`` and ``ctx``; an unknown type keeps pydantic's English for both languages rather
than say nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import BilingualValueError

# type → (English, Chinese); ``{…}`` are filled from the error's ``ctx``
_BY_TYPE: dict[str, tuple[str, str]] = {
    "missing": ("required", "必填"),
    "extra_forbidden": ("unknown field", "未知字段"),
    "int_parsing": ("must be a whole number", "须为整数"),
    "int_type": ("must be a whole number", "须为整数"),
    "int_from_float": ("must be a whole number", "须为整数"),
    "float_parsing": ("must be a number", "须为数字"),
    "float_type": ("must be a number", "须为数字"),
    "decimal_parsing": ("must be a decimal number", "须为十进制数"),
    "decimal_type": ("must be a decimal number", "须为十进制数"),
    "decimal_max_digits": ("at most {max_digits} digits", "最多 {max_digits} 位数字"),
    "decimal_max_places": ("at most {decimal_places} decimal places", "最多 {decimal_places} 位小数"),
    "decimal_whole_digits": ("at most {whole_digits} digits before the point", "整数部分最多 {whole_digits} 位"),
    "finite_number": ("must be a finite number", "须为有限数"),
    "greater_than": ("must be greater than {gt}", "须大于 {gt}"),
    "greater_than_equal": ("must be at least {ge}", "须不小于 {ge}"),
    "less_than": ("must be less than {lt}", "须小于 {lt}"),
    "less_than_equal": ("must be at most {le}", "须不大于 {le}"),
    "date_parsing": ("must be a date YYYY-MM-DD", "须为日期 YYYY-MM-DD"),
    "date_from_datetime_parsing": ("must be a date YYYY-MM-DD", "须为日期 YYYY-MM-DD"),
    "date_from_datetime_inexact": ("must be a date without a time", "须为日期，不含时间"),
    "date_type": ("must be a date YYYY-MM-DD", "须为日期 YYYY-MM-DD"),
    "bool_parsing": ("must be true or false", "须为 true 或 false"),
    "bool_type": ("must be true or false", "须为 true 或 false"),
    "string_type": ("must be text", "须为文本"),
    "string_too_short": ("must not be empty", "不得为空"),
    "string_too_long": ("at most {max_length} characters", "最多 {max_length} 个字符"),
    "string_pattern_mismatch": ("does not match {pattern}", "不符合格式 {pattern}"),
    "literal_error": ("must be one of {expected}", "须为以下之一：{expected}"),
    "enum": ("must be one of {expected}", "须为以下之一：{expected}"),
    "dict_type": ("must be a table (an object)", "须为表（对象）"),
    "model_type": ("must be a table (an object)", "须为表（对象）"),
    "model_attributes_type": ("must be a table (an object)", "须为表（对象）"),
    "list_type": ("must be a list", "须为列表"),
    "tuple_type": ("must be a list", "须为列表"),
    "too_short": ("must have at least {min_length} items", "至少 {min_length} 项"),
    "too_long": ("must have at most {max_length} items", "最多 {max_length} 项"),
    "union_tag_invalid": ("{tag!r} is not one of {expected_tags}", "{tag!r} 不是以下之一：{expected_tags}"),
    "union_tag_not_found": ("needs the key {discriminator}", "缺少键 {discriminator}"),
    "int_parsing_size": ("must be a whole number of a usable size", "须为大小适当的整数"),
    "string_unicode": ("must be valid Unicode text", "须为有效的 Unicode 文本"),
    "mapping_type": ("must be a table (an object)", "须为表（对象）"),
    "set_type": ("must be a list", "须为列表"),
    "frozen_set_type": ("must be a list", "须为列表"),
    "iterable_type": ("must be a list", "须为列表"),
    "none_required": ("must be left out", "不应给出"),
    "recursion_loop": ("nested too deeply", "嵌套过深"),
}

# ctx keys holding pydantic's list of choices ("'a', 'b' or 'c'"), said with 、 in Chinese
_CHOICES = ("expected", "expected_tags")


def _zh_ctx(ctx: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.replace("' or '", "'、'").replace("', '", "'、'") if k in _CHOICES and isinstance(v, str) else v
            for k, v in ctx.items()}


def message(err: Mapping[str, Any]) -> tuple[str, str]:
    """(English, Chinese) for one record of ``ValidationError.errors()``."""
    ctx = err.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, BilingualValueError):
        return str(cause), cause.zh
    if isinstance(cause, BaseException):
        text = str(cause)
        return text, text
    pair = _BY_TYPE.get(err["type"])
    if pair is None:
        text = str(err.get("msg", err["type"])).removeprefix("Value error, ")
        return text, text
    try:
        return pair[0].format(**ctx), pair[1].format(**_zh_ctx(ctx))
    except (KeyError, IndexError, ValueError):
        return pair
