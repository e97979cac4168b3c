"""clean stage: boilerplate, comment-spam and markup removal that keeps an offset map back to the raw text.

``clean_text`` handles plain text and Markdown with rules kept as data (``faultlines/data/cleaning.yaml``);
``clean_html`` extracts the article from HTML with trafilatura and aligns it back to the HTML source.
"""

from faultlines.clean.html import DEFAULT_MAX_DEPTH, HtmlTooDeep, clean_html, html_depth
from faultlines.clean.result import CleanResult
from faultlines.clean.rules import CleaningRules, load_rules, rules_from_dict
from faultlines.clean.text import clean_text
from faultlines.clean.tracked import check_map

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "CleanResult",
    "CleaningRules",
    "HtmlTooDeep",
    "check_map",
    "clean_html",
    "clean_text",
    "html_depth",
    "load_rules",
    "rules_from_dict",
]
