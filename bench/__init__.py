"""`make bench` and its tools, run from the repository root as modules (`python3 -m bench.run`)."""
