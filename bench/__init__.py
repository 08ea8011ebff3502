"""Benchmarks (`make bench`): not tests; they measure, print a report, and never run in CI."""
