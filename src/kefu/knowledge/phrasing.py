"""Quick-reply variables and article version diffs, pure."""

from __future__ import annotations

import difflib
import re

_VAR = re.compile(r"\{([^{}\s]{1,20})\}")


def variables(body: str) -> list[str]:
    """The distinct ``{变量}`` names a phrase uses, in order."""
    seen: dict[str, None] = {}
    for name in _VAR.findall(body or ""):
        seen.setdefault(name, None)
    return list(seen)


def fill(body: str, values: dict[str, str]) -> str:
    """``body`` with each ``{变量}`` that has a non-empty value replaced; others stay visible so
    the agent sees what is left to type."""

    def sub(m: re.Match) -> str:
        value = values.get(m.group(1))
        return str(value) if value not in (None, "") else m.group(0)

    return _VAR.sub(sub, body or "")


def diff_parts(old: str, new: str) -> list[tuple[str, str]]:
    """Character-level difference of two texts as ``[(op, text), …]`` with op one of
    ``equal``, ``delete``, ``insert`` (Chinese has no word spaces, so lines are too coarse)."""
    parts: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old or "", b=new or "", autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("equal", old[i1:i2]))
            continue
        if op in ("delete", "replace"):
            parts.append(("delete", old[i1:i2]))
        if op in ("insert", "replace"):
            parts.append(("insert", new[j1:j2]))
    return parts
