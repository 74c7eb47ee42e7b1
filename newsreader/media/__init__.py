"""Media: enclosures (podcasts, videos) played or downloaded, and pictures for articles.

No Textual here: the TUI drives these from its workers. Modules import their heavier
dependencies (httpx, Pillow) lazily where they can, so the CLI starts fast.

- enclosures.py: an article's attachments as lines to show (kind, type, size, duration)
- player.py: the argument list that plays a link with `ui.player`
- names.py: safe file names for downloads
- queue.py: the download queue, a table in the store (survives a restart)
- download.py: the resumable downloader and the DownloadManager that runs the queue
- images.py: pictures fetched, checked and cached on disk for offline reading
"""
