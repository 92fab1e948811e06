"""The HTML form for an instrument, built from its items: radio rows for scales and choices,
a text box for free text. It works without JavaScript and on a phone."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from alliance.measures.definitions import Instrument, Item, ItemType


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class FieldView:
    item: Item
    choices: tuple[Choice, ...]
    value: str
    error: str

    @property
    def is_scale(self) -> bool:
        return self.item.type == ItemType.INTEGER

    @property
    def is_text(self) -> bool:
        return self.item.type == ItemType.TEXT


def _choices(item: Item) -> tuple[Choice, ...]:
    if item.type == ItemType.CHOICE:
        return tuple(Choice(str(option.value), option.display) for option in item.options)
    if item.type == ItemType.INTEGER:
        low, high = item.min_value or 0, item.max_value or 0
        return tuple(Choice(str(number), str(number)) for number in range(low, high + 1))
    return ()


def field_views(
    instrument: Instrument, data: QueryDict | None = None, errors: dict[str, str] | None = None
) -> list[FieldView]:
    errors = errors or {}
    return [
        FieldView(
            item=item,
            choices=_choices(item),
            value=(data.get(item.link_id, "") if data is not None else ""),
            error=errors.get(item.link_id, ""),
        )
        for item in instrument.items
    ]


def raw_answers(instrument: Instrument, data: QueryDict) -> dict[str, object]:
    """Only the instrument's own items: other POST fields (the CSRF token) are not answers."""
    return {item.link_id: data.get(item.link_id) for item in instrument.items}
