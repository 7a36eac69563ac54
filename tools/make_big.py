#!/usr/bin/env python3
"""Writes a project with one ~1 MB article for performance measurements: the sample
article repeated (205 copies, 1,052,264 bytes) with annotator-a's spans and relations
copied onto every copy (≈ 21,500 spans, 9,600 relations; entity links dropped).

    python3 tools/make_big.py OUT.json [copies]

The output is then formatted by Hashiya itself (`hashiya fmt OUT.json`) so it is canonical.
"""
import copy, hashlib, json, sys

src = json.load(open("projects/derna-sirte.json", encoding="utf-8"))
out_path = sys.argv[1]
copies = int(sys.argv[2]) if len(sys.argv) > 2 else 205
doc = src["documents"][0]
unit = doc["text"] + "\n"
n = len(unit)  # code points (Python str indices)
text = unit * copies
p = copy.deepcopy(src)
p["name"] = f"1 MB article ({copies} copies of the sample)"
p["entities"] = []
d = dict(doc)
d["id"] = "big"
d["title"] = f"{doc['title']} ×{copies}"
d["text"] = text
d["text_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
p["documents"] = [d]
sets = [s for s in src["sets"] if s["document"] == doc["id"]][:1]
spans, rels = [], []
for k in range(copies):
    for s in sets[0]["spans"]:
        t = dict(s)
        t["id"] = f"c{k:03d}-{s['id']}"
        t["start"] += k * n
        t["end"] += k * n
        t.pop("entity", None)
        spans.append(t)
    for r in sets[0]["relations"]:
        t = dict(r)
        t["id"] = f"c{k:03d}-{r['id']}"
        t["from"] = f"c{k:03d}-{r['from']}"
        t["to"] = f"c{k:03d}-{r['to']}"
        rels.append(t)
p["sets"] = [{"annotator": sets[0]["annotator"], "document": "big", "spans": spans, "relations": rels}]
with open(out_path, "w", encoding="utf-8") as f:
    json.dump(p, f, ensure_ascii=False)
print(f"{out_path}: {len(text.encode('utf-8'))} bytes of text, {len(spans)} spans, {len(rels)} relations")
