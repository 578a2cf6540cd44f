"""Compile every .po catalogue under src/kefu into .mo with polib (no GNU gettext needed).

Run as ``python -m kefu.core.i18n``; ``make install`` does it, so a fresh clone speaks Chinese.
"""

from __future__ import annotations

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def compile_all(root: Path = ROOT) -> int:
    count = 0
    for po_path in root.rglob("locale/*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        count += 1
    return count


if __name__ == "__main__":
    print(f"Compiled {compile_all()} message catalogue(s).")
