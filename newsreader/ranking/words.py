"""Shared word handling for ranking: folding, language, stemming, and word significance.

A headline becomes a map of *terms* (stemmed words, numbers, Chinese/Japanese character
pairs) to a *weight*: how much sharing that term says two headlines tell one story.

- **Language.** Cyrillic titles are Russian; Han/kana text is split into character pairs
  (no dictionary needed, and a pair shared by two headlines is real evidence), weighed by
  the Chinese list, or the Japanese one when the title has kana; a pair the list does not
  know weighs ``W_CJK_UNKNOWN`` unless it straddles a function character (の, 的) or is all
  hiragana (Japanese grammar), then nothing. A Latin-script
  title is English when it is plain ASCII and most of its words are English words; otherwise
  the language (English, German, French, Spanish, Italian, Portuguese, Dutch) whose word list
  knows most of its words.
- **Stemming**: Snowball, per language (PyStemmer), then accents dropped, so "strikes" and
  "striking", "grève" and "greve", "морозы" and "морозах" meet.
- **Weight** from the word's frequency in everyday use of its language (wordfreq's "small"
  lists, read once per language on first use): ``clamp(ZIPF_CEIL - zipf, 0, W_MAX)``. "the",
  "die", "le" weigh nothing and are dropped; "open" or "win" weigh about one; "earthquake"
  two; "Sumatra" three and a half; a word too rare to be listed (most names) weighs
  ``W_MAX``. Generic newsroom words (``WEAK_WORDS``) are capped at ``W_WEAK``. Numbers
  weigh ``W_NUMBER`` ("6.8", "2.1%", "30,000", "$20bn" and "$20 billion" give "6.8", "2.1",
  "30000", "20"); a year weighs ``W_YEAR``; a single digit nothing.
- Words of the feed's own title and headline filler ("says", "live", "video") are dropped.
- **Specific terms** (``Terms.specific``): names and figures, what tells one event of a
  topic from another. A name is a word a sentence-case headline capitalises inside a
  sentence ("Mayor Okafor", "near Eastmoor"; not the common title word of "Storm Elsa"),
  or an acronym (GDL, SNCF); a name weighs at least ``W_NAME``. A rare word opening the
  headline ("Novalith profits jump") goes to ``Terms.opened``: clusters.py takes it for a
  name unless another headline of the window writes it in lower case. Title Case and
  German headlines (every noun capitalised) give only acronyms. Figures are numbers of
  weight ``W_NUMBER`` (not years, not single digits).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

_STOP_EN = """
a about above after again against ago all almost along also am among an and another any are
around as at away back be because been before being below between both but by can cannot
could did do does doing done down during each either else even ever every few for from
further get gets getting go goes going got had has have having he her here hers herself him
himself his how however if in inside into is it its itself just least less like made make
makes many may me might more most much must my myself near need needs never new next no nor
not now of off on once one only onto or other others our ours out outside over own per put
quite rather really same see seen she should since so some still such than that the their
theirs them themselves then there these they this those though through thus to too toward
towards under until up upon us very via was way we well were what when where whether which
while who whom whose why will with within without would yet you your yours yourself
dont doesnt didnt isnt arent wasnt werent wont cant couldnt shouldnt wouldnt hasnt havent
im ive youre youve theyre weve thats whats heres theres lets
mr mrs ms dr st vs
"""
# Headline filler: words that say nothing about which story it is.
_STOP_NEWS = """
says said say saying tells told report reports reported reportedly update updates updated
live latest breaking watch video videos photo photos pictures gallery podcast listen read
exclusive analysis opinion comment explainer explained news today yesterday tomorrow week
weeks day days year years time times amid amp per cent percent
"""
# The commonest function words of a few other languages; words that are also meaningful
# English words ("die", "war", "will", "also", "once", "son") are deliberately left out.
_STOP_OTHER = """
le la les un une des du de et en au aux ce ces dans par pour sur pas plus est sont qui que
avec sans sous entre leur leurs nous vous ils elle elles il lui mais ou donc car cette
der das den dem des ein eine einer eines einem und oder ist sind nicht mit von zu zum zur
auf aus bei nach vor uber fur wie auch sich noch nur wird werden hat haben bis vom ins
el los las unos unas del al y es son por para con sin sobre entre su sus lo mas pero como
ya muy este esta estos estas ese esa hay fue
il lo gli della delle dei degli nel nella nelle negli alla alle sono per con non che piu
di da del ai dal dalla
os as um uma uns umas do da dos das no na nos nas em por para com sem nao que mais mas foi
ser sua seu
het een en van op te dat die niet zijn voor met ook naar bij uit aan om tot dan maar wordt
"""
STOP_WORDS: frozenset[str] = frozenset((_STOP_EN + _STOP_NEWS + _STOP_OTHER).split())

# Generic newsroom words, weighed at most W_WEAK whatever their frequency, so "Prime
# minister visits troops" and "Prime minister visits flooded towns" stay apart.
_WEAK = """
government minister prime president pm mp official police court judge council party leader
chief boss head state country nation national world global city town people man woman men
women family public plan deal talk bill law rule announce confirm reject approve agree warn
urge call claim deny face hit set make take give get vow pledge launch reveal show back big
top major huge high low record million billion bn
"""


_WORD = re.compile(r"[^\W_]+")

# Weights (see the module docstring); the matching thresholds that use them are in clusters.py.
ZIPF_CEIL = 6.3
W_MAX = 4.0
W_WEAK = 0.5
W_NUMBER = 2.5
W_YEAR = 1.0
W_CJK_UNKNOWN = 2.5  # a character pair the word list does not know: often a name
CJK_FUNCTION_ZIPF = 6.0  # a character this common on its own is grammar, not a topic
W_MIN = 0.3  # lighter terms are dropped: function words of any language
W_NAME = 3.0  # a name (see _names) weighs at least this, however common the word

_LATIN = ("en", "de", "fr", "es", "it", "pt", "nl")
_SNOWBALL = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
    "ru": "russian",
}

_CYRILLIC = re.compile("[\u0400-\u04ff]")
_KANA = re.compile("[\u3040-\u30ff]")
_HIRAGANA_ONLY = re.compile("[\u3040-\u309f]+$")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# numbers first (decimal point kept), then runs of letters; digits split from letters
_TOKEN = re.compile(r"\d+(?:\.\d+)?%?|[^\W\d_]+")
_PER_CENT = re.compile(r"(?<=\d)\s*(?:per\s?cent|pour\s?cent|por\s?ciento|prozent|процент\w*)\b")
_THOUSANDS = re.compile(r"(?<=\d)[,.\u00a0\u202f ](?=\d{3}(?!\d))")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_ELISION = re.compile(r"\b(qu|[a-z])['\u2019](?=\w)")  # l'Assemblée, d'Italia, qu'il
_POSSESSIVE = re.compile(r"['\u2019]s\b")
_APOSTROPHE = re.compile(r"['\u2019`]")
_DIGIT = re.compile(r"\d")
LANGUAGE_WORDS = 16


def fold(text: str) -> str:
    """Casefolded, accents dropped (NFKD then combining marks removed)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def fold_words(text: str) -> list[str]:
    """Folded words of a text, split on anything that is not a letter or digit (unstemmed)."""
    return _WORD.findall(fold(text))


