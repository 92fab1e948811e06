"""A practice's own signal rules: which are on, and any parameter changed from its default.

The admin page (``administration.views.signal_rules``) shows every rule of the catalogue with its
default and the practice's value, and saves through ``save_signal_settings``. What is stored is
only what differs from the defaults: an empty field, or the default itself, means "use the
default", so a better default in a later release reaches every practice that did not choose
otherwise. ``request_practice_evaluation`` queues a re-evaluation of the whole practice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.errors import DomainError
from alliance.practice.models import Practice
from alliance.signals.catalogue import RULES, RULES_BY_ID, Parameter, Rule, check_value
from alliance.signals.models import FlagKind, SignalSettings


@dataclass(frozen=True)
class ParameterRow:
    parameter: Parameter
    field_name: str  # the form field: "<rule id>:<parameter name>"
    override: float | None  # the practice's own value, if it has one

    @property
    def in_force(self) -> float:
        return self.parameter.default if self.override is None else self.override

    @property
    def default_text(self) -> str:
        return f"{self.parameter.default:g}"

    @property
    def override_text(self) -> str:
        return "" if self.override is None else f"{self.override:g}"

    @property
    def range_text(self) -> str:
        p = self.parameter
        return f"{p.minimum:g} to {p.maximum:g}" + (", whole numbers" if p.integer else "")


@dataclass(frozen=True)
class RuleRow:
    rule: Rule
    enabled: bool
    parameters: list[ParameterRow]

    @property
    def kind_label(self) -> str:
        return str(dict(FlagKind.choices).get(self.rule.kind, self.rule.kind))

    @property
    def is_crisis(self) -> bool:
        return self.rule.kind == FlagKind.CRISIS


def field_name(rule: Rule, parameter: Parameter) -> str:
    return f"{rule.id}:{parameter.name}"


def settings_for(practice_id: int) -> SignalSettings | None:
    return SignalSettings.objects.filter(practice_id=practice_id).first()


def rule_rows(stored: SignalSettings | None) -> list[RuleRow]:
    """Every rule of the catalogue, in its order, with the practice's choices."""
    overrides: dict[str, Any] = stored.overrides if stored is not None else {}
    disabled = set(stored.disabled_rules) if stored is not None else set()
    rows = []
    for rule in RULES:
        own = overrides.get(rule.id) or {}
        rows.append(
            RuleRow(
                rule=rule,
                enabled=rule.id not in disabled,
                parameters=[
                    ParameterRow(p, field_name(rule, p), own.get(p.name)) for p in rule.parameters
                ],
            )
        )
    return rows


def _checked(rule: Rule, parameter: Parameter, value: Any) -> float:
    try:
        return check_value(parameter, value)
    except DomainError as error:
        raise DomainError(
            f"{rule.title}: {error.message}", field=field_name(rule, parameter)
        ) from None


def clean_overrides(values: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """``{rule id: {parameter: value}}`` checked against the catalogue; empty values and values
    equal to the default are left out. Raises ``DomainError`` naming the rule and parameter."""
    cleaned: dict[str, dict[str, float]] = {}
    for rule_id, params in values.items():
        rule = RULES_BY_ID.get(rule_id)
        if rule is None:
            raise DomainError(f"There is no rule {rule_id!r}.")
        known = {p.name: p for p in rule.parameters}
        for name, value in params.items():
            parameter = known.get(name)
            if parameter is None:
                raise DomainError(f"{rule.title} has no parameter {name!r}.")
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            number = _checked(rule, parameter, value.strip() if isinstance(value, str) else value)
            if number != parameter.default:
                cleaned.setdefault(rule_id, {})[name] = number
    return cleaned


@transaction.atomic
def save_signal_settings(
    *,
    actor: Actor,
    practice: Practice,
    values: Mapping[str, Mapping[str, Any]],
    enabled: Iterable[str],
) -> SignalSettings:
    """Store the practice's parameter values and which rules are on (every rule not in
    ``enabled`` is switched off). Audited with what changed."""
    overrides = clean_overrides(values)
    on = set(enabled)
    unknown = on - set(RULES_BY_ID)
    if unknown:
        raise DomainError(f"There is no rule {sorted(unknown)[0]!r}.")
    disabled = [
        rule.id for rule in RULES if rule.id not in on and rule.switchable and rule.kind != "crisis"
    ]
    stored, _ = SignalSettings.objects.select_for_update().get_or_create(practice=practice)
    before = {"overrides": stored.overrides, "disabled_rules": stored.disabled_rules}
    after = {"overrides": overrides, "disabled_rules": disabled}
    if before == after:
        return stored
    stored.overrides = overrides
    stored.disabled_rules = disabled
    stored.updated_at = timezone.now()
    stored.updated_by = actor.user
    stored.save(update_fields=["overrides", "disabled_rules", "updated_at", "updated_by"])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="signal rules",
        obj=stored,
        detail={"before": before, "after": after},
    )
    return stored


@transaction.atomic
def request_practice_evaluation(*, actor: Actor, practice: Practice) -> None:
    """Queue a re-evaluation of every care episode of the practice (after the commit)."""
    from alliance.signals.tasks import evaluate_practice_task

    record(
        actor=actor,
        action=AuditAction.CREATE,
        target="signals re-evaluation",
        obj=practice,
    )
    practice_id = practice.pk
    transaction.on_commit(lambda: evaluate_practice_task.enqueue(practice_id))
