"""X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256(app secret, raw body)."""

import hashlib
import hmac


def sign(request: dict, secrets: dict, url: str, body: bytes) -> dict:
    mac = hmac.new(secrets["WHATSAPP_APP_SECRET"].encode(), body, hashlib.sha256)
    return {"headers": {"X-Hub-Signature-256": "sha256=" + mac.hexdigest()}}