def _zipf_table(lang: str) -> dict[str, float]:
    """word -> Zipf frequency (log10 of uses per billion words), words of 1 per million up."""
    import wordfreq  # ~90 ms and a few MB per language, so only when a headline needs it

    table: dict[str, float] = {}
    for centibels, words in enumerate(wordfreq.get_frequency_list(lang, "small")):
        zipf = 9.0 - centibels / 100.0
        for w in words:
            table.setdefault(w, zipf)
    return table


class _Lexicon:
    """One language's stemmer and word weights; word -> (term, weight) memoised."""

    LIMIT = 200_000  # words; beyond this, start again rather than grow without bound

    def __init__(self, lang: str) -> None:
        import Stemmer  # type: ignore[import-not-found, unused-ignore]  # PyStemmer: no stubs

        self.lang = lang
        self.zipf = _zipf_table("zh" if lang == "cjk" else lang)  # "ja" has its own
        self._stem: Callable[[str], str] = (
            Stemmer.Stemmer(_SNOWBALL[lang]).stemWord if lang in _SNOWBALL else str
        )
        self.terms_of: dict[str, tuple[tuple[str, float], ...]] = {}

    def _weigh(self, word: str) -> tuple[str, float]:
        # English stems need no accents ("café" is "cafe"); other languages' stemmers do
        stem = self._stem(fold(word) if self.lang == "en" else word)
        zipf = self.zipf.get(word)
        if zipf is None:
            # an inflected form is rarer than its word: "lingers" is as common as "linger"
            zipf = self.zipf.get(stem) or self.zipf.get(stem + "e") or self.zipf.get(fold(word))
        weight = W_MAX if zipf is None else min(W_MAX, max(0.0, ZIPF_CEIL - zipf))
        stem = fold(stem)
        if stem in WEAK_WORDS:
            weight = min(weight, W_WEAK)
        return stem, weight

    def _parts(self, word: str) -> tuple[str, str] | None:
        """A German/Dutch compound's two known words: "bahnstreik" -> "bahn", "streik"."""
        table = self.zipf
        for k in range(len(word) - 4, 3, -1):  # longest second word first
            head, tail = word[:k], word[k:]
            if tail not in table:
                continue
            if head in table:
                return head, tail
            if head.endswith("s") and head[:-1] in table:  # Fugen-s: "arbeits|platz"
                return head[:-1], tail
        return None

    def terms(self, word: str) -> tuple[tuple[str, float], ...]:
        """The terms a word gives (none for a stop word), memoised."""
        hit = self.terms_of.get(word)
        if hit is not None:
            return hit
        if len(self.terms_of) >= self.LIMIT:
            self.terms_of.clear()
        out: list[tuple[str, float]] = []
        if word not in STOP_WORDS and len(word) >= 2:
            stem, weight = self._weigh(word)
            if weight >= W_MIN:
                out.append((stem, weight))
            if self.lang in _COMPOUNDING and len(word) >= 8 and word not in self.zipf:
                parts = self._parts(word)
                for part in parts or ():
                    stem, w = self._weigh(part)
                    if w >= W_MIN:
                        out.append((stem, min(w, weight)))
        hit = self.terms_of[word] = tuple(out)
        return hit

    def cjk(self, pair: str) -> tuple[tuple[str, float], ...]:
        hit = self.terms_of.get(pair)
        if hit is None:
            zipf = self.zipf.get(pair)
            if self.lang == "ja" and _HIRAGANA_ONLY.match(pair):
                weight = 0.0  # Japanese grammar is written in hiragana: している, ました
            elif zipf is not None:
                weight = min(W_MAX, max(0.0, ZIPF_CEIL - zipf))
            elif any(self.zipf.get(ch, 0.0) >= CJK_FUNCTION_ZIPF for ch in pair):
                weight = 0.0  # straddles a particle or function character: の, で, 的, 在
            else:
                weight = W_CJK_UNKNOWN
            hit = self.terms_of[pair] = ((pair, weight),) if weight >= W_MIN else ()
        return hit


