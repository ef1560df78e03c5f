#!/usr/bin/env bash
# planflow's front door on a fresh machine: installs what is needed, then runs the job asked for.
#   ./run.sh serve        the service (Prefect UI, deployments) on the embedded SQLite database
#   ./run.sh test         the whole test suite (SQLite, and PostgreSQL when reachable)
#   ./run.sh <command>    any `planflow` command, e.g. ./run.sh plan lint FILE
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
command="${1:-serve}"
shift || true
case "$command" in
  test)
    .venv/bin/ruff check .
    .venv/bin/mypy models documents planflow flows tasks deployments notifications bench api runtime
    .venv/bin/lint-imports
    exec .venv/bin/python -m pytest "$@"
    ;;
  *)
    exec .venv/bin/planflow "$command" "$@"
    ;;
esac
