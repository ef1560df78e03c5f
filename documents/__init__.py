"""Reading and writing plan documents: YAML, the seeds' text layouts, Excel and Word."""
