"""Worst-case import times: every hostile shape, in every format, up to the 2 MB limit.

    python bench/importer_worst_case.py                    # every shape, about 5 minutes
    python bench/importer_worst_case.py --repeat 1         # quicker, noisier
    python bench/importer_worst_case.py --shape lt_run --shape voice_spaces --format vtt

The shapes are those of ``alliance/testing/hostile_transcripts.py`` (the tests read the same
ones): long runs of "<", "<v" and spaces, one label and 2 MB of continuation lines, many cues of
one speaker, deeply nested JSON, files of one character, label-like prefixes, "-->" lines,
timestamps everywhere, more turns than MAX_TURNS... For each format a shape makes sense in, the
file is built for that format at 100 KB, 500 KB and 2 MB (``MAX_BYTES``) and just over the limit,
and ``parse_transcript(data, format=...)`` is timed (best of ``--repeat`` runs). Then each 2 MB
file is read again with every other format forced, as a user can pick the format.

Printed: a row per format, shape and size (seconds, seconds per MB, outcome: the number of turns
or the start of the error; a row at the largest size also has the growth of the time against
the growth of the size, about equal when the import is linear), the forced-format grid, the
worst case per format, and last the headline:
``worst_seconds_per_mb=<x> worst_case=<format>/<shape>``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alliance.conversation.importers import (  # noqa: E402
    FORMATS,
    MAX_BYTES,
    TranscriptError,
    parse_transcript,
)
from alliance.testing.hostile_transcripts import SHAPES, Shape, document, over_the_limit  # noqa: E402

MB = 1024 * 1024
SIZES = (100 * 1024, 500 * 1024, MAX_BYTES)


@dataclass(frozen=True)
class Timing:
    fmt: str
    shape: str
    size: int
    seconds: float
    outcome: str

    @property
    def seconds_per_mb(self) -> float:
        return self.seconds / (self.size / MB)


def read(data: bytes, fmt: str) -> str:
    """What the import gives: turns, a refusal, or (a bug) another exception, never raised here
    so that one bad shape does not hide the others."""
    try:
        parsed = parse_transcript(data, format=fmt)
    except TranscriptError as error:
        return f"refused: {str(error)[:48]}"
    except Exception as error:  # reported: finding these is the point
        return f"BUG {type(error).__name__}: {str(error)[:40]}"
    return f"{len(parsed.turns):,} turns"


def best_of(data: bytes, fmt: str, repeat: int) -> tuple[float, str]:
    best, outcome = float("inf"), ""
    for _ in range(repeat):
        gc.collect()
        began = time.perf_counter()
        outcome = read(data, fmt)
        best = min(best, time.perf_counter() - began)
    return best, outcome


def label(size: int) -> str:
    if size > MAX_BYTES:
        return "2 MB+"
    return f"{size / MB:.0f} MB" if size >= MB else f"{size // 1024} KB"


def measure_shape(shape: Shape, fmt: str, repeat: int) -> list[Timing]:
    sizes = SIZES if shape.scales else (0,)
    timings = []
    for size in sizes:
        data = document(shape, fmt, size)
        seconds, outcome = best_of(data, fmt, repeat)
        timings.append(Timing(fmt, shape.name, len(data), seconds, outcome))
    over = over_the_limit(document(shape, fmt, MAX_BYTES), MAX_BYTES)
    seconds, outcome = best_of(over, fmt, repeat)
    timings.append(Timing(fmt, shape.name, len(over), seconds, outcome))
    return timings


def print_rows(timings: list[Timing]) -> None:
    within = [timing for timing in timings if timing.size <= MAX_BYTES]
    for timing in timings:
        growth = ""
        if len(within) > 1 and timing is within[-1]:
            size_ratio = within[-1].size / within[0].size
            time_ratio = within[-1].seconds / max(within[0].seconds, 1e-6)
            growth = f"time x{time_ratio:5.1f} for size x{size_ratio:4.1f}"
        print(
            f"{timing.fmt:<5} {timing.shape:<24} {label(timing.size):>6} "
            f"{timing.seconds:8.4f} {timing.seconds_per_mb:8.4f}  {timing.outcome:<58} {growth}",
            flush=True,
        )


def forced_grid(shapes: list[Shape], formats: list[str], repeat: int) -> list[Timing]:
    """Each 2 MB file read as every format other than its own."""
    print("\nEvery 2 MB file read with each other format forced (seconds; built for → read as)")
    print(f"{'built':<5} {'shape':<24} " + " ".join(f"{fmt:>8}" for fmt in FORMATS))
    timings = []
    for shape in shapes:
        for built in shape.formats:
            if built not in formats:
                continue
            data = document(shape, built, MAX_BYTES)
            cells = []
            for fmt in FORMATS:
                if fmt == built:
                    cells.append(f"{'-':>8}")
                    continue
                seconds, outcome = best_of(data, fmt, repeat)
                timings.append(Timing(fmt, f"{shape.name} ({built})", len(data), seconds, outcome))
                cells.append(f"{seconds:8.4f}" if not outcome.startswith("BUG") else "     BUG")
            print(f"{built:<5} {shape.name:<24} " + " ".join(cells), flush=True)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per file; the best counts")
    parser.add_argument("--shape", action="append", help="only these shapes (repeatable)")
    parser.add_argument("--format", action="append", choices=FORMATS, help="only these formats")
    parser.add_argument("--no-forced", action="store_true", help="skip the forced-format grid")
    args = parser.parse_args()
    shapes = [shape for shape in SHAPES if not args.shape or shape.name in args.shape]
    formats = args.format or list(FORMATS)

    print(f"Python {sys.version.split()[0]}, best of {args.repeat} runs, MAX_BYTES = {MAX_BYTES:,}")
    print(f"{'fmt':<5} {'shape':<24} {'size':>6} {'seconds':>8} {'s/MB':>8}  {'outcome':<58}")
    timings: list[Timing] = []
    for shape in shapes:
        for fmt in shape.formats:
            if fmt in formats:
                rows = measure_shape(shape, fmt, args.repeat)
                print_rows(rows)
                timings.extend(rows)
    if not args.no_forced:
        timings.extend(forced_grid(shapes, formats, args.repeat))

    bugs = [timing for timing in timings if timing.outcome.startswith("BUG")]
    print(f"\nCases: {len(timings)}; another exception than TranscriptError: {len(bugs)}")
    for timing in bugs:
        print(f"  {timing.fmt}/{timing.shape} {label(timing.size)}: {timing.outcome}")
    print("Worst seconds per MB, per format read as:")
    for fmt in formats:
        mine = [timing for timing in timings if timing.fmt == fmt]
        if mine:
            worst = max(mine, key=lambda timing: timing.seconds_per_mb)
            print(
                f"  {fmt:<5} {worst.seconds_per_mb:.3f} s/MB ({worst.shape}, "
                f"{label(worst.size)}: {worst.seconds:.3f} s)"
            )
    worst = max(timings, key=lambda timing: timing.seconds_per_mb)
    print(f"worst_seconds_per_mb={worst.seconds_per_mb:.3f} worst_case={worst.fmt}/{worst.shape}")


if __name__ == "__main__":
    main()
