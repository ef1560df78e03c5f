"""Text that may enter the database: no control characters (PostgreSQL refuses NUL; the others have no place
in a plan), checked at the door so a request carrying them is a clear 422 and changes nothing."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, Field

from models.errors import InvalidInputError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # half of a UTF-16 pair: no text can be stored or sent with one


def refuse_control_characters(value: Any) -> Any:
    """The value itself, or InvalidInputError (a ValueError, so pydantic reports it as a field's error) when a
    string in it (at any depth) holds a control character."""
    if isinstance(value, str) and _CONTROL.search(value):
        raise InvalidInputError("văn bản chứa ký tự điều khiển không hợp lệ")
    if isinstance(value, str) and _SURROGATE.search(value):
        raise InvalidInputError("văn bản chứa ký tự Unicode không hợp lệ (nửa cặp thay thế)")
    if isinstance(value, dict):
        for key, item in value.items():
            refuse_control_characters(key)
            refuse_control_characters(item)
    if isinstance(value, list):
        for item in value:
            refuse_control_characters(item)
    return value


CleanText = Annotated[str, AfterValidator(refuse_control_characters)]
CleanPayload = Annotated[dict[str, Any], AfterValidator(refuse_control_characters)]
# an idempotency key: a short plain token, compared only, never sent anywhere
IdempotencyKey = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:@-]+$")]
# a plan code or a task number in a URL ("vinh-tuy-2026", "47", "I.1")
PathCode = Annotated[str, Path(max_length=100, pattern=r"^[^\x00-\x1f\x7f/\\]+$")]
# a row id in a URL: what a 64-bit integer column can hold
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
