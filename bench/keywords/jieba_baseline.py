#!/usr/bin/env python3
"""Keyword-extraction baseline with jieba on the bench/keywords evaluation set.

Usage: jieba_baseline.py [--dump] [--dir DIR]
  DIR defaults to the folder of this script (it holds articles/ and tags.tsv).

For every article the Chinese part (every line before the `英语如下` separator:
headline + body) is given to jieba as one text. Metrics (see README.md):
  correct   keyword equals an acceptable form of one of the article's tags
  precision correct keywords / all keywords (over the articles of a half)
  tags found tags hit by some keyword / all tags
  fragments keywords that are not correct and either are a strict substring
            of a tag form, or contain a tag form as a strict substring and
            are at most 2 characters longer than it
Odd NNN = tuning half, even NNN = held-out half.
"""
import argparse
import logging
import os
import re
import sys

import jieba
import jieba.analyse

SEPARATOR = re.compile(r"^\s*英[语文]如下\s*[:：]?\s*$")
TOP_K = 5

EXTRACTORS = [
    ("jieba tf-idf", lambda text: jieba.analyse.extract_tags(text, topK=TOP_K)),
    ("jieba tf-idf, nouns (n nr ns nt nz)",
     lambda text: jieba.analyse.extract_tags(text, topK=TOP_K, allowPOS=("n", "nr", "ns", "nt", "nz"))),
]


def load_tags(path):
    """file name -> list of tags, each tag a list of acceptable forms."""
    tags = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, *cols = line.split("\t")
            tags[name] = [[f for f in col.split("|") if f] for col in cols if col]
    return tags


def chinese_part(path):
    with open(path, encoding="utf-8-sig") as fh:
        lines = fh.read().replace("\r\n", "\n").split("\n")
    out = []
    for line in lines:
        if SEPARATOR.match(line):
            break
        out.append(line)
    return "\n".join(out).strip()


def judge(keyword, tags):
    """'correct', 'fragment' or 'other' for one keyword against an article's tags."""
    forms = [f for tag in tags for f in tag]
    if keyword in forms:
        return "correct"
    for f in forms:
        if keyword in f and keyword != f:
            return "fragment"
        if f in keyword and keyword != f and len(keyword) <= len(f) + 2:
            return "fragment"
    return "other"


def score(rows):
    """rows: list of (tags, keywords). Returns dict of counts."""
    n_kw = n_ok = n_frag = n_tags = n_found = 0
    for tags, kws in rows:
        for k in kws:
            j = judge(k, tags)
            n_kw += 1
            n_ok += j == "correct"
            n_frag += j == "fragment"
        n_tags += len(tags)
        n_found += sum(1 for tag in tags if any(k in tag for k in kws))
    return dict(kw=n_kw, ok=n_ok, frag=n_frag, tags=n_tags, found=n_found)


def ratio(a, b):
    return f"{a / b:.3f} ({a}/{b})" if b else "n/a"


def table(title, results):
    print(f"### {title}")
    print()
    print("| extractor | precision | tags found | fragments |")
    print("| --- | --- | --- | --- |")
    for name, s in results:
        print(f"| {name} | {ratio(s['ok'], s['kw'])} | {ratio(s['found'], s['tags'])} | {s['frag']} |")
    print()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", action="store_true", help="print every article's keywords per extractor")
    ap.add_argument("--dir", default=here, help="folder holding articles/ and tags.tsv")
    args = ap.parse_args()

    jieba.setLogLevel(logging.WARNING)
    tags = load_tags(os.path.join(args.dir, "tags.tsv"))
    art_dir = os.path.join(args.dir, "articles")
    names = sorted(n for n in os.listdir(art_dir) if re.match(r"^\d{3}_[0-9a-f]{16}\.txt$", n))
    missing = set(names) ^ set(tags)
    if missing:
        sys.exit(f"articles and tags.tsv disagree: {sorted(missing)}")

    texts = {n: chinese_part(os.path.join(art_dir, n)) for n in names}
    halves = {
        "held-out (even NNN)": [n for n in names if int(n[:3]) % 2 == 0],
        "tuning (odd NNN)": [n for n in names if int(n[:3]) % 2 == 1],
        "all": names,
    }
    extracted = {ename: {n: fn(texts[n]) for n in names} for ename, fn in EXTRACTORS}

    if args.dump:
        mark = {"correct": "+", "fragment": "~", "other": ""}
        for n in names:
            print(f"{n}  tags: {' / '.join('|'.join(t) for t in tags[n])}")
            for ename, _ in EXTRACTORS:
                kws = extracted[ename][n]
                shown = " ".join(k + mark[judge(k, tags[n])] for k in kws)
                print(f"  {ename}: {shown}")
        print()
        print("(+ correct, ~ fragment)")
        print()

    print(f"jieba {jieba.__version__}, topK={TOP_K}; {len(names)} articles, "
          f"{sum(len(tags[n]) for n in names)} tags")
    print()
    for title, members in halves.items():
        table(f"{title}: {len(members)} articles, {sum(len(tags[n]) for n in members)} tags",
              [(ename, score([(tags[n], extracted[ename][n]) for n in members])) for ename, _ in EXTRACTORS])


if __name__ == "__main__":
    main()
