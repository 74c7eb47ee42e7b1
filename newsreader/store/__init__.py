"""The SQLite store: feeds, articles, read/starred state and full-text search.

    schema.py    the schema as forward-only migrations (PRAGMA user_version)
    queries.py   a View to SQL: conditions, index hints, keyset pages
    writes.py    storing a parsed feed: article identity, change detection, copies
    database.py  the Store class: connection, transactions, reads, state, upkeep

Import from here: `from newsreader.store import Store, StoreError, FetchOutcome`.
"""

from newsreader.sanitize import html_to_search_text
from newsreader.store.database import DB_NAME, FetchOutcome, Store, iso
from newsreader.store.schema import _MIGRATIONS, MIGRATIONS, SCHEMA_VERSION, StoreError
from newsreader.store.writes import Classifier, article_key

__all__ = [
    "DB_NAME",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "_MIGRATIONS",
    "Classifier",
    "FetchOutcome",
    "Store",
    "StoreError",
    "article_key",
    "html_to_search_text",
    "iso",
]
