"""Benchmarks and the load test: figures, commands and targets in docs/benchmarks.md."""
