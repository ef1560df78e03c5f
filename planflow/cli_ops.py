"""`planflow sweep`, `planflow notify …`, `planflow policy …`: escalation and delivery from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from models.labels import OUTBOX_LABELS_VI
from planflow.cli_common import UserError, count, day, print_json, row_id, vietnamese_choice


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run the escalation-sweep flow for a day (today in Vietnam by default)."""
    from runtime.environment import configure_prefect_environment

    configure_prefect_environment()
    from flows.escalation import escalation_sweep
    from runtime.prefect_run import run_flow

    as_of = args.as_of
    result = run_flow(escalation_sweep, as_of=as_of)
    if args.json:
        print_json(result)
    elif not result["working_day"]:
        print(f"{result['as_of']}: không phải ngày làm việc, không gửi gì.")
    else:
        print(
            f"{result['as_of']}: {result['reminders']} nhắc hạn, {result['escalations']} báo quá hạn, "
            f"{result['explanation_requests']} yêu cầu giải trình, {result['progress_reminders']} nhắc báo cáo kỳ, "
            f"{result['progress_missing']} thiếu báo cáo kỳ, {result['upstream_checks']} chờ cấp trên; "
            f"{result['notifications']} thông báo vào hộp thư đi."
        )
    return 0


def cmd_notify_deliver(args: argparse.Namespace) -> int:
    """Run the deliver-notifications flow once."""
    from runtime.environment import configure_prefect_environment

    configure_prefect_environment()
    from flows.escalation import deliver_notifications
    from runtime.prefect_run import run_flow

    report = run_flow(deliver_notifications, limit=args.limit)
    if args.json:
        print_json(report)
    else:
        print(
            f"Đã gửi {report['sent']}, chờ thử lại {report['retrying']}, lỗi {report['failed']}, "
            f"chưa xác nhận {report['unconfirmed']}."
        )
        for error in report["errors"]:
            print(f"  {error}")
    return 0


def cmd_notify_list(args: argparse.Namespace) -> int:
    """List outbox rows (pending, failed …) with their reasons."""
    from sqlalchemy import select

    from models.outbox.tables import Notification
    from runtime.environment import get_database

    query = select(Notification).order_by(Notification.id.desc()).limit(args.limit)
    if args.status:
        query = query.where(Notification.status == args.status)
    with get_database().session() as session:
        rows = [
            {
                "id": n.id,
                "template": n.template,
                "status": n.status,
                "attempts": n.attempts,
                "channel": n.channel,
                "queued_at": n.queued_at.isoformat(),
                "last_error": n.last_error,
            }
            for n in session.scalars(query)
        ]
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            print(f"{row['id']:>7} {row['status']:8} {row['template']:26} {row['attempts']} {row['last_error'] or ''}")
    return 0


def cmd_notify_retry(args: argparse.Namespace) -> int:
    """Put a failed message back in the queue (after checking it did not arrive)."""
    from models.outbox.tables import Notification, OutboxStatus
    from runtime.environment import get_database

    with get_database().transaction() as session:
        row = session.get(Notification, args.id)
        if row is None or row.status != OutboxStatus.FAILED.value:
            raise UserError(f"Không có thông báo lỗi số {args.id} để gửi lại.")
        row.status, row.next_attempt_at, row.attempts = OutboxStatus.PENDING.value, None, 0
    print_json({"id": args.id, "status": "pending"}) if args.json else print(f"Thông báo {args.id} sẽ được gửi lại.")
    return 0


def cmd_policy_set(args: argparse.Namespace) -> int:
    """Store an organization's escalation policy from a YAML file."""
    from sqlalchemy import select

    from models.escalation.policy import load_policy_file, set_policy
    from models.org.tables import Organization
    from runtime.environment import get_database

    policy = load_policy_file(Path(args.file))
    with get_database().transaction() as session:
        org_id = session.scalars(select(Organization.id).where(Organization.code == args.org)).one_or_none()
        if org_id is None:
            raise UserError(f"Không có tổ chức đảng mã '{args.org}'.")
        set_policy(session, org_id, policy)
    print_json(policy.to_dict()) if args.json else print(f"Đã lưu chính sách đôn đốc của {args.org}.")
    return 0


def cmd_policy_show(args: argparse.Namespace) -> int:
    """The policy in force for an organization (its own, or the default)."""
    from sqlalchemy import select

    from models.escalation.policy import policy_for
    from models.org.tables import Organization
    from runtime.environment import get_database

    with get_database().session() as session:
        org_id = session.scalars(select(Organization.id).where(Organization.code == args.org)).one_or_none()
        if org_id is None:
            raise UserError(f"Không có tổ chức đảng mã '{args.org}'.")
        print_json(policy_for(session, org_id).to_dict())
    return 0


def cmd_deployments_yaml(args: argparse.Namespace) -> int:
    """Write deployments/prefect.yaml (the work-pool recipe) from the catalog `planflow serve` runs."""
    from runtime.environment import configure_prefect_environment

    configure_prefect_environment()
    from deployments.catalog import prefect_yaml

    text = prefect_yaml()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Đã ghi {args.output}.")
    else:
        print(text, end="")
    return 0


def add_ops_commands(groups: Any, add: Any) -> None:
    """Register sweep, notify and policy commands."""
    sweep = add(groups, "sweep", cmd_sweep, "chạy quét đôn đốc (nhắc hạn, báo vượt cấp) cho một ngày")
    sweep.add_argument("--as-of", type=day, help="ngày cần quét, YYYY-MM-DD (mặc định: hôm nay, giờ Việt Nam)")
    notify = groups.add_parser("notify", help="hộp thư đi").add_subparsers(dest="command", required=True)
    deliver = add(notify, "deliver", cmd_notify_deliver, "gửi ngay các thông báo đang chờ")
    deliver.add_argument("--limit", type=count, default=500)
    listing = add(notify, "list", cmd_notify_list, "các thông báo trong hộp thư đi, mới nhất trước")
    listing.add_argument("--status", help="chỉ thông báo ở trạng thái này", **vietnamese_choice(OUTBOX_LABELS_VI))
    listing.add_argument("--limit", type=count, default=50)
    retry = add(notify, "retry", cmd_notify_retry, "xếp lại một thông báo lỗi để gửi lại")
    retry.add_argument("id", type=row_id)
    deployments = groups.add_parser("deployments", help="lịch chạy Prefect").add_subparsers(
        dest="command", required=True
    )
    generate = add(
        deployments,
        "yaml",
        cmd_deployments_yaml,
        "tạo prefect.yaml cho work pool từ danh mục lịch chạy",
        json_flag=False,
    )
    generate.add_argument("-o", "--output", help="tệp cần ghi (mặc định: in ra)")
    policy = groups.add_parser("policy", help="chính sách đôn đốc").add_subparsers(dest="command", required=True)
    set_parser = add(policy, "set", cmd_policy_set, "lưu chính sách đôn đốc của một tổ chức từ tệp YAML")
    set_parser.add_argument("org")
    set_parser.add_argument("file")
    show = add(policy, "show", cmd_policy_show, "chính sách đang áp dụng cho một tổ chức", json_flag=False)
    show.add_argument("org")
