"""A secured broker's refusal, logged by aiokafka, held back from a command's stderr.

aiokafka logs a refused login or a missing ACL (e.g. "Unexpected error during
InitProducerIdRequest: ClusterAuthorizationFailedError") before the send or the start fails;
the command then says the same in its one line (streams/kafka_refusals.py), so the library's
line would only be a second, rawer copy of it.
"""

from __future__ import annotations

import logging

from streams.failures import auth_errors


class RefusalFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("aiokafka"):
            return True
        refusals = auth_errors()
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        for arg in args:
            if isinstance(arg, refusals) or (isinstance(arg, type) and issubclass(arg, refusals)):
                return False
        return True
