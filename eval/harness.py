"""The evaluation harness: every gold question through QuestionAnswerer.ask (the CLI's and the web app's code
path), scored by eval/scoring.py, aggregated by category, printed as a table and written as Markdown + JSON.

Several configurations (retrieval modes, with or without the chat model) can run side by side; they share
one fact store and one section index (one embedding model in memory) and differ only in their Settings.
"""

import logging
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, TypeGuard

import numpy as np
from pydantic import BaseModel, Field, ValidationError
from tqdm import tqdm

from bot.models import Answer
from bot.service import QuestionAnswerer
from eval.scoring import GoldItem, ItemScore, score_item
from govqa.errors import GovqaError, StoreError
from govqa.settings import PROJECT_ROOT, Settings
from index.embeddings import Embedder
from index.facts import FactStore
from index.models import Chunk
from index.sections import SectionIndex

log = logging.getLogger(__name__)

DEFAULT_SET = PROJECT_ROOT / "eval" / "sets" / "corpus.jsonl"
DEFAULT_OUT = PROJECT_ROOT / "eval" / "out"
DEFAULT_THRESHOLDS = PROJECT_ROOT / "eval" / "thresholds.json"
RetrievalMode = Literal["dense", "lexical", "fused"]  # settings.index.retrieval
RETRIEVAL_MODES: tuple[RetrievalMode, ...] = ("dense", "lexical", "fused")
RECALL_K = 5

Metric = Literal["answer", "answer_citation", "route", "recall_at_k", "open_recall_at_k"]
METRIC_LABELS: dict[str, str] = {
    "answer": "answer",
    "answer_citation": "answer+cite",
    "route": "route",
    "recall_at_k": f"recall@{RECALL_K}",
    "open_recall_at_k": f"open recall@{RECALL_K}",
}


