"""Invented article texts for tests (no real outlet, person or event)."""

ARTICLE_A = """Ministry rejects claims of gas attack in Port Calder

The Interior Ministry of Veskaria on Tuesday rejected allegations that its helicopters dropped chlorine on the Lowmarket quarter of Port Calder, calling them baseless fabrications.

Rescue workers said at least 14 people were killed, including five children, according to the Calder Medical Relief network.

The ministry said the so-called rescuers were staging the scene for foreign cameras."""

ARTICLE_B = """Shelling hits market in Drennick

Artillery shells struck the central market of Drennick on Sunday, killing nine civilians, a local monitoring group said.

The army denied any role and blamed armed groups operating north of the town."""

ARTICLE_C = """Aid convoy reaches Ostrava Hills

A convoy of twelve trucks carrying food and medicine reached the besieged villages of the Ostrava Hills on Friday, the regional relief office said.

Officials said further deliveries depend on safe passage being guaranteed by all sides."""

HTML_PAGE = """<!doctype html>
<html><head><title>Inspectors arrive in Port Calder | Veskaria Ledger</title>
<meta property="og:site_name" content="Veskaria Ledger">
<meta name="author" content="Mara Ilvens">
<meta property="article:published_time" content="2021-05-06T09:30:00Z">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article>
<h1>Inspectors arrive in Port Calder</h1>
<p>A team from the Joint Verification Mission arrived in Port Calder on Thursday to examine the site of the alleged chlorine attack, the mission said in a statement.</p>
<p>The government said it was ready to cooperate fully with the inspectors and would grant access to every site they requested.</p>
<p>Opposition groups said the visit came too late, arguing that evidence had already been removed from the Lowmarket quarter.</p>
</article>
<footer>Copyright Veskaria Ledger</footer>
</body></html>"""


def feed_xml(links: list[tuple[str, str]]) -> str:
    items = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>Thu, 06 May 2021 09:30:00 GMT</pubDate></item>"
        for title, link in links
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Veskaria Ledger</title><link>https://ledger.example/</link>
<description>News</description>{items}</channel></rss>"""


# A tiny claim-retrieval collection in the layout of CheckThat! 2020 Task 2 (v3.zip), for smoke
# runs of the training scripts that read it (embeddings, reranker). Every line is invented.
RETRIEVAL_CLAIMS = [
    ("Veskaria banned bicycles in Port Calder.", "Bicycle ban in Veskaria"),
    ("The Drennick dam burst and flooded the old town.", "Drennick flood"),
    ("Ostrava Hills schools will close for a month because of snow.", "Snow closes schools"),
    ("A Veskarian minister said the moon landing was filmed in Lowmarket.", "Moon landing claim"),
    ("Port Calder's harbour was sold to a foreign company for one euro.", "Harbour sale"),
    ("Drinking hot water cures the Lowmarket fever, says a viral post.", "Hot water cure"),
    ("The Veskarian national football team was disqualified for doping.", "Football doping"),
    ("Drennick's mayor resigned after a scandal over parking fines.", "Mayor resigns"),
]
RETRIEVAL_TWEETS = [  # (tweet, index of the claim it matches)
    ("Unbelievable, no more bikes in Port Calder?! Veskaria gone mad", 0),
    ("Old town of Drennick under water after the dam gave way", 1),
    ("Kids in the Ostrava Hills get a month off school thanks to the snow", 2),
    ("Minister claims moon landing was shot in Lowmarket lol", 3),
    ("They sold Port Calder harbour for ONE euro", 4),
    ("Just drink hot water and the Lowmarket fever is gone", 5),
]


def claim_retrieval_zip(path):
    """Write the invented collection as a v3.zip (train: every tweet, dev: the first three)."""
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("v3.0/verified_claims.docs.tsv", "\tvclaim\ttitle\n" + "".join(
            f"vc{i}\t{text}\t{title}\n" for i, (text, title) in enumerate(RETRIEVAL_CLAIMS)))
        for split, rows in (("train", RETRIEVAL_TWEETS), ("dev", RETRIEVAL_TWEETS[:3])):
            zf.writestr(f"v3.0/{split}/tweets.queries.tsv",
                        "\ttweet_content\n" + "".join(f"{i + 1}\t{text}\n" for i, (text, _) in enumerate(rows)))
            zf.writestr(f"v3.0/{split}/tweet-vclaim-pairs.qrels",
                        "".join(f"{i + 1}\t0\tvc{doc}\t1\n" for i, (_, doc) in enumerate(rows)))
    return path
