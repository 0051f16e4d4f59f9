"""Hostile-input corpus for issue 7: generated cases, the classifier and the report (tests/hostile/report.py)."""
