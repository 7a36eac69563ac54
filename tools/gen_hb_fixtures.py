#!/usr/bin/env python3
"""Regenerate tests/fixtures/hb/*.json: HarfBuzz's shaping of every run of the texts
that tests/shaping.rs compares the text engine against.

    python3 tools/gen_hb_fixtures.py          (run from the repo root)

Needs `hb-shape` (Debian libharfbuzz-bin) and `fribidi` (libfribidi-bin) on PATH, and
builds/runs the `hashiya` binary (override with HASHIYA_BIN=path). Standard library only.

Where the runs come from
------------------------
hb-shape does no bidi and no font fallback, so it must be given one directional,
single-font run at a time. The run boundaries (start/end code point, font, direction)
are taken from the engine itself (`hashiya layout` at a width so large that each
paragraph is one line). So that this is not circular, the fixture also records two
things computed *without* the engine, which tests/shaping.rs checks the runs against:

* `levels`: FriBidi's embedding level of every code point of the paragraph
  (`fribidi --levels`); a run's direction must be its levels' parity.
* `naskh_covers`: for every distinct code point, whether Noto Naskh Arabic has a glyph
  for it (hb-shape of that character alone gives a glyph other than .notdef). The
  engine asks for Naskh first and falls back to Noto Sans, so a Sans run may only hold
  characters Naskh lacks, and a Naskh run only characters it has.

How each run is shaped
----------------------
Exactly as parley 0.12 calls harfrust (parley_engine/src/shape/shaper.rs):
* `--direction` from the run, `--script` from the run's first character of a real
  script, else the nearest preceding one in the paragraph, else the paragraph's first
  one, else Latin (parley's heuristic for Common/Inherited characters);
* `--cluster-level=1` (parley sets BufferClusterLevel::MonotoneCharacters; hb-shape's
  default 0 merges a mark into its base's cluster);
* `--text-before` / `--text-after`: the rest of the paragraph (parley passes the
  paragraph text around the run as pre/post context; it matters for Arabic joining);
* no `--language`, with LANG/LC_ALL=C.UTF-8, so HarfBuzz uses the default language system
  like harfrust given no language;
* `--font-size=upem` (hb-shape's default): advances and offsets in font units, which is
  what the engine reports when laid out at a font size equal to the units per em.
* `--utf8-clusters`: clusters are byte offsets into the run text.
"""

import json
import shlex
import os
import subprocess
import sys
import tempfile
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FONTS = {
    "Noto Naskh Arabic": "fonts/NotoNaskhArabic-Regular.ttf",
    "Noto Sans": "fonts/NotoSans-Regular.ttf",
}
# (input text, output fixture, what it is)
SOURCES = [
    ("tests/fixtures/derna-sirte.txt", "tests/fixtures/hb/derna-sirte.json",
     "every paragraph of the sample article"),
    ("tests/fixtures/bidi-lines.txt", "tests/fixtures/hb/bidi-lines.json",
     "the mixed-direction lines of tests/bidi.rs"),
]
UPEM = 1000  # both fonts; tests/shaping.rs checks this with ab_glyph
ENV = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, env=ENV, cwd=ROOT, **kw).stdout


def hashiya_layout(path):
    exe = os.environ.get("HASHIYA_BIN")
    cmd = [exe] if exe else ["cargo", "run", "--quiet", "--bin", "hashiya", "--"]
    out = run(cmd + ["layout", "--text-file", path, "--width", "10000000",
                     "--font-size", str(UPEM)])
    return json.loads(out)


def real_script(c):
    """'arab', 'latn' or None for Common / Inherited (spaces, punctuation, European
    digits, marks, tatweel)."""
    if "\u0660" <= c <= "\u0669" or "\u06F0" <= c <= "\u06F9":
        return "arab"  # Arabic-Indic digits have Script=Arabic
    if unicodedata.category(c) not in ("Lu", "Ll", "Lo", "Lt") or c == "\u0640":
        return None
    name = unicodedata.name(c, "")
    if name.startswith("ARABIC"):
        return "arab"
    if name.startswith("LATIN"):
        return "latn"
    sys.exit(f"unexpected letter {c!r} ({name}): teach real_script() its script")


