"""Training benchmark (issue 19): the typing test's scoring and the 上岗 gate's cost.

* ``typing``: LCS-based scoring of a Chinese passage against a typed text with some errors, for
  passages of 200, 1,000 and 5,000 characters (the API's limit): the bit-parallel LCS against the
  textbook O(n·m) dynamic programme, same answers checked.
* The gate is one indexed query per assignment (``training.gate.lacking``), measured by the
  query-count tests, not here.

Prints JSON; speed is never asserted in tests.

    .venv/bin/python bench/training_bench.py
"""

from __future__ import annotations

import json
import random
import time

from kefu.training.typing_test import lcs_length, normalise, score

CHARS = "您好很高兴为您服务请问有什么可以帮您订单已经发货退款将在三个工作日内到账感谢耐心等待"


def textbook(a: str, b: str) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def typed_from(passage: str, rng: random.Random) -> str:
    out = []
    for ch in passage:
        r = rng.random()
        if r < 0.03:
            continue  # missed
        out.append(rng.choice(CHARS) if r < 0.06 else ch)  # wrong
        if r > 0.98:
            out.append(rng.choice(CHARS))  # extra
    return "".join(out)


def best(fn, repeat=3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    rng = random.Random(19)
    rows = []
    for n in (200, 1000, 5000):
        passage = "".join(rng.choice(CHARS) for _ in range(n))
        typed = typed_from(passage, rng)
        a, b = normalise(passage), normalise(typed)
        fast = best(lambda a=a, b=b: lcs_length(a, b))
        slow = best(lambda a=a, b=b: textbook(a, b), repeat=1)
        assert lcs_length(a, b) == textbook(a, b)
        result = score(passage, typed, 300)
        rows.append(
            {
                "passage_chars": n,
                "typed_chars": result.typed,
                "correct": result.correct,
                "bit_parallel_ms": round(fast * 1000, 2),
                "textbook_ms": round(slow * 1000, 1),
                "speed_up": round(slow / fast, 1),
            }
        )
    print(json.dumps({"typing": rows}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
