"""Benchmarks (not tests): `python -m bench` runs every module here; see docs/performance.md."""