# ---------------------------------------------------------------------------------------------- inputs
def load_set(path: Path) -> list[GoldItem]:
    """The gold items of one JSONL file; a malformed line or a repeated id is an error naming the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GovqaError(f"cannot read the question set: {exc.strerror or exc}", path) from exc
    items, seen = [], set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = GoldItem.model_validate_json(line)
        except ValidationError as exc:
            raise GovqaError(f"line {number}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}", path) from exc
        if item.id in seen:
            raise GovqaError(f"line {number}: id {item.id!r} used twice", path)
        seen.add(item.id)
        items.append(item)
    return items


class EvalConfig(BaseModel):
    """One configuration of the bot: a retrieval mode and whether the chat model is used."""

    name: str
    retrieval: RetrievalMode
    llm_model: str | None

    def settings(self, base: Settings) -> Settings:
        settings = base.model_copy(deep=True)
        settings.index.retrieval = self.retrieval
        settings.bot.llm_model = self.llm_model
        return settings


def _is_mode(part: str) -> TypeGuard[RetrievalMode]:
    return part in RETRIEVAL_MODES


def configurations(names: list[str] | None, settings: Settings) -> list[EvalConfig]:
    """Configurations from names such as `dense`, `fused`, `llm`, `nollm` or `dense+nollm`;
    default: the configured one."""
    configs = []
    for name in names or [settings.index.retrieval]:
        retrieval, llm = settings.index.retrieval, settings.bot.llm_model
        for part in name.split("+"):
            if _is_mode(part):
                retrieval = part
            elif part == "nollm":
                llm = None
            elif part == "llm":
                if not settings.bot.llm_model:
                    raise GovqaError("'llm' needs a chat model: set GOVQA_BOT__LLM_MODEL (and its endpoint)")
            else:
                raise GovqaError(f"unknown configuration {part!r}: use {', '.join(RETRIEVAL_MODES)}, llm or nollm")
        configs.append(EvalConfig(name=name, retrieval=retrieval, llm_model=llm))
    return configs


class Thresholds(BaseModel):
    """Lowest acceptable score (0–1) per category and metric, per facet (an item's finer label: the operation
    of a derived question), and the most confidently wrong answers a set may have; see eval/README.md."""

    comment: str = ""
    categories: dict[str, dict[Metric, float]]
    facets: dict[str, dict[Metric, float]] = Field(default_factory=dict)
    max_confidently_wrong: dict[str, int] = Field(
        default_factory=dict, description="Per set (file stem, e.g. derived): the most confidently wrong answers."
    )


def load_thresholds(path: Path = DEFAULT_THRESHOLDS) -> Thresholds:
    try:
        return Thresholds.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GovqaError(f"cannot read the thresholds: {exc.strerror or exc}", path) from exc
    except ValidationError as exc:
        raise GovqaError(f"bad thresholds file: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}", path) from exc


# ---------------------------------------------------------------------------------------------- results
class CategoryScore(BaseModel):
    category: str
    n: int
    answer: float
    answer_citation: float
    route: float
    recall_at_k: float | None = Field(None, description="Over the category's narrative questions; None if none.")
    open_recall_at_k: float | None = None
    n_recall: int = 0

    def metric(self, name: str) -> float | None:
        return getattr(self, name)


class RouteLatency(BaseModel):
    route: str
    n: int
    p50_ms: float
    p95_ms: float


class ThresholdMiss(BaseModel):
    config: str
    category: str
    metric: str
    measured: float | None
    threshold: float

    def __str__(self) -> str:
        if self.metric == "confidently_wrong":
            return f"{self.category}: {self.measured:.0f} confidently wrong answer(s) > {self.threshold:.0f}"
        measured = "not measured" if self.measured is None else f"{self.measured:.1%}"
        return f"{self.category}: {METRIC_LABELS[self.metric]} {measured} < {self.threshold:.1%}"


class RunResult(BaseModel):
    config: EvalConfig
    items: list[ItemScore]
    categories: list[CategoryScore]
    facets: list[CategoryScore] = Field(default_factory=list, description="Per facet of the items that have one.")
    confidently_wrong: dict[str, int] = Field(default_factory=dict, description="Per set: confidently wrong answers.")
    overall: CategoryScore
    latency: list[RouteLatency]
    elapsed_s: float


class EvalReport(BaseModel):
    created: str
    sets: list[str]
    data_dir: str
    runs: list[RunResult]
    threshold_misses: list[ThresholdMiss] = Field(default_factory=list)
    checked_config: str | None = Field(None, description="The configuration the thresholds were checked on.")


# ---------------------------------------------------------------------------------------------- running
def _share(a: float, b: int) -> float:
    return a / b if b else 0.0


def category_score(category: str, scores: list[ItemScore]) -> CategoryScore:
    n = len(scores)
    recalls = [s.recall_at_k for s in scores if s.recall_at_k is not None]
    opens = [s.open_recall_at_k for s in scores if s.open_recall_at_k is not None]
    return CategoryScore(
        category=category,
        n=n,
        answer=_share(sum(s.answer_correct for s in scores), n),
        answer_citation=_share(sum(s.answer_citation_correct for s in scores), n),
        route=_share(sum(s.route_correct for s in scores), n),
        recall_at_k=_share(sum(recalls), len(recalls)) if recalls else None,
        open_recall_at_k=_share(sum(opens), len(opens)) if opens else None,
        n_recall=len(recalls),
    )


def aggregate(scores: list[ItemScore]) -> tuple[list[CategoryScore], CategoryScore]:
    """Per category, in the order categories first appear, and over every item."""
    by_category: dict[str, list[ItemScore]] = {}
    for s in scores:
        by_category.setdefault(s.category, []).append(s)
    return [category_score(c, items) for c, items in by_category.items()], category_score("all", scores)


def facet_scores(scores: list[ItemScore]) -> list[CategoryScore]:
    """Per facet (in the order facets first appear), over the items that have one."""
    by_facet: dict[str, list[ItemScore]] = {}
    for s in scores:
        if s.facet:
            by_facet.setdefault(s.facet, []).append(s)
    return [category_score(f, items) for f, items in by_facet.items()]


def route_latencies(scores: list[ItemScore]) -> list[RouteLatency]:
    by_route: dict[str, list[float]] = {}
    for s in scores:
        by_route.setdefault(s.route, []).append(s.latency_ms)
    return [
        RouteLatency(route=r, n=len(v), p50_ms=float(np.percentile(v, 50)), p95_ms=float(np.percentile(v, 95)))
        for r, v in sorted(by_route.items())
    ]


class EvalHarness:
    """Runs gold items through QuestionAnswerer.ask for one or more configurations over one data dir."""

    def __init__(self, settings: Settings, k: int = RECALL_K, progress: bool = True):
        self.settings = settings
        self.k = k
        self.progress = progress
        self.store = FactStore.from_settings(settings, read_only=True)
        try:
            if not self.store.counts().get("reports"):
                raise StoreError("no reports in the fact store: run `govqa ingest` first", settings.data_dir)
            # One index (one embedding model in memory) for every configuration: the mode is a search argument.
            self.index = SectionIndex(settings, Embedder(settings.index), facts=self.store)
        except GovqaError:
            self.store.close()
            raise

    def close(self) -> None:
        self.store.close()

    def answerer(self, config: EvalConfig) -> QuestionAnswerer:
        """The QuestionAnswerer the CLI builds for these settings, sharing this harness's store and index;
        warmed up so that loading the model and jieba is not counted as the first question's latency."""
        qa = QuestionAnswerer(config.settings(self.settings), store=self.store, index=self.index)
        qa.warm_up()
        return qa

    def run(self, items: list[GoldItem], config: EvalConfig, sets: dict[str, str] | None = None) -> RunResult:
        """sets: item id → the set (file stem) it came from, for the confidently-wrong count per set."""
        started = time.perf_counter()
        qa = self.answerer(config)
        scores = []
        for item in tqdm(items, desc=config.name, unit="q", disable=not self.progress):
            answer, latency_ms = self._ask(qa, item.question)
            retrieved, open_retrieved = self._retrieve(item, answer, config.retrieval)
            scores.append(score_item(item, answer, latency_ms, retrieved, open_retrieved, self.k))
        categories, overall = aggregate(scores)
        by_set: dict[str, int] = {}
        for score in scores:
            name = (sets or {}).get(score.id, "all")
            by_set[name] = by_set.get(name, 0) + score.confidently_wrong
        return RunResult(
            config=config,
            items=scores,
            categories=categories,
            overall=overall,
            facets=facet_scores(scores),
            confidently_wrong=by_set,
            latency=route_latencies(scores),
            elapsed_s=time.perf_counter() - started,
        )

    @staticmethod
    def _ask(qa: QuestionAnswerer, question: str) -> tuple[Answer, float]:
        started = time.perf_counter()
        try:
            answer = qa.ask(question)
        except Exception as exc:  # noqa: BLE001 — one crashing question must not hide the other scores;
            # it is recorded (and scored wrong) with the exception, and logged with its traceback.
            log.exception("question failed: %s", question)
            answer = Answer(question=question, status="error", route="error", answer=f"{type(exc).__name__}: {exc}")
        return answer, (time.perf_counter() - started) * 1000

    def _retrieve(
        self, item: GoldItem, answer: Answer, mode: RetrievalMode
    ) -> tuple[list[Chunk] | None, list[Chunk] | None]:
        """For narrative questions: the top-k chunks with the bot's office/year filters, and without any."""
        if not item.wants_retrieval_recall:
            return None, None
        plan = answer.plan
        orgs = (plan.offices or None) if plan else None
        years = (plan.years or None) if plan else None
        filtered = self.index.search(item.question, orgs=orgs, years=years, k=self.k, mode=mode)
        unfiltered = self.index.search(item.question, k=self.k, mode=mode)
        return [h.chunk for h in filtered], [h.chunk for h in unfiltered]


