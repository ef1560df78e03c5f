"""An organization's escalation policy: when to remind, when and to whom to escalate.

Stored per organization (`planflow policy set`); organizations without one use
`planflow/policies/default.yaml`. All day counts are working days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, JsonDoc, Timestamped
from models.errors import InvalidInputError
from models.lifecycle.recipients import RecipientGroup
from models.safe_yaml import UnsafeYamlError, load_plain_yaml

DEFAULT_POLICY_FILE = Path(__file__).resolve().parents[2] / "planflow" / "policies" / "default.yaml"
RECIPIENT_GROUPS = tuple(group.value for group in RecipientGroup)


class PolicyError(InvalidInputError):
    """A policy that cannot be used, with the field at fault."""


@dataclass(frozen=True)
class OverdueRung:
    """One step up the chain: N working days after the deadline, these recipients."""

    after: int
    notify: tuple[str, ...]
    request_explanation: bool = False


@dataclass(frozen=True)
class EscalationPolicy:
    """Reminders before a deadline, rungs after it, and the periodic checks."""

    reminders_before: tuple[int, ...] = (7, 3, 1)
    overdue: tuple[OverdueRung, ...] = field(default_factory=tuple)
    progress_period: str = "quarter"
    progress_reminder_before: int = 5
    upstream_check: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The stored and printed form."""
        return {
            "reminders_before": list(self.reminders_before),
            "overdue": [
                {"after": r.after, "notify": list(r.notify), "request_explanation": r.request_explanation}
                for r in self.overdue
            ],
            "progress_period": self.progress_period,
            "progress_reminder_before": self.progress_reminder_before,
            "upstream_check": self.upstream_check,
        }


class StoredPolicy(Timestamped, Base):
    """The policy an organization chose (JSON of `EscalationPolicy.to_dict`)."""

    __tablename__ = "escalation_policies"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    policy: Mapped[dict[str, Any]] = mapped_column(JsonDoc)


def parse_policy(data: Any) -> EscalationPolicy:
    """Check every field; errors name the field and what is expected."""
    if not isinstance(data, dict):
        raise PolicyError("chính sách phải là một bảng khóa/giá trị")
    unknown = set(data) - {
        "reminders_before",
        "overdue",
        "progress_period",
        "progress_reminder_before",
        "upstream_check",
    }
    if unknown:
        raise PolicyError(f"khóa không biết: {', '.join(sorted(unknown))}")
    reminders = data.get("reminders_before", [7, 3, 1])
    if not isinstance(reminders, list) or not all(isinstance(n, int) and n > 0 for n in reminders):
        raise PolicyError("reminders_before: cần danh sách số ngày làm việc dương, ví dụ [7, 3, 1]")
    rungs = [_rung(i, r) for i, r in enumerate(data.get("overdue", []), start=1)]
    if [r.after for r in rungs] != sorted({r.after for r in rungs}):
        raise PolicyError("overdue: các bậc phải tăng dần theo 'after' và không trùng")
    period = data.get("progress_period", "quarter")
    if period not in ("quarter", "month"):
        raise PolicyError("progress_period: 'quarter' hoặc 'month'")
    before = data.get("progress_reminder_before", 5)
    if not isinstance(before, int) or before < 0:
        raise PolicyError("progress_reminder_before: số ngày làm việc không âm")
    return EscalationPolicy(
        reminders_before=tuple(sorted(set(reminders), reverse=True)),
        overdue=tuple(rungs),
        progress_period=period,
        progress_reminder_before=before,
        upstream_check=bool(data.get("upstream_check", True)),
    )


def _rung(index: int, data: Any) -> OverdueRung:
    if not isinstance(data, dict) or not isinstance(data.get("after"), int) or data["after"] < 1:
        raise PolicyError(f"overdue[{index}]: cần 'after' là số ngày làm việc ≥ 1")
    notify = data.get("notify") or []
    if not notify or any(group not in RECIPIENT_GROUPS for group in notify):
        raise PolicyError(f"overdue[{index}].notify: chọn trong {', '.join(RECIPIENT_GROUPS)}")
    return OverdueRung(data["after"], tuple(notify), bool(data.get("request_explanation", False)))


def load_policy_file(path: Path) -> EscalationPolicy:
    """A policy from a YAML file."""
    try:
        return parse_policy(load_plain_yaml(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, UnsafeYamlError) as exc:
        raise PolicyError(f"{path.name}: {exc}") from exc


@lru_cache(maxsize=1)
def default_policy() -> EscalationPolicy:
    """The policy of organizations that did not set one."""
    return load_policy_file(DEFAULT_POLICY_FILE)


def policy_for(session: Session, organization_id: int) -> EscalationPolicy:
    """The organization's own policy, or the default."""
    stored = session.get(StoredPolicy, organization_id)
    return parse_policy(stored.policy) if stored else default_policy()


def policies_for(session: Session, organization_ids: list[int]) -> dict[int, EscalationPolicy]:
    """Each organization's policy in one query (the default for those without one)."""
    stored = {
        row.organization_id: parse_policy(row.policy)
        for row in session.scalars(select(StoredPolicy).where(StoredPolicy.organization_id.in_(organization_ids)))
    }
    return {organization_id: stored.get(organization_id, default_policy()) for organization_id in organization_ids}


def set_policy(session: Session, organization_id: int, policy: EscalationPolicy) -> None:
    """Store (or replace) an organization's policy."""
    stored = session.get(StoredPolicy, organization_id)
    if stored is None:
        session.add(StoredPolicy(organization_id=organization_id, policy=policy.to_dict()))
    else:
        stored.policy = policy.to_dict()
