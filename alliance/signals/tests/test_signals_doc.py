"""docs/signals.md lists every rule of the catalogue and every parameter: a rule added or renamed
in alliance/signals/catalogue.py fails here until the document says what it does. Regenerate its
rule section with ``alliance signals rules-table``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alliance.signals.catalogue import RULES
from alliance.signals.catalogue_doc import BEGIN, END, rules_markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "signals.md"


def rule_sections() -> dict[str, str]:
    """Each rule's section of the document, by rule id ("### `rupture.drop_from_previous`: ...")."""
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^### `([a-z0-9_.]+)`", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1].split("\n## ")[0] for i in range(1, len(parts), 2)}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_every_rule_and_parameter_is_in_the_document(rule):
    sections = rule_sections()
    assert rule.id in sections, f"docs/signals.md has no section for {rule.id}"
    for parameter in rule.parameters:
        assert f"`{parameter.name}`" in sections[rule.id], (
            f"docs/signals.md does not describe {rule.id}'s parameter {parameter.name}"
        )


def test_the_document_names_no_rule_that_is_gone():
    known = {rule.id for rule in RULES}
    assert set(rule_sections()) <= known


def test_the_generated_section_has_its_markers():
    text = DOC.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    generated = rules_markdown()
    assert generated.startswith(BEGIN) and generated.rstrip().endswith(END)
    for rule in RULES:
        assert f"### `{rule.id}`" in generated
