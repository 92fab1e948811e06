"""Reads for conversation pages: the session page's panel, one report's page, the trends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from alliance.accounts.models import Role, User
from alliance.appointments.models import Appointment
from alliance.conversation.access import transcripts_for_user
from alliance.conversation.coding import CLIENT_MARKERS, CLIENT_PRIMARY, THERAPIST_CODES
from alliance.conversation.models import ConversationReport, Transcript
from alliance.conversation.report import CODE_LABELS, count_rows, figure_rows
from alliance.lib.encryption import InvalidToken
from alliance.measures.charts import BandSpec, Chart, Point, Series, line_chart
from alliance.practice.models import TherapistProfile


def session_panel(user: User, appointment: Appointment) -> dict[str, Any]:
    """What the session page shows about transcripts: for the therapist, the upload form and
    every transcript; for a supervisor, the transcripts only if the therapist shares them."""
    from alliance.conversation.forms import TranscriptUploadForm

    transcripts = list(
        transcripts_for_user(user)
        .filter(appointment=appointment)
        .select_related("report")
        .order_by("uploaded_at", "id")
    )
    can_upload = user.role == Role.THERAPIST
    return {
        "transcripts": transcripts,
        "can_upload": can_upload,
        "upload_form": TranscriptUploadForm() if can_upload else None,
        "show": can_upload or bool(transcripts),
    }


@dataclass(frozen=True)
class CodedTurnView:
    index: int
    speaker: str
    text: str
    time: str  # "12:05", or "" when the transcript has no times
    primary: str
    codes: tuple[tuple[str, str], ...]  # (code, label)
    interrupts: bool


@dataclass(frozen=True)
class ExampleGroup:
    code: str
    label: str
    examples: tuple[dict[str, Any], ...]


def clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def report_page(report: ConversationReport) -> dict[str, Any] | None:
    """The decrypted report as the page shows it; ``None`` if no configured key opens it."""
    try:
        figures = report.figures()
        coded = report.coded_turns()
    except InvalidToken:
        return None
    interrupting = {one["index"] for one in figures.get("interruptions", [])}
    turns = [
        CodedTurnView(
            index=one["index"],
            speaker=one["speaker"],
            text=one["text"],
            time=clock(one.get("start")),
            primary=one["primary"],
            codes=tuple((code, CODE_LABELS.get(code, code)) for code in one["codes"]),
            interrupts=one["index"] in interrupting,
        )
        for one in coded
    ]
    examples = figures.get("examples", {})
    order = (*THERAPIST_CODES, *CLIENT_PRIMARY, *CLIENT_MARKERS)
    groups = [
        ExampleGroup(code, CODE_LABELS.get(code, code), tuple(examples[code]))
        for code in (*order, *(code for code in examples if code not in order))
        if examples.get(code)
    ]
    return {
        "figures": figures,
        "rows": figure_rows(figures),
        "counts": count_rows(figures),
        "example_groups": groups,
        "markers": [
            {**marker, "label": CODE_LABELS.get(marker["marker"], marker["marker"])}
            for marker in figures.get("markers", [])
        ],
        "interruptions": figures.get("interruptions", []),
        "turns": turns,
    }


@dataclass(frozen=True)
class TrendRow:
    at: datetime
    transcript: Transcript
    report: ConversationReport


def trend_rows(user: User, *, therapist: TherapistProfile | None = None) -> list[TrendRow]:
    """The analysed sessions ``user`` may read, oldest first, in one query: a therapist's own;
    for a supervisor, those of ``therapist`` (who must share them, or there are none)."""
    reports = ConversationReport.objects.filter(transcript__in=transcripts_for_user(user))
    if therapist is not None:
        reports = reports.filter(transcript__appointment__episode__therapist=therapist)
    reports = reports.select_related("transcript__appointment__episode__client").order_by(
        "transcript__appointment__scheduled_start", "transcript__uploaded_at", "id"
    )
    return [
        TrendRow(report.transcript.appointment.scheduled_start, report.transcript, report)
        for report in reports
    ]


def _series(rows: list[TrendRow], field: str, label: str, css_class: str) -> Series:
    return Series(
        label,
        css_class,
        tuple(
            Point(row.at, value)
            for row in rows
            if (value := getattr(row.report, field)) is not None
        ),
    )


def trend_charts(rows: list[TrendRow]) -> list[Chart]:
    ratios = [row.report.reflection_to_question or 0 for row in rows]
    return [
        line_chart(
            chart_id="trend-ratio",
            title="Reflections per question",
            summary="Reflections per question in each analysed session; MITI 4.2.1 calls 1 "
            "fair and 2 good.",
            series=[_series(rows, "reflection_to_question", "Reflections per question", "outcome")],
            y_min=0,
            y_max=max(3.0, *ratios),
            bands=[
                BandSpec(1, 2, "MITI 4.2.1 fair", "band-1"),
                BandSpec(2, max(3.0, *ratios), "MITI 4.2.1 good", "band-0"),
            ],
            y_step=1,
        ),
        line_chart(
            chart_id="trend-shares",
            title="Complex reflections, open questions and talk share (%)",
            summary="For each analysed session: complex reflections as a percentage of "
            "reflections, open questions as a percentage of questions, and the therapist's "
            "share of the words spoken.",
            series=[
                _series(rows, "complex_reflection_pct", "% complex reflections", "outcome"),
                _series(rows, "open_question_pct", "% open questions", "client"),
                _series(rows, "therapist_talk_share", "Therapist talk share", "therapist"),
            ],
            y_min=0,
            y_max=100,
            y_step=20,
        ),
    ]
