"""One buyer journey through a client generated from docs/openapi/intake.json.

tests/tests/generated_client.rs generates the package `intake_client` with
openapi-python-client, puts it on PYTHONPATH and runs this file with the service's URL, a
buyer's token and the body of a request on an order the platform holds. Every call goes
through the generated, typed functions and models; a field the document does not promise
would fail here. Prints what it saw as one JSON object.
"""

import json
import sys
import time
import uuid

from intake_client import AuthenticatedClient
from intake_client.api.buyer import buyer_case, buyer_cases, buyer_order, open_case
from intake_client.models import (
    CaseStatus,
    CaseView,
    Opened,
    OpenCaseRequest,
    OrderView,
    PageCaseRow,
    Problem,
)


def main() -> None:
    base_url, token, body = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    client = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True)

    opened = open_case.sync(client=client, body=OpenCaseRequest.from_dict(body))
    assert isinstance(opened, Opened), opened
    assert opened.status == CaseStatus.REQUESTED, opened.status

    # AUTO-1: a five-star buyer's return is decided at once; the timeline shows it.
    deadline = time.monotonic() + 30
    while True:
        view = buyer_case.sync(id=opened.case_id, client=client)
        assert isinstance(view, CaseView), view
        if view.case.status != CaseStatus.REQUESTED or time.monotonic() > deadline:
            break
        time.sleep(0.2)

    page = buyer_cases.sync(client=client, limit=10)
    assert isinstance(page, PageCaseRow), page

    order = buyer_order.sync(id=view.case.order_id, client=client)
    assert isinstance(order, OrderView), order

    # Someone else's case, or none: a typed problem, not an exception.
    missing = buyer_case.sync(id=uuid.uuid4(), client=client)
    assert isinstance(missing, Problem), missing

    print(json.dumps({
        "case_id": str(opened.case_id),
        "status": view.case.status.value,
        "timeline": [line.event_type for line in view.timeline],
        "lines": [(line.order_line_id, line.quantity) for line in view.lines],
        "listed": [str(c.id) for c in page.items],
        "units_in_cases": {line.line_id: line.units_in_cases for line in order.lines},
        "missing": [missing.status, missing.type_],
    }))


if __name__ == "__main__":
    main()
