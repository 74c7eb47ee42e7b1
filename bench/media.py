"""Media benchmark over loopback: download throughput (one file, and several at once), the cost
of a resume, and an article's 20 pictures fetched cold, then from the disk cache; the header
check of a decompression bomb. Prints figures; no budgets are asserted here.

    python bench/media.py [--mb 50] [--files 4]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import random
import struct
import sys
import tempfile
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image

from newsreader.config import MediaSettings
from newsreader.media.download import DownloadManager
from newsreader.media.images import ImageCache, ImageError, check_image
from newsreader.store import Store

FILES: dict[str, bytes] = {}


class _H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = FILES.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        start = 0
        rng = self.headers.get("Range", "")
        if rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("ETag", '"1"')
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        view = memoryview(body)[start:]
        for i in range(0, len(view), 1 << 20):
            self.wfile.write(view[i : i + (1 << 20)])


def _bomb() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 30_000, 30_000, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=50, help="size of each download, MB")
    ap.add_argument("--files", type=int, default=4, help="files downloaded at once")
    args = ap.parse_args()
    rnd = random.Random(1)
    size = args.mb * 1_000_000
    payload = rnd.randbytes(size)
    for n in range(args.files):
        FILES[f"/f{n}.mp3"] = payload
    for n in range(20):
        out = io.BytesIO()
        Image.new("RGB", (800, 600), (n * 12, 80, 160)).save(out, "JPEG", quality=85)
        FILES[f"/img/{n}.jpg"] = out.getvalue()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _H)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = MediaSettings(
            folder=str(root / "dl"), max_mb=args.mb * 2, concurrency=args.files
        )
        with Store.open(root / "data") as store:
            m = DownloadManager(store, settings)
            m.enqueue(f"{base}/f0.mp3")
            t = time.perf_counter()
            asyncio.run(m.run())
            one = time.perf_counter() - t
            print(f"one download, {args.mb} MB:        {one:6.2f} s  {args.mb / one:7.0f} MB/s")

            for n in range(1, args.files):
                m.enqueue(f"{base}/f{n}.mp3", title=f"f{n}")
            (root / "dl" / "f0.mp3").unlink()
            m.queue.forget(1)
            m.enqueue(f"{base}/f0.mp3")
            t = time.perf_counter()
            asyncio.run(m.run())
            many = time.perf_counter() - t
            total = args.mb * args.files
            print(
                f"{args.files} at once, {total} MB:          {many:6.2f} s  {total / many:7.0f} MB/s"
            )

            # A resume: half the file already in the .part.
            part = root / "dl" / "half.mp3.part"
            part.write_bytes(payload[: size // 2])
            FILES["/half.mp3"] = payload
            d = m.enqueue(f"{base}/half.mp3")
            store.db.execute(
                "UPDATE downloads SET path = ? WHERE id = ?", (str(root / "dl" / "half.mp3"), d.id)
            )
            t = time.perf_counter()
            asyncio.run(m.run())
            resumed = time.perf_counter() - t
            ok = (root / "dl" / "half.mp3").read_bytes() == payload
            print(f"resume of the second half:     {resumed:6.2f} s  (bytes match: {ok})")

        cache = ImageCache(root / "images")
        urls = [f"{base}/img/{n}.jpg" for n in range(20)]
        t = time.perf_counter()
        got = cache.fetch_blocking(urls)
        cold = time.perf_counter() - t
        assert all(isinstance(v, Path) for v in got.values()), got
        t = time.perf_counter()
        cache.fetch_blocking(urls)
        warm = time.perf_counter() - t
        kb = sum(len(FILES[f"/img/{n}.jpg"]) for n in range(20)) // 1000
        print(f"20 pictures ({kb} kB), cold:       {cold * 1000:6.0f} ms")
        print(f"20 pictures, from the cache:   {warm * 1000:6.0f} ms")

    bomb = _bomb()
    t = time.perf_counter()
    for _ in range(100):
        with contextlib.suppress(ImageError):
            check_image(bomb)
    print(f"bomb header refused ({len(bomb)} B):  {(time.perf_counter() - t) * 10:6.2f} ms each")
    httpd.shutdown()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
