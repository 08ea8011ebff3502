"""The simulator: a chat page and a JSON endpoint that go through the same service as real channels."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from bot.channels.base import Rejected
from bot.channels.simulator import Simulator
from bot.parsers.phone import PhoneError, normalize_phone
from bot.webhooks import webhook_request
from store import repo
from store.db import read_session

bp = Blueprint("simulator", __name__, url_prefix="/simulator")
CHANNEL = Simulator()


@bp.get("")
def page() -> str:
    return render_template("simulator.html")


@bp.post("/messages")
def send() -> tuple[Response, int] | Response:
    """`{"from": "081234567890", "text": "..."}` -> `{"ticket": ..., "replies": [...]}`."""
    runtime = current_app.extensions["aduan"]
    try:
        (msg,) = CHANNEL.parse_inbound(webhook_request(""))
    except Rejected as exc:
        return jsonify({"error": str(exc)}), exc.status
    outcome = runtime.receive(msg, inline=True)
    return jsonify(
        {"ticket": outcome.ticket, "replies": list(outcome.replies), "duplicate": outcome.duplicate}
    )


@bp.get("/messages")
def history() -> tuple[Response, int] | Response:
    """The simulator thread of one phone, so answers sent later (approved by an officer) show up."""
    runtime = current_app.extensions["aduan"]
    try:
        phone = normalize_phone(request.args.get("from", ""))
    except PhoneError:
        return jsonify({"error": "'from' is not a valid phone number"}), 400
    with read_session(runtime.engine) as session:
        rows = repo.address_thread(session, channel=CHANNEL.name, address=phone)
        messages = [
            {
                "id": m.id,
                "direction": m.direction.value,
                "body": m.body,
                "at": m.created_at.isoformat(),
            }
            for m in rows
        ]
    return jsonify({"phone": phone, "messages": messages})
