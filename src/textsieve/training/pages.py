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

Archive pages (:meth:`PageRenderer.render_archive`, :func:`render_archives`) show many documents
on one page, as a blog's home page or archive does: each entry's title as a link, its date line,
its paragraphs (or the first ones, as an excerpt), a tag line and "Read more", with a sidebar and
pagination. Without them every training page held one article, and the model learned from the
real pages (where late prose on a long page is often comments) to empty such pages.

Rendering is deterministic for a given seed. After rendering, the page is parsed back with the
core's HTML parser (the one ``clean_html`` uses) and the extracted lines are matched to the
rendered ones; the training document keeps the raw page, which training featurizes through that
same parser, so training sees exactly the lines and contexts serving will see.
"""
from __future__ import annotations

import datetime
import html as _html
import random
import re
from collections.abc import Sequence

from .. import _core
from ..errors import CorpusError
from .corpus import BLANK, LabeledDocument

__all__ = ["PageRenderer", "render_corpus", "render_archive", "render_archives", "CHROME_LABEL"]

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

# -- archive pages (many entries on one page; see PageRenderer.render_archive) ----------------
_HINTS.update({
    "entry": ("post", "hentry", "blog-post", "entry", "post-item", "archive-item", "post-preview",
              "type-post status-publish", "article-teaser", "summary"),
    "title": ("entry-title", "post-title", "card-title", "headline", "article-title"),
    "meta": ("entry-meta", "post-meta", "byline", "posted-on", "meta", "date", "post-date"),
    "more": ("more-link", "entry-footer", "post-footer", "comments-link", "read-more-link", "post-tags"),
    "sidebar": ("sidebar", "widget-area", "secondary", "widget", "aside-widgets", "blog-sidebar"),
    "pagination": ("pagination", "nav-links", "page-numbers", "pager", "wp-pagenavi", "older-newer"),
})

_AUTHORS = ("Anna Berg", "Tom Haller", "Marta Ruiz", "Claire Dubois", "Sam Okafor", "Luca Bianchi", "Joost de Vries",
            "Inês Costa", "admin", "The Editors", "Priya Nair", "Jonas Weber", "Ruth", "Mike")

# The words an archive page is written in, per language of its entries: month names, date lines
# ({d} day, {dd}/{mm} zero-padded, {month}, {y}, {author}), headings, category names, the
# per-entry lines ("Filed under", "Read more", comment counts), sidebar widgets and pagination.
_ARCHIVE_WORDS = {
    "en": {
        "months": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"),
        "dates": ("{month} {d}, {y}", "Posted on {month} {d}, {y}", "Posted on {month} {d}, {y} by {author}",
                  "{d} {month} {y}", "{d} {month} {y} · {author}", "By {author} · {month} {d}, {y}", "{y}-{mm}-{dd}",
                  "{month} {d}, {y} — {author}"),
        "headings": ("Blog", "Archive", "Latest posts", "Monthly archives: {month} {y}", "Category: {cat}", "All posts",
                     "From the blog"),
        "intro": "Everything we have written lately, newest first.",
        "cats": ("Travel", "Food", "News", "Family", "Garden", "Books", "Music", "Local history", "Reviews",
                 "Uncategorized", "Notes", "Projects"),
        "filed": ("Filed under: {cats}", "Posted in {cats}", "Categories: {cats}", "Tags: {cats}"),
        "more": ("Read more »", "Continue reading →", "Read the full post", "Keep reading", "Read more"),
        "comments": ("{n} Comments", "{n} comments", "Leave a comment", "No comments yet"),
        "widgets": ("Recent Posts", "Categories", "Archives", "Search"),
        "older": ("« Older posts", "Newer posts »", "Page 1 of {n}", "Next »"),
    },
    "de": {
        "months": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                   "November", "Dezember"),
        "dates": ("{d}. {month} {y}", "Veröffentlicht am {d}. {month} {y}", "{dd}.{mm}.{y} von {author}",
                  "Von {author} | {d}. {month} {y}", "{dd}.{mm}.{y}"),
        "headings": ("Blog", "Archiv", "Neueste Beiträge", "Monatsarchiv: {month} {y}", "Kategorie: {cat}"),
        "intro": "Alle Beiträge, die neuesten zuerst.",
        "cats": ("Reisen", "Essen", "Allgemein", "Garten", "Bücher", "Musik", "Familie", "Projekte"),
        "filed": ("Kategorie: {cats}", "Abgelegt unter: {cats}", "Schlagworte: {cats}"),
        "more": ("Weiterlesen »", "Mehr lesen", "Weiterlesen"),
        "comments": ("{n} Kommentare", "Kommentar schreiben", "Keine Kommentare"),
        "widgets": ("Neueste Beiträge", "Kategorien", "Archiv", "Suche"),
        "older": ("« Ältere Beiträge", "Neuere Beiträge »", "Seite 1 von {n}", "Weiter »"),
    },
    "es": {
        "months": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
                   "noviembre", "diciembre"),
        "dates": ("{d} de {month} de {y}", "Publicado el {d} de {month} de {y}", "Por {author} · {d} {month} {y}",
                  "{dd}/{mm}/{y}"),
        "headings": ("Blog", "Archivo", "Últimas entradas", "Archivo mensual: {month} {y}", "Categoría: {cat}"),
        "intro": "Todas nuestras entradas, de la más reciente a la más antigua.",
        "cats": ("Viajes", "Cocina", "General", "Noticias", "Libros", "Música", "Jardín"),
        "filed": ("Archivado en: {cats}", "Categorías: {cats}", "Etiquetas: {cats}"),
        "more": ("Seguir leyendo »", "Leer más", "Sigue leyendo →"),
        "comments": ("{n} comentarios", "Deja un comentario", "Sin comentarios"),
        "widgets": ("Entradas recientes", "Categorías", "Archivos", "Buscar"),
        "older": ("« Entradas anteriores", "Entradas siguientes »", "Página 1 de {n}", "Siguiente »"),
    },
    "fr": {
        "months": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                   "novembre", "décembre"),
        "dates": ("{d} {month} {y}", "Publié le {d} {month} {y}", "Par {author}, le {d} {month} {y}", "{dd}/{mm}/{y}"),
        "headings": ("Blog", "Archives", "Derniers articles", "Archives mensuelles : {month} {y}", "Catégorie : {cat}"),
        "intro": "Tous nos articles, du plus récent au plus ancien.",
        "cats": ("Voyages", "Cuisine", "Actualités", "Non classé", "Livres", "Musique", "Jardin"),
        "filed": ("Classé dans : {cats}", "Catégories : {cats}", "Mots-clés : {cats}"),
        "more": ("Lire la suite »", "Continuer la lecture", "Lire la suite"),
        "comments": ("{n} commentaires", "Laisser un commentaire", "Aucun commentaire"),
        "widgets": ("Articles récents", "Catégories", "Archives", "Rechercher"),
        "older": ("« Articles plus anciens", "Articles plus récents »", "Page 1 sur {n}", "Suivant »"),
    },
    "it": {
        "months": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
                   "ottobre", "novembre", "dicembre"),
        "dates": ("{d} {month} {y}", "Pubblicato il {d} {month} {y}", "di {author} · {d} {month} {y}", "{dd}/{mm}/{y}"),
        "headings": ("Blog", "Archivio", "Ultimi articoli", "Categoria: {cat}"),
        "intro": "Tutti i nostri articoli, dal più recente al meno recente.",
        "cats": ("Viaggi", "Cucina", "Notizie", "Senza categoria", "Libri", "Musica"),
        "filed": ("Archiviato in: {cats}", "Tag: {cats}", "Categorie: {cats}"),
        "more": ("Continua a leggere »", "Leggi tutto", "Leggi di più"),
        "comments": ("{n} commenti", "Lascia un commento", "Nessun commento"),
        "widgets": ("Articoli recenti", "Categorie", "Archivi", "Cerca"),
        "older": ("« Articoli meno recenti", "Articoli più recenti »", "Pagina 1 di {n}", "Successivo »"),
    },
    "nl": {
        "months": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
                   "november", "december"),
        "dates": ("{d} {month} {y}", "Geplaatst op {d} {month} {y}", "Door {author} · {d} {month} {y}", "{dd}-{mm}-{y}"),
        "headings": ("Blog", "Archief", "Nieuwste berichten", "Categorie: {cat}"),
        "intro": "Al onze berichten, de nieuwste eerst.",
        "cats": ("Reizen", "Koken", "Nieuws", "Algemeen", "Boeken", "Muziek"),
        "filed": ("Geplaatst in: {cats}", "Tags: {cats}", "Categorieën: {cats}"),
        "more": ("Lees verder »", "Verder lezen", "Lees meer"),
        "comments": ("{n} reacties", "Laat een reactie achter", "Geen reacties"),
        "widgets": ("Recente berichten", "Categorieën", "Archief", "Zoeken"),
        "older": ("« Oudere berichten", "Nieuwere berichten »", "Pagina 1 van {n}", "Volgende »"),
    },
    "pt": {
        "months": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
                   "novembro", "dezembro"),
        "dates": ("{d} de {month} de {y}", "Publicado em {d} de {month} de {y}", "Por {author} · {dd}/{mm}/{y}",
                  "{dd}/{mm}/{y}"),
        "headings": ("Blog", "Arquivo", "Últimas publicações", "Categoria: {cat}"),
        "intro": "Todas as nossas publicações, das mais recentes às mais antigas.",
        "cats": ("Viagens", "Culinária", "Notícias", "Sem categoria", "Livros", "Música"),
        "filed": ("Arquivado em: {cats}", "Etiquetas: {cats}", "Categorias: {cats}"),
        "more": ("Continuar lendo »", "Leia mais", "Ler mais"),
        "comments": ("{n} comentários", "Deixe um comentário", "Sem comentários"),
        "widgets": ("Posts recentes", "Categorias", "Arquivos", "Pesquisar"),
        "older": ("« Posts mais antigos", "Posts mais recentes »", "Página 1 de {n}", "Próximo »"),
    },
}


def _lang_of(name: str) -> str:
    """The language of a team document, from its file name's prefix (``de-…``); ``en`` for the
    genre prefixes (``bio-``, ``recipe-`` …), which are English."""
    prefix = name.split("-", 1)[0]
    return prefix if prefix in _ARCHIVE_WORDS else "en"


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

    def _noise(self, out, expected):
        """Things a page has that must never become lines, and a hidden promo that is a line of
        site chrome (the parser reads hidden elements and marks them)."""
        rng = self.rng
        if rng.random() < 0.5:
            out.append('<script>window.dataLayer=[{"page":"article","words":"Related Articles Follow us"}];</script>')
        if rng.random() < 0.3:
            promo = "Subscribe now and get 50% off your first month"
            out.append(f'<div style="display: none">{promo}</div>')
            expected.append((promo, self.chrome))
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

    # -- archive pages ------------------------------------------------------------------------
    def _date_line(self, day, out, expected):
        """The entry's date line (``author_meta``: the byline/dateline rule), in the archive's
        date format; an author's name is sometimes a link, the date sometimes a ``<time>``."""
        rng = self.rng
        words = _ARCHIVE_WORDS[self.lang]
        author = rng.choice(self.authors)
        values = {"d": str(day.day), "dd": f"{day.day:02d}", "mm": f"{day.month:02d}", "y": str(day.year),
                  "month": words["months"][day.month - 1]}
        text = self.date_format.format(author=author, **values)
        shown = {k: self._esc(v) for k, v in values.items()}
        name = self._esc(author)
        if rng.random() < 0.5:
            name = f'<a href="/author/{"-".join(author.lower().split())}" rel="author">{name}</a>'
        markup = self._esc(self.date_format).format(author=name, **shown)
        if self.date_style == "time":
            markup = f'<time datetime="{day.isoformat()}">{markup}</time>'
        if self.date_style == "small":
            out.append(f"<div{self._cls('meta')}><small>{markup}</small></div>")
        elif self.date_style == "p":
            out.append(f"<p{self._cls('meta')}>{markup}</p>")
        else:
            out.append(f"<div{self._cls('meta')}>{markup}</div>")
        expected.append((text, "author_meta"))

    def _entry_title(self, title, src, out, expected):
        """The entry's title: a heading that links to the entry (or a linked card heading)."""
        slug = "-".join(re.findall(r"\w+", title.lower())[:8]) or "post"
        link = f'<a href="/{slug}/" rel="bookmark">{self._esc(title)}</a>'
        cls = self._cls("title") if self.rng.random() < 0.6 else ""
        if self.title_style == "outer":
            out.append(f'<a href="/{slug}/"><h2{cls}>{self._esc(title)}</h2></a>')
        elif self.title_style == "div":
            out.append(f"<div{cls}>{link}</div>")
        else:
            out.append(f"<{self.title_style}{cls}>{link}</{self.title_style}>")
        expected.append((title, "body", src))

    def _entry_footer(self, out, expected):
        """After an entry: its category/tag line and a "Read more"/comments link (site chrome)."""
        rng = self.rng
        words = _ARCHIVE_WORDS[self.lang]
        if rng.random() < self.p_tags:
            cats = rng.sample(words["cats"], rng.randint(1, 3))
            lead, _, tail = self.filed.partition("{cats}")
            out.append(f"<div{self._cls('more')}>{self._esc(lead)}" + ", ".join(self._link(c) for c in cats)
                       + f"{self._esc(tail)}</div>")
            expected.append((lead + ", ".join(cats) + tail, self.chrome))
        links = []
        if self.more in ("read_more", "both"):
            links.append(self.more_text)
        if self.more in ("comments", "both") and rng.random() < 0.8:
            links.append(rng.choice(words["comments"]).format(n=rng.randint(1, 48)))
        if links and rng.random() < 0.5:  # in one block: "Read more » | 3 Comments" (the parser cuts
            # a block of nothing but links into one line per link, as it does a menu)
            out.append(f"<p{self._cls('more')}>" + " | ".join(f'<a href="#more">{self._esc(t)}</a>' for t in links) + "</p>")
            expected.extend((t, self.chrome) for t in links)
        else:
            for t in links:
                out.append(f'<div{self._cls("more")}><a href="#more">{self._esc(t)}</a></div>')
                expected.append((t, self.chrome))

    def _entry(self, e: int, doc: LabeledDocument, day, out, expected):
        """One entry of an archive: title link, date line, body (whole or the first paragraphs),
        the entry's junk or not, tag line and more/comments links, in a wrapper of its own."""
        rng = self.rng
        runs = _runs(doc)
        title = None
        for label, items in runs:
            if label == "body":
                if len(items[0][1]) < 150:
                    title = items.pop(0)
                break
        runs = [(label, items) for label, items in runs if items]
        tag = self._tag(rng.choice(("article", "article", "section")))
        out.append(f"<{tag}{self._cls('entry')}>")
        if self.date_first:
            self._date_line(day, out, expected)
        if title:
            self._entry_title(title[1], (e, title[0]), out, expected)
        if not self.date_first:
            self._date_line(day, out, expected)
        content = rng.random() < 0.6
        if content:
            out.append(f"<div{self._cls('content')}>")
        local: list[tuple] = []
        if self.excerpt:
            body = [item for label, items in runs if label == "body" for item in items]
            prose = [item for item in body if len(item[1]) >= 60] or body
            shown_items = prose[: rng.randint(1, 2)]
            for k, (idx, text) in enumerate(shown_items):
                if self.truncate and k == len(shown_items) - 1 and len(text) > 200:
                    cut = text[: rng.randint(100, 180)].rsplit(" ", 1)[0].rstrip(",;:")
                    shown = cut + rng.choice((" […]", "…", " ...", " [...]"))
                    out.append(self._paragraph(self._esc(shown)))
                    local.append((shown, "body"))
                else:
                    out.append(self._paragraph(self._inline_link(text)))
                    local.append((text, "body", idx))
        else:
            for label, items in runs:
                if label == "body":
                    self._body_run(items, out, local, False)
                elif label == "body*":
                    idx, text = items[0]
                    out.append(self._paragraph(self._esc(text)))
                    local.append((text, doc.labels[idx], idx))
                elif self.keep_junk:
                    self._junk(label, [t for _, t in items], out, local)
        expected.extend((t[0], t[1], (e, t[2])) if len(t) > 2 else t for t in local)
        if content:
            out.append("</div>")
        self._entry_footer(out, expected)
        out.append(f"</{tag}>")

    def _sidebar(self, out, expected, titles, day):
        """Site chrome beside the entries: recent posts (the site's own titles), categories,
        monthly archives, search."""
        rng = self.rng
        words = _ARCHIVE_WORDS[self.lang]
        tag = self._tag("aside")
        out.append(f"<{tag}{self._cls('sidebar')}>")
        for kind in rng.sample(("recent", "categories", "archives", "search"), rng.randint(1, 4)):
            head = words["widgets"][("recent", "categories", "archives", "search").index(kind)]
            if kind == "search":
                out.append(f'<form role="search"><input type="search" placeholder="…"><button>{self._esc(head)}</button></form>')
                expected.append((head, self.chrome))
                continue
            h = rng.choice(("h3", "h4", "h2", "div"))
            out.append(f"<div{self._cls('sidebar')}><{h}>{self._esc(head)}</{h}><ul>")
            expected.append((head, self.chrome))
            if kind == "recent":
                items = titles[: rng.randint(3, 8)]
            elif kind == "categories":
                items = rng.sample(words["cats"], rng.randint(3, len(words["cats"])))
                if rng.random() < 0.5:
                    items = [f"{c} ({rng.randint(1, 60)})" for c in items]
            else:
                y, m = day.year, day.month
                items = []
                for _ in range(rng.randint(3, 12)):
                    month = words["months"][m - 1]
                    items.append(f"{month[0].upper()}{month[1:]} {y}")
                    y, m = (y, m - 1) if m > 1 else (y - 1, 12)
            for it in items:
                out.append(f"<li>{self._link(it)}</li>")
                expected.append((it, self.chrome))
            out.append("</ul></div>")
        out.append(f"</{tag}>")

    def _pagination(self, out, expected):
        rng = self.rng
        older, newer, page_of, next_ = _ARCHIVE_WORDS[self.lang]["older"]
        style = rng.choice(("older", "pair", "numbers", "page_of"))
        if style == "older":
            out.append(f"<div{self._cls('pagination')}>{self._link(older)}</div>")
            expected.append((older, self.chrome))
        elif style == "pair":
            tag = self._tag("nav")
            out.append(f"<{tag}{self._cls('pagination')}><ul><li>{self._link(older)}</li><li>{self._link(newer)}</li></ul></{tag}>")
            expected.extend([(older, self.chrome), (newer, self.chrome)])
        else:
            n = rng.randint(3, 60)
            if style == "numbers":
                shown = ["1", "2", "3", "…", str(n), next_]
                html = " ".join(f"<span>{s}</span>" if s in ("1", "…") else self._link(s) for s in shown)
            else:
                shown = [page_of.format(n=n), next_]
                html = f"<span>{self._esc(shown[0])}</span> {self._link(next_)}"
            out.append(f"<div{self._cls('pagination')}>{html}</div>")
            expected.append((" ".join(shown), self.chrome))

    def render_archive(self, docs: Sequence[LabeledDocument]) -> tuple[str, list[tuple]]:
        """HTML of a blog home or archive page showing ``docs`` one after another, and the lines
        parsing it must give: ``(text, label[, (entry, source line)])``.

        Why: on a long page, prose late on the page is often user comments, and a model that
        only ever saw one article per page learns "late prose on a big page is boilerplate" and
        empties archive pages, where every entry is body. Here every entry keeps its labels
        (title link: body, its own title; date line: author_meta), and the site's chrome
        (sidebar of recent posts, "Filed under", "Read more", comment counts, pagination) is
        ``chrome_label``. The layout varies per page, as in :meth:`render`.
        """
        if not docs:
            raise CorpusError("an archive page needs at least one document; got none.")
        rng = self.rng
        self._draw_layout()
        site = rng.choice(_SITES)
        self.lang = _lang_of(docs[0].name)
        words = _ARCHIVE_WORDS[self.lang]
        # This archive's own style, the same for all of its entries, as a blog theme would have it.
        self.date_first = rng.random() < 0.35
        self.excerpt = rng.random() < 0.35
        self.truncate = self.excerpt and rng.random() < 0.4
        self.keep_junk = rng.random() < 0.5
        self.p_tags = rng.choice((0.0, 0.5, 1.0, 1.0))
        self.more = rng.choice(("read_more", "both") if self.excerpt else ("none", "read_more", "comments", "both"))
        self.more_text = rng.choice(words["more"])
        self.filed = rng.choice(words["filed"])
        self.authors = rng.sample(_AUTHORS, rng.randint(1, 3))
        self.date_format = rng.choice(words["dates"])
        self.date_style = rng.choice(("meta", "p", "small", "time"))
        self.title_style = rng.choice(("h2", "h2", "h1", "h3", "div", "outer"))
        sidebar = rng.choice((None, "before", "after", "after"))
        day = datetime.date(rng.randint(2012, 2025), rng.randint(1, 12), rng.randint(1, 28))
        days = [day]
        for _ in docs[1:]:
            days.append(days[-1] - datetime.timedelta(days=rng.randint(1, 21)))
        titles = []
        for doc in docs:
            first = next((t for t, lab in zip(doc.lines, doc.labels) if lab == "body"), None)
            if first and len(first) < 150:
                titles.append(first)

        out: list[str] = []
        expected: list[tuple] = []
        if rng.random() < 0.15:
            self._chrome_cookie(out, expected)
        if self.skeleton != "fragment":
            out.append(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{self._esc(site)}</title></head><body>")
        out.append(f"<div{self._cls('page')}>")
        if rng.random() < 0.7:
            header = self._tag("header")
            out.append(f"<{header}{self._cls('nav')}><div>{self._link(site)}</div></{header}>")
            expected.append((site, self.chrome))
        if rng.random() < 0.7:
            self._chrome_nav(out, expected)
        self._noise(out, expected)
        if self.skeleton == "table":
            out.append("<table><tr><td>")
        if sidebar == "before":
            self._sidebar(out, expected, titles, day)
            if self.skeleton == "table":
                out.append("</td><td>")
        main = self._tag("main")
        out.append(f"<{main}{self._cls('content')}>")
        if rng.random() < 0.5:
            heading = rng.choice(words["headings"]).format(month=words["months"][day.month - 1], y=day.year,
                                                           cat=rng.choice(words["cats"]))
            out.append(f"<h1>{self._esc(heading)}</h1>")
            expected.append((heading, "body"))
            if rng.random() < 0.3:
                out.append(f"<p>{self._esc(words['intro'])}</p>")
                expected.append((words["intro"], "body"))
        for e, (doc, when) in enumerate(zip(docs, days)):
            self._entry(e, doc, when, out, expected)
        if rng.random() < 0.7:
            self._pagination(out, expected)
        out.append(f"</{main}>")
        if sidebar == "after":
            if self.skeleton == "table":
                out.append("</td><td>")
            self._sidebar(out, expected, titles, day)
        if self.skeleton == "table":
            out.append("</td></tr></table>")
        if rng.random() < 0.15:
            self._chrome_newsletter(out, expected)
        if rng.random() < 0.8:
            self._chrome_footer(out, expected, site)
        out.append("</div>")
        if self.skeleton != "fragment":
            out.append("</body></html>")
        return "\n".join(out), expected

    # -- whole page ---------------------------------------------------------------------------
    def _draw_layout(self) -> None:
        """The page's markup style: semantic tags or not, class hints, skeleton, page builder,
        paragraph element."""
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

    def render(self, doc: LabeledDocument) -> tuple[str, list[tuple]]:
        """HTML for ``doc`` and the lines parsing it must give: ``(text, label[, source line])``."""
        rng = self.rng
        self._draw_layout()
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
        self._noise(out, expected)
        if self.skeleton == "table":
            out.append("<table><tr><td>")
        main = self._tag(rng.choice(("article", "main")))
        out.append(f"<{main}{self._cls('content')}>")

        runs = _runs(doc)
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


def _runs(doc: LabeledDocument) -> list[tuple[str, list[tuple[int, str]]]]:
    """The document's non-blank lines grouped into runs: body lines, or junk of one label; a
    glued line (one with split points) is a run of its own, ``body*``, rendered as one paragraph
    that keeps its split labels."""
    runs: list[tuple[str, list]] = []
    for i, (text, label) in enumerate(zip(doc.lines, doc.labels)):
        if label == BLANK:
            continue
        if i in doc.splits:
            label = "body*"
        if runs and runs[-1][0] == label and label != "body*":
            runs[-1][1].append((i, text))
        else:
            runs.append((label, [(i, text)]))
    return runs


def _norm(s: str) -> str:
    return " ".join(s.split())


def _match_page(name: str, html: str, expected: list[tuple], splits_of) -> tuple[list[str], list[str], dict, list]:
    """Parse ``html`` with the core's parser and label its lines from ``expected``, in order.

    ``splits_of(source)`` gives the split points of the source line an expected row names (its
    third element), or None. Any line the parser cuts or joins otherwise than expected raises
    :class:`CorpusError`: the training page must be what serving would read."""
    page_text, contexts, _ = _core.parse_html(html)
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
            raise CorpusError(f"{name}: rendered page line {n} {line[:60]!r} does not match expected {want[:60]!r}.")
        text, label, *src = expected[k]
        labels.append(label)
        if src and _norm(text) == text:
            parts = splits_of(src[0])
            if parts:
                splits[n] = parts
        k += 1
    if k != len(expected):
        raise CorpusError(f"{name}: rendered page lost {len(expected) - k} line(s), first {expected[k][0][:60]!r}.")
    return lines, labels, splits, contexts[: len(lines)]


def render_document(doc: LabeledDocument, renderer: PageRenderer, tag: str) -> LabeledDocument:
    """One rendered page as a labeled document whose lines are the page's extracted lines."""
    html, expected = renderer.render(doc)
    lines, labels, splits, contexts = _match_page(doc.name, html, expected, doc.splits.get)
    return LabeledDocument(f"{doc.name}~{tag}", lines, labels, splits, doc.group or doc.name, html=html,
                           contexts=contexts)


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


def render_archive(docs: Sequence[LabeledDocument], renderer: PageRenderer, name: str,
                   group: str | None = None) -> LabeledDocument:
    """One archive page of ``docs`` (see :meth:`PageRenderer.render_archive`) as a labeled
    document whose lines are the page's extracted lines, checked like :func:`render_document`."""
    html, expected = renderer.render_archive(docs)
    lines, labels, splits, contexts = _match_page(name, html, expected, lambda src: docs[src[0]].splits.get(src[1]))
    return LabeledDocument(name, lines, labels, splits, group or name, html=html, contexts=contexts)


ARCHIVE_EVERY = 40  # about one archive page per this many (augmented) documents
ARCHIVE_ENTRIES = (6, 60)  # entries per archive page, at most the documents of its cluster


def render_archives(docs: Sequence[LabeledDocument], every: int = ARCHIVE_EVERY, seed: int = 0,
                    chrome_label: str = CHROME_LABEL,
                    entries: tuple[int, int] = ARCHIVE_ENTRIES) -> tuple[list[LabeledDocument], dict[str, str]]:
    """Archive pages (many entries on one page) built from ``docs``, about one per ``every``
    documents, and the group each source group must take so that grouped folds stay honest.

    An archive shows several source documents on one page, and a page has one group, so the
    sources of a page must share a group, or the page could be scored in a fold whose training
    half holds the same text (the entries' own variants and pages). So the source groups are
    partitioned, per language (an archive is one site's, in one language), into clusters of
    ``entries`` sizes (at most half of the language's sources, so that a language is never one
    group, which would hold all of it out of every fold at once), each cluster's archives draw
    their entries only from it (one variant of each source, in a seeded order), and every
    document of a cluster's sources, the archives included, takes the cluster's group: the
    returned mapping, old group -> new group, which the caller applies to the other documents
    (:func:`textsieve.training.train.build_training_set` does). The new group is the cluster's
    first source group, a name the training report already maps to a language. A language with
    fewer than twice ``entries[0]`` sources gets no archive and keeps its groups; fewer than
    ``every`` documents in all give no archive and change no group.
    """
    n_pages = len(docs) // every if every else 0
    if n_pages == 0:
        return [], {}
    rng = random.Random(seed * 104729 + 17)
    by_group: dict[str, list[LabeledDocument]] = {}
    for doc in docs:
        by_group.setdefault(doc.group or doc.name, []).append(doc)
    by_lang: dict[str, list[str]] = {}
    for group, members in by_group.items():
        by_lang.setdefault(_lang_of(members[0].name), []).append(group)
    low, high = entries
    clusters: list[list[str]] = []
    for lang in sorted(by_lang):
        groups = by_lang[lang]
        if len(groups) < 2 * low:
            continue
        rng.shuffle(groups)
        cap = min(high, len(groups) // 2)
        sizes: list[int] = []
        left = len(groups)
        while left > 0:
            sizes.append(min(rng.randint(low, cap), left))
            left -= sizes[-1]
        if sizes[-1] < low:  # a short tail joins the cluster before it
            sizes[-2] += sizes.pop()
        for size in sizes:
            clusters.append(groups[:size])
            groups = groups[size:]
    regroup = {g: cluster[0] for cluster in clusters for g in cluster}
    total = sum(len(by_group[g]) for g in regroup)
    pages: list[LabeledDocument] = []
    for cluster in clusters:
        size = sum(len(by_group[g]) for g in cluster)
        for _ in range(max(1, round(n_pages * size / total))):
            count = rng.randint(low, min(high, len(cluster)))
            members = [rng.choice(by_group[g]) for g in rng.sample(cluster, count)]
            n = len(pages)
            renderer = PageRenderer(seed=seed * 7919 + 500_009 + n, chrome_label=chrome_label)
            name = f"{_lang_of(members[0].name)}-archive-{n:03d}~html"
            pages.append(render_archive(members, renderer, name, group=cluster[0]))
    return pages, regroup
