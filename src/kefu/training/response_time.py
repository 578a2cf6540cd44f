"""The response-time test on a simulated chat (PK-3), pure: the server sends scripted customer
messages one at a time and times each answer itself (first-response seconds per message, from
when it sent the message to when the answer arrived); pass = the median at or below the exam's
threshold, 30 s by default. The browser's clock is never asked."""

from __future__ import annotations

import statistics

DEFAULT_THRESHOLD = 30  # seconds
MAX_MESSAGES = 20


def median(seconds: list[float]) -> float:
    return round(statistics.median(seconds), 1) if seconds else 0.0


def passed(seconds: list[float], threshold: float = DEFAULT_THRESHOLD) -> bool:
    return bool(seconds) and statistics.median(seconds) <= threshold
