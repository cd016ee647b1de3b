"""Deterministic junk generator: turns the team's clean documents into scraped-looking pages.

Hand-labelling junk is slow and narrow; junk itself is formulaic. So the training set is the
team's written documents (mostly body, with hard body cases) plus junk blocks injected by this
module in many more shapes than any five pages show: link lists with different markers or none
and different title styles, author boxes in several layouts and locales with latin or English
bios and with or without social sections, captions as ``Title - Site``, ``Title | Site``,
``desc · Free image on X``, alt-text sentences and repeated gallery pairs, and junk glued onto
the end of the previous paragraph. Labels come for free, including the split point of glued lines.

Generated junk alone is narrow (it is English and SEO-farm flavoured), so the generator also
draws blocks from a *junk bank* (``training_data/junk/<lang>-<label>.tsv``): real-looking
related-link widgets, photo credits and author/contact boxes the team wrote in several languages,
preferring blocks in the document's own language. Every bank block lands in many documents.

Same documents + same seed -> same output (the ``faker`` version is pinned in the ``train``
extra because its data files change between releases). Training-time only: nothing in
``clean_text`` imports this module.
"""
from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorpusError
from .corpus import BLANK, LabeledDocument, read_labeled

__all__ = ["JunkGenerator", "JunkBank", "read_junk_bank", "augment_corpus"]

P_BANK = 0.5  # share of junk blocks drawn from the bank (when it has blocks of that label)


@dataclass
class JunkBank:
    """Hand-written junk blocks by (language, label)."""

    blocks: dict[tuple[str, str], list[list[str]]] = field(default_factory=dict)
    documents: list[LabeledDocument] = field(default_factory=list)  # as read, for the data digest

    def pick(self, rng: random.Random, label: str, lang: str) -> list[str] | None:
        own = self.blocks.get((lang, label), [])
        if own and rng.random() < 0.75:
            return list(rng.choice(own))
        pool = [b for (_, lab), blocks in sorted(self.blocks.items()) if lab == label for b in blocks]
        return list(rng.choice(pool)) if pool else None


def read_junk_bank(directory: str | Path, new_labels: Sequence[str] = ()) -> JunkBank:
    """Read ``<lang>-<label>.tsv`` files: blocks of one label separated by blank rows."""
    bank = JunkBank()
    directory = Path(directory)
    if not directory.is_dir():
        return bank
    for path in sorted(directory.glob("*.tsv")):
        doc = read_labeled(path, new_labels=new_labels)
        lang = path.stem.split("-", 1)[0].lower()
        labels = {lab for lab in doc.labels if lab != BLANK}
        if len(labels) != 1:
            raise CorpusError(f"{path}: a junk bank file holds one label, found {sorted(labels)}.")
        label = labels.pop()
        block: list[str] = []
        for text, lab in [*zip(doc.lines, doc.labels), ("", BLANK)]:
            if lab == BLANK:
                if block:
                    bank.blocks.setdefault((lang, label), []).append(block)
                block = []
            else:
                block.append(text)
        bank.documents.append(doc)
    return bank

