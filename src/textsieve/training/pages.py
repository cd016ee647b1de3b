"""Labeled documents -> HTML pages with the same labels, for training the HTML features.

The model learns what markup says about a line (link density, tags, ancestors, class names) from
pages rendered out of the team's labeled documents, so the labels come for free: every line
keeps its label, junk blocks become the widgets they are on real sites (related-link lists and
cards, figures with captions, author boxes with avatars and social links), and site chrome that
plain-text documents never show (navigation, breadcrumbs, footer links, share bars, cookie and
newsletter boxes, tag lines) is added and labeled ``boilerplate`` (``chrome_label``), the label
the real labeled pages give site chrome; a "Read more: <title>" teaser stays ``link_spam``, a
link to another story. Before the fifth label existed chrome was ``link_spam``
(``chrome_label="link_spam"`` still renders that way).

Real sites differ, and a model that memorised one template would learn nothing useful, so every
page draws its own layout: semantic HTML5 or ``<div>`` soup or layout tables or a bare fragment;
meaningful class names or generated ones (``css-1x9ab``); junk with or without links; lists
with or without their bullet characters; inline links in body paragraphs. About a third of the
junk carries no markup hint at all and must be recognised from its text, as in plain text.

Rendering is deterministic for a given seed. After rendering, the page is parsed back with the
core's HTML parser (the one ``clean_html`` uses) and the extracted lines are matched to the
rendered ones; the training document keeps the raw page, which training featurizes through that
same parser, so training sees exactly the lines and contexts serving will see.
"""
from __future__ import annotations

import html as _html
import random
import re
from collections.abc import Sequence

from .. import _core
from ..errors import CorpusError
from .corpus import BLANK, LabeledDocument

__all__ = ["PageRenderer", "render_corpus", "CHROME_LABEL"]

# The label of rendered site chrome (menus, footers, share bars, cookie notices): the real
# labeled pages' ``boilerplate``.
CHROME_LABEL = "boilerplate"

_MARKER = re.compile(r"^(?:[-–—•*·»→>+▪◦●■□✓✔]|\d{1,3}[.)])\s+")
_KEY_VALUE = re.compile(r"^([^\W\d_][\w .'/()&-]{0,32}?\s?:)\s*(\S.*)$")

_NAV = (
    "Home", "News", "World", "Politics", "Business", "Sport", "Culture", "Travel", "Recipes", "Reviews",
    "Tech", "Science", "Health", "Opinion", "Video", "Podcasts", "Shop", "About us", "Contact", "Subscribe",
    "Log in", "Newsletter", "Events", "Blog", "Forum", "Jobs", "Startseite", "Nachrichten", "Inicio",
    "Noticias", "Accueil", "Actualités", "Kontakt", "Contacto", "Deals", "Gift guides", "Lifestyle",
)
_FOOTER = (
    "Privacy policy", "Terms of use", "Cookie settings", "Imprint", "Impressum", "Advertise with us",
    "Careers", "Help centre", "Accessibility", "Sitemap", "RSS", "Datenschutz", "Aviso legal",
    "Mentions légales", "Contact us", "Press", "Affiliate disclosure", "Manage preferences",
)
_SHARE = ("Share", "Facebook", "Twitter", "X", "WhatsApp", "Pinterest", "Email", "Copy link", "LinkedIn", "Reddit")
_SITES = ("The Daily Ledger", "Kitchen Notes", "Bergblick Magazin", "Tech Rundown", "El Faro Digital",
          "Le Petit Journal", "Hometown Herald", "Wanderlust Weekly", "Gadget Garage", "Salt & Thyme")

