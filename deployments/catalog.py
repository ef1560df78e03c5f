"""Every planflow deployment, with its schedule and a form the Prefect UI can show."""

from __future__ import annotations

from typing import cast

from prefect.deployments.runner import RunnerDeployment

from flows.import_plan import import_plan


def all_deployments() -> list[RunnerDeployment]:
    """The deployments `planflow serve` runs (and `prefect.yaml` mirrors for work pools)."""
    # to_deployment is sync-or-async by context; called here from sync code it returns the deployment.
    import_on_demand = import_plan.to_deployment(
        name="on-demand",
        description="Nhập một kế hoạch (YAML, Excel, Word hoặc văn bản) vào cơ sở dữ liệu; báo cáo '6 rõ'.",
        tags=["planflow", "step:import"],
        parameters={"actor": "Văn phòng Đảng ủy"},
    )
    return [cast(RunnerDeployment, import_on_demand)]
