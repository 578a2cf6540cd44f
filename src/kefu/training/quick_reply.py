"""The quick-reply exam (快捷必须熟练完整背出), pure: the candidate types a shortcut's phrase from
memory and passes only on a complete match after normalising spaces and full/half-width
punctuation (NFKC, plus the Chinese punctuation that has an ASCII twin)."""

from __future__ import annotations

import unicodedata

# Chinese punctuation NFKC leaves alone, and its half-width twin
_TWINS = str.maketrans(
    {
        "。": ".",
        "、": ",",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "【": "[",
        "】": "]",
        "—": "-",
    }
)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_TWINS)
    return "".join(ch for ch in text if not ch.isspace())


def matches(expected: str, typed: str) -> bool:
    """True only when the typed phrase is the whole phrase (nothing missing, nothing extra)."""
    return bool(normalise(expected)) and normalise(expected) == normalise(typed)


def score(pairs: list[tuple[str, str]]) -> tuple[int, int]:
    """(matched, asked) over (expected, typed) pairs."""
    return sum(1 for e, t in pairs if matches(e, t)), len(pairs)
