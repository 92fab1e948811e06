"""Reading and checking one instrument folder: its FHIR ``questionnaire.json`` and its
``scoring.json``. Anything malformed raises ``InstrumentFileError`` naming the file, the item and
the problem. The format is described in ``docs/instruments.md``; ``alliance.measures.registry``
loads the folders and keeps the instruments.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn

from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic import ValidationError

from alliance.measures.definitions import (
    Aggregation,
    AnswerOption,
    Band,
    Direction,
    Instrument,
    InstrumentKind,
    Item,
    ItemType,
    MissingRule,
    Respondent,
    ScoringRules,
)

QUESTIONNAIRE_FILE = "questionnaire.json"
SCORING_FILE = "scoring.json"

LOINC_SYSTEM = "http://loinc.org"
# The numeric value of an answer option. itemWeight is the current HL7 name (SDC, extensions
# pack); ordinalValue is the R4 core name for the same thing, accepted when reading.
ITEM_WEIGHT_URL = "http://hl7.org/fhir/StructureDefinition/itemWeight"
ORDINAL_VALUE_URL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
MIN_VALUE_URL = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE_URL = "http://hl7.org/fhir/StructureDefinition/maxValue"
ITEM_CONTROL_URL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"

_ITEM_TYPES = {
    "choice": ItemType.CHOICE,
    "integer": ItemType.INTEGER,
    "string": ItemType.TEXT,
    "text": ItemType.TEXT,
}


class InstrumentFileError(Exception):
    """An instrument file that cannot be loaded, and why, in words a practice manager can act on."""

    def __init__(self, path: Path, problem: str, item: str | None = None) -> None:
        self.path = path
        self.item = item
        self.problem = problem
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path.parent.name}/{self.path.name}"
        if self.item is not None:
            return f'{where}: item "{self.item}": {self.problem}'
        return f"{where}: {self.problem}"


# --- Reading a folder ----------------------------------------------------------------------------


def load_instrument_folder(path: Path | str) -> Instrument:
    """Read and check one instrument folder; raise ``InstrumentFileError`` on the first problem."""
    folder = Path(path)
    questionnaire_path = folder / QUESTIONNAIRE_FILE
    scoring_path = folder / SCORING_FILE
    questionnaire = _read_json(questionnaire_path)
    parsed = _QuestionnaireReader(folder, questionnaire_path, questionnaire).read()
    scoring = _read_json(scoring_path)
    return _ScoringReader(scoring_path, scoring, parsed).read()


def _read_json(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstrumentFileError(path, "the file is missing") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InstrumentFileError(path, f"the file cannot be read ({error})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problem = f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        raise InstrumentFileError(path, problem) from None
    if not isinstance(data, dict):
        raise InstrumentFileError(path, "the file must hold one JSON object ({...})")
    return data


@dataclass(frozen=True)
class _ParsedQuestionnaire:
    id: str
    version: str
    title: str
    description: str
    instructions: str
    loinc: str | None
    items: tuple[Item, ...]
    raw: dict[str, Any]


class _QuestionnaireReader:
    def __init__(self, folder: Path, path: Path, data: dict[str, Any]) -> None:
        self.folder = folder
        self.path = path
        self.data = data
        self.link_ids: set[str] = set()
        self.items: list[Item] = []
        self.instructions: list[str] = []

    def fail(self, problem: str, item: str | None = None) -> NoReturn:
        raise InstrumentFileError(self.path, problem, item)

    def read(self) -> _ParsedQuestionnaire:
        data = self.data
        if data.get("resourceType") != "Questionnaire":
            self.fail('"resourceType" must be "Questionnaire"')
        self.validate_fhir()
        instrument_id = data.get("id")
        if instrument_id != self.folder.name:
            self.fail(f'"id" is {instrument_id!r} but the folder is named "{self.folder.name}"')
        version = data.get("version")
        title = data.get("title")
        if not version:
            self.fail('"version" is missing: every stored response records it')
        if not title:
            self.fail('"title" is missing')
        if data.get("status") != "active":
            self.fail(f'"status" is {data.get("status")!r}; only "active" questionnaires load')
        self.read_items(data.get("item", []))
        if not any(item.scored for item in self.items):
            self.fail("there are no scored items (choice or integer)")
        return _ParsedQuestionnaire(
            id=str(instrument_id),
            version=str(version),
            title=str(title),
            description=str(data.get("description", "")),
            instructions="\n\n".join(self.instructions),
            loinc=_loinc_code(data.get("code")),
            items=tuple(self.items),
            raw=data,
        )

    def validate_fhir(self) -> None:
        try:
            Questionnaire.model_validate(self.data)
        except ValidationError as error:
            item, problem = _describe_fhir_error(self.data, error)
            self.fail(f"not a valid FHIR R4 Questionnaire: {problem}", item)

    def read_items(self, raw_items: list[dict[str, Any]]) -> None:
        for raw in raw_items:
            link_id = self.claim_link_id(raw)
            kind = raw.get("type")
            for unsupported in ("enableWhen", "repeats", "answerValueSet"):
                if raw.get(unsupported):
                    self.fail(f'"{unsupported}" is not supported by Alliance', link_id)
            if kind == "group":
                if raw.get("text"):
                    self.instructions.append(str(raw["text"]))
                self.read_items(raw.get("item", []))
            elif kind == "display":
                if raw.get("item"):
                    self.fail("a display item cannot hold other items", link_id)
                self.instructions.append(str(raw.get("text", "")))
            elif kind in _ITEM_TYPES:
                self.items.append(self.read_question(raw, link_id, _ITEM_TYPES[kind]))
            else:
                self.fail(
                    f'type "{kind}" is not supported (use choice, integer, string or text; '
                    "display for instructions; group to group them)",
                    link_id,
                )

    def claim_link_id(self, raw: dict[str, Any]) -> str:
        link_id = str(raw["linkId"])
        if link_id in self.link_ids:
            self.fail("this linkId is used twice; every linkId must be unique", link_id)
        self.link_ids.add(link_id)
        return link_id

    def read_question(self, raw: dict[str, Any], link_id: str, item_type: ItemType) -> Item:
        text = raw.get("text")
        if not text:
            self.fail('"text" is missing: the question has no wording', link_id)
        item = Item(
            link_id=link_id,
            text=str(text),
            type=item_type,
            required=bool(raw.get("required", False)),
            loinc=_loinc_code(raw.get("code")),
        )
        if item_type == ItemType.CHOICE:
            item = replace(item, options=self.read_options(raw, link_id))
        children = raw.get("item", [])
        if item_type == ItemType.INTEGER:
            low = self.integer_extension(raw, link_id, MIN_VALUE_URL, "minValue")
            high = self.integer_extension(raw, link_id, MAX_VALUE_URL, "maxValue")
            if low >= high:
                self.fail(f"minValue {low} must be below maxValue {high}", link_id)
            min_label, max_label = self.read_end_labels(children, link_id)
            return replace(
                item, min_value=low, max_value=high, min_label=min_label, max_label=max_label
            )
        if children:
            self.fail("only integer items may hold nested items (their end labels)", link_id)
        return item

    def read_options(self, raw: dict[str, Any], link_id: str) -> tuple[AnswerOption, ...]:
        raw_options = raw.get("answerOption") or []
        if len(raw_options) < 2:
            self.fail("a choice item needs at least two answerOption entries", link_id)
        options: list[AnswerOption] = []
        for index, raw_option in enumerate(raw_options):
            coding = raw_option.get("valueCoding")
            where = f"answerOption[{index}]"
            if not coding or not coding.get("code") or not coding.get("display"):
                self.fail(f"{where} needs a valueCoding with a code and a display", link_id)
            weight = self.option_weight(raw_option, coding, link_id, where)
            options.append(
                AnswerOption(value=weight, code=coding["code"], display=coding["display"])
            )
        for attribute in ("value", "code"):
            seen = [getattr(option, attribute) for option in options]
            duplicates = sorted({str(value) for value in seen if seen.count(value) > 1})
            if duplicates:
                self.fail(f"two answers share the {attribute} {', '.join(duplicates)}", link_id)
        return tuple(options)

    def option_weight(
        self, raw_option: dict[str, Any], coding: dict[str, Any], link_id: str, where: str
    ) -> int:
        for extension in [*raw_option.get("extension", []), *coding.get("extension", [])]:
            if extension.get("url") not in (ITEM_WEIGHT_URL, ORDINAL_VALUE_URL):
                continue
            value = extension.get("valueDecimal", extension.get("valueInteger"))
            number = _whole_number(value)
            if number is None:
                self.fail(
                    f"{where} ({coding['code']}): the answer's value {value!r} is not a whole "
                    "number (itemWeight needs a numeric valueDecimal such as 2)",
                    link_id,
                )
            return number
        self.fail(
            f"{where} ({coding['code']}): the answer has no numeric value; add an extension "
            f'{{"url": "{ITEM_WEIGHT_URL}", "valueDecimal": <number>}}',
            link_id,
        )

    def integer_extension(self, raw: dict[str, Any], link_id: str, url: str, name: str) -> int:
        for extension in raw.get("extension", []):
            if extension.get("url") == url:
                number = _whole_number(extension.get("valueInteger"))
                if number is None:
                    self.fail(f"{name} needs a valueInteger", link_id)
                return number
        self.fail(f'an integer item needs the {name} extension ("{url}")', link_id)

    def read_end_labels(self, children: list[dict[str, Any]], link_id: str) -> tuple[str, str]:
        labels = {"lower": "", "upper": ""}
        for child in children:
            child_id = self.claim_link_id(child)
            control = _item_control(child)
            if child.get("type") != "display" or control is None or control not in labels:
                self.fail(
                    "items nested in an integer item must be display items with itemControl "
                    '"lower" or "upper" (the labels for the two ends of the scale)',
                    child_id,
                )
            labels[control] = str(child.get("text", ""))
        return labels["lower"], labels["upper"]


def _describe_fhir_error(data: dict[str, Any], error: ValidationError) -> tuple[str | None, str]:
    """The first pydantic error as (linkId of the innermost item, readable problem)."""
    first = error.errors()[0]
    location = first["loc"]
    link_id: str | None = None
    node: Any = data
    path_from_item: list[str] = []
    index = 0
    while index < len(location):
        key = location[index]
        following = location[index + 1] if index + 1 < len(location) else None
        if key == "item" and isinstance(following, int) and isinstance(node, dict):
            items = node.get("item")
            if isinstance(items, list) and following < len(items):
                node = items[following]
                if isinstance(node, dict) and node.get("linkId"):
                    link_id, path_from_item = str(node["linkId"]), []
                else:
                    path_from_item.append(f".item[{following}]")
                index += 2
                continue
        path_from_item.append(f"[{key}]" if isinstance(key, int) else f".{key}")
        index += 1
    field = "".join(path_from_item).lstrip(".") or "the item"
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "not a field FHIR allows here (check the spelling)"
    more = len(error.errors()) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return link_id, f"{field}: {message}{suffix}"


def _loinc_code(codings: object) -> str | None:
    if isinstance(codings, list):
        for coding in codings:
            if isinstance(coding, dict) and coding.get("system") == LOINC_SYSTEM:
                return str(coding.get("code")) if coding.get("code") else None
    return None


def _item_control(raw: dict[str, Any]) -> str | None:
    for extension in raw.get("extension", []):
        if extension.get("url") == ITEM_CONTROL_URL:
            for coding in extension.get("valueCodeableConcept", {}).get("coding", []):
                return str(coding.get("code"))
    return None


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)


# --- scoring.json --------------------------------------------------------------------------------

_SCORING_REQUIRED = {
    "id",
    "kind",
    "respondent",
    "validated",
    "aggregation",
    "direction",
    "score_min",
    "score_max",
    "licence",
    "source",
}
_SCORING_OPTIONAL = {
    "subscales",
    "reverse_keyed",
    "bands",
    "cutoff",
    "reliable_change",
    "missing",
    "total_loinc",
    "safety",
}


class _ScoringReader:
    def __init__(self, path: Path, data: dict[str, Any], parsed: _ParsedQuestionnaire) -> None:
        self.path = path
        self.data = data
        self.parsed = parsed
        self.items = {item.link_id: item for item in parsed.items}

    def fail(self, problem: str, item: str | None = None) -> NoReturn:
        raise InstrumentFileError(self.path, problem, item)

    def read(self) -> Instrument:
        self.check_fields()
        if self.data["id"] != self.parsed.id:
            self.fail(f'"id" is {self.data["id"]!r} but questionnaire.json says "{self.parsed.id}"')
        reverse_keyed = set(self.link_id_list("reverse_keyed", "reverse-keyed"))
        safety = self.safety_thresholds()
        items = tuple(
            replace(
                item,
                reverse_keyed=item.link_id in reverse_keyed,
                safety_threshold=safety.get(item.link_id),
            )
            for item in self.parsed.items
        )
        rules = self.rules(items)
        return Instrument(
            id=self.parsed.id,
            version=self.parsed.version,
            title=self.parsed.title,
            kind=self.enum("kind", InstrumentKind),
            respondent=self.enum("respondent", Respondent),
            items=items,
            scoring=rules,
            questionnaire=self.parsed.raw,
            validated=self.boolean("validated"),
            licence=self.text("licence"),
            loinc=self.parsed.loinc,
            description=self.parsed.description,
            instructions=self.parsed.instructions,
        )

    def check_fields(self) -> None:
        unknown = sorted(set(self.data) - _SCORING_REQUIRED - _SCORING_OPTIONAL)
        if unknown:
            self.fail(f'unknown field "{unknown[0]}" (check the spelling)')
        missing = sorted(_SCORING_REQUIRED - set(self.data))
        if missing:
            self.fail(f'the field "{missing[0]}" is missing')

    def rules(self, items: tuple[Item, ...]) -> ScoringRules:
        aggregation = self.enum("aggregation", Aggregation)
        score_min = self.number("score_min")
        score_max = self.number("score_max")
        self.check_score_range(items, aggregation, score_min, score_max)
        cutoff = self.optional_number("cutoff")
        if cutoff is not None and not score_min <= cutoff <= score_max:
            self.fail(
                f"cutoff {_fmt(cutoff)} is outside the score range {_range(score_min, score_max)}"
            )
        reliable_change = self.optional_number("reliable_change")
        if reliable_change is not None and not 0 < reliable_change <= score_max - score_min:
            self.fail(
                f"reliable_change {_fmt(reliable_change)} must be above 0 and at most the width "
                f"of the score range ({_fmt(score_max - score_min)})"
            )
        total_loinc = self.data.get("total_loinc")
        if total_loinc is not None and not isinstance(total_loinc, str):
            self.fail('"total_loinc" must be a LOINC code in quotes, or null')
        return ScoringRules(
            aggregation=aggregation,
            direction=self.enum("direction", Direction),
            score_min=score_min,
            score_max=score_max,
            subscales=self.subscales(),
            bands=self.bands(score_min, score_max),
            cutoff=cutoff,
            reliable_change=reliable_change,
            missing=self.missing_rule(len([item for item in items if item.scored])),
            total_loinc=total_loinc,
            source=self.text("source"),
        )

    def check_score_range(
        self, items: tuple[Item, ...], aggregation: Aggregation, score_min: float, score_max: float
    ) -> None:
        scored = [item for item in items if item.scored]
        lowest: float = sum(item.lowest for item in scored)
        highest: float = sum(item.highest for item in scored)
        if aggregation == Aggregation.MEAN:
            lowest, highest = lowest / len(scored), highest / len(scored)
        if not (math.isclose(lowest, score_min) and math.isclose(highest, score_max)):
            self.fail(
                f"score_min/score_max say {_range(score_min, score_max)} but the items give "
                f"{_range(lowest, highest)} ({aggregation.value} of {len(scored)} scored items)"
            )

    def link_id_list(self, key: str, what: str) -> list[str]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
            self.fail(f'"{key}" must be a list of linkIds')
        for link_id in value:
            self.scored_item(link_id, what)
        if len(set(value)) != len(value):
            self.fail(f'"{key}" lists the same item twice')
        return value

    def scored_item(self, link_id: str, what: str) -> Item:
        item = self.items.get(link_id)
        if item is None:
            self.fail(f"listed as {what}, but questionnaire.json has no such item", link_id)
        if not item.scored:
            self.fail(f"listed as {what}, but it is a free-text item and never scored", link_id)
        return item

    def subscales(self) -> dict[str, tuple[str, ...]]:
        value = self.data.get("subscales", {})
        if not isinstance(value, dict):
            self.fail('"subscales" must be an object: {"name": ["linkId", ...]}')
        subscales: dict[str, tuple[str, ...]] = {}
        for name, link_ids in value.items():
            if not isinstance(link_ids, list) or not link_ids:
                self.fail(f'subscale "{name}" must list at least one linkId')
            for link_id in link_ids:
                if not isinstance(link_id, str):
                    self.fail(f'subscale "{name}" must list linkIds in quotes')
                self.scored_item(link_id, f'part of subscale "{name}"')
            if len(set(link_ids)) != len(link_ids):
                self.fail(f'subscale "{name}" lists the same item twice')
            subscales[str(name)] = tuple(link_ids)
        return subscales

    def safety_thresholds(self) -> dict[str, int]:
        value = self.data.get("safety", {})
        if not isinstance(value, dict):
            self.fail('"safety" must be an object: {"linkId": threshold}')
        thresholds: dict[str, int] = {}
        for link_id, raw_threshold in value.items():
            item = self.scored_item(link_id, "a safety item")
            threshold = _whole_number(raw_threshold)
            if threshold is None:
                self.fail(f"safety threshold {raw_threshold!r} is not a whole number", link_id)
            if threshold > item.highest:
                self.fail(
                    f"safety threshold {threshold} is above the item's highest answer "
                    f"{item.highest}, so it could never raise a flag",
                    link_id,
                )
            if threshold <= item.lowest:
                self.fail(
                    f"safety threshold {threshold} is at or below the item's lowest answer "
                    f"{item.lowest}, so every answer would raise a flag",
                    link_id,
                )
            thresholds[link_id] = threshold
        return thresholds

    def bands(self, score_min: float, score_max: float) -> tuple[Band, ...]:
        value = self.data.get("bands", [])
        if not isinstance(value, list):
            self.fail('"bands" must be a list of {"min": number, "label": "text"}')
        bands: list[Band] = []
        for index, raw in enumerate(value):
            if not isinstance(raw, dict) or set(raw) != {"min", "label"}:
                self.fail(f'band {index + 1} must be {{"min": number, "label": "text"}}')
            minimum, label = raw["min"], raw["label"]
            if not _is_number(minimum) or not isinstance(label, str) or not label:
                self.fail(f'band {index + 1} needs a number "min" and a non-empty "label"')
            if not score_min <= minimum <= score_max:
                self.fail(
                    f'band "{label}" starts at {_fmt(minimum)}, outside the score range '
                    f"{_range(score_min, score_max)}"
                )
            if bands and minimum <= bands[-1].minimum:
                self.fail(
                    f'band "{label}" starts at {_fmt(minimum)}, not above the band before it '
                    f'("{bands[-1].label}" from {_fmt(bands[-1].minimum)}): list bands from lowest'
                )
            bands.append(Band(minimum=float(minimum), label=label))
        if bands and not math.isclose(bands[0].minimum, score_min):
            self.fail(
                f'the first band "{bands[0].label}" must start at the lowest score '
                f"{_fmt(score_min)}, so that every score has a band"
            )
        return tuple(bands)

    def missing_rule(self, scored_count: int) -> MissingRule:
        value = self.data.get("missing", {"max_missing": 0, "prorate": False})
        if not isinstance(value, dict) or set(value) - {"max_missing", "prorate"}:
            self.fail('"missing" must be {"max_missing": number, "prorate": true or false}')
        max_missing = value.get("max_missing", 0)
        prorate = value.get("prorate", False)
        if isinstance(max_missing, bool) or not isinstance(max_missing, int) or max_missing < 0:
            self.fail(f"missing.max_missing {max_missing!r} must be a whole number, 0 or more")
        if max_missing >= scored_count:
            self.fail(
                f"missing.max_missing {max_missing} must be below the number of scored items "
                f"({scored_count}): a score needs at least one answer"
            )
        if not isinstance(prorate, bool):
            self.fail("missing.prorate must be true or false")
        return MissingRule(max_missing=max_missing, prorate=prorate)

    def enum[E: StrEnum](self, key: str, enum_type: type[E]) -> E:
        value = self.data[key]
        try:
            return enum_type(value)
        except ValueError:
            allowed = ", ".join(f'"{member.value}"' for member in enum_type)
            self.fail(f'"{key}" is {value!r}; it must be one of {allowed}')

    def number(self, key: str) -> float:
        value = self.data[key]
        if not _is_number(value):
            self.fail(f'"{key}" must be a number, not {value!r}')
        return float(value)

    def optional_number(self, key: str) -> float | None:
        if self.data.get(key) is None:
            return None
        return self.number(key)

    def boolean(self, key: str) -> bool:
        value = self.data[key]
        if not isinstance(value, bool):
            self.fail(f'"{key}" must be true or false, not {value!r}')
        return value

    def text(self, key: str) -> str:
        value = self.data[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(f'"{key}" must be non-empty text')
        return value


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _fmt(number: float) -> str:
    return f"{number:g}"


def _range(low: float, high: float) -> str:
    return f"{_fmt(low)} to {_fmt(high)}"
