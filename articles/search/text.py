"""One normalizer and one tokenizer for both the index and the query.

Whatever is done to the printed text is done to the query in the same way,
so a match in the index means the query is printed in the article:

1. NFKC folds full-width forms to half-width (``１０００件`` → ``1000件``).
2. Lower case (``5G`` = ``5g``).
3. Traditional → simplified (OpenCC ``t2s``).
4. Whitespace between two Han characters is dropped, because names are
   printed with a space for layout (``刘 飞`` is 刘飞).
5. Runs of letters, digits and Han characters become overlapping character
   bigrams; any other character (punctuation, space) ends a run, and the
   next run starts two positions later so a phrase never crosses it. The
   last character of every run is also kept on its own, so a one-character
   query can be answered by a prefix match.
"""

import functools
import os
import re
import unicodedata
from operator import add

import opencc

# Han ideographs (URO, extension A, compatibility) and the CJK number 〇.
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_HAN = re.compile(f"(?<=[{HAN}])\\s+(?=[{HAN}])")
_RUN = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"\s+")

# A run's first token comes this far after the last token of the run before, so no phrase spans two runs.
RUN_GAP = 2


@functools.lru_cache(maxsize=1)
def _converter():
    return opencc.OpenCC("t2s")


def _t2s_dictionary(name: str) -> dict:
    """Return one of OpenCC's t2s dictionaries as OpenCC reads it: key → first value."""
    folder = os.path.join(os.path.dirname(opencc.__file__), "dictionary")
    table = {}
    with open(os.path.join(folder, name), encoding="utf-8") as lines:
        for line in lines:
            key, _, values = line.strip().partition("\t")
            if key:
                table[key] = values.split(" ")[0]
    return table


@functools.lru_cache(maxsize=1)
def t2s_characters() -> dict[str, str]:
    """Return OpenCC's character table: each traditional character t2s changes → its simplified form."""
    return {k: v for k, v in _t2s_dictionary("TSCharacters.txt").items() if v and v != k}


@functools.lru_cache(maxsize=1)
def _t2s_changes() -> tuple[frozenset, re.Pattern]:
    """Return what ``t2s`` can change: the characters it converts, and a
    pattern of the phrases it converts that hold none of those characters.

    OpenCC replaces dictionary keys found in the text by their values and
    leaves everything else alone, so a text in which no key with a different
    value occurs comes back unchanged: the (slow, pure Python) converter is
    called only for text that holds one. Most archive text is simplified.
    """
    characters = frozenset(t2s_characters())
    phrases = [k for k, v in _t2s_dictionary("TSPhrases.txt").items() if v != k and characters.isdisjoint(k)]
    pattern = "|".join(map(re.escape, sorted(phrases, key=len, reverse=True))) or "(?!)"
    return characters, re.compile(pattern)


def _t2s_may_change(text: str) -> bool:
    characters, phrases = _t2s_changes()
    return not characters.isdisjoint(text) or phrases.search(text) is not None


def to_simplified(text: str) -> str:
    """Return ``text`` with traditional characters made simplified."""
    if not _t2s_may_change(text):
        return text
    convert = _converter().convert
    # Convert only the runs that need it: OpenCC's phrases never span punctuation.
    return _RUN.sub(lambda m: convert(m.group()) if _t2s_may_change(m.group()) else m.group(), text)


def normalize(text: str) -> str:
    """Return the searchable form of ``text`` (steps 1–4 above)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = to_simplified(text)
    text = _SPACE_BETWEEN_HAN.sub("", text)
    return _SPACES.sub(" ", text).strip()


def runs(normalized: str) -> list[str]:
    """Return the runs of letters, digits and Han characters."""
    return _RUN.findall(normalized)


def bigrams(run: str) -> list[str]:
    """Return the overlapping bigrams of one run (``法律援助`` → 法律 律援 援助); none for one character.

    The index stores them and every query looks them up: both call this.
    """
    return list(map(add, run, run[1:]))


def run_tokens(run: str) -> list[str]:
    """Return what the index holds for one run: its bigrams, then its last character alone."""
    tokens = bigrams(run)
    tokens.append(run[-1])
    return tokens


def positioned_runs(normalized: str, start: int = 1) -> tuple[list[tuple[list[str], int]], int]:
    """Return the index tokens of each run with the position of its first token (step 5 above).

    A run's tokens take consecutive positions; the next run starts RUN_GAP
    after the run's last token. Also return where a run after the last would start.
    """
    found, pos = [], start
    for run in runs(normalized):
        found.append((run_tokens(run), pos))
        pos += len(run) - 1 + RUN_GAP
    return found, pos
