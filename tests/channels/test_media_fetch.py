"""Citizens' files fetched from Twilio, Telegram and WhatsApp Cloud by the fetch_media job (bot.media),
outside the webhook request; the providers are faked only at HTTP, then an officer downloads the file."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import col, select

from bot.config import MediaConfig, RetentionConfig, SimulatorConfig, build_config
from bot.media import fetch_due
from bot.messages import InboundMessage, Media, TicketStatus
from bot.retention import anonymise_closed
from bot.service import handle_inbound
from store.db import session_scope
from store.models import Attachment, Message, Ticket
from tests.admin.conftest import Browser
from tests.channels.conftest import BASE_URL, SECRETS, SETTINGS, FakeApis, Gateway

PHONE = "+6281234567890"
COMPLAINT = "DISHUB #lampu lalu lintas di simpang lima mati"
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8  # 2,052 bytes
SID, TOKEN = SECRETS["TWILIO_ACCOUNT_SID"], SECRETS["TWILIO_AUTH_TOKEN"]
MEDIA_URL = f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages/MM1/Media/ME1"
CDN_URL = "https://s3-external-1.amazonaws.com/media.twiliocdn.com/AC0/abc123"
BOT = f"https://api.telegram.org/bot{SECRETS['TELEGRAM_BOT_TOKEN']}"
TG_FILE = f"https://api.telegram.org/file/bot{SECRETS['TELEGRAM_BOT_TOKEN']}/photos/file_7.jpg"
GRAPH_MEDIA = "https://graph.facebook.com/v21.0/1037543291543636"
LOOKASIDE = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1037543291543636"
Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


class Providers:
    """The providers' file endpoints: each URL answers its queued responses in turn (the last one
    again once the queue is down to it); the send endpoints go to FakeApis."""

    def __init__(self) -> None:
        self.apis = FakeApis()
        self.answers: dict[str, list[Answer]] = {}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        queue = self.answers.get(str(request.url))
        if queue is None:
            return self.apis(request)
        self.requests.append(request)
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return answer(request) if callable(answer) else answer

    def seen(self, url: str) -> list[httpx.Request]:
        return [r for r in self.requests if str(r.url) == url]


@pytest.fixture
def providers() -> Providers:
    return Providers()


@pytest.fixture
def media_cfg() -> MediaConfig:
    return MediaConfig(max_bytes=10 * 1024 * 1024, max_attempts=3, retry_base_seconds=60)


@pytest.fixture
def gateway(db_url, seeded, clock, tmp_path, monkeypatch, providers, media_cfg):
    from bot.app import create_app

    channels = {"enabled": ["twilio", "telegram", "whatsapp"], **SETTINGS}
    env = {**SECRETS, "PUBLIC_BASE_URL": BASE_URL, "DATABASE_URL": db_url}
    cfg = replace(
        build_config({"channels": channels}, env),
        simulator=SimulatorConfig(enabled=False),
        media=media_cfg,
    )
    monkeypatch.chdir(tmp_path)
    app = create_app(
        cfg, http=httpx.Client(transport=httpx.MockTransport(providers)), clock=clock, testing=True
    )
    yield Gateway(app, providers.apis)
    app.extensions["aduan"].engine.dispose()
    assert providers.apis.unexpected == []


def run_job(gateway, clock) -> int:
    runtime = gateway.runtime
    return fetch_due(runtime.engine, runtime.channels, now=clock(), cfg=runtime.desk.config.media)


def stored(gateway) -> Message:
    """The citizen's latest message."""
    with session_scope(gateway.runtime.engine) as s:
        stmt = select(Message).where(Message.author == "citizen").order_by(col(Message.id).desc())
        message = s.exec(stmt).first()
        s.expunge(message)
        return message


def kept(gateway, item: dict[str, Any]) -> bytes:
    """The bytes of a media item's file, from its attachment row (never in the message's JSON)."""
    assert "data" not in item
    with session_scope(gateway.runtime.engine) as s:
        return s.exec(select(Attachment.data).where(Attachment.id == item["attachment"])).one()


def files(gateway) -> int:
    with session_scope(gateway.runtime.engine) as s:
        return len(s.exec(select(Attachment.id)).all())


