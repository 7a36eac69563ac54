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
