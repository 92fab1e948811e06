"""Coders a practice trained from its own labelled examples, kept under DATA_DIR/coders/.

    DATA_DIR/coders/NAME/examples.csv    a copy of the training file, as given
    DATA_DIR/coders/NAME/manifest.json   name, when, row counts, checksum, options
    DATA_DIR/coders/active               the name of the coder in use ("shipped" when absent)

A stored coder is retrained from its CSV the first time a process uses it (a second or two) and
then kept in memory. Nothing fitted is written to disk: a saved scikit-learn model is a pickle,
and loading a pickle runs whatever code it contains, so a backup restored from elsewhere or a
file swapped on the server could run code. A CSV can only ever be data.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from alliance.conversation import coding
from alliance.conversation.coder.coder import RuleModelCoder
from alliance.conversation.coder.examples import (
    SHIPPED_EXAMPLES,
    Example,
    ExampleError,
    fingerprint,
    read_examples,
)
from alliance.conversation.coder.model import NotEnoughExamples

SHIPPED = "shipped"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class CoderError(Exception):
    """A coder that cannot be trained, found or chosen; the message says what to do."""


@dataclass(frozen=True)
class StoredCoder:
    name: str
    manifest: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.manifest["sha256"])


def coders_dir() -> Path:
    return Path(settings.DATA_DIR) / "coders"


def _active_file() -> Path:
    return coders_dir() / "active"


def check_name(name: str) -> str:
    if name == SHIPPED:
        raise CoderError(
            "'shipped' is the name of the coder that comes with Alliance; pick another"
        )
    if not _NAME.match(name):
        raise CoderError(
            f"{name!r} cannot be a coder name: use lower-case letters, digits, - and _ "
            "(at most 64, starting with a letter or digit)"
        )
    return name


def training_examples(own: list[Example], with_shipped: bool) -> list[Example]:
    """A practice's rows, plus the shipped rows for a side it gave none of (or all of them)."""
    shipped = read_examples(SHIPPED_EXAMPLES)
    if with_shipped:
        return own + shipped
    examples = list(own)
    for speaker in coding.SPEAKERS:
        if not any(example.speaker == speaker for example in own):
            examples += [example for example in shipped if example.speaker == speaker]
    return examples


def train(name: str, source: Path, *, with_shipped: bool = False) -> StoredCoder:
    """Validate and train from ``source``, then store it under ``name`` (replacing one)."""
    check_name(name)
    try:
        own = read_examples(source)
    except ExampleError as error:
        raise CoderError(f"{source}: {error}") from error
    if not own:
        raise CoderError(f"{source}: no examples after the header")
    coder = _coder(name, "checking", training_examples(own, with_shipped))
    try:
        coder.models()
    except NotEnoughExamples as error:
        raise CoderError(f"{source}: {error}") from error
    folder = coders_dir() / name
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / "examples.csv")
    counts = Counter(f"{example.speaker}:{example.primary}" for example in own)
    manifest = {
        "name": name,
        "created": timezone.now().isoformat(timespec="seconds"),
        "source": source.name,
        "rows": len(own),
        "therapist_rows": sum(1 for e in own if e.speaker == coding.THERAPIST),
        "client_rows": sum(1 for e in own if e.speaker == coding.CLIENT),
        "counts": dict(sorted(counts.items())),
        "with_shipped": with_shipped,
        "sha256": fingerprint(folder / "examples.csv"),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    _cache.pop(name, None)
    return StoredCoder(name, manifest)


def stored() -> list[StoredCoder]:
    found = []
    if coders_dir().is_dir():
        for manifest_path in sorted(coders_dir().glob("*/manifest.json")):
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            found.append(StoredCoder(manifest_path.parent.name, manifest))
    return found


def active_name() -> str:
    try:
        name = _active_file().read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return SHIPPED
    return name or SHIPPED


def use(name: str) -> None:
    """Make ``name`` (or 'shipped') the coder every new analysis uses."""
    if name != SHIPPED and not (coders_dir() / check_name(name) / "manifest.json").is_file():
        known = ", ".join(coder.name for coder in stored()) or "none yet"
        raise CoderError(f"no trained coder called {name!r} (trained coders: {known})")
    coders_dir().mkdir(parents=True, exist_ok=True)
    _active_file().write_text(name + "\n", encoding="utf-8")


def _coder(name: str, version: str, examples: list[Example]) -> RuleModelCoder:
    return RuleModelCoder(name, version, lambda: examples)


_cache: dict[str, tuple[str, RuleModelCoder]] = {}


def load(name: str) -> RuleModelCoder:
    """A stored coder, trained from its CSV on first use and cached for the process."""
    folder = coders_dir() / check_name(name)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise CoderError(
            f"the coder {name!r} is not in {coders_dir()}; choose another with "
            "`alliance coder use NAME` or `alliance coder use shipped`"
        )
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    version = fingerprint(folder / "examples.csv")
    cached = _cache.get(name)
    if cached is not None and cached[0] == version:
        return cached[1]
    with_shipped = bool(manifest.get("with_shipped"))

    def examples() -> list[Example]:
        return training_examples(read_examples(folder / "examples.csv"), with_shipped)

    coder = RuleModelCoder(name, version, examples)
    _cache[name] = (version, coder)
    return coder