def check_thresholds(run: RunResult, thresholds: Thresholds) -> list[ThresholdMiss]:
    """Every (category, metric) of the run below its threshold; categories absent from the run are skipped."""
    misses = []
    for scored, floors_by_name, prefix in (
        (run.categories, thresholds.categories, ""),
        (run.facets, thresholds.facets, "facet "),
    ):
        measured = {c.category: c for c in scored}
        for name, floors in floors_by_name.items():
            if name not in measured:
                continue
            for metric, floor in floors.items():
                value = measured[name].metric(metric)
                if value is None or value < floor - 1e-9:
                    misses.append(
                        ThresholdMiss(
                            config=run.config.name,
                            category=prefix + name,
                            metric=metric,
                            measured=value,
                            threshold=floor,
                        )
                    )
    for name, most in thresholds.max_confidently_wrong.items():
        found = run.confidently_wrong.get(name)
        if found is not None and found > most:
            misses.append(
                ThresholdMiss(
                    config=run.config.name,
                    category=f"set {name}",
                    metric="confidently_wrong",
                    measured=found,
                    threshold=most,
                )
            )
    return misses


def checked_run(runs: list[RunResult], settings: Settings) -> RunResult:
    """The run thresholds apply to: the configured retrieval mode if it ran, else the first."""
    return next((r for r in runs if r.config.name == settings.index.retrieval), runs[0])


