"""Instruments are content, not code: each is a folder holding a FHIR ``questionnaire.json`` and
its ``scoring.json`` (read and checked by ``alliance.measures.instrument_files``). This module
loads folders of them and keeps the loaded instruments for the rest of the app.

Alliance ships the folders under ``alliance/measures/instruments/``; a practice adds its own
(for instance instruments it holds a licence for) through ``settings.ALLIANCE_INSTRUMENT_DIRS``.
The file format is described in ``docs/instruments.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

from django.conf import settings

from alliance.measures.definitions import Instrument
from alliance.measures.instrument_files import (
    QUESTIONNAIRE_FILE,
    InstrumentFileError,
    load_instrument_folder,
)

__all__ = [
    "SHIPPED_DIR",
    "InstrumentFileError",
    "UnknownInstrument",
    "all_instruments",
    "get_instrument",
    "instrument_problems",
    "load_instrument_folder",
    "load_instruments",
    "reset_cache",
]

SHIPPED_DIR = Path(__file__).resolve().parent / "instruments"


class UnknownInstrument(KeyError):
    pass


# --- Folders of folders, and the app's registry ---------------------------------------------------


def _instrument_folders(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise InstrumentFileError(
            directory / QUESTIONNAIRE_FILE, f"the instrument folder {directory} does not exist"
        )
    return sorted(
        child
        for child in directory.iterdir()
        if child.is_dir() and not child.name.startswith((".", "_"))
    )


def _load_each(dirs: tuple[Path, ...]) -> Iterator[Instrument | InstrumentFileError]:
    """Every instrument in these folders, or the problem with it, in order; ids checked for
    duplicates across folders."""
    loaded_from: dict[str, Path] = {}
    for directory in dirs:
        try:
            folders = _instrument_folders(directory)
        except InstrumentFileError as error:
            yield error
            continue
        for folder in folders:
            try:
                instrument = load_instrument_folder(folder)
            except InstrumentFileError as error:
                yield error
                continue
            if instrument.id in loaded_from:
                yield InstrumentFileError(
                    folder / QUESTIONNAIRE_FILE,
                    f'the instrument id "{instrument.id}" is already loaded from '
                    f"{loaded_from[instrument.id]}; ids must be unique across all instrument folders",
                )
                continue
            loaded_from[instrument.id] = folder
            yield instrument


def load_instruments(*dirs: Path | str) -> dict[str, Instrument]:
    """Every instrument in the sub-folders of ``dirs``; the first problem raises
    ``InstrumentFileError``."""
    instruments: dict[str, Instrument] = {}
    for outcome in _load_each(tuple(Path(directory) for directory in dirs)):
        if isinstance(outcome, InstrumentFileError):
            raise outcome
        instruments[outcome.id] = outcome
    return instruments


def instrument_problems(*dirs: Path | str) -> list[InstrumentFileError]:
    """Every problem in these folders (not just the first), for the start-up check."""
    outcomes = _load_each(tuple(Path(directory) for directory in dirs))
    return [outcome for outcome in outcomes if isinstance(outcome, InstrumentFileError)]


def configured_dirs() -> tuple[Path, ...]:
    """The shipped folder, then the practice's own folders from the setting."""
    return (SHIPPED_DIR, *(Path(directory) for directory in settings.ALLIANCE_INSTRUMENT_DIRS))


@cache
def _registry() -> Mapping[str, Instrument]:
    return load_instruments(*configured_dirs())


def get_instrument(instrument_id: str) -> Instrument:
    try:
        return _registry()[instrument_id]
    except KeyError:
        raise UnknownInstrument(instrument_id) from None


def all_instruments() -> list[Instrument]:
    return list(_registry().values())


def reset_cache() -> None:
    """Forget the loaded instruments (tests; a changed ``ALLIANCE_INSTRUMENT_DIRS``)."""
    _registry.cache_clear()


def reset_cache_on_setting_change(*, setting: str, **kwargs: object) -> None:
    if setting == "ALLIANCE_INSTRUMENT_DIRS":
        reset_cache()
