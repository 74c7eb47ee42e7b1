"""Pictures for articles: fetched off the UI thread, checked, and cached on disk.

An image comes from an untrusted server: only http(s), at most `media.image_max_kb` bytes,
only the common web formats, and at most MAX_PIXELS pixels, read from the header before
anything is decoded (a 50 kB PNG can claim 30,000 x 30,000 pixels, 3.6 GB once decoded).
Accepted pictures are kept under the data folder, so an article opened once shows them
offline; the least recently used go first when the cache passes `media.image_cache_mb`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

from newsreader.config import MediaSettings
from newsreader.model import NewsreaderError
from newsreader.sanitize import safe_url

MAX_PIXELS = 16_000_000  # 4000 x 4000: far more than any terminal shows
FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")  # only decoders that see the web's pictures
MAX_PER_ARTICLE = 50
CACHE_DIR = "images"


class ImageError(NewsreaderError):
    """A picture is refused or unreadable: one line (the TUI keeps [image: alt])."""


@dataclass(frozen=True, slots=True)
class ImageInfo:
    format: str
    width: int
    height: int


def check_image(data: bytes, max_pixels: int = MAX_PIXELS) -> ImageInfo:
    """The picture's format and size from its header, without decoding the pixels.
    Raises ImageError for a format we do not open, a broken header, or too many pixels."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning: we judge size below
            with Image.open(io.BytesIO(data), formats=FORMATS) as im:
                width, height = im.size
                fmt = im.format or "?"
    except Image.DecompressionBombError:
        raise ImageError("too many pixels (a decompression bomb?)") from None
    except UnidentifiedImageError:
        raise ImageError("not a picture in a supported format") from None
    except Exception as exc:  # any decoder complaint about a hostile header is one line
        raise ImageError(f"unreadable picture ({type(exc).__name__})") from None
    if width <= 0 or height <= 0 or width * height > max_pixels:
        raise ImageError(f"too many pixels ({width} x {height})")
    return ImageInfo(fmt, width, height)


def open_image(path: Path, max_pixels: int = MAX_PIXELS):  # -> PIL.Image.Image
    """Decode a cached picture (first frame), checking its header again first. For a worker
    thread: decoding takes milliseconds to tens of them."""
    from PIL import Image

    data = path.read_bytes()
    check_image(data, max_pixels)
    im = Image.open(io.BytesIO(data), formats=FORMATS)
    im.load()
    return im


class _ImgFinder(HTMLParser):
    def __init__(self, base: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "img":
            return
        a = dict(attrs)
        if (a.get("width") or "").strip() in ("0", "1") or (a.get("height") or "").strip() in (
            "0",
            "1",
        ):
            return  # a tracking pixel: the article view skips it too
        src = (a.get("src") or "").strip()
        if not src:
            return
        try:
            url = safe_url(urljoin(self.base, src) if self.base else src)
        except ValueError:
            return
        if url and url not in self.urls:
            self.urls.append(url)


def image_urls(html: str | None, base_url: str | None = None) -> list[str]:
    """The http(s) picture links of an article body, in order, without duplicates."""
    if not html:
        return []
    finder = _ImgFinder(base_url)
    with contextlib.suppress(Exception):  # broken markup: keep what was found
        finder.feed(html)
        finder.close()
    return finder.urls[:MAX_PER_ARTICLE]


class ImageCache:
    """Accepted pictures on disk, one file per link, evicted least recently used first."""

    def __init__(
        self,
        folder: Path,
        *,
        max_image_bytes: int = 5_000_000,
        max_total_bytes: int = 200_000_000,
        max_pixels: int = MAX_PIXELS,
        concurrency: int = 4,
        timeout: float = 20.0,
    ) -> None:
        self.folder = folder
        self.max_image_bytes = max_image_bytes
        self.max_total_bytes = max_total_bytes
        self.max_pixels = max_pixels
        self.concurrency = concurrency
        self.timeout = timeout

    @classmethod
    def for_settings(cls, data_dir: Path, media: MediaSettings) -> ImageCache:
        return cls(
            data_dir / CACHE_DIR,
            max_image_bytes=media.image_max_kb * 1000,
            max_total_bytes=media.image_cache_mb * 1_000_000,
        )

    def path_for(self, url: str) -> Path:
        return self.folder / hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, url: str) -> Path | None:
        """The cached file for a link (marked as just used), or None."""
        path = self.path_for(url)
        try:
            os.utime(path)  # recency for eviction
        except OSError:
            return None
        return path

    def put(self, url: str, data: bytes) -> Path:
        """Check and store a picture; ImageError when refused."""
        if len(data) > self.max_image_bytes:
            raise ImageError(f"larger than {self.max_image_bytes // 1000} kB")
        check_image(data, self.max_pixels)
        if self.max_total_bytes <= 0:
            raise ImageError("the picture cache is off (media.image_cache_mb = 0)")
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path_for(url)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return path

    def evict(self) -> int:
        """Delete the least recently used pictures until the cache fits; returns how many."""
        try:
            entries = []
            with os.scandir(self.folder) as it:
                for e in it:
                    if e.is_file(follow_symlinks=False):
                        st = e.stat(follow_symlinks=False)
                        entries.append((st.st_mtime, st.st_size, e.path))
        except OSError:
            return 0
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries):
            if total <= self.max_total_bytes:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
                removed += 1
            total -= size
        return removed

    async def fetch(self, urls: Iterable[str]) -> dict[str, Path | ImageError]:
        """Each link's cached file, fetching what is missing (at most `concurrency` at once).
        Never raises for one bad picture: its entry is the ImageError."""
        from newsreader.fetch import Fetcher

        out: dict[str, Path | ImageError] = {}
        wanted: list[str] = []
        for url in urls:
            if url in out or url in wanted:
                continue
            link = safe_url(url)
            if link is None or link != url:
                out[url] = ImageError("not an http(s) picture link")
            elif (cached := self.get(url)) is not None:
                out[url] = cached
            else:
                wanted.append(url)
        if not wanted:
            return out
        async with Fetcher(
            concurrency=self.concurrency,
            per_host=min(self.concurrency, 4),
            deadline=self.timeout,
            read_timeout=self.timeout,
            max_bytes=self.max_image_bytes,
        ) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch(u) for u in wanted))
        for url, result in zip(wanted, results, strict=True):
            if result.error or result.body is None:
                reason = (result.error or "no body").replace("response larger", "larger")
                out[url] = ImageError(reason)
                continue
            try:
                out[url] = await asyncio.to_thread(self.put, url, result.body)
            except ImageError as exc:
                out[url] = exc
            except OSError as exc:
                out[url] = ImageError(f"cannot cache: {exc.strerror or exc}")
        await asyncio.to_thread(self.evict)
        return out

    def fetch_blocking(self, urls: Iterable[str]) -> dict[str, Path | ImageError]:
        """fetch() for a thread worker (runs its own event loop)."""
        return asyncio.run(self.fetch(list(urls)))
