"""schemathesis hooks of `just fuzz-api` (loaded through SCHEMATHESIS_HOOKS).

An Idempotency-Key belongs to one request: sent again with another body it is refused (422,
docs/api.md), which the harness tests on its own (tests/tests/api_edge.rs). The fuzzer draws
keys from a small space and would send one key with many bodies, so every well-formed key is
replaced by a fresh one just before the call; a malformed key is sent as drawn, to be refused.
"""

import re
import uuid

import schemathesis

WELL_FORMED = re.compile(r"^[!-~]{1,255}$")
HEADER = "Idempotency-Key"


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers
    if headers and HEADER in headers and WELL_FORMED.match(str(headers[HEADER])):
        headers[HEADER] = str(uuid.uuid4())
