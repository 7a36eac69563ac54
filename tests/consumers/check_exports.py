#!/usr/bin/env python3
"""Reads Hashiya's exports with the tools people will really use, and checks that they
see exactly what Hashiya meant.

Usage: check_exports.py EXPORT_ROOT

EXPORT_ROOT holds one folder per (project, annotator), written by tests/consumers.rs:
  native.jsonl  doccano.jsonl  labelstudio.json  brat/  tokens.conll  spans.csv  spans-nobom.csv

The native JSONL is the reference: every other export is compared with it.

- spaCy: spacy.blank("ar"), Doc.char_span(start, end) over every native span (Python str
  offsets = code points); where a span is not on spaCy token boundaries (a clitic, as in
  «بدرنة»), char_span(..., alignment_mode="expand") must contain it. Counts are printed.
- brat: bratly (PyPI `bratly-io-fs`) parses every .ann: its grammar check, then its parser.
  bratly's normalisation regex only accepts ids of \\w characters, so it drops N lines
  whose entity id has a hyphen (e-haftar), which brat itself accepts; those N lines are
  checked with brat's own regex from its server (annotation.py), and the difference is
  printed.
- CoNLL: seqeval (IOB2, strict) reads the tags; tokens must rebuild the text and every
  entity chunk must be exactly the tokens of one outermost span.
- CSV: pandas reads the BOM file with encoding="utf-8-sig" and the --no-bom file with
  "utf-8"; every cell is compared.
- doccano and Label Studio: offsets are sliced as UTF-16 (text.encode("utf-16-le")),
  strictly (a cut inside a surrogate pair fails to decode); and by Node's String.slice
  when node is on PATH (utf16_check.mjs).
"""
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pandas as pd
import spacy
from bratly import (
    AttributeAnnotation,
    EntityAnnotation,
    NormalizationAnnotation,
    NoteAnnotation,
    RelationAnnotation,
)
from bratly.io.file_read_src import parse_and_fix_ann_grammar, parse_ann_file
from seqeval.metrics import classification_report
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2

HERE = Path(__file__).resolve().parent
FAILURES = []
NLP = spacy.blank("ar")
# brat's own normalisation line syntax (server/src/annotation.py).
BRAT_NORM = re.compile(r"^(N\d+)\t(\S+) (\S+) (\S+?):(\S+)\t(.*)$")


def check(cond, msg):
    if not cond:
        FAILURES.append(msg)
    return cond


def unescape(s):
    """Reverses Hashiya's escaping of brat free text (\\\\ \\n \\r \\t \\uXXXX)."""
    return re.sub(
        r"\\(\\|n|r|t|u[0-9A-Fa-f]{4})",
        lambda m: {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}.get(m.group(1))
        or chr(int(m.group(1)[1:], 16)),
        s,
    )


def utf16_slice(text, start, end):
    b = text.encode("utf-16-le")
    return b[2 * start : 2 * end].decode("utf-16-le", errors="strict")


