"""The department gold set over the real corpus (each office by its full name, alone, abbreviated, with its
region, in English; absent offices, places and years; typos): every naming form must meet its floor in
eval/thresholds-departments.json and no answer may be confidently wrong.

The report (Markdown + JSON, every question with expected and got) is written to test-output/eval-departments/.
"""

import pytest

from eval.harness import DEFAULT_SET, EvalReport, evaluate, load_set, load_thresholds, write_reports
from tests.conftest import REPO

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

DEPARTMENTS_SET = DEFAULT_SET.parent / "departments.jsonl"
THRESHOLDS = REPO / "eval" / "thresholds-departments.json"
OUT = REPO / "test-output" / "eval-departments"


@pytest.fixture(scope="module")
def report(corpus_settings) -> EvalReport:
    result = evaluate(corpus_settings, [DEPARTMENTS_SET], thresholds=load_thresholds(THRESHOLDS), progress=False)
    write_reports(result, OUT)
    return result


def test_every_naming_form_meets_its_floor_and_none_is_confidently_wrong(report):
    assert not report.threshold_misses, "below threshold (see test-output/eval-departments/report.md):\n" + "\n".join(
        str(m) for m in report.threshold_misses
    )
    (run,) = report.runs
    assert run.confidently_wrong == {"departments": 0}


def test_every_department_question_is_scored_with_its_naming_form(report):
    items = load_set(DEPARTMENTS_SET)
    (run,) = report.runs
    assert [s.id for s in run.items] == [i.id for i in items] and len(items) >= 120
    assert {"full", "alone", "abbrev", "region+organ", "english", "absent_organ", "absent_place", "typo"} <= {
        f.category for f in run.facets
    }
