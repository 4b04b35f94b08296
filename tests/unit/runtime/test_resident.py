import gc

from streams.extraction import pipeline
from streams.runtime.resident import load_and_freeze


def test_what_the_extractor_loads_is_frozen_out_of_later_collections(monkeypatch):
    loaded = []

    def load():  # stands in for the model and gazetteers: containers the collector tracks
        loaded.append([[n] for n in range(5000)])

    monkeypatch.setattr(pipeline, "default_extractor", load)
    gc.unfreeze()
    try:
        load_and_freeze()
        assert len(loaded) == 1
        assert gc.get_freeze_count() >= 5001
        assert all(id(obj) != id(loaded[0]) for obj in gc.get_objects())  # in no generation
    finally:
        gc.unfreeze()
