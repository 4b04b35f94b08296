"""Extraction: article text in, entities and events out. Plain Python and spaCy, no Faust.

`pipeline` runs spaCy once per article and hands the parse to `mentions` (people, organisations,
places), `actors` (CAMEO actor codes from the dictionaries in `streams/data/`), `places`
(GeoNames ids and coordinates) and `events` (who did what to whom: CAMEO, quad class, Goldstein,
PLOVER). Tested without Kafka.
"""
