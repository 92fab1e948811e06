"""The access chokepoints for flags, ruptures and feedback: the therapist changes, the supervisor
reads, everyone else gets a 404."""

from __future__ import annotations

import pytest
from django.http import Http404

from alliance.measures.models import MeasureResponse
from alliance.signals.access import get_flag_for_user, get_response_for_user, get_rupture_for_user
from alliance.signals.tests.helpers.clinic import checkin, feedback, made_flag, made_rupture
from alliance.testing.queries import answer_due_forms

OUTSIDERS = ("olga", "alex", "eve", "chris", "casey")


@pytest.fixture
def chris_signals(personas):
    return {
        get_flag_for_user: made_flag(personas.chris_episode).pk,
        get_rupture_for_user: made_rupture(personas.chris_episode).pk,
        get_response_for_user: feedback(personas.chris_episode).pk,
    }


def test_the_therapist_reads_and_changes(personas, chris_signals):
    for fetch, pk in chris_signals.items():
        assert fetch(personas.dana, pk).pk == pk
        assert fetch(personas.dana, pk, for_change=True).pk == pk


def test_the_supervisor_only_reads(personas, chris_signals):
    for fetch, pk in chris_signals.items():
        assert fetch(personas.sam, pk).pk == pk
        with pytest.raises(Http404):
            fetch(personas.sam, pk, for_change=True)


@pytest.mark.parametrize("name", OUTSIDERS)
def test_nobody_else(personas, chris_signals, name):
    user = personas.by_name(name)
    for fetch, pk in chris_signals.items():
        for for_change in (False, True):
            with pytest.raises(Http404):
                fetch(user, pk, for_change=for_change)


def test_a_deactivated_therapist_sees_nothing(personas, chris_signals):
    personas.dana.is_active = False
    personas.dana.save(update_fields=["is_active"])
    for fetch, pk in chris_signals.items():
        with pytest.raises(Http404):
            fetch(personas.dana, pk)


def test_missing_rows_are_404_too(personas):
    for fetch in (get_flag_for_user, get_rupture_for_user, get_response_for_user):
        with pytest.raises(Http404):
            fetch(personas.dana, 987_654)


def test_only_a_client_answer_with_words_is_feedback(personas):
    silent = checkin(personas.chris_episode, 36)
    with pytest.raises(Http404):
        get_response_for_user(personas.dana, silent.pk)
    answer_due_forms(personas.chris_episode)  # includes dana's own self-rating
    own = MeasureResponse.objects.filter(respondent_role="therapist").first()
    assert own is not None
    with pytest.raises(Http404):
        get_response_for_user(personas.dana, own.pk)
