"""Charts and trends from stored responses: the therapist's client page, the client's portal, the
caseload's latest figures, and the geometry of ``line_chart`` itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from alliance.audit.services import Actor
from alliance.measures.charts import (
    HEIGHT,
    PAD_BOTTOM,
    PAD_TOP,
    BandSpec,
    Chart,
    Point,
    Series,
    line_chart,
)
from alliance.measures.models import FormRequest, MeasureResponse, ResponseSource
from alliance.measures.registry import get_instrument
from alliance.measures.services import submit_response
from alliance.testing.browser import PHONE
from alliance.testing.personas import Personas
from alliance.testing.queries import answer_due_forms

CHECKINS = [  # (bond, goals, approach, overall), comment: one per attended session
    ((9, 9, 8, 9), "Felt properly heard today."),
    ((8, 7, 7, 8), "Too much homework talk."),
    ((6, 5, 7, 6), "We keep circling back to work stress."),
]
SELF_RATINGS = [(10, 9, 9, 9), (10, 10, 9, 9), (10, 10, 10, 9)]  # 37, 38, 39
SELF_RATING_NOTE = "Dana's private note about the session"
PHQ9 = [  # nine answers each; item 9 stays at 0
    (2, 2, 2, 2, 2, 2, 2, 2, 0),  # 16 at intake, moderately severe
    (1, 1, 1, 1, 1, 1, 1, 1, 0),  # 8: down 8, a reliable improvement (6 or more)
    (0, 1, 0, 1, 0, 1, 0, 0, 0),  # 3
]


@dataclass(frozen=True)
class History:
    checkin_totals: list[float]
    self_rating_totals: list[float]
    phq9_totals: list[float]
    gad7_totals: list[float]


def _answer(
    form_request: FormRequest | None,
    instrument_id: str,
    values: tuple[int, ...],
    at: datetime,
    personas: Personas,
    text: str = "",
) -> MeasureResponse:
    instrument = get_instrument(instrument_id)
    answers: dict[str, object] = {
        item.link_id: value for item, value in zip(instrument.scored_items, values, strict=True)
    }
    answers |= {item.link_id: text for item in instrument.text_items}
    is_client = instrument.respondent.value == "client"
    return submit_response(
        actor=Actor(personas.chris if is_client else personas.dana),
        instrument=instrument,
        episode=personas.chris_episode,
        raw_answers=answers,
        source=ResponseSource.PORTAL if is_client else ResponseSource.CLINIC,
        form_request=form_request,
        submitted_at=at,
    ).response


def build_history(personas: Personas) -> History:
    """Three sessions answered on both sides, PHQ-9 falling from 16 to 3, GAD-7 at intake."""
    episode = personas.chris_episode
    sessions = list(
        episode.appointments.filter(status="attended").order_by("scheduled_start")
    )  # the three attended sessions of the personas
    assert len(sessions) == 3
    intake = FormRequest.objects.get(episode=episode, instrument_id="phq9")
    phq9 = [_answer(intake, "phq9", PHQ9[0], sessions[0].scheduled_start, personas)]
    for index, session in enumerate(sessions):
        after = session.scheduled_end + timedelta(hours=1)
        requests = {r.instrument_id: r for r in session.form_requests.all()}
        values, comment = CHECKINS[index]
        _answer(requests["alliance-checkin"], "alliance-checkin", values, after, personas, comment)
        _answer(
            requests["alliance-self-rating"],
            "alliance-self-rating",
            SELF_RATINGS[index],
            after + timedelta(minutes=5),
            personas,
            SELF_RATING_NOTE,
        )
        if index:  # a PHQ-9 in the waiting room before sessions two and three
            at = session.scheduled_start - timedelta(minutes=10)
            phq9.append(_answer(None, "phq9", PHQ9[index], at, personas))
    answer_due_forms(episode)  # what is left: the intake GAD-7, middle of each answer

    def totals(instrument_id: str) -> list[float]:
        return [
            r.total or 0
            for r in MeasureResponse.objects.filter(episode=episode, instrument_id=instrument_id)
            .chronological()
            .exclude(total=None)
        ]

    return History(
        totals("alliance-checkin"),
        totals("alliance-self-rating"),
        totals("phq9"),
        totals("gad7"),
    )


@pytest.fixture
def history(personas: Personas) -> History:
    return build_history(personas)


def _figure(html: str, figure_id: str) -> str:
    match = re.search(rf'<figure class="chart" id="{figure_id}">(.*?)</figure>', html, re.S)
    assert match, f"no chart {figure_id} on the page"
    return match.group(1)


def _table(figure: str) -> list[list[str]]:
    """The rows of a chart's table fallback, header row first, as cell texts."""
    table = re.search(r"<table>(.*?)</table>", figure, re.S)
    assert table, "the chart has no table fallback"
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    ]


