//! A JSON dump of a layout, for `hashiya layout` and for tests that compare the engine
//! with HarfBuzz and FriBidi. Everything is in code points and pixels, `y` downward.

use serde_json::{Value, json};

use super::engine::TextEngine;
use super::layout::{ArticleLayout, LayoutParams};

/// Lays out `text` exactly as the article view does and describes the result.
pub fn describe(
    engine: &mut TextEngine,
    text: &str,
    params: LayoutParams,
    ranges: &[(usize, usize)],
    hits: &[(f32, f32)],
) -> Value {
    let layout = ArticleLayout::new(engine, text, params);
    let lines: Vec<Value> = (0..layout.lines().len())
        .map(|i| {
            let l = &layout.lines()[i];
            let runs: Vec<Value> = layout
                .line_runs(engine, i)
                .into_iter()
                .map(|r| {
                    json!({
                        "font": r.font.family(),
                        "rtl": r.rtl,
                        // parley exposes a run's direction, not its embedding level.
                        "level": if r.rtl { 1 } else { 0 },
                        "range": [r.range.start, r.range.end],
                        "glyphs": r.glyphs.iter().map(|&(id, x, y, advance, cluster)| json!({
                            "id": id, "x": x, "y": y, "advance": advance, "cluster": cluster
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "top": l.top,
                "height": l.bottom - l.top,
                "range": [l.range.start, l.range.end],
                "runs": runs,
            })
        })
        .collect();
    let selections: Vec<Value> = ranges
        .iter()
        .map(|&(s, e)| {
            let rects: Vec<Value> = layout
                .range_rects(s, e)
                .iter()
                .map(|r| json!([r.x0, r.y0, r.x1, r.y1]))
                .collect();
            json!({"range": [s, e], "rects": rects})
        })
        .collect();
    let hits: Vec<Value> = hits
        .iter()
        .map(|&(x, y)| json!({"point": [x, y], "offset": layout.hit_char(x, y)}))
        .collect();
    json!({
        "width": params.width,
        "font_size": params.font_size,
        "lines": lines,
        "selections": selections,
        "hits": hits,
    })
}
