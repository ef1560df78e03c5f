"""`planflow task …`: each step of a task's life from the command line, through its Prefect flow."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from models.lifecycle.inputs import STEP_INPUTS, FieldForm, Widget, field_forms
from planflow.cli_common import UserError, day, moment, print_json, vietnamese_choice


def _option(form: FieldForm) -> dict[str, Any]:
    """argparse keywords for one field of a step's input model."""
    if form.widget is Widget.FLAG:
        return {"action": "store_true", "help": form.helps}
    options: dict[str, Any] = {"required": form.required, "help": form.helps}
    if form.widget is Widget.DATE:
        options["type"] = day
    if form.widget in (Widget.NAMES, Widget.FILES, Widget.MEASURES):
        options["action"] = "append"  # the model reads each value ('Ban A; Ban B', 'TÊN=SỐ')
    return options


def step_options(step: str) -> list[tuple[str, list[str], dict[str, Any]]]:
    """The step's own options (dest, flags, argparse keywords), read from its input model; every step also takes
    --as, --key and --at."""
    model = STEP_INPUTS[step]
    options = []
    if model.decisions:
        words = {code: decision.word_vi for code, decision in model.decisions.items()}
        options.append(("decision", ["--decision"], {"required": True, **vietnamese_choice(words)}))
    return options + [(form.name, [form.flag], _option(form)) for form in field_forms(model)]


def _validated(step: str, values: dict[str, Any]) -> dict[str, Any]:
    """The step's values among those given (the decision and the model's fields), read by the step's input model
    (its types, 'TÊN=SỐ', 'Ban A; Ban B'); a value it refuses is the person's mistake, named by its option."""
    model = STEP_INPUTS[step]
    given = {name: value for name, value in values.items() if value is not None and name in model.model_fields}
    decided = {"decision": values["decision"]} if values.get("decision") else {}
    try:
        inputs = model.model_validate(given)
    except ValidationError as exc:
        flags = {form.name: form.flag for form in field_forms(model)}
        error = exc.errors()[0]
        flag = flags.get(str(error["loc"][0]), str(error["loc"][0])) if error["loc"] else ""
        raise UserError(f"{flag}: {error['msg'].removeprefix('Value error, ')}") from exc
    return decided | inputs.model_dump(include=set(given))  # what was not given keeps the flow's default


def cmd_task_step(args: argparse.Namespace) -> int:
    """Run the flow of one step on one task (or, for assign --all, on a whole plan): in the running service when
    there is one (its Prefect and database are warm), else in this process."""
    if args.step == "assign" and args.all:
        related = _validated("assign", {"related": args.related}).get("related")
        parameters: dict[str, Any] = {"plan": args.plan, "actor": args.actor, "at": args.at, "related": related}
        result = _run_step("assign-all", parameters)
        _print(args, result, f"Đã giao {result['assigned']} nhiệm vụ của {args.plan}.")
        if not args.json:
            for number, reason in result["refused"].items():
                print(f"  Chưa giao nhiệm vụ {number}: {reason}")
        return 1 if result["refused"] else 0  # like lint findings: done, with something to look at
    if not args.number:
        raise UserError("Cần số thứ tự nhiệm vụ (hoặc --all khi giao cả kế hoạch).")
    parameters = {"plan": args.plan, "task": args.number, "actor": args.actor, "at": args.at}
    if args.key:
        parameters["idempotency_key"] = args.key
    parameters.update(_validated(args.step, vars(args)))
    result = _run_step(args.step, parameters)
    repeated = " (đã thực hiện trước đó với cùng khóa, không làm lại)" if result["repeated"] else ""
    moved = f"{_status_vi(result['from'])} → {_status_vi(result['to'])}"
    _print(args, result, f"Nhiệm vụ {args.plan}/{args.number}: {moved}{repeated}.")
    return 0


def _status_vi(value: str) -> str:
    from models.lifecycle.workflow import STATUS_LABELS_VI, TaskStatus

    return STATUS_LABELS_VI[TaskStatus(value)] if value in set(TaskStatus) else value


