"""Makes glossary.tsv.gz from ECDICT's ecdict.csv (see README.md).

    python3 make.py path/to/ecdict.csv

One line per English word or phrase: lower case, and its Chinese translations, `|`-separated,
in ECDICT's order. Words are kept when ECDICT gives them a corpus frequency or an exam or
dictionary tag (57,754 entries: the vocabulary of news); translations are runs of 1-8 Han
characters, with grammar labels, brackets and the web-sourced label dropped, at most 8.
"""
import csv, gzip, re, sys

csv.field_size_limit(10**8)
HAN = re.compile(r"^[\u4e00-\u9fff]{1,8}$")
WORD = re.compile(r"^[a-z][a-z'\- ]*$")
rows = []
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        word = row["word"].strip().lower()
        if not WORD.match(word):
            continue
        common = (int(row["frq"] or 0) > 0 or int(row["bnc"] or 0) > 0
                  or row["tag"] or row["collins"] or row["oxford"])
        if not common:
            continue
        out = []
        for line in (row["translation"] or "").replace("\\n", "\n").split("\n"):
            line = re.sub(r"^\[[^\]]*\]\s*", "", line.strip())
            line = re.sub(r"^[a-z]+\.\s*", "", line)
            line = re.sub(r"（[^）]*）|\([^)]*\)|<[^>]*>|\[[^\]]*\]", "", line)
            for piece in re.split(r"[；;，,、\s]+", line):
                piece = piece.strip("的地").strip()
                if HAN.match(piece) and piece not in out:
                    out.append(piece)
        if out:
            rows.append((word, out[:8]))
rows.sort()
seen = {}
for word, out in rows:
    seen.setdefault(word, [])
    for t in out:
        if t not in seen[word] and len(seen[word]) < 8:
            seen[word].append(t)
with gzip.GzipFile("glossary.tsv.gz", "wb", mtime=0) as g:
    for word in sorted(seen):
        g.write(f"{word}\t{'|'.join(seen[word])}\n".encode())
print(len(seen), "words")
