"""Server-rendered SVG line charts: scores over time, with bands, a cut-off line and markers, and
optionally an expected range drawn as a shaded area along the scores' own times.

The geometry is computed here; ``measures/_chart.html`` draws it, with a table of the same
numbers for screen readers and for anyone who prefers to read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

WIDTH, HEIGHT = 640, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 40, 16, 12, 28
# With bands (PHQ-9's "Minimal" … "Severe"), their names stand right of the plot, not over the
# latest scores.
PAD_RIGHT_BANDS = 150
# A chart draws at most the last year: a six-year history squeezed into 640 units is unreadable,
# and a page with one dot per session of six years grows with the history. The first score
# still counts (reliable change is measured from it); the summary says what is not drawn.
WINDOW = timedelta(days=365)
# Month ticks: at most this many labels; beyond, every 2nd, 3rd, 6th or 12th month.
MAX_X_TICKS = 7
MONTH_STEPS = (1, 2, 3, 6, 12)


@dataclass(frozen=True)
class Point:
    at: datetime
    value: float
    note: str = ""  # shown on hover and listed under the chart
    marker: str = ""  # e.g. "reliable improvement"
    css_class: str = ""  # added to the dot, e.g. "above-expected"


@dataclass(frozen=True)
class Series:
    label: str
    css_class: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class BandSpec:
    low: float
    high: float
    label: str
    css_class: str


@dataclass(frozen=True)
class ExpectedPoint:
    """Where a score was expected to be at this moment, and the most it could be and still be on
    track (the range is drawn from ``expected`` up to ``upper``)."""

    at: datetime
    expected: float
    upper: float


@dataclass(frozen=True)
class ExpectedRange:
    label: str  # names the range and where it comes from
    points: tuple[ExpectedPoint, ...]
    column: str = "Expected up to"  # the table fallback's column of ``upper``


@dataclass(frozen=True)
class DrawnPoint:
    x: float
    y: float
    point: Point


@dataclass(frozen=True)
class DrawnSeries:
    label: str
    css_class: str
    points: tuple[DrawnPoint, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class DrawnBand:
    y: float
    height: float
    label: str
    css_class: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"  # "start" or "end" near an edge


@dataclass(frozen=True)
class LegendMarker:
    """A kind of dot that means something (a ring: reliable change, a comment, above the
    expected range), named in the legend."""

    css_class: str
    label: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    summary: str  # one sentence saying what the chart shows, for screen readers
    width: int
    height: int
    series: tuple[DrawnSeries, ...]
    bands: tuple[DrawnBand, ...] = ()
    cutoff_y: float | None = None
    cutoff_label: str = ""
    y_ticks: tuple[Tick, ...] = ()
    x_ticks: tuple[Tick, ...] = ()
    plot_left: int = PAD_LEFT
    plot_right: int = WIDTH - PAD_RIGHT
    plot_top: int = PAD_TOP
    plot_bottom: int = HEIGHT - PAD_BOTTOM
    rows: tuple[tuple[datetime, tuple[str, ...]], ...] = field(default=())
    # The expected range: a polygon from the expected line up to the upper edge, left to right
    # along the top and back along the bottom (empty with fewer than two points to join).
    expected_area: str = ""
    expected_line: str = ""
    expected_label: str = ""
    extra_columns: tuple[str, ...] = ()  # table columns after the series'
    markers: tuple[LegendMarker, ...] = ()  # the kinds of marked dots this chart has
    x_grid: tuple[float, ...] = ()  # a faint vertical line at each month tick
    not_drawn: int = 0  # earlier scores outside the window

    @property
    def plot_width(self) -> int:
        return self.plot_right - self.plot_left

    @property
    def is_empty(self) -> bool:
        return not any(series.points for series in self.series)


def _scale(value: float, low: float, high: float, out_low: float, out_high: float) -> float:
    if high == low:
        return (out_low + out_high) / 2
    return out_low + (value - low) * (out_high - out_low) / (high - low)


def _tick_step(span: float) -> float:
    """A round step between value ticks (1, 2 or 5 times a power of ten, at least 1) that
    divides the scale into at most six parts: 0-27 ticks every 5, on the PHQ-9's band edges,
    rather than at 6.75, 13.5 and 20.25."""
    for power in range(6):
        for multiple in (1, 2, 5):
            step = float(multiple * 10**power)
            if span / step <= 6:
                return step
    return max(1.0, span / 4)


@dataclass(frozen=True)
class _Frame:
    """Where times and values fall on the plot: times from ``start`` to ``end`` left to right,
    values from ``y_min`` to ``y_max`` bottom to top."""

    start: datetime | None
    end: datetime | None
    y_min: float
    y_max: float
    left: float = PAD_LEFT
    right: float = WIDTH - PAD_RIGHT
    top: float = PAD_TOP
    bottom: float = HEIGHT - PAD_BOTTOM

    def x_of(self, at: datetime) -> float:
        if self.start is None or self.end is None or self.start == self.end:
            return (self.left + self.right) / 2
        return _scale(
            at.timestamp(), self.start.timestamp(), self.end.timestamp(), self.left, self.right
        )

    def y_of(self, value: float) -> float:
        return _scale(value, self.y_min, self.y_max, self.bottom, self.top)

    def y_ticks(self, step: float) -> tuple[Tick, ...]:
        ticks, value = [], self.y_min
        while value <= self.y_max + 1e-9:
            ticks.append(Tick(self.y_of(value), f"{value:g}"))
            value += step
        return tuple(ticks)

    def x_ticks(self) -> tuple[Tick, ...]:
        """A tick at the start of each month in the range (every 2nd, 3rd, 6th or 12th month
        when there are many), labelled "Mar", with the year on January and on the first tick;
        within one month, the first and last dates."""
        if self.start is None or self.end is None:
            return ()
        months = _month_starts(self.start, self.end)
        if not months:
            return self._with_ends(())
        # At most one label per 90 units of plot: room for "Jun 2026" at a phone's larger font.
        most = min(MAX_X_TICKS, max(2, int((self.right - self.left) // 90)))
        step = next((n for n in MONTH_STEPS if len(months) / n <= most), 12)
        shown = [m for m in months if (m.year * 12 + m.month - 1) % step == 0] or months[:1]
        ticks = tuple(
            Tick(
                self.x_of(m),
                f"{m:%b %Y}" if i == 0 or m.month == 1 else f"{m:%b}",
                _tick_anchor(self.x_of(m), self.left, self.right),
            )
            for i, m in enumerate(shown)
        )
        return ticks if len(ticks) > 2 else self._with_ends(ticks)

    def _with_ends(self, ticks: tuple[Tick, ...]) -> tuple[Tick, ...]:
        """A short range (one or two month starts) also names its first and last day, where
        they do not crowd a month's label."""
        assert self.start is not None and self.end is not None
        ends: tuple[Tick, ...] = (Tick(self.left, f"{self.start.day} {self.start:%b}", "start"),)
        if self.end.date() != self.start.date():
            ends += (Tick(self.right, f"{self.end.day} {self.end:%b}", "end"),)
        roomy = [end for end in ends if all(abs(end.position - t.position) > 80 for t in ticks)]
        return tuple(sorted((*ticks, *roomy), key=lambda tick: tick.position))


