"""`python -m bench [name ...] [-- options]`: run every bench module in the table, or the named ones.

Each module exposes `main(argv: list[str]) -> int`; options after `--` go to every module run.
"""

from __future__ import annotations

import importlib
import sys

# The one table of benchmarks: name -> module. Add a line here for a new bench module.
BENCHES: dict[str, str] = {
    "load": "bench.load",
    "matching": "bench.bench_matching",
    "routing": "bench.bench_routing",
}


def main(argv: list[str]) -> int:
    names, options = argv, []
    if "--" in argv:
        names, options = argv[: argv.index("--")], argv[argv.index("--") + 1 :]
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown bench {', '.join(unknown)}; known: {', '.join(BENCHES)}", file=sys.stderr)
        return 2
    status = 0
    for name in names or list(BENCHES):
        print(f"== bench {name} ==", flush=True)
        status |= importlib.import_module(BENCHES[name]).main(options)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