_COMPOUNDING = frozenset({"de", "nl"})
_LEXICONS: dict[str, _Lexicon] = {}
_LOCK = threading.Lock()  # the TUI ranks in a worker thread while the CLI may not


def lexicon(lang: str) -> _Lexicon:
    lex = _LEXICONS.get(lang)
    if lex is None:
        with _LOCK:
            lex = _LEXICONS.get(lang)
            if lex is None:
                lex = _LEXICONS[lang] = _Lexicon(lang)
    return lex


def reset() -> None:
    """Forget every memoised word (the benchmark's cold start; the lists stay loaded)."""
    for lex in _LEXICONS.values():
        lex.terms_of.clear()
    _feed_words.cache_clear()


def _language(words: list[str], ascii_only: bool) -> str:
    """The language of a Latin-script title's words (see the module docstring); a summary's
    first LANGUAGE_WORDS words tell it as well as all of them."""
    if not words:
        return "en"
    words = words[:LANGUAGE_WORDS]
    # (words are casefolded already: only the non-ASCII ones have accents to drop)
    both = [(w, w if w.isascii() else fold(w)) for w in words]
    en = lexicon("en").zipf
    known = len([w for w, f in both if w in en or f in en])  # (a list: faster than sum())
    if ascii_only and known * 4 >= len(words) * 3:
        return "en"
    best, best_known = "en", known
    for lang in _LATIN[1:]:
        table = lexicon(lang).zipf
        n = len([w for w, f in both if w in table or f in table])
        if n > best_known:
            best, best_known = lang, n
    return best


