"""Turning stored responses into what people look at: charts for the therapist, plain words for
the client, and the latest figures with a trend for the caseload."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from alliance.measures.charts import (
    BandSpec,
    Chart,
    ExpectedPoint,
    ExpectedRange,
    Point,
    Series,
    line_chart,
)
from alliance.measures.definitions import (
    CHECKIN_ID,
    SELF_RATING_ID,
    Direction,
    Instrument,
    InstrumentKind,
)
from alliance.measures.models import MeasureResponse
from alliance.measures.registry import UnknownInstrument, get_instrument
from alliance.measures.scoring import Change, reliable_change


def _instrument(instrument_id: str) -> Instrument | None:
    try:
        return get_instrument(instrument_id)
    except UnknownInstrument:
        return None


def _by_instrument(responses: Iterable[MeasureResponse]) -> dict[str, list[MeasureResponse]]:
    grouped: dict[str, list[MeasureResponse]] = defaultdict(list)
    for response in sorted(responses, key=lambda r: (r.submitted_at, r.pk)):
        if response.total is not None:
            grouped[response.instrument_id].append(response)
    return grouped


def alliance_chart(chart_id: str, responses: Sequence[MeasureResponse]) -> Chart | None:
    grouped = _by_instrument(responses)
    checkin = _instrument(CHECKIN_ID)
    if checkin is None or not (grouped.get(CHECKIN_ID) or grouped.get(SELF_RATING_ID)):
        return None
    client = Series(
        "Client check-in",
        "client",
        tuple(
            Point(r.submitted_at, r.total or 0, note=r.comment) for r in grouped.get(CHECKIN_ID, [])
        ),
    )
    therapist = Series(
        "Your self-rating",
        "therapist",
        tuple(Point(r.submitted_at, r.total or 0) for r in grouped.get(SELF_RATING_ID, [])),
    )
    cutoff = checkin.scoring.cutoff
    return line_chart(
        chart_id=chart_id,
        title="Alliance after each session",
        summary=f"{len(client.points)} client check-ins and {len(therapist.points)} self-ratings"
        + (f"; concern below {cutoff:g}" if cutoff is not None else ""),
        series=[client, therapist],
        y_min=checkin.scoring.score_min,
        y_max=checkin.scoring.score_max,
        cutoff=cutoff,
        cutoff_label=f"concern below {cutoff:g}" if cutoff is not None else "",
    )


def _bands(instrument: Instrument) -> list[BandSpec]:
    bands = instrument.scoring.bands
    specs = []
    for index, band in enumerate(bands):
        high = bands[index + 1].minimum if index + 1 < len(bands) else instrument.scoring.score_max
        specs.append(BandSpec(band.minimum, high, band.label, f"band-{index}"))
    return specs


def _change_marker(instrument: Instrument, baseline: float, value: float) -> str:
    if instrument.scoring.reliable_change is None:
        return ""
    change = reliable_change(instrument, baseline, value)
    if change == Change.IMPROVED:
        return "reliable improvement"
    if change == Change.DETERIORATED:
        return "reliable deterioration"
    return ""


class ExpectedBand(Protocol):
    """Where a client who started at a given score is expected to be (``signals.trajectory.Band``)."""

    @property
    def expected(self) -> float: ...
    @property
    def upper(self) -> float: ...
    @property
    def source(self) -> str: ...


# The expected band for (instrument id, first score, moment of a later score), or None.
ExpectedLookup = Callable[[str, float, datetime], ExpectedBand | None]
EXPECTED_LABEL = "Expected range for clients who started at this level"
ABOVE_EXPECTED = "above the expected range"
# Where an expected range comes from, in a clinician's words (the engine's own name is kept in
# the flag's explanation, behind "How this was worked out").
SOURCE_WORDS = {
    "default curve": "a typical course, until the practice has enough ended episodes of its own"
}


def outcome_charts(
    chart_prefix: str,
    responses: Sequence[MeasureResponse],
    expected: ExpectedLookup | None = None,
) -> list[Chart]:
    """One chart per outcome instrument; with ``expected``, each score also gets the expected
    range at its moment (drawn as a shaded area, listed in the table, marked when above it)."""
    charts = []
    for instrument_id, series in sorted(_by_instrument(responses).items()):
        instrument = _instrument(instrument_id)
        if instrument is None or instrument.kind != InstrumentKind.OUTCOME:
            continue
        baseline = series[0].total or 0
        points, expected_range = _outcome_points(instrument, series, expected)
        summary = f"{len(points)} scores from {baseline:g} to {points[-1].value:g}"
        if points[-1].css_class:
            summary += f"; the latest is {ABOVE_EXPECTED} for clients who started at this level"
        cutoff = instrument.scoring.cutoff
        charts.append(
            line_chart(
                chart_id=f"{chart_prefix}-{instrument_id}",
                title=instrument.title,
                summary=summary,
                series=[Series(instrument.title, "outcome", points)],
                y_min=instrument.scoring.score_min,
                y_max=instrument.scoring.score_max,
                bands=_bands(instrument),
                cutoff=cutoff,
                cutoff_label=f"clinical cut-off {cutoff:g}" if cutoff is not None else "",
                expected=expected_range,
            )
        )
    return charts


def _outcome_points(
    instrument: Instrument, series: list[MeasureResponse], expected: ExpectedLookup | None
) -> tuple[tuple[Point, ...], ExpectedRange | None]:
    """The scores, marked for reliable change and for being above the expected range, and that
    range at each score's moment (kept inside the scale), from the first score as the start."""
    low, high = instrument.scoring.score_min, instrument.scoring.score_max
    baseline = series[0].total or 0
    points: list[Point] = []
    ranges: list[ExpectedPoint] = []
    sources: list[str] = []
    for index, response in enumerate(series):
        value = response.total or 0
        markers = [_change_marker(instrument, baseline, value)] if index else []
        band = expected(instrument.id, baseline, response.submitted_at) if expected else None
        above = band is not None and value > band.upper
        if band is not None:
            ranges.append(
                ExpectedPoint(
                    response.submitted_at,
                    max(low, min(high, band.expected)),
                    max(low, min(high, band.upper)),
                )
            )
            sources += [] if band.source in sources else [band.source]
        if above:
            markers.append(ABOVE_EXPECTED)
        points.append(
            Point(
                response.submitted_at,
                value,
                marker="; ".join(marker for marker in markers if marker),
                css_class="above-expected" if above else "",
            )
        )
    if not ranges:
        return tuple(points), None
    label = f"{EXPECTED_LABEL} ({' and '.join(SOURCE_WORDS.get(s, s) for s in sources)})"
    return tuple(points), ExpectedRange(label, tuple(ranges))


