"""The contrary scenario: a practice built on deliberately different assumptions.

Rules tuned on the calibrated scenario can be checked here for how much of their performance
came from that scenario's assumptions. Nothing here is calibrated to the literature; every
value is a stated assumption, chosen to differ from the calibrated scenario:

- Sessions are fortnightly (``agreed_gap_days`` 14) and short courses: planned endings after
  4-12 sessions, most around 6.
- No ceiling effect. Typical clients answer mid-scale (27 of 40 at average alliance, with wide
  idiosyncratic scale use, SD 5); 30 % are habitually low raters who answer 6-18 whatever the
  relationship (a floor-ish group that sits under any cut-off all the time).
- Larger, less persistent noise: session-to-session SD 2.5-5 points, AR(1) phi 0.15,
  Student-t(3) innovations; bad days are more frequent (5-12 % of sessions).
- Ruptures (about 40 % of episodes; repaired about half the time) do not show in the check-in
  total the way a dip would: half show nowhere in the scores (only in comments and attendance),
  half in one item only (that item drops 3-7 points). After an unrepaired rupture, no-shows
  and late cancellations are four times as likely for three intervals.
- A higher dropout rate, about 35 %, and most dropouts (about two thirds) warn only by
  attendance: a disengagement here is two to four appointments of which each but the last is
  missed three times in four, with check-ins mostly unanswered and no slide in the scores.
  About a quarter of dropouts leave with no warning at all.
- Higher base rates of missed appointments for engaged clients: no-shows 8 %, late
  cancellations 6 %, cancellations with notice 10 % of appointments, a skipped interval 6 %.
- Check-ins are answered 60 % of the time; comments are frequent (85 % of clients comment, on
  about 40 % of their check-ins) and use a different vocabulary (``contrary_comments``):
  colloquial, admin grumbles, hedged and indirect complaints, clipped text-speak withdrawal.
- Larger therapist differences: 15 % of latent alliance variance between 12 therapists,
  rupture rates varying with a log-normal SD of 0.6.
- PHQ-9: more severe at intake (17, SD 5), smaller and noisier improvement, 12 % of scheduled
  PHQ-9s missing; item 9 and crisis words a little more frequent than in the calibrated
  scenario.
"""

from __future__ import annotations

from collections.abc import Sequence

from simulation.contrary_comments import BOOK
from simulation.episode import SimEpisode
from simulation.params import Params
from simulation.practice import simulate_practice

PARAMS = Params(
    name="contrary",
    gap_days=14,
    planned_sessions=(4, 12),
    planned_mode=6.0,
    planned_spread=4.0,
    therapists=12,
    therapist_share=0.15,
    therapist_rupture_sd=0.6,
    therapist_repair_sd=0.6,
    ceiling_logit=-30.0,  # no top-box responders
    ceiling_slope=0.0,
    ceiling_headroom=(0.0, 0.0),
    ceiling_noise=1.0,
    low_share=0.30,
    low_level=(6.0, 18.0),
    typical_mean=27.0,
    typical_sd=4.0,
    idiosyncratic_sd=5.0,
    growth=(1.0, 1.0),
    noise_sd=(2.5, 5.0),
    noise_phi=0.15,
    noise_df=3.0,
    bad_day_rate=(0.05, 0.12),
    bad_day_depth=(3.0, 10.0),
    rupture_rate=0.10,
    rupture_slope=0.2,
    repair_logit=0.0,
    repair_slope=0.3,
    confrontation_share=0.4,
    rupture_depth=(3.0, 7.0),  # the one item's drop, when the rupture shows in an item
    persist=(0.5, 1.0),
    rupture_shows=(("none", 0.5), ("item", 0.5)),
    recent_miss_mult=4.0,
    silent_base=0.021,
    silent_decay=0.95,
    silent_slope=0.4,
    disengage_base=0.052,
    disengage_decay=0.95,
    disengage_slope=0.4,
    recent_silent=3.0,
    recent_disengage=3.0,
    old_mult=1.5,
    disengage_lengths=((2, 1.0), (3, 1.0), (4, 1.0)),
    disengaged_miss=0.75,
    disengaged_drop=0.9,
    drift_step=(0.0, 0.0),  # disengagement shows in attendance, not in the scores
    disengaged_answer=0.35,
    no_show=0.08,
    late_cancel=0.06,
    cancelled=0.10,
    holiday=0.06,
    answer_rate=(3.0, 2.0),
    blank_total=0.04,
    never_comment=0.15,
    comment_rate=(3.0, 4.5),
    confrontation_comment=(0.8, 0.5),
    withdrawal_comment=(0.6, 0.3),
    life_comment=(0.6, 0.3),
    extra_rate=0.05,
    crisis_rate=0.004,
    intake=(17.0, 5.0),
    gain_mean=4.5,
    gain_intake=0.3,
    gain_slope=1.5,
    gain_sd=5.0,
    gain_tau=3.0,
    repaired_bonus=1.0,
    unrepaired_loss=2.5,
    phq_noise=2.5,
    phq_missing=0.12,
    item9_logit=-1.8,
    item9_slope=0.15,
    ideation_sd=1.3,
)


def simulate(
    episodes: int,
    seed: int,
    crisis_comments: Sequence[str],
    ordinary_extra: Sequence[str] = (),
) -> list[SimEpisode]:
    """The contrary practice: ``episodes`` care episodes, deterministic for a ``seed``."""
    return simulate_practice(PARAMS, BOOK, episodes, seed, crisis_comments, ordinary_extra)