def _tokens(text: str) -> list[str]:
    text = text.casefold()
    if "'" in text or "\u2019" in text or "`" in text:
        text = _APOSTROPHE.sub("", _POSSESSIVE.sub("", _ELISION.sub(r"\1 ", text)))
    if _DIGIT.search(text):
        text = _DECIMAL_COMMA.sub(".", _THOUSANDS.sub("", text))
        text = text.replace(" %", "%")
        if "cent" in text or "prozent" in text or "процент" in text:  # _PER_CENT's words
            text = _PER_CENT.sub("%", text)
    return _TOKEN.findall(text)


def _number(token: str) -> tuple[str, float]:
    percent = token.endswith("%")
    digits = token.rstrip("%")
    whole, _, fraction = digits.partition(".")
    fraction = fraction.rstrip("0")
    digits = (whole.lstrip("0") or "0") + ("." + fraction if fraction else "")
    if percent:  # "5%" is a figure even with one digit; so is "5 per cent"
        return (digits + "%", W_NUMBER)
    if fraction:
        return (digits, W_NUMBER)
    if len(digits) < 2:
        return ("", 0.0)
    if len(digits) == 4 and digits[:2] in ("19", "20"):
        return (digits, W_YEAR)
    return (digits, W_NUMBER)


class Terms(dict[str, float]):
    """A headline's terms and their weights, and which of them are *specific*: names and
    figures, the terms that tell one event of a topic from another."""

    __slots__ = ("lower", "opened", "specific")

    def __init__(self) -> None:
        super().__init__()
        self.specific: frozenset[str] = frozenset()
        # rare words that open a clause capitalised ("Novalith profits jump", "Chipmaker
        # to build"): names unless another headline writes them in lower case
        self.opened: frozenset[str] = frozenset()
        # terms this headline writes in lower case inside a sentence: not names
        self.lower: frozenset[str] = frozenset()


_CASED_WORD = re.compile(r"[^\W\d_]+")
_CLAUSE_BREAK = re.compile(r"[:|?!.\u2013\u2014]\s|\s-\s")  # between two words


def _names(title: str, prose: bool = False) -> tuple[set[str], set[str], set[str], list[list[str]]]:
    """Casefolded words a sentence-case headline capitalises where a sentence would not
    (names: "Okafor", "Gatwick", "Sumatra"), and capitalised words that open a clause (names
    only if rare: "Novalith profits jump" but not "Magnitude 6.8 earthquake"). All-caps
    words (GDL, SNCF) are names anywhere. In a Title Case or all-caps headline capitals say
    nothing, so only all-caps words of a mixed headline count. Also the runs of capitalised
    words ("Elena Sarto", "Northstar Energy"): one name each, however many words."""
    names: set[str] = set()
    openers: set[str] = set()
    inner = capital = 0
    found: list[tuple[str, bool, bool]] = []
    runs: list[list[str]] = []
    in_run = False
    end = -2
    for m in _CASED_WORD.finditer(title):
        word = m.group()
        start = m.start()
        opener = end < 0 or (
            start != end + 1 and _CLAUSE_BREAK.search(title, end, start) is not None
        )
        joined = False
        if found and start == end + 1 and word[0].isupper():
            if found[-1][0][0].isupper():
                if in_run:
                    runs[-1].append(word.casefold())
                else:
                    runs.append([found[-1][0].casefold(), word.casefold()])
                joined = True
            found[-1] = (found[-1][0], found[-1][1], True)
        in_run = joined
        found.append((word, opener, False))
        end = m.end()
        if not opener and len(word) >= 4:
            inner += 1
            capital += word[0].isupper()
    # (prose, a summary, is never Title Case: its capitals are names however many)
    title_case = not prose and inner >= 3 and capital * 5 >= inner * 3
    shouting = title.isupper()
    lower: set[str] = set()
    for word, opener, titled in found:
        if not word[0].isupper():
            if not opener:
                lower.add(word)
            continue
        folded = word.casefold()
        if len(word) >= 2 and word.isupper() and not shouting:
            names.add(folded)
        elif title_case or shouting:
            continue
        elif opener or titled:
            openers.add(folded)
        else:
            names.add(folded)
    return names, openers, lower, runs


