"""Shared word handling for ranking: folding, stop words, stemming, headline word sets."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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

# Generic newsroom words: they count as significant (set sizes, shared words) but two titles
# also need MIN_STRONG shared words outside this list, so "Prime minister visits troops" and
# "Prime minister visits flooded towns" stay apart. Stemmed at import.
_WEAK = """
government minister prime president pm mp official police court judge council party leader
chief boss head state country nation national world global city town people man woman men
women family public plan deal talk bill law rule announce confirm reject approve agree warn
urge call claim deny face hit set make take give get vow pledge launch reveal show back big
top major huge high low record million billion bn
"""

_WORD = re.compile(r"[^\W_]+")
_POSSESSIVE = re.compile(r"['\u2019]s\b")
_APOSTROPHE = re.compile(r"['\u2019`]")
_VOWELS_LS = frozenset("aeiouls")
# bytes.translate is the fastest way to turn ASCII punctuation into spaces
_ASCII_SPLIT = bytes(c if c < 128 and chr(c).isalnum() else 32 for c in range(256))


def fold(text: str) -> str:
    """Casefolded, accents dropped (NFKD then combining marks removed)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def _stem(word: str) -> str:
    """Light suffix folding: enough that plural/verb forms of one word meet, no more."""
    if len(word) <= 3 or word.isdigit():
        return word
    w = word
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "xes", "zes", "ches", "shes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ing") and len(w) >= 6:
        w = w[:-3]
    elif w.endswith("ed") and len(w) >= 5:
        w = w[:-2]
    if w.endswith("e") and len(w) >= 4:
        w = w[:-1]
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in _VOWELS_LS:
        w = w[:-1]
    return w


WEAK_WORDS: frozenset[str] = frozenset(_stem(w) for w in _WEAK.split())


class _WordMap(dict[str, str]):
    """word -> its stem, or "" for a word that is dropped; filled on first sight."""

    LIMIT = 200_000  # words; beyond this, start again rather than grow without bound

    def __missing__(self, word: str) -> str:
        stem = "" if len(word) < 2 or word in STOP_WORDS else _stem(word)
        if len(self) >= self.LIMIT:
            self.clear()
        self[word] = stem
        return stem


_WORDS = _WordMap()


def _significant(text: str) -> set[str]:
    text = fold(text)
    if "'" in text or "\u2019" in text or "`" in text:
        text = _APOSTROPHE.sub("", _POSSESSIVE.sub("", text))
    # ASCII (most headlines): translate + split is several times faster than the regex
    if text.isascii():
        tokens = text.encode("ascii").translate(_ASCII_SPLIT).decode("ascii").split()
    else:
        tokens = _WORD.findall(text)
    # map() over the dict's own __getitem__ keeps the per-word work in C once a word is known
    words = set(map(_WORDS.__getitem__, tokens))
    words.discard("")
    return words


@lru_cache(maxsize=4096)
def _feed_words(feed_title: str) -> frozenset[str]:
    return frozenset(_significant(feed_title)) if feed_title else frozenset()


def normalise_title(title: str, feed_title: str = "") -> frozenset[str]:
    """The significant (stemmed) words of a headline, without the feed's own name words."""
    words = _significant(title)
    if feed_title:
        words -= _feed_words(feed_title)
    return frozenset(words)


def fold_words(text: str) -> list[str]:
    """Folded words of a text, split on anything that is not a letter or digit (unstemmed)."""
    return _WORD.findall(fold(text))