def comments(responses: Sequence[MeasureResponse]) -> list[MeasureResponse]:
    """Free-text feedback from the client's check-ins, newest first."""
    return sorted(
        (r for r in responses if r.comment and r.instrument_id == CHECKIN_ID),
        key=lambda r: r.submitted_at,
        reverse=True,
    )


def plain_progress(responses: Sequence[MeasureResponse]) -> list[str]:
    """Sentences a client can read about their own progress: no bare numbers without words."""
    sentences = []
    grouped = _by_instrument(responses)
    for instrument_id, series in sorted(grouped.items()):
        instrument = _instrument(instrument_id)
        if instrument is None or instrument.kind != InstrumentKind.OUTCOME or len(series) < 2:
            continue
        first, last = series[0], series[-1]
        change = reliable_change(instrument, first.total or 0, last.total or 0)
        where = f"from {first.total:g} ({first.band or 'no band'}) at the start to {last.total:g} ({last.band or 'no band'}) now"
        if change == Change.IMPROVED:
            sentences.append(
                f"Your {instrument.title} score went {where}: a real improvement. Well done."
            )
        elif change == Change.DETERIORATED:
            sentences.append(
                f"Your {instrument.title} score went {where}. Things have been harder lately; "
                "this is worth talking about with your therapist."
            )
        else:
            sentences.append(f"Your {instrument.title} score went {where}: about the same so far.")
    checkins = grouped.get(CHECKIN_ID, [])
    if checkins:
        sentences.append(
            f"You have told us how {len(checkins)} session{'s' if len(checkins) != 1 else ''} went. "
            "Thank you: it shapes what we do next."
        )
    return sentences


@dataclass(frozen=True)
class Latest:
    value: float
    band: str
    trend: str  # "up", "down" or "flat"
    better: bool | None  # whether the trend is good news, by the instrument's direction

    @property
    def arrow(self) -> str:
        return {"up": "↑", "down": "↓"}.get(self.trend, "→")


def latest_scores(episode_ids: list[int], instrument_id: str) -> dict[int, Latest]:
    """The latest score and its trend against the one before, per episode, in one query."""
    instrument = _instrument(instrument_id)
    ranked = (
        MeasureResponse.objects.filter(
            episode_id__in=episode_ids, instrument_id=instrument_id, total__isnull=False
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("episode_id")],
                order_by=[F("submitted_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=2)
        .values_list("episode_id", "rank", "total", "band")
    )
    rows: dict[int, dict[int, tuple[float, str]]] = defaultdict(dict)
    for episode_id, rank, total, band in ranked:
        rows[episode_id][rank] = (total or 0.0, band)
    latest = {}
    for episode_id, ranks in rows.items():
        value, band = ranks[1]
        previous = ranks.get(2, (value, ""))[0]
        trend = "up" if value > previous else "down" if value < previous else "flat"
        better = None
        if instrument is not None and trend != "flat":
            higher_is_better = instrument.scoring.direction == Direction.HIGHER_IS_BETTER
            better = (trend == "up") == higher_is_better
        latest[episode_id] = Latest(value, band, trend, better)
    return latest


@dataclass(frozen=True)
class SafetyAnswer:
    """An answer to a safety item (PHQ-9 item 9 above 0): shown to the therapist at once."""

    response: MeasureResponse
    question: str
    answer: str


def safety_answers(responses: Sequence[MeasureResponse]) -> list[SafetyAnswer]:
    found = []
    for response in sorted(responses, key=lambda r: r.submitted_at, reverse=True):
        instrument = _instrument(response.instrument_id) if response.safety_items else None
        if instrument is None:
            continue
        for link_id in response.safety_items:
            item = instrument.item(link_id)
            value = response.answers.get(link_id)
            labels = {option.value: option.display for option in item.options}
            found.append(SafetyAnswer(response, item.text, labels.get(value, str(value))))
    return found


def episodes_with_recent_safety_answers(episode_ids: list[int], days: int = 30) -> set[int]:
    since = timezone.now() - timedelta(days=days)
    return set(
        MeasureResponse.objects.filter(episode_id__in=episode_ids, submitted_at__gte=since)
        .exclude(safety_items=[])
        .values_list("episode_id", flat=True)
    )
