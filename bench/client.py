"""The load generator: requests built and signed in advance, sent over raw asyncio sockets.

Signing is done before the clock starts, so the generator costs one write and one read per request.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Aduan Anda diterima. No. tiket '
    "4827193 untuk Dinas Perhubungan (DISHUB). Jawaban paling lambat pukul 15.00 WIB. Ketik "
    "STATUS untuk memantau.</Message></Response>"
)


def twilio_signature(token: str, url: str, params: dict[str, str]) -> str:
    """X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by the sorted params concatenated."""
    data = url + "".join(k + params[k] for k in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def _raw(path: str, host: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()] + [f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def twilio_requests(count: int, *, base_url: str, token: str, account: str) -> list[bytes]:
    """`count` correctly signed Twilio SMS webhooks, each with a unique MessageSid."""
    host, path = base_url.split("//", 1)[1], "/webhooks/twilio"
    out = []
    for i in range(count):
        params = {
            "MessageSid": "SM" + uuid.uuid4().hex,
            "AccountSid": account,
            "From": f"+62812{10_000_000 + i % 50_000:08d}",
            "To": "+6281100000000",
            "Body": f"DISHUB #lampu lalu lintas mati di jalan {i}",
            "NumMedia": "0",
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": twilio_signature(token, base_url + path, params),
        }
        out.append(_raw(path, host, urlencode(params).encode(), headers))
    return out


def simulator_requests(count: int, *, base_url: str) -> list[bytes]:
    """The same load on /simulator/messages (to check the machinery before Twilio is merged)."""
    host = base_url.split("//", 1)[1]
    out = []
    for i in range(count):
        body = {"from": f"0812{10_000_000 + i % 50_000:08d}", "text": f"DISHUB #lampu mati {i}"}
        body["id"] = uuid.uuid4().hex
        out.append(
            _raw("/simulator/messages", host, json.dumps(body).encode(), {"Content-Type": "application/json"})
        )  # fmt: skip
    return out


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    exhausted: bool = False

    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(len(data) * p))] * 1000 if data else float("nan")


async def _one(port: int, raw: bytes) -> bool:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        data = await reader.read()  # Connection: close -> read to EOF
    finally:
        writer.close()
    return data[9:10] == b"2"  # "HTTP/1.1 2xx"


async def _run(
    port: int, pool: list[bytes], concurrency: int, seconds: float, rate: float | None
) -> Result:
    result, it = Result(), iter(pool)
    start = time.perf_counter()
    end = start + seconds
    interval = concurrency / rate if rate else 0.0

    async def worker(k: int) -> None:
        slot = start + (interval * k / concurrency if interval else 0.0)
        while (now := time.perf_counter()) < end:
            if interval:
                if slot > now:
                    await asyncio.sleep(slot - now)
                slot += interval
            raw = next(it, None)
            if raw is None:
                result.exhausted = True
                return
            t0 = time.perf_counter()
            try:
                ok = await asyncio.wait_for(_one(port, raw), 10)
            except (OSError, TimeoutError):
                ok = False
            if ok:
                result.latencies.append(time.perf_counter() - t0)
            else:
                result.errors += 1

    await asyncio.gather(*(worker(k) for k in range(concurrency)))
    result.seconds = time.perf_counter() - start
    return result


def run_level(
    port: int, pool: list[bytes], *, concurrency: int, seconds: float, rate: float | None = None
) -> Result:
    """Closed loop with `concurrency` clients, or paced at `rate` requests/s when given."""
    return asyncio.run(_run(port, pool, concurrency, seconds, rate))
