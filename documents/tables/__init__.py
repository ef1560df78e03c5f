"""The plan-reading pipeline: file → tables (grids of cells) → the task table by the meaning of its headers →
sections and tasks. Each format module only turns its file into `Content`."""
