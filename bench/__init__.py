"""Benchmarks (`make bench` = `python -m bench`): every `bench/bench_*.py` module's main() runs."""
