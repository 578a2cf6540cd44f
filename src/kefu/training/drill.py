"""The live drill on a practice queue (PK-3), pure: a trainer sets practice tickets, each a
customer's message with the handling it calls for; the trainee works the queue as on duty, the
server times each ticket from when the previous one was closed (or the drill began). The
practice queue is the training app's own, so no practice ticket is ever a ticket: none counts
in a KPI, a report or an SLA figure (docs/training-practice-queue.md)."""

from __future__ import annotations

import re
import statistics

REFUND, RESHIP, EXPLAIN, ESCALATE = "refund", "reship", "explain", "escalate"
OUTCOMES = (REFUND, RESHIP, EXPLAIN, ESCALATE)
#: what a trainer may type before the colon, besides the code itself
ALIASES = {"退款": REFUND, "补发": RESHIP, "解释": EXPLAIN, "解释说明": EXPLAIN, "升级": ESCALATE}
MAX_CASES = 20
MAX_MESSAGE = 500


class CaseError(ValueError):
    """``line`` (1-based) is not ``handling: message`` with a known handling."""

    def __init__(self, line: int, reason: str):
        self.line, self.reason = line, reason
        super().__init__(f"line {line}: {reason}")


def parse_cases(lines: list[str]) -> list[dict]:
    """``退款：衣服破了要退`` or ``refund: …`` per line, blank lines skipped."""
    cases = []
    for n, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        match = re.match(r"^([^:：]+)[:：](.*)$", line)
        head = match.group(1).strip() if match else ""
        outcome = head.lower() if head.lower() in OUTCOMES else ALIASES.get(head)
        if outcome is None:
            raise CaseError(n, "handling")
        message = match.group(2).strip()
        if not message or len(message) > MAX_MESSAGE:
            raise CaseError(n, "message")
        cases.append({"message": message, "outcome": outcome})
    if not 1 <= len(cases) <= MAX_CASES:
        raise CaseError(0, "count")
    return cases


def grade(cases: list[dict], work: list[dict]) -> dict:
    """Handled tickets, those handled the way the case calls for, and the median seconds."""
    done = [w for w in work if w.get("outcome")]
    correct = sum(1 for w in done if w["outcome"] == cases[w["case"]]["outcome"])
    seconds = [w["seconds"] for w in done]
    return {
        "handled": len(done),
        "correct": correct,
        "median_seconds": round(statistics.median(seconds), 1) if seconds else None,
    }
