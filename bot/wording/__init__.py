"""Everything govqa says to a reader, in one package: the answerers (bot/tables.py, bot/calculator.py,
bot/narrative.py, bot/service.py) and the web page (web/) hand it facts and it writes the words.

- answers.py: AnswerWriter, the sentences of every answer kind in the question's language, and the
  numbered citations of one answer;
- page.py: the WORDING table, every text of the web page (and the answer sentences kept as templates) in
  Chinese and English, with `say` (the reader's language) and `both` (a bilingual page label);
- labels.py: figures, units, row labels, table-cell citations and the rule names as a reader sees them.

A new phrasing or a new language's sentence is written here and nowhere else.
"""

from bot.wording.answers import AnswerWriter, CitationList
from bot.wording.labels import (
    OPERATION_WORDS,
    TABLE_SECTION,
    fact_citation,
    fmt,
    rule_detail,
    rule_text,
    strip_enumerator,
    unit_of,
)
from bot.wording.page import WORDING, both, say

__all__ = [
    "OPERATION_WORDS",
    "TABLE_SECTION",
    "WORDING",
    "AnswerWriter",
    "CitationList",
    "both",
    "fact_citation",
    "fmt",
    "rule_detail",
    "rule_text",
    "say",
    "strip_enumerator",
    "unit_of",
]
