"""Shared infrastructure that knows no domain app: list and edit bases, columns, history, PDF, charts, text rules."""
