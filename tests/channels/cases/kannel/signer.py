"""Kannel signs nothing: the shared secret travels in the get-url's (and dlr-url's) query."""


def sign(request: dict, secrets: dict, url: str, body: bytes) -> dict:
    """The `secret` query parameter the sms-service get-url carries."""
    return {"query": {"secret": secrets["KANNEL_WEBHOOK_SECRET"]}}