def _run_step(step: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """The step's flow run, by the running service if one takes it, else here (Prefect started on demand)."""
    from runtime.service_record import step_through_service

    sent = {
        name: value.isoformat() if isinstance(value, date | datetime) else value for name, value in parameters.items()
    }
    result = step_through_service(step, {name: value for name, value in sent.items() if value is not None})
    if result is not None:
        return result
    from runtime.environment import configure_prefect_environment

    configure_prefect_environment()
    from flows.lifecycle import STEP_FLOWS, assign_plan
    from runtime.prefect_run import run_flow

    flow = assign_plan if step == "assign-all" else STEP_FLOWS[step]
    ran: dict[str, Any] = run_flow(flow, **parameters)
    return ran


def _print(args: argparse.Namespace, result: dict[str, Any], line: str) -> None:
    if args.json:
        print_json(result)
    else:
        print(line)


def cmd_task_show(args: argparse.Namespace) -> int:
    """A task with its whole history."""
    from models.lifecycle.history import task_history
    from runtime.environment import get_database

    with get_database().session() as session:
        view = task_history(session, args.plan, args.number)
    if args.json:
        print_json(view)
        return 0
    from rich.console import Console
    from rich.table import Table

    from models.labels import label_vi

    print(f"{view['plan']}/{view['number']} — {view['status_vi']}; chờ: {', '.join(view['waiting_on']) or '—'}")
    print(f"  {view['description']}")
    deadline = view["deadline"]
    print(f"  Chủ trì: {view['lead_agency'] or '—'}; thời hạn: {deadline['text']} ({label_vi(deadline['kind'])})")
    table = Table("Lúc", "Người", "Thao tác", "Trạng thái", "Qua", title="Lịch sử", title_justify="left")
    for event in view["history"]:
        moved = f"{label_vi(event['from'])} → {label_vi(event['to'])}"
        when, channel = event["at"][:16].replace("T", " "), label_vi(event["channel"], empty="")
        table.add_row(when, event["actor"], label_vi(event["action"]), moved, channel)
    Console().print(table)
    return 0


def cmd_task_classify(args: argparse.Namespace) -> int:
    """Mark a task "mật" (or not): its messages then carry no content and never go to webhooks."""
    from datetime import UTC

    from models.lifecycle.classification import set_classified
    from runtime.environment import get_database

    with get_database().transaction() as session:
        changed = set_classified(
            session,
            plan_code=args.plan,
            number=args.number,
            classified=not args.off,
            actor_email=args.actor,
            now=datetime.now(UTC),
        )
    state = "không mật" if args.off else "mật"
    _print(args, {"changed": changed, "classified": not args.off}, f"Nhiệm vụ {args.plan}/{args.number}: {state}.")
    return 0


def add_task_commands(groups: Any, add: Any) -> None:
    """Register `planflow task <step>` and `planflow task show`."""
    steps = groups.add_parser("task", help="một bước của nhiệm vụ").add_subparsers(dest="step", required=True)
    for step, model in STEP_INPUTS.items():
        parser = add(steps, step, cmd_task_step, f"{model.label_vi} (chạy luồng task-{step})")
        parser.add_argument("plan")
        parser.add_argument("number", nargs="?" if step == "assign" else None)
        parser.add_argument("--as", dest="actor", required=True, help="thư điện tử của người thực hiện")
        parser.add_argument("--key", help="khóa chống lặp: cùng khóa không thực hiện hai lần")
        parser.add_argument("--at", type=moment, help="thời điểm thao tác (ISO 8601; mặc định bây giờ)")
        if step == "assign":
            parser.add_argument("--all", action="store_true", help="giao mọi nhiệm vụ chưa giao của kế hoạch")
        for dest, flags, extra in step_options(step):
            parser.add_argument(*flags, dest=dest, **extra)
    classify = add(steps, "classify", cmd_task_classify, "đánh dấu nhiệm vụ 'mật' (hoặc bỏ đánh dấu với --off)")
    classify.add_argument("plan")
    classify.add_argument("number")
    classify.add_argument("--as", dest="actor", required=True, help="thư điện tử của cán bộ Văn phòng")
    classify.add_argument("--off", action="store_true", help="bỏ đánh dấu mật")
    show = add(steps, "show", cmd_task_show, "một nhiệm vụ và lịch sử của nó")
    show.add_argument("plan")
    show.add_argument("number")