def twilio_mms(gateway, content_type: str = "image/jpeg") -> Any:
    return gateway.twilio(
        PHONE,
        COMPLAINT,
        "SM" + "7" * 32,
        NumMedia="1",
        MediaUrl0=MEDIA_URL,
        MediaContentType0=content_type,
    )


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_a_twilio_file_is_fetched_after_the_webhook_with_basic_auth_through_the_cdn(
    gateway, providers, clock
):
    providers.answers[MEDIA_URL] = [httpx.Response(307, headers={"Location": CDN_URL})]
    providers.answers[CDN_URL] = [
        httpx.Response(200, content=JPEG, headers={"Content-Type": "image/jpeg"})
    ]
    assert twilio_mms(gateway).status_code == 200
    assert providers.requests == [], "nothing is fetched inside the webhook request"
    assert stored(gateway).media_due_at == clock()

    assert run_job(gateway, clock) == 1
    (api,), (cdn,) = providers.seen(MEDIA_URL), providers.seen(CDN_URL)
    assert api.headers["Authorization"] == basic(SID, TOKEN)
    assert "Authorization" not in cdn.headers, "the account's credentials stay with Twilio"
    message = stored(gateway)
    item = message.media[0]
    assert kept(gateway, item) == JPEG and item["size"] == str(len(JPEG))
    assert item["url"] == MEDIA_URL and message.media_due_at is None
    with session_scope(gateway.runtime.engine) as s:
        row = s.exec(select(Attachment)).one()
    assert (row.message_id, row.item, row.size, row.content_type) == (
        message.id,
        0,
        len(JPEG),
        "image/jpeg",
    )
    assert row.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert run_job(gateway, clock) == 0 and len(providers.requests) == 2  # not fetched again


def test_the_fetched_file_downloads_for_an_officer_of_the_unit(gateway, providers, clock):
    providers.answers[MEDIA_URL] = [httpx.Response(200, content=JPEG)]
    twilio_mms(gateway)
    run_job(gateway, clock)
    message_id = stored(gateway).id
    with session_scope(gateway.runtime.engine) as s:
        number = s.exec(select(Ticket)).one().number
    browser = Browser(gateway.app.test_client())
    browser.login("petugas")  # DISHUB
    html = browser.page(f"/admin/tickets/{number}")
    link = f"/admin/tickets/{number}/messages/{message_id}/media/0"
    assert link in html and "tidak diunduh Aduan" not in html
    resp = browser.client.get(link)
    assert resp.status_code == 200 and resp.data == JPEG
    assert resp.headers["Content-Type"] == "image/jpeg"


def test_a_5xx_is_retried_after_a_back_off(gateway, providers, clock):
    providers.answers[MEDIA_URL] = [httpx.Response(503), httpx.Response(200, content=JPEG)]
    twilio_mms(gateway)
    assert run_job(gateway, clock) == 0
    message = stored(gateway)
    assert message.media[0]["fetch_tries"] == 1 and message.media[0]["fetch_error"] == "http:503"
    assert message.media_due_at == clock() + timedelta(seconds=60)
    assert run_job(gateway, clock) == 0 and len(providers.requests) == 1, "not due yet"
    clock.advance(seconds=60)
    assert run_job(gateway, clock) == 1
    item = stored(gateway).media[0]
    assert kept(gateway, item) == JPEG and "fetch_error" not in item


def test_a_5xx_every_time_gives_up_after_max_attempts(gateway, providers, clock):
    providers.answers[MEDIA_URL] = [httpx.Response(502)]
    twilio_mms(gateway)
    for _ in range(3):
        run_job(gateway, clock)
        clock.advance(hours=1)
    message = stored(gateway)
    assert message.media[0]["fetch"] == "failed" and message.media_due_at is None
    assert len(providers.requests) == 3


@pytest.mark.parametrize(
    "media_cfg", [MediaConfig(max_bytes=1024, max_attempts=3, retry_base_seconds=60)]
)
def test_a_file_over_the_cap_stays_a_reference(gateway, providers, clock):
    providers.answers[MEDIA_URL] = [httpx.Response(200, content=JPEG)]
    twilio_mms(gateway)
    assert run_job(gateway, clock) == 0
    message = stored(gateway)
    item = message.media[0]
    assert item["fetch"] == "skipped" and item["fetch_error"] == "too_large"
    assert "attachment" not in item and item["url"] == MEDIA_URL and message.media_due_at is None
    assert files(gateway) == 0


