"""Answer matching with a 10,000-answer library: index build time and memory, per-message latency."""

from __future__ import annotations

import random
import statistics
import time
import tracemalloc

from bench.synthetic import library, typo, words
from bot.answers.match import AnswerDoc, Matcher

ANSWERS = 10_000
QUERIES = 1_000


def _docs() -> list[AnswerDoc]:
    return [
        AnswerDoc(a["id"], a["title"], a["body"], tuple(a["keywords"]), tuple(a["examples"]))
        for a in library(ANSWERS)
    ]


def _queries(docs: list[AnswerDoc]) -> list[str]:
    rng = random.Random(3)
    out = []
    for _ in range(QUERIES):
        if rng.random() < 0.7:  # a known question, retyped with typos; otherwise something new
            out.append(typo(rng, rng.choice(rng.choice(docs).examples)))
        else:
            out.append(words(rng, rng.randint(4, 25)))
    return out


def main(argv: list[str] | None = None) -> int:  # noqa: ARG001 (no options)
    """Print build time, index memory and p50/p99 latency per message (single thread)."""
    docs = _docs()
    queries = _queries(docs)
    tracemalloc.start()
    start = time.perf_counter()
    matcher = Matcher(docs)
    build = time.perf_counter() - start
    memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    for q in queries[:50]:  # warm the per-word caches as a running desk would be
        matcher.rank(q)
    wall, cpu = [], []
    for q in queries:
        t0, c0 = time.perf_counter(), time.thread_time()
        matcher.rank(q)
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    print(
        f"answers={ANSWERS} queries={QUERIES} build={build:.2f}s index_memory={memory / 2**20:.1f}MiB"
    )
    # CPU time is what one core spends per message; wall time also counts waiting for the CPU
    # when other processes share the machine (the figure that matters on a loaded host).
    print(f"cpu_ms  {_percentiles(cpu)}")
    print(f"wall_ms {_percentiles(wall)}")
    return 0


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    return f"p50={statistics.median(ordered):.3f} p99={p99:.3f} max={ordered[-1]:.3f}"
