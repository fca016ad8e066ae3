"""A JSON reader that remembers where each value stands, so errors can name the line.

``json.loads`` forgets positions; this parser builds the same Python values and, beside them,
the character offset of every value keyed by its path (``("contents", 0, "schedules", 1,
"closes_at")``). A file that is not JSON raises ``json.JSONDecodeError`` (with ``lineno`` and
``colno``) exactly as ``json.loads`` would, because that is tried first.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

Path = tuple[str | int, ...]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_CONSTANTS = {"true": True, "false": False, "null": None}


@dataclass
class Located:
    """A parsed document with the offset of each of its values."""

    value: Any
    text: str
    offsets: dict[Path, int] = field(default_factory=dict)
    _line_starts: list[int] = field(default_factory=list)

    def line_column(self, path: Path) -> tuple[int, int]:
        """1-based line and column of the value at ``path`` (or of its nearest parent)."""
        while path not in self.offsets and path:
            path = path[:-1]
        offset = self.offsets.get(path, 0)
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1


def parse(text: str) -> Located:
    """Parse ``text``; raise ``json.JSONDecodeError`` when it is not JSON."""
    json.loads(text)  # the standard library's error, line and column, for a broken file
    located = Located(value=None, text=text)
    located.value, _end = _Parser(text, located.offsets).value(0, ())
    return located


class _Parser:
    def __init__(self, text: str, offsets: dict[Path, int]) -> None:
        self.text = text
        self.offsets = offsets

    def skip(self, index: int) -> int:
        match = _WHITESPACE.match(self.text, index)
        return match.end() if match else index

    def value(self, index: int, path: Path) -> tuple[Any, int]:
        index = self.skip(index)
        self.offsets[path] = index
        char = self.text[index]
        if char == "{":
            return self.object(index + 1, path)
        if char == "[":
            return self.array(index + 1, path)
        if char == '"':
            return scanstring(self.text, index + 1)
        for word, constant in _CONSTANTS.items():
            if self.text.startswith(word, index):
                return constant, index + len(word)
        match = _NUMBER.match(self.text, index)
        if match is None:  # json.loads accepted it, so only NaN/Infinity get here
            for word, number in (("NaN", float("nan")), ("Infinity", float("inf"))):
                if self.text.startswith(word, index):
                    return number, index + len(word)
            return float("-inf"), index + len("-Infinity")
        digits = match.group()
        is_float = match.group(1) or match.group(2)
        return (float(digits) if is_float else int(digits)), match.end()

    def object(self, index: int, path: Path) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        index = self.skip(index)
        if self.text[index] == "}":
            return result, index + 1
        while True:
            index = self.skip(index)
            key, index = scanstring(self.text, index + 1)
            index = self.skip(index) + 1  # the colon
            result[key], index = self.value(index, (*path, key))
            index = self.skip(index)
            if self.text[index] == "}":
                return result, index + 1
            index += 1  # the comma

    def array(self, index: int, path: Path) -> tuple[list[Any], int]:
        result: list[Any] = []
        index = self.skip(index)
        if self.text[index] == "]":
            return result, index + 1
        while True:
            item, index = self.value(index, (*path, len(result)))
            result.append(item)
            index = self.skip(index)
            if self.text[index] == "]":
                return result, index + 1
            index += 1


def json_path(path: Path) -> str:
    """``("contents", 0, "name")`` as ``$.contents[0].name``."""
    parts = ["$"]
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            parts.append(f".{part}")
        else:
            parts.append(f"[{json.dumps(part, ensure_ascii=False)}]")
    return "".join(parts)
