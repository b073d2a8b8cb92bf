"""The Python checks of aws-userid-tagger, a package run from the repository
root: `python -m pytest checks`. Helpers shared by several areas live in
checks/lib; a helper used by one area lives beside its checks."""
