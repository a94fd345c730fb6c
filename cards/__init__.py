"""Adaptive Card builders: pure functions from view-models to card dicts (schema 1.5)."""
