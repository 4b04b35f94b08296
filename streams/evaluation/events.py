"""Events on the PLOVER gold sentences: event type accuracy and source- and target-actor country
accuracy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class EventTally:
    records: int = 0
    type_correct: int = 0
    with_source: int = 0
    source_correct: int = 0
    with_target: int = 0
    target_correct: int = 0

    def add(self, record: dict, events: list[dict]) -> None:
        self.records += 1
        gold_type = record.get("plover_event")
        typed = [e for e in events if e.get("plover_event") == gold_type]
        self.type_correct += bool(typed)
        # Judge the actor of an event of the gold type, else of any event; an event whose actor
        # was coded is preferred over one whose actor is unknown.
        gold_sources = _gold_countries(record, "source_actor")
        if gold_sources:
            self.with_source += 1
            code = next((c for c in (_actor_code(e, "source") for e in typed + events) if c), "")
            self.source_correct += code[:3] in gold_sources
        gold_targets = _gold_countries(record, "target_actor")
        if gold_targets:
            self.with_target += 1
            code = next((c for c in (_actor_code(e, "target") for e in typed + events) if c), "")
            self.target_correct += code[:3] in gold_targets

    def as_dict(self) -> dict:
        return {
            "plover_type_accuracy": _ratio(self.type_correct, self.records),
            "source_country_accuracy": _ratio(self.source_correct, self.with_source),
            "target_country_accuracy": _ratio(self.target_correct, self.with_target),
            "records": self.records,
            "records_with_source": self.with_source,
            "records_with_target": self.with_target,
        }


def _ratio(correct: int, total: int) -> float:
    return round(correct / total, 4) if total else 0.0


def _gold_countries(record: dict, field: str) -> set[str]:
    return {a["code"][:3] for a in record.get(field) or [] if a.get("code")}


def _actor_code(event: dict, role: str) -> str:
    return (event.get(role) or {}).get("code") or ""
