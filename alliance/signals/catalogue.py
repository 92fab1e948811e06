"""Every rule of the signals engine, its parameters, their defaults and where the defaults come from.

A practice may override any parameter or switch a rule off (``SignalSettings``); what is not
overridden is the default here. ``docs/signals.md`` is the same list for people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from alliance.lib.errors import DomainError

if TYPE_CHECKING:
    from alliance.signals.dropout_model import DropoutModel


@dataclass(frozen=True)
class Parameter:
    name: str
    default: float
    minimum: float
    maximum: float
    help: str
    integer: bool = False


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str  # a FlagKind value
    title: str
    description: str
    source: str
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    # Crisis rules are always on; "own level" and "recovered" are settings of the other rupture
    # rules rather than rules that raise flags, so there is nothing to switch off.
    switchable: bool = True


RULES: tuple[Rule, ...] = (
    Rule(
        "rupture.own_level",
        "rupture",
        "Every score-based rupture rule: a fall from the client's own level",
        "A check-in counts for the score-based rupture rules (cut-off, drop, baseline, decline) "
        "only when it is also at least min_fall points below the client's own level: the mean "
        "of their earlier check-ins outside any rupture, or the previous check-in when there is "
        "no earlier one. A client who hovers at the cut-off, or returns from one unusually high "
        "score, has not had a rupture.",
        "The client's own baseline matters more than an absolute score (product.md, alert rules; "
        "54% of clients give the top score every time).",
        (
            Parameter(
                "min_fall",
                3,
                0,
                40,
                "Points below the client's own level.",
            ),
            Parameter(
                "sd",
                1.0,
                0,
                5,
                "Once there is a baseline: also at least this many of the client's own standard "
                "deviations below it (Stiles et al. 2004 use 1 SD).",
            ),
            Parameter(
                "ceiling_fall",
                2,
                0,
                40,
                "From a level at the top of the scale: points below it that count as a fall "
                "(a censored score hides how far the client's view fell).",
            ),
            Parameter(
                "ceiling_band",
                0.5,
                0,
                10,
                "How close to the top of the scale a level counts as at the top, in points.",
            ),
            Parameter(
                "confirm",
                1,
                0,
                1,
                "1: a fall in the scores alone waits for the next answer to confirm it (a "
                "critical comment, the next check-in still low, a missed session or a skipped "
                "check-in); 0: every fall counts at once.",
                integer=True,
            ),
            Parameter(
                "deep_fall",
                7,
                0,
                40,
                "Confirmation: a fall of at least this many points counts at once (0: none does).",
            ),
            Parameter(
                "still_low",
                0.5,
                0,
                40,
                "Confirmation: the next check-in still at least this many points below the level.",
            ),
        ),
        switchable=False,
    ),
    Rule(
        "rupture.below_cutoff",
        "rupture",
        "Check-in falls below the cut-off",
        "A check-in total below the instrument's cut-off after the client's previous one was at or "
        "above it.",
        "OpenFIT alert rule for the Session Rating Scale (score below the cut-off); the check-in's "
        "own cut-off (32 of 40) is in its scoring file.",
        (
            Parameter(
                "cutoff",
                0,
                0,
                1000,
                "Total below which a check-in is low; 0 means the instrument's own cut-off.",
            ),
        ),
    ),
    Rule(
        "rupture.drop_from_previous",
        "rupture",
        "Drop from the previous check-in",
        "A check-in at least this many points below the one before it.",
        "OpenFIT flags a drop of 1 point on the 40-point SRS; on Alliance's own check-in, whose "
        "session-to-session wobble is larger, the default is its reliable-change figure (5).",
        (Parameter("points", 5, 1, 40, "Points lower than the previous check-in."),),
    ),
    Rule(
        "rupture.drop_from_baseline",
        "rupture",
        "Drop below the client's own baseline",
        "A check-in at least k standard deviations below the mean of the client's earlier "
        "check-ins, once there are enough of them. Clients who always answer the same (often the "
        "maximum) have no spread: a floor on the standard deviation keeps a one-point wobble from "
        "counting.",
        "Stiles et al. 2004 and Strauss et al. 2006 (a 'V-shaped' dip of the client's own alliance "
        "score; 1 SD and 2 SD criteria are both used).",
        (
            Parameter("sd", 2.0, 0.5, 5, "Standard deviations below the baseline mean."),
            Parameter(
                "min_sessions", 3, 2, 20, "Earlier check-ins needed for a baseline.", integer=True
            ),
            Parameter("sd_floor", 1.5, 0.5, 10, "Smallest standard deviation used, in points."),
        ),
    ),
    Rule(
        "rupture.steady_decline",
        "rupture",
        "Steady decline",
        "Each of the last few check-ins lower than the one before, falling this many points in "
        "all: the slow slide of a client who is withdrawing rather than a sudden drop.",
        "Withdrawal ruptures (Safran and Muran 2000) often show as a gradual disengagement; the "
        "counts are project defaults.",
        (
            Parameter("checkins", 3, 3, 10, "Check-ins in a row, each lower.", integer=True),
            Parameter("points", 4, 1, 40, "Points fallen from the first to the last of them."),
        ),
    ),
    Rule(
        "rupture.negative_text",
        "rupture",
        "Dissatisfied free text",
        "The free-text answer of a check-in complains about the therapist or the therapy "
        "(confrontation) or withdraws from it (withdrawal), by a phrase list written here.",
        "Safran and Muran's rupture markers (confrontation, withdrawal); the phrase list is "
        "Alliance's own, see docs/signals.md.",
    ),
    Rule(
        "rupture.missed_after_low",
        "rupture",
        "Missed session right after a low check-in",
        "A late cancellation or no-show at the next appointment after a low check-in: one a "
        "score rule flagged, or one below the client's own level by the fall that counts "
        "(rupture.own_level).",
        "Withdrawal marker (Safran and Muran); product.md C7 (attendance as rupture evidence).",
    ),
    Rule(
        "rupture.transcript_markers",
        "rupture",
        "Rupture markers in a session transcript",
        "The conversation report of a session finds at least this many client turns with "
        "rupture markers: withdrawal (minimal answers, 'I don't know', deference) or "
        "confrontation (complaints about the therapist or the therapy). Only the counts reach "
        "the flag; the quotes stay in the encrypted report.",
        "Safran and Muran's rupture markers, coded locally (docs/conversation.md); the count is "
        "a project default.",
        (Parameter("min_markers", 3, 1, 50, "Client turns with a marker.", integer=True),),
    ),
    Rule(
        "rupture.recovered",
        "rupture",
        "Recovered to baseline (suggests resolution)",
        "After a rupture, a check-in back within this many points of the client's baseline "
        "(the mean before the rupture) without a new rupture marker: the engine suggests the "
        "rupture episode is resolved and the therapist confirms.",
        "The 'V' shape of a repaired rupture: drop then recovery (Stiles et al. 2004; Strauss "
        "et al. 2006).",
        (Parameter("margin", 2.0, 0, 20, "Points below the baseline still counted as back."),),
        switchable=False,
    ),
    Rule(
        "low_alliance.from_start",
        "low_alliance",
        "Weak alliance from the start",
        "The first check-ins are all below the cut-off: not a rupture (nothing broke), a bond "
        "that has not formed yet.",
        "A weak early alliance predicts dropout (Sharf et al. 2010, d about .55).",
        (Parameter("checkins", 2, 1, 10, "How many first check-ins.", integer=True),),
    ),
    Rule(
        "not_on_track.reliable_deterioration",
        "not_on_track",
        "Reliable deterioration",
        "An outcome score worse than the first one by at least the instrument's reliable-change "
        "figure.",
        "Jacobson and Truax 1991 (reliable change index); thresholds per instrument in its "
        "scoring file (PHQ-9 6, GAD-7 4: NHS Talking Therapies).",
    ),
    Rule(
        "not_on_track.no_reliable_improvement",
        "not_on_track",
        "No reliable improvement",
        "After this many attended sessions, a client who started in the clinical range has not "
        "improved reliably.",
        "NHS Talking Therapies reliable improvement; the session count is a project default.",
        (Parameter("after_sessions", 8, 2, 50, "Attended sessions.", integer=True),),
    ),
    Rule(
        "not_on_track.below_expected",
        "not_on_track",
        "Worse than expected",
        "An outcome score above the expected band for clients who started at the same severity, "
        "at the same session. The band comes from the practice's own ended episodes once there "
        "are enough, otherwise from the default curve.",
        "Lambert's expected treatment response (Lambert et al. 2002; Finch et al. 2001); the "
        "default curve is a project assumption, see docs/signals.md.",
        (
            Parameter(
                "min_episodes",
                30,
                5,
                1000,
                "Ended episodes per starting band before the practice's own band is used.",
                integer=True,
            ),
            Parameter(
                "expected_share_improved",
                0.35,
                0,
                1,
                "Default curve: share of the starting score lost by the end of a course.",
            ),
            Parameter(
                "half_life_sessions",
                4,
                1,
                30,
                "Default curve: sessions to reach half of that change.",
            ),
            Parameter(
                "tolerance",
                1.0,
                0,
                3,
                "Band width above the expected score, in reliable-change units.",
            ),
        ),
    ),
    Rule(
        "dropout.risk",
        "dropout_risk",
        "Dropout risk",
        "The probability, in percent, that the client leaves without a planned ending, from a "
        "logistic model of attendance (late cancellations, no-shows, time since the last session "
        "against the agreed frequency, how early in therapy), the alliance (the client's usual "
        "check-in, the latest one below the cut-off or the client's own level, falling, a rupture "
        "not yet recovered, check-ins no longer answered) and progress; flagged at or above the "
        "threshold. Each factor is shown in words with the percentage points it adds.",
        "Factors from Sharf et al. 2010 (weak alliance and dropout), Safran, Muran and "
        "Eubanks-Carter 2011 (unrepaired ruptures and dropout), Swift and Greenberg 2012 "
        "(about 1 in 5 clients drop out; early sessions carry most of it); the coefficients are "
        "fitted on the calibrated simulator (alliance/signals/data/dropout_model.json) and can "
        "be re-estimated on the practice's own endings, see docs/signals.md.",
        (
            # 35: keeps the calibrated tuning seeds 101-103 within the alert budget of 3 new
            # flags per therapist a week once the rupture rules of 2026-12-03 spend more of it
            # (2.82, 2.76, 2.90; seed 101 was 3.00 at 30 with those rules; before them, at 30:
            # 2.75, 2.87, 3.00, at 25: 2.96, 3.12, 3.23), docs/signals.md "Alert load".
            Parameter(
                "threshold",
                35.0,
                1,
                99,
                "Percent at which the risk is flagged (moderate from half of it).",
            ),
        ),
    ),
    Rule(
        "crisis.safety_item",
        "crisis",
        "Safety item answered",
        "A safety item (PHQ-9 item 9) answered at or above its threshold. Never cleared "
        "automatically: a therapist acknowledges it with a note.",
        "PHQ-9 item 9 (Kroenke et al. 2001); threshold in the instrument's scoring file (1).",
    ),
    Rule(
        "crisis.language",
        "crisis",
        "Crisis language in free text",
        "Any free text the client writes (check-in comment, session preparation) is read as "
        "suicide or self-harm risk: by a lexicon of expressions grouped by construct (ideation, "
        "plan, intent, means, preparation, hopelessness, burdensomeness, self-harm, not being "
        "safe), with clear denials, idioms and history set aside, or by a small classifier. "
        "Never cleared automatically.",
        "Alliance's own lexicon and classifier (docs/signals.md); errs towards flagging.",
    ),
)

RULES_BY_ID = {rule.id: rule for rule in RULES}


@dataclass(frozen=True)
class RuleSet:
    """The parameters in force for one practice: defaults with the practice's overrides."""

    values: dict[str, dict[str, float]]
    disabled: frozenset[str] = frozenset()
    # The practice's adopted dropout-model coefficients (None: the shipped ones).
    dropout_model: DropoutModel | None = None

    def enabled(self, rule_id: str) -> bool:
        return rule_id not in self.disabled

    def param(self, rule_id: str, name: str) -> float:
        return self.values[rule_id][name]

    def params(self, rule_id: str) -> dict[str, float]:
        return dict(self.values[rule_id])


