"""Periodic reports from the data alone: each task's standing, the sums, the written sections, the store."""
