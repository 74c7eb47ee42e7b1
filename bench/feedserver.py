"""A loopback feed server for benchmarks: N feeds, each on its own address (127.0.0.2, ...),
each answering after a fixed latency, with ETag/304 and gzip, over keep-alive connections.

    python bench/feedserver.py --feeds 500 --items 30 --latency 0.1 --port 8765
Prints "ready" once every address listens. Serves until killed.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import hashlib
import ipaddress
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

LOREM = [
    "The",
    "council",
    "met",
    "on",
    "Tuesday",
    "to",
    "discuss",
    "the",
    "harbour",
    "plan,",
    "the",
    "new",
    "cycle",
    "lanes",
    "and",
    "the",
    "budget",
    "for",
    "the",
    "coming",
    "year.",
    "Residents",
    "asked",
    "about",
    "flooding",
    "on",
    "the",
    "river",
    "path,",
    "while",
    "traders",
    "welcomed",
    "the",
    "market",
    "extension.",
    "Officials",
    "said",
    "the",
    "work",
    "would",
    "start",
    "in",
    "spring.",
]


def address(n: int) -> str:
    return str(ipaddress.IPv4Address("127.0.0.2") + n)


def make_feed(n: int, items: int, now: datetime) -> bytes:
    rnd = random.Random(n)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Bench feed {n}</title><link>https://feed{n}.example/</link>"
        "<description>Benchmark feed</description>"
    ]
    for i in range(items):
        words = rnd.choices(LOREM, k=200)  # ~1.5 KB of HTML per item
        body = "".join(f"<p>{' '.join(words[j : j + 50])}.</p>" for j in range(0, 200, 50))
        title = " ".join(rnd.choices(LOREM, k=8)).capitalize()
        date = format_datetime(now - timedelta(minutes=n + 37 * i), usegmt=True)
        parts.append(
            f"<item><title>{title}</title><link>https://feed{n}.example/a/{i}</link>"
            f"<guid>feed{n}-{i}</guid><pubDate>{date}</pubDate>"
            f"<description><![CDATA[{body[:200]}]]></description>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--items", type=int, default=30)
    ap.add_argument("--latency", type=float, default=0.1)
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args()
    now = datetime.now(UTC).replace(microsecond=0)
    bodies: dict[str, tuple[bytes, bytes, str]] = {}
    for n in range(args.feeds):
        raw = make_feed(n, args.items, now)
        bodies[address(n)] = (raw, gzip.compress(raw, 5), '"' + hashlib.md5(raw).hexdigest() + '"')

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = writer.get_extra_info("sockname")[0]
        raw, zipped, etag = bodies[host]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                headers = {}
                for line in head.decode("latin-1").split("\r\n")[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                await asyncio.sleep(args.latency)
                if headers.get("if-none-match") == etag:
                    writer.write(
                        f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nContent-Length: 0\r\n\r\n".encode()
                    )
                else:
                    gz = "gzip" in headers.get("accept-encoding", "")
                    body = zipped if gz else raw
                    enc = "Content-Encoding: gzip\r\n" if gz else ""
                    writer.write(
                        (
                            "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                            f"ETag: {etag}\r\n{enc}Content-Length: {len(body)}\r\n\r\n"
                        ).encode()
                        + body
                    )
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    servers = [
        await asyncio.start_server(handle, address(n), args.port, backlog=64)
        for n in range(args.feeds)
    ]
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    asyncio.run(main())