def _month_starts(start: datetime, end: datetime) -> list[datetime]:
    """The first moments of the months that begin after ``start`` and by ``end``."""
    found: list[datetime] = []
    month = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    while True:
        month = (month + timedelta(days=32)).replace(day=1)
        if month > end:
            return found
        found.append(month)


def _tick_anchor(position: float, left: float, right: float) -> str:
    """Labels near an edge lean inwards, so that none is cut off."""
    if position - left < 24:
        return "start"
    if right - position < 24:
        return "end"
    return "middle"


def _expected_geometry(expected: ExpectedRange | None, frame: _Frame) -> tuple[str, str]:
    """The expected range's area (up along the upper edge, back along the expected line) and its
    line, as SVG points; empty with fewer than two points to join."""
    if expected is None or len(expected.points) < 2:
        return "", ""
    ordered = sorted(expected.points, key=lambda p: p.at)
    upper_edge = [f"{frame.x_of(p.at):.1f},{frame.y_of(p.upper):.1f}" for p in ordered]
    expected_edge = [f"{frame.x_of(p.at):.1f},{frame.y_of(p.expected):.1f}" for p in ordered]
    return " ".join(upper_edge + expected_edge[::-1]), " ".join(expected_edge)


def _frame_for(
    series: list[Series],
    expected: ExpectedRange | None,
    y_min: float,
    y_max: float,
    right: float = WIDTH - PAD_RIGHT,
) -> _Frame:
    times = [point.at for one in series for point in one.points]
    times += [point.at for point in expected.points] if expected is not None else []
    start, end = (min(times), max(times)) if times else (None, None)
    return _Frame(start, end, y_min, y_max, right=right)


