"""Exports of the event records in formats that existing event-data tools read (GDELT 2.0)."""
