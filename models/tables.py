"""Every module that declares tables, imported together so the ORM can resolve every foreign key.

A process that touches only some models (a worker running one flow) would otherwise meet
a foreign key to a table no one imported (the outbox's link to escalations).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

TABLE_MODULE_NAMES = (
    "accounts",
    "audit",
    "escalation",
    "escalation_policy",
    "machine_tokens",
    "org",
    "outbox",
    "personal_tokens",
    "plan",
    "records",
    "reporting",
    "review_cycle",
)
TABLE_MODULES: tuple[ModuleType, ...] = tuple(import_module(f"models.{name}") for name in TABLE_MODULE_NAMES)
