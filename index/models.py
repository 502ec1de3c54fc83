"""Typed records that index/ hands to bot/ and app.py."""

from typing import Literal

from pydantic import BaseModel, Field

from parsers.models import FactStatus, Number, TableKey, TemplateVersion, quality_key


class Chunk(BaseModel):
    chunk_id: str = Field(description="report_id + section number + part index.")
    report_id: str
    org: str
    year: int | None
    title: str
    section_number: str = Field(description="一…六 or （一）…; '' for text before the first heading.")
    section_heading: str
    section_parent: str | None = Field(None, description="For a （一） sub-section, the number of its 一、 section.")
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
    template: TemplateVersion
    title: str
    sources: list[str]
    region: list[str] = Field(default_factory=list)
    checks_failed: list[str] = Field(default_factory=list, description="Rules the report breaks.")
    warnings: list[str] = Field(default_factory=list)
    n_facts: int = 0
    n_ambiguous: int = Field(0, description="Facts whose cell could be read more than one way.")
    n_missing: int = Field(0, description="Template cells the parser could not find.")

    @property
    def parse_quality(self) -> tuple[int, int]:
        """Sort key of competing parses of one report, the same as Report.parse_quality."""
        return quality_key(self.n_ambiguous + self.n_missing, self.n_facts)


class SourceFile(BaseModel):
    """One ingested file: the path as given, the sha256 of its bytes and the report it was recorded under."""

    source: str
    sha256: str
    report_id: str | None = None


class FactRecord(BaseModel):
    report_id: str
    org: str
    year: int | None
    title: str
    key: str
    table: TableKey
    row: str
    col: str
    value: Number | None
    raw: str
    label: str
    col_label: str
    status: FactStatus
    candidates: list[Number] = Field(default_factory=list)
    span: tuple[int, int] | None = None
    line: int | None = None