# Site chrome that is text, not links: cookie notices, newsletter boxes, "read more" teasers, tag
# lines. Labeled like the rest of the chrome (``chrome_label``). Per language, since chrome is written in
# the site's language.
_COOKIE = {
    "en": ("We use cookies to improve your experience and to show you personalised ads. By continuing you agree to our cookie policy.", "Accept all", "Manage settings"),
    "de": ("Wir verwenden Cookies, um Ihnen ein optimales Nutzererlebnis zu bieten. Mit Klick auf „Akzeptieren“ stimmen Sie zu.", "Alle akzeptieren", "Einstellungen"),
    "es": ("Utilizamos cookies propias y de terceros para mejorar nuestros servicios. Si continúa navegando, acepta su uso.", "Aceptar todo", "Configurar"),
    "fr": ("Nous utilisons des cookies pour améliorer votre expérience et mesurer l'audience. En poursuivant, vous acceptez leur utilisation.", "Tout accepter", "Paramétrer"),
}
_NEWSLETTER = {
    "en": ("Sign up for our newsletter", "The best stories of the week, straight to your inbox every Friday.", "Subscribe"),
    "de": ("Newsletter abonnieren", "Die wichtigsten Nachrichten des Tages jeden Morgen in Ihrem Postfach.", "Jetzt anmelden"),
    "es": ("Suscríbete a nuestro boletín", "Recibe cada semana las mejores historias en tu correo.", "Suscribirme"),
    "fr": ("Inscrivez-vous à notre newsletter", "Le meilleur de l'actualité chaque matin dans votre boîte mail.", "Je m'inscris"),
}
_READ_MORE = {"en": ("Read more:", "See also:", "Also read:"), "de": ("Lesen Sie auch:", "Auch interessant:"),
              "es": ("Lee también:", "Te puede interesar:"), "fr": ("À lire aussi :", "Lire aussi :")}
_TAGS = {"en": "Tags:", "de": "Schlagworte:", "es": "Etiquetas:", "fr": "Mots-clés :"}

# Page builders wrap every element, body and junk alike, in the same generic classes; some pages
# get such wrappers so that the model does not take "widget" or "card" for junk by itself.
_BUILDER = ("elementor-widget-container", "wp-block-group", "card-body", "module-content", "et_pb_module",
            "widget-area", "post-block", "content-box", "vc_column-inner", "sqs-block-content")

_HINTS = {
    "page": ("site", "page", "wrapper", "container", "layout", "app"),
    "nav": ("main-nav", "navbar", "menu", "site-navigation", "primary-menu", "top-menu", "header-nav"),
    "breadcrumb": ("breadcrumb", "breadcrumbs", "crumbs", "trail"),
    "content": ("entry-content", "article-body", "post-content", "story-body", "content", "main-text", "rich-text"),
    "related": ("related-posts", "recommended", "more-stories", "widget popular-posts", "sidebar-widget",
                "you-may-also-like", "trending", "read-more", "teaser-list", "outbrain", "sponsored-links"),
    "caption": ("wp-caption", "caption", "photo-credit", "image-caption", "figure-caption", "media-caption",
                "gallery-item", "img-credit"),
    "author": ("author-box", "about-author", "byline-bio", "author-bio", "writer-profile", "profile-card",
               "vcard author", "contributor"),
    "footer": ("site-footer", "footer", "footer-links", "bottom-bar", "colophon"),
    "share": ("share-bar", "social-share", "sharing", "share-buttons"),
    "cookie": ("cookie-banner", "consent", "cmp-dialog", "gdpr-notice", "cookie-notice"),
    "newsletter": ("newsletter", "signup-box", "subscribe-widget", "inline-newsletter", "promo-box"),
}


