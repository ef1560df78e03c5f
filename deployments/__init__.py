"""Schedules and triggers of every flow."""
