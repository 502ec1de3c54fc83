"""The gold set over the real corpus: ingest ../shared/corpus once, run every question through the bot, and
fail when a category drops below eval/thresholds.json (this is how CI catches an answer-quality regression).

The report (Markdown + JSON, every question with expected and got) is written to test-output/eval/.
"""

import json

import pytest

from eval.harness import DEFAULT_SET, EvalReport, evaluate, load_set, load_thresholds, write_reports
from tests.conftest import REPO

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

OUT = REPO / "test-output" / "eval"


@pytest.fixture(scope="module")
def report(corpus_settings) -> EvalReport:
    result = evaluate(corpus_settings, [DEFAULT_SET], thresholds=load_thresholds(), progress=False)
    write_reports(result, OUT)
    return result


def test_every_category_meets_its_threshold(report):
    assert report.checked_config == "fused"
    assert not report.threshold_misses, "below threshold (see test-output/eval/report.md):\n" + "\n".join(
        str(m) for m in report.threshold_misses
    )


def test_every_gold_question_is_scored_and_reported(report):
    (run,) = report.runs
    assert [s.id for s in run.items] == [i.id for i in load_set(DEFAULT_SET)]
    assert all(s.latency_ms > 0 for s in run.items)
    assert sum(c.n for c in run.categories) == run.overall.n == 346
    narrative = next(c for c in run.categories if c.category == "narrative")
    assert narrative.n_recall == 39 and narrative.recall_at_k is not None
    saved = json.loads((OUT / "report.json").read_text(encoding="utf-8"))
    assert len(saved["runs"][0]["items"]) == 346
    assert "| narrative | 39 |" in (OUT / "report.md").read_text(encoding="utf-8")
