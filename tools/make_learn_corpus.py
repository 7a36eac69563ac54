#!/usr/bin/env python3
"""Build the learning test corpus: tests/fixtures/learn/news-corpus.json.

    python3 tools/make_learn_corpus.py [--update-readme]     (run from the repo root)

Reads tests/fixtures/learn/source/NN-topic.txt (original short Arabic news
articles with inline annotation markup, described in tests/fixtures/learn/README.md),
checks every annotation against the corpus conventions, and writes one Hashiya
project (annotator "annotator-a", one set per document).  Prints the counts per
label and split and how many TEST names never occur in TRAIN; with --update-readme
it also rewrites the block between the stats markers in the README.

Offsets are Unicode code points (Python str indices), end-exclusive; every span's
`text` equals text[start:end].  The output is byte-identical from run to run.
Standard library only.  Any markup or convention error stops the script with the
file, line and column and a message; nothing is written then.
"""

import hashlib
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEARN = ROOT / "tests" / "fixtures" / "learn"
SOURCE = LEARN / "source"
OUT = LEARN / "news-corpus.json"
README = LEARN / "README.md"
SAMPLE = ROOT / "projects" / "derna-sirte.json"
ANNOTATOR = "annotator-a"
TRAIN_DOCS = 8  # the first 8 documents by id are TRAIN, the rest TEST

KINDS = {
    "claim": {"statement", "assessment", "promise", "accusation", "denial", "other"},
    "actor": {"person", "organization", "armed group", "government", "state", "other"},
    "location": {"city", "region", "country", "site", "other"},
}
RELATIONS = {
    "said_by": ({"claim"}, {"actor"}),
    "about": ({"claim"}, {"actor", "location"}),
    "located_in": ({"actor"}, {"location"}),
}
HEADER = re.compile(
    r"^(claim|actor|location)"  # label
    r"(?:/([a-z_]+))?"  # /kind (underscore for a space: armed_group)
    r"(?::([A-Za-z][A-Za-z0-9_]*))?"  # :handle, to be named by relations
    r"((?:>[a-z_]+:[A-Za-z][A-Za-z0-9_]*)*)$"  # >relation:target ...
)
# Allowed letters of a word before a mention (the proclitic chain): و/ف, then ب/ك/ل.
PROCLITICS = {"", "و", "ف", "ب", "ك", "ل", "وب", "فب", "وك", "فك", "ول", "فل"}
# A mention never starts with a proclitic + the article.
CLITIC_ARTICLE = ("وال", "فال", "بال", "كال", "لل")
# Words that merely look like one («والي» governor).
CLITIC_ARTICLE_WORDS = {"والي"}
COMPLEMENTISERS = ("أن ", "إن ", "بأن ", "فإن ", "ان ", "بان ", "بأنه ", "بأنها ", "أنه ", "إنه ")
EDGE_PUNCT = set(" \t\n.,،؛:؟!«»\"“”()")
SENTENCE_END = re.compile(r"[.!؟](?=\s|$)|\n")


class MarkupError(Exception):
    pass


def fail(path, line, col, msg):
    raise MarkupError(f"{path.relative_to(ROOT)}:{line}:{col}: {msg}")


def is_word_char(c):
    return c.isalnum() or unicodedata.category(c) == "Mn"


