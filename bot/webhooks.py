"""The webhooks blueprint: HTTP -> channel adapter -> service (or the inbox) -> ack. The only Flask
code on this path."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, current_app, request

from bot import inbox
from bot.channels.base import (
    Channel,
    Handshake,
    Ignored,
    Rejected,
    WebhookRequest,
    WebhookResponse,
)
from bot.delivery import apply_status

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


def webhook_request(base_url: str) -> WebhookRequest:
    """Translate flask.request; the URL is the public one the provider signed (behind a proxy too)."""
    url = base_url + request.full_path.rstrip("?") if base_url else request.url
    return WebhookRequest(
        method=request.method,
        url=url,
        headers=dict(request.headers.items()),
        args=request.args.to_dict(),
        form=request.form.to_dict() if request.mimetype != "application/json" else {},
        body=request.get_data(cache=True),
        remote_addr=request.remote_addr or "",
    )


def _respond(resp: WebhookResponse) -> Response:
    return Response(
        resp.body, status=resp.status, content_type=resp.content_type, headers=dict(resp.headers)
    )


def _channel(name: str) -> Channel:
    channel = current_app.extensions["aduan"].channels.get(name)
    if channel is None or name == "simulator":
        abort(404)
    return channel


@bp.route("/<name>", methods=["GET", "POST"])
def inbound(name: str) -> Response:
    """Messages from a provider: verify first, then parse, store and answer."""
    runtime = current_app.extensions["aduan"]
    channel = _channel(name)
    req = webhook_request(runtime.desk.config.public_base_url)
    updates = []
    try:
        channel.verify(req)
        # Meta posts delivery receipts to the same URL as messages
        if getattr(channel, "statuses_inline", False) and req.method == "POST":
            updates = channel.parse_status(req)
        messages = channel.parse_inbound(req)
    except Handshake as exc:
        return _respond(exc.response)
    except Rejected as exc:
        log.warning("%s webhook rejected: %s", name, exc)
        return Response(str(exc), status=exc.status)
    except Ignored as exc:
        log.info("%s webhook ignored: %s", name, exc)
        messages = []
    for update in updates:
        apply_status(runtime.engine, update, now=runtime.now())
    if not messages:
        return _respond(channel.ack([]))
    if runtime.desk.config.inbound.queued:  # store and return: `aduan worker` answers it
        inbox.accept(runtime.engine, messages, now=runtime.now())
        return _respond(channel.ack([]))
    outcomes = inbox.handle_inline(
        runtime.engine,
        messages,
        receive=lambda msg: runtime.receive(
            msg, inline=channel.inline_replies, inline_limit=channel.inline_max_segments
        ),
        clock=runtime.clock,
    )
    replies = [reply for outcome in outcomes for reply in outcome.inline_replies]
    return _respond(channel.ack(replies if channel.inline_replies else []))


@bp.route("/<name>/status", methods=["GET", "POST"])
def status(name: str) -> Response:
    """Delivery receipts (Kannel's dlr-url is a GET); unknown message ids are ignored with 200."""
    runtime = current_app.extensions["aduan"]
    channel = _channel(name)
    req = webhook_request(runtime.desk.config.public_base_url)
    try:
        channel.verify(req)
        updates = channel.parse_status(req)
    except Rejected as exc:
        return Response(str(exc), status=exc.status)
    except Ignored:
        updates = []
    for update in updates:
        apply_status(runtime.engine, update, now=runtime.now())
    return Response("", status=200)
