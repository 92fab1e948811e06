"""Did what a client just sent raise a crisis? Asked by the pages that thank a client for a form
or a session preparation, so that the practice's crisis procedure is shown on the spot.

The signals app answers: it registers its check when it starts (``answer_with``), because it
builds on the apps whose forms a client sends, not the other way round. Without a check
registered, nothing raised a crisis.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

Check = Callable[[models.Model], bool]
_CHECKS: list[Check] = []


def answer_with(check: Check) -> None:
    if check not in _CHECKS:
        _CHECKS.append(check)


def raised_crisis(submission: models.Model) -> bool:
    return any(check(submission) for check in _CHECKS)
