"""`planflow report compile`, `planflow kpi record`, `planflow demo`."""

from __future__ import annotations

import argparse
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from planflow.cli_common import count, day, finite_number, moment, print_json


def cmd_report_compile(args: argparse.Namespace) -> int:
    """Run the compile-report flow."""
    from runtime.environment import configure_prefect_environment

    configure_prefect_environment()
    from flows.reports import compile_report
    from models.calendar.period import parse_period
    from runtime.prefect_run import run_flow

    parse_period(args.period)  # a clear error before Prefect starts
    result = run_flow(
        compile_report,
        period=args.period,
        organization=args.org,
        output_dir=str(Path(args.output).resolve()) if args.output else None,
        top=args.top,
    )
    _print_report(args, result)
    return 0


def cmd_report_compile_all(args: argparse.Namespace) -> int:
    """Every organization's report for a period, in parallel; a re-run compiles only those still missing."""
    from runtime.environment import configure_prefect_environment

    configure_prefect_environment()
    from flows.report_batch import run_period_reports
    from models.calendar.period import parse_period

    period = parse_period(args.period)  # a clear error before Prefect starts
    result = run_period_reports(period.key, workers=args.workers, recompile=args.recompile)
    if args.json:
        print_json(result)
    else:
        print(
            f"Báo cáo {period.label}: {result['organizations']} tổ chức, đã có {result['skipped']}, "
            f"vừa tổng hợp {result['compiled']}, lỗi {result['failed']}."
        )
    return 1 if result["failed"] else 0


def cmd_report_tasks(args: argparse.Namespace) -> int:
    """Export every task of an organization and those under it, as at a period's end, to Excel (streamed)."""
    from documents.report_xlsx import write_task_list_xlsx
    from models.calendar.days import local_date
    from models.calendar.period import parse_period
    from models.reporting.figures import task_rows
    from runtime.environment import get_database

    period = parse_period(args.period)
    target = Path(args.output)
    with get_database().session() as session:
        rows = task_rows(session, organization_code=args.org, period=period, today=local_date(datetime.now(UTC)))
        written = write_task_list_xlsx(rows, target)
    if args.json:
        print_json({"organization": args.org, "period": period.key, "tasks": written, "file": str(target)})
    else:
        print(f"Đã ghi {written} nhiệm vụ của {args.org} ({period.label}) vào {target}.")
    return 0


def _print_report(args: argparse.Namespace, result: dict[str, Any]) -> None:
    if args.json:
        print_json(result)
        return
    figures = result["figures"]
    print(
        f"Báo cáo {result['organization']} {result['period']}: {figures['tasks']} nhiệm vụ — "
        f"đúng hạn {figures['completed_on_time']}, quá hạn (HT) {figures['completed_late']}, "
        f"đang làm {figures['in_progress']}, quá hạn {figures['overdue']}, chờ cấp trên {figures['waiting_upstream']}."
    )
    for path in result["files"]:
        print(f"  {path}")


