"""The public contract with downstream services: what travels on each topic.

Topic names and their key and value types (`topics`), the records (`models`), the published JSON
Schemas and their loader (`json_schemas/`, `schemas`), the validation of raw article bytes
(`articles`) and of the derived topics' messages (`inbound`, wired into Faust's topics by
`checked`, which dead-letters what an agent could not read), and the turning of an extraction
result into topic records (`messages`). Downstream services read the JSON Schemas; nothing here
runs an agent.
"""
