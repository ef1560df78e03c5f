"""planflow: a Party committee plan's tasks as assigned, chased, reviewed and reported work."""
