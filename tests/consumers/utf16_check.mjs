// Slices Hashiya's doccano and Label Studio exports with JavaScript's own String.slice
// (UTF-16 code units), the way both tools' front ends do, and compares with the native
// JSONL span texts. Usage: node utf16_check.mjs CASE_DIR
import { readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
const lines = (f) => readFileSync(join(dir, f), "utf8").split("\n").filter((l) => l.trim());
const native = new Map();
for (const l of lines("native.jsonl")) {
  const d = JSON.parse(l);
  native.set(d.id, new Map(d.spans.map((s) => [s.id, s.text])));
}
let bad = 0;
let n = 0;
const expect = (doc, span, got, where) => {
  n += 1;
  const want = native.get(doc)?.get(span);
  if (got !== want) {
    bad += 1;
    console.log(`${where}: ${doc}/${span}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
  }
};
for (const l of lines("doccano.jsonl")) {
  const o = JSON.parse(l);
  for (const e of o.entities) {
    const sid = o.hashiya.spans[String(e.id)].span_id;
    expect(o.hashiya.document_id, sid, o.text.slice(e.start_offset, e.end_offset), "doccano");
  }
}
for (const t of JSON.parse(readFileSync(join(dir, "labelstudio.json"), "utf8"))) {
  for (const a of t.annotations) {
    for (const r of a.result) {
      if (r.type === "labels") {
        expect(t.data.document_id, r.id, t.data.text.slice(r.value.start, r.value.end), "labelstudio");
      }
    }
  }
}
console.log(`String.slice matched ${n - bad} of ${n} doccano and Label Studio spans`);
process.exit(bad === 0 && n > 0 ? 0 : 1);
