"""The expected range on the clinician's outcome charts: where clients who started at the same
level are expected to be after as many sessions (the signals engine's band), drawn as a shaded
area along the scores, listed in the table fallback, with scores above it marked."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from alliance.measures.charts import ExpectedPoint, ExpectedRange, Point, Series, line_chart
from alliance.measures.models import MeasureResponse
from alliance.measures.progress import outcome_charts
from alliance.measures.tests.test_charts import (
    History,
    _answer,
    _figure,
    _polyline,
    _table,
    build_history,
)
from alliance.signals.catalogue import rule_set
from alliance.signals.engine import outcome_scales
from alliance.signals.expected import band_lookup
from alliance.signals.models import SignalSettings
from alliance.signals.trajectory import Band, ExpectedBands
from alliance.testing.personas import Personas

LABEL = "Expected range for clients who started at this level"
PHQ9_10 = (2, 2, 2, 1, 1, 1, 1, 0, 0)
PHQ9_14 = (2, 2, 2, 2, 2, 2, 1, 1, 0)
PHQ9_17 = (3, 3, 2, 2, 2, 2, 2, 1, 0)  # item 9 stays 0 throughout


@pytest.fixture
def history(personas: Personas) -> History:
    return build_history(personas)


def default_band(instrument_id: str, start: float, session: int) -> Band:
    band = ExpectedBands(rule_set(None), outcome_scales()).band(instrument_id, start, session)
    assert band is not None
    return band


def _polygon(figure: str) -> list[tuple[float, float]]:
    match = re.search(r'<polygon class="expected-band" points="([^"]*)"', figure)
    assert match, "no expected range"
    return [(float(x), float(y)) for x, y in (pair.split(",") for pair in match.group(1).split())]


def client_page(signed_in, personas: Personas, who: str = "dana") -> str:
    url = reverse("clinic:client", args=[personas.chris_client.pk])
    return str(signed_in(who).get(url).content.decode())


def rising_phq9(personas: Personas) -> None:
    """PHQ-9 10 before the first session, 14 and 17 before the second and third."""
    sessions = list(
        personas.chris_episode.appointments.filter(status="attended").order_by("scheduled_start")
    )
    for session, values in zip(sessions, (PHQ9_10, PHQ9_14, PHQ9_17), strict=True):
        _answer(None, "phq9", values, session.scheduled_start - timedelta(minutes=10), personas)


# --- On the client page ----------------------------------------------------------------------


def test_the_phq9_chart_shades_the_expected_range_along_the_scores(
    signed_in, personas: Personas, history: History
):
    page = client_page(signed_in, personas)
    phq9 = _figure(page, f"outcome-{personas.chris_episode.pk}-phq9")

    assert (
        f'<span class="key expected">{LABEL} (a typical course, until the practice has enough '
        "ended episodes of its own)</span>"
    ) in phq9
    area = _polygon(phq9)
    line = _polyline(phq9, "outcome")
    assert len(area) == 2 * len(line) == 6
    upper, expected = area[:3], area[3:][::-1]
    # One corner above each score's x, left to right along the top and back along the bottom.
    assert [x for x, _ in upper] == [x for x, _ in expected] == [x for x, _ in line]
    assert all(u < e for (_, u), (_, e) in zip(upper, expected, strict=True))  # upper edge higher
    assert re.search(r'<polyline class="expected-line" points="[^"]+"', phq9)
    assert "above-expected" not in phq9  # 16 → 8 → 3: well inside or below the range

    # The table: the range's upper edge at each score, from the sessions attended by then (the
    # intake PHQ-9 was answered as the first session began, the others before sessions 2, 3).
    rows = _table(phq9)
    assert rows[0] == ["Date", "PHQ-9", "Expected up to"]
    uppers = [f"{round(default_band('phq9', 16, s).upper, 1):g}" for s in (1, 1, 2)]
    assert [row[2] for row in rows[1:]] == uppers


def test_one_score_has_the_column_but_no_area(signed_in, personas: Personas, history: History):
    gad7 = _figure(client_page(signed_in, personas), f"outcome-{personas.chris_episode.pk}-gad7")

    assert "expected-band" not in gad7  # one point: nothing to shade between
    rows = _table(gad7)
    assert rows[0] == ["Date", "GAD-7", "Expected up to"]
    assert len(rows) == 2 and rows[1][2] != "—"


def test_a_client_above_the_expected_range_shows_as_such(signed_in, personas: Personas):
    rising_phq9(personas)

    phq9 = _figure(client_page(signed_in, personas), f"outcome-{personas.chris_episode.pk}-phq9")

    # 10 at the start: about 15.4 is the most expected after one session, 15 after two.
    assert default_band("phq9", 10, 1).upper > 14 and default_band("phq9", 10, 2).upper < 17
    rows = _table(phq9)
    assert [row[1] for row in rows[1:]] == [
        "10",
        "14",
        "17 (reliable deterioration; above the expected range)",
    ]
    assert phq9.count('class="dot outcome above-expected marked"') == 1
    assert "the latest is above the expected range for clients who started at this level" in phq9
    # Drawn above the area's upper edge at the same x.
    (x, y) = _polyline(phq9, "outcome")[-1]
    edge = dict(_polygon(phq9)[:3])
    assert y < edge[x]


def test_the_supervisor_sees_the_range_too(signed_in, personas: Personas, history: History):
    page = client_page(signed_in, personas, "sam")
    assert 'class="expected-band"' in _figure(page, f"outcome-{personas.chris_episode.pk}-phq9")


def test_a_practice_that_switched_the_rule_off_gets_no_range(
    signed_in, personas: Personas, history: History
):
    SignalSettings.objects.create(
        practice=personas.practice, disabled_rules=["not_on_track.below_expected"]
    )
    phq9 = _figure(client_page(signed_in, personas), f"outcome-{personas.chris_episode.pk}-phq9")

    assert "expected-band" not in phq9 and LABEL not in phq9
    assert _table(phq9)[0] == ["Date", "PHQ-9"]


def test_the_portal_charts_have_no_expected_range(signed_in, personas: Personas, history: History):
    page = signed_in("chris").get(reverse("portal:home")).content.decode()
    assert "expected-band" not in page and LABEL not in page
    assert _table(_figure(page, "my-phq9"))[0] == ["Date", "PHQ-9"]


# --- Without the database --------------------------------------------------------------------

START = datetime(2026, 1, 5, 10, tzinfo=UTC)


def test_line_chart_draws_the_range_at_its_points_times():
    at = [START + timedelta(weeks=i) for i in range(3)]
    chart = line_chart(
        chart_id="t",
        title="T",
        summary="",
        series=[
            Series(
                "PHQ-9",
                "outcome",
                tuple(Point(t, v) for t, v in zip(at, (20, 18, 15), strict=True)),
            )
        ],
        y_min=0,
        y_max=27,
        expected=ExpectedRange(
            "Expected",
            tuple(
                ExpectedPoint(t, e, u)
                for t, e, u in zip(at, (20, 17, 15), (26, 23, 21), strict=True)
            ),
        ),
    )

    corners = [tuple(map(float, pair.split(","))) for pair in chart.expected_area.split()]
    xs = [p.x for p in chart.series[0].points]
    assert [x for x, _ in corners] == xs + xs[::-1]
    assert chart.expected_line.split() == [
        f"{x:.1f},{y:.1f}" for x, y in corners[3:][::-1]
    ]  # the expected edge, left to right
    assert chart.extra_columns == ("Expected up to",)
    assert [cells for _, cells in chart.rows] == [("20", "26"), ("18", "23"), ("15", "21")]


def test_the_label_names_the_practices_own_data_when_it_is_used():
    rules = rule_set(None)
    scales = outcome_scales()
    own = {("phq9", 3): {s: (16.0 - s, 19.0 - s) for s in range(0, 31)}}
    bands = ExpectedBands(rules, scales, own)
    sessions = [START + timedelta(weeks=i) for i in range(4)]
    responses = [
        _response("phq9", 16, START - timedelta(hours=1)),  # before the first session: 0
        _response("phq9", 17, sessions[2] + timedelta(hours=1)),  # after three sessions
    ]

    (chart,) = outcome_charts("t", responses, band_lookup(bands, sessions))

    assert chart.expected_label == f"{LABEL} (from this practice's ended episodes)"
    assert [cells[-1] for _, cells in chart.rows] == ["19", "16"]
    assert chart.rows[-1][1][0] == "17 (above the expected range)"


def _response(instrument_id: str, total: float, at: datetime) -> MeasureResponse:
    return MeasureResponse(instrument_id=instrument_id, total=total, submitted_at=at)
