//! The long article of the benches: the sample article `copies` times in one document
//! ("big"), annotator-a's spans on every copy (ids `c<copy>-<id>`, no entity links).
//! Included with `#[path = "support/sample_copies.rs"] mod sample_copies;`.

use hashiya::model::{AnnotationSet, Document, Project};

pub fn sample_copies(copies: usize) -> Project {
    let base = hashiya::store::sample::sample().expect("sample loads");
    let doc = &base.documents[0];
    let set = &base.sets[0];
    let unit = format!("{}\n", doc.text);
    let len = unit.chars().count();
    let mut out = AnnotationSet::new(&set.annotator, "big");
    for c in 0..copies {
        for s in &set.spans {
            let mut x = s.clone();
            x.id = format!("c{c:03}-{}", s.id);
            x.start += c * len;
            x.end += c * len;
            x.entity = None;
            out.spans.push(x);
        }
    }
    let mut p = base.clone();
    p.documents = vec![Document::new("big", "big", unit.repeat(copies))];
    p.sets = vec![out];
    p
}
