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