def _windowed(
    series: list[Series], expected: ExpectedRange | None
) -> tuple[list[Series], ExpectedRange | None, int]:
    """The series and expected range within ``WINDOW`` of the latest moment, and how many
    points were left out."""
    times = [point.at for one in series for point in one.points]
    if not times or max(times) - min(times) <= WINDOW:
        return series, expected, 0
    since = max(times) - WINDOW
    kept = [replace(one, points=tuple(p for p in one.points if p.at >= since)) for one in series]
    left_out = len(times) - sum(len(one.points) for one in kept)
    if expected is not None:
        expected = replace(expected, points=tuple(p for p in expected.points if p.at >= since))
    return kept, expected, left_out


# Which dots mean something, in the order the legend names them.
_MARKERS = (
    ("marked", "ringed black: reliable change since the first score"),
    ("above-expected", "ringed red: above the expected range"),
    ("has-note", "ringed yellow: with a comment (point at it, or see the table)"),
)


def _legend_markers(series: list[Series]) -> tuple[LegendMarker, ...]:
    present = set()
    for point in (point for one in series for point in one.points):
        present |= {"has-note"} if point.note else set()
        present |= {"marked"} if "reliable" in point.marker else set()
        present |= {point.css_class} if point.css_class else set()
    return tuple(LegendMarker(css, label) for css, label in _MARKERS if css in present)


def line_chart(
    *,
    chart_id: str,
    title: str,
    summary: str,
    series: list[Series],
    y_min: float,
    y_max: float,
    bands: list[BandSpec] | None = None,
    cutoff: float | None = None,
    cutoff_label: str = "",
    y_step: float | None = None,
    expected: ExpectedRange | None = None,
) -> Chart:
    series, expected, not_drawn = _windowed(series, expected)
    right = WIDTH - (PAD_RIGHT_BANDS if bands else PAD_RIGHT)
    frame = _frame_for(series, expected, y_min, y_max, right)
    x_of, y_of = frame.x_of, frame.y_of
    drawn = tuple(
        DrawnSeries(
            one.label,
            one.css_class,
            tuple(DrawnPoint(x_of(p.at), y_of(p.value), p) for p in one.points),
        )
        for one in series
    )
    drawn_bands = tuple(
        DrawnBand(y_of(band.high), y_of(band.low) - y_of(band.high), band.label, band.css_class)
        for band in bands or []
    )
    expected_area, expected_line = _expected_geometry(expected, frame)
    x_ticks = frame.x_ticks()
    if not_drawn:
        summary += f"; the last 12 months are drawn ({not_drawn} earlier not shown)"
    return Chart(
        id=chart_id,
        title=title,
        summary=summary,
        width=WIDTH,
        height=HEIGHT,
        series=drawn,
        bands=drawn_bands,
        cutoff_y=y_of(cutoff) if cutoff is not None else None,
        cutoff_label=cutoff_label,
        y_ticks=frame.y_ticks(y_step or _tick_step(y_max - y_min)),
        x_ticks=x_ticks,
        plot_right=int(right),
        rows=_table_rows(series, expected),
        expected_area=expected_area,
        expected_line=expected_line,
        expected_label=expected.label if expected is not None else "",
        extra_columns=(expected.column,) if expected is not None else (),
        markers=_legend_markers(series),
        x_grid=tuple(tick.position for tick in x_ticks if tick.anchor == "middle"),
        not_drawn=not_drawn,
    )


def _table_rows(
    series: list[Series], expected: ExpectedRange | None = None
) -> tuple[tuple[datetime, tuple[str, ...]], ...]:
    """One row per date with each series' value (or a dash), then the expected range's upper
    edge when there is one, for the table fallback."""
    width = len(series) + (expected is not None)
    by_time: dict[datetime, list[str]] = {}
    for index, one in enumerate(series):
        for point in one.points:
            cells = by_time.setdefault(point.at, ["—"] * width)
            text = f"{point.value:g}"
            if point.marker:
                text += f" ({point.marker})"
            cells[index] = text
    for edge in expected.points if expected is not None else ():
        by_time.setdefault(edge.at, ["—"] * width)[-1] = f"{round(edge.upper, 1):g}"
    return tuple((at, tuple(cells)) for at, cells in sorted(by_time.items()))
