"""``{% consents_missing client as missing %}``: the kinds of consent not in force for a
client (one query), so a page can say what is not offered and why."""

from __future__ import annotations

from django import template

from alliance.practice.models import Client, Consent, ConsentKind

register = template.Library()


@register.simple_tag
def consents_missing(client: Client) -> list[ConsentKind]:
    given = set(Consent.objects.in_force().filter(client=client).values_list("kind", flat=True))
    return [ConsentKind(kind) for kind in ConsentKind.values if kind not in given]
