"""The tab-separated appendix (the Hải Phòng layout): recognized here, read as a table by documents.tables."""

from __future__ import annotations


def looks_tab_separated(lines: list[str]) -> bool:
    """Whether the appendix header row is tab-separated (the Hải Phòng layout)."""
    return any(line.count("\t") >= 3 and "chủ trì" in line.lower() for line in lines)
