"""Benchmarks: each module generates its own data and prints a table. Run `make bench`."""
