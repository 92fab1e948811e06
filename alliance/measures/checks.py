"""A system check that loads every instrument folder, so that a malformed file (most likely one a
practice added through ``ALLIANCE_INSTRUMENT_DIRS``) stops start-up with its file name, the item
and the problem, instead of failing the first time someone opens a form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error

from alliance.measures.registry import configured_dirs, instrument_problems


def check_instruments(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    return [
        Error(
            str(problem),
            hint=(
                f"Fix {problem.path}, or move its folder out of the instrument folders. "
                "The file format is described in docs/instruments.md."
            ),
            id="measures.E001",
        )
        for problem in instrument_problems(*configured_dirs())
    ]