def _polyline(figure: str, css_class: str) -> list[tuple[float, float]]:
    match = re.search(rf'<polyline class="line {css_class}" points="([^"]*)"', figure)
    assert match, f"no {css_class} line"
    return [(float(x), float(y)) for x, y in (pair.split(",") for pair in match.group(1).split())]


def _number(value: float) -> str:
    return f"{value:g}"


# --- The therapist's client page -----------------------------------------------------------


def test_the_client_page_charts_the_alliance_with_both_sides_and_the_cutoff(
    signed_in, personas: Personas, history: History
):
    html = signed_in("dana").get(reverse("clinic:client", args=[personas.chris_client.pk]))
    assert html.status_code == 200
    page = html.content.decode()
    assert "<svg" in page
    alliance = _figure(page, f"alliance-{personas.chris_episode.pk}")

    assert '<line class="cutoff"' in alliance
    assert "concern below 32" in alliance
    client_line = _polyline(alliance, "client")
    therapist_line = _polyline(alliance, "therapist")
    assert len(client_line) == len(therapist_line) == 3
    assert [x for x, _ in client_line] == sorted(x for x, _ in client_line)
    # Check-ins fell (35, 30, 24): lower scores are drawn lower, i.e. at a larger y.
    assert [y for _, y in client_line] == sorted(y for _, y in client_line)
    for _, comment in CHECKINS:
        assert comment in alliance  # on the dot, as its hover text
        assert f"<q>{comment}</q>" in page  # and in the list under the charts
    assert SELF_RATING_NOTE not in page  # the self-rating's note is not a client comment

    rows = _table(alliance)
    assert rows[0] == ["Date", "Client check-in", "Your self-rating"]
    assert [row[1] for row in rows[1:] if row[1] != "—"] == [
        _number(t) for t in history.checkin_totals
    ]
    assert [row[2] for row in rows[1:] if row[2] != "—"] == [
        _number(t) for t in history.self_rating_totals
    ]
    assert history.checkin_totals == [35, 30, 24]


def test_the_client_page_charts_phq9_with_bands_and_reliable_improvement(
    signed_in, personas: Personas, history: History
):
    page = (
        signed_in("dana")
        .get(reverse("clinic:client", args=[personas.chris_client.pk]))
        .content.decode()
    )
    phq9 = _figure(page, f"outcome-{personas.chris_episode.pk}-phq9")

    bands = re.findall(r'<rect class="band (band-\d)"', phq9)
    assert bands == ["band-0", "band-1", "band-2", "band-3", "band-4"]
    for label in ("Minimal", "Mild", "Moderate", "Moderately severe", "Severe"):
        assert f"<title>{label}</title>" in phq9
    assert '<line class="cutoff"' in phq9 and "clinical cut-off 10" in phq9
    assert "reliable improvement" in phq9
    assert phq9.count('class="dot outcome marked"') == 2  # both later scores are reliably better
    line = _polyline(phq9, "outcome")
    assert len(line) == 3
    assert [y for _, y in line] == sorted(y for _, y in line)  # falling scores, drawn lower

    assert history.phq9_totals == [16, 8, 3]
    rows = _table(phq9)
    assert rows[0] == ["Date", "PHQ-9", "Expected up to"]  # the expected range: see its tests
    assert [row[1] for row in rows[1:]] == [
        "16",
        "8 (reliable improvement)",
        "3 (reliable improvement)",
    ]
    # The GAD-7 from answer_due_forms has one score: its own chart, one row.
    gad7 = _figure(page, f"outcome-{personas.chris_episode.pk}-gad7")
    assert [row[1] for row in _table(gad7)[1:]] == [_number(t) for t in history.gad7_totals]


def test_without_answers_the_client_page_has_no_charts(signed_in, personas: Personas):
    page = (
        signed_in("dana")
        .get(reverse("clinic:client", args=[personas.chris_client.pk]))
        .content.decode()
    )
    assert "<svg" not in page
    assert "Alliance and outcomes" not in page


