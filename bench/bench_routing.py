"""Routing: training time on 10,000 synthetic tickets, weight building, prediction latency, memory."""

from __future__ import annotations

import statistics
import time
import tracemalloc

from bench.synthetic import tickets
from bot.answers.routing import Router

TICKETS = 10_000


def _timed(fn, *args):  # noqa: ANN001, ANN202 - a tiny local helper
    """(result, wall seconds, CPU seconds of this thread)."""
    t0, c0 = time.perf_counter(), time.thread_time()
    result = fn(*args)
    return result, time.perf_counter() - t0, time.thread_time() - c0


def main(argv: list[str] | None = None) -> int:  # noqa: ARG001 (no options)
    """Print training, incremental-update and prediction timings (wall and CPU)."""
    pairs = tickets(TICKETS)
    router, wall, cpu = _timed(Router.from_history, pairs)
    print(f"tickets={TICKETS} units=20 learn wall={wall:.2f}s cpu={cpu:.2f}s")
    # the first prediction builds naive Bayes' weights and fits the SVM
    _, wall, cpu = _timed(router.suggest, pairs[0][0])
    print(f"build_weights wall={wall:.2f}s cpu={cpu:.2f}s")
    cpu_ms = [_timed(router.suggest, text)[2] * 1000 for text, _ in pairs[:500]]
    _, _, learn_cpu = _timed(router.learn, *pairs[1])
    hits = sum(router.predict(t) == u for t, u in pairs[:500]) / 500
    print(
        f"learn_one cpu_ms={learn_cpu * 1000:.3f} predict cpu_ms p50={statistics.median(cpu_ms):.3f}"
        f" max={max(cpu_ms):.3f} train_acc={hits:.2f}"
    )
    # memory in a second, traced build (tracing slows it down, so it is kept out of the timings)
    del router
    tracemalloc.start()
    router = Router.from_history(pairs)
    router.suggest(pairs[0][0])
    memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(f"router_memory={memory / 2**20:.1f}MiB (both models, weights built)")
    return 0
