"""What every CLI module shares: the user-error type and the one-JSON-document printer."""

from __future__ import annotations

import json
import sys
from typing import Any


class UserError(Exception):
    """A problem the person at the keyboard can fix; printed as one line."""


def print_json(data: Any) -> None:
    """The single JSON document a `--json` command prints on stdout."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