def _own_tokens(text: str, feed_title: str) -> list[str]:
    """The text's tokens without the words of the feed's own title."""
    tokens = _tokens(text)
    if feed_title:
        own = _feed_words(feed_title)
        if own:
            tokens = [t for t in tokens if t not in own]
    return tokens


def _add_number(out: Terms, specific: set[str], tok: str) -> None:
    term, weight = _number(tok)
    if weight:
        out[term] = max(weight, out.get(term, 0.0))
        if weight >= W_NUMBER:
            specific.add(term)


def _add_cjk(out: Terms, tok: str, japanese: bool) -> list[str]:
    """Character bigrams of the token's Chinese or Japanese runs; returns its other words."""
    cjk = lexicon("ja" if japanese else "cjk")
    for run in _CJK_RUN.findall(tok):
        pairs = [run[i : i + 2] for i in range(len(run) - 1)] or [run]
        for pair in pairs:
            for term, weight in cjk.cjk(pair):
                out[term] = max(weight, out.get(term, 0.0))
    return _CJK.sub(" ", tok).split()


def _split_tokens(out: Terms, specific: set[str], tokens: list[str], japanese: bool) -> list[str]:
    """Numbers and Chinese/Japanese bigrams go into ``out``; returns the other words."""
    words: list[str] = []
    for tok in tokens:
        if tok[0].isdigit():
            _add_number(out, specific, tok)
        elif _CJK.search(tok):
            words.extend(_add_cjk(out, tok, japanese))
        else:
            words.append(tok)
    return words


def title_terms(title: str, feed_title: str = "", *, prose: bool = False) -> Terms:
    """A headline's terms and their weights, without the words of the feed's own title
    (``prose``: a summary's sentences, where capitals inside a sentence are names)."""
    tokens = _own_tokens(title, feed_title)
    out = Terms()
    specific: set[str] = set()
    words: list[str] = []
    japanese = _KANA.search(title) is not None
    words += _split_tokens(out, specific, tokens, japanese)
    if words:
        joined = " ".join(words)
        lang = "ru" if _CYRILLIC.search(joined) else _language(words, joined.isascii())
        lex = lexicon(lang)
        lower: set[str] | None  # None: every word but an opener is written in lower case
        if not _has_upper(title):
            names, openers, lower = _NO_NAMES, _NO_NAMES, None
        elif not _has_upper(title[1:]):  # the common case, and 3x faster than _names
            first = _CASED_WORD.search(title)
            names, lower = _NO_NAMES, None
            openers = {first.group().casefold()} if first else _NO_NAMES
        else:
            names, openers, lower, runs = _names(title, prose)
            for run in runs:  # a name of several words counts once: its rarest word
                members = [w for w in run if w in names or w in openers]
                if len(members) > 1:
                    keep = max(
                        members, key=lambda w: (max((x for _, x in lex.terms(w)), default=0.0), w)
                    )
                    for w in members:
                        if w != keep:
                            names.discard(w)
                            openers.discard(w)
        if lang in _COMPOUNDING:  # German capitalises every noun: only all-caps words
            names = {w for w in names if w.upper() in title}
            openers = _NO_NAMES
        opened: set[str] = set()
        lowered: set[str] = set()
        for w in words:
            terms = lex.terms(w)
            for term, weight in terms:
                out[term] = max(weight, out.get(term, 0.0))
            if not terms:
                continue
            if w in names:
                term = terms[0][0]
                out[term] = max(W_NAME, out[term])
                specific.add(term)
            elif w in openers and w not in lex.zipf:
                opened.add(terms[0][0])
            elif lower is None or w in lower:
                lowered.add(terms[0][0])
        if opened:
            out.opened = frozenset(opened)
        if lowered:
            out.lower = frozenset(lowered)
    out.specific = frozenset(specific)
    return out


_NO_NAMES: set[str] = set()


def _has_upper(title: str) -> bool:
    return title.lower() != title


@lru_cache(maxsize=4096)
def _feed_words(feed_title: str) -> frozenset[str]:
    return frozenset(_tokens(feed_title)) if feed_title else frozenset()


def normalise_title(title: str, feed_title: str = "") -> frozenset[str]:
    """The terms of a headline (stemmed words, numbers), without the feed's own name words."""
    return frozenset(title_terms(title, feed_title))