class PageRenderer:
    """Render one labeled document as an HTML page; returns the page and the expected lines."""

    def __init__(self, seed: int = 0, chrome_label: str = CHROME_LABEL):
        self.chrome = chrome_label
        self.rng = random.Random(seed)
        # Where body paragraphs sit is drawn from a stream of its own, so that adding that
        # choice left every other layout decision of a given seed as it was.
        self.para_rng = random.Random(seed * 7 + 3)

    # -- small helpers ------------------------------------------------------------------------
    def _cls(self, kind: str) -> str:
        """A class attribute: a meaningful one on hinted pages, a generated one otherwise."""
        rng = self.rng
        if self.hinted and kind in _HINTS and rng.random() < 0.85:
            name = rng.choice(_HINTS[kind])
        elif rng.random() < 0.5:
            name = "css-" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(4, 7)))
        else:
            name = rng.choice(("box", "col", "row", "block", "mod", "section", "item", "wrap", "inner")) + f"-{rng.randint(1, 40)}"
        return f' class="{name}"'

    def _paragraph(self, html: str) -> str:
        """A body paragraph in the page's paragraph element (``<p>``, or a ``<div>``, bare or
        with a class, as app frameworks and many blog engines write them)."""
        if self.para == "p":
            return f"<p>{html}</p>"
        rng = self.para_rng
        if rng.random() < 0.5:
            return f"<div>{html}</div>"
        name = "css-" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(4, 7)))
        return f'<div class="{name}">{html}</div>'

    def _wrap(self, html: str) -> str:
        """On page-builder pages, every block sits in the builder's generic container."""
        return f'<div class="{self.builder}">{html}</div>' if self.builder else html

    def _tag(self, semantic: str, fallback: str = "div") -> str:
        return semantic if self.semantic else fallback

    @staticmethod
    def _esc(text: str) -> str:
        return _html.escape(text, quote=False)

    def _link(self, text: str) -> str:
        slug = "-".join(re.findall(r"\w+", text.lower())[:6]) or "page"
        return f'<a href="/{slug}">{self._esc(text)}</a>'

    def _inline_link(self, text: str) -> str:
        """Body paragraph with a few words linked or emphasised (text unchanged)."""
        rng = self.rng
        words = text.split(" ")
        if len(words) < 6 or rng.random() > 0.35:
            return self._esc(text)
        i = rng.randrange(0, len(words) - 3)
        j = i + rng.randint(1, 4)
        wrap = "a" if rng.random() < 0.75 else rng.choice(("strong", "em", "b"))
        attr = ' href="/topic"' if wrap == "a" else ""
        return (self._esc(" ".join(words[:i])) + (" " if i else "") + f"<{wrap}{attr}>" + self._esc(" ".join(words[i:j]))
                + f"</{wrap}>" + (" " if j < len(words) else "") + self._esc(" ".join(words[j:])))

    # -- page parts ---------------------------------------------------------------------------
    def _chrome_nav(self, out, expected):
        rng = self.rng
        items = rng.sample(_NAV, rng.randint(4, 9))
        tag = self._tag("nav")
        out.append(f"<{tag}{self._cls('nav')}><ul>")
        for it in items:
            out.append(f"<li>{self._link(it)}</li>")
            expected.append((it, self.chrome))
        out.append(f"</ul></{tag}>")

    def _chrome_breadcrumb(self, out, expected):
        rng = self.rng
        items = rng.sample(_NAV, rng.randint(2, 4))
        sep = rng.choice((" › ", " / ", " » ", " > "))
        out.append(f"<div{self._cls('breadcrumb')}>" + self._esc(sep).join(self._link(t) for t in items) + "</div>")
        expected.extend((t, self.chrome) for t in items)

    def _chrome_footer(self, out, expected, site):
        rng = self.rng
        tag = self._tag("footer")
        out.append(f"<{tag}{self._cls('footer')}>")
        if rng.random() < 0.7:
            items = rng.sample(_FOOTER, rng.randint(3, 7))
            if rng.random() < 0.5:
                out.append("<ul>" + "".join(f"<li>{self._link(t)}</li>" for t in items) + "</ul>")
            else:
                out.append("<p>" + " | ".join(self._link(t) for t in items) + "</p>")
            expected.extend((t, self.chrome) for t in items)
        if rng.random() < 0.6:
            line = f"© {rng.randint(2009, 2025)} {site}. All rights reserved."
            out.append(f"<p>{self._esc(line)}</p>")
            expected.append((line, self.chrome))
        out.append(f"</{tag}>")

    def _chrome_share(self, out, expected):
        rng = self.rng
        items = rng.sample(_SHARE, rng.randint(3, 6))
        out.append(f"<div{self._cls('share')}>" + "".join(f'<a href="#s">{self._esc(t)}</a> ' for t in items) + "</div>")
        expected.extend((t, self.chrome) for t in items)

    def _chrome_cookie(self, out, expected):
        text, accept, manage = _COOKIE.get(self.lang, _COOKIE["en"])
        out.append(f'<div{self._cls("cookie")} role="dialog"><p>{self._esc(text)}</p>'
                   f"<div><button>{self._esc(accept)}</button></div><div><button>{self._esc(manage)}</button></div></div>")
        expected.extend([(text, self.chrome), (accept, self.chrome), (manage, self.chrome)])

    def _chrome_newsletter(self, out, expected):
        head, blurb, button = _NEWSLETTER.get(self.lang, _NEWSLETTER["en"])
        h = self.rng.choice(("h3", "h4", "div", "strong"))
        line_head = f"<{h}>{self._esc(head)}</{h}>" if h != "strong" else f"<div><strong>{self._esc(head)}</strong></div>"
        out.append(f'<div{self._cls("newsletter")}>{line_head}<p>{self._esc(blurb)}</p>'
                   f'<form action="/subscribe"><input type="email" placeholder="Email"><div><button>{self._esc(button)}</button></div></form></div>')
        expected.extend([(head, self.chrome), (blurb, self.chrome), (button, self.chrome)])

    def _chrome_read_more(self, out, expected, titles):
        if not titles:
            return
        lead = self.rng.choice(_READ_MORE.get(self.lang, _READ_MORE["en"]))
        title = self.rng.choice(titles)
        out.append(f"<p><strong>{self._esc(lead)}</strong> {self._link(title)}</p>")
        expected.append((f"{lead} {title}", "link_spam"))

    def _chrome_tags(self, out, expected, words):
        if len(words) < 3:
            return
        picked = self.rng.sample(words, min(len(words), self.rng.randint(3, 6)))
        lead = _TAGS.get(self.lang, _TAGS["en"])
        out.append(f"<p>{self._esc(lead)} " + ", ".join(self._link(w) for w in picked) + "</p>")
        expected.append((f"{lead} " + ", ".join(picked), self.chrome))

    def _noise(self, out):
        """Things a page has that must never become lines."""
        rng = self.rng
        if rng.random() < 0.5:
            out.append('<script>window.dataLayer=[{"page":"article","words":"Related Articles Follow us"}];</script>')
        if rng.random() < 0.3:
            out.append('<div style="display: none">Subscribe now and get 50% off your first month</div>')
        if rng.random() < 0.2:
            out.append("<noscript>Please enable JavaScript to view the comments.</noscript>")
        if rng.random() < 0.2:
            out.append("<!-- ad slot: sidebar-300x250 --><template><p>Loading…</p></template>")

    # -- junk blocks --------------------------------------------------------------------------
    def _junk(self, label: str, lines: list[str], out, expected):
        if self.builder:
            out.append(f'<div class="{self.builder}">')
            self._junk_block(label, lines, out, expected)
            out.append("</div>")
        else:
            self._junk_block(label, lines, out, expected)

    def _junk_block(self, label: str, lines: list[str], out, expected):
        rng = self.rng
        if rng.random() < 0.25:  # no markup hint at all: plain paragraphs, as scraped text shows it
            for ln in lines:
                out.append(f"<p>{self._esc(ln)}</p>")
                expected.append((ln, label))
            return
        if label == "link_spam":
            self._link_block(lines, out, expected)
        elif label == "caption":
            self._captions(lines, out, expected)
        elif label == "author_meta":
            self._author_box(lines, out, expected)
        else:
            for ln in lines:
                out.append(f"<div>{self._esc(ln)}</div>")
                expected.append((ln, label))

    def _link_block(self, lines, out, expected):
        rng = self.rng
        tag = self._tag(rng.choice(("aside", "section", "div", "aside")))
        out.append(f"<{tag}{self._cls('related')}>")
        rest = list(lines)
        first = rest[0]
        if len(rest) > 2 and (first.endswith(":") or (len(first) < 32 and not _MARKER.match(first))) and rng.random() < 0.8:
            h = rng.choice(("h3", "h4", "h2", "div", "span"))
            out.append(f"<{h}>{self._esc(first)}</{h}>")
            expected.append((first, "link_spam"))
            rest = rest[1:]
        style = rng.choice(("ul", "ul", "cards", "inline", "divs"))
        texts = []
        for ln in rest:
            m = _MARKER.match(ln)
            texts.append(ln[m.end():] if m and rng.random() < 0.75 and len(ln) > m.end() else ln)
        if style == "ul":
            out.append("<ul>" + "".join(f"<li>{self._link(t)}</li>" for t in texts) + "</ul>")
        elif style == "cards":
            for t in texts:
                img = f'<img src="/t.jpg" alt="{_html.escape(t)}">' if rng.random() < 0.4 else ""
                out.append(f'<div{self._cls("related")}><a href="/x">{img}<h4>{self._esc(t)}</h4></a></div>')
        elif style == "inline":
            sep = rng.choice((" · ", " | ", " ", " • "))
            out.append("<div>" + self._esc(sep).join(self._link(t) for t in texts) + "</div>")
        else:
            for t in texts:
                out.append(f"<div>{self._link(t)}</div>")
        expected.extend((t, "link_spam") for t in texts)
        out.append(f"</{tag}>")

    def _captions(self, lines, out, expected):
        rng = self.rng
        for ln in lines:
            alt = rng.choice(("", ln, " ".join(ln.split()[:6]), "image"))
            img = f'<img src="/img/{rng.randint(1, 9999)}.jpg" alt="{_html.escape(alt)}">'
            style = rng.choice(("figure", "figure", "wp", "br", "credit"))
            if style == "figure" and self.semantic:
                out.append(f"<figure{self._cls('caption')}>{img}<figcaption>{self._esc(ln)}</figcaption></figure>")
            elif style == "br":
                out.append(f"<p>{img}<br>{self._esc(ln)}</p>")
            elif style == "credit":
                out.append(f'<div>{img}<span{self._cls("caption")}>{self._esc(ln)}</span></div>')
            else:
                out.append(f'<div{self._cls("caption")}>{img}<p>{self._esc(ln)}</p></div>')
            expected.append((ln, "caption"))

    def _author_box(self, lines, out, expected):
        rng = self.rng
        tag = self._tag(rng.choice(("aside", "section", "div")))
        out.append(f"<{tag}{self._cls('author')}>")
        if rng.random() < 0.6:
            out.append(f'<img src="/avatar.png" alt="{_html.escape(lines[0][:40])}"{self._cls("author")}>')
        for k, ln in enumerate(lines):
            social = re.search(r"(?i)follow|twitter|instagram|facebook|linkedin|socials|@\w", ln)
            if social and rng.random() < 0.7:
                out.append(f"<p>{self._link(ln)}</p>")
            else:
                t = rng.choice(("p", "div", "span", "h4" if k == 0 else "p"))
                if t == "span":
                    out.append(f"<span>{self._esc(ln)}</span><br>")
                else:
                    out.append(f"<{t}>{self._esc(ln)}</{t}>")
            expected.append((ln, "author_meta"))
        out.append(f"</{tag}>")

    # -- body ---------------------------------------------------------------------------------
    def _body_run(self, items, out, expected, first_title: bool):
        """Body lines in order: headings, lists, key-value runs, paragraphs."""
        rng = self.rng
        i = 0
        br_mode = (self.skeleton == "table" and rng.random() < 0.5) or (self.para == "div" and self.para_rng.random() < 0.25)
        while i < len(items):
            idx, text = items[i]
            marker = _MARKER.match(text)
            if marker:
                j = i
                while j < len(items) and _MARKER.match(items[j][1]):
                    j += 1
                ordered = text[0].isdigit()
                strip = rng.random() < 0.7
                lst = "ol" if ordered else "ul"
                out.append(f"<{lst}>")
                for k in range(i, j):
                    t = items[k][1]
                    m = _MARKER.match(t)
                    shown = t[m.end():] if strip and len(t) > m.end() else t
                    out.append(f"<li>{self._inline_link(shown)}</li>")
                    expected.append((shown, "body", items[k][0]) if shown == t else (shown, "body"))
                out.append(f"</{lst}>")
                i = j
                continue
            kv = _KEY_VALUE.match(text)
            if kv and rng.random() < 0.35:
                j = i
                while j < len(items) and _KEY_VALUE.match(items[j][1]):
                    j += 1
                as_dl = rng.random() < 0.5
                out.append("<dl>" if as_dl else "<table>")
                for k in range(i, j):
                    m = _KEY_VALUE.match(items[k][1])
                    key, value = m.group(1).strip(), m.group(2).strip()
                    if as_dl:
                        out.append(f"<dt>{self._esc(key)}</dt><dd>{self._esc(value)}</dd>")
                    else:
                        out.append(f"<tr><th>{self._esc(key)}</th><td>{self._esc(value)}</td></tr>")
                    expected.extend([(key, "body"), (value, "body")])
                out.append("</dl>" if as_dl else "</table>")
                i = j
                continue
            heading = len(text) < 90 and text[-1:] not in ".!?:;," and not kv
            if first_title and i == 0 and len(text) < 160:
                out.append(self._wrap(f"<h1>{self._esc(text)}</h1>"))
            elif heading and rng.random() < 0.75:
                h = rng.choice(("h2", "h2", "h3", "h4"))
                out.append(self._wrap(f"<{h}>{self._esc(text)}</{h}>"))
            elif br_mode:
                out.append(f"{self._inline_link(text)}<br><br>")
            else:
                out.append(self._wrap(self._paragraph(self._inline_link(text))))
            expected.append((text, "body", idx))
            i += 1

    # -- whole page ---------------------------------------------------------------------------
    def render(self, doc: LabeledDocument) -> tuple[str, list[tuple]]:
        """HTML for ``doc`` and the lines parsing it must give: ``(text, label[, source line])``."""
        rng = self.rng
        self.semantic = rng.random() < 0.6
        self.hinted = rng.random() < 0.65
        self.skeleton = rng.choice(("html5", "html5", "divsoup", "table", "fragment"))
        self.builder = rng.choice(_BUILDER) if rng.random() < 0.25 else None
        # Where body paragraphs sit: <p> on most pages; <div>s on most div-soup pages and some
        # others (single-page apps, blog engines), sometimes as text runs between <br><br>. If
        # paragraphs were always <p>, a <div> would mean junk to the model, and a real page
        # whose article is in <div>s would be emptied.
        self.para = "div" if self.para_rng.random() < (0.7 if self.skeleton == "divsoup" else 0.15) else "p"
        site = rng.choice(_SITES)
        prefix = doc.name.split("-", 1)[0]
        self.lang = prefix if prefix in _COOKIE else "en"
        out: list[str] = []
        expected: list[tuple] = []
        if rng.random() < 0.15:
            self._chrome_cookie(out, expected)
        if self.skeleton != "fragment":
            out.append(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{self._esc(doc.lines[0][:80])}</title>"
                       "<style>.x{display:none}</style></head><body>")
        out.append(f"<div{self._cls('page')}>")
        header = self._tag("header")
        if rng.random() < 0.5:
            out.append(f"<{header}{self._cls('nav')}><div>{self._link(site)}</div></{header}>")
            expected.append((site, self.chrome))
        if rng.random() < 0.7:
            self._chrome_nav(out, expected)
        if rng.random() < 0.3:
            self._chrome_breadcrumb(out, expected)
        self._noise(out)
        if self.skeleton == "table":
            out.append("<table><tr><td>")
        main = self._tag(rng.choice(("article", "main")))
        out.append(f"<{main}{self._cls('content')}>")

        # Group the document's non-blank lines into runs: body lines, or junk of one label.
        runs: list[tuple[str, list]] = []
        for i, (text, label) in enumerate(zip(doc.lines, doc.labels)):
            if label == BLANK:
                continue
            if i in doc.splits:
                label = "body*"  # glued line: rendered as one paragraph, keeps its split labels
            if runs and runs[-1][0] == label and label != "body*":
                runs[-1][1].append((i, text))
            else:
                runs.append((label, [(i, text)]))
        first = True
        share_done = False
        titles = [t for t, lab in zip(doc.lines, doc.labels) if lab == "link_spam" and 20 < len(t) < 100 and not t.endswith(":")]
        tags = sorted({w for t, lab in zip(doc.lines, doc.labels) if lab == "body" for w in re.findall(r"\b[a-zäöüéèáíóúñ]{5,12}\b", t[:200].lower())})[:40]
        for label, items in runs:
            if label == "body":
                self._body_run(items, out, expected, first)
            elif label == "body*":
                idx, text = items[0]
                out.append(self._paragraph(self._esc(text)))
                expected.append((text, doc.labels[idx], idx))
            else:
                self._junk(label, [t for _, t in items], out, expected)
            first = False
            if not share_done and rng.random() < 0.06:
                self._chrome_share(out, expected)
                share_done = True
            elif label == "body" and rng.random() < 0.04:
                self._chrome_read_more(out, expected, titles)
            elif label == "body" and rng.random() < 0.03:
                self._chrome_newsletter(out, expected)
        if rng.random() < 0.2:
            self._chrome_tags(out, expected, tags)
        out.append(f"</{main}>")
        if self.skeleton == "table":
            out.append("</td></tr></table>")
        if rng.random() < 0.7:
            self._chrome_footer(out, expected, site)
        out.append("</div>")
        if self.skeleton != "fragment":
            out.append("</body></html>")
        return "\n".join(out), expected