def parse(path):
    """One source file -> (meta, text, spans); relations stay on their spans."""
    raw = path.read_text(encoding="utf-8")
    if "\r" in raw:
        fail(path, 1, 1, "CR line endings; save the file with LF only")
    lines = raw.split("\n")
    meta = {}
    i = 0
    while i < len(lines) and lines[i].strip():
        key, sep, value = lines[i].partition(":")
        if not sep or key.strip() not in ("outlet", "date", "topic"):
            fail(path, i + 1, 1, "expected a header line 'outlet: ...', 'date: ...' or 'topic: ...' "
                 "followed by a blank line, then the article")
        meta[key.strip()] = value.strip()
        i += 1
    for k in ("outlet", "date", "topic"):
        if k not in meta:
            fail(path, 1, 1, f"missing header line '{k}: ...'")
    body_lines = [ln.rstrip() for ln in lines[i + 1:]]
    # Paragraphs are single lines separated by one blank line.
    paras = []
    for n, ln in enumerate(body_lines):
        if ln:
            paras.append((i + 2 + n, ln))
    out = []  # characters of the plain text
    spans = []  # dicts with start, end, label, kind, handle, rels, where
    stack = []
    for p, (lineno, ln) in enumerate(paras):
        if p:
            out.append("\n\n")
        col = 0
        while col < len(ln):
            c = ln[col]
            if c == "[":
                m = re.match(r"\[([^\s\[\]]+) ", ln[col:])
                if not m:
                    fail(path, lineno, col + 1, "'[' must be followed by a header like "
                         "'actor/person:a1' and one space")
                h = HEADER.match(m.group(1))
                if not h:
                    fail(path, lineno, col + 1, f"bad header '{m.group(1)}' (expected "
                         "label[/kind][:handle][>relation:handle...])")
                label, kind, handle, rels = h.groups()
                kind = kind.replace("_", " ") if kind else None
                if kind and kind not in KINDS[label]:
                    fail(path, lineno, col + 1, f"kind '{kind}' is not one of "
                         f"{sorted(KINDS[label])} for {label}")
                rel_list = [tuple(r.split(":")) for r in rels.split(">")[1:]] if rels else []
                for kind_r, _ in rel_list:
                    if kind_r not in RELATIONS:
                        fail(path, lineno, col + 1, f"unknown relation '{kind_r}'")
                stack.append({
                    "start": len("".join(out)), "label": label, "kind": kind,
                    "handle": handle, "rels": rel_list, "where": (lineno, col + 1),
                })
                col += len(m.group(0))
            elif c == "]":
                if not stack:
                    fail(path, lineno, col + 1, "']' without an open '['")
                s = stack.pop()
                s["end"] = len("".join(out))
                spans.append(s)
                col += 1
            else:
                out.append(c)
                col += 1
        if stack:
            fail(path, *stack[-1]["where"], "'[' not closed on the same paragraph")
    text = "".join(out)
    return meta, text, spans


def check(path, text, spans):
    """The conventions of the README, per span and per relation."""
    handles = {}
    for s in spans:
        where = s["where"]
        seg = text[s["start"]:s["end"]]
        s["text"] = seg
        if not seg:
            fail(path, *where, "empty span")
        if seg[0] in EDGE_PUNCT or seg[-1] in EDGE_PUNCT:
            fail(path, *where, f"span «{seg}» starts or ends with a space or punctuation")
        if "\n" in seg:
            fail(path, *where, "a span never crosses a paragraph")
        # Word boundaries: after the span no letter (no enclitic split off), before
        # it only a proclitic chain.
        if s["end"] < len(text) and is_word_char(text[s["end"]]):
            fail(path, *where, f"span «{seg}» ends inside a word")
        k = s["start"]
        while k > 0 and is_word_char(text[k - 1]):
            k -= 1
        prefix = text[k:s["start"]].replace("ـ", "")  # لـ"…" (tatweel)
        if prefix not in PROCLITICS:
            fail(path, *where, f"span «{seg}» starts inside a word (before it: «{prefix}»)")
        if s["label"] != "claim":
            if seg.startswith(CLITIC_ARTICLE) and seg.split()[0] not in CLITIC_ARTICLE_WORDS:
                fail(path, *where, f"mention «{seg}» starts with a proclitic + article; "
                     "leave و/ف/ب/ك/ل outside (للX: start at the second lam)")
            if s["kind"] is None:
                fail(path, *where, f"{s['label']} «{seg}» needs a kind (/person, /city, ...)")
        else:
            if seg.startswith(COMPLEMENTISERS):
                fail(path, *where, f"claim starts with a complementiser: «{seg[:12]}…»")
            if s["kind"] is None:
                s["kind"] = "statement"
        if s["handle"]:
            if s["handle"] in handles:
                fail(path, *where, f"handle '{s['handle']}' used twice")
            handles[s["handle"]] = s
    # Claims never overlap each other; actor/location mentions never overlap each
    # other (flat, for a sequence tagger); mentions nest inside claims.
    for a in spans:
        for b in spans:
            if a is b or not (a["start"] < b["end"] and b["start"] < a["end"]):
                continue
            if a["label"] == "claim" and b["label"] == "claim":
                fail(path, *a["where"], "two claims overlap")
            if a["label"] != "claim" and b["label"] != "claim":
                fail(path, *a["where"], f"mentions «{a['text']}» and «{b['text']}» overlap")
            claim, other = (a, b) if a["label"] == "claim" else (b, a)
            if not (claim["start"] <= other["start"] and other["end"] <= claim["end"]):
                fail(path, *other["where"], f"mention «{other['text']}» crosses a claim boundary")
    for s in spans:
        said = [t for k, t in s["rels"] if k == "said_by"]
        if s["label"] == "claim" and len(said) != 1:
            fail(path, *s["where"], f"claim «{s['text'][:20]}…» needs exactly one >said_by:HANDLE")
        for kind, target in s["rels"]:
            t = handles.get(target)
            if t is None:
                fail(path, *s["where"], f"relation target '{target}' is not a handle in this file")
            froms, tos = RELATIONS[kind]
            if s["label"] not in froms or t["label"] not in tos:
                fail(path, *s["where"], f"{kind} goes from {sorted(froms)} to {sorted(tos)}, "
                     f"not {s['label']} -> {t['label']}")


