"""The knobs of a scenario: one frozen record per scenario, each value set (and sourced) there.

Both scenarios run the same generator (``simulation.generator``); what differs between them is
only what these fields say, so a reader can compare their assumptions line by line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Params:
    name: str
    gap_days: int  # agreed interval between sessions
    planned_sessions: tuple[int, int]  # planned endings after this many sessions (inclusive)
    planned_mode: float  # most common planned length
    planned_spread: float  # width of the (Gaussian-shaped) planned-length distribution
    # Therapists: a share of the latent alliance variance lies between therapists, and each
    # therapist has their own rupture rate (log-normal multiplier) and repair skill.
    therapists: int
    therapist_share: float
    therapist_rupture_sd: float
    therapist_repair_sd: float
    # Response styles on the 0-40 check-in.
    ceiling_logit: float  # P(top-box style) = logistic(logit + slope * alliance)
    ceiling_slope: float
    ceiling_headroom: tuple[float, float]  # latent points above 40 of a top-box responder
    ceiling_noise: float  # multiplier of a top-box responder's session-to-session SD
    low_share: float  # clients who answer low whatever the relationship (floor-ish)
    low_level: tuple[float, float]
    typical_mean: float  # latent level of a typical responder at average alliance
    typical_sd: float  # points per SD of alliance
    idiosyncratic_sd: float  # scale use unrelated to alliance
    growth: tuple[float, float]  # early rise of the alliance (mean, SD), points
    noise_sd: tuple[float, float]  # per-client session-to-session SD range, points
    noise_phi: float  # AR(1) persistence
    noise_df: float  # Student-t degrees of freedom of the innovations (heavy tails)
    bad_day_rate: tuple[float, float]  # per-client range, per session
    bad_day_depth: tuple[float, float]
    # Ruptures.
    rupture_rate: float  # per engaged session at average alliance and therapist
    rupture_slope: float  # log-rate change per SD of (lower) alliance
    repair_logit: float
    repair_slope: float
    confrontation_share: float
    rupture_depth: tuple[float, float]  # latent points at the bottom of the dip
    persist: tuple[float, float]  # share of the depth an unrepaired rupture keeps
    rupture_shows: tuple[tuple[str, float], ...]  # "total", "item" (one item only), "none"
    recent_miss_mult: float  # no-shows and late cancellations after an unrepaired rupture
    # Dropout chain (see ``simulation.chain``).
    silent_base: float
    silent_decay: float  # per-session factor: leaving is front-loaded
    silent_slope: float  # log-hazard change per SD of (lower) alliance
    disengage_base: float
    disengage_decay: float
    disengage_slope: float
    recent_silent: float
    recent_disengage: float
    old_mult: float
    disengage_lengths: tuple[tuple[int, float], ...]
    disengaged_miss: float
    disengaged_drop: float
    drift_step: tuple[float, float]  # latent points lost per attended disengaging session
    disengaged_answer: float  # multiplier of the check-in answer rate while disengaging
    # Attendance of an engaged client, per appointment.
    no_show: float
    late_cancel: float
    cancelled: float
    holiday: float  # P(a skipped slot: nothing booked that interval)
    # Check-ins and comments.
    answer_rate: tuple[float, float]  # Beta(a, b) of a client's check-in answer rate
    blank_total: float  # P(a check-in with a comment but no total)
    never_comment: float  # share of clients who never comment
    comment_rate: tuple[float, float]  # Beta(a, b) of a commenter's comment rate
    confrontation_comment: tuple[float, float]  # P(complaint) at onset: commenter, non-commenter
    withdrawal_comment: tuple[float, float]  # P(minimal answer) per sliding session
    life_comment: tuple[float, float]  # P(a life-outside comment) on a bad day
    extra_rate: float  # share of ordinary comments drawn from ``ordinary_extra``
    crisis_rate: float  # P(crisis words) per check-in at average ideation
    # PHQ-9 (higher is worse, 0-27).
    intake: tuple[float, float]  # mean, SD
    gain_mean: float  # expected improvement by the end of a full course, points
    gain_intake: float  # extra improvement per point of intake above 15
    gain_slope: float  # improvement per SD of alliance
    gain_sd: float
    gain_tau: float  # sessions: improvement follows 1 - exp(-(sessions - 1) / tau)
    repaired_bonus: float  # extra improvement after a repaired rupture
    unrepaired_loss: float  # lost improvement after an unrepaired rupture
    phq_noise: float
    phq_missing: float
    item9_logit: float  # P(item 9 > 0) = logistic(logit + slope * (PHQ - 15) + ideation)
    item9_slope: float
    ideation_sd: float
