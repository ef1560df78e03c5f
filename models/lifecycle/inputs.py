"""What a person gives for each step of a task's life, written once.

Each step's input model is the single source of its fields: the step flow's parameters (and so the
Prefect UI's form), the CLI's options, the API's move body and the portal's form with its labels are all
read from it. Adding a field to an action is one edit here; the checks that judge a move's content stay
in `lifecycle.steps` (they need the task and the person).
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, JsonValue
from pydantic.fields import FieldInfo

from models.lifecycle.workflow import Action
from models.vn_format import finite, number_from_text


class Widget(StrEnum):
    """How a person gives a field, whatever the door (a form control, a command-line option)."""

    TEXT = "text"  # a paragraph
    LINE = "line"  # a short code such as a period
    DATE = "date"
    FLAG = "flag"  # yes or no
    NAMES = "names"  # a list of names, one per option or separated by ';'
    FILES = "files"  # evidence: files uploaded, or their references
    MEASURES = "measures"  # NAME=NUMBER pairs


def _names(value: Any) -> Any:
    """'Ban A; Ban B' or ['Ban A', 'Ban B; Ban C'] → each name once, in order (agency names hold commas and
    "và", so ';' separates them)."""
    if value is None:
        return []
    parts = [value] if isinstance(value, str) else value
    if not isinstance(parts, list | tuple):
        return value  # not a list: the type check says so
    names: list[Any] = []
    for part in parts:
        pieces = [p.strip() for p in part.split(";")] if isinstance(part, str) else [part]
        names += [p for p in pieces if p != "" and p not in names]
    return names


def _measures(value: Any) -> Any:
    """['tỷ lệ (%)=85'] (the command line's NAME=NUMBER) → {'tỷ lệ (%)': 85.0}; a mapping passes through."""
    if not isinstance(value, list | tuple):
        return {} if value is None else value
    measures: dict[str, float] = {}
    for pair in value:
        name, _, number = str(pair).rpartition("=")
        try:
            measures[name.strip()] = number_from_text(number)
        except ValueError as exc:
            raise ValueError(f"'{pair}': {exc} (cần dạng TÊN=SỐ, ví dụ 'tỷ lệ văn bản điện tử (%)=85')") from exc
        if not name.strip():
            raise ValueError(f"'{pair}': thiếu tên chỉ tiêu")
    return measures


DOORS = "x-planflow"
Names = Annotated[list[str], BeforeValidator(_names)]
Measures = Annotated[dict[str, Annotated[float, AfterValidator(finite)]], BeforeValidator(_measures)]


def ask(
    label: str,
    default: Any = ...,
    *,
    helps: str | None = None,
    flag: str | None = None,
    widget: Widget | None = None,
    size: int | None = None,
) -> Any:
    """A field as people see it: its Vietnamese label (form, Prefect UI), the command line's help and flag
    when they differ from the defaults, and how it is given."""
    doors: dict[str, JsonValue] = {}
    if flag:
        doors["flag"] = flag
    if widget:
        doors["widget"] = widget.value
    if size:
        doors["size"] = size  # how long an answer the form makes room for; the step's check judges it
    extra: dict[str, JsonValue] = {DOORS: doors}  # an OpenAPI extension key: schema readers skip it
    if isinstance(default, list | dict):  # a fresh empty one for each move
        empty = type(default)
        return Field(default_factory=empty, title=label, description=helps, json_schema_extra=extra)
    return Field(default, title=label, description=helps, json_schema_extra=extra)


@dataclass(frozen=True)
class Decision:
    """One answer of a deciding step: the action it takes and the word people type for it."""

    action: Action
    word_vi: str


class StepInput(BaseModel):
    """What a person gives for one step; the step, its Vietnamese name and its action(s) are class facts."""

    model_config = ConfigDict(extra="forbid")

    step: ClassVar[str]
    label_vi: ClassVar[str]
    action: ClassVar[Action | None] = None
    # a deciding step (review, decide-…) takes a `decision`: its code → the action and the word people type
    decisions: ClassVar[dict[str, Decision]] = {}

    def payload(self) -> dict[str, Any]:
        """What the move records: every field given, an empty optional date left out."""
        return self.model_dump(exclude_none=True)

    @classmethod
    def action_for(cls, decision: str | None) -> Action:
        """The action this step takes, for a deciding step the one its decision names."""
        if cls.decisions:
            return cls.decisions[str(decision)].action
        if cls.action is None:
            raise TypeError(f"{cls.__name__} names neither an action nor decisions")
        return cls.action


class AssignInput(StepInput):
    """The secretariat assigns a task to its lead agency, naming the agencies behind "các cơ quan liên quan"
    when the directory does not."""

    step = "assign"
    label_vi = "giao nhiệm vụ"
    action = Action.ASSIGN
    related: Names = ask(
        "Các cơ quan thay cho 'các cơ quan liên quan' (cách nhau bằng dấu ;)",
        [],
        helps="các cơ quan thay cho 'các cơ quan liên quan', cách nhau bằng dấu ';' ('Ban A; Ban B')",
    )


class AcknowledgeInput(StepInput):
    """The lead agency acknowledges the task it was given."""

    step = "acknowledge"
    label_vi = "tiếp nhận"
    action = Action.ACKNOWLEDGE
    note: str = ask("Ghi chú", "")


class RequestCoordinationInput(StepInput):
    """The lead agency asks its coordinating agencies (all, or those named) for their part."""

    step = "request-coordination"
    label_vi = "đề nghị phối hợp"
    action = Action.REQUEST_COORDINATION
    message: str = ask("Nội dung đề nghị phối hợp", "")
    agencies: Names = ask(
        "Chỉ các cơ quan phối hợp này (cách nhau bằng dấu ;, để trống: mọi cơ quan phối hợp)",
        [],
        helps="chỉ cơ quan phối hợp này (có thể lặp lại)",
        flag="--agency",
    )


class GiveInputInput(StepInput):
    """A coordinating agency gives its input to the lead agency."""

    step = "give-input"
    label_vi = "gửi ý kiến phối hợp"
    action = Action.GIVE_INPUT
    text: str = ask("Nội dung")


class SubmitInput(StepInput):
    """The lead agency submits its result, with evidence and measured KPI values (a new version each time)."""

    step = "submit"
    label_vi = "nộp kết quả"
    action = Action.SUBMIT
    result: str = ask("Kết quả thực hiện")
    evidence: list[str] = ask(
        "Tài liệu minh chứng (PDF, Word, Excel, ảnh; tối đa 10 MB mỗi tệp)",
        [],
        helps="đường dẫn hoặc tên tệp minh chứng (có thể lặp lại)",
        widget=Widget.FILES,
    )
    kpi_values: Measures = ask(
        "Giá trị chỉ tiêu đạt được (mỗi dòng một chỉ tiêu: TÊN=SỐ)", {}, helps="TÊN=SỐ (có thể lặp lại)", flag="--kpi"
    )


class ReportProgressInput(StepInput):
    """The lead agency of a recurring task reports its progress for a period (YYYY-MM or YYYY-Qn)."""

    step = "report-progress"
    label_vi = "báo cáo tiến độ kỳ"
    action = Action.SUBMIT_PROGRESS
    period: str = ask("Kỳ báo cáo (ví dụ 2026-11 hoặc 2026-Q4)", widget=Widget.LINE, size=7)
    text: str = ask("Nội dung")


class ReviewInput(StepInput):
    """The secretariat approves the result, or returns it with comments for a new version."""

    step = "review"
    label_vi = "duyệt hoặc trả lại kết quả"
    decisions = {"approve": Decision(Action.APPROVE, "duyệt"), "return": Decision(Action.RETURN, "trả lại")}
    comment: str = ask("Ý kiến", "")


class RequestExplanationInput(StepInput):
    """The secretariat demands an explanation (giải trình) of a late or failing task."""

    step = "request-explanation"
    label_vi = "yêu cầu giải trình"
    action = Action.REQUEST_EXPLANATION
    reason: str = ask("Lý do")
    failing: bool = ask("Kết quả không đạt chỉ tiêu", False, helps="kết quả không đạt chỉ tiêu")


class SubmitExplanationInput(StepInput):
    """The lead agency submits its explanation."""

    step = "submit-explanation"
    label_vi = "nộp giải trình"
    action = Action.SUBMIT_EXPLANATION
    text: str = ask("Nội dung")


class DecideExplanationInput(StepInput):
    """The leader in charge or the Standing Committee accepts (new deadline) or rejects the explanation."""

    step = "decide-explanation"
    label_vi = "quyết định về giải trình"
    decisions = {
        "accept": Decision(Action.ACCEPT_EXPLANATION, "chấp nhận"),
        "reject": Decision(Action.REJECT_EXPLANATION, "không chấp nhận"),
    }
    comment: str = ask("Ý kiến", "")
    new_due_date: date | None = ask("Hạn mới", None)


class RequestExtensionInput(StepInput):
    """The lead agency asks, before the deadline, for a later one (gia hạn)."""

    step = "request-extension"
    label_vi = "đề nghị gia hạn"
    action = Action.REQUEST_EXTENSION
    new_due_date: date = ask("Hạn mới")
    reason: str = ask("Lý do")


class DecideExtensionInput(StepInput):
    """The leader in charge grants or refuses the extension asked for."""

    step = "decide-extension"
    label_vi = "quyết định gia hạn"
    decisions = {
        "grant": Decision(Action.GRANT_EXTENSION, "đồng ý"),
        "refuse": Decision(Action.REFUSE_EXTENSION, "không đồng ý"),
    }
    comment: str = ask("Ý kiến", "")


class SetDeadlineInput(StepInput):
    """The secretariat records the date an upper body set for a task that waited on it."""

    step = "set-deadline"
    label_vi = "cập nhật thời hạn cấp trên ấn định"
    action = Action.SET_DEADLINE
    new_due_date: date = ask("Hạn mới")
    comment: str = ask("Ý kiến", "")


class CancelInput(StepInput):
    """The Standing Committee cancels a task, with the reason."""

    step = "cancel"
    label_vi = "hủy nhiệm vụ"
    action = Action.CANCEL
    reason: str = ask("Lý do")


STEP_INPUTS: dict[str, type[StepInput]] = {
    model.step: model
    for model in (
        AssignInput,
        AcknowledgeInput,
        RequestCoordinationInput,
        GiveInputInput,
        SubmitInput,
        ReportProgressInput,
        ReviewInput,
        RequestExplanationInput,
        SubmitExplanationInput,
        DecideExplanationInput,
        RequestExtensionInput,
        DecideExtensionInput,
        SetDeadlineInput,
        CancelInput,
    )
}


def step_of(action: Action) -> tuple[str, str | None]:
    """The step that takes an action, and the decision that names it on a deciding step."""
    for step, model in STEP_INPUTS.items():
        if model.action == action:
            return step, None
        for code, decision in model.decisions.items():
            if decision.action == action:
                return step, code
    raise KeyError(action)


def input_of(action: Action) -> type[StepInput]:
    """The input model of the step that takes an action."""
    return STEP_INPUTS[step_of(action)[0]]


@dataclass(frozen=True)
class FieldForm:
    """One field as every door shows it."""

    name: str
    label: str
    helps: str
    flag: str
    widget: Widget
    required: bool
    size: int | None


def _widget(info: FieldInfo) -> Widget:
    annotation = info.annotation
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    origin = get_origin(annotation) or annotation
    if annotation is date:
        return Widget.DATE
    if annotation is bool:
        return Widget.FLAG
    if origin is list:
        return Widget.NAMES
    if origin is dict:
        return Widget.MEASURES
    return Widget.TEXT


def field_forms(model: type[StepInput]) -> list[FieldForm]:
    """The model's fields, in order, with what each door needs to show them."""
    forms = []
    for name, info in model.model_fields.items():
        schema_extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        found = schema_extra.get(DOORS)
        extra: dict[str, Any] = found if isinstance(found, dict) else {}
        widget = Widget(str(extra["widget"])) if "widget" in extra else _widget(info)
        forms.append(
            FieldForm(
                name=name,
                label=info.title or name,
                helps=info.description or (info.title or name).lower(),
                flag=str(extra.get("flag") or "--" + name.replace("_", "-")),
                widget=widget,
                required=info.is_required(),
                size=int(extra["size"]) if "size" in extra else None,
            )
        )
    return forms


def payload_schemas(schema: dict[str, Any]) -> None:
    """The JSON schema of a move's payload: one of the step input models, read when the schema is asked for (the
    API's OpenAPI document lists each step's fields from its model)."""
    schema["anyOf"] = [
        {**model.model_json_schema(), "title": f"payload: {', '.join(a.value for a in actions_of(model))}"}
        for model in STEP_INPUTS.values()
    ]


def actions_of(model: type[StepInput]) -> list[Action]:
    """The actions a step takes: its own, or one per decision."""
    return [d.action for d in model.decisions.values()] if model.decisions else [model.action_for(None)]
