"""How the worker and the commands log: `json_format` (STREAMS_LOG_FORMAT=json), `repeats` (the
library warnings that repeat under load, rate-limited), `outage` (a broker outage as one line when
it starts and one when it ends) and `setup` (installing them on the handlers)."""