def cmd_kpi_record(args: argparse.Namespace) -> int:
    """Record a measured value of a plan indicator."""
    from models.reporting.kpi_measure import record_measurement
    from runtime.environment import get_database

    at = args.at or datetime.now(UTC)
    with get_database().transaction() as session:
        record_measurement(
            session,
            plan_code=args.plan,
            position=args.position,
            value=args.value,
            actor=args.actor,
            at=at,
            note=args.note,
        )
    result = {"plan": args.plan, "indicator": args.position, "value": args.value, "measured_at": at.isoformat()}
    print_json(result) if args.json else print(f"Đã ghi chỉ tiêu {args.position} của {args.plan}: {args.value:g}.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Walk the Vĩnh Tuy plan through Q2/2026 on a demo database and compile its quarterly report."""
    from runtime.settings import get_settings

    home = get_settings().home / "demo"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    os.environ["PLANFLOW_DATABASE_URL"] = f"sqlite:///{home / 'planflow.db'}"
    from runtime.environment import configure_prefect_environment, get_database, reset_runtime

    reset_runtime()
    configure_prefect_environment()
    from flows.reports import compile_report
    from planflow.demo import run_quarter
    from runtime.prefect_run import run_flow

    moves = run_quarter(get_database())
    output = Path(args.output).resolve()
    result = run_flow(compile_report, period="2026-Q2", organization="dang-uy-phuong-vinh-tuy", output_dir=str(output))
    if args.json:
        print_json({**result, "moves": moves, "database": os.environ["PLANFLOW_DATABASE_URL"]})
    else:
        print(f"Đã đi qua quý II/2026 của kế hoạch Vĩnh Tuy: {moves} thao tác, đôn đốc mỗi ngày làm việc.")
        _print_report(args, result)
        print(f"Cơ sở dữ liệu demo: {os.environ['PLANFLOW_DATABASE_URL']}")
    return 0


def add_report_commands(groups: Any, add: Any) -> None:
    """Register report, kpi and demo commands."""
    report = groups.add_parser("report", help="báo cáo định kỳ").add_subparsers(dest="command", required=True)
    compile_parser = add(report, "compile", cmd_report_compile, "tổng hợp báo cáo một kỳ (Word, Excel, HTML)")
    compile_parser.add_argument("--period", required=True, help="2026-03, 2026-Q2, 2026-H1 hoặc 2026")
    compile_parser.add_argument("--org", required=True, help="mã tổ chức đảng (thành phố tổng hợp các phường)")
    compile_parser.add_argument("-o", "--output", help="thư mục ghi tệp (mặc định: $PLANFLOW_HOME/reports/TỔ-CHỨC/KỲ)")
    compile_parser.add_argument(
        "--top", type=count, default=20, help="báo cáo tổng hợp nêu bao nhiêu nhiệm vụ quá hạn nhiều ngày nhất"
    )
    every = add(report, "compile-all", cmd_report_compile_all, "tổng hợp báo cáo một kỳ của mọi tổ chức, song song")
    every.add_argument("--period", required=True, help="2026-03, 2026-Q2, 2026-H1 hoặc 2026")
    every.add_argument("--workers", type=count, default=2, help="số báo cáo tổng hợp cùng lúc")
    every.add_argument("--recompile", action="store_true", help="tổng hợp lại cả báo cáo đã có")
    tasks = add(
        report, "tasks", cmd_report_tasks, "xuất toàn bộ danh sách nhiệm vụ ra Excel (cả các đơn vị trực thuộc)"
    )
    tasks.add_argument("--period", required=True, help="2026-03, 2026-Q2, 2026-H1 hoặc 2026")
    tasks.add_argument("--org", required=True, help="mã tổ chức đảng")
    tasks.add_argument("-o", "--output", required=True, help="tệp .xlsx ghi ra")
    kpi = groups.add_parser("kpi", help="chỉ tiêu của kế hoạch").add_subparsers(dest="command", required=True)
    record = add(kpi, "record", cmd_kpi_record, "ghi giá trị đo được của một chỉ tiêu")
    record.add_argument("plan")
    record.add_argument("position", type=count)
    record.add_argument("value", type=finite_number)
    record.add_argument("--as", dest="actor", required=True, help="tên ghi vào nhật ký")
    record.add_argument("--at", type=moment, help="thời điểm đo (ISO 8601; mặc định bây giờ)")
    record.add_argument("--note", default="")
    demo = add(groups, "demo", cmd_demo, "chạy thử kế hoạch Vĩnh Tuy qua một quý và lập báo cáo")
    demo.add_argument("-o", "--output", default="planflow-demo", help="thư mục ghi báo cáo")


def cmd_review_start(args: argparse.Namespace) -> int:
    """Run the review-cycle flow."""

    from runtime.environment import configure_prefect_environment

    configure_prefect_environment()
    from flows.review import review_cycle
    from runtime.prefect_run import run_flow

    state = run_flow(review_cycle, period=args.period, due_date=args.due, organization=args.org, actor=args.actor)
    if args.json:
        print_json(state)
    else:
        print(f"Đã mở kỳ rà soát {args.period}: hỏi {len(state['asked'])} cơ quan, hạn {args.due}.")
    return 0


def cmd_review_status(args: argparse.Namespace) -> int:
    """Who was asked and who answered in a review cycle."""
    from sqlalchemy import select

    from models.org.tables import Organization
    from models.reporting.review_cycle import ReviewCycle, cycle_state, record_answers
    from runtime.environment import get_database

    with get_database().transaction() as session:
        record_answers(session, now=datetime.now(UTC))
        cycle = session.scalars(
            select(ReviewCycle)
            .join(Organization, ReviewCycle.organization_id == Organization.id)
            .where(Organization.code == args.org, ReviewCycle.period == args.period)
        ).one_or_none()
        if cycle is None:
            from planflow.cli_common import UserError

            raise UserError(f"Chưa có kỳ rà soát {args.period} của {args.org}.")
        state = cycle_state(session, cycle).to_dict()
    if args.json:
        print_json(state)
    else:
        print(
            f"Kỳ {state['period']} ({state['status']}, hạn {state['due_date']}): "
            f"{len(state['answered'])}/{len(state['asked'])} cơ quan đã báo cáo."
        )
        for name in state["waiting"]:
            print(f"  chờ: {name}")
    return 0


def add_review_commands(groups: Any, add: Any) -> None:
    """Register `planflow review-cycle start|status`."""
    review = groups.add_parser("review-cycle", help="đợt rà soát").add_subparsers(dest="command", required=True)
    start = add(review, "start", cmd_review_start, "yêu cầu mọi cơ quan chủ trì báo cáo tiến độ trước một ngày")
    start.add_argument("--period", required=True)
    start.add_argument("--due", required=True, type=day, help="YYYY-MM-DD")
    start.add_argument("--org", help="mã tổ chức đảng (mặc định: tổ chức duy nhất có kế hoạch)")
    start.add_argument("--as", dest="actor", default="Văn phòng Đảng ủy", help="tên ghi vào nhật ký")
    status = add(review, "status", cmd_review_status, "ai đã trả lời trong đợt rà soát")
    status.add_argument("--period", required=True)
    status.add_argument("--org", default="dang-uy-phuong-vinh-tuy")


def cmd_api(args: argparse.Namespace) -> int:
    """Serve the HTTP API (OpenAPI at /docs and /openapi.json)."""
    from runtime.environment import configure_prefect_environment, get_database

    configure_prefect_environment()  # moves run as Prefect flows: the served API's, or an ephemeral one
    import uvicorn

    get_database()  # migrate before the first request
    uvicorn.run("api.app:app", host=args.host, port=args.port, log_level="warning")
    return 0


def cmd_account_set_password(args: argparse.Namespace) -> int:
    """Set a person's password, read from standard input (never from the command line)."""
    import sys

    from models.accounts.login import set_password
    from runtime.environment import get_database

    password = sys.stdin.readline().rstrip("\n")
    with get_database().transaction() as session:
        set_password(session, email=args.email, password=password, now=datetime.now(UTC))
    print_json({"email": args.email, "password": "set"}) if args.json else print(f"Đã đặt mật khẩu cho {args.email}.")
    return 0


def add_api_commands(groups: Any, add: Any) -> None:
    """Register `planflow api` and `planflow account set-password`."""
    api = add(groups, "api", cmd_api, "chạy HTTP API cho các cơ quan và hệ thống cấp trên", json_flag=False)
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8080)
    account = groups.add_parser("account", help="tài khoản").add_subparsers(dest="command", required=True)
    password = add(account, "set-password", cmd_account_set_password, "đặt mật khẩu (đọc từ đầu vào chuẩn)")
    password.add_argument("email")
