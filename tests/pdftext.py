"""What a PDF made by fpdf2 can show: the Unicode code points its embedded fonts map glyphs to
(their ToUnicode CMaps). A character drawn with an embedded font that covers it is among them,
so Chinese that would come out as empty boxes (no CJK font) is not."""

from __future__ import annotations

import re
import zlib


def pdf_text_codes(body: bytes) -> set[int]:
    assert body[:5] == b"%PDF-", body[:20]
    codes: set[int] = set()
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        try:
            text = zlib.decompress(raw)
        except zlib.error:
            text = raw
        if b"beginbfchar" in text:
            pairs = re.findall(rb"<[0-9A-Fa-f]{4}>\s*<([0-9A-Fa-f]{4})>", text)
            codes |= {int(h, 16) for h in pairs}
    return codes