def test_a_type_outside_the_allow_list_is_not_fetched(gateway, providers, clock):
    twilio_mms(gateway, content_type="application/zip")
    assert run_job(gateway, clock) == 0 and providers.requests == []
    item = stored(gateway).media[0]
    assert item["fetch"] == "skipped" and item["fetch_error"] == "type"


def test_a_telegram_photo_goes_through_getfile(gateway, providers, clock):
    providers.answers[f"{BOT}/getFile?file_id=AgACfoto"] = [
        httpx.Response(
            200,
            json={
                "ok": True,
                "result": {
                    "file_id": "AgACfoto",
                    "file_size": len(JPEG),
                    "file_path": "photos/file_7.jpg",
                },
            },
        )
    ]
    providers.answers[TG_FILE] = [httpx.Response(200, content=JPEG)]
    photo = [{"file_id": "AgACfoto", "file_unique_id": "u1", "width": 90, "height": 90}]
    resp = gateway.telegram(5550001, 1, 1, photo=photo, caption=COMPLAINT)
    assert resp.status_code == 200 and providers.requests == []
    assert run_job(gateway, clock) == 1
    item = stored(gateway).media[0]
    assert kept(gateway, item) == JPEG and item["file_id"] == "AgACfoto"


def _whatsapp_image(gateway, clock) -> None:
    media = (Media("image", "", "image/jpeg", {"media_id": "1037543291543636"}),)
    msg = InboundMessage("whatsapp", PHONE, COMPLAINT, "wamid.IMG1", phone=PHONE, media=media)
    with session_scope(gateway.runtime.engine) as s:
        handle_inbound(s, msg, now=clock(), desk=gateway.runtime.desk)


def test_a_whatsapp_cloud_file_is_read_from_its_short_lived_url_with_the_bearer_token(
    gateway, providers, clock
):
    providers.answers[GRAPH_MEDIA] = [
        httpx.Response(
            200,
            json={
                "messaging_product": "whatsapp",
                "url": LOOKASIDE,
                "mime_type": "image/jpeg",
                "file_size": len(JPEG),
                "id": "1037543291543636",
            },
        )
    ]
    providers.answers[LOOKASIDE] = [httpx.Response(200, content=JPEG)]
    _whatsapp_image(gateway, clock)
    assert run_job(gateway, clock) == 1
    bearer = f"Bearer {SECRETS['WHATSAPP_ACCESS_TOKEN']}"
    assert [r.headers["Authorization"] for r in providers.requests] == [bearer, bearer]
    assert kept(gateway, stored(gateway).media[0]) == JPEG


def test_an_expired_whatsapp_url_is_marked_failed_and_the_reference_kept(gateway, providers, clock):
    providers.answers[GRAPH_MEDIA] = [httpx.Response(200, json={"url": LOOKASIDE, "id": "1"})]
    providers.answers[LOOKASIDE] = [httpx.Response(404)]
    _whatsapp_image(gateway, clock)
    assert run_job(gateway, clock) == 0
    message = stored(gateway)
    item = message.media[0]
    assert item["fetch"] == "failed" and item["fetch_error"] == "http:404"
    assert item["media_id"] == "1037543291543636" and message.media_due_at is None
    assert len(providers.requests) == 2, "a 404 is not retried"


def test_the_ticket_page_says_why_a_file_was_not_fetched(gateway, providers, clock):
    providers.answers[GRAPH_MEDIA] = [httpx.Response(200, json={"url": LOOKASIDE, "id": "1"})]
    providers.answers[LOOKASIDE] = [httpx.Response(404)]
    _whatsapp_image(gateway, clock)
    browser = Browser(gateway.app.test_client())
    browser.login("petugas")
    with session_scope(gateway.runtime.engine) as s:
        number = s.exec(select(Ticket)).one().number
    assert "sedang diambil dari penyedia (whatsapp)" in browser.page(f"/admin/tickets/{number}")
    run_job(gateway, clock)
    html = browser.page(f"/admin/tickets/{number}")
    assert "gagal diambil dari penyedia (whatsapp): tidak ada lagi di penyedia" in html
    assert "lookaside" not in html and "1037543291543636" not in html


def _close_long_ago(gateway, clock) -> None:
    with session_scope(gateway.runtime.engine) as s:
        ticket = s.exec(select(Ticket)).one()
        ticket.status, ticket.closed_at = TicketStatus.CLOSED, clock()


