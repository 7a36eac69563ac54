#!/usr/bin/env python3
"""Writes the hand-made seeds of the fuzz corpora (run from this folder).

parse/: small valid and broken project files. layout/: inputs in the format of
`hashiya::debug::LayoutInput` — width, font size, queries, then the text.
"""
import os, shutil, struct

ROOT = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(ROOT, "..", "tests", "fixtures")

def write(target, name, data):
    d = os.path.join(ROOT, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))

# parse: the small valid file and a few small broken ones.
write("parse", "valid-small.json", open(os.path.join(FIX, "valid-small.json"), "rb").read())
for n in ["duplicate-attribute-key.json", "self-relation.json", "bom.json",
          "offset-past-end-by-one.json", "warn-span-text-mismatch.json",
          "truncated-in-string.json", "version-float.json", "lone-surrogate.json"]:
    write("parse", n, open(os.path.join(FIX, "bad", n), "rb").read())

NAN, INF = -32768, 32767
def layout(name, text, width=600, font=22, queries=()):
    b = struct.pack("<HBB", width, font - 6, len(queries))
    for (x, y, s, e) in queries:
        b += struct.pack("<hhHH", x, y, s, e)
    write("layout", name, b + text.encode("utf-8"))

Q = [(0, 0, 0, 3), (400, 30, 1, 2), (1200, 90, 0, 60000), (-50, -50, 5, 4),
     (NAN, 20, 2, 2), (INF, INF, 0, 1), (600, NAN, 3, 9), (20000, 20000, 0, 200)]
layout("arabic-sentence", "قال خليفة حفتر إن قواته في درنة 😀 ستتقدم نحو سرت.", queries=Q)
layout("lone-combining-marks", "\u0651\u064e \u0301\u0301 a\u0652\n\u0670", queries=Q)
layout("bidi-controls", "\u202bدرنة 441\u202c \u2067abc\u2069 \u202e123\u202c \u200f\u200e\u061c", queries=Q)
layout("zwj-and-emoji", "👩\u200d👩\u200d👧 ل\u200dا \u200c 🇱🇾 \U0001F3FD\ufe0f", queries=Q)
layout("long-line-100k", "نص " * 33334, width=800, queries=Q)
layout("only-spaces", " " * 500, queries=Q)
layout("only-newlines", "\n" * 50, queries=Q)
layout("empty", "", queries=Q)
layout("mixed-paragraphs", "سرت 2011\n\nBenghazi بنغازي\r\n\t٣٤٥ 345\n", width=1, queries=Q)
layout("tiny-font-huge-width", "درنة", width=2999, font=6, queries=Q)
print("seeds written")

# import: byte 0 picks the importer (index into ImportFormat::ALL: 0 text, 1 jsonl,
# 2 doccano, 3 brat, 4 labelstudio), the rest is the file; for brat, .txt NUL .ann.
TEXT = "قال خليفة حفتر إن قواته في درنة 😀 ستتقدم نحو سرت."
def imp(name, fmt, data):
    write("import", name, bytes([fmt]) + (data if isinstance(data, bytes) else data.encode("utf-8")))
imp("text", 0, TEXT + "\n\nفقرة ثانية.\n")
imp("jsonl", 1, '{"id": "d1", "text": "%s", "spans": [{"start": 4, "end": 14, "label": "actor"}]}\n' % TEXT)
imp("jsonl-not-object", 1, open(os.path.join(FIX, "bad", "not-object.jsonl"), "rb").read())
imp("doccano", 2, '{"text": "%s", "label": [[4, 14, "actor"], [27, 31, "location"], [35, 41, "claim"]]}\n' % TEXT)
imp("brat", 3, TEXT + "\0T1\tactor 4 14\tخليفة حفتر\nT2\tlocation 27 31\tدرنة\nR1\tsaid_by Arg1:T2 Arg2:T1\n#1\tAnnotatorNotes T1\tnote\nA1\tkind T1 person\n")
imp("brat-broken-lines", 3, TEXT.encode("utf-8") + b"\0" + open(os.path.join(FIX, "bad", "broken-lines.ann"), "rb").read())
imp("brat-fragments", 3, TEXT + "\0T1\tclaim 0 3;4 9\tقال خليفة\n")
imp("labelstudio", 4, '[{"id": 1, "data": {"text": "%s"}, "annotations": [{"completed_by": 7, "result": [{"id": "a", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 4, "end": 14, "labels": ["actor"]}}, {"id": "b", "type": "labels", "value": {"start": 27, "end": 31, "labels": ["location"]}}, {"type": "relation", "from_id": "b", "to_id": "a", "labels": ["said_by"]}]}]}]' % TEXT)

# The corpus readers (issue #25): 5 csv, 6 tsv, 7 xlsx, 8 ods, 9 html; tables are read
# with the text in column 1. Byte 0 + 10 also sets skip_bad_rows.
imp("csv-quotes", 5, 'text,id\n"%s ""اقتباس""",1\n"مفتوح,2\nنص,3\n"نعم" قال,4\n' % TEXT)
imp("csv-skip-bad", 15, 'text;id\n%s;1\n"مفتوح;2\n;3\n' % TEXT)
imp("tsv-literal", 6, 'text\tid\n"نعم" قال %s\t1\n"مفتوح\t2\n' % TEXT)
imp("xlsx", 7, open(os.path.join(FIX, "corpus", "articles.xlsx"), "rb").read())
imp("ods", 8, open(os.path.join(FIX, "corpus", "articles.ods"), "rb").read())
imp("html", 9, '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>عنوان</title></head><body><article><h1>عنوان</h1><p>%s</p><p>%s</p><p>%s</p></article></body></html>' % (TEXT * 4, TEXT * 3, TEXT * 5))
