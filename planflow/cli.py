"""The `planflow` command line: one line of error, never a traceback; `--json` prints one document."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from models.errors import PlanflowError
from models.lifecycle.workflow import STATUS_LABELS_VI
from planflow.cli_bench import add_bench_commands
from planflow.cli_common import UserError, day, plan_year, print_json, vietnamese_choice
from planflow.cli_ops import add_ops_commands
from planflow.cli_reports import add_api_commands, add_report_commands, add_review_commands
from planflow.cli_tasks import add_task_commands
from runtime.progress import show_progress_on_terminal

EXIT_USER_ERROR = 2
EXIT_FINDINGS = 1
EXIT_BUG = 70  # EX_SOFTWARE


# --- commands -------------------------------------------------------------------------------


def cmd_deadline_parse(args: argparse.Namespace) -> int:
    """Show what planflow understands of a deadline text."""
    from datetime import UTC, datetime, timedelta

    from models.calendar.days import local_date
    from models.plan.deadlines import parse_deadline

    parsed = parse_deadline(args.text, year=args.year)
    spec = parsed.to_dict()
    upcoming: list[str] = []
    if parsed.rule:  # a recurring duty: its next three occurrences
        start = args.since or local_date(datetime.now(UTC))
        upcoming = [d.isoformat() for d in parsed.occurrences(start, start + timedelta(days=3 * 370))[:3]]
        spec["next"] = upcoming
    if args.json:
        print_json(spec)
        return 0
    from models.plan.deadline_words import meaning_vi
    from models.vn_format import day_text

    lines = meaning_vi(spec)
    if upcoming:
        lines.append(("Ba lần tới", "; ".join(day_text(d) for d in upcoming)))
    if spec["kind"] == "unknown":
        lines.append(("Lưu ý", "chưa hiểu được: nhiệm vụ sẽ không được nhắc hạn cho đến khi ghi lại thời hạn"))
    for what, value in lines:
        print(f"{what + ':':16} {value}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Apply pending migrations to the configured database."""
    from models.db import current_revision, make_engine, upgrade
    from runtime.settings import get_settings

    engine = make_engine(get_settings().resolved_database_url())
    upgrade(engine)
    revision = current_revision(engine)
    if args.json:
        print_json({"revision": revision})
    else:
        print(f"Cơ sở dữ liệu ở phiên bản {revision}.")
    return 0


def cmd_plan_import(args: argparse.Namespace) -> int:
    """Run the import-plan flow on a file."""
    from runtime.environment import configure_prefect_environment

    source = Path(args.file)
    if not source.is_file():
        raise UserError(f"Không tìm thấy tệp {source}.")
    if args.dry_run:
        from planflow.cli_dry_run import run_dry_run

        return run_dry_run(source, code=args.code, columns=args.columns, organization=args.org, json=args.json)
    configure_prefect_environment()
    from flows.import_plan import import_plan
    from runtime.prefect_run import run_flow

    result = run_flow(
        import_plan,
        source=str(source.resolve()),
        code=args.code,
        actor=args.actor,
        columns=args.columns,
        organization=args.org,
    )
    if args.json:
        print_json(result)
    else:
        print(
            f"Đã nhập kế hoạch {result['code']}: {result['tasks']} nhiệm vụ "
            f"({result['tasks_added']} mới, {result['tasks_updated']} cập nhật, {result['tasks_removed']} bỏ), "
            f"{result['indicators']} chỉ tiêu, {result['six_clear_findings']} điểm chưa đạt '6 rõ'."
        )
    return 0


