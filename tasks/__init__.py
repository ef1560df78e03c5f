"""Prefect tasks: thin, retryable wrappers over domain operations."""
