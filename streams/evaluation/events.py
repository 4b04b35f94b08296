"""Events on the PLOVER gold sentences: event type accuracy and source-actor country accuracy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class EventTally:
    records: int = 0
    type_correct: int = 0
    with_source: int = 0
    source_correct: int = 0

    def add(self, record: dict, events: list[dict]) -> None:
        self.records += 1
        gold_type = record.get("plover_event")
        typed = [e for e in events if e.get("plover_event") == gold_type]
        self.type_correct += bool(typed)
        gold_countries = {a["code"][:3] for a in record.get("source_actor") or [] if a.get("code")}
        if gold_countries:
            self.with_source += 1
            # Judge the source of an event of the gold type, else of any event; an event whose
            # source was coded is preferred over one whose source is unknown.
            code = next((c for c in map(_source_code, typed + events) if c), "")
            self.source_correct += code[:3] in gold_countries

    def as_dict(self) -> dict:
        return {
            "plover_type_accuracy": round(self.type_correct / self.records, 4) if self.records else 0.0,
            "source_country_accuracy": round(self.source_correct / self.with_source, 4)
            if self.with_source else 0.0,
            "records": self.records,
            "records_with_source": self.with_source,
        }


def _source_code(event: dict) -> str:
    return (event.get("source") or {}).get("code") or ""
