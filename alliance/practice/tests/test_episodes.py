from django.utils import timezone


def test_an_episode_started_in_the_past_starts_its_phase_history_that_day(personas):
    first_change = personas.chris_episode.phase_changes.get()
    assert timezone.localtime(first_change.changed_at).date() == personas.chris_episode.started_on
