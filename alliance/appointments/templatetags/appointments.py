from django import template

from alliance.appointments.consistency import Consistency

register = template.Library()


@register.filter
def of_episode(figures: dict[int, Consistency], episode_id: int) -> Consistency | None:
    """``consistency|of_episode:episode.pk``: one episode's figures from the client page's map."""
    return figures.get(episode_id)
