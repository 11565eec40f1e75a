"""An independent Standard Webhooks verifier (Python's standard library only), used by
tests/tests/webhooks.rs to check the platform's signatures: HMAC-SHA256 over
"{webhook-id}.{webhook-timestamp}.{body}" with the base64 key after "whsec_", compared in
constant time with each "v1," signature of the header, and a timestamp within five minutes.

usage: python3 webhook_verify.py SECRET WEBHOOK_ID TIMESTAMP SIGNATURE_HEADER BODY_FILE
"""
import base64
import hashlib
import hmac
import sys
import time


def main() -> int:
    secret, msg_id, timestamp, header, body_file = sys.argv[1:6]
    key = base64.b64decode(secret.split("_", 1)[1])
    with open(body_file, "rb") as f:
        body = f.read()
    if abs(time.time() - int(timestamp)) > 300:
        print("timestamp too far from now", file=sys.stderr)
        return 2
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    for part in header.split(" "):
        version, _, sig = part.partition(",")
        if version == "v1" and hmac.compare_digest(sig.encode(), expected):
            return 0
    print("no v1 signature matches", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