def load_native(case):
    docs = [json.loads(l) for l in (case / "native.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
    for d in docs:
        d["by_id"] = {s["id"]: s for s in d["spans"]}
    return docs


def check_native_and_spacy(name, docs):
    aligned = expanded = 0
    for d in docs:
        text = d["text"]
        doc = NLP.make_doc(text)
        check(doc.text == text, f"{name}: spaCy changed the text of {d['id']}")
        for s in d["spans"]:
            where = f"{name}: {d['id']} span {s['id']}"
            check(text[s["start"] : s["end"]] == s["text"], f"{where}: text[start:end] != text")
            cs = doc.char_span(s["start"], s["end"])
            if cs is not None:
                aligned += 1
                check(cs.text == s["text"], f"{where}: spaCy char_span gives {cs.text!r}")
            else:
                cs = doc.char_span(s["start"], s["end"], alignment_mode="expand")
                expanded += 1
                check(
                    cs is not None and cs.start_char <= s["start"] and s["end"] <= cs.end_char
                    and s["text"] in cs.text,
                    f"{where}: spaCy expand span {cs!r} does not contain {s['text']!r}",
                )
    return f"spaCy char_span: {aligned} on token boundaries, {expanded} inside a larger spaCy token (attached clitics as in «بدرنة», words run together in the source, punctuation spaCy keeps on a word)"


def check_doccano(name, case, docs):
    by_doc = {d["id"]: d for d in docs}
    n = r = 0
    for line in (case / "doccano.jsonl").read_text(encoding="utf-8").splitlines():
        o = json.loads(line)
        meta = o["hashiya"]
        d = by_doc[meta["document_id"]]
        check(o["text"] == d["text"], f"{name}: doccano text of {d['id']}")
        eid_to_span = {}
        for e in o["entities"]:
            sid = meta["spans"][str(e["id"])]["span_id"]
            eid_to_span[e["id"]] = sid
            ref = d["by_id"][sid]
            try:
                got = utf16_slice(o["text"], e["start_offset"], e["end_offset"])
            except UnicodeDecodeError as err:
                got = f"<cut inside a surrogate pair: {err}>"
            check(got == ref["text"], f"{name}: doccano {d['id']} {sid}: UTF-16 slice {got!r} != {ref['text']!r}")
            check(e["label"] == ref["label"], f"{name}: doccano label of {sid}")
            m = meta["spans"][str(e["id"])]
            check(m.get("attributes", {}) == ref["attributes"], f"{name}: doccano attributes of {sid}")
            check(m.get("entity_id") == ref["entity_id"], f"{name}: doccano entity of {sid}")
            n += 1
        got = sorted((x["type"], eid_to_span[x["from_id"]], eid_to_span[x["to_id"]]) for x in o["relations"])
        want = sorted((x["type"], x["from"], x["to"]) for x in d["relations"])
        check(got == want, f"{name}: doccano relations of {d['id']}")
        r += len(got)
    check(n == sum(len(d["spans"]) for d in docs), f"{name}: doccano span count")
    return f"doccano: {n} entities sliced as UTF-16, {r} relations"


def check_labelstudio(name, case, docs):
    tasks = json.loads((case / "labelstudio.json").read_text(encoding="utf-8"))
    by_doc = {d["id"]: d for d in docs}
    n = r = 0
    for t in tasks:
        d = by_doc[t["data"]["document_id"]]
        text = t["data"]["text"]
        check(text == d["text"], f"{name}: LS text of {d['id']}")
        for ann in t["annotations"]:
            rels = []
            for res in ann["result"]:
                if res["type"] == "labels":
                    v = res["value"]
                    ref = d["by_id"][res["id"]]
                    try:
                        got = utf16_slice(text, v["start"], v["end"])
                    except UnicodeDecodeError as err:
                        got = f"<cut inside a surrogate pair: {err}>"
                    check(got == ref["text"] == v["text"], f"{name}: LS {d['id']} {res['id']}: {got!r} / {v['text']!r} / {ref['text']!r}")
                    check(v["labels"] == [ref["label"]], f"{name}: LS label of {res['id']}")
                    n += 1
                elif res["type"] == "choices":
                    ref = d["by_id"][res["id"]]
                    check(ref["attributes"].get(res["from_name"]) == res["value"]["choices"][0], f"{name}: LS choice of {res['id']}")
                elif res["type"] == "relation":
                    rels.append((res["labels"][0], res["from_id"], res["to_id"]))
            want = sorted((x["type"], x["from"], x["to"]) for x in d["relations"])
            check(sorted(rels) == want, f"{name}: LS relations of {d['id']}")
            r += len(rels)
    check(n == sum(len(d["spans"]) for d in docs), f"{name}: LS region count {n}")
    return f"Label Studio: {n} regions sliced as UTF-16, {r} relations"


def check_brat(name, case, docs):
    brat = case / "brat"
    visual = (brat / "visual.conf").read_text(encoding="utf-8")
    check("Text direction:rtl" in visual, f"{name}: visual.conf lacks Text direction:rtl")
    by_text = {d["text"]: d for d in docs}
    n_t = n_r = n_a = n_n = n_notes = bratly_n = frag = 0
    for ann_path in sorted(brat.glob("*.ann")):
        # newline="" keeps the text exactly as brat reads it.
        text = ann_path.with_suffix(".txt").open(encoding="utf-8", newline="").read()
        d = by_text.get(text)
        if not check(d is not None, f"{name}: {ann_path.name}: its .txt is no exported document"):
            continue
        ann = ann_path.read_text(encoding="utf-8")
        # bratly's strict grammar check, on every line it can judge (see module doc).
        without_n = "\n".join(l for l in ann.splitlines() if not l.startswith("N"))
        try:
            parse_and_fix_ann_grammar(without_n)
        except Exception as e:  # noqa: BLE001 - bratly raises its own ParsingError
            check(False, f"{name}: bratly grammar check failed on {ann_path.name}: {e}")
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured):
            col = parse_ann_file(ann, str(ann_path), no_duplicates=False, sorting=False, renumerotize=False)
        anns = col.annotations
        ents = {a.id: a for a in anns if isinstance(a, EntityAnnotation)}
        key = {}
        for tid, e in ents.items():
            frags = [(f.start, f.end) for f in e.fragments]
            frag += len(frags) > 1
            check(" ".join(text[a:b] for a, b in frags) == e.content, f"{name}: {ann_path.name} {tid} text")
            key[tid] = (min(a for a, _ in frags), max(b for _, b in frags), urllib.parse.unquote(e.label))
        want = {(s["start"], s["end"], s["label"]): s for s in d["spans"]}
        check(sorted(key.values()) == sorted(want), f"{name}: {ann_path.name}: spans differ from native")
        n_t += len(ents)
        for a in anns:
            if isinstance(a, AttributeAnnotation):
                s = want[key[a.component.id]]
                value = urllib.parse.unquote(" ".join(a.values))
                check(s["attributes"].get(urllib.parse.unquote(a.label)) == value, f"{name}: {ann_path.name} {a.id} = {value!r}")
                n_a += 1
            elif isinstance(a, RelationAnnotation):
                n_r += 1
            elif isinstance(a, NoteAnnotation):
                s = want[key[a.component.id]]
                check(unescape(a.value) == s.get("note"), f"{name}: {ann_path.name} note {a.id}")
                n_notes += 1
            elif isinstance(a, NormalizationAnnotation):
                bratly_n += 1
        rels = sorted(
            (urllib.parse.unquote(a.label), want[key[a.argument1[1].id]]["id"], want[key[a.argument2[1].id]]["id"])
            for a in anns
            if isinstance(a, RelationAnnotation)
        )
        check(rels == sorted((x["type"], x["from"], x["to"]) for x in d["relations"]), f"{name}: {ann_path.name} relations")
        links = {}
        for line in ann.splitlines():
            if line.startswith("N"):
                m = BRAT_NORM.match(line)
                if check(m is not None, f"{name}: {ann_path.name}: N line brat cannot parse: {line!r}"):
                    _, _, target, db, ref, tail = m.groups()
                    links[key[target]] = (db, urllib.parse.unquote(ref), unescape(tail))
        for k, s in want.items():
            if s["entity_id"] is not None:
                check(links.get(k) == ("Hashiya", s["entity_id"], s["entity_name"]), f"{name}: {ann_path.name} link of {s['id']}: {links.get(k)}")
        n_n += len(links)
    check(n_t == sum(len(d["spans"]) for d in docs), f"{name}: brat T count {n_t}")
    return (
        f"brat (bratly): {n_t} T ({frag} multi-fragment), {n_r} R, {n_a} A, {n_notes} notes; "
        f"N: {n_n} by brat's regex, {bratly_n} accepted by bratly"
    )


def check_conll(name, case, docs):
    blocks = (case / "tokens.conll").read_text(encoding="utf-8").split("-DOCSTART-\tO\n\n")[1:]
    check(len(blocks) == len(docs), f"{name}: {len(blocks)} CoNLL documents for {len(docs)}")
    all_tags = []
    chunks = kept_total = 0
    for d, block in zip(docs, blocks):
        sentences = [s for s in block.split("\n\n") if s.strip()]
        toks, tags, sent_of = [], [], []
        for k, sent in enumerate(sentences):
            for line in sent.splitlines():
                tok, tag = line.split("\t")
                toks.append(tok)
                tags.append(tag)
                sent_of.append(k)
        text = d["text"]
        check("".join(toks) == "".join(text.split()), f"{name}: CoNLL tokens do not rebuild {d['id']}")
        # Token offsets in code points.
        offs, pos = [], 0
        for t in toks:
            i = text.index(t, pos)
            offs.append((i, i + len(t)))
            pos = i + len(t)
        # The outermost spans, as documented in conll.rs.
        kept = []
        for s in sorted(d["spans"], key=lambda s: (s["start"], -s["end"], s["id"])):
            if not any(k["start"] < s["end"] and s["start"] < k["end"] for k in kept):
                kept.append(s)
        taken = set()
        expected = set()
        for s in kept:
            mine = [i for i, (a, b) in enumerate(offs) if a < s["end"] and s["start"] < b and i not in taken]
            taken.update(mine)
            if mine:
                expected.add((s["label"].replace(" ", "_"), mine[0], mine[-1]))
        per_sentence = [[t for t, k in zip(tags, sent_of) if k == j] for j in range(len(sentences))]
        all_tags.extend(per_sentence)
        got = set()
        start = 0
        for sent in per_sentence:
            for label, a, b in get_entities(sent):
                got.add((label, start + a, start + b))
            start += len(sent)
        check(got == expected, f"{name}: CoNLL entities of {d['id']} differ: {sorted(got ^ expected)[:5]}")
        for prev, cur in zip(["O"] + tags, tags):
            if cur.startswith("I-"):
                check(prev[2:] == cur[2:] and prev[:2] in ("B-", "I-"), f"{name}: {cur} after {prev}")
        chunks += len(got)
        kept_total += len(kept)
    report = classification_report(all_tags, all_tags, mode="strict", scheme=IOB2, output_dict=True)
    check(abs(report["micro avg"]["f1-score"] - 1.0) < 1e-9, f"{name}: seqeval strict IOB2 disagrees with itself")
    return f"CoNLL (seqeval IOB2 strict): {sum(map(len, all_tags))} tokens, {len(all_tags)} sentences, {chunks} entities = {kept_total} outermost spans"


def check_csv(name, case, docs):
    raw = (case / "spans.csv").read_bytes()
    check(raw.startswith(b"\xef\xbb\xbf"), f"{name}: spans.csv has no BOM")
    check(not (case / "spans-nobom.csv").read_bytes().startswith(b"\xef\xbb\xbf"), f"{name}: --no-bom has a BOM")
    df = pd.read_csv(case / "spans.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    plain = pd.read_csv(case / "spans.csv", encoding="utf-8", dtype=str, keep_default_na=False)
    nobom = pd.read_csv(case / "spans-nobom.csv", encoding="utf-8", dtype=str, keep_default_na=False)
    check(list(df.columns)[0] == "document", f"{name}: first CSV column is {list(df.columns)[0]!r}")
    check(df.equals(nobom), f"{name}: BOM and no-BOM CSVs differ")
    by = {(d["id"], s["id"]): (d, s) for d in docs for s in d["spans"]}
    check(len(df) == len(by), f"{name}: {len(df)} CSV rows for {len(by)} spans")
    for row in df.itertuples(index=False):
        row = row._asdict()
        d, s = by[(row["document"], row["span_id"])]
        where = f"{name}: CSV {row['document']} {row['span_id']}"
        check(row["text"] == s["text"] == d["text"][int(row["start"]) : int(row["end"])], f"{where}: text")
        check(row["label"] == s["label"] and row["annotator"] == d["annotator"], f"{where}: label/annotator")
        check(row["kind"] == s["attributes"].get("kind", ""), f"{where}: kind")
        check(row["entity_id"] == (s["entity_id"] or "") and row["entity_name"] == (s["entity_name"] or ""), f"{where}: entity")
        said = [d["by_id"][r["to"]]["text"] for r in d["relations"] if r["type"] == "said_by" and r["from"] == s["id"]]
        check(row["said_by"] == " | ".join(said), f"{where}: said_by {row['said_by']!r}")
        check(row["note"] == (s.get("note") or ""), f"{where}: note")
    arabic = sum(any("\u0600" <= c <= "\u06ff" for c in t) for t in df["text"])
    return (
        f"CSV (pandas {pd.__version__}): {len(df)} rows, {arabic} with Arabic text; "
        f"plain utf-8 reads the first column as {list(plain.columns)[0]!r}"
    )


def check_node(case):
    node = shutil.which("node")
    if node is None:
        return "node: not on PATH, UTF-16 check by String.slice skipped"
    p = subprocess.run([node, str(HERE / "utf16_check.mjs"), str(case)], capture_output=True, text=True)
    check(p.returncode == 0, f"node utf16_check failed: {p.stdout}{p.stderr}")
    return "node: " + p.stdout.strip()


def main():
    root = Path(sys.argv[1])
    cases = sorted(p for p in root.iterdir() if p.is_dir())
    check(len(cases) > 0, f"no exports under {root}")
    print(f"spaCy {spacy.__version__}, pandas {pd.__version__}, Python {sys.version.split()[0]}")
    for case in cases:
        name = case.name
        docs = load_native(case)
        print(f"== {name}: {len(docs)} documents, {sum(len(d['spans']) for d in docs)} spans, {sum(len(d['relations']) for d in docs)} relations")
        for line in (
            check_native_and_spacy(name, docs),
            check_doccano(name, case, docs),
            check_labelstudio(name, case, docs),
            check_brat(name, case, docs),
            check_conll(name, case, docs),
            check_csv(name, case, docs),
            check_node(case),
        ):
            print("   " + line)
    if FAILURES:
        print(f"\n{len(FAILURES)} FAILED checks:")
        for f in FAILURES[:100]:
            print("  - " + f)
        print(f"consumers: 0 passed, {len(FAILURES)} failed")
        sys.exit(1)
    print(f"consumers: {len(cases)} passed, 0 failed")


if __name__ == "__main__":
    main()
