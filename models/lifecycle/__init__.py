"""A task's life: the state machine, each step's inputs, checks and records, who is told, who is waited on."""
