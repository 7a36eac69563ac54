#!/usr/bin/env python3
"""Regenerate tests/fixtures/bidi/*.json: GNU FriBidi's bidi resolution of the mixed
Arabic/Latin lines that tests/bidi.rs compares the text engine against.

    python3 tools/gen_bidi_fixtures.py        (run from the repo root)

Needs `fribidi` (Debian libfribidi-bin) on PATH. Standard library only.

For every non-empty line of the input, with the base direction found from the first
strong character (FriBidi's default `--wltr`, as UAX #9 P2-P3 and the engine do):
* `basedir`: the paragraph direction, L or R (`--basedir`);
* `levels`: the embedding level of each code point (`--levels`);
* `vtol`: the logical index of the code point shown at each visual position, left to
  right (`--vtol`). FriBidi's command line moves combining marks after their base
  (`--vtol` of شخصًا is 4 2 3 1 0); the test compares whole grapheme clusters, so this
  does not matter;
* `mirrored`: code points FriBidi mirrors in its visual output (brackets in right-to-
  left runs), as {logical index: mirrored character}. Only Bidi_Mirrored characters are
  taken from the visual string, since FriBidi's command line also applies Arabic
  presentation forms to it.
"""

import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = [("tests/fixtures/bidi-lines.txt", "tests/fixtures/bidi/bidi-lines.json")]
MIRRORABLE = set("()[]{}<>«»‹›")


def fribidi(args, text):
    out = subprocess.run(["fribidi", "--nopad", "--nobreak"] + args, input=text.encode(),
                         check=True, capture_output=True, cwd=ROOT).stdout
    return out.decode().split("\n")


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
    version = fribidi(["--version"], "")[0]
    for src, dst in SOURCES:
        text = open(os.path.join(ROOT, src), encoding="utf-8").read()
        lines = [l for l in text.split("\n") if l]
        entries = []
        for line in lines:
            out = fribidi(["--novisual", "--basedir", "--vtol", "--levels"], line + "\n")
            basedir = out[0].removeprefix("Base direction:").strip()
            assert basedir in ("L", "R"), out
            vtol = [int(x) for x in out[1].split()]
            levels = [int(x) for x in out[2].split()]
            visual = fribidi([], line + "\n")[0]
            assert len(vtol) == len(levels) == len(line) == len(visual), line
            assert sorted(vtol) == list(range(len(line)))
            mirrored = {}
            for v, l in enumerate(vtol):
                if line[l] in MIRRORABLE and visual[v] != line[l]:
                    mirrored[str(l)] = visual[v]
            entries.append({
                "text": line,
                "basedir": basedir,
                "levels": levels,
                "vtol": vtol,
                "mirrored": mirrored,
            })
        fixture = {
            "generated_by": "tools/gen_bidi_fixtures.py",
            "source": src,
            "fribidi_version": version,
            "command": "fribidi --nopad --nobreak --novisual --basedir --vtol --levels "
                       "(and without --novisual for the mirrored brackets)",
            "lines": entries,
        }
        with open(os.path.join(ROOT, dst), "w", encoding="utf-8") as f:
            f.write(dumps(fixture))
            f.write("\n")
        print(f"{dst}: {len(entries)} lines")


if __name__ == "__main__":
    main()