def cmd_plan_lint(args: argparse.Namespace) -> int:
    """Check every task of a plan file against the "6 rõ" rule."""
    from documents.reader import read_plan
    from models.plan.six_clear import lint_plan

    document = read_plan(Path(args.file), columns=args.columns, organization=args.org)
    findings = lint_plan(document)
    if args.json:
        print_json(
            {
                "plan": document.code,
                "tasks": len(document.tasks),
                "tasks_with_findings": len({f.task_number for f in findings}),
                "findings": [f.to_dict() for f in findings],
            }
        )
    else:
        for finding in findings:
            print(f"Nhiệm vụ {finding.task_number}: {finding.criterion.value} — {finding.message}")
        flagged = len({f.task_number for f in findings})
        print(f"{document.code}: {len(document.tasks)} nhiệm vụ, {flagged} nhiệm vụ chưa đạt '6 rõ'.")
    return EXIT_FINDINGS if findings else 0


def cmd_plan_show(args: argparse.Namespace) -> int:
    """A plan's header, sections and counts."""
    from models.lifecycle.queries import get_plan, plan_view
    from runtime.environment import get_database

    with get_database().session() as session:
        view = plan_view(get_plan(session, args.code))
    if args.json:
        print_json(view)
        return 0
    print(f"{view['code']} — {view['title']} ({view['year']})")
    print(f"Tổ chức: {view['organization']['name']}; số hiệu: {view['document_number'] or '—'}")
    print(f"{view['tasks']} nhiệm vụ:")
    for section in view["sections"]:
        print(f"  {section['number']}. {section['title']} — {section['tasks']} nhiệm vụ")
    from models.labels import label_vi

    kinds = view["tasks_by_deadline_kind"].items()
    print("Theo loại thời hạn: " + ", ".join(f"{label_vi(kind)}: {count}" for kind, count in kinds))
    print(f"{len(view['indicators'])} chỉ tiêu.")
    return 0


def cmd_plan_export(args: argparse.Namespace) -> int:
    """Write a stored plan to YAML, Excel or Word."""
    from documents.writer import write_plan
    from models.lifecycle.queries import load_document
    from runtime.environment import get_database

    with get_database().session() as session:
        document = load_document(session, args.code)
    path = write_plan(document, Path(args.output))
    if args.json:
        print_json({"code": document.code, "file": str(path), "tasks": len(document.tasks)})
    else:
        print(f"Đã xuất {document.code} ({len(document.tasks)} nhiệm vụ) ra {path}.")
    return 0


def cmd_plan_convert(args: argparse.Namespace) -> int:
    """Convert a plan file to another format without touching the database."""
    from documents.reader import read_plan
    from documents.writer import write_plan

    document = read_plan(Path(args.file), code=args.code, columns=args.columns, organization=args.org)
    path = write_plan(document, Path(args.output))
    if args.json:
        print_json({"code": document.code, "file": str(path), "tasks": len(document.tasks)})
    else:
        print(f"Đã chuyển {args.file} ({len(document.tasks)} nhiệm vụ) thành {path}.")
    return 0


def cmd_tasks_list(args: argparse.Namespace) -> int:
    """List tasks, of one plan or all."""
    from models.lifecycle.queries import list_tasks
    from runtime.environment import get_database

    with get_database().session() as session:
        tasks = list_tasks(session, plan_code=args.plan, waiting_on=args.waiting_on, status=args.status)
    if args.json:
        print_json(tasks)
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(caption=f"{len(tasks)} nhiệm vụ.", caption_justify="left")
    table.add_column("Kế hoạch", no_wrap=True)
    table.add_column("Số", no_wrap=True)
    table.add_column("Nhiệm vụ", max_width=60, no_wrap=True, overflow="ellipsis")
    table.add_column("Trạng thái", no_wrap=True)
    table.add_column("Đang chờ", max_width=30, overflow="ellipsis")
    table.add_column("Thời hạn", no_wrap=True)
    for task in tasks:
        due = task["deadline"]["due_date"] or task["deadline"]["text"] or "—"
        waiting = ", ".join(task["waiting_on"]) or "—"
        table.add_row(task["plan"], task["number"], task["description"], task["status_vi"], waiting, due)
    Console(width=None if sys.stdout.isatty() else 160).print(table)
    return 0


