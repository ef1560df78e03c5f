"""Every module that declares tables, imported together so the ORM can resolve every foreign key.

A process that touches only some models (a worker running one flow) would otherwise meet
a foreign key to a table no one imported (the outbox's link to escalations).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

TABLE_MODULE_NAMES = (
    "accounts.login",
    "audit",
    "escalation.sweep",
    "escalation.policy",
    "accounts.machine_tokens",
    "org.tables",
    "outbox.tables",
    "outbox.run_records",
    "accounts.personal_tokens",
    "plan.tables",
    "lifecycle.tables",
    "reporting.figures",
    "reporting.indicators",
    "reporting.review_cycle",
)
TABLE_MODULES: tuple[ModuleType, ...] = tuple(import_module(f"models.{name}") for name in TABLE_MODULE_NAMES)
