"""Compare the engine's findings on a simulated practice with what the simulator injected."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from alliance.signals.catalogue import RuleSet
from alliance.signals.rules import RuptureCourse, evaluate, risk_now
from alliance.signals.trajectory import ExpectedBands
from simulation.episode import InjectedRupture, SimEpisode
from simulation.stats import auc as auc  # the one AUC (re-exported for the bench)

AFTER_SESSION = timedelta(days=1)  # a session's evidence is in a day later


@dataclass
class RuleFigures:
    flags: int = 0
    true: int = 0  # flags inside an injected rupture's window
    lead_sessions: list[int] = field(default_factory=list)
    dips_found: int = 0  # injected dips with at least one flag of this rule in their window

    @property
    def precision(self) -> float:
        return self.true / self.flags if self.flags else 0.0


@dataclass
class Figures:
    ruptures_injected: int = 0  # sudden dips, repaired or not
    drifts_injected: int = 0  # disengaging clients' slides
    drifts_found: int = 0
    ruptures_found: int = 0  # injected ruptures with a rupture episode opened in their window
    rupture_episodes: int = 0  # rupture episodes the engine opened
    rupture_episodes_true: int = 0
    rupture_lead: list[int] = field(default_factory=list)
    per_rule: dict[str, RuleFigures] = field(default_factory=dict)
    dropout_auc: float = 0.0
    dropout_lead: list[int] = field(default_factory=list)
    dropouts: int = 0
    dropouts_flagged: int = 0
    completers_flagged_at_end: int = 0
    completers: int = 0
    crisis_injected: int = 0
    crisis_found: int = 0
    crisis_flags: int = 0
    crisis_false: int = 0  # crisis flags on an answer or text that carried no injected crisis
    comments: int = 0  # free texts the clients wrote (the denominator of false crises)

    @property
    def rupture_recall(self) -> float:
        return self.ruptures_found / self.ruptures_injected if self.ruptures_injected else 0.0

    @property
    def rupture_precision(self) -> float:
        return self.rupture_episodes_true / self.rupture_episodes if self.rupture_episodes else 0.0

    @property
    def crisis_recall(self) -> float:
        return self.crisis_found / self.crisis_injected if self.crisis_injected else 1.0

    @property
    def false_crisis_per_1000(self) -> float:
        return 1000 * self.crisis_false / self.comments if self.comments else 0.0

    def rule_recall(self, rule: str) -> float:
        per_rule = self.per_rule.get(rule)
        if per_rule is None or not self.ruptures_injected:
            return 0.0
        return per_rule.dips_found / self.ruptures_injected


def _sessions_between(times: list[datetime], start: datetime, end: datetime) -> int:
    return sum(1 for t in times if start < t <= end)


def score_ruptures(
    figures: Figures,
    sim: SimEpisode,
    courses: list[tuple[datetime, list[tuple[str, datetime]]]],
) -> None:
    """``courses``: (began_at, [(rule, observed_at), ...]) per rupture episode the engine opened.

    Recall counts the injected ruptures (sudden dips, repaired or not). A rupture episode is true
    when it began inside an injected rupture's window or inside a disengaging client's slide
    (whose falling check-ins are an injected strain too); every other one is a false alarm.
    """

    def window(moment: datetime) -> InjectedRupture | None:
        return next(
            (r for r in sim.truth.ruptures if r.start - AFTER_SESSION <= moment <= r.end), None
        )

    dips = [r for r in sim.truth.ruptures if r.kind == "dip"]
    figures.ruptures_injected += len(dips)
    figures.drifts_injected += len(sim.truth.ruptures) - len(dips)
    found: set[int] = set()
    drift_found = False
    per_rule_found: dict[str, set[int]] = {}
    for began_at, flags in courses:
        figures.rupture_episodes += 1
        hit = window(began_at)
        if hit is not None:
            figures.rupture_episodes_true += 1
            if hit.kind == "drift":
                drift_found = True
            elif id(hit) not in found:
                found.add(id(hit))
                figures.rupture_lead.append(
                    _sessions_between(sim.truth.attended_times, hit.start, began_at)
                )
        for rule, observed_at in flags:
            per_rule = figures.per_rule.setdefault(rule, RuleFigures())
            per_rule.flags += 1
            flag_hit = window(observed_at)
            if flag_hit is not None:
                per_rule.true += 1
                if flag_hit.kind == "dip":
                    per_rule_found.setdefault(rule, set()).add(id(flag_hit))
                per_rule.lead_sessions.append(
                    _sessions_between(sim.truth.attended_times, flag_hit.start, observed_at)
                )
    figures.ruptures_found += len(found)
    figures.drifts_found += int(drift_found)
    for rule, dips_hit in per_rule_found.items():
        figures.per_rule[rule].dips_found += len(dips_hit)


def score_crisis(figures: Figures, sim: SimEpisode, flagged_refs: set[str]) -> None:
    figures.crisis_injected += len(sim.truth.crisis_refs)
    figures.crisis_found += len(sim.truth.crisis_refs & flagged_refs)
    figures.crisis_flags += len(flagged_refs)
    figures.crisis_false += len(flagged_refs - sim.truth.crisis_refs)
    figures.comments += len(sim.evidence.texts)


def score_dropout(figures: Figures, sims: list[SimEpisode], rules: RuleSet) -> None:
    """Replay each episode: the risk as it stood a day after each attended session."""
    labelled: list[tuple[float, bool]] = []
    for sim in sims:
        times = sim.truth.attended_times
        if not times:
            continue
        flagged: list[bool] = []
        points = 0.0
        for moment in times:
            view = sim.evidence.until(moment + AFTER_SESSION)
            view.is_open = True
            risk = risk_now(view, rules)
            flagged.append(risk.flagged)
            points = risk.points
        labelled.append((points, sim.truth.dropout))
        if sim.truth.dropout:
            figures.dropouts += 1
            # Lead: sessions from the start of the last unbroken flagged stretch to the end.
            lead = 0
            for was_flagged in reversed(flagged):
                if not was_flagged:
                    break
                lead += 1
            if lead:
                figures.dropouts_flagged += 1
                figures.dropout_lead.append(lead - 1)
            else:
                figures.dropout_lead.append(-1)  # never flagged by the last session
        else:
            figures.completers += 1
            figures.completers_flagged_at_end += int(flagged[-1])
    figures.dropout_auc = auc(labelled)


def median_or_zero(values: list[int]) -> float:
    return float(median(values)) if values else 0.0


def courses_as_rows(
    courses: list[RuptureCourse], observed: dict[str, tuple[str, datetime]]
) -> list[tuple[datetime, list[tuple[str, datetime]]]]:
    return [(c.began_at, [observed[k] for k in c.finding_keys if k in observed]) for c in courses]


# --- alert load --------------------------------------------------------------------------------

# A full-time therapist's weekly caseload, to put the simulated alert rate on one scale whatever
# the number of simulated episodes (assumption: NHS Talking Therapies high-intensity therapists
# see about 20-25 clients a week; we take the lower figure).
CASELOAD = 20
CRISIS_RULES = frozenset({"crisis.safety_item", "crisis.language"})


@dataclass
class AlertFigures:
    """New non-crisis flags, as the engine would raise them evaluating after every appointment.

    A therapist sees rupture flags grouped: the flags of one rupture episode are one line on the
    client's page and one reason on the caseload, so the alert load counts a new rupture episode
    once, however many rupture rules fired in it, and every other new flag once."""

    per_rule: dict[str, int] = field(default_factory=dict)  # new flags per rule
    rupture_episodes: int = 0  # new rupture episodes (the rupture alerts a therapist sees)
    client_weeks: float = 0.0  # weeks each episode was open, summed
    therapist_weeks: float = 0.0  # weeks each therapist had clients, summed

    @property
    def total(self) -> int:
        """Alerts: new rupture episodes and new non-rupture flags."""
        others = sum(n for rule, n in self.per_rule.items() if not rule.startswith("rupture."))
        return others + self.rupture_episodes

    def per_therapist_week(self, rule: str | None = None) -> float:
        """Alerts (or one rule's new flags) per therapist per week at ``CASELOAD`` clients."""
        count = self.total if rule is None else self.per_rule.get(rule, 0)
        return CASELOAD * count / self.client_weeks if self.client_weeks else 0.0

    def simulated_per_therapist_week(self) -> float:
        """The same at the simulated practice's own caseload (depends on its size)."""
        return self.total / self.therapist_weeks if self.therapist_weeks else 0.0


def count_alerts(sims: list[SimEpisode], rules: RuleSet, bands: ExpectedBands) -> AlertFigures:
    """Replay each episode a day after every appointment (when the engine evaluates it) and
    count flags raised: a key not seen before, or a cleared flag whose condition holds again;
    rupture flags are never cleared, the others clear when their condition stops holding."""
    quiet = RuleSet(rules.values, rules.disabled | CRISIS_RULES)
    figures = AlertFigures()
    spans: dict[int, list[datetime]] = {}
    for index, sim in enumerate(sims):
        visits = sim.evidence.visits
        if not visits:
            continue
        therapist = sim.therapist if sim.therapist is not None else index % 20
        span = spans.setdefault(therapist, [visits[0].start, visits[-1].start])
        span[0], span[1] = min(span[0], visits[0].start), max(span[1], visits[-1].start)
        figures.client_weeks += (visits[-1].start - visits[0].start).days / 7 + 1
        raised, episodes = _raised(sim, quiet, bands)
        for rule in raised:
            figures.per_rule[rule] = figures.per_rule.get(rule, 0) + 1
        figures.rupture_episodes += episodes
    figures.therapist_weeks = sum((b - a).days / 7 + 1 for a, b in spans.values())
    return figures


def _raised(sim: SimEpisode, rules: RuleSet, bands: ExpectedBands) -> tuple[list[str], int]:
    """The rules of the flags raised over the replay, and the rupture episodes opened (a course
    with a flag not raised before, under a key not seen before, as ``reconcile`` opens them)."""
    open_now: dict[str, bool] = {}  # key -> its flag is open (False: cleared)
    courses: set[str] = set()
    raised: list[str] = []
    for visit in sim.evidence.visits:
        view = sim.evidence.until(visit.start + AFTER_SESSION)
        view.is_open = True  # open until the therapist ends it, after the last appointment
        evaluation = evaluate(view, rules, bands)
        found = {f.key: f for f in evaluation.findings}
        new = {key for key in found if not open_now.get(key, False)}
        for course in evaluation.ruptures:
            if course.key not in courses and new & set(course.finding_keys):
                courses.add(course.key)
        for key in new:
            raised.append(found[key].rule)
            open_now[key] = True
        for key in [k for k, is_open in open_now.items() if is_open and k not in found]:
            if _clearable(key):
                open_now[key] = False
    return raised, len(courses)


def _clearable(key: str) -> bool:
    """Weak-alliance, not-on-track and dropout flags clear; rupture flags (keyed by the
    check-in, appointment or transcript they rest on) are events and stay."""
    return key.startswith(("low_alliance:", "not_on_track:", "dropout:"))
