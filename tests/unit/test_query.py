"""The filter language against a real store: every field and operator, precedence, quoting,
and one clear line (with the column) for every mistake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsreader.model import FeedConfig, ParsedArticle, ParsedFeed
from newsreader.query import QueryError, check_query, compile_query
from newsreader.store import FetchOutcome, Store

NOW = datetime(2025, 3, 18, 12, 0, tzinfo=UTC)

ARTICLES = {
    "https://wire.example/feed": [
        ("Mars rover finds water", "Ann Lee", 1, ["Space"], "<p>The rover dug near the pole.</p>"),
        ("Sponsored: the best mattress", "PR Desk", 3, [], "<p>Buy now.</p>"),
        ("Über-fast trains open", "Jörg Weiß", 30, ["Transport"], "<p>Rail news.</p>"),
    ],
    "https://views.example/feed": [
        ("Why Mars matters", "Bo Chen", 2, ["Opinion"], "<p>An essay about the red planet.</p>"),
        ("Advertorial: crypto gold", None, 5, [], "<p>Guaranteed returns.</p>"),
    ],
}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path)
    s.sync_feeds(
        [
            FeedConfig(url="https://wire.example/feed", title="Example Wire", tags=["news"]),
            FeedConfig(
                url="https://views.example/feed",
                title="The Views",
                section="opinion",
                tags=["views", "space"],
            ),
        ]
    )
    for url, items in ARTICLES.items():
        fid = s.feed_id(url)
        assert fid is not None
        parsed = [
            ParsedArticle(
                title=title,
                guid=title,
                link=f"{url.rsplit('/', 1)[0]}/{i}",
                author=author,
                published=NOW - timedelta(hours=hours),
                categories=cats,
                summary_html=body,
            )
            for i, (title, author, hours, cats, body) in enumerate(items)
        ]
        s.record_fetch(fid, FetchOutcome(status=200), ParsedFeed(None, None, parsed))
    yield s
    s.close()


def titles(store: Store, query: str) -> set[str]:
    q = compile_query(query, NOW.timestamp())
    rows = store.db.execute(f"SELECT a.title FROM articles AS a WHERE {q.sql}", q.params)
    return {r[0] for r in rows}


def test_fields_and_operators(store: Store) -> None:
    assert titles(store, 'title ~ "sponsored|advertorial"') == {
        "Sponsored: the best mattress",
        "Advertorial: crypto gold",
    }
    assert titles(store, 'author = "pr desk"') == {"Sponsored: the best mattress"}
    assert titles(store, 'author != "PR Desk"') == {
        "Mars rover finds water",
        "Über-fast trains open",
        "Why Mars matters",
        "Advertorial: crypto gold",  # no author is "not PR Desk"
    }
    assert titles(store, "author contains weiß") == {"Über-fast trains open"}
    assert titles(store, "title contains über") == {"Über-fast trains open"}  # casefolded
    assert titles(store, 'feed = "The Views"') == {"Why Mars matters", "Advertorial: crypto gold"}
    assert titles(store, "feed contains wire.example") == {
        "Mars rover finds water",
        "Sponsored: the best mattress",
        "Über-fast trains open",
    }
    assert titles(store, "tag = transport") == {"Über-fast trains open"}  # a category
    assert titles(store, "tag = SPACE") == {  # a feed tag and a category, any case
        "Mars rover finds water",
        "Why Mars matters",
        "Advertorial: crypto gold",
    }
    assert titles(store, "section = opinion") == {"Why Mars matters", "Advertorial: crypto gold"}
    assert titles(store, "link ~ views") == {"Why Mars matters", "Advertorial: crypto gold"}
    assert titles(store, "text contains planet") == {"Why Mars matters"}  # body, via FTS
    assert titles(store, 'text contains "red planet"') == {"Why Mars matters"}  # a phrase
    assert titles(store, "text ~ 'guarantee[d]'") == {"Advertorial: crypto gold"}
    assert titles(store, "age < 2h") == {"Mars rover finds water"}
    assert titles(store, "age > 1d") == {"Über-fast trains open"}
    assert titles(store, "opinion") == {"Why Mars matters", "Advertorial: crypto gold"}
    assert titles(store, "opinion = false and unread") == {
        "Mars rover finds water",
        "Sponsored: the best mattress",
        "Über-fast trains open",
    }


def test_flags_follow_the_store(store: Store) -> None:
    (mars,) = [r[0] for r in store.db.execute("SELECT id FROM articles WHERE title LIKE 'Mars%'")]
    store.set_read([mars])
    store.set_starred([mars])
    assert titles(store, "starred") == {"Mars rover finds water"}
    assert "Mars rover finds water" not in titles(store, "unread")
    assert titles(store, "not unread") == {"Mars rover finds water"}
    assert titles(store, "unread = no") == {"Mars rover finds water"}


def test_bare_words_mean_text_contains_each(store: Store) -> None:
    assert titles(store, "mars") == {"Mars rover finds water", "Why Mars matters"}
    assert titles(store, "mars rover") == {"Mars rover finds water"}
    assert titles(store, '"red planet"') == {"Why Mars matters"}
    # FTS syntax in user text is only ever words.
    assert titles(store, 'text contains "mars OR NEAR(x) *"') == set()
    assert titles(store, "'*'") == set()


def test_precedence_not_and_or_parentheses(store: Store) -> None:
    # and binds tighter than or
    assert titles(store, "section = opinion or mars and age < 2h") == {
        "Why Mars matters",
        "Advertorial: crypto gold",
        "Mars rover finds water",
    }
    assert titles(store, "(section = opinion or mars) and age < 3h") == {
        "Mars rover finds water",
        "Why Mars matters",
    }
    assert titles(store, "not section = opinion and not mars") == {
        "Sponsored: the best mattress",
        "Über-fast trains open",
    }
    assert titles(store, "NOT (mars OR title ~ sponsored)") == {
        "Über-fast trains open",
        "Advertorial: crypto gold",
    }


def test_quotes_escape_and_user_text_is_a_parameter(store: Store) -> None:
    q = compile_query("title = \"it's \\\"x\\\"\" or author = 'a\\'b'", NOW.timestamp())
    assert q.params == ('it\'s "x"', "a'b")
    assert "it's" not in q.sql
    hostile = compile_query('title = "\'); DROP TABLE articles; --"', NOW.timestamp())
    assert "DROP" not in hostile.sql
    assert titles(store, 'title = "\'); DROP TABLE articles; --"') == set()
    assert store.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 5


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('title ~ "sponsored|adv" or ~', "1:28: expected a condition before '~'"),
        ("title ~", "1:8: expected a value after '~'"),
        ("title ~ or x", "1:9: expected a value after '~'"),
        ('title = "open', "1:9: unterminated string: add the closing quote"),
        ("(mars or venus", "1:15: expected ')' but found the end of the query"),
        ("mars)", "1:5: unmatched ')'"),
        ("()", "1:2: expected a condition inside '()'"),
        ("", "1:1: empty query"),
        ("mars and", "1:9: expected a condition at the end of the query"),
        ("or mars", "1:1: expected a condition before 'or'"),
        (
            "colour = red",
            "1:1: unknown field 'colour' (fields: title, author, feed, tag, "
            "section, text, link, age, unread, starred, opinion)",
        ),
        ("title < 3", "1:7: '<' compares ages only (age < 2d); use =, !=, ~ or contains"),
        ("age < soon", "1:7: expected an age such as 30m, 6h, 2d or 1w"),
        ("age = 2d", "1:7: age takes < or > (age < 2d: newer than two days)"),
        ("unread = maybe", "1:10: expected true or false after '='"),
        ("starred ~ x", "1:9: starred takes = or != (true/false)"),
        ("title ~ '(unclosed'", "1:9: bad regular expression: missing ), unterminated subpattern"),
        ("title = x ! y", "1:11: unexpected '!'"),
        ("mars and\n  title ~", "2:10: expected a value after '~'"),
    ],
)
def test_every_mistake_is_one_line_with_its_column(query: str, message: str) -> None:
    with pytest.raises(QueryError) as err:
        check_query(query)
    assert str(err.value) == message
    assert "\n" not in str(err.value)
