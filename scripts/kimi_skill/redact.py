"""Keep the API key out of everything a user or a log can see.

The key is wrapped in :class:`Secret` as soon as it is read, so an accidental ``print``, ``repr``
or f-string shows a mask; :func:`scrub` removes it from any text we did not write ourselves
(a server may echo the key back in an error body).
"""

from __future__ import annotations

MASK = "****"
_known: set[str] = set()


class Secret:
    """A string that never renders itself; call :meth:`reveal` at the one place it is sent."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        if len(value) >= 4:
            _known.add(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled")


def scrub(text: str) -> str:
    """Replace every key this process has read with a mask."""
    for value in _known:
        if value in text:
            text = text.replace(value, MASK)
    return text


def mask_header(name: str, value: str) -> str:
    """Mask credential-carrying header values for debug output, whatever their content."""
    lowered = name.lower()
    if lowered == "authorization":
        scheme, _, _ = value.partition(" ")
        return f"{scheme} {MASK}" if scheme else MASK
    if lowered in {"x-api-key", "x-goog-api-key", "api-key", "cookie"}:
        return MASK
    return scrub(value)