# --- The client's portal -------------------------------------------------------------------


def test_the_portal_shows_the_client_his_outcome_in_plain_words(
    signed_in, personas: Personas, history: History
):
    page = signed_in("chris").get(reverse("portal:home")).content.decode()

    phq9 = _figure(page, "my-phq9")
    assert "<svg" in phq9 and '<line class="cutoff"' in phq9
    assert [row[1] for row in _table(phq9)[1:]] == [
        "16",
        "8 (reliable improvement)",
        "3 (reliable improvement)",
    ]
    assert "real improvement" in page
    assert (
        "Your PHQ-9 score went from 16 (Moderately severe) at the start to 3 (Minimal) now" in page
    )
    assert "You have told us how 3 sessions went." in page


def test_the_portal_shows_nothing_of_the_therapists_self_rating(
    signed_in, personas: Personas, history: History
):
    page = signed_in("chris").get(reverse("portal:home")).content.decode()

    assert 'class="line therapist"' not in page
    assert "self-rating" not in page.lower()
    assert SELF_RATING_NOTE not in page
    assert f'id="alliance-{personas.chris_episode.pk}"' not in page
    # Every number in the portal's charts is one of his own outcome scores.
    figures = re.findall(r'<figure class="chart" id="([^"]+)">', page)
    assert sorted(figures) == ["my-gad7", "my-phq9"]
    shown = {
        row[1].split(" ")[0] for figure in figures for row in _table(_figure(page, figure))[1:]
    }
    assert shown == {_number(t) for t in history.phq9_totals + history.gad7_totals}
    assert not shown & {_number(t) for t in history.self_rating_totals}


# --- The caseload's latest figures ---------------------------------------------------------


def _caseload_row(page: str, name: str) -> str:
    rows: list[str] = re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)
    for row in rows:
        if name in row:
            return row
    raise AssertionError(f"{name} is not in the caseload")


def _cell(row: str, label: str) -> str:
    match = re.search(rf'<td data-label="{label}">(.*?)</td>', row, re.S)
    assert match, f"no {label} cell"
    return match.group(1)


def test_a_lower_checkin_shows_on_the_dashboard_as_down_and_worse(signed_in, personas: Personas):
    sessions = list(
        personas.chris_episode.appointments.filter(status="attended").order_by("scheduled_start")
    )
    for session, values in zip(sessions[:2], [(9, 9, 8, 9), (7, 6, 7, 8)], strict=True):
        request = session.form_requests.get(instrument_id="alliance-checkin")
        _answer(request, "alliance-checkin", values, session.scheduled_end, personas)

    page = signed_in("dana").get(reverse("clinic:dashboard")).content.decode()

    alliance = _cell(_caseload_row(page, "Chris Moreau"), "Alliance")
    assert '<span class="latest">28</span>' in alliance
    assert '<span class="trend bad" title="worse than the time before">↓' in alliance
    assert '<span class="visually-hidden"> worse</span>' in alliance
    assert "35" not in alliance  # the earlier value is not shown, only the trend against it


def test_a_falling_phq9_shows_on_the_dashboard_as_down_and_better(
    signed_in, personas: Personas, history: History
):
    page = signed_in("dana").get(reverse("clinic:dashboard")).content.decode()

    row = _caseload_row(page, "Chris Moreau")
    outcome = _cell(row, "PHQ-9")
    assert '<span class="latest">3</span>' in outcome
    assert '<span class="trend good" title="better than the time before">↓' in outcome
    assert "Minimal" in outcome
    # The alliance fell 30 → 24 in the history: down and worse.
    assert '<span class="trend bad"' in _cell(row, "Alliance")


# --- line_chart geometry -------------------------------------------------------------------

START = datetime(2026, 1, 5, 10, tzinfo=UTC)


def _points(*values: float) -> tuple[Point, ...]:
    return tuple(Point(START + timedelta(weeks=i), v) for i, v in enumerate(values))


def _chart(series: list[Series], cutoff: float | None = None) -> Chart:
    return line_chart(
        chart_id="test",
        title="Test",
        summary="A test chart",
        series=series,
        y_min=0,
        y_max=40,
        cutoff=cutoff,
    )