def cmd_tasks_ics(args: argparse.Namespace) -> int:
    """Write the tasks' deadlines as an iCalendar file for Outlook and phone calendars."""
    from documents.calendar_ics import tasks_calendar
    from models.lifecycle.queries import list_tasks
    from models.org.names import agency_key
    from runtime.environment import get_database

    with get_database().session() as session:
        tasks = list_tasks(session, plan_code=args.plan)
    if args.agency:  # the agency's own tasks: those it leads or coordinates
        wanted = agency_key(args.agency)
        tasks = [
            t for t in tasks if wanted in {agency_key(a or "") for a in [t["lead_agency"], *t["coordinating_agencies"]]}
        ]
    name = f"Nhiệm vụ {args.agency or args.plan or 'planflow'}"
    path = Path(args.output)
    path.write_bytes(tasks_calendar(tasks, name=name))
    if args.json:
        print_json({"file": str(path), "tasks": len(tasks)})
    else:
        print(f"Đã ghi lịch {len(tasks)} nhiệm vụ vào {path}.")
    return 0


def cmd_org_load(args: argparse.Namespace) -> int:
    """Load an organization's directory (agencies and people)."""
    from datetime import UTC, datetime

    from documents.directory_yaml import read_directory
    from models.org.directory import load_directory
    from runtime.environment import get_database

    directory = read_directory(Path(args.file))
    with get_database().transaction() as session:
        counts = load_directory(session, directory=directory, actor="planflow org load", now=datetime.now(UTC))
    if args.json:
        print_json({"organization": directory.organization, **counts})
    else:
        print(
            f"Đã nạp danh bạ {directory.organization}: {counts['agencies']} cơ quan, {counts['groups']} nhóm, "
            f"{counts['people']} người."
        )
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """The database, the Prefect API, the deployments and the outbox at a glance."""
    from planflow.status import status

    report = status()
    if args.json:
        print_json(report)
        return 0
    database, prefect = report["database"], report["prefect"]
    upgrade_note = "" if database["current"] else ", CẦN NÂNG CẤP"
    print(
        f"Cơ sở dữ liệu: {database['url']} (phiên bản {database['revision']}{upgrade_note}); "
        f"{database['plans']} kế hoạch, {database['tasks']} nhiệm vụ"
    )
    outbox = database["outbox"]
    print(f"Hộp thư đi: {outbox['pending']} chờ gửi, {outbox['failed']} lỗi, {outbox['sent']} đã gửi")
    if report["undelivered"]:
        print("Thông báo không gửi được (người nhận chưa biết, Văn phòng cần báo tin):")
        for failure in report["undelivered"]:
            where = f"{failure['organization']} · {failure['recipient']}"
            print(f"  {where}: {failure['messages']} thông báo — {failure['reason']}")
    print(f"Prefect: {prefect['api'] or '—'} {'hoạt động' if prefect['healthy'] else 'không trả lời'}")
    if prefect.get("login") is not None:
        print(
            f"  Đăng nhập giao diện Prefect: {'bật' if prefect['login'] else 'TẮT (ai vào được máy này đều dùng được)'}"
        )
    for deployment in prefect.get("deployments", []):
        schedule = ", ".join(str(s) for s in deployment["schedules"]) or "theo yêu cầu"
        print(f"  {deployment['name']:45} {schedule:22} {'bật' if deployment['active'] else ''}")
    print(f"Máy chủ thư: {report['smtp'] or 'chưa cấu hình (thư chờ trong hộp thư đi)'}")
    if report["webhook"]["problem"]:
        print(f"Webhook: {report['webhook']['problem']}")
    sweep = report["sweep"]
    if sweep is None:
        print("Quét đôn đốc: chưa chạy lần nào")
    else:
        print(f"Quét đôn đốc gần nhất: ngày {sweep['as_of']}; {len(sweep['failures'])} tổ chức không quét được")
        for failure in sweep["failures"]:
            print(f"  {failure['organization']}: {failure['error']}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the Prefect server (unless PREFECT_API_URL is set) and every planflow deployment."""
    from planflow.service import serve

    return serve()


# --- parser -------------------------------------------------------------------------------


def _add(
    subparsers: Any, name: str, handler: Callable[[argparse.Namespace], int], help_text: str, *, json_flag: bool = True
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=handler)
    if json_flag:
        parser.add_argument("--json", action="store_true", help="in một tài liệu JSON duy nhất, không in gì khác")
    return parser


_ARGPARSE_VI = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "giá trị không hợp lệ (%(type)s): %(value)r",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "expected one argument": "cần một giá trị",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn %(option)s không rõ: có thể là %(matches)s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "not allowed with argument %s": "không dùng cùng tham số %s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
}