def _stem_en(word: str) -> str:
    import Stemmer  # type: ignore[import-not-found, unused-ignore]

    return str(Stemmer.Stemmer("english").stemWord(word))


# Generic newsroom words, stemmed as English titles are (read once, at first use).
class _Weak:
    words: frozenset[str] | None = None

    def __contains__(self, stem: Any) -> bool:
        if self.words is None:
            self.words = frozenset(_stem_en(w) for w in _WEAK.split())
        return stem in self.words


WEAK_WORDS = _Weak()


# --- summaries --------------------------------------------------------------------------------

SUMMARY_CHARS = 300  # a summary's first sentence or two carry the event's names and figures
_TAG = re.compile(r"<[^>]*>?")
# What feeds put in a summary that says nothing about the story: a link to the rest, or
# WordPress's footer. Everything from the phrase on is dropped.
_BOILERPLATE = re.compile(
    r"(?is)\b(?:the post\b.{0,300}?\bappeared first on|read more|read the full|click here|"
    r"continue reading|weiterlesen|mehr lesen|lire la suite|en savoir plus|leer m[aá]s|"
    r"seguir leyendo|подробнее|читайте|читать далее)\b.*"
)
# Every phrase of _BOILERPLATE holds one of these (in lower case), so a summary without any
# skips the regex; one with a character that (?i) matches to their letters though lower()
# does not (ı, İ, ſ, old Cyrillic forms) always runs it.
_BOILERPLATE_HINTS = (
    "read", "post", "click", "weiter", "mehr", "lire", "savoir", "leer", "seguir",
    "подробнее", "чита",
)  # fmt: skip
_ODD_CASE = re.compile("[\u0130\u0131\u017f\u1c80-\u1c88]")
_CALENDAR_WORDS = """
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december
"""
_CALENDAR = frozenset(_CALENDAR_WORDS.split())


def summary_text(summary: str, title: str = "") -> str:
    """A summary as plain text for matching: tags and boilerplate dropped, capped; empty when
    it only repeats the headline."""
    if not summary:
        return ""
    text = summary[: SUMMARY_CHARS * 3]
    if "<" in text or "&" in text:
        import html

        text = html.unescape(_TAG.sub(" ", text))
    low = text.lower()
    if any(h in low for h in _BOILERPLATE_HINTS) or (
        not text.isascii() and _ODD_CASE.search(text) is not None
    ):
        text = _BOILERPLATE.sub(" ", text)
    text = " ".join(text.split())[:SUMMARY_CHARS]
    if title and fold(text).startswith(fold(title.strip())):
        text = text[len(title.strip()) :]
    return text if any(c.isalnum() for c in text) else ""


_EMPTY = Terms()


def summary_terms(summary: str, title: str = "", feed_title: str = "") -> Terms:
    """A summary's terms, weighed as a headline's are (:func:`title_terms`): names (words
    capitalised inside a sentence, and rare words opening one) and figures are specific.
    Days and months are neither names nor much evidence: two events share them by chance."""
    text = summary_text(summary, title)
    if not text:
        return _EMPTY
    out = _prose_terms(text, feed_title)
    specific = out.specific | out.opened
    for stem in _calendar_stems(out):
        out[stem] = min(out[stem], W_WEAK)
        specific = specific - {stem}
    out.specific = specific
    out.opened = out.lower = frozenset()
    return out


def _calendar_stems(terms: dict[str, float]) -> list[str]:
    stems = _Calendar.stems
    if stems is None:
        en = lexicon("en")
        stems = _Calendar.stems = (
            frozenset(t for w in _CALENDAR for t, _ in en.terms(w)) | _CALENDAR
        )
    return [t for t in terms if t in stems]


class _Calendar:
    stems: frozenset[str] | None = None  # English stems of _CALENDAR, read at first use


# The summary path: title_terms(text, prose=True) without what a summary never uses (which
# words it writes in lower case), in one regex pass for the names. A summary is tokenised
# for every article of the window on a cold start, so this is trending's cold cost.

# a run of non-letters, then a word (_CASED_WORD): findall gives each word with the gap before
_GAP_WORD = re.compile(r"([\W\d_]*)([^\W\d_]+)")
_CLAUSE_GAPS: dict[str, bool] = {}  # gap -> holds a clause break (gaps repeat: ", ", ". ")


