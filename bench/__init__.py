"""Benchmarks of the portal, each run as a module: python -m bench.pages, bench.search,
bench.digests (see bench/README.md)."""