_LOCALES = ("en_US", "en_GB", "en_AU", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR", "en_IN")

_FIELDS = {
    "en": ("Name", "Username", "Email", "Birthdate", "Address", "Phone", "Company", "Job", "Bio"),
    "de": ("Name", "Benutzername", "E-Mail", "Geburtsdatum", "Adresse", "Telefon", "Firma", "Beruf", "Bio"),
    "fr": ("Nom", "Nom d'utilisateur", "E-mail", "Date de naissance", "Adresse", "Téléphone", "Entreprise", "Métier", "Bio"),
    "es": ("Nombre", "Usuario", "Correo", "Fecha de nacimiento", "Dirección", "Teléfono", "Empresa", "Trabajo", "Biografía"),
}
_BOX_HEADERS = (
    "Detail Author:", "Author Details", "About Author", "Author Info:", "Writer Profile", "Author Profile",
    "Meet the Author", "Profile Details:", "Detail Penulis:", "Autor:", "À propos de l'auteur", "Sobre el autor",
)
_SOCIAL_HEADERS = ("Socials", "Social Media", "Follow Me", "Connect", "Social Profiles", "Find me on", "Redes sociales")
_PLATFORMS = ("instagram", "linkedin", "facebook", "twitter", "tiktok", "youtube", "pinterest", "threads")
_BULLETS = ("  • ", "• ", "- ", "  - ", "* ", "· ", "", "  ", "→ ")

_LINK_MARKERS = ("- ", "- ", "• ", "* ", "» ", "→ ", "", "", "▶ ", "◦ ")
_LINK_PREFIXES = ("Read also: ", "Related: ", "See also: ", "Trending: ", "You may like: ", "Must read: ", "Recommended: ", "Lire aussi : ", "Lesen Sie auch: ")
_LINK_HEADERS = ("Related Posts", "You May Also Like", "Trending Now", "Popular Articles", "More Stories", "Recommended For You", "Latest Posts", "Read Next")

_ROLES = ("Actress", "Actor", "Singer", "Rapper", "Influencer", "Model", "Youtuber", "Footballer", "Comedian", "Chef", "Streamer", "TikTok Star", "Director", "Boxer")
_NOUNS = ("Secrets", "Truth", "Journey", "Legacy", "Story", "Life", "Career", "Scandal", "Rise", "Fortune", "Family", "Struggle", "Comeback", "Rumors", "Leaks")
_THINGS = ("Movies", "Tv Shows", "Anime", "Games", "Web Series", "Apps", "Recipes", "Crypto Coins", "Sneakers", "Hairstyles", "Tattoos", "Memes", "Ringtones", "Wallpapers", "Songs", "Cars", "Phones", "Loans", "Casinos", "Diets")
_SITES_WORDS = ("Flix", "Rulz", "Hub", "Zone", "Tube", "Wap", "Mania", "Verse", "Club", "Spot", "Daily", "Buzz", "Hd", "Pro", "Now")
_ADJ = ("Ultimate", "Complete", "Shocking", "Incredible", "Hidden", "Untold", "Best", "Latest", "Secret", "Amazing", "Essential", "Definitive", "Viral", "Exclusive", "Unseen")

_LINK_TEMPLATES = (
    "{name} A Legendary {role} And {noun2}",
    "{name} {rel} Unveiling {pos} Age And Relationship",
    "Discover The {adj} Guide To {ger} {things}",
    "Is {name} Still Married The Truth Revealed",
    "{adj} Leaks Uncover Unseen {noun}",
    "The Extraordinary Life And {noun} Of {name}",
    "{name} And {name2} Baby Rumors Continue To Swirl",
    "Best {site} {things} Of {year} A Guide To The Mustwatch Films",
    "{site} Latest Releases Explore The Newest {things}",
    "{site} Stream And Download The Best {things}",
    "How Tall Is {name} Height Weight And Body Measurements",
    "{name} Net Worth {year} How Rich Is The {role}",
    "You Wont Believe What {name} Looks Like Now",
    "{num} {adj} {things} You Need To Try In {year}",
    "Watch {things} Online Free Full Hd On {site}",
    "{name} Biography Age Height Husband Net Worth",
    "Who Is {name} Everything You Need To Know About The {role}",
    "{name} Shares {adj} Update On {pos} Health",
    "Comprehensive Guide {name}s Viral Video On Telegram",
    "The {adj} Guide To Accessing {site} For Free Unlock Hidden Accounts",
    "{name}s {rel} Meet The {role}s Life Partner",
    "{name} Unraveling The Enigma Of The {nat} {role}",
    "{site} Games Play Your Favorites Online For Free",
    "What Happened To {name} After {noun}",
    "{name} Parents Ethnicity And Family Background",
    "Inside {name}s {adj} Mansion Photos",
    "{name} Leaked Photos {adj} Details",
    "Why {things} Are Taking Over {year}",
    "{ger} {things}: Everything You Need To Know",
    "Top {num} {things} Like {site} In {year}",
)
_REL = ("Wife", "Husband", "Girlfriend", "Boyfriend", "Daughter", "Son", "Ex Wife", "Partner", "Mother")
_NAT = ("South Korean", "American", "British", "Nigerian", "Brazilian", "Indian", "Filipino", "Canadian", "Mexican", "Turkish")
_GER = ("Purchasing", "Streaming", "Downloading", "Finding", "Watching", "Buying", "Unlocking", "Choosing", "Building", "Earning")

_IMAGE_HOSTS = ("Pixabay", "Unsplash", "Pexels", "Freepik", "Wikimedia Commons", "Flickr", "Rawpixel", "PxHere", "Vecteezy", "StockSnap")
_SITE_SUFFIX = (
    "Guide of the World", "United States Department of State", "Wikipedia", "The Daily Caller", "BBC News", "Reuters",
    "Pinterest", "YouTube", "The Guardian", "Britannica", "National Geographic", "Al Jazeera", "CNN", "Forbes",
    "Medium", "Quora", "Etsy", "Amazon.com", "Shutterstock", "iStock", "Alamy", "Dreamstime", "123RF", "Vecteezy",
)
_ALT_SUBJECTS = ("A woman", "A man", "Two people", "A group of friends", "A child", "An elderly couple", "A dog", "A cat", "A close-up of", "An aerial view of", "A view of", "Hands holding")
_ALT_OBJECTS = ("a laptop", "a cup of coffee", "a city skyline", "a mountain lake", "a red car", "a stack of books", "a smartphone", "a map", "a flag", "fresh vegetables", "a crowded street", "a wooden table", "solar panels", "a calculator", "a globe")
_ALT_PLACES = ("at sunset", "in a modern office", "on a white background", "in the park", "at night", "in the kitchen", "near the sea", "during a meeting", "in winter", "on a busy road")


_FAKER_CACHE: dict = {}


def _fakers() -> dict:
    """One Faker per locale for the whole process: creating them costs ~0.1 s each."""
    if not _FAKER_CACHE:
        from faker import Faker  # training-time dependency (the "train" extra)

        _FAKER_CACHE.update({loc: Faker(loc) for loc in _LOCALES})
        for fake in _FAKER_CACHE.values():
            _stable_order(fake)
    return _FAKER_CACHE


def _stable_order(fake) -> None:
    """Sort provider lists that Faker builds from a set.

    Faker's it_IT address provider makes its city list with ``list({...})``, so the list's order,
    and so the city a seeded draw returns, followed PYTHONHASHSEED: the junk generator wrote other
    author boxes in every process, and two trainings of the same data and seed differed (one
    training document of 1,590, enough to move held-out scores by a line or two).
    """
    for factory in fake.factories:
        for provider in factory.providers:
            cities = getattr(provider, "cities", None)
            if isinstance(cities, list):
                provider.cities = sorted(cities)


def _title_case(s: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in s.split())


class JunkGenerator:
    """Injects junk into one document at a time; all randomness from one seeded ``Random``."""

    def __init__(self, seed: int = 0, other_titles: Sequence[str] = (), bank: JunkBank | None = None, lang: str = "en"):
        self.rng = random.Random(seed)
        self.other_titles = list(other_titles)
        self.bank = bank
        self.lang = lang
        self.fakers = _fakers()
        for i, loc in enumerate(_LOCALES):  # reseeding makes the shared instances deterministic
            self.fakers[loc].seed_instance(seed * 1000 + i)
        self.en = self.fakers["en_US"]

    # ---- words --------------------------------------------------------------------------
    def _faker(self):
        return self.fakers[self.rng.choice(_LOCALES)]

    def _name(self) -> str:
        return self._faker().name()

    def _site(self) -> str:
        r = self.rng.random()
        if r < 0.5:
            return self.rng.choice(("Movie", "Pinay", "Kannada", "Hindi", "Tamil", "Anime", "Steam", "Crypto", "Celeb", "Viral", "Mms", "Desi", "Fmovies", "Filmy", "Vega")) + self.rng.choice(_SITES_WORDS).lower()
        if r < 0.8:
            return self.rng.choice(("Netflix", "Onlyfans", "Telegram", "Tiktok", "Instagram", "Roblox", "Spotify", "Disney Plus"))
        return self.en.last_name() + self.rng.choice(_SITES_WORDS)

    def link_title(self, doc_words: Sequence[str]) -> str:
        rng = self.rng
        if self.other_titles and rng.random() < 0.25:
            title = rng.choice(self.other_titles)
        else:
            title = rng.choice(_LINK_TEMPLATES).format(
                name=self._name(), name2=self._name(), role=rng.choice(_ROLES), noun=rng.choice(_NOUNS),
                noun2=rng.choice(("Advocate", "Icon", "Legend", "Philanthropist", "Mother", "Entrepreneur")),
                rel=rng.choice(_REL), pos=rng.choice(("Her", "His", "Their")), adj=rng.choice(_ADJ),
                ger=rng.choice(_GER), things=rng.choice(_THINGS), site=self._site(), year=rng.randint(2015, 2026),
                num=rng.randint(3, 50), nat=rng.choice(_NAT),
            )
            if doc_words and rng.random() < 0.1:
                title = title.replace(rng.choice(_THINGS), _title_case(rng.choice(doc_words)), 1)
        style = rng.random()
        if style < 0.5:
            title = _title_case(re.sub(r"['’]", "", title))
        elif style < 0.6:
            title = title.lower()
        elif style < 0.65:
            title = title.upper()
        elif style < 0.85:
            title = title[:1].upper() + title[1:].lower()
        return title

    def link_block(self, doc_words) -> list[str]:
        rng = self.rng
        marker = rng.choice(_LINK_MARKERS)
        numbered = rng.random() < 0.1
        prefix = rng.choice(_LINK_PREFIXES) if rng.random() < 0.15 else ""
        lines = []
        if rng.random() < 0.15:
            lines.append(rng.choice(_LINK_HEADERS))
        for k in range(rng.randint(2, 7) if not prefix else rng.randint(1, 3)):
            lead = f"{k + 1}. " if numbered else marker
            lines.append(prefix + lead + self.link_title(doc_words))
        return lines

    # ---- captions -----------------------------------------------------------------------
    def caption(self, doc: LabeledDocument, doc_words: Sequence[str]) -> str:
        rng = self.rng
        topic = self._topic_phrase(doc, doc_words)
        kind = rng.randrange(14)
        site = rng.choice(_SITE_SUFFIX) if rng.random() < 0.6 else self.en.company()
        if kind == 0:
            return f"{topic} - {site}"
        if kind == 1:
            return f"{topic} | {site}"
        if kind == 2:
            return f"{topic} · Free image on {rng.choice(_IMAGE_HOSTS)}"
        if kind == 3:
            return f"{rng.choice(_ALT_SUBJECTS)} {rng.choice(_ALT_OBJECTS)} {rng.choice(_ALT_PLACES)}" + rng.choice((".", "", "."))
        if kind == 4:
            return f"Photo by {self._name()} on {rng.choice(_IMAGE_HOSTS)}"
        if kind == 5:
            return f"{topic.upper()} - {rng.choice(('WHY?', 'HOW?', 'GUIDE', 'EXPLAINED'))} - {site}"
        if kind == 6:
            return f"{topic} Images, Stock Photos & Vectors | {rng.choice(('Shutterstock', 'Adobe Stock', 'iStock', 'Depositphotos'))}"
        if kind == 7:
            return f"{topic} {rng.choice(('stock photo', 'Clipart', 'PNG Transparent', 'Wallpaper HD', 'Vector Illustration', 'Royalty-Free Images'))}"
        if kind == 8:
            return f"Premium Photo | {topic}"
        if kind == 9:
            return f"{rng.choice(('IMG_', 'DSC_', 'photo-', 'image'))}{rng.randint(100, 99999)}.{rng.choice(('jpg', 'jpeg', 'png', 'webp'))}"
        if kind == 10:
            return f"{topic} ({rng.choice(('Getty Images', 'AP Photo', 'Reuters', 'AFP', 'File photo', 'Image: Supplied'))})"
        if kind == 11:
            return f"{rng.randint(10, 900)}+ {topic} Pictures | Download Free Images on {rng.choice(_IMAGE_HOSTS)}"
        if kind == 12:
            return f"{topic} - {rng.choice(('a photo on Flickriver', 'YouTube', 'Pinterest', 'Tumblr'))}"
        return f"{topic}"

    def _topic_phrase(self, doc: LabeledDocument, doc_words: Sequence[str]) -> str:
        """Captions in scraped galleries are usually on the page's topic: reuse its words."""
        rng = self.rng
        r = rng.random()
        body = [ln for ln, lab in zip(doc.lines, doc.labels) if lab == "body" and len(ln) > 60]
        if r < 0.45 and body:
            words = rng.choice(body).split()
            start = rng.randrange(max(1, len(words) - 8))
            phrase = " ".join(words[start:start + rng.randint(3, 9)]).strip(" ,.;:\"“”*")
            return _title_case(phrase) if rng.random() < 0.6 else phrase[:1].upper() + phrase[1:]
        if r < 0.7 and doc_words:
            w = _title_case(rng.choice(doc_words))
            return rng.choice((f"Map of {w}", f"{w} flag", f"{w}", f"What is {w}?", f"{w} in {rng.randint(1990, 2025)}", f"The {w} Explained", f"Why {w}", f"{w} icon"))
        if r < 0.85:
            return _title_case(f"{rng.choice(_ALT_OBJECTS)} {rng.choice(_ALT_PLACES)}")
        return self.link_title(doc_words)

    def caption_block(self, doc, doc_words) -> list[str]:
        rng = self.rng
        caps = [self.caption(doc, doc_words) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.5:  # galleries often print each caption twice
            out = []
            for c in caps:
                out.extend([c, c] if rng.random() < 0.6 else [c])
            caps = out
        if len(caps) > 2 and rng.random() < 0.3:
            rng.shuffle(caps)
        return caps

    # ---- author boxes -------------------------------------------------------------------
    def _bio(self, fk) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.45:
            return " ".join(self.en.sentence(nb_words=rng.randint(4, 10)) for _ in range(rng.randint(1, 5)))
        if r < 0.7:
            return " ".join(_sentence(self.en.catch_phrase()) for _ in range(rng.randint(1, 3)))
        if r < 0.9:
            return _sentence(f"{self.en.bs().capitalize()}") + " " + _sentence(self.en.catch_phrase())
        return fk.text(max_nb_chars=rng.randint(60, 200)).replace("\n", " ")

    def author_box(self) -> list[str]:
        rng = self.rng
        loc = rng.choice(_LOCALES)
        fk = self.fakers[loc]
        lang = loc[:2] if loc[:2] in _FIELDS else "en"
        if rng.random() < 0.7:
            lang_fields = _FIELDS["en"] if rng.random() < 0.7 else _FIELDS[lang]
        else:
            lang_fields = _FIELDS[lang]
        layout = rng.random()
        name = fk.name()
        user = fk.user_name()
        if layout < 0.55:  # field list, seed-like, with socials
            bullet = rng.choice(_BULLETS)
            colon = rng.choice((" : ", ": ", " :", ":  "))
            values = (
                name, user, fk.email(), fk.date_of_birth(minimum_age=16, maximum_age=80).isoformat()
                if rng.random() < 0.7 else fk.date(), fk.address().replace("\n", " "), fk.phone_number(),
                fk.company(), fk.job(), self._bio(fk),
            )
            pairs = list(zip(lang_fields, values))
            if rng.random() < 0.4:
                keep = sorted(rng.sample(range(len(pairs)), rng.randint(3, len(pairs))))
                pairs = [pairs[i] for i in keep]
            lines = [rng.choice(_BOX_HEADERS)] if rng.random() < 0.85 else []
            lines += [f"{bullet}{k}{colon}{v}" for k, v in pairs]
            if rng.random() < 0.75:
                lines.append(rng.choice(_SOCIAL_HEADERS))
                for plat in rng.sample(_PLATFORMS, rng.randint(1, 5)):
                    lines.append(f"{plat}:" if rng.random() < 0.8 else plat.capitalize())
                    if rng.random() < 0.65:
                        handle = fk.user_name() + (str(rng.randint(1, 2025)) if rng.random() < 0.4 else "")
                        sub = [("url", f"https://{plat}.com/{handle}"), ("username", handle),
                               ("bio", self._bio(fk)), ("followers", str(rng.randint(10, 9999))),
                               ("following", str(rng.randint(10, 4999)))]
                        if rng.random() < 0.3:
                            sub = sub[: rng.randint(2, 5)]
                        lines += [f"{bullet}{k}{colon}{v}" for k, v in sub]
            return lines
        if layout < 0.75:  # prose bio box
            first = name.split()[0]
            lines = [rng.choice(("About the Author", "About The Author", "Author Bio", "Written By", name))]
            lines.append(
                f"{name} is a {fk.job().lower()} {rng.choice(('based in', 'living in', 'from'))} {fk.city()}. "
                + self._bio(fk)
            )
            if rng.random() < 0.6:
                lines.append(rng.choice((f"Follow {first} on Twitter @{user}", f"View all posts by {name}", f"Contact: {fk.email()}",
                                         f"{rng.randint(2, 900)} Posts", f"Follow @{user}", f"More articles by {name} →")))
            return lines
        if layout < 0.9:  # profile stats
            lines = [name if rng.random() < 0.6 else f"@{user}"]
            stats = [("Joined", fk.date(pattern="%B %Y")), ("Posts", str(rng.randint(1, 3000))),
                     ("Followers", f"{rng.randint(1, 99)}.{rng.randint(0, 9)}K" if rng.random() < 0.5 else str(rng.randint(10, 9999))),
                     ("Following", str(rng.randint(1, 999))), ("Location", fk.city()), ("Website", fk.url()),
                     ("Reputation", str(rng.randint(1, 50000))), ("Member since", str(rng.randint(2005, 2024)))]
            for k, v in rng.sample(stats, rng.randint(2, 5)):
                lines.append(f"{k}: {v}")
            return lines
        # one-liners
        sep = rng.choice((" · ", " | ", " • ", " - "))
        bits = [name, f"{rng.randint(1, 9999)} followers", f"{rng.randint(1, 999)} following", f"{rng.randint(1, 500)} articles", f"@{user}"]
        return [sep.join(rng.sample(bits, rng.randint(2, 4)))] + (
            [rng.choice(("Follow", "Share this:", "Share on Facebook", "Tweet", "Subscribe"))] if rng.random() < 0.5 else []
        )

    # ---- putting it together ------------------------------------------------------------
    def inject(self, doc: LabeledDocument, tag: str, p_clean: float = 0.12) -> LabeledDocument:
        """A new document: ``doc``'s blocks re-laid out, with junk blocks and glue."""
        rng = self.rng
        blocks = [(ln, lab, doc.splits.get(i)) for i, (ln, lab) in enumerate(zip(doc.lines, doc.labels)) if lab != BLANK]
        words = _doc_words(doc)
        layout = rng.choice(("blank", "none", "orig", "orig"))
        orig_blank_after = set()
        j = -1
        for i, lab in enumerate(doc.labels):
            if lab == BLANK:
                orig_blank_after.add(j)
            else:
                j += 1

        junk: dict[int, list[tuple[str, list[str]]]] = {}
        n = len(blocks)

        def add(pos, kind, lines):
            junk.setdefault(pos, []).append((kind, lines))

        def banked(label, make):
            if self.bank is not None and rng.random() < P_BANK:
                block = self.bank.pick(rng, label, self.lang)
                if block:
                    return block
            return make()

        if rng.random() >= p_clean:
            for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3, 4))):
                add(rng.choice([rng.randrange(1, n + 1), n]) if n > 1 else n, "link_spam",
                    banked("link_spam", lambda: self.link_block(words)))
            if rng.random() < 0.5:
                add(n if rng.random() < 0.65 else rng.randrange(1, n + 1), "caption",
                    banked("caption", lambda: self.caption_block(doc, words)))
            if rng.random() < 0.35:
                add(n if rng.random() < 0.85 else rng.randrange(0, n + 1), "author_meta", banked("author_meta", self.author_box))
            if rng.random() < 0.15:  # single stray caption in the middle
                add(rng.randrange(1, n + 1), "caption", banked("caption", lambda: [self.caption(doc, words)])[:1])
        glue_headings = rng.random() < 0.1 and layout != "blank"

        out_lines: list[str] = []
        out_labels: list[str] = []
        splits: dict[int, list[tuple[int, str]]] = {}

        def emit(text, label, parts=None):
            if parts:
                splits[len(out_lines)] = parts
            out_lines.append(text)
            out_labels.append(label)

        def emit_blank():
            if out_labels and out_labels[-1] != BLANK:
                emit("", BLANK)

        def glue(text, label):
            """Glue ``text`` onto the last emitted line if it ends like a paragraph."""
            k = len(out_lines) - 1
            while k >= 0 and out_labels[k] == BLANK:
                k -= 1
            prev = out_lines[k] if k >= 0 else ""
            if k < 0 or k in splits or len(prev) < 80 or prev.rstrip()[-1:] not in ".!?":
                return False
            del out_lines[k + 1:], out_labels[k + 1:]
            sep = "" if rng.random() < 0.6 else " "
            prev = prev.rstrip()
            off = len(prev) + len(sep)
            prev_label = out_labels[k]
            out_lines[k] = prev + sep + text
            big = prev_label if len(prev) >= len(text) else label
            out_labels[k] = big
            splits[k] = [(0, prev_label), (off, label)]
            return True

        junk_spacing = {}
        for bi in range(n + 1):
            for kind, lines in junk.get(bi, []):
                spaced = rng.random() < (0.6 if kind != "link_spam" else 0.15)
                first = True
                for line in lines:
                    if first and out_lines and rng.random() < 0.3 and glue(line, kind):
                        first = False
                        continue
                    if spaced or layout == "blank":
                        emit_blank()
                    emit(line, kind)
                    first = False
                junk_spacing[bi] = spaced
                if layout == "blank" or spaced:
                    emit_blank()
            if bi == n:
                break
            text, label, parts = blocks[bi]
            is_heading = label == "body" and len(text) < 90 and text.rstrip()[-1:] not in ".!?:" and not parts
            if glue_headings and is_heading and bi > 0 and glue(text, label):
                pass
            else:
                if parts:
                    emit(text, label, parts)
                else:
                    emit(text, label)
            if layout == "blank" or (layout == "orig" and bi in orig_blank_after):
                emit_blank()
        while out_labels and out_labels[-1] == BLANK:
            out_lines.pop()
            out_labels.pop()
        return LabeledDocument(f"{doc.name}~{tag}", out_lines, out_labels, splits, doc.group or doc.name)


