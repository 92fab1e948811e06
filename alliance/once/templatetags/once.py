"""``{% form_keys %}`` in every POST form: the CSRF token and a fresh submission key.

The key is new each time the form is drawn, so two sends of one drawn form (a double click, a
retry) carry the same key and are stored once (``alliance.once.decorators``), while filling in
the form again is a new submission."""

from __future__ import annotations

import uuid

from django import template
from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.safestring import SafeString

from alliance.once.decorators import ONCE_FIELD

register = template.Library()


@register.simple_tag(takes_context=True)
def form_keys(context: template.Context) -> SafeString:
    request = context.get("request")
    csrf = get_token(request) if request is not None else context.get("csrf_token", "")
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="{}" value="{}">',
        csrf,
        ONCE_FIELD,
        uuid.uuid4(),
    )
