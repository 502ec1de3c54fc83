"""`govqa ask`: one question (text or --json), or --jsonl questions on stdin → JSON Lines on stdout.

A --jsonl line is a question, or {"conversation": "ID", "question": "..."}: the lines of one id are one
conversation in order (follow-ups lean on its earlier questions); ids may interleave."""

import argparse
import io
import json
import sys

from govqa.errors import GovqaError
from govqa.settings import Settings


def _error_answer(question: str, reason: str):
    from bot.models import Answer

    return Answer(question=question, status="error", route="none", answer=reason)


def format_answer(answer) -> str:
    """The answer text, then its numbered citations."""
    lines = [answer.answer]
    if answer.candidates:
        lines += ["", *[f"? {c}" for c in answer.candidates]]
    if answer.citations:
        lines.append("")
        for i, c in enumerate(answer.citations, 1):
            where = f"{c.org} {c.year or ''} · {c.section} · {c.locator}".strip()
            lines.append(f"[{i}] {c.title} — {where}: “{c.quote}”")
    lines.append(f"({answer.status}, {answer.route}, {answer.elapsed_ms:.0f} ms)")
    return "\n".join(lines)


def _answer(bot, question: str, history: list[str] | None = None):
    try:
        return bot.ask(question, history=history)
    except GovqaError as exc:
        return _error_answer(question, exc.reason)


def read_line(line: str) -> tuple[str | None, str]:
    """(conversation id, question): a JSON object {"conversation": "ID", "question": "..."} is one turn of
    that conversation; any other line is an independent question."""
    text = line.strip()
    if text.startswith("{"):
        try:
            turn = json.loads(text)
        except json.JSONDecodeError:
            return None, text
        if isinstance(turn, dict) and isinstance(turn.get("question"), str):
            conversation = turn.get("conversation")
            return (None if conversation is None else str(conversation)), turn["question"]
    return None, text


def _run_jsonl(bot, out) -> int:
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    conversations: dict[str, list[str]] = {}  # id → its earlier questions, oldest first (ids may interleave)
    for line in stdin:
        conversation, question = read_line(line)
        if not question.strip():
            continue
        history = conversations.setdefault(conversation, []) if conversation is not None else None
        try:
            answer = _answer(bot, question, list(history) if history else None)
        except Exception as exc:  # one bad question must not end the batch; it is reported in its own line
            answer = _error_answer(question, f"internal error: {type(exc).__name__}: {exc}")
        if history is not None:
            history.append(question)
        record = answer.contract()
        if conversation is not None:
            record["conversation"] = conversation
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    if not args.jsonl and not args.question:
        print("govqa ask: give a question, or --jsonl to read questions from stdin", file=sys.stderr)
        return 2
    try:
        from bot.service import QuestionAnswerer

        bot = QuestionAnswerer.from_settings(settings)
    except GovqaError as exc:
        if args.jsonl or args.json:
            out.write(json.dumps(_error_answer(args.question or "", exc.reason).contract(), ensure_ascii=False) + "\n")
        else:
            print(f"govqa ask: {exc}", file=sys.stderr)
        return 1
    if args.jsonl:
        return _run_jsonl(bot, out)
    answer = _answer(bot, args.question)
    if args.json:
        out.write(json.dumps(answer.contract(), ensure_ascii=False) + "\n")
    else:
        out.write(format_answer(answer) + "\n")
    return 0 if answer.status != "error" else 1
