"""The HTTP API (FastAPI): each unit sees and acts on its own tasks, through the same state machine."""
