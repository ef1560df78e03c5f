"""No `assert` holds a runtime invariant in the product (python -O drops them, and a broken invariant must show as
a bug with its own message): only tests assert."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("models", "documents", "planflow", "flows", "tasks", "deployments", "notifications", "api", "runtime")


def test_the_product_holds_no_assert() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assert)
    ]
    assert found == []