def run_script(para, start):
    """parley's script for a segment starting at `start`: the first character's own
    script if it has one, else that of the nearest preceding character with one, else
    the paragraph's first such script, else Latin."""
    for c in [para[start]] + list(reversed(para[:start])) + list(para):
        s = real_script(c)
        if s:
            return s
    return "latn"


def fribidi_levels(para):
    out = run(["fribidi", "--nopad", "--nobreak", "--novisual", "--levels"],
              input=(para + "\n").encode())
    return [int(x) for x in out.decode().split()]


def naskh_covers(c):
    out = run(["hb-shape", "--no-glyph-names", "--output-format=json",
               FONTS["Noto Naskh Arabic"], "--text=" + c])
    return all(g["g"] != 0 for g in json.loads(out))


def hb_shape(font, text, rtl, script, before, after):
    cmd = ["hb-shape", "--direction=" + ("rtl" if rtl else "ltr"), "--script=" + script,
           "--cluster-level=1", "--utf8-clusters", "--no-glyph-names",
           "--output-format=json", "--font-size=upem",
           "--text-before=" + before, "--text-after=" + after,
           FONTS[font], "--text=" + text]
    return cmd, json.loads(run(cmd))


def dumps(obj, indent=0):
    """JSON with one line per scalar-only list or object (readable, diff-friendly)."""
    pad = " " * indent
    flat = isinstance(obj, (list, dict)) and all(
        not isinstance(v, (list, dict)) for v in (obj.values() if isinstance(obj, dict) else obj))
    if not isinstance(obj, (list, dict)) or flat:
        return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))
    if isinstance(obj, dict):
        items = [f'{pad} {json.dumps(k, ensure_ascii=False)}: {dumps(v, indent + 1)}'
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    items = [pad + " " + dumps(v, indent + 1) for v in obj]
    return "[\n" + ",\n".join(items) + "\n" + pad + "]"


def main():
    version = run(["hb-shape", "--version"]).decode().splitlines()[0]
    for src, dst, what in SOURCES:
        text = open(os.path.join(ROOT, src), encoding="utf-8").read()
        layout = hashiya_layout(src)
        # Paragraphs as the engine makes them: split on \n, empty ones have no runs.
        paras, start = [], 0
        for piece in text.split("\n"):
            paras.append((start, piece))
            start += len(piece) + 1
        out_paras = []
        covers = {}
        for line in layout["lines"]:
            lo, hi = line["range"]
            pstart, para = next((s, p) for s, p in paras if s <= lo <= s + len(p))
            if not para:
                continue
            assert (lo, hi) == (pstart, pstart + len(para)), \
                f"paragraph at {pstart} wrapped: make the width larger"
            for c in para:
                if c not in covers:
                    covers[c] = naskh_covers(c)
            runs = []
            for r in line["runs"]:
                a, b = r["range"][0] - pstart, r["range"][1] - pstart
                script = run_script(para, a)
                cmd, glyphs = hb_shape(r["font"], para[a:b], r["rtl"], script,
                                       para[:a], para[b:])
                runs.append({
                    "range": r["range"],
                    "font": r["font"],
                    "rtl": r["rtl"],
                    "script": script,
                    "text": para[a:b],
                    "hb_shape": shlex.join(cmd),
                    "glyphs": glyphs,
                })
            out_paras.append({
                "start": pstart,
                "text": para,
                "levels": fribidi_levels(para),
                "runs": runs,
            })
        fixture = {
            "generated_by": "tools/gen_hb_fixtures.py",
            "source": src,
            "what": what,
            "hb_shape_version": version,
            "upem": UPEM,
            "naskh_covers": {c: covers[c] for c in sorted(covers)},
            "paragraphs": out_paras,
        }
        with open(os.path.join(ROOT, dst), "w", encoding="utf-8") as f:
            f.write(dumps(fixture))
            f.write("\n")
        n = sum(len(p["runs"]) for p in out_paras)
        print(f"{dst}: {len(out_paras)} paragraphs, {n} runs")


if __name__ == "__main__":
    main()
