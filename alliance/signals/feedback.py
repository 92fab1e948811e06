"""Closing the loop: the client's own written feedback that the practice answered, for the portal.

The portal already loads the client's own answers; it loads them with
``select_related("feedback_reply")`` so that picking the answered ones costs no query more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from alliance.measures.models import MeasureResponse
from alliance.signals.models import FeedbackReply

CLOSED_LOOP_SHOWN = 5


@dataclass(frozen=True)
class ClosedLoop:
    you_told_us: str
    told_at: datetime
    what_we_changed: str
    changed_at: datetime


def closed_loop(
    responses: Iterable[MeasureResponse], limit: int = CLOSED_LOOP_SHOWN
) -> list[ClosedLoop]:
    """The latest replies to these responses' comments, newest reply first.

    ``responses`` must be the client's own answers, loaded with ``select_related("feedback_reply")``
    (otherwise each one costs a query).
    """
    answered: list[tuple[MeasureResponse, FeedbackReply]] = []
    for response in responses:
        try:
            reply = response.feedback_reply
        except FeedbackReply.DoesNotExist:
            continue
        if response.respondent_role == "client" and response.comment.strip():
            answered.append((response, reply))
    answered.sort(key=lambda pair: (pair[1].written_at, pair[1].pk), reverse=True)
    return [
        ClosedLoop(
            response.comment.strip(), response.submitted_at, reply.what_we_changed, reply.written_at
        )
        for response, reply in answered[:limit]
    ]
