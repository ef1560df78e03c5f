"""Prefect flows: each reads like the paragraph of the plan it carries out."""
