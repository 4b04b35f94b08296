"""Alert rules over the event stream: pure code, no Faust (the agents are in streams.runtime.alert_agents).

`windows` (tumbling windows, event time, an injectable clock), `rules` (the rule kinds and their
maths), `tracker` (one subject's windows and the alerts they raise), `config` (TOML loading).
"""
