"""X-Twilio-Signature: base64 HMAC-SHA1(auth token, URL + each sorted form key and its value)."""

import base64
import hashlib
import hmac


def sign(request: dict, secrets: dict, url: str, body: bytes) -> dict:
    form = request.get("form", {})
    payload = url + "".join(key + str(form[key]) for key in sorted(form))
    mac = hmac.new(secrets["TWILIO_AUTH_TOKEN"].encode(), payload.encode(), hashlib.sha1)
    return {"headers": {"X-Twilio-Signature": base64.b64encode(mac.digest()).decode()}}
