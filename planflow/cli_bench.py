"""`planflow bench generate` and `planflow bench run`: national-scale data and the figures measured on it."""

from __future__ import annotations

import argparse
from typing import Any

from planflow.cli_common import print_json


def cmd_bench_generate(args: argparse.Namespace) -> int:
    """Load synthetic wards into the configured (or given) database."""
    from bench.generate import generate
    from models.db import Database
    from runtime.settings import get_settings

    database = Database(args.db or get_settings().resolved_database_url())
    result = generate(database, wards=args.orgs).to_dict()
    print_json(result) if args.json else print(
        f"Đã tạo {result['wards']} phường ({result['tasks']} nhiệm vụ) trong {result['seconds']} s."
    )
    return 0


def cmd_bench_run(args: argparse.Namespace) -> int:
    """Measure every step on a fresh database and print one table or one JSON document."""
    from bench.run import run

    result = run(
        wards=args.orgs,
        kind=args.db,
        flow_runs=args.flow_runs,
        moves=args.moves,
        clerks=args.clerks,
        load_seconds=args.load_seconds,
        batch=args.batch,
    )
    if args.json:
        print_json(result)
        return 0
    print(f"{result['wards']} phường, {result['tasks']} nhiệm vụ, {result['database']}")
    print(f"{'bước':42} {'giây':>9} {'MB (đỉnh)':>10}  chi tiết")
    for step in result["steps"]:
        detail = ", ".join(f"{k}={v}" for k, v in step["detail"].items() if not isinstance(v, list | dict))
        print(f"{step['name']:42} {step['seconds']:>9.3f} {step['peak_mb']:>10.1f}  {detail[:80]}")
    print("tỷ lệ so với sàn SQL: " + ", ".join(f"{k}={v}" for k, v in result["ratios"].items()))
    return 0


def add_bench_commands(groups: Any, add: Any) -> None:
    """Register `planflow bench …`."""
    bench = groups.add_parser("bench", help="đo hiệu năng ở quy mô toàn quốc").add_subparsers(
        dest="command", required=True
    )
    generate = add(
        bench, "generate", cmd_bench_generate, "nạp dữ liệu mô phỏng (bản sao kế hoạch Vĩnh Tuy) vào cơ sở dữ liệu"
    )
    generate.add_argument("--orgs", type=int, required=True, help="số phường, xã")
    generate.add_argument("--db", help="địa chỉ cơ sở dữ liệu SQLAlchemy (mặc định: cơ sở dữ liệu đang dùng)")
    run = add(bench, "run", cmd_bench_run, "tạo dữ liệu rồi đo quét đôn đốc, báo cáo và thao tác")
    run.add_argument("--orgs", type=int, default=100)
    run.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    run.add_argument("--flow-runs", type=int, default=10)
    run.add_argument("--moves", type=int, default=300)
    run.add_argument("--clerks", type=int, default=10, help="số văn thư cùng thao tác trong bước đo tải")
    run.add_argument(
        "--load-seconds", type=float, default=60, help="thời gian đo tải qua giao diện lập trình (0: bỏ qua)"
    )
    run.add_argument(
        "--batch", type=int, default=None, help="số phường tổng hợp báo cáo quý theo lô (mặc định: tất cả; 0: bỏ qua)"
    )
