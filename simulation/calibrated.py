"""The calibrated scenario: a weekly-session practice tuned to published effect sizes.

Every constant that a study speaks to names it next to the value; the rest are marked as
assumptions. Constants were tuned until the realised effect sizes (``simulation.calibration``,
on 2 x 2,000 episodes) sit near their targets, never against the engine's rules, which the
authors of this module did not read. The generative model itself is described in
``simulation.chain`` (how episodes end), ``simulation.generator`` (latent draws) and
``simulation.express`` (what is observed).
"""

from __future__ import annotations

from collections.abc import Sequence

from simulation.comments import BOOK
from simulation.episode import SimEpisode
from simulation.params import Params
from simulation.practice import simulate_practice

PARAMS = Params(
    name="calibrated",
    gap_days=7,  # weekly sessions: the usual outpatient arrangement (assumption)
    # Planned endings after 6-20 sessions (the brief's range), most around 6-12: a typical
    # short-term outpatient course (assumption).
    planned_sessions=(6, 20),
    planned_mode=9.0,
    planned_spread=5.0,
    # Therapist effects. Baldwin, Wampold & Imel (2007) and Del Re et al. (2012): therapists
    # differ in the alliance they form, and that between-therapist part carries the
    # alliance-outcome link; about 5 % of outcome variance lies between therapists (Wampold &
    # Brown 2005). We put 8 % of the latent alliance variance between therapists (a modest
    # effect) and let rupture rate (log-normal SD 0.35) and repair skill vary (assumptions).
    therapists=20,
    therapist_share=0.08,
    therapist_rupture_sd=0.35,
    therapist_repair_sd=0.3,
    # Response styles. Ceiling effects are moderate to large on client-rated alliance
    # measures (Meier & Feeley 2022, 37 studies, J Couns Psychol 69:235); on session
    # ratings about half the clients answer at or near the top every time (the brief quotes
    # "54 % gave the top score every time"); here two clients in three have a top-box style, of
    # whom the ones without a rupture or a bad day give 40 every time (about 40 % of all
    # clients; 48 % at 38 or above every time). Top-box answering is likelier the better the
    # alliance (Meier & Feeley read the ceiling as a threshold of an established alliance).
    # A top-box client starts at the top (no early growth) and wobbles less (assumptions).
    ceiling_logit=0.8,
    ceiling_slope=0.8,
    ceiling_headroom=(3.0, 10.0),
    ceiling_noise=0.6,
    low_share=0.06,  # a few habitually low raters (assumption)
    low_level=(16.0, 24.0),
    typical_mean=32.0,  # a typical responder sits below the top, around the product's cutoff
    typical_sd=3.5,
    idiosyncratic_sd=2.5,
    growth=(2.0, 1.5),  # the alliance rises a little over the first sessions (assumption)
    # Session-to-session variation: AR(1), phi 0.4, Student-t(4) innovations (assumption:
    # heavy tails, per the brief; no published estimate for a 0-40 check-in was found).
    noise_sd=(0.8, 2.5),
    noise_phi=0.4,
    noise_df=4.0,
    bad_day_rate=(0.02, 0.07),  # dips unrelated to the relationship (assumption)
    bad_day_depth=(4.0, 12.0),
    # Ruptures. Clients report ruptures in 19-42 % of sessions (Eubanks, Muran & Safran 2018);
    # at the episode level we aim for about 35 % of episodes with at least one rupture large
    # enough to leave a mark in the data (our choice within that literature: many session-level
    # strains are too small to show on a four-item check-in).
    rupture_rate=0.055,
    rupture_slope=0.35,  # weaker alliances rupture more often (assumption)
    # About 55 % repaired (assumption: a retrospective study found 13 of 30 patients' ruptures
    # resolved; session reports in Muran et al. 2009 find most at least partly resolved).
    repair_logit=0.4,
    repair_slope=0.4,
    confrontation_share=0.5,  # confrontation vs withdrawal (assumption: no base rate found)
    rupture_depth=(6.0, 15.0),
    persist=(0.4, 0.7),
    rupture_shows=(("total", 1.0),),
    recent_miss_mult=2.5,
    # Dropout chain, tuned so that about 19.7 % drop out (Swift & Greenberg 2012), 40 % of them
    # without warning (the brief), and dropouts' mean check-in is d ~ 0.55 below completers'
    # (Sharf, Primavera & Diener 2010). Leaving is front-loaded: most dropouts happen in the
    # first few sessions (Swift & Greenberg 2012).
    silent_base=0.0125,
    silent_decay=0.88,
    silent_slope=0.85,
    disengage_base=0.0118,
    disengage_decay=0.93,
    disengage_slope=0.85,
    recent_silent=6.0,
    recent_disengage=4.0,
    old_mult=1.5,
    disengage_lengths=((2, 1.0), (3, 1.0), (4, 1.0)),
    disengaged_miss=0.5,
    disengaged_drop=0.8,  # one in five disengaging clients comes back (assumption)
    drift_step=(2.0, 4.0),
    disengaged_answer=0.75,
    # Attendance of engaged clients: non-attendance at psychiatric outpatient clinics is often
    # reported near one appointment in five (reviewed by Mitchell & Selmes 2007, Adv Psychiatr
    # Treat 13:423); for engaged clients of a weekly therapy practice we assume less: 5 %
    # no-shows, 4 % late cancellations, 7 % cancellations with notice (assumptions). Misses
    # are 2.5 times as likely in the three intervals after an unrepaired rupture (assumption).
    no_show=0.05,
    late_cancel=0.04,
    cancelled=0.07,
    holiday=0.04,
    # Check-ins: answered 85 % of the time; 40 % of clients never comment and commenters write
    # on about a quarter of check-ins (assumptions: no published rate for session-form comments).
    answer_rate=(8.5, 1.5),
    blank_total=0.02,
    never_comment=0.4,
    comment_rate=(2.0, 6.0),
    # Few ruptures are voiced: clients often keep negative reactions to themselves (Hill et al.
    # 1993; Rennie 1994), so a complaint accompanies a confrontation rupture 60 % of the time
    # in commenters, 30 % in clients who otherwise never comment (assumption).
    confrontation_comment=(0.6, 0.3),
    withdrawal_comment=(0.45, 0.15),
    life_comment=(0.5, 0.15),
    extra_rate=0.03,
    crisis_rate=0.002,  # crisis words in about one check-in in 500 (assumption)
    # PHQ-9: intake about 15.5 (SD 5) and a mean improvement of about 6 points in a full course,
    # typical of NHS Talking Therapies data (assumption from published annual reports). The
    # alliance part of the improvement is tuned so that r(mean check-in, improvement) ~ .28
    # (Flueckiger et al. 2018, 295 studies); the repair effect so that within ruptured episodes
    # r(share repaired, improvement) ~ .29 (Eubanks, Muran & Safran 2018). Because the
    # observed check-in carries the latent alliance only partly (half the clients sit at the
    # ceiling), reaching r = .28 on it takes a strong latent link: the latent alliance
    # correlates about .7 with a client's improvement potential.
    intake=(15.5, 5.0),
    gain_mean=6.0,
    gain_intake=0.35,
    gain_slope=5.0,
    gain_sd=4.0,
    gain_tau=4.0,
    repaired_bonus=1.4,
    unrepaired_loss=1.4,
    phq_noise=2.0,
    phq_missing=0.05,
    # Item 9 above 0 in roughly one PHQ-9 in seven, likelier when more depressed; up to 10 % of
    # outpatients treated for depression answer "more than half the days" or "nearly every
    # day" (Simon et al. 2013, Psychiatr Serv 64:1195).
    item9_logit=-1.8,
    item9_slope=0.15,
    ideation_sd=1.2,
)


def simulate(
    episodes: int,
    seed: int,
    crisis_comments: Sequence[str],
    ordinary_extra: Sequence[str] = (),
) -> list[SimEpisode]:
    """The calibrated practice: ``episodes`` care episodes, deterministic for a ``seed``."""
    return simulate_practice(PARAMS, BOOK, episodes, seed, crisis_comments, ordinary_extra)
