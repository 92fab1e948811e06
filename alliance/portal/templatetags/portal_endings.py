"""``{% endings_shared client as endings %}``: the client's ended episodes with an ending
summary, newest first (one query), for the portal home without widening its view."""

from __future__ import annotations

from django import template

from alliance.practice.models import CareEpisode, Client, EpisodeStatus

register = template.Library()


@register.simple_tag
def endings_shared(client: Client) -> list[CareEpisode]:
    return [
        episode
        for episode in CareEpisode.objects.filter(client=client, status=EpisodeStatus.ENDED)
        .select_related("therapist__user")
        .order_by("-ended_on", "-pk")
        if episode.ending_summary
    ]
