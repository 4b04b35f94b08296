"""Scoring the extractor on public gold sets (`streams eval`). Pure functions plus one report."""
