"""Another team's consumer of the returns platform's topics, in Python with confluent-kafka.

It joins a consumer group of its own, reads the platform's public topics from the beginning,
and validates every record against the published JSON Schemas (docs/events/): the envelope
(envelope.json), then the payload against `<event_type>.v<schema_version>.json`. It commits
its offsets after each record it has validated, so a restart resumes where it stopped.

    pip install confluent-kafka==2.16.1 jsonschema==4.26.0
    python examples/python-consumer/consume.py --bootstrap 127.0.0.1:9092 --group team-analytics

It prints one line per record and, at the end (after --idle seconds without a record), a
summary; --json prints the summary as JSON. The exit code is 1 if any record was invalid.
"""

from __future__ import annotations

import argparse
import datetime
import json
import pathlib
import sys
import time
from collections import Counter

import jsonschema
from confluent_kafka import Consumer, KafkaError

# The topics every team may read. returns.courier-jobs.v1 carries personal data and is
# logistics' alone; returns.dead-letter.v1 holds records that failed, in their original form.
PUBLIC_TOPICS = [
    "returns.cases.v1",
    "returns.decisions.v1",
    "returns.pickups.v1",
    "returns.payments.v1",
]


class Schemas:
    """The published schemas, loaded once each."""

    def __init__(self, folder: pathlib.Path) -> None:
        self.folder = folder
        self.cache: dict[str, jsonschema.protocols.Validator | None] = {}
        self.envelope = self.load("envelope.json")

    def load(self, name: str):
        if name not in self.cache:
            path = self.folder / name
            if not path.exists():
                self.cache[name] = None
            else:
                schema = json.loads(path.read_text())
                cls = jsonschema.validators.validator_for(schema)
                cls.check_schema(schema)
                self.cache[name] = cls(schema)
        return self.cache[name]

    def problems(self, record: bytes, headers: dict[str, str], key: str | None) -> list[str]:
        try:
            env = json.loads(record)
        except ValueError as e:
            return [f"not JSON: {e}"]
        found = [f"envelope: {e.message}" for e in self.envelope.iter_errors(env)]
        if found:
            return found
        name = f"{env['event_type']}.v{env['schema_version']}.json"
        payload = self.load(name)
        if payload is None:
            return [f"no published schema {name}"]
        found += [f"payload {'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
                  for e in payload.iter_errors(env["payload"])]
        # What the envelope promises beyond its schema (docs/events.md).
        try:
            datetime.datetime.fromisoformat(env["occurred_at"].replace("Z", "+00:00"))
        except ValueError:
            found.append(f"occurred_at is not RFC 3339: {env['occurred_at']}")
        if headers.get("event_type") != env["event_type"]:
            found.append(f"header event_type {headers.get('event_type')!r} differs")
        if key != env["case_id"]:
            found.append(f"record key {key!r} is not the case id")
        return found


def main() -> int:
    here = pathlib.Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bootstrap", default="127.0.0.1:9092")
    ap.add_argument("--group", default="team-analytics")
    ap.add_argument("--topics", default=",".join(PUBLIC_TOPICS))
    ap.add_argument("--schemas", default=str(here.parents[1] / "docs" / "events"))
    ap.add_argument("--idle", type=float, default=5.0,
                    help="stop after this many seconds without a record")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = ap.parse_args()

    schemas = Schemas(pathlib.Path(args.schemas))
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        # Tansu answers a fetch only when this expires; Apache Kafka answers as data arrives.
        "fetch.wait.max.ms": 10,
    })
    assigned = []
    consumer.subscribe(args.topics.split(","),
                       on_assign=lambda c, parts: assigned.extend(parts))
    counts: Counter[str] = Counter()
    invalid: list[dict] = []
    records = 0
    last = time.monotonic()
    started = last
    try:
        while True:
            msg = consumer.poll(0.2)
            now = time.monotonic()
            if msg is None:
                # Joining the group takes a few seconds; idleness counts from the assignment.
                if (assigned and now - last > args.idle) or now - started > 120:
                    break
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    continue
                raise SystemExit(f"consumer error: {msg.error()}")
            last = now
            headers = {k: v.decode() for k, v in (msg.headers() or []) if v is not None}
            key = msg.key().decode() if msg.key() else None
            found = schemas.problems(msg.value(), headers, key)
            records += 1
            where = f"{msg.topic()}[{msg.partition()}]@{msg.offset()}"
            try:
                event = json.loads(msg.value())
                label = f"{event['event_type']} v{event['schema_version']} case {event['case_id']}"
            except (ValueError, KeyError, TypeError):
                label = "unreadable"
            counts[label.split(" ")[0]] += 1
            if found:
                invalid.append({"record": where, "event": label, "problems": found})
            if not args.json:
                print(f"{where} {label}: {'INVALID ' + '; '.join(found) if found else 'valid'}")
            consumer.commit(message=msg, asynchronous=False)
    finally:
        consumer.close()
    summary = {"group": args.group, "records": records, "valid": records - len(invalid),
               "invalid": invalid, "by_type": dict(sorted(counts.items()))}
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"{records} records, {records - len(invalid)} valid; by type: "
              f"{json.dumps(summary['by_type'])}")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
