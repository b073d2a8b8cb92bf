"""Helpers shared by several check areas and by bench/ and scripts/."""
