#!/usr/bin/env python3
"""Converts a folder of generated bifeed articles into a Hugo site that writes what bifeed
writes: per language an RSS 2.0 and an Atom feed of the newest LIMIT articles (0: all), with
title, source link, date, id, keywords, summary and the whole text. Used by bench/build.sh to
compare with Hugo; the conversion is not part of what is timed.

    hugo_site.py ARTICLES SITE LIMIT [tags]

With `tags`, every article's keywords become Hugo tags and Hugo writes what it writes by
default for them: an RSS feed (and a page) per tag, the counterpart of bifeed's topic feeds.
"""
import os
import re
import sys

articles, site, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
tags = sys.argv[4:5] == ["tags"]
URL_DATE = re.compile(r"/(\d{4})/(\d{2})-(\d{2})/")


def front(fields):
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(repr(v) for v in value)}]")
        else:
            lines.append(f"{key}: {value!r}")
    return "\n".join(lines + ["---", ""])


for lang in ("zh", "en"):
    os.makedirs(os.path.join(site, "content", lang, "posts"), exist_ok=True)
os.makedirs(os.path.join(site, "layouts"), exist_ok=True)
count = 0
for name in sorted(os.listdir(articles)):
    if not name.endswith(".txt"):
        continue
    raw = open(os.path.join(articles, name), "rb").read().decode("utf-8-sig").replace("\r\n", "\n")
    lines = [l.strip() for l in raw.split("\n") if l.strip()]
    source = next((l.split("】", 1)[1] for l in lines if l.startswith("【来源】")), "")
    m = URL_DATE.search(source)
    date = f"{m.group(1)}-{m.group(2)}-{m.group(3)}T00:00:00+08:00" if m else "2024-01-01T00:00:00+08:00"
    ident = name.rsplit("_", 1)[-1][:-4]
    body = [l for l in lines if not l.startswith(("【来源】", "Views:"))]
    sep = next((i for i, l in enumerate(body) if l.startswith("英语如下")), None)
    zh, en = (body[:sep], body[sep + 1:]) if sep is not None else (body, [])
    headers = {l.split(":", 1)[0].strip("# ").lower(): l.split(":", 1)[1].strip() for l in en if l.startswith("###")}
    keywords = [k.strip() for k in re.split("[,，;]", headers.get("keywords", "")) if k.strip()]
    if len(zh) >= 2:
        fields = {"title": zh[0], "date": date, "id": ident, "source": source}
        if tags:
            fields["tags"] = keywords
        open(os.path.join(site, "content", "zh", "posts", ident + ".md"), "w").write(
            front(fields) + "\n\n".join(zh[1:]) + "\n")
    text = [l for l in en if not l.startswith("###")]
    if headers.get("title") and text:
        fields = {"title": headers["title"], "date": date, "id": ident, "source": source, "keywords": keywords}
        if tags:
            fields["tags"] = keywords
        open(os.path.join(site, "content", "en", "posts", ident + ".md"), "w").write(
            front(fields) + "\n\n".join(text) + "\n")
    count += 1

open(os.path.join(site, "config.toml"), "w").write(f"""
baseURL = "https://news.example.com/"
title = "Bench"
defaultContentLanguage = "zh"
defaultContentLanguageInSubdir = true
disableKinds = [{'"section", "sitemap", "robotsTXT", "404"' if tags else '"taxonomy", "term", "section", "sitemap", "robotsTXT", "404"'}]
rssLimit = {limit if limit > 0 else -1}
[params]
  limit = {limit}
[outputs]
  home = ["RSS", "Atom"]
  page = []
[outputFormats.Atom]
  mediaType = "application/atom+xml"
  baseName = "atom"
[mediaTypes."application/atom+xml"]
  suffixes = ["xml"]
[languages.zh]
  languageCode = "zh-CN"
  contentDir = "content/zh"
  weight = 1
[languages.en]
  languageCode = "en"
  contentDir = "content/en"
  weight = 2
""")
pages = """{{- $pages := .Site.RegularPages -}}
{{- if gt .Site.Params.limit 0 }}{{ $pages = first .Site.Params.limit $pages }}{{ end -}}"""
open(os.path.join(site, "layouts", "index.rss.xml"), "w").write(pages + """
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>{{ .Site.Title }}</title><link>{{ .Permalink }}</link><description>news</description>
<language>{{ .Site.LanguageCode }}</language>
<atom:link href="{{ .Permalink }}index.xml" rel="self" type="application/rss+xml"/>
{{ range $pages }}<item><title>{{ .Title }}</title><link>{{ .Params.source }}</link>
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate>
<guid isPermaLink="false">{{ .Params.id }}</guid>{{ range .Params.keywords }}<category>{{ . }}</category>{{ end }}
<description>{{ .Summary | html }}</description><content:encoded>{{ .Content | html }}</content:encoded></item>
{{ end }}</channel></rss>
""")
open(os.path.join(site, "layouts", "index.atom.xml"), "w").write(pages + """
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{{ .Site.LanguageCode }}">
<title>{{ .Site.Title }}</title><id>{{ .Permalink }}</id><updated>{{ now.Format "2006-01-02T15:04:05-07:00" }}</updated>
<author><name>bench</name></author><link href="{{ .Permalink }}atom.xml" rel="self"/>
{{ range $pages }}<entry><title>{{ .Title }}</title><id>{{ .Params.id }}</id>
<updated>{{ .Date.Format "2006-01-02T15:04:05-07:00" }}</updated><link href="{{ .Params.source }}"/>
{{ range .Params.keywords }}<category term="{{ . }}"/>{{ end }}
<summary type="html">{{ .Summary | html }}</summary><content type="html">{{ .Content | html }}</content></entry>
{{ end }}</feed>
""")
print(f"{count} articles converted")
