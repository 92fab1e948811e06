"""What ``load_demo_practice`` reports once the demo is written: ``DemoSummary`` (counts of
everything, the demo accounts and the clients worth a look), built from the ``DemoBuild``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from alliance.demo.build import DemoBuild
from alliance.demo.episode_planning import SUPERVISED_BY_SAM
from alliance.demo.measure_planning import AllianceCourse
from alliance.goals.models import GoalStatus
from alliance.measures.registry import get_instrument
from alliance.practice.models import EpisodeStatus
from alliance.signals.models import FlagKind, RuptureStatus


@dataclass(frozen=True)
class DemoAccount:
    username: str
    description: str


@dataclass(frozen=True)
class DemoSummary:
    practice_name: str
    seed: int
    today: date
    therapists: int
    clients: int
    episodes_by_status: dict[str, int]
    appointments: int
    phase_changes: int
    responses: dict[str, int]  # instrument title: how many answered forms
    forms_waiting: int
    accounts: tuple[DemoAccount, ...]
    highlights: tuple[str, ...]
    example_client_usernames: tuple[str, ...]
    agreements: int = 0
    acknowledged: int = 0
    goals: dict[str, int] = field(default_factory=dict)  # by status
    goal_ratings: int = 0
    session_records: int = 0
    shared_summaries: int = 0
    private_notes: int = 0
    preparations: int = 0
    calendar_feed_url: str = ""
    flags: dict[str, int] = field(default_factory=dict)  # by kind
    ruptures: dict[str, int] = field(default_factory=dict)  # by status
    transcripts: int = 0  # analysed, each with its conversation report


def summarise(build: DemoBuild, seed: int) -> DemoSummary:
    statuses = Counter(plan.shape.status for plan in build.plans)
    highlights = [*_people_worth_a_look(build), *build.highlights]
    return DemoSummary(
        practice_name=build.practice.name,
        seed=seed,
        today=build.today,
        therapists=len(build.therapists),
        clients=len(build.plans),
        episodes_by_status={status.value: statuses[status] for status in EpisodeStatus},
        appointments=build.appointments,
        phase_changes=build.phase_changes,
        responses={
            get_instrument(instrument_id).title: count
            for instrument_id, count in sorted(build.responses.items())
        },
        forms_waiting=build.forms_waiting,
        accounts=DEMO_ACCOUNTS,
        highlights=tuple(highlights),
        example_client_usernames=tuple(plan.username for plan in build.plans[3:6]),
        agreements=build.agreements,
        acknowledged=build.acknowledged,
        goals={status.value: build.goals[status.value] for status in GoalStatus},
        goal_ratings=build.goal_ratings,
        session_records=build.session_records,
        shared_summaries=build.shared_summaries,
        private_notes=build.private_notes,
        preparations=build.preparations,
        calendar_feed_url=build.calendar_feed_url,
        flags={kind.value: build.flags[kind.value] for kind in FlagKind},
        ruptures={status.value: build.ruptures[status.value] for status in RuptureStatus},
        transcripts=build.transcripts,
    )


def _people_worth_a_look(build: DemoBuild) -> list[str]:
    """The clients whose planned course shows something: the first three plans, a lasting and a
    recovered alliance dip, and the one who answered PHQ-9 item 9 above 0."""
    steady, drifting, ended = build.plans[:3]
    people = list(zip(build.plans, build.measure_plans, strict=True))
    lasting = next(plan for plan, m in people if m.alliance == AllianceCourse.DIP_LASTS)
    recovered = sorted(
        (plan for plan, m in people if m.alliance == AllianceCourse.DIP_RECOVERS),
        key=lambda plan: plan.therapist != "dana",  # one of dana's, when she has one
    )[0]
    flagged = next(plan for plan, m in people if m.safety_answer)
    not_recovered = (
        f"the alliance dipped and has not recovered ({lasting.therapist}'s own ratings missed it)"
    )
    drifting_line = (
        f"{drifting.full_name} ({drifting.username}): drifting away, recent late "
        "cancellations and no-shows, nothing booked"
    )
    if lasting is drifting:
        drifting_line += f"; before that, {not_recovered}"  # one line for one person
    highlights = [
        f"{steady.full_name} ({steady.username}): a steady attender, improving",
        drifting_line,
        f"{ended.full_name} ({ended.username}): an episode that ended as planned",
    ]
    if lasting is not drifting:
        highlights.append(f"{lasting.full_name} ({lasting.username}): {not_recovered}")
    return [
        *highlights,
        f"{recovered.full_name} ({recovered.username}): an alliance dip that recovered",
        f"{flagged.full_name} ({flagged.username}): answered PHQ-9 item 9 (thoughts of being "
        "better off dead or of hurting themselves) above 0 in their latest PHQ-9",
    ]


DEMO_ACCOUNTS = (
    DemoAccount("dana", "therapist; chris is her client, sam supervises her"),
    DemoAccount("miguel", "therapist, supervised by sam"),
    DemoAccount("priya", "therapist"),
    DemoAccount("chris", "client of dana, a steady attender"),
    DemoAccount("sam", f"supervisor of {' and '.join(SUPERVISED_BY_SAM)}"),
    DemoAccount("alex", "practice admin"),
)
