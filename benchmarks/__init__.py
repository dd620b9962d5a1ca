"""Benchmarks: a generator of synthetic repositories at archive scale and the `make bench` harness."""
