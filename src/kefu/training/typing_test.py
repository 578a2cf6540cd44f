"""The typing test (KPI-5, CE-1), pure: speed = correct characters ÷ minutes.

Correct characters are the longest common subsequence of the passage and the typed text, both
NFKC-normalised with every whitespace removed (so a full-width "，" equals ","); a wrong or an
extra character never counts. Accuracy = correct ÷ typed. The score depends only on the final
text, never on how an input method composed it: the same text typed with 拼音, 五笔 or 双拼
gives the same characters per minute.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from fractions import Fraction

DEFAULT_MIN_CPM = 60  # 电商售后; 投诉专席 asks 80
DEFAULT_MIN_ACCURACY = Fraction(95, 100)


def normalise(text: str) -> str:
    """NFKC, every whitespace removed."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())


def lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence (bit-parallel, Hyyrö 2004): O(len(a)·len(b)/w)."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, ch in enumerate(a):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for ch in b:
        u = v & masks.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - v.bit_count()


@dataclass(frozen=True)
class TypingScore:
    chars_per_minute: float
    correct: int
    typed: int
    accuracy: float
    passed: bool

    def as_dict(self) -> dict:
        return {
            "chars_per_minute": self.chars_per_minute,
            "correct": self.correct,
            "typed": self.typed,
            "accuracy": self.accuracy,
            "passed": self.passed,
        }


def score(
    passage: str,
    typed: str,
    seconds: float,
    *,
    min_cpm: float = DEFAULT_MIN_CPM,
    min_accuracy: float | Fraction = DEFAULT_MIN_ACCURACY,
) -> TypingScore:
    """Score one attempt; ``seconds`` > 0. The pass compares exact fractions (120 correct in
    120 s is 60.0/min and passes a gate of 60; 119 does not)."""
    if not seconds or seconds <= 0:
        raise ValueError("seconds must be positive")
    p, t = normalise(passage), normalise(typed)
    correct = lcs_length(p, t)
    cpm = Fraction(correct) * 60 / Fraction(str(seconds))
    accuracy = Fraction(correct, len(t)) if t else Fraction(0)
    passed = bool(t) and cpm >= Fraction(str(min_cpm)) and accuracy >= Fraction(str(min_accuracy))
    return TypingScore(
        chars_per_minute=round(float(cpm), 1),
        correct=correct,
        typed=len(t),
        accuracy=round(float(accuracy), 4),
        passed=passed,
    )
