"""Routing: training time on 10,000 synthetic tickets, weight building and prediction latency."""

from __future__ import annotations

import statistics
import time

from bench.synthetic import tickets
from bot.answers.routing import Router

TICKETS = 10_000


def main() -> None:
    """Print training, incremental-update and prediction timings."""
    pairs = tickets(TICKETS)
    start = time.perf_counter()
    router = Router.from_history(pairs)
    learned = time.perf_counter() - start
    start = time.perf_counter()
    router.suggest(pairs[0][0])  # the first prediction builds the weights
    weights = time.perf_counter() - start
    timings = []
    for text, _ in pairs[:500]:
        t0 = time.perf_counter()
        router.suggest(text)
        timings.append((time.perf_counter() - t0) * 1000)
    start = time.perf_counter()
    router.learn(*pairs[1])
    update = (time.perf_counter() - start) * 1000
    hits = sum(router.predict(t) == u for t, u in pairs[:500]) / 500
    print(f"tickets={TICKETS} units=20 learn={learned:.2f}s build_weights={weights:.2f}s")
    print(
        f"learn_one_ms={update:.3f} predict_ms p50={statistics.median(timings):.3f} train_acc={hits:.2f}"
    )
