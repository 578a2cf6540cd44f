"""Service-language check (spec CH-7, KB-2), pure: find improper phrases and forbidden promises
in a reply and offer the polite wording."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: int
    kind: str  # "improper" | "promise"
    pattern: str
    suggestion: str = ""
    is_regex: bool = False
    situation: str = ""


@dataclass(frozen=True)
class Finding:
    rule_id: int
    kind: str
    start: int
    end: int
    text: str
    suggestion: str
    situation: str


def compile_rule(rule: Rule) -> re.Pattern | None:
    """The rule's pattern compiled; ``None`` for a regular expression that does not compile."""
    try:
        return re.compile(rule.pattern if rule.is_regex else re.escape(rule.pattern), re.IGNORECASE)
    except re.error:
        return None


def pattern_error(pattern: str, is_regex: bool) -> str | None:
    """Why a rule pattern cannot be used, or ``None``."""
    if not pattern.strip():
        return "empty"
    if is_regex:
        try:
            rx = re.compile(pattern)
        except re.error as exc:
            return str(exc)
        if rx.search(""):
            return "matches empty text"
    return None


def check(text: str, rules: list[Rule]) -> list[Finding]:
    """Every place in ``text`` a rule flags, in reading order; overlapping findings keep the
    earlier, longer one (你是谁 is reported once, not also as a shorter rule inside it)."""
    found: list[Finding] = []
    for rule in rules:
        rx = compile_rule(rule)
        if rx is None:
            continue
        found.extend(
            Finding(
                rule.id, rule.kind, m.start(), m.end(), m.group(0), rule.suggestion, rule.situation
            )
            for m in rx.finditer(text or "")
            if m.end() > m.start()
        )
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for f in found:
        if kept and f.start < kept[-1].end:
            continue
        kept.append(f)
    return kept


def polite(text: str, findings: list[Finding]) -> str:
    """``text`` with every improper phrase that has a polite wording replaced by it (promises
    are left for the agent to rewrite)."""
    out, pos = [], 0
    for f in findings:
        if f.kind != "improper" or not f.suggestion:
            continue
        out.append(text[pos : f.start])
        out.append(f.suggestion)
        pos = f.end
    out.append(text[pos:])
    return "".join(out)
