"""Geocoding (GeoVirus, LGL): found when a predicted located mention overlaps, correct within 161 km."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from streams.geo import haversine_km

KM_LIMIT = 161.0


@dataclass
class GeoTally:
    gold: int = 0
    found: int = 0
    correct: int = 0
    predicted: int = 0
    predicted_correct: int = 0

    def add(self, gold: list[dict], predicted: list[dict]) -> None:
        self.gold += len(gold)
        self.predicted += len(predicted)
        for place in gold:
            hits = [p for p in predicted if _overlaps(place, p)]
            self.found += bool(hits)
            self.correct += any(_near(place, p) for p in hits)
        for place in predicted:
            self.predicted_correct += any(_overlaps(g, place) and _near(g, place) for g in gold)

    def as_dict(self) -> dict:
        recall = self.correct / self.gold if self.gold else 0.0
        precision = self.predicted_correct / self.predicted if self.predicted else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "recall@161": round(recall, 4),
            "precision@161": round(precision, 4),
            "f1@161": round(f1, 4),
            "acc@161": round(self.correct / self.found, 4) if self.found else 0.0,
            "gold": self.gold, "found": self.found, "correct": self.correct,
            "predicted": self.predicted,
        }


def located_mentions(entities: Iterable[dict]) -> list[dict]:
    """Body mentions that carry coordinates."""
    return [e for e in entities
            if e["field"] == "body" and e.get("lat") is not None and e["kind"] == "location"]


def _overlaps(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _near(gold: dict, predicted: dict) -> bool:
    return haversine_km(gold["lat"], gold["lon"], predicted["lat"], predicted["lon"]) <= KM_LIMIT
