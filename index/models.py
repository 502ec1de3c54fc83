"""Typed records that index/ hands to bot/ and app.py."""

from typing import Literal

from pydantic import BaseModel, Field

from parsers.models import Number


class Chunk(BaseModel):
    chunk_id: str = Field(description="report_id + section number + part index.")
    report_id: str
    org: str
    year: int | None
    title: str
    section_number: str = Field(description="一…六 or （一）…; '' for text before the first heading.")
    section_heading: str
    kind: Literal["narrative", "table"] = "narrative"
    text: str = Field(description="The passage as printed (no context prefix).")
    span: tuple[int, int] = Field(description="Character span of the passage in the report text.")


class ScoredChunk(BaseModel):
    chunk: Chunk
    score: float = Field(description="Fused (RRF) or single-retriever score; higher is better.")
    dense_rank: int | None = None
    lexical_rank: int | None = None


class OfficeRecord(BaseModel):
    """One issuing office with every name people use for it: what lets 'Yichuan' find 伊川县人民政府."""

    org: str = Field(description="Full name, e.g. 伊川县人民政府.")
    aliases: list[str] = Field(default_factory=list, description="Short forms: 伊川县, 伊川.")
    pinyin: list[str] = Field(default_factory=list, description="Lower-case pinyin forms: yichuan, yichuan county.")
    region: list[str] = Field(default_factory=list, description="Region chain: province, city, county.")
    is_government: bool = Field(description="The region's own government (人民政府/管委会 or its 办公室).")
    years: list[int] = Field(default_factory=list)


class ReportRecord(BaseModel):
    report_id: str
    org: str
    year: int | None
    template: str
    title: str
    sources: list[str]
    region: list[str] = Field(default_factory=list)
    checks_failed: list[str] = Field(default_factory=list, description="Rules the report breaks.")
    warnings: list[str] = Field(default_factory=list)
    n_facts: int = 0


class FactRecord(BaseModel):
    report_id: str
    org: str
    year: int | None
    title: str
    key: str
    table: str
    row: str
    col: str
    value: Number | None
    raw: str
    label: str
    col_label: str
    status: str
    candidates: list[Number] = Field(default_factory=list)
    span: tuple[int, int] | None = None
    line: int | None = None
