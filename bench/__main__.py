"""Run every benchmark module in this package (`bench_*.py`, each with a `main()`), or those named.

Usage: python -m bench [name ...]   e.g. python -m bench matching
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench


def main(argv: list[str]) -> None:
    """Run the selected benchmarks in name order."""
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    chosen = [n for n in names if not argv or n.removeprefix("bench_") in argv]
    for name in chosen:
        print(f"== {name.removeprefix('bench_')}", flush=True)
        importlib.import_module(f"bench.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
