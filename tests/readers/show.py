"""What a feed reader shows of each item, as one JSON object per line.

    python show.py feedparser URL...      feedparser.parse on each URL
    python show.py newsboat URL...        newsboat subscribed to the URLs, reloaded headless
    python show.py newsboat --opml FILE   newsboat after importing an OPML file
    python show.py sfeed URL...           curl | sfeed, as sfeed_update does

Each line: {"feed", "id", "title", "date" (Unix seconds or null), "link", "author",
"categories" (list, or null when the reader keeps none), "text"}. "text" is the content as the
reader holds it with the markup taken out and references decoded once, as a person would read
it; a paragraph or heading ends with a newline. Runs under the Python that has feedparser
installed (the tests' venv); newsboat, sfeed and curl come from the system.
"""

import calendar
import html.parser
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "br", "blockquote"}


class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")


def text_of(markup):
    parser = Text()
    parser.feed(markup or "")
    parser.close()
    return "".join(parser.parts)


def emit(**item):
    print(json.dumps(item, ensure_ascii=False), flush=True)


def feedparser_items(urls):
    import feedparser

    for url in urls:
        parsed = feedparser.parse(url)
        if parsed.bozo:
            print(f"feedparser: {url}: {parsed.bozo_exception}", file=sys.stderr)
            sys.exit(1)
        for entry in parsed.entries:
            date = entry.get("published_parsed") or entry.get("updated_parsed")
            content = entry.get("content")
            body = content[0].value if content else entry.get("summary", "")
            emit(
                feed=url,
                id=entry.get("id"),
                title=entry.get("title"),
                date=calendar.timegm(date) if date else None,
                link=entry.get("link"),
                author=entry.get("author"),
                categories=[t.term for t in entry.get("tags", [])],
                text=text_of(body),
            )


NEWSBOAT_CONFIG = "show-read-articles yes\nconfirm-exit no\n"


def newsboat_items(urls, opml):
    with tempfile.TemporaryDirectory(prefix="newsboat-") as home:
        env = dict(os.environ, HOME=home, TZ="UTC")
        files = ["-u", f"{home}/urls", "-c", f"{home}/cache.db", "-C", f"{home}/config"]
        with open(f"{home}/config", "w") as f:
            f.write(NEWSBOAT_CONFIG)
        if opml:
            open(f"{home}/urls", "w").close()
            subprocess.run(["newsboat", "-i", opml, *files], env=env, check=True,
                           capture_output=True, timeout=120)
            with open(f"{home}/urls") as f:
                urls = [line.split()[0].strip('"') for line in f if line.strip()]
        else:
            with open(f"{home}/urls", "w") as f:
                f.write("".join(u + "\n" for u in urls))
        subprocess.run(["newsboat", "-x", "reload", *files], env=env, check=True,
                       capture_output=True, timeout=300)
        db = sqlite3.connect(f"{home}/cache.db")
        for url in urls:
            rows = db.execute(
                "select guid, title, author, url, pubDate, content from rss_item "
                "where feedurl = ? and deleted = 0", (url,)).fetchall()
            if not rows:
                # What newsboat says of a feed with no items, so a test shows it plainly.
                emit(feed=url, id=None, title=None, date=None, link=None, author=None,
                     categories=None, text="feed contains no items!")
            for guid, title, author, link, pub, content in rows:
                emit(feed=url, id=guid, title=title, date=pub or None, link=link,
                     author=author, categories=None, text=text_of(content))
        db.close()


def sfeed_field(value):
    return value.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")


def sfeed_items(urls):
    for url in urls:
        body = subprocess.run(["curl", "-sSf", url], check=True, capture_output=True,
                              timeout=60).stdout
        out = subprocess.run(["sfeed", url], input=body, check=True, capture_output=True,
                             timeout=60).stdout.decode("utf-8")
        for line in out.split("\n"):
            if not line:
                continue
            fields = line.split("\t") + [""] * 9
            stamp, title, link, content, kind, id_, author, _enclosure, category = fields[:9]
            content = sfeed_field(content)
            emit(feed=url, id=id_, title=title, date=int(stamp) if stamp else None,
                 link=link, author=author,
                 categories=category.split("|") if category else [],
                 text=text_of(content) if kind == "html" else content)


def main(args):
    reader, rest = args[0], args[1:]
    if reader == "feedparser":
        feedparser_items(rest)
    elif reader == "newsboat":
        if rest[:1] == ["--opml"]:
            newsboat_items([], rest[1])
        else:
            newsboat_items(rest, None)
    elif reader == "sfeed":
        sfeed_items(rest)
    else:
        sys.exit(f"unknown reader {reader}")


if __name__ == "__main__":
    main(sys.argv[1:])
