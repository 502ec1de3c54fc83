"""The derived-question gold set over the real corpus (shares, changes, sums, means, rankings, yes/no, counts,
refusals): every operation must meet its eval/thresholds.json floor and no answer may be confidently wrong.

The report (Markdown + JSON, every question with expected and got) is written to test-output/eval-derived/.
"""

import pytest

from eval.harness import DEFAULT_SET, EvalReport, evaluate, load_set, load_thresholds, write_reports
from tests.conftest import REPO

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

DERIVED_SET = DEFAULT_SET.parent / "derived.jsonl"
OUT = REPO / "test-output" / "eval-derived"


@pytest.fixture(scope="module")
def report(corpus_settings) -> EvalReport:
    result = evaluate(corpus_settings, [DERIVED_SET], thresholds=load_thresholds(), progress=False)
    write_reports(result, OUT)
    return result


def test_every_operation_meets_its_threshold_and_none_is_confidently_wrong(report):
    assert report.checked_config == "fused"
    assert not report.threshold_misses, "below threshold (see test-output/eval-derived/report.md):\n" + "\n".join(
        str(m) for m in report.threshold_misses
    )
    (run,) = report.runs
    assert run.confidently_wrong == {"derived": 0}


def test_every_derived_question_is_scored_with_its_operation(report):
    items = load_set(DERIVED_SET)
    (run,) = report.runs
    assert [s.id for s in run.items] == [i.id for i in items]
    assert all(s.facet for s in run.items) and len(items) >= 150
    facets = {f.category for f in run.facets}
    assert {
        "share",
        "multiple",
        "difference",
        "change_pct",
        "sum",
        "mean",
        "rank_categories",
        "rank_years",
        "exists",
        "count",
        "not_recorded",
    } <= facets
    assert "## Scores by facet" in (OUT / "report.md").read_text(encoding="utf-8")