def _norm(s: str) -> str:
    return " ".join(s.split())


def render_document(doc: LabeledDocument, renderer: PageRenderer, tag: str) -> LabeledDocument:
    """One rendered page as a labeled document whose lines are the page's extracted lines."""
    html, expected = renderer.render(doc)
    page_text, contexts = _core.parse_html(html)
    lines = page_text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    labels: list[str] = []
    splits: dict[int, list[tuple[int, str]]] = {}
    k = 0
    for n, line in enumerate(lines):
        if not line:
            labels.append(BLANK)
            continue
        if k >= len(expected) or _norm(expected[k][0]) != line:
            want = expected[k][0] if k < len(expected) else "<end>"
            raise CorpusError(f"{doc.name}: rendered page line {n} {line[:60]!r} does not match expected {want[:60]!r}.")
        text, label, *src = expected[k]
        labels.append(label)
        if src and src[0] in doc.splits and _norm(text) == text:
            splits[n] = doc.splits[src[0]]
        k += 1
    if k != len(expected):
        raise CorpusError(f"{doc.name}: rendered page lost {len(expected) - k} line(s), first {expected[k][0][:60]!r}.")
    return LabeledDocument(f"{doc.name}~{tag}", lines, labels, splits, doc.group or doc.name, html=html,
                           contexts=contexts[: len(lines)])


def render_corpus(docs: Sequence[LabeledDocument], every: int = 2, seed: int = 0,
                  chrome_label: str = CHROME_LABEL) -> list[LabeledDocument]:
    """HTML versions of every ``every``-th document (augmented variants), deterministic per seed."""
    out = []
    for i, doc in enumerate(docs):
        if i % every:
            continue
        renderer = PageRenderer(seed=seed * 7919 + i, chrome_label=chrome_label)
        out.append(render_document(doc, renderer, "html"))
    return out
