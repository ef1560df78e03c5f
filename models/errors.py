"""One family for every refusal a person can act on: each carries the HTTP status a door answers with and a
Vietnamese message saying what to do. The CLI prints it as one line (exit 2), the API answers its status, the
portal shows its page. Anything that is not a PlanflowError is a bug, and is shown as one."""

from __future__ import annotations


class PlanflowError(Exception):
    """A refusal with a message for the person who asked (the input, the state or the setup is at fault)."""

    status = 400


class NotFoundError(PlanflowError, LookupError):
    """What was named does not exist (or is not the person's to see)."""

    status = 404


class ConflictError(PlanflowError):
    """The thing exists but is not in a state that allows this (changed meanwhile, wrong status)."""

    status = 409


class InvalidInputError(PlanflowError, ValueError):
    """What was given cannot be used (a date that does not exist, a file that is not a plan)."""

    status = 422


class ReportError(InvalidInputError):
    """A period or organization a report cannot be made for."""


class ForbiddenError(PlanflowError, PermissionError):
    """The person may not do this."""

    status = 403


class UnavailableError(PlanflowError):
    """Something planflow depends on (the database, Prefect) cannot be reached; the message says what to start."""

    status = 503
