"""Generate pages/15-big-archive.html (about 2.5 MB) and its gold pages/15-big-archive.body.txt.

    python benchmarks/html/make_big_archive.py

A long single-page archive of an allotment diary: ~1,000 entries, each with a title, a date
line and a few paragraphs built from varied sentence templates, wrapped in realistic chrome
(per-entry tags, "Read more" and comment links, photo captions, ad slots, "You might also
enjoy" boxes that repeat other entries' titles, a huge month-archive sidebar, inline scripts,
hidden draft entries). Deterministic: the same seed always gives the same bytes.

Gold (body) lines: the page <h1>, the intro paragraph, and for every visible entry its title,
date line, paragraphs, list items and quotes. Everything else is chrome.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "pages"
N_ENTRIES = 1000
SEED = 20240315

CROPS = ["broad beans", "early potatoes", "maincrop potatoes", "onion sets", "garlic", "leeks", "parsnips",
         "carrots", "beetroot", "runner beans", "French beans", "courgettes", "squash", "sweetcorn", "tomatoes",
         "purple sprouting broccoli", "kale", "cabbages", "chard", "spinach", "lettuces", "radishes",
         "raspberries", "gooseberries", "rhubarb", "strawberries", "blackcurrants", "peas", "celeriac", "shallots"]
PESTS = ["slugs", "pigeons", "blackfly", "carrot fly", "cabbage white caterpillars", "mice", "a family of rabbits",
         "wireworm", "the resident badger", "flea beetle"]
WEATHER = ["a hard frost", "three days of rain", "a proper heatwave", "a gale from the west", "thick fog",
           "a dry, bright spell", "a week of drizzle", "a freak hailstorm", "an unseasonably warm weekend",
           "a sharp north wind"]
NEIGHBOURS = ["Maureen on plot 14", "old Stan", "the Kowalczyk family", "Deepa two plots down", "the new couple by the gate",
              "Bill the site secretary", "Priya and her twins", "Geoff with the enormous greenhouse"]
TOOLS = ["the long-handled hoe", "my grandfather's fork", "the wheelbarrow with the slow puncture", "a borrowed rotavator",
         "the trusty old dibber", "a brand-new pair of secateurs", "the leaky watering can"]
TASKS = ["turned the compost heaps", "cleared the bean trenches", "netted the brassicas", "weeded the onion bed",
         "mulched the fruit bushes", "sowed a row of green manure", "repaired the shed roof", "tied in the tomatoes",
         "lifted and divided the rhubarb", "earthed up the potatoes", "pruned the raspberries", "edged the paths"]
FEELINGS = ["quietly pleased", "slightly defeated", "thoroughly soaked", "more optimistic than I should be",
            "sunburnt and happy", "cold to the bone", "surprisingly cheerful", "ready for a cup of tea"]

SENTENCES = [
    "I got down to the plot early on {day} and {task} before anyone else arrived.",
    "After {weather} the {crop} are looking {state}.",
    "{Neighbour} stopped by to compare notes on {crop2} and left me with a bag of seed.",
    "The {crop} went in on {day}, about a fortnight later than last year.",
    "I spent most of the afternoon with {tool}, and by the end I had {task}.",
    "{Pest} have found the {crop} again, so the netting is going back on tomorrow.",
    "There is something very satisfying about a bed of {crop} that has finally come good.",
    "I am still not sure whether the {crop} will recover from {weather}, but I have decided to give them another week.",
    "By the time the light went I was {feeling}.",
    "{Neighbour} swears by coffee grounds for {crop}, and I am beginning to think they have a point.",
    "Harvested the first {crop} of the year today, which always feels like a small miracle.",
    "The water butts are {water}, which is never a good sign at this time of year.",
    "I moved the {crop} to the bed by the hedge, where they should get a little more shelter.",
    "Note to self: sow fewer {crop} next year and more {crop2}.",
    "The site committee met on {day} and spent an hour arguing about the skip again.",
    "Half the {crop2} bolted in the warm spell, so I pulled them up and sowed again.",
    "It was {weather} all week, so nothing much got done apart from a little tidying in the shed.",
    "{Neighbour} brought round a slice of cake, and we ate it sitting on upturned buckets.",
    "The robin followed me up and down the bed all morning, waiting for worms.",
    "I dug up the last of the {crop} and stored them in paper sacks in the shed.",
    "The seed catalogue arrived, and I have already circled far too many {crop2}.",
    "There was a heron on the pond at the bottom of the site, which made everyone stop work to watch.",
    "The compost is finally ready, dark and crumbly, and I spread two barrowloads on the {crop} bed.",
    "I lost the {crop} to {pest}, which is a lesson I seem to learn every single year.",
]
STATES = ["better than I expected", "sorry for themselves", "strong and upright", "a bit battered but alive",
          "surprisingly lush", "yellow at the edges", "ready to pick"]
WATER = ["almost empty", "overflowing", "green with algae", "frozen solid", "half full"]
DAYS = ["Saturday", "Sunday", "Monday evening", "Wednesday afternoon", "Friday", "the bank holiday"]

TITLE_TEMPLATES = [
    "{Crop} and {weather}", "A good week for {crop}", "{Pest} strike again", "Notes from a {adj} {day}",
    "What I learned from the {crop}", "The {crop} experiment, part {n}", "{Neighbour_short}'s advice",
    "Back on the plot after {weather}", "First {crop} of the year", "Planning next year's {crop}",
    "A {adj} afternoon with {tool_short}", "Compost, {crop} and cake",
]
ADJ = ["muddy", "bright", "grey", "windy", "quiet", "busy", "freezing", "glorious", "soggy"]
NEIGHBOUR_SHORT = ["Maureen", "Stan", "Deepa", "Bill", "Priya", "Geoff"]
TOOL_SHORT = ["the hoe", "the rotavator", "the wheelbarrow", "new secateurs", "the dibber"]
QUOTES = [
    "Plant in the dust and the crop will bust.",
    "One year's seeding means seven years' weeding.",
    "Sow beans when the elm leaves are as big as a farthing.",
    "Never trust a warm March.",
]
CAPTIONS = ["The {crop} bed in {month}, before the weeding started.", "{Crop} drying on the shed bench.",
            "View from the gate after {weather}.", "{Neighbour}'s prize {crop2}, photographed with permission."]
CATEGORIES = ["Vegetables", "Fruit", "Weather", "Wildlife", "Site news", "Compost", "Tools", "Seeds"]


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def fill(rng: random.Random, template: str, day: dt.date) -> str:
    crop, crop2 = rng.sample(CROPS, 2)
    vals = {
        "crop": crop, "crop2": crop2, "Crop": cap(crop), "weather": rng.choice(WEATHER),
        "pest": rng.choice(PESTS), "Pest": cap(rng.choice(PESTS)), "neighbour": rng.choice(NEIGHBOURS),
        "Neighbour": cap(rng.choice(NEIGHBOURS)), "tool": rng.choice(TOOLS), "task": rng.choice(TASKS),
        "feeling": rng.choice(FEELINGS), "state": rng.choice(STATES), "water": rng.choice(WATER),
        "day": rng.choice(DAYS), "adj": rng.choice(ADJ), "n": rng.randint(2, 5),
        "Neighbour_short": rng.choice(NEIGHBOUR_SHORT), "tool_short": rng.choice(TOOL_SHORT),
        "month": day.strftime("%B"),
    }
    return template.format(**vals)


def paragraph(rng: random.Random, day: dt.date) -> str:
    return " ".join(fill(rng, t, day) for t in rng.sample(SENTENCES, rng.randint(3, 7)))


def esc(s: str) -> str:
    # vary the escaping a little, as real CMS output does
    out = html.escape(s, quote=False)
    return out.replace("'", "&#8217;") if len(s) % 3 == 0 else out.replace("'", "\u2019")


def gold_text(s: str) -> str:
    return s.replace("'", "\u2019")


def build() -> tuple[str, list[str]]:
    rng = random.Random(SEED)
    gold: list[str] = []
    parts: list[str] = []
    entries = []
    day = dt.date(2009, 3, 1)
    for i in range(N_ENTRIES):
        day += dt.timedelta(days=rng.choice([4, 5, 5, 6]))
        title = fill(rng, rng.choice(TITLE_TEMPLATES), day)
        entries.append((i, day, title))

    h1 = "The Plot Thickens: every diary entry, 2009 to 2022"
    intro = ("This page lists every entry from the diary in one place, oldest first. It is long, so use your "
             "browser's search to find a particular crop or year. Photographs are not included here; open an entry "
             "to see its pictures.")
    parts.append("""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Complete archive | The Plot Thickens &ndash; an allotment diary</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/theme/plot.css?v=31">