def test_line_chart_puts_the_cutoff_inside_the_plot_at_its_value():
    chart = _chart([Series("Client", "client", _points(30, 35))], cutoff=32)

    assert chart.cutoff_y is not None
    assert chart.plot_top < chart.cutoff_y < chart.plot_bottom
    assert chart.plot_top == PAD_TOP and chart.plot_bottom == HEIGHT - PAD_BOTTOM
    expected = chart.plot_bottom - 32 / 40 * (chart.plot_bottom - chart.plot_top)
    assert chart.cutoff_y == pytest.approx(expected)
    low, high = chart.series[0].points
    assert high.y < chart.cutoff_y < low.y  # 35 above the line, 30 below it


def test_line_chart_draws_points_left_to_right_in_time():
    chart = _chart(
        [
            Series("Client", "client", _points(10, 40, 0, 20)),
            Series("Therapist", "therapist", _points(12, 13)),
        ]
    )

    client = chart.series[0].points
    xs = [p.x for p in client]
    assert xs == sorted(xs) and len(set(xs)) == 4
    assert xs[0] == chart.plot_left and xs[-1] == chart.plot_right
    # Both series share one time axis: the same week lands at the same x.
    assert [p.x for p in chart.series[1].points] == xs[:2]
    # Values map to y the other way up: 40 at the top, 0 at the bottom.
    assert client[1].y == chart.plot_top and client[2].y == chart.plot_bottom
    assert chart.series[0].polyline.split()[0] == f"{xs[0]:.1f},{client[0].y:.1f}"
    assert [tick.label for tick in chart.y_ticks] == ["0", "10", "20", "30", "40"]
    assert [tick.label for tick in chart.x_ticks] == ["5 Jan", "26 Jan"]
    assert [cells for _, cells in chart.rows] == [
        ("10", "12"),
        ("40", "13"),
        ("0", "—"),
        ("20", "—"),
    ]


def test_line_chart_bands_tile_the_plot_from_bottom_to_top():
    chart = line_chart(
        chart_id="phq9",
        title="PHQ-9",
        summary="",
        series=[Series("PHQ-9", "outcome", _points(16, 3))],
        y_min=0,
        y_max=27,
        bands=[
            BandSpec(0, 5, "Minimal", "band-0"),
            BandSpec(5, 10, "Mild", "band-1"),
            BandSpec(10, 27, "Moderate or worse", "band-2"),
        ],
    )

    bottom_up = list(chart.bands)
    assert bottom_up[0].y + bottom_up[0].height == pytest.approx(chart.plot_bottom)
    for lower, upper in pairwise(bottom_up):
        assert upper.y + upper.height == pytest.approx(lower.y)
    assert bottom_up[-1].y == pytest.approx(chart.plot_top)
    assert all(band.height > 0 for band in chart.bands)


def test_one_point_sits_in_the_middle():
    chart = _chart([Series("Client", "client", _points(20))])

    [point] = chart.series[0].points
    assert point.x == (chart.plot_left + chart.plot_right) / 2
    assert [tick.label for tick in chart.x_ticks] == ["5 Jan"]


def test_an_empty_series_makes_an_empty_chart():
    chart = _chart(
        [Series("Client", "client", ()), Series("Therapist", "therapist", ())], cutoff=32
    )

    assert chart.is_empty
    assert chart.series[0].polyline == ""
    assert chart.x_ticks == () and chart.rows == ()
    assert chart.cutoff_y is not None  # the scale is still known
    assert not _chart([Series("Client", "client", _points(1))]).is_empty


# --- In a real browser ---------------------------------------------------------------------


@pytest.mark.browser
def test_the_charts_render_in_chromium(page, live_server, personas, history, sign_in, screenshot):
    sign_in(page, "dana")
    page.goto(f"{live_server.url}/clinic/clients/{personas.chris_client.pk}/")

    charts = page.locator("figure.chart")
    expect(charts).to_have_count(3)  # alliance, GAD-7, PHQ-9
    for index in range(3):
        svg = charts.nth(index).locator("svg")
        expect(svg).to_be_visible()
        box = svg.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 50
        for line in svg.locator("polyline").all():
            # The browser parsed the points: SVGPolylineElement.points is a live list.
            count = line.evaluate("el => el.points.numberOfItems")
            assert count >= 1
            if count > 1:  # a single score (the GAD-7 here) is a dot: its line has no length
                assert line.evaluate("el => el.getBBox().width") > 0
        assert svg.locator("circle.dot").count() >= 1
    alliance = page.locator(f"#alliance-{personas.chris_episode.pk}")
    assert alliance.locator("polyline.client").evaluate("el => el.points.numberOfItems") == 3
    assert alliance.locator("polyline.therapist").evaluate("el => el.points.numberOfItems") == 3
    cutoff = alliance.locator("line.cutoff")
    assert cutoff.evaluate("el => getComputedStyle(el).strokeDasharray") != "none"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The table fallback opens and holds the same numbers.
    phq9 = page.locator(f"#outcome-{personas.chris_episode.pk}-phq9")
    phq9.get_by_text("Show as a table").click()
    expect(phq9.locator("tbody tr")).to_have_count(3)
    expect(phq9.locator("tbody tr").nth(1)).to_contain_text("8 (reliable improvement)")
    screenshot(page, "clinic-client-charts-desktop")


