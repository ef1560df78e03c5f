"""Text compared the way people type it: lower case, without tone marks, "đ" as "d", spaces collapsed."""

from __future__ import annotations

import unicodedata


def folded(text: str) -> str:
    """ "Chuyển  đổi số" → "chuyen doi so": what a phone keyboard without Vietnamese input would give."""
    text = text.lower().replace("đ", "d")
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(bare.split())
