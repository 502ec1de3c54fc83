"""Report detection by what a document is, and its sections, over every report of the corpus."""

import pytest

from govqa.errors import NotAReportError
from parsers.meta import looks_like_report, report_evidence
from parsers.report import ReportParser
from parsers.template import SECTION_HEADINGS
from tests.conftest import CORPUS, RAW

# Everything in the corpus folder is an annual report except the folder's own description.
NOT_REPORTS = {"SOURCES.md"}
FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in NOT_REPORTS) if CORPUS.exists() else []


@pytest.fixture(scope="module")
def parser():
    return ReportParser()


@pytest.mark.corpus
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_annual_report_in_the_corpus_is_recognised_with_its_sections(parser, path):
    report = parser.parse(path)
    top = [s.number for s in report.sections if s.level == 1]
    assert len(top) >= 3, top
    assert top == sorted(top, key="一二三四五六七八九十".index)  # numbered in order, none skipped back
    if report.template in ("v2019", "v2021"):
        assert top == list(SECTION_HEADINGS)


def test_the_corpus_folder_holds_the_reports_this_test_walks():
    assert not CORPUS.exists() or len(FILES) >= 70


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name, title",
    [
        ("fujian-pingtanxian-haiyangyuyeju_2011_pingtanarchive.txt", "平潭县海洋与渔业局2011年工作公开年度报告"),
        ("fujian-pingtanxian-renfangban_2011_pingtanarchive.txt", "平潭县人防办2011年度政府信息工作公开年度报告"),
        ("fujian-pingtanxian-weishengju_2011_pingtanarchive.txt", "平潭县卫生局2011年度政府信息公开"),
        ("fujian-pingtanxian-weishengju_2013_pingtanarchive.txt", "平潭县卫生局2013年度政府信息公开情况总结"),
        ("fujian-pingtanxian-weishengju_2013_pingtanarchive.html", "平潭县卫生局2013年度政府信息公开情况总结"),
    ],
)
def test_titles_as_offices_really_word_them_are_reports(parser, name, title):
    report = parser.parse(RAW / name)
    assert report.title == title and str(report.year) in title and report.org.startswith("平潭县")
    assert report_evidence(title, "")["title"]


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name, numbers, first_heading",
    [
        ("fujian-pingtanxian-xinfangju_2011_pingtanarchive.html", "一二三四五", "概述"),  # parts listed up front
        ("fujian-pingtanxian-xinfangju_2011_pingtanarchive.txt", "一二三四五", "概述"),
        ("fujian-pingtanxian-zhijianju_2011_pingtanarchive.txt", "二三四", "政府信息公开情况"),  # opens unnumbered
        ("fujian-pingtanxian-haiyangyuyeju_2011_pingtanarchive.html", "一二三四五", "概述"),
    ],
)
def test_sections_are_found_in_these_layouts_too(parser, name, numbers, first_heading):
    report = parser.parse(RAW / name)
    top = [s for s in report.sections if s.level == 1]
    assert "".join(s.number for s in top) == numbers and top[0].heading == first_heading
    assert all(s.text for s in top[:-1])


@pytest.mark.parametrize(
    "title, text",
    [
        ("平潭县交通局2012年政府信息公开工作年度报告", ""),  # the title alone says it
        ("平潭县卫生局2011年度政府信息公开", ""),
        (
            "通知",
            "根据《中华人民共和国政府信息公开条例》，本报告由六个部分组成。\n一、概述\n二、主动公开政府信息情况\n"
            "三、依申请公开政府信息情况",
        ),  # an odd title, but the body's wording and headings
        ("附件", "二、主动公开政府信息情况\n第二十条第（一）项\n三、收到和处理政府信息公开申请情况\n本年新收"),
    ],
)
def test_a_report_is_recognised_by_what_it_is(title, text):
    assert looks_like_report(title, text)


@pytest.mark.parametrize(
    "text, missing",
    [
        (
            "天气预报\n今天晴，明天多云。",
            ["names no 信息公开 report", "never calls itself", "no section headings", "no statistical tables"],
        ),
        (
            "关于印发《政府信息公开指南》的通知\n各科室：根据《中华人民共和国政府信息公开条例》，现印发指南。",
            ["names no 信息公开 report", "no statistical tables"],
        ),
        ("政府信息公开年报\n2021年度 2020年度 2019年度", ["names no 信息公开 report of a year", "no section headings"]),
    ],
)
def test_a_document_that_is_not_a_report_is_refused_naming_what_is_missing(text, missing):
    with pytest.raises(NotAReportError) as err:
        ReportParser().parse_text(text, "page.txt")
    message = str(err.value)
    assert "not a government information disclosure annual report" in message and "page.txt" in message
    assert all(m in message for m in missing), message