def defaults() -> RuleSet:
    return RuleSet({rule.id: {p.name: p.default for p in rule.parameters} for rule in RULES})


def rule_set(overrides: dict[str, Any] | None, disabled: list[str] | None = None) -> RuleSet:
    """Defaults with ``overrides`` applied; unknown rules or parameters are ignored, values checked."""
    values = defaults().values
    for rule_id, params in (overrides or {}).items():
        rule = RULES_BY_ID.get(rule_id)
        if rule is None or not isinstance(params, dict):
            continue
        for parameter in rule.parameters:
            if parameter.name in params:
                values[rule_id][parameter.name] = check_value(parameter, params[parameter.name])
    # Crisis rules cannot be switched off: a practice may tune what it is told, not whether it
    # hears that a client may be in danger.
    switched_off = frozenset(
        r
        for r in (disabled or [])
        if r in RULES_BY_ID and RULES_BY_ID[r].switchable and RULES_BY_ID[r].kind != "crisis"
    )
    return RuleSet(values, switched_off)


def check_value(parameter: Parameter, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DomainError(f"{parameter.name} must be a number.", field=parameter.name) from None
    if not parameter.minimum <= number <= parameter.maximum:
        raise DomainError(
            f"{parameter.name} must be between {parameter.minimum:g} and {parameter.maximum:g}.",
            field=parameter.name,
        )
    if parameter.integer and number != int(number):
        raise DomainError(f"{parameter.name} must be a whole number.", field=parameter.name)
    return int(number) if parameter.integer else number
