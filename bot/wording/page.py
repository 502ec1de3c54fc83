"""Every text of the web page, and the answer sentences kept as templates, in Chinese and English."""

# ---------------------------------------------------------------------------- what the web page says
# Every text of the web page, (Chinese, English). An answer's card follows the question's language (`say`);
# page labels show both (`both`). tests/test_wording.py walks every entry in both languages.
WORDING: dict[str, tuple[str, str]] = {
    # ---- answers from the reports' text (bot/narrative.py)
    "text.not_found": ("报告正文中未找到。", "not found in the report's text."),
    "text.figure": ("{value}；", "{value}: "),
    "text.intro": ("报告正文中的相关表述：", "What the reports' text says:"),
    "text.total_missing": (
        "缺少{missing}的数字（没有报告，或报告正文未写明），不计算合计或平均。",
        "No figure for {missing} (no report, or its text does not state it): no total or average is given.",
    ),
    "text.total_units": (
        "各报告的数字单位不同，不计算合计或平均。",
        "The reports state the figure in different units: no total or average is given.",
    ),
    "cite.chars": ("第{start}–{end}字", "chars {start}–{end}"),
    "cite.title": ("报告标题", "report title"),
    "cite.check": ("勾稽关系核对", "consistency check"),
    "text.plans_in_earlier": (
        "{year}年的工作打算写在{earlier}年度报告中：",
        "Plans for {year} are in the {earlier} report:",
    ),
    "text.only_department": (
        "{region}没有政府本级报告，以下来自{office}的报告：",
        "There is no government report of {region}; this is from the report of {office}:",
    ),
    "text.from_text": (
        "表格中没有该项数据，以下数字摘自报告正文：",
        "The tables hold no such figure; this number is quoted from the report's text:",
    ),
    "scope.stored_reports": ("现有报告", "the stored reports"),
    # ---- how the bot read a question ("Read as: …")
    "reading.every_office": ("所有单位", "every office"),
    "reading.all_reports": ("所有报告", "all reports"),
    "reading.text": ("报告正文", "the reports' text"),
    "reading.every_year": ("各年", "every year"),
    "scope.what_was_asked": ("所问内容", "what was asked"),
    # ---- table answers (bot/tables.py)
    "table.compared": ("{measure}对比：", "{measure} compared:"),
    "table.blank_note": ("（空白）", " (blank)"),
    "mention.unnamed": ("该问题", "?"),
    "table.no_figure": ("{office}的报告中没有该项表格数据。", "{office} has no table figure for it."),
    "table.text_instead": ("表格无此项，正文：“{quote}”（{figure}）", "no table; the text says “{quote}” ({figure})"),
    "table.years_without_figure": ("报告年份：{years}（无相关表格数据）", "reports: {years} (no table figure)"),
    "list.none": ("没有符合条件的报告。", "No report matches."),
    "list.head": ("共{reports}份报告（{offices}个机关）：", "{reports} report(s) from {offices} office(s):"),
    "list.more": (
        "……另有{more}个机关的报告未列出（网页的“{tab}”页列出全部）。",
        "… and {more} more office(s), not listed here (the web app's {tab} tab lists all).",
    ),
    "list.unit": ("份", "reports"),
    "check.none": ("没有可核对表格的报告。", "No report with tables to check."),
    "check.broken": (
        "- {where}：{n}条勾稽关系不成立[{ref}]：{quote}。",
        "- {where}: {n} rule(s) broken [{ref}]: {quote}.",
    ),
    "check.all_hold": ("- {where}：表格勾稽关系全部成立。", "- {where}: every consistency rule holds."),
    # answer cards
    "status.answered": ("回答", "Answer"),
    "status.not_found": ("库中报告未找到", "Not found in the ingested reports"),
    "status.ambiguous": ("问题有歧义——请在下面选择", "Ambiguous question — pick one below"),
    "status.error": ("出错", "Error"),
    "status.help": ("使用帮助", "Help"),
    "route.sql": ("来自报告表格", "from the report tables"),
    "route.retrieval": ("来自报告正文", "from the report text"),
    "seconds": ("{s:.2f} 秒", "{s:.2f} s"),
    "sources": ("来源（{n}）——点击来源查看报告原文", "Sources ({n}) — click a source to see it in the report"),
    "show_context": ("▸ 查看上下文", "▸ show context"),
    "hide_context": ("▾ 收起上下文", "▾ hide context"),
    "whole_row": ("该行原文：{label}", "The whole row as printed: {label}"),
    "section_as_printed": ("第{title}节原文", "Section {title} as printed"),
    "section_full": ("第{title}节全文（已标出所引段落）", "Section {title} — full text, the quoted passage marked"),
    "report": ("报告：{title}", "Report: {title}"),
    "year": ("{year}年", "{year}"),
    "year_unknown": ("年份未知", "year unknown"),
    "context_unavailable": ("报告原文无法读取：{reason}", "report text unavailable: {reason}"),
    "could_not_render": ("（来源无法显示：{reason}）", "(could not render the sources: {reason})"),
    "still_loading": (
        "报告库仍在加载（{done}/{total}个文件），加载完成后可再问一次。",
        "The report collection is still loading ({done}/{total} files); ask again when it is done.",
    ),
    "working": ("正在报告中查找…", "Looking it up in the reports…"),
    "working_title": ("处理中…", "Working…"),
    "chart_years": ("年份", "year"),
    "chart_labels": ("单位", "office"),
    "chart_value": ("数值", "value"),
    # cells, checks and report pages
    "cell_blank": ("（空白）", "(blank)"),
    "cell_missing": ("未找到", "not found"),
    "no_tables": ("无表格", "no tables"),
    "checks_failed": ("✗ {failed}条不成立 · {passed}条成立", "✗ {failed} FAILED · {passed} hold"),
    "checks_hold": ("✓ {passed}/{total}条成立", "✓ {passed}/{total} hold"),
    "checks_unknown": (" · {unknown}条无法核对", " · {unknown} unknown"),
    "check_failed": ("✗ 不成立", "✗ failed"),
    "check_unknown": ("? 无法核对", "? not checkable"),
    "check_holds": ("✓ 成立", "✓ holds"),
    "checks_title": (
        "勾稽关系核对：{passed}条成立，{failed}条不成立，{unknown}条无法核对",
        "Consistency checks: {passed} passed, {failed} failed, {unknown} not checkable",
    ),
    "report_meta": (
        "模板 {template} · {cells}个表格单元格 · {sections}个章节",
        "template {template} · {cells} table cells · {sections} sections",
    ),
    "files": ("文件：{files}", "Files: {files}"),
    "warnings": ("提示", "Warnings"),
    "sub_sections": ("（{n}个小节）", "({n} sub-sections)"),
    "no_sections": ("该报告中没有找到编号章节。", "No numbered sections were found in this report."),
    "row_as_printed": ("行（原文）", "Row (as printed)"),
    # column headers
    "col.office": ("单位", "Office"),
    "col.year": ("年份", "Year"),
    "col.template": ("模板", "Template"),
    "col.checks": ("勾稽核对", "Checks"),
    "col.failed_rules": ("不成立的规则", "Failed rules"),
    "col.warnings": ("提示", "Warnings"),
    "col.cells": ("单元格", "Cells"),
    "col.doubtful": ("存疑", "Doubtful"),
    "col.files": ("文件", "Files"),
    "col.table": ("表", "Table"),
    "col.row": ("行（原文）", "Row (as printed)"),
    "col.column": ("列", "Column"),
    "col.value": ("数值", "Value"),
    "col.printed": ("原文", "Printed"),
    "col.status": ("状态", "Status"),
    "col.key": ("键", "Key"),
    "col.report": ("报告", "Report"),
    "col.file": ("文件", "File"),
    "col.result": ("结果", "Result"),
    "col.details": ("说明", "Details"),
    "cell_status.ok": ("正常", "ok"),
    "cell_status.blank": ("空白", "blank"),
    "cell_status.ambiguous": ("存疑", "ambiguous"),
    "cell_status.missing": ("缺失", "missing"),
    # upload results
    "result.ingested": ("已入库", "ingested"),
    "result.replaced": ("已入库（替换旧版本）", "ingested (replaced an earlier version)"),
    "result.unchanged": ("已在库中（未变化）", "already ingested (unchanged)"),
    "result.duplicate": ("与库中报告重复", "duplicate of a stored report"),
    "result.failed": ("失败", "failed"),
    # page labels (shown in both languages)
    "page.title": ("政府信息公开工作年度报告 问答", "govqa"),
    "page.intro": (
        "回答只来自已入库的报告，并注明每个数字出自哪个表格单元格或段落。",
        "Answers come only from the ingested reports, with the table cell or passage each number comes from.",
    ),
    "tab.ask": ("问答", "Ask"),
    "tab.reports": ("报告", "Reports"),
    "tab.facts": ("数据", "Facts"),
    "tab.upload": ("上传", "Upload"),
    "chat.placeholder": (
        "用中文或英文提问政府信息公开工作年度报告，可以接着追问（如“那2022年呢？”）。每个回答都注明出处。",
        (
            "Ask about the annual information-disclosure reports in Chinese or English, and ask follow-ups "
            "(“what about 2022?”). Every answer cites its source."
        ),
    ),
    "question.placeholder": (
        "例如：伊川县2020年收到多少政府信息公开申请",
        "e.g. how many requests did Pingtan get in 2024",
    ),
    "ask": ("提问", "Ask"),
    "new_chat": ("新对话", "New chat"),
    "examples": ("示例问题", "Example questions"),
    "filter": ("按单位、标题或文件名筛选", "Filter by office, title or file name"),
    "label.year": ("年份", "Year"),
    "refresh": ("刷新", "Refresh"),
    "reports_table": ("已入库的报告（点击一行打开）", "Ingested reports (click a row to open it)"),
    "open_report": ("打开报告", "Open a report"),
    "label.office": ("单位", "Office"),
    "label.metric": ("指标（可用中文或英文搜索）", "Metric (search in Chinese or English)"),
    "show_facts": ("查询数据", "Show facts"),
    "download_csv": ("下载CSV", "Download CSV"),
    "facts_count": ("{n}个表格单元格", "{n} table cells"),
    "facts_capped": ("（只显示前{cap}个，CSV包含全部）", " (showing the first {cap}; the CSV has all)"),
    "upload_intro": (
        "拖入年度报告文件（txt、md、html、htm、pdf、docx，每个不超过{mb:g} MiB），文件会立即解析、核对并建立索引。",
        (
            "Drop annual report files (txt, md, html, htm, pdf, docx; up to {mb:g} MiB each). They are parsed, "
            "checked and indexed at once; the chat can answer from them right away."
        ),
    ),
    "upload_files": ("报告文件", "Report files"),
    "ingest_files": ("导入文件", "Ingest files"),
    "upload_results": ("每个文件的结果", "Result per file"),
    "upload_first": (
        "请先选择或拖入报告文件（txt、md、html、htm、pdf、docx）。",
        "Choose or drop report files first (txt, md, html, htm, pdf, docx).",
    ),
    "upload_busy": (
        "报告库仍在加载，请加载完成后再试。",
        "The report collection is still loading; try again when it is done.",
    ),
    "upload_done": ("{ok}/{n}个文件已入库。", "{ok} of {n} files are in the collection."),
    "problem": ("出现问题：{reason}", "Problem: {reason}"),
    "all": ("全部", "All"),
    "status.counts": (
        "{reports}份报告 · {offices}个单位 · {facts}个表格单元格",
        "{reports} reports from {offices} offices · {facts} table cells",
    ),
    "status.loading": (
        "正在加载报告库：{done}/{total}个文件{current}，已加载的报告可以提问",
        "Loading the report collection: {done} / {total} files{current}; questions work on what is loaded",
    ),
    "status.text_pending": (
        "另有{n}份报告的正文仍在建立索引（表格数字已可查询，正文问题稍后可答）",
        "{n} reports are still being indexed for text questions (their table figures answer now)",
    ),
}


def say(key: str, language: str, **values) -> str:
    """One text of the page in the reader's language ('zh' or 'en')."""
    zh, en = WORDING[key]
    return (en if language == "en" else zh).format(**values)


def both(key: str, **values) -> str:
    """A page label in both languages: 'Reports 报告'."""
    zh, en = WORDING[key]
    en, zh = en.format(**values), zh.format(**values)
    return en if en == zh else f"{en} {zh}"
