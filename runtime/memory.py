"""Giving freed memory back to the system in a long-running batch.

A report's files are built in large short-lived buffers (the charts' images, the Word and Excel archives) by two
threads at once. glibc keeps what they free in its heaps for reuse, and over thousands of reports the heaps grow
with holes: measured over 1,000 wards' reports, the batch process held about 100 MB more without a trim after
each report than with one (445–458 MB against 328–353 MB after about 500 reports).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from typing import Any


@cache
def _libc() -> Any:
    """glibc, when this process runs on it (elsewhere: None, and nothing is trimmed)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    library = ctypes.CDLL(name)
    return library if hasattr(library, "malloc_trim") else None


def release_freed_memory() -> bool:
    """Hand the heap's free pages back to the system (glibc's malloc_trim); whether anything was released."""
    library = _libc()
    return bool(library.malloc_trim(0)) if library is not None else False
