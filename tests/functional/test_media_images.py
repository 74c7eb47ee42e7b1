"""Pictures of an article fetched from a real loopback server, checked, cached on disk,
shown again offline, evicted by size; a decompression bomb is refused from its header."""

from __future__ import annotations

import io
import os
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from newsreader.cli import main
from newsreader.config import MediaSettings
from newsreader.media.images import ImageCache, ImageError, check_image, image_urls, open_image
from newsreader.model import View
from newsreader.store import Store
from tests.functional.media_server import MediaServer, media_server


def picture(fmt: str, size: tuple[int, int] = (64, 48), color: str = "navy") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A 100-byte PNG whose header claims width x height pixels (3.6 GB as RGBA)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture
def server() -> Iterator[MediaServer]:
    with media_server() as s:
        s.add("/img/boat.png", picture("PNG"), content_type="image/png")
        s.add("/img/gull.jpg", picture("JPEG", (120, 80), "white"), content_type="image/jpeg")
        s.add("/img/bomb.png", png_bomb(), content_type="image/png")
        yield s


def test_an_articles_pictures_are_fetched_checked_and_there_offline(
    home: Path, server: MediaServer
) -> None:
    assert main(["add", server.add_feed("/feeds/pictures.xml", "pictures.xml")]) == 0
    with Store.open(home / "data") as store:
        row = store.page(View(), limit=5)[0]
        article = store.article(row.id)
    assert article is not None
    urls = image_urls(article.summary_html or article.content_html, article.link)
    # Relative links resolved, the tracking pixel, data: and javascript: links and the
    # repeated picture left out, in the order of the article.
    assert urls == [
        server.url("/img/boat.png"),
        server.url("/img/gull.jpg"),
        server.url("/img/bomb.png"),
        server.url("/img/missing.png"),
    ]
    cache = ImageCache.for_settings(home / "data", MediaSettings())
    got = cache.fetch_blocking(urls)
    boat, gull = got[urls[0]], got[urls[1]]
    assert isinstance(boat, Path) and boat.read_bytes() == picture("PNG")
    assert isinstance(gull, Path) and open_image(gull).size == (120, 80)
    assert isinstance(got[urls[2]], ImageError) and "too many pixels" in str(got[urls[2]])
    assert isinstance(got[urls[3]], ImageError) and "404" in str(got[urls[3]])
    assert boat.parent == home / "data" / "images"
    assert sorted(p.name for p in boat.parent.iterdir()) == sorted([boat.name, gull.name])

    server.close()  # offline: the cached pictures are still there, nothing is fetched
    before = len(server.requests)
    again = ImageCache.for_settings(home / "data", MediaSettings()).fetch_blocking(urls[:2])
    assert again == {urls[0]: boat, urls[1]: gull}
    assert len(server.requests) == before


def test_a_decompression_bomb_is_refused_from_its_header_alone() -> None:
    bomb = png_bomb()
    assert len(bomb) < 200
    with pytest.raises(ImageError, match="too many pixels"):
        check_image(bomb)
    # Pillow's own limit (about 179 megapixels) is far above ours; ours is hit first.
    with pytest.raises(ImageError, match=r"too many pixels \(5000 x 4000\)"):
        check_image(png_bomb(5000, 4000))
    assert check_image(png_bomb(4000, 4000)).width == 4000  # the header alone was read


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html>not a picture</html>", "not a picture in a supported format"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a picture in a supported format"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "not a picture in a supported format"),
        (b"", "not a picture in a supported format"),
    ],
)
def test_junk_is_refused_in_one_line(data: bytes, reason: str) -> None:
    with pytest.raises(ImageError, match=reason):
        check_image(data)


def test_caps_on_bytes_and_links(tmp_path: Path, server: MediaServer) -> None:
    server.add("/img/huge.jpg", picture("BMP", (400, 400)), content_type="image/bmp")
    cache = ImageCache(tmp_path / "images", max_image_bytes=100_000)
    got = cache.fetch_blocking(
        [server.url("/img/huge.jpg"), "javascript:alert(1)", "file:///etc/passwd", "/img/x.png"]
    )
    assert str(got[server.url("/img/huge.jpg")]) == "larger than 100 kB"
    for link in ("javascript:alert(1)", "file:///etc/passwd", "/img/x.png"):
        assert str(got[link]) == "not an http(s) picture link"
    assert not (tmp_path / "images").exists() or list((tmp_path / "images").iterdir()) == []
    assert [r.path for r in server.requests] == ["/img/huge.jpg"]


def test_the_cache_evicts_the_least_recently_used_first(
    tmp_path: Path, server: MediaServer
) -> None:
    names = []
    for n in range(4):
        server.add(f"/img/{n}.png", picture("PNG", (200, 200), f"#{n * 40:02x}3060"))
        names.append(server.url(f"/img/{n}.png"))
    size = len(picture("PNG", (200, 200), "#003060"))
    cache = ImageCache(tmp_path / "images", max_total_bytes=int(size * 3.5))
    cache.fetch_blocking(names[:3])
    old = time.time() - 100
    for n, url in enumerate(names[:3]):  # 0 oldest... then 0 used again: 1 is the oldest
        os.utime(cache.path_for(url), (old + n, old + n))
    assert cache.get(names[0]) is not None
    cache.fetch_blocking(names[3:])
    kept = {url for url in names if cache.path_for(url).exists()}
    assert kept == {names[0], names[2], names[3]}
