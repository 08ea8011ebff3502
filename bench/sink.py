"""A stand-in for Twilio's REST API on loopback: accepts every message (201, a fresh SID) and counts
them, so queued intake's replies can go out during a load run. `python -m bench.sink PORT COUNTFILE`."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

SENT = [0]  # messages accepted so far


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """HTTP/1.1 with keep-alive: read a request (headers and Content-Length body), answer 201."""
    try:
        while head := await reader.readuntil(b"\r\n\r\n"):
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            SENT[0] += 1
            body = b'{"sid": "SM%032d", "status": "queued"}' % SENT[0]
            writer.write(
                b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int, count_file: Path) -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        while not stop.is_set():
            count_file.write_text(str(SENT[0]))
            try:
                await asyncio.wait_for(stop.wait(), 0.5)
            except TimeoutError:
                pass
        count_file.write_text(str(SENT[0]))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), Path(sys.argv[2])))
