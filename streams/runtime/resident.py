"""What a worker keeps for its whole life, loaded before it joins the consumer group and then
hidden from the garbage collector.

Faust's RocksDB store runs a full `gc.collect()` for each table on every rebalance, inside the
assignment callback, while aiokafka sends no heartbeat. With the model's and gazetteers' objects
in the heap each collection took about 0.6 s at load: 14 tables came to the 10 s session timeout,
and a loaded worker was expelled, rejoined and was expelled again. Frozen objects are skipped by
every later collection (`gc.freeze`), so a rebalance pays only for what the worker made since.
Loading here, not in the extract agent, also keeps the first rebalance off a CPU busy loading.
With the extractor in a process of its own (streams/runtime/extraction_process.py) that process
loads and freezes it, and the worker freezes its app and libraries.
"""

from __future__ import annotations

import gc


def load_and_freeze() -> None:
    """Load the extractor, drop the loading's garbage, and freeze everything left."""
    from streams.extraction.pipeline import default_extractor

    default_extractor()
    freeze()


def freeze() -> None:
    """Drop the garbage made so far and freeze everything left (the app, the libraries)."""
    gc.collect()
    gc.freeze()
