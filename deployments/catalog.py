"""Every planflow deployment, with a description and a form the Prefect UI can show."""

from __future__ import annotations

from typing import Any, cast

from prefect import Flow
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from flows.escalation import deliver_notifications, escalation_sweep
from flows.import_plan import import_plan
from flows.lifecycle import STEP_FLOWS, assign_plan
from flows.reports import compile_due_reports, compile_report
from flows.review import review_cycle


def _on_demand(flow: Flow[..., Any], description: str, tags: list[str]) -> RunnerDeployment:
    # to_deployment is sync-or-async by context; called from sync code it returns the deployment.
    return cast(
        RunnerDeployment,
        flow.to_deployment(name="on-demand", description=description, tags=["planflow", *tags]),
    )


def all_deployments() -> list[RunnerDeployment]:
    """The deployments `planflow serve` runs; each step of a task's life can be run from the UI."""
    deployments = [
        _on_demand(
            import_plan,
            "Nhập một kế hoạch (YAML, Excel, Word hoặc văn bản) vào cơ sở dữ liệu; báo cáo '6 rõ'.",
            ["step:import"],
        ),
        _on_demand(assign_plan, "Giao toàn bộ nhiệm vụ chưa giao của một kế hoạch (một lần chạy).", ["step:assign"]),
    ]
    deployments.append(
        cast(
            RunnerDeployment,
            escalation_sweep.to_deployment(
                name="daily-0700",
                description="Đôn đốc và báo cáo vượt cấp mỗi ngày làm việc lúc 07:00 (giờ Việt Nam).",
                schedule=Cron("0 7 * * *", timezone="Asia/Ho_Chi_Minh"),
                tags=["planflow", "step:sweep"],
            ),
        )
    )
    deployments.append(
        cast(
            RunnerDeployment,
            deliver_notifications.to_deployment(
                name="every-minute",
                description="Gửi thư và webhook đang chờ trong hộp thư đi; lỗi tạm thời được thử lại.",
                interval=60,
                tags=["planflow", "step:notify"],
            ),
        )
    )
    schedules = (
        ("monthly", "month", "0 8 1 * *", "Tổng hợp báo cáo tháng vừa kết thúc cho mọi tổ chức."),
        ("quarterly", "quarter", "0 8 5 1,4,7,10 *", "Tổng hợp báo cáo quý vừa kết thúc cho mọi tổ chức."),
    )
    for name, kind, cron, description in schedules:
        deployments.append(
            cast(
                RunnerDeployment,
                compile_due_reports.to_deployment(
                    name=name,
                    description=description,
                    schedule=Cron(cron, timezone="Asia/Ho_Chi_Minh"),
                    parameters={"kind": kind},
                    tags=["planflow", "step:report"],
                ),
            )
        )
    deployments.append(_on_demand(review_cycle, (review_cycle.description or "").strip(), ["step:review-cycle"]))
    deployments.append(_on_demand(compile_report, (compile_report.description or "").strip(), ["step:report"]))
    for step, flow in STEP_FLOWS.items():
        deployments.append(_on_demand(flow, (flow.description or step).strip(), [f"step:{step}"]))
    return deployments