def _prose_names(text: str) -> tuple[set[str], set[str], list[list[str]]]:
    """:func:`_names` of prose (names, openers, runs): the same rule, one word at a time."""
    names: set[str] = set()
    openers: set[str] = set()
    runs: list[list[str]] = []
    shouting = text.isupper()
    gaps = _CLAUSE_GAPS
    prev = ""  # the previous word when capitalised (undecided until the next word is seen)
    prev_opener = in_run = False
    first = True
    for gap, word in _GAP_WORD.findall(text):
        upper = word[0].isupper()
        if first:
            opener, single, first = True, False, False
        elif len(gap) == 1:  # one character between: never a clause break
            opener, single = False, True
        else:
            single = False
            hit = gaps.get(gap)
            if hit is None:
                if len(gaps) >= 4096:
                    gaps.clear()
                hit = gaps[gap] = _CLAUSE_BREAK.search(gap) is not None
            opener = hit
        if prev:
            titled = single and upper  # followed by a capitalised word: part of a name
            if len(prev) >= 2 and prev.isupper() and not shouting:
                names.add(prev.casefold())
            elif not shouting:
                (openers if prev_opener or titled else names).add(prev.casefold())
            if titled:
                if in_run:
                    runs[-1].append(word.casefold())
                else:
                    runs.append([prev.casefold(), word.casefold()])
            in_run = titled
        else:
            in_run = False
        prev, prev_opener = (word, opener) if upper else ("", False)
    if prev:
        if len(prev) >= 2 and prev.isupper() and not shouting:
            names.add(prev.casefold())
        elif not shouting:
            (openers if prev_opener else names).add(prev.casefold())
    return names, openers, runs


def _prose_terms(text: str, feed_title: str = "") -> Terms:
    """``title_terms(text, feed_title, prose=True)`` but for ``Terms.lower`` (left empty)."""
    tokens = _own_tokens(text, feed_title)
    out = Terms()
    specific: set[str] = set()
    words: list[str] = []
    japanese = _KANA.search(text) is not None
    if _CJK.search(text) is None:  # (casefolding makes no CJK character: checked)
        # numbers first, then words, as the loop below would
        for tok in [t for t in tokens if t[0].isdigit()]:
            _add_number(out, specific, tok)
        words = [t for t in tokens if not t[0].isdigit()]
        tokens = []
    words += _split_tokens(out, specific, tokens, japanese)
    if words:
        joined = " ".join(words)
        lang = "ru" if _CYRILLIC.search(joined) else _language(words, joined.isascii())
        lex = lexicon(lang)
        if not _has_upper(text):
            names, openers = _NO_NAMES, _NO_NAMES
        elif not _has_upper(text[1:]):
            first = _CASED_WORD.search(text)
            names = _NO_NAMES
            openers = {first.group().casefold()} if first else _NO_NAMES
        else:
            names, openers, runs = _prose_names(text)
            for run in runs:  # a name of several words counts once: its rarest word
                members = [w for w in run if w in names or w in openers]
                if len(members) > 1:
                    keep = max(members, key=lambda w: (_top_weight(lex, w), w))
                    for w in members:
                        if w != keep:
                            names.discard(w)
                            openers.discard(w)
        if lang in _COMPOUNDING:
            names = {w for w in names if w.upper() in text}
            openers = _NO_NAMES
        opened: set[str] = set()
        memo, zipf = lex.terms_of, lex.zipf
        # each word once (a repeat adds nothing; first occurrences keep the terms' order)
        for w in dict.fromkeys(words):
            terms = memo.get(w)
            if terms is None:
                terms = lex.terms(w)
            if not terms:
                continue
            for term, weight in terms:
                had = out.get(term)
                if had is None or weight > had:
                    out[term] = weight
            if w in names:
                term = terms[0][0]
                if out[term] < W_NAME:
                    out[term] = W_NAME
                specific.add(term)
            elif w in openers and w not in zipf:
                opened.add(terms[0][0])
        if opened:
            out.opened = frozenset(opened)
    out.specific = frozenset(specific)
    return out


def _top_weight(lex: _Lexicon, word: str) -> float:
    """The heaviest of a word's terms' weights (0 for none)."""
    terms = lex.terms_of.get(word)
    if terms is None:
        terms = lex.terms(word)
    if len(terms) == 1:
        return terms[0][1]
    return max((x for _, x in terms), default=0.0)
