"""A long batch gives back what its reports freed: memory left in the heap's holes returns to the system, and
its garbage cycles are collected every few reports."""

from __future__ import annotations

import gc
import platform
from pathlib import Path

import pytest

from runtime.memory import after_unit_of_work, release_freed_memory

CHUNK = 64 * 1024  # below glibc's threshold for a mapping of its own: served from the heap, as a report's buffers


def _resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_memory_freed_between_live_buffers_goes_back_to_the_system() -> None:
    buffers = [bytearray(CHUNK) for _ in range(2000)]  # 125 MB, every page touched
    del buffers[::2]  # half freed, each hole between two live buffers: the heap cannot shrink from its top
    held = _resident_mb()
    assert release_freed_memory()
    assert held - _resident_mb() > 40  # most of the ~62 MB of holes
    assert len(buffers) == 1000


def test_a_batch_collects_its_garbage_cycles_every_few_reports() -> None:
    """Every `collect_every` units of work one full collection runs: a report's cycles do not pile up waiting
    for one the interpreter seldom starts, and the batch does not pay for one after every report."""
    collections: list[int] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            collections.append(info["generation"])

    gc.disable()  # only the batch's own collections run
    gc.callbacks.append(counted)
    try:
        for _ in range(3 * 7):
            after_unit_of_work(collect_every=7)
    finally:
        gc.callbacks.remove(counted)
        gc.enable()
    assert len(collections) == 3
