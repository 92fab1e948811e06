"""Panels other apps add to the clinician's session page (the conversation analysis of the
session, for one). An app registers a panel when it starts; the session page draws each with
the context its function gives, so sessions need not know the apps that build on them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from alliance.accounts.models import User
from alliance.appointments.models import Appointment


@dataclass(frozen=True)
class Panel:
    template: str  # included by sessions/page.html
    name: str  # the template's variable for what ``context`` returns
    context: Callable[[User, Appointment], Any]


_PANELS: list[Panel] = []


def add_panel(panel: Panel) -> None:
    if all(existing.name != panel.name for existing in _PANELS):
        _PANELS.append(panel)


def panels_for(user: User, appointment: Appointment) -> dict[str, Any]:
    """The context of every registered panel, and their templates in order."""
    context: dict[str, Any] = {panel.name: panel.context(user, appointment) for panel in _PANELS}
    context["session_panels"] = [panel.template for panel in _PANELS]
    return context