def same_sentence(text, a, b):
    lo, hi = min(a["end"], b["end"]), max(a["start"], b["start"])
    if lo >= hi:
        return True
    return SENTENCE_END.search(text, lo, hi) is None


def build_document(path, doc_id, split):
    meta, text, spans = parse(path)
    check(path, text, spans)
    title = text.split("\n", 1)[0]
    spans.sort(key=lambda s: (s["start"], -s["end"], s["label"]))
    ids = {}
    out_spans = []
    for n, s in enumerate(spans, 1):
        sid = f"{doc_id[:2]}-s{n:03}"
        ids[id(s)] = sid
    handles = {s["handle"]: s for s in spans if s["handle"]}
    out_rels = []
    pronoun_claims = 0
    for s in spans:
        span = {
            "id": ids[id(s)], "start": s["start"], "end": s["end"],
            "label": s["label"], "text": s["text"], "attributes": {"kind": s["kind"]},
        }
        for kind, target in s["rels"]:
            t = handles[target]
            if kind == "said_by" and not same_sentence(text, s, t):
                span["note"] = ("speaker is a pronoun in this sentence; said_by goes to "
                                "the mention in an earlier sentence")
                pronoun_claims += 1
            out_rels.append((s["start"], kind, ids[id(s)], ids[id(t)]))
        out_spans.append(span)
    out_rels.sort()
    relations = [
        {"id": f"{doc_id[:2]}-r{n:02}", "kind": k, "from": f, "to": t}
        for n, (_, k, f, t) in enumerate(out_rels, 1)
    ]
    document = {
        "id": doc_id,
        "title": title,
        "source": {"outlet": meta["outlet"], "date": meta["date"]},
        "text": text,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "meta": {"split": split, "topic": meta["topic"]},
    }
    aset = {"annotator": ANNOTATOR, "document": doc_id, "spans": out_spans,
            "relations": relations}
    return document, aset, pronoun_claims