@pytest.mark.browser
def test_the_portal_charts_fit_a_phone(
    new_page, live_server, personas, history, sign_in, screenshot
):
    page = new_page(**PHONE)
    sign_in(page, "chris")

    progress = page.locator("section", has=page.get_by_role("heading", name="Your progress"))
    expect(progress).to_contain_text("a real improvement")
    svgs = progress.locator("figure.chart svg")
    expect(svgs).to_have_count(2)  # GAD-7 and PHQ-9; no alliance chart for the client
    for svg in svgs.all():
        box = svg.bounding_box()
        assert box is not None and box["width"] > 250
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"]
        # Tick labels stay legible once the 640-unit chart is shrunk to the screen.
        tick = svg.locator("text.tick").first
        assert tick.evaluate("el => el.getBoundingClientRect().height") >= 9
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "portal-charts-phone")


def _weekly(weeks: int, **point: object) -> tuple[Point, ...]:
    return tuple(
        Point(START + timedelta(weeks=i), 30, **point)  # type: ignore[arg-type]
        for i in range(weeks)
    )


def test_months_are_ticked_at_their_first_day_with_the_year_on_the_first_and_on_january():
    chart = _chart([Series("Client", "client", _weekly(40))])  # 5 Jan to 5 Oct

    labels = [tick.label for tick in chart.x_ticks]
    # Nine month starts, too many to label: every second month, counted from January.
    assert labels == ["Mar 2026", "May", "Jul", "Sep"]
    # Each tick sits where its month begins, inside the plot, with a faint line.
    assert all(chart.plot_left < t.position < chart.plot_right for t in chart.x_ticks)
    assert [t.anchor for t in chart.x_ticks] == ["middle"] * 4
    assert len(chart.x_grid) == 4

    short = _chart([Series("Client", "client", _weekly(10))])  # 5 Jan to 9 Mar
    assert [tick.label for tick in short.x_ticks] == ["5 Jan", "Feb 2026", "Mar"]


def test_a_long_history_draws_the_last_twelve_months_and_says_so():
    chart = _chart([Series("Client", "client", _weekly(300))])

    drawn = chart.series[0].points
    assert len(drawn) == 53  # a year of weekly points, not six
    assert chart.not_drawn == 300 - 53
    assert "the last 12 months are drawn (247 earlier not shown)" in chart.summary
    assert len(chart.rows) == 53
    assert len(chart.x_ticks) <= 7


def test_every_kind_of_marked_dot_is_named_in_the_legend():
    marked = (
        Point(START, 10),
        Point(START + timedelta(weeks=1), 4, marker="reliable improvement"),
        Point(
            START + timedelta(weeks=2),
            20,
            marker="above the expected range",
            css_class="above-expected",
        ),
        Point(START + timedelta(weeks=3), 12, note="Felt rushed"),
    )
    chart = _chart([Series("PHQ-9", "outcome", marked)])
    assert [m.css_class for m in chart.markers] == ["marked", "above-expected", "has-note"]
    assert "reliable change" in chart.markers[0].label

    plain = _chart([Series("PHQ-9", "outcome", _points(10, 12))])
    assert plain.markers == ()


def test_band_names_stand_right_of_the_plot_not_over_the_scores():
    bands = [BandSpec(0, 20, "Minimal", "band-0"), BandSpec(20, 40, "Moderately severe", "band-1")]
    chart = line_chart(
        chart_id="bands",
        title="Bands",
        summary="",
        series=[Series("S", "outcome", _points(10, 30))],
        y_min=0,
        y_max=40,
        bands=bands,
    )
    assert chart.width - chart.plot_right >= 120  # room for "Moderately severe"
    assert max(p.x for p in chart.series[0].points) == chart.plot_right