def evaluate(
    settings: Settings,
    sets: list[Path],
    config_names: list[str] | None = None,
    thresholds: Thresholds | None = None,
    progress: bool = True,
) -> EvalReport:
    """Load the sets, run every configuration, and check the thresholds (when given) on the checked run."""
    loaded = [(path, load_set(path)) for path in sets]
    items = [item for _, set_items in loaded for item in set_items]
    set_of = {item.id: path.stem for path, set_items in loaded for item in set_items}
    configs = configurations(config_names, settings)
    harness = EvalHarness(settings, progress=progress)
    try:
        runs = [harness.run(items, config, set_of) for config in configs]
    finally:
        harness.close()
    report = EvalReport(
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        sets=[str(p) for p in sets],
        data_dir=str(settings.data_dir),
        runs=runs,
    )
    if thresholds is not None:
        checked = checked_run(runs, settings)
        report.checked_config = checked.config.name
        report.threshold_misses = check_thresholds(checked, thresholds)
    return report


# ---------------------------------------------------------------------------------------------- reporting
def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: list[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


SUMMARY_METRICS = ("answer", "answer_citation", "route", "recall_at_k", "open_recall_at_k")
COMPARE_METRICS = ("answer_citation", "recall_at_k", "open_recall_at_k")  # what differs between configurations


def summary_table(runs: list[RunResult], metrics: Iterable[str] = SUMMARY_METRICS) -> str:
    """Categories down, metrics across; with several runs every metric gets one column per configuration."""
    several = len(runs) > 1
    metrics = list(metrics)
    headers = ["category", "n"] + [
        f"{METRIC_LABELS[m]} ({r.config.name})" if several else METRIC_LABELS[m] for m in metrics for r in runs
    ]
    rows = []
    for i, first in enumerate(runs[0].categories + [runs[0].overall]):
        per_run = [(r.categories + [r.overall])[i] for r in runs]
        rows.append([first.category, first.n] + [_pct(c.metric(m)) for m in metrics for c in per_run])
    return markdown_table(headers, rows)


def latency_table(runs: list[RunResult]) -> str:
    rows = [
        [r.config.name, lat.route, lat.n, f"{lat.p50_ms:.0f}", f"{lat.p95_ms:.0f}"] for r in runs for lat in r.latency
    ]
    return markdown_table(["config", "route", "n", "p50 ms", "p95 ms"], rows)


def failures(run: RunResult) -> list[ItemScore]:
    """Items with any part wrong: wrong answers first, then wrong citations, then wrong routes."""
    wrong = [s for s in run.items if not (s.answer_citation_correct and s.route_correct)]
    return sorted(wrong, key=lambda s: (s.answer_correct, s.citation_correct is not False, s.route_correct))


def failure_table(run: RunResult, limit: int | None = None) -> str:
    rows = [[s.id, s.question, s.expected, s.got, "; ".join(s.reasons)] for s in failures(run)[:limit]]
    return markdown_table(["id", "question", "expected", "got", "why"], rows)


def markdown_report(report: EvalReport) -> str:
    parts = [
        "# govqa evaluation",
        "",
        f"- created: {report.created}",
        f"- sets: {', '.join(report.sets)}",
        f"- data dir: {report.data_dir}",
        "- configurations: "
        + "; ".join(
            f"{r.config.name} (retrieval={r.config.retrieval}, llm={r.config.llm_model or 'none'}, "
            f"{len(r.items)} questions in {r.elapsed_s:.0f} s)"
            for r in report.runs
        ),
        "",
        "## Scores by category",
        "",
        summary_table(report.runs),
        "",
        f"recall@{RECALL_K}: a top-{RECALL_K} chunk (searched with the bot's office/year filters) is from the gold "
        "report and section; open recall: the same search without filters. Both only for narrative questions.",
        "",
        "## Latency by route",
        "",
        latency_table(report.runs),
        "",
    ]
    parts += facet_section(report.runs)
    if report.checked_config is not None:
        parts += [f"## Thresholds (checked on {report.checked_config})", ""]
        parts += [f"- BELOW: {m}" for m in report.threshold_misses] or ["Every category meets its threshold."]
        parts.append("")
    for run in report.runs:
        wrong = failures(run)
        parts += [f"## Failures: {run.config.name} ({len(wrong)} of {len(run.items)})", "", failure_table(run), ""]
    return "\n".join(parts)


def facet_section(runs: list[RunResult]) -> list[str]:
    """Accuracy per facet (the operation of a derived question …) and confidently wrong answers per set."""
    parts = []
    if any(r.facets for r in runs):
        rows = [
            [f.category, f.n, _pct(f.answer), _pct(f.answer_citation), r.config.name] for r in runs for f in r.facets
        ]
        parts += ["## Scores by facet", "", markdown_table(["facet", "n", "answer", "answer+cite", "config"], rows), ""]
    rows = [[name, count, r.config.name] for r in runs for name, count in r.confidently_wrong.items()]
    parts += [
        "## Confidently wrong answers (answered with a wrong value, or where not_found was due)",
        "",
        markdown_table(["set", "confidently wrong", "config"], rows),
        "",
    ]
    return parts


def write_reports(report: EvalReport, out: Path) -> tuple[Path, Path]:
    """report.md and report.json in `out` (created if needed)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        md, js = out / "report.md", out / "report.json"
        md.write_text(markdown_report(report), encoding="utf-8")
        js.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    except OSError as exc:
        raise GovqaError(f"cannot write the eval report: {exc.strerror or exc}", out) from exc
    return md, js


def console_summary(report: EvalReport, worst: int = 10) -> str:
    """What `govqa eval` prints: the category table, latency, the worst failures, the threshold check."""
    metrics = COMPARE_METRICS if len(report.runs) > 1 else SUMMARY_METRICS
    parts = [summary_table(report.runs, metrics), "", latency_table(report.runs), ""] + facet_section(report.runs)
    for run in report.runs:
        parts += ["", f"worst failures ({run.config.name}):", failure_table(run, worst)]
    if report.checked_config is not None:
        parts.append("")
        parts += [f"BELOW THRESHOLD ({report.checked_config}) {m}" for m in report.threshold_misses] or [
            f"every category meets its threshold ({report.checked_config})"
        ]
    return "\n".join(parts)
