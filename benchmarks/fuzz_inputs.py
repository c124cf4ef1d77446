"""Run the data-contract fuzz tests with many examples and print what happened.

Usage: python benchmarks/fuzz_inputs.py [EXAMPLES_PER_TEST]   (default 1000)

Prints the number of cases tried per loading path (CSV files, Parquet files, in-memory frames),
how many loaded and how many were rejected with a DataValidationError, and which error templates
the rejections used. Any other exception, or a CLI run that is not "exit 0" or "exit 2 with one
line on stderr", fails the run with hypothesis's minimal failing example.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

EXAMPLES = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
os.environ["VRURISK_FUZZ_EXAMPLES"] = str(EXAMPLES)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "data"))

import test_fuzz  # noqa: E402

from vrurisk.data import _dataset, _validate  # noqa: E402


def templates() -> dict[str, re.Pattern]:
    """Error templates as regexes, most specific (longest literal text) first."""
    found = {}
    for module in (_validate, _dataset):
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str) and "{" in value:
                pattern = re.sub(r"\\\{[^}]*\\\}", ".*", re.escape(value))
                found[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"] = re.compile(pattern)
    literal = {name: len(p.pattern.replace(".*", "")) for name, p in found.items()}
    return dict(sorted(found.items(), key=lambda item: -literal[item[0]]))


def main() -> None:
    started = time.perf_counter()
    test_fuzz.test_corrupted_files_load_or_fail_cleanly()
    test_fuzz.test_corrupted_frames_build_or_fail_cleanly()
    elapsed = time.perf_counter() - started
    tally = test_fuzz.TALLY
    total = sum(tally.values())
    print(f"fuzz cases tried: {total:,} in {elapsed:.0f} s ({EXAMPLES} examples per test)")
    for target in ("csv", "parquet", "memory"):
        loaded, rejected = tally[(target, "loaded")], tally[(target, "rejected")]
        cases = loaded + rejected
        print(f"  {target:<8} {cases:>6,} cases: {loaded:>5,} loaded, {rejected:>5,} rejected")
    print("  crashes (any other exception): 0")
    kinds: Counter = Counter()
    patterns = templates()
    for message in test_fuzz.MESSAGES:
        match = [name for name, pattern in patterns.items() if pattern.search(message)]
        kinds[match[0] if match else "other"] += 1
    print("rejections by error template:")
    for name, count in kinds.most_common():
        print(f"  {name:<40} {count:>6,}")


if __name__ == "__main__":
    main()
