"""Helper programs, run from the repository root as modules (`python -m scripts.demo`)."""