def _vietnamese_argparse() -> None:
    """argparse's own words (usage, options, its errors) in Vietnamese, like everything else a person reads."""
    argparse._ = lambda text: _ARGPARSE_VI.get(text, text)  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree (documented in the README, 'Command line')."""
    _vietnamese_argparse()
    parser = argparse.ArgumentParser(
        prog="planflow", description="planflow: kế hoạch → nhiệm vụ được giao, đôn đốc, báo cáo."
    )
    groups = parser.add_subparsers(dest="group", required=True)

    deadline = groups.add_parser("deadline", help="thời hạn viết bằng tiếng Việt").add_subparsers(
        dest="command", required=True
    )
    parse = _add(deadline, "parse", cmd_deadline_parse, "cho biết nghĩa của một thời hạn")
    parse.add_argument("text")
    parse.add_argument("--year", type=plan_year, help="năm của kế hoạch, cho thời hạn không ghi năm ('Quý II', '30/6')")
    parse.add_argument(
        "--since", type=day, help="các lần đến hạn của thời hạn định kỳ kể từ ngày này (mặc định hôm nay)"
    )

    db = groups.add_parser("db", help="cơ sở dữ liệu").add_subparsers(dest="command", required=True)
    _add(db, "upgrade", cmd_db_upgrade, "nâng cấp cấu trúc cơ sở dữ liệu")

    plan = groups.add_parser("plan", help="kế hoạch").add_subparsers(dest="command", required=True)
    imp = _add(plan, "import", cmd_plan_import, "nhập một tệp kế hoạch (chạy luồng import-plan)")
    imp.add_argument("file")
    imp.add_argument("--code", help="mã kế hoạch (mặc định: theo tên tệp)")
    imp.add_argument("--actor", default="planflow", help="tên ghi vào nhật ký")
    imp.add_argument(
        "--dry-run", action="store_true", help="chạy thử: cho biết sẽ đọc được gì (bảng, cột, mục), không ghi gì"
    )
    lint = _add(plan, "lint", cmd_plan_lint, "kiểm tra tệp kế hoạch theo '6 rõ' (mã thoát 1 khi có điểm chưa đạt)")
    lint.add_argument("file")
    show = _add(plan, "show", cmd_plan_show, "xem một kế hoạch đã nhập")
    show.add_argument("code")
    export = _add(plan, "export", cmd_plan_export, "xuất kế hoạch đã nhập ra .yaml, .xlsx hoặc .docx")
    export.add_argument("code")
    export.add_argument("-o", "--output", required=True)
    convert = _add(
        plan, "convert", cmd_plan_convert, "chuyển tệp kế hoạch sang .yaml, .xlsx hoặc .docx (không dùng cơ sở dữ liệu)"
    )
    convert.add_argument("file")
    convert.add_argument("-o", "--output", required=True)
    convert.add_argument("--code", help="mã kế hoạch (mặc định: theo tên tệp)")
    for reading in (imp, lint, convert):
        reading.add_argument(
            "--columns", help="chỉ định cột khi tiêu đề khác thường: 'description=3,lead_agency=Đơn vị thực hiện'"
        )
        reading.add_argument("--org", help="tên tổ chức ban hành khi tệp không ghi")

    _add(groups, "serve", cmd_serve, "chạy dịch vụ: giao diện Prefect, cổng nhiệm vụ và mọi lịch chạy", json_flag=False)
    _add(groups, "status", cmd_status, "tình trạng cơ sở dữ liệu, Prefect, lịch chạy, hộp thư đi")

    tasks = groups.add_parser("tasks", help="nhiệm vụ").add_subparsers(dest="command", required=True)
    listing = _add(tasks, "list", cmd_tasks_list, "danh sách nhiệm vụ")
    listing.add_argument("--plan", help="chỉ nhiệm vụ của kế hoạch này")
    listing.add_argument("--waiting-on", help="chỉ nhiệm vụ đang chờ đơn vị, chức danh hoặc người này (thư điện tử)")
    listing.add_argument(
        "--status",
        help="chỉ nhiệm vụ ở trạng thái này",
        **vietnamese_choice({s.value: label for s, label in STATUS_LABELS_VI.items()}),
    )

    ics = _add(tasks, "ics", cmd_tasks_ics, "ghi thời hạn các nhiệm vụ ra tệp lịch iCalendar (.ics)")
    ics.add_argument("--plan", help="chỉ nhiệm vụ của kế hoạch này")
    ics.add_argument("--agency", help="chỉ nhiệm vụ đơn vị này chủ trì hoặc phối hợp")
    ics.add_argument("-o", "--output", required=True, help="tệp .ics cần ghi")

    org = groups.add_parser("org", help="tổ chức đảng").add_subparsers(dest="command", required=True)
    load = _add(org, "load", cmd_org_load, "nạp danh bạ: cơ quan và địa chỉ liên hệ, cán bộ và chức danh")
    load.add_argument("file")

    add_task_commands(groups, _add)
    add_ops_commands(groups, _add)
    add_report_commands(groups, _add)
    add_review_commands(groups, _add)
    add_bench_commands(groups, _add)
    add_api_commands(groups, _add)
    return parser


def _not_utf8(argv: Sequence[str]) -> str | None:
    """The first argument that holds bytes which are not UTF-8 (Linux hands them over as lone surrogates)."""
    for argument in argv:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            return argument.encode("utf-8", "replace").decode()
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `planflow` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    broken = _not_utf8(arguments)
    if broken is not None:
        print(f"planflow: tham số '{broken}' không phải văn bản UTF-8 hợp lệ.", file=sys.stderr)
        return EXIT_USER_ERROR
    args = build_parser().parse_args(arguments)
    try:
        with show_progress_on_terminal():
            return int(args.handler(args))
    except PlanflowError as exc:  # a refusal the person can act on: one line
        print(f"planflow: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except OSError as exc:  # a file the person named: missing, unreadable, name too long, already there
        name = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"planflow: không đọc hoặc ghi được tệp{name}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as exc:  # anything else is a bug: said so, its traceback kept for whoever fixes it
        return _report_bug(exc)


def _report_bug(exc: Exception) -> int:
    """One line naming the bug and where its traceback was written (planflow's home, errors.log)."""
    import traceback
    from datetime import UTC, datetime

    try:
        from runtime.settings import get_settings

        log = get_settings().home / "errors.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as out:
            out.write(f"--- {datetime.now(UTC).isoformat()} planflow {' '.join(sys.argv[1:])}\n")
            out.write("".join(traceback.format_exception(exc)))
        where = f"; chi tiết trong {log}"
    except Exception:  # the report of a bug must not fail in turn
        where = ""
    print(
        f"planflow: lỗi của chương trình ({type(exc).__name__}: {exc}){where}. Hãy báo cho nhóm phát triển.",
        file=sys.stderr,
    )
    return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
