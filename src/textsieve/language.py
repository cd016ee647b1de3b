"""Document language, detected with langdetect on a bounded sample.

langdetect is slow on whole documents (about 0.4 MB/s) and random by default. A 500-character
sample from the document's longest lines (found in its first 10,000 characters, or in ten
slices spread over a longer one) is what decides the language of a page anyway; when
the detector is not sure of it (top probability under 0.9, about 1.5% of pages: mostly
close pairs such as Catalan and Romanian, or a page in two languages) a 1,000-character
sample decides. On 3,339 documents (seeds, held-out, committed real pages, the batch benchmark)
this agrees with detection on the 1,000-character sample alone for 99.8% of them, at about
60% of its cost. The detector is seeded so the same text always gets the same answer.

Loading langdetect's 55 profiles the usual way builds a 55-number vector for each of its 88,000
n-grams: 0.3-0.4 s of CPU in every worker process, while a batch of documents looks up a few
thousand of them. :class:`_LazyProfiles` keeps the loaded counts and builds a vector the first
time an n-gram is looked up, with the same arithmetic, so the answers are the same, bit for bit;
loading costs about 0.1 s of CPU instead.
"""
from __future__ import annotations

import threading

import numpy as np

__all__ = ["detect_language", "known_languages", "UNKNOWN"]

UNKNOWN = "unknown"
SAMPLE_CHARS = 500
WIDER_SAMPLE_CHARS = 1000  # when the first sample leaves the detector unsure
CONFIDENT = 0.9
SEED = 0
_lock = threading.Lock()
_factory = None


def known_languages() -> frozenset[str]:
    """Every code :func:`detect_language` can answer: langdetect's profiles ('en', 'zh-cn', ...)
    and ``'unknown'``. A filter naming anything else would skip every document."""
    global _known
    if _known is None:
        from importlib import resources

        _known = frozenset(p.name for p in resources.files("langdetect").joinpath("profiles").iterdir()) | {UNKNOWN}
    return _known


_known: frozenset[str] | None = None


SAMPLE_SPAN = 20  # the longest lines are looked for in at most chars * SAMPLE_SPAN characters
SLICES = 10  # ... taken from this many places spread over a longer document


def _sample(text: str, chars: int) -> str:
    """The document's longest lines, up to ``chars`` characters, looked for in a bounded region:
    the whole text when it is short, else ten slices spread evenly over it. Why spread: a
    page that opens with 10,000 characters of English menu lines before its German article was
    detected as English (and skipped by ``languages=("de",)``), one opening with megabytes of
    blank lines as ``unknown``."""
    budget = chars * SAMPLE_SPAN
    if len(text) <= budget:
        region = text
    else:
        width = budget // SLICES  # the first slice opens the text, the last one ends it
        starts = (k * (len(text) - width) // (SLICES - 1) for k in range(SLICES))
        region = "\n".join(text[start:start + width] for start in starts)
    lines = sorted((ln.strip() for ln in region.split("\n")), key=len, reverse=True)
    out, size = [], 0
    for ln in lines:
        if not ln:
            break
        out.append(ln[:chars])
        size += len(out[-1])
        if size >= chars:
            break
    return " ".join(out)[:chars]


class _LazyProfiles(dict):
    """langdetect's n-gram -> per-language probability map, each vector built on first lookup.

    Every n-gram is a key from the start (its value None until asked for), so the detector's
    ``word in map`` checks stay plain dict lookups; only ``map[word]`` runs Python code, and only
    once per n-gram and process."""

    def __init__(self):
        super().__init__()
        self.profiles: list[tuple[int, dict, list]] = []  # (language index, counts, n-grams per length)
        self.size = 0

    def add(self, index: int, freq: dict, n_words: list, size: int) -> None:
        self.profiles.append((index, freq, n_words))
        self.size = size
        self.update(dict.fromkeys(freq))  # while loading, before any vector is built

    def __getitem__(self, word):
        vector = dict.__getitem__(self, word)
        if vector is None:
            vector = [0.0] * self.size
            length = len(word)
            if 1 <= length <= 3:
                for index, freq, n_words in self.profiles:
                    count = freq.get(word)
                    if count is not None:
                        vector[index] = 1.0 * count / n_words[length - 1]
            vector = np.array(vector)
            dict.__setitem__(self, word, vector)
        return vector


def _make_factory():
    from langdetect.detector import Detector
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
    from langdetect.lang_detect_exception import ErrorCode, LangDetectException

    class VectorDetector(Detector):
        """langdetect's trials with the 55 language probabilities in one numpy array: the
        same random draws and the same float operations element by element (the sum that
        normalizes them is Python's, over the same list), so the same probabilities, in a
        fraction of the time of a Python loop over 55 languages per drawn n-gram."""

        def _detect_block(self):
            self.cleaning_text()
            ngrams = self._extract_ngrams()
            if not ngrams:
                raise LangDetectException(ErrorCode.CantDetectError, 'No features in text.')
            vectors = self.word_lang_prob_map
            self.langprob = [0.0] * len(self.langlist)
            self.random.seed(self.seed)
            for _trial in range(self.n_trial):
                prob = np.array(self._init_probability())
                alpha = self.alpha + self.random.gauss(0.0, 1.0) * self.ALPHA_WIDTH
                weight = alpha / self.BASE_FREQ
                step = 0
                while True:
                    prob *= weight + vectors[self.random.choice(ngrams)]
                    if step % 5 == 0:
                        prob /= sum(prob.tolist())
                        if prob.max() > self.CONV_THRESHOLD or step >= self.ITERATION_LIMIT:
                            break
                    step += 1
                for j, p in enumerate(prob.tolist()):
                    self.langprob[j] += p / self.n_trial

    class LazyFactory(DetectorFactory):
        def __init__(self):
            super().__init__()
            self.word_lang_prob_map = _LazyProfiles()

        def _create_detector(self):
            return VectorDetector(self)

        def add_profile(self, profile, index, langsize):
            if profile.name in self.langlist:
                raise LangDetectException(ErrorCode.DuplicateLangError, 'Duplicate the same language profile.')
            self.langlist.append(profile.name)
            self.word_lang_prob_map.add(index, profile.freq, profile.n_words, langsize)

    factory = LazyFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(SEED)
    return factory


def _detect(sample: str) -> tuple[str, float]:
    """(language, its probability); the caller holds the lock."""
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory.create()
    detector.append(sample)
    try:
        best = detector.get_probabilities()
    except LangDetectException:
        return UNKNOWN, 1.0
    return (best[0].lang, best[0].prob) if best else (UNKNOWN, 0.0)


def detect_language(text: str) -> str:
    """ISO 639-1 code ('en', 'de', ...) or ``'unknown'`` for text with too little signal."""
    global _factory

    sample = _sample(text, SAMPLE_CHARS)
    if sum(ch.isalpha() for ch in sample) < 20:
        return UNKNOWN  # too short to detect: no profiles loaded for it
    with _lock:  # the vectors are built on first use: one thread at a time
        if _factory is None:
            _factory = _make_factory()
        lang, prob = _detect(sample)
        if prob < CONFIDENT:
            wider = _sample(text, WIDER_SAMPLE_CHARS)
            if wider != sample:
                lang, _ = _detect(wider)
        return lang