def test_retention_removes_a_fetched_file(gateway, providers, clock):
    providers.answers[MEDIA_URL] = [httpx.Response(200, content=JPEG)]
    twilio_mms(gateway)
    run_job(gateway, clock)
    assert files(gateway) == 1
    _close_long_ago(gateway, clock)
    clock.advance(days=800)
    with session_scope(gateway.runtime.engine) as s:
        report = anonymise_closed(s, now=clock(), policy=RetentionConfig(anonymise_after_months=24))
    assert len(report.tickets) == 1
    message = stored(gateway)
    assert message.media == [] and message.media_due_at is None
    assert files(gateway) == 0, "the file's row goes with the message's metadata"


def test_a_file_arriving_after_anonymisation_is_not_stored(gateway, providers, clock):
    """Retention runs while the job is downloading: the job's write-back must not bring the
    citizen's file back into an anonymised ticket."""
    twilio_mms(gateway)
    _close_long_ago(gateway, clock)
    clock.advance(days=800)
    engine = gateway.runtime.engine

    def scrub_then_answer(_request: httpx.Request) -> httpx.Response:
        with session_scope(engine) as s:
            anonymise_closed(s, now=clock(), policy=RetentionConfig(anonymise_after_months=24))
        return httpx.Response(200, content=JPEG)

    providers.answers[MEDIA_URL] = [scrub_then_answer]
    assert run_job(gateway, clock) == 0
    message = stored(gateway)
    assert message.media == [] and message.media_due_at is None and files(gateway) == 0


def test_retention_drops_a_file_still_waiting_at_the_provider(gateway, providers, clock):
    twilio_mms(gateway)  # not fetched yet
    _close_long_ago(gateway, clock)
    clock.advance(days=800)
    with session_scope(gateway.runtime.engine) as s:
        anonymise_closed(s, now=clock(), policy=RetentionConfig(anonymise_after_months=24))
    message = stored(gateway)
    assert message.media == [] and message.media_due_at is None, "nothing left to fetch"
    assert run_job(gateway, clock) == 0 and providers.requests == []


@pytest.mark.parametrize(
    "media_cfg", [MediaConfig(max_bytes=1024, max_attempts=3, retry_base_seconds=60)]
)
def test_a_stream_without_a_length_is_cut_at_the_cap(gateway, providers, clock):
    """A CDN that sends no Content-Length is read only up to the cap."""
    chunks = [JPEG[i : i + 512] for i in range(0, len(JPEG), 512)]
    providers.answers[MEDIA_URL] = [lambda _r: httpx.Response(200, content=iter(chunks))]
    twilio_mms(gateway)
    assert run_job(gateway, clock) == 0
    item = stored(gateway).media[0]
    assert item["fetch_error"] == "too_large" and "attachment" not in item


@pytest.mark.parametrize(
    "media_cfg", [MediaConfig(max_bytes=1024, max_attempts=3, retry_base_seconds=60)]
)
def test_a_telegram_file_announced_too_large_is_not_asked_for(gateway, providers, clock):
    document = {"file_id": "BQACdoc", "file_unique_id": "u2", "file_name": "surat.pdf"}
    document |= {"mime_type": "application/pdf", "file_size": 5000}
    gateway.telegram(5550002, 2, 2, document=document, caption=COMPLAINT)
    assert run_job(gateway, clock) == 0 and providers.requests == []
    assert stored(gateway).media[0]["fetch_error"] == "too_large"


def test_a_failed_fetch_logs_neither_the_url_nor_the_token_nor_the_phone(
    gateway, providers, clock, caplog
):
    providers.answers[f"{BOT}/getFile?file_id=AgACfoto"] = [httpx.Response(404)]
    photo = [{"file_id": "AgACfoto", "file_unique_id": "u1", "width": 90, "height": 90}]
    gateway.telegram(5550001, 1, 1, photo=photo, caption=COMPLAINT)
    providers.answers[MEDIA_URL] = [httpx.Response(410)]
    twilio_mms(gateway)
    with caplog.at_level("DEBUG"):
        run_job(gateway, clock)
    assert "not fetched: http:404" in caplog.text and "not fetched: http:410" in caplog.text
    for secret in (SECRETS["TELEGRAM_BOT_TOKEN"], TOKEN, MEDIA_URL, "AgACfoto", PHONE, "5550001"):
        assert secret not in caplog.text