def _sentence(s: str) -> str:
    s = s.strip()
    return s[:1].upper() + s[1:] + ("" if s.endswith(".") else ".")


_CAP_WORD = re.compile(r"\b[A-Z][a-z]{3,}\b")


def _doc_words(doc: LabeledDocument) -> list[str]:
    """Capitalised words from the body, a cheap stand-in for the page's named entities."""
    seen: dict[str, None] = {}
    for ln, lab in zip(doc.lines, doc.labels):
        if lab == "body":
            for w in _CAP_WORD.findall(ln[:400]):
                seen.setdefault(w, None)
    return list(seen)[:60]


def augment_corpus(docs: Sequence[LabeledDocument], variants: int = 4, seed: int = 0,
                   bank: JunkBank | None = None) -> list[LabeledDocument]:
    """The training set: each document ``variants`` times with different junk, sharing a group.

    The untouched document is not included on its own (its layout is one of the variants' three
    layouts anyway). Variants of one document share ``group`` so that cross-validation never
    puts one variant in training and another in test.
    """
    titles = [d.lines[0] for d in docs if d.lines and d.labels[0] == "body" and len(d.lines[0]) < 120]
    out = []
    if bank is not None:
        from ..language import detect_language
    for i, doc in enumerate(docs):
        others = [t for t in titles if t != doc.lines[0]]
        lang = detect_language(doc.text) if bank is not None else "en"
        gen = JunkGenerator(seed=seed * 100003 + i, other_titles=others, bank=bank, lang=lang)
        for v in range(variants):
            out.append(gen.inject(doc, f"v{v}"))
    return out
