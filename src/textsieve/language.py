"""Document language, detected with langdetect on a bounded sample.

langdetect is slow on whole documents (about 0.4 MB/s) and random by default. A 1,000-character
sample from the document's longest lines takes a few milliseconds and is what decides the
language of a page anyway; the detector is seeded so the same text always gets the same answer.

Loading langdetect's 55 profiles the usual way builds a 55-number vector for each of its 88,000
n-grams: 0.3-0.4 s of CPU in every worker process, while a batch of documents looks up a few
thousand of them. :class:`_LazyProfiles` keeps the loaded counts and builds a vector the first
time an n-gram is looked up, with the same arithmetic, so the answers are the same, bit for bit.
"""
from __future__ import annotations

import threading

import numpy as np

__all__ = ["detect_language", "UNKNOWN"]

UNKNOWN = "unknown"
SAMPLE_CHARS = 1000
SEED = 0
_lock = threading.Lock()
_factory = None


def _sample(text: str) -> str:
    lines = sorted((ln.strip() for ln in text[: SAMPLE_CHARS * 20].split("\n")), key=len, reverse=True)
    out, size = [], 0
    for ln in lines:
        if not ln:
            break
        out.append(ln[:SAMPLE_CHARS])
        size += len(out[-1])
        if size >= SAMPLE_CHARS:
            break
    return " ".join(out)[:SAMPLE_CHARS]


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
        self.update(dict.fromkeys(freq.keys() - self.keys()))

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


def detect_language(text: str) -> str:
    """ISO 639-1 code ('en', 'de', ...) or ``'unknown'`` for text with too little signal."""
    global _factory
    from langdetect.lang_detect_exception import LangDetectException

    sample = _sample(text)
    if sum(ch.isalpha() for ch in sample) < 20:
        return UNKNOWN  # too short to detect: no profiles loaded for it
    with _lock:  # the vectors are built on first use: one thread at a time
        if _factory is None:
            _factory = _make_factory()
        detector = _factory.create()
        detector.append(sample)
        try:
            return detector.detect()
        except LangDetectException:
            return UNKNOWN
