"""``{{ text|crisis_text }}``: a crisis procedure as paragraphs, its phone numbers tap-to-call.

The crisis section of an agreement is free text a practice writes ("call 116 123 (Samaritans)",
"the practice's line is 0300 000 0000"). On a phone, a number someone in crisis has to copy by
hand is a number they may not call: every phone number becomes a ``tel:`` link.
"""

from __future__ import annotations

import re

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# A phone number: an optional +, then digits in groups separated by single spaces or hyphens,
# at least three digits in all ("999", "116 123", "0300 000 0000", "+44 20 7946 0000"). Not
# an amount (£60), a time span (24 hours, 7 days, 50 minutes), a share (5 %) or part of a word.
PHONE = re.compile(
    r"(?<![\w£$€.,/+-])(\+?\d(?:[ -]?\d){2,15})(?![\w%£$€]|[.,]\d| ?%"
    r"| (?:hours?|days?|minutes?|weeks?|months?|years?|sessions?|times?)\b)"
)


def tel_links(text: str) -> str:
    """``text`` escaped, with each phone number wrapped in a ``tel:`` link (HTML)."""
    pieces: list[str] = []
    last = 0
    for found in PHONE.finditer(text):
        number = found.group(1)
        pieces.append(str(escape(text[last : found.start(1)])))
        digits = re.sub(r"[ -]", "", number)
        pieces.append(f'<a class="tel" href="tel:{digits}">{escape(number)}</a>')
        last = found.end(1)
    pieces.append(str(escape(text[last:])))
    return "".join(pieces)


@register.filter
def crisis_text(text: str) -> SafeString:
    """Paragraphs (as ``linebreaks``) whose phone numbers are ``tel:`` links."""
    return linebreaks_filter(mark_safe(tel_links(str(text or ""))), autoescape=False)  # noqa: S308 - escaped piece by piece above
