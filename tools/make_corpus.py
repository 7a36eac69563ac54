#!/usr/bin/env python3
"""Writes a corpus project for scale measurements (issue #18): the sample article made
unique per document (its number appended, ≈ 5 KB each), with metadata (outlet, date,
url) and every fourth span of annotator-a's set (≈ 27 spans a document, entity links
kept, relations dropped). 10,000 documents ≈ 52 MB of text, ≈ 270k spans.

    python3 tools/make_corpus.py OUT.json [documents]

Then formatted by Hashiya itself (`hashiya fmt OUT.json`) so it is canonical.
"""
import copy, hashlib, json, sys

src = json.load(open("projects/derna-sirte.json", encoding="utf-8"))
out_path = sys.argv[1]
docs = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
doc = src["documents"][0]
base = [s for s in src["sets"] if s["document"] == doc["id"]][0]
kept = base["spans"][::4]
outlets = ["Al Jazeera Net", "Al Arabiya", "BBC Arabic", "Libya Observer", "Al Wasat"]
p = copy.deepcopy(src)
p["name"] = f"Corpus of {docs} articles (the sample made unique)"
p["documents"], p["sets"] = [], []
spans_total = 0
for d in range(docs):
    text = doc["text"] + f"\n{d}"
    did = f"doc{d:05d}"
    p["documents"].append({
        "id": did,
        "title": f"{doc['title']} ({d})",
        "source": {
            "outlet": outlets[d % len(outlets)],
            "date": f"20{15 + d % 10:02d}-{1 + d % 12:02d}-{1 + d % 28:02d}",
            "url": f"https://example.org/news/{d}",
        },
        "text": text,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    })
    spans = []
    for s in kept:
        t = dict(s)
        t.pop("note", None)
        spans.append(t)
    spans_total += len(spans)
    p["sets"].append({"annotator": base["annotator"], "document": did, "spans": spans, "relations": []})
with open(out_path, "w", encoding="utf-8") as f:
    json.dump(p, f, ensure_ascii=False)
print(f"{out_path}: {docs} documents, {spans_total} spans")
