"""Markdown read with markdown-it-py: code blocks, inline code and links, each with its line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True)
class Code:
    lang: str
    text: str
    line: int  # file line of the first line of ``text``
    fenced: bool


@dataclass(frozen=True)
class Link:
    href: str
    line: int


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def walk(text: str, first_line: int = 1) -> tuple[list[Code], list[Link]]:
    """Code blocks, inline code and links, remembered by the text's hash (:mod:`.memo`)."""
    from .memo import MISSING, digest, memo

    key = f"{digest(text)}:{first_line}"
    stored = memo().get("markdown", key)
    if stored is MISSING:
        codes, links = _walk(text, first_line)
        memo().put("markdown", key, [[[c.lang, c.text, c.line, c.fenced] for c in codes], [[k.href, k.line] for k in links]])
        return codes, links
    return [Code(*c) for c in stored[0]], [Link(*k) for k in stored[1]]


def _walk(text: str, first_line: int) -> tuple[list[Code], list[Link]]:
    codes: list[Code] = []
    links: list[Link] = []
    for token in _parser().parse(text):
        line = (token.map[0] if token.map else 0) + first_line
        if token.type in ("fence", "code_block"):
            lang = (token.info or "").strip().split(" ")[0].lower() if token.type == "fence" else ""
            codes.append(Code(lang, token.content, line + (1 if token.type == "fence" else 0), True))
        elif token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "code_inline":
                    codes.append(Code("", child.content, line, False))
                elif child.type in ("link_open", "image"):
                    href = child.attrGet("href") or child.attrGet("src")
                    if href:
                        links.append(Link(str(href), line))
    return codes, links


def lines(code: Code) -> Iterator[tuple[int, str]]:
    """Logical lines of a code block, backslash continuations joined, with the first line's number."""
    start, pending = code.line, ""
    for index, raw in enumerate(code.text.split("\n")):
        if not pending:
            start = code.line + index
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        yield start, pending + raw
        pending = ""
    if pending:
        yield start, pending
