"""The deadline corpus (tests/fixtures/deadlines/corpus.yaml): texts from the real plans, from public pages
and forms real plans combine, each with its meaning. At least 98 % must be understood; every meaning renders
back to a Vietnamese text that reads to the same meaning."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from models.plan.deadlines import DeadlineKind, InvalidDeadlineError, parse_deadline, render_deadline
from tests.paths import ROOT

CORPUS = yaml.safe_load((ROOT / "tests" / "fixtures" / "deadlines" / "corpus.yaml").read_text(encoding="utf-8"))
PLAN_YEAR = 2026


def meaning_of(text: str) -> dict[str, Any]:
    try:
        spec = parse_deadline(text, year=PLAN_YEAR).to_dict()
    except InvalidDeadlineError:
        return {"invalid": True}
    keys = ("kind", "due_date", "start", "checkpoints", "rule", "tentative", "upstream_body", "event")
    return {k: spec[k] for k in keys if spec[k] not in (None, [], False)}


def test_the_corpus_is_large_and_distinct() -> None:
    texts = [entry["text"] for entry in CORPUS]
    assert len(texts) >= 150 and len(set(texts)) == len(texts)
    assert all(entry["source"] for entry in CORPUS)


def test_at_least_98_percent_are_understood(capsys: pytest.CaptureFixture[str]) -> None:
    wrong = [(e["text"], e["meaning"], meaning_of(e["text"])) for e in CORPUS if meaning_of(e["text"]) != e["meaning"]]
    assert not wrong, wrong[:5]  # every text reads as its reviewed meaning
    understood = [e for e in CORPUS if e["meaning"].get("kind") != DeadlineKind.UNKNOWN.value]
    share = len(understood) / len(CORPUS)
    with capsys.disabled():
        print(f"\ndeadline corpus: {len(understood)}/{len(CORPUS)} understood ({share:.1%})")
    assert share >= 0.98


@pytest.mark.parametrize("entry", [e for e in CORPUS if "kind" in e["meaning"] and e["meaning"]["kind"] != "unknown"],
                         ids=lambda e: e["text"][:40])  # fmt: skip
def test_every_meaning_renders_to_a_text_with_the_same_meaning(entry: dict[str, Any]) -> None:
    spec = parse_deadline(entry["text"], year=PLAN_YEAR)
    again = parse_deadline(render_deadline(spec), year=PLAN_YEAR)
    assert (again.kind, again.due_date, again.checkpoints, again.rule, again.tentative) == (
        spec.kind, spec.due_date, spec.checkpoints, spec.rule, spec.tentative
    ), render_deadline(spec)  # fmt: skip