<style>
.entry{border-bottom:1px dotted #b9b29f;padding:1.5em 0}.entry-date{color:#7d7461;font-size:.9em}
.entry-tags,.entry-actions{font-size:.8em;color:#8c8470}.ad-slot{background:#f2efe6;text-align:center;padding:2em;font-size:.7em}
.also{background:#fbf8ef;border-left:4px solid #8aa05a;padding:.5em 1em}.sidebar{font-size:.85em}
</style>
<script>window.plotConfig={"page":"archive","entries":%d,"theme":"allotment-2","lazyImages":true};</script>
</head>
<body class="archive full-archive">
<a class="skip" href="#archive">Skip to the archive</a>
<header class="site-header"><p class="site-name"><a href="/">The Plot Thickens</a></p><p class="tagline">An allotment diary from plot 23, Hollins Lane</p>
<nav><ul><li><a href="/">Latest</a></li><li><a href="/archive/" aria-current="page">Archive</a></li><li><a href="/plot-plan/">Plot plan</a></li><li><a href="/seed-list/">Seed list</a></li><li><a href="/about/">About</a></li></ul></nav></header>
<div class="cookie-note" role="region">This site uses one cookie to remember that you have seen this message. <button>OK</button></div>
<main id="archive">
<h1>%s</h1>
<p class="archive-intro">%s</p>
""" % (N_ENTRIES, esc(h1), esc(intro)))
    gold += [h1, gold_text(intro)]

    for i, day, title in entries:
        date_line = day.strftime("%A ") + str(day.day) + day.strftime(" %B %Y")
        slug = f"/{day.year}/{day.month:02d}/entry-{i + 1}/"
        hidden_draft = i % 97 == 45
        if hidden_draft:
            style = ' style="display:none"' if i % 2 else ' hidden'
            parts.append(f'<article class="entry entry-draft"{style}><h2>{esc(title)} (draft)</h2>'
                         f'<p>{esc(paragraph(rng, day))}</p></article>\n')
            continue
        parts.append(f'<article class="entry" id="entry-{i + 1}">\n<h2 class="entry-title"><a href="{slug}">{esc(title)}</a></h2>\n'
                     f'<p class="entry-date"><time datetime="{day.isoformat()}">{date_line}</time></p>\n')
        gold.append(gold_text(title))  # the entry's date line is a dateline: author_meta, not body (issue 12)
        if i % 7 == 3:
            cap_text = fill(rng, rng.choice(CAPTIONS), day)
            parts.append(f'<figure class="entry-photo"><img src="/photos/{day.year}/{i + 1}.jpg" alt="" loading="lazy" width="640" height="427">'
                         f'<figcaption>{esc(cap_text)}</figcaption></figure>\n')
        parts.append('<div class="entry-content">\n')
        n_par = rng.randint(2, 5)
        for k in range(n_par):
            para = paragraph(rng, day)
            parts.append(f"<p>{esc(para)}</p>\n")
            gold.append(gold_text(para))
            if k == 0 and i % 11 == 5:
                items = [cap(t) for t in rng.sample(TASKS, 3)]
                parts.append('<ul class="jobs">' + "".join(f"<li>{esc(x)}</li>" for x in items) + "</ul>\n")
                gold += [gold_text(x) for x in items]
            if k == 1 and i % 17 == 8:
                q = rng.choice(QUOTES)
                parts.append(f"<blockquote><p>{esc(q)}</p></blockquote>\n")
                gold.append(gold_text(q))
        parts.append("</div>\n")
        cats = rng.sample(CATEGORIES, 2)
        tags = rng.sample(CROPS, 2)
        parts.append(f'<p class="entry-tags">Filed under <a href="/category/{cats[0].lower().replace(" ", "-")}/">{cats[0]}</a>, '
                     f'<a href="/category/{cats[1].lower().replace(" ", "-")}/">{cats[1]}</a> &middot; Tagged '
                     f'<a href="/tag/{tags[0].replace(" ", "-")}/">{tags[0]}</a>, <a href="/tag/{tags[1].replace(" ", "-")}/">{tags[1]}</a></p>\n'
                     f'<div class="entry-actions"><a href="{slug}">Read more &raquo;</a> <a href="{slug}#comments">{rng.randint(0, 23)} comments</a> '
                     f'<a href="#" class="share">Share</a></div>\n</article>\n')
        if i % 25 == 24:
            parts.append('<!-- ad slot: archive-inline -->\n<aside class="ad-slot" data-slot="archive-inline"><span>Advertisement</span></aside>\n')
        if i % 40 == 30:
            picks = rng.sample(entries, 3)
            parts.append('<div class="also"><h3>You might also enjoy</h3><ul>' +
                         "".join(f'<li><a href="/{d.year}/{d.month:02d}/entry-{j + 1}/">{esc(t)}</a></li>' for j, d, t in picks) +
                         "</ul></div>\n")

    parts.append('</main>\n<nav class="pagination"><span class="current">All entries on one page</span> '
                 '<a href="/archive/page/1/">View 20 per page</a></nav>\n')
    # sidebar: month archive with counts, tag cloud
    parts.append('<aside class="sidebar"><section><h2>About the plot</h2><p>A 250 square metre allotment on heavy clay, '
                 'worked since 2009 by one stubborn gardener and occasionally her children.</p></section>\n'
                 '<section><h2>Browse by month</h2><ul>')
    months: dict[tuple[int, int], int] = {}
    for _, d, _ in entries:
        months[(d.year, d.month)] = months.get((d.year, d.month), 0) + 1
    for (y, m), c in sorted(months.items(), reverse=True):
        parts.append(f'<li><a href="/{y}/{m:02d}/">{dt.date(y, m, 1).strftime("%B")} {y}</a> ({c})</li>')
    parts.append('</ul></section>\n<section><h2>Tags</h2><p class="tagcloud">' +
                 " ".join(f'<a href="/tag/{c.replace(" ", "-")}/">{c}</a>' for c in CROPS) + "</p></section></aside>\n")
    parts.append('<footer class="site-footer"><p>&copy; 2009&ndash;2023 The Plot Thickens. Words and pictures by the plot-holder of plot 23.</p>'
                 '<p><a href="/privacy/">Privacy</a> &middot; <a href="/feed/">RSS feed</a> &middot; <a href="/contact/">Contact</a></p></footer>\n')
    index = [{"id": i + 1, "d": d.isoformat(), "t": t} for i, d, t in entries]
    parts.append('<script type="application/json" id="archive-index">' + json.dumps(index, separators=(",", ":")) + "</script>\n")
    parts.append("<script>document.querySelectorAll('.entry-actions .share').forEach(function(a){a.addEventListener('click',function(e){e.preventDefault();navigator.share&&navigator.share({url:a.parentNode.querySelector('a').href});});});</script>\n")
    parts.append("</body>\n</html>\n")
    return "".join(parts), gold


def main() -> None:
    page, gold = build()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "15-big-archive.html").write_text(page, encoding="utf-8")
    (OUT / "15-big-archive.body.txt").write_text("\n".join(gold) + "\n", encoding="utf-8")
    print(f"15-big-archive.html: {len(page.encode('utf-8')) / 1e6:.2f} MB, {len(gold)} gold lines")


if __name__ == "__main__":
    main()
