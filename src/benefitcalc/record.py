"""``Record``: a small immutable value type.

Cheaper to define than a ``NamedTuple`` or a dataclass (neither generates code at import),
which matters because a caseworker's single calculation pays for every class it defines.
"""

from __future__ import annotations

from typing import Any, ClassVar


class Record:
    """Fields are the class's ``__slots__``; ``DEFAULTS`` gives optional ones."""

    __slots__: ClassVar[tuple[str, ...]] = ()
    DEFAULTS: ClassVar[dict[str, Any]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names = self.__slots__
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__} takes at most {len(names)} values")
        values = {**self.DEFAULTS, **dict(zip(names, args, strict=False)), **kwargs}
        for name in names:
            if name not in values:
                raise TypeError(f"{type(self).__name__} needs {name!r}")
            object.__setattr__(self, name, values[name])

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, n) for n in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, *self._values()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__)
        return f"{type(self).__name__}({inner})"