def fold(s):
    """Loose comparison of names: alef forms, ى/ي, ة/ه, tatweel, marks."""
    s = "".join(c for c in s if unicodedata.category(c) != "Mn" and c != "ـ")
    for a, b in (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ى", "ي"), ("ة", "ه")):
        s = s.replace(a, b)
    return " ".join(s.split())


def stats(documents, sets, pronouns):
    split = {d["id"]: d["meta"]["split"] for d in documents}
    texts = {d["id"]: d["text"] for d in documents}
    rows = []
    count = {}
    for st in sets:
        sp = split[st["document"]]
        for s in st["spans"]:
            count[(sp, s["label"])] = count.get((sp, s["label"]), 0) + 1
        for r in st["relations"]:
            count[(sp, r["kind"])] = count.get((sp, r["kind"]), 0) + 1
        count[(sp, "documents")] = count.get((sp, "documents"), 0) + 1
        count[(sp, "characters")] = count.get((sp, "characters"), 0) + len(texts[st["document"]])
    count[("train", "pronoun")] = sum(v for k, v in pronouns.items() if split[k] == "train")
    count[("test", "pronoun")] = sum(v for k, v in pronouns.items() if split[k] == "test")
    keys = ["documents", "characters", "actor", "location", "claim", "said_by", "about",
            "located_in", "pronoun"]
    names = {"pronoun": "claims whose speaker is not named in their sentence (pronoun or "
                        "untagged anaphor; said_by to an earlier sentence)"}
    rows.append("| | TRAIN | TEST | all |")
    rows.append("|---|---:|---:|---:|")
    for k in keys:
        a, b = count.get(("train", k), 0), count.get(("test", k), 0)
        rows.append(f"| {names.get(k, k)} | {a} | {b} | {a + b} |")
    rows.append("")
    rows.append("| document | split | characters | actor | location | claim | said_by | about |")
    rows.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for st in sets:
        n = lambda lab: sum(1 for s in st["spans"] if s["label"] == lab)
        r = lambda kind: sum(1 for x in st["relations"] if x["kind"] == kind)
        rows.append(f"| {st['document']} | {split[st['document']].upper()} | "
                    f"{len(texts[st['document']])} | {n('actor')} | {n('location')} | "
                    f"{n('claim')} | {r('said_by')} | {r('about')} |")
    train_names, test_names, test_mentions = set(), set(), []
    train_text = fold("\n".join(texts[d] for d in texts if split[d] == "train"))
    for st in sets:
        for s in st["spans"]:
            if s["label"] not in ("actor", "location"):
                continue
            key = (s["label"], fold(s["text"]))
            if split[st["document"]] == "train":
                train_names.add(key)
            else:
                test_names.add(key)
                test_mentions.append(key)
    unseen = sorted(n for n in test_names if n not in train_names)
    absent = [n for n in unseen if n[1] not in train_text]
    unseen_mentions = sum(1 for m in test_mentions if m not in train_names)
    pct = lambda a, b: f"{100 * a / b:.1f} %" if b else "n/a"
    lines = [
        "\n".join(rows),
        "",
        "Names = distinct (label, folded span text) of actor and location spans "
        "(folding: alef forms, ى/ي, ة/ه, tatweel, marks).",
        "",
        f"- distinct TEST names: {len(test_names)}; never tagged in TRAIN: {len(unseen)} "
        f"({pct(len(unseen), len(test_names))})",
        f"- of those, not even a substring of the TRAIN text: {len(absent)} "
        f"({pct(len(absent), len(test_names))} of the TEST names)",
        f"- TEST actor/location mentions: {len(test_mentions)}; with a name never tagged "
        f"in TRAIN: {unseen_mentions} ({pct(unseen_mentions, len(test_mentions))})",
    ]
    surface = {}
    for st in sets:
        for s in st["spans"]:
            surface.setdefault((s["label"], fold(s["text"])), s["text"])
    seen = sorted(surface[n] for n in test_names if n in train_names)
    lines.append(f"- TEST names also tagged in TRAIN: {', '.join('«' + s + '»' for s in seen) or 'none'}")
    return "\n".join(lines)


def untagged(documents, sets):
    """Occurrences of a tagged actor/location name (anywhere in the corpus) that no
    actor/location span covers: a careful annotator tags every mention of a name.
    Matching as the string matcher does: whole words, after a proclitic chain."""
    names = sorted({s["text"] for st in sets for s in st["spans"] if s["label"] != "claim"})
    problems = []
    for d, st in zip(documents, sets):
        covered = [(s["start"], s["end"]) for s in st["spans"] if s["label"] != "claim"]
        for name in names:
            pat = re.compile(r"(?<![\w])(?:[وف]?[بكل]?)(" + re.escape(name) + r")(?![\w])")
            for m in pat.finditer(d["text"]):
                a, b = m.span(1)
                if not any(x <= a and b <= y for x, y in covered):
                    line = d["text"].count("\n", 0, a) // 2 + 1
                    problems.append(f"{d['id']}: paragraph {line}: «{name}» at {a} is not tagged")
    return problems


def main(argv):
    update_readme = "--update-readme" in argv[1:]
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    files = sorted(SOURCE.glob("*.txt"))
    if not files:
        sys.exit(f"no sources in {SOURCE}")
    documents, sets, pronouns = [], [], {}
    try:
        for n, path in enumerate(files):
            if not re.fullmatch(r"\d\d-[a-z]+\.txt", path.name):
                fail(path, 1, 1, "source file names are NN-topic.txt")
            doc_id = path.stem
            split = "train" if n < TRAIN_DOCS else "test"
            d, s, p = build_document(path, doc_id, split)
            documents.append(d)
            sets.append(s)
            pronouns[doc_id] = p
        problems = untagged(documents, sets)
        if problems:
            raise MarkupError("names tagged elsewhere but not here (tag them, or reword):\n  "
                              + "\n  ".join(problems))
    except MarkupError as e:
        sys.exit(f"error: {e}\nNothing was written.")
    project = {
        "format": "hashiya-project",
        "version": 1,
        "name": "Learning test corpus (original short Arabic news, annotator A)",
        "schema": sample["schema"],
        "documents": documents,
        "entities": [],
        "sets": sets,
    }
    data = json.dumps(project, ensure_ascii=False, indent=2) + "\n"
    tmp = OUT.with_suffix(".json.tmp")
    tmp.write_text(data, encoding="utf-8")
    tmp.replace(OUT)
    report = stats(documents, sets, pronouns)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(documents)} documents "
          f"(TRAIN {min(TRAIN_DOCS, len(documents))}, TEST {max(0, len(documents) - TRAIN_DOCS)})")
    print(report)
    if update_readme:
        readme = README.read_text(encoding="utf-8")
        begin, end = "<!-- stats:begin -->", "<!-- stats:end -->"
        if begin not in readme or end not in readme:
            sys.exit(f"error: {README.relative_to(ROOT)} has no {begin} ... {end} block")
        head, rest = readme.split(begin, 1)
        _, tail = rest.split(end, 1)
        README.write_text(f"{head}{begin}\n{report}\n{end}{tail}", encoding="utf-8")
        print(f"updated {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv)
