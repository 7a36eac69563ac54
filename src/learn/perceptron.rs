//! An averaged structured perceptron over BIO tags, decoded with Viterbi, and its
//! forward–backward marginals.
//!
//! Tags: `0` is O, `2k + 1` is B of label `k`, `2k + 2` is I of label `k`. A sequence
//! is one sentence; each position carries the row indices of its features (unknown
//! features are dropped before). The score of a tagging is the sum, over positions, of
//! the emission weights of the position's features for its tag plus the transition
//! weight from the previous tag (a start row for the first).
//!
//! **Constraints** (the same when training, decoding and computing marginals): I of a
//! label follows B or I of that label; after a proclitic piece inside a span
//! ([`Piece::Clitic`] tagged I or B), the rest of its word continues the span (I of the
//! same label), so a span never ends inside a word.
//!
//! **Training**: `epochs` passes over the sequences in an order shuffled with a seeded
//! SplitMix64 (the same data and seed give the same weights, bit for bit); on a wrong
//! Viterbi path, +1 on the gold path's features and transitions, −1 on the predicted
//! one's. The weights kept are the average over every step (Collins 2002; the usual
//! `w − u / c` trick, no copies).
//!
//! **Marginals**: the scores divided by a temperature are read as a linear-chain CRF's
//! log-potentials; forward–backward gives each position's probability of each tag.

use super::tokens::Piece;

/// One training or tagging sequence.
#[derive(Debug, Clone, Default)]
pub struct Sequence {
    /// Feature rows per position.
    pub feats: Vec<Vec<u32>>,
    pub pieces: Vec<Piece>,
    /// Gold tags (empty when tagging).
    pub gold: Vec<u8>,
}

/// Emission and transition weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    pub ntags: usize,
    /// `rows × ntags`.
    pub emit: Vec<f32>,
    /// `(ntags + 1) × ntags`; row `ntags` is the start.
    pub trans: Vec<f32>,
}

fn label_of(tag: usize) -> Option<usize> {
    (tag > 0).then(|| (tag - 1) / 2)
}

fn is_inside(tag: usize) -> bool {
    tag > 0 && tag.is_multiple_of(2)
}

/// Whether `cur` may follow `prev` (`None`: the sequence start) at a position whose
/// piece is `piece`, the previous position's piece being `prev_piece`.
pub fn allowed(prev: Option<usize>, prev_piece: Option<Piece>, cur: usize, piece: Piece) -> bool {
    if is_inside(cur) && prev.and_then(label_of) != label_of(cur) {
        return false;
    }
    if piece == Piece::Rest
        && prev_piece == Some(Piece::Clitic)
        && let Some(p) = prev
        && p != 0
    {
        // The proclitic is in a span: its word's rest continues it.
        return is_inside(cur) && label_of(cur) == label_of(p);
    }
    true
}

impl Weights {
    pub fn new(rows: usize, ntags: usize) -> Self {
        Weights {
            ntags,
            emit: vec![0.0; rows * ntags],
            trans: vec![0.0; (ntags + 1) * ntags],
        }
    }

    /// Emission scores, `len × ntags`.
    pub fn emissions(&self, seq: &Sequence) -> Vec<f32> {
        let t = self.ntags;
        let mut out = vec![0.0f32; seq.feats.len() * t];
        for (i, fs) in seq.feats.iter().enumerate() {
            let row = &mut out[i * t..(i + 1) * t];
            for &f in fs {
                let w = &self.emit[f as usize * t..(f as usize + 1) * t];
                for (o, x) in row.iter_mut().zip(w) {
                    *o += x;
                }
            }
        }
        out
    }

    fn trans(&self, prev: Option<usize>, cur: usize) -> f32 {
        self.trans[prev.unwrap_or(self.ntags) * self.ntags + cur]
    }

    /// The best tagging under the constraints.
    pub fn viterbi(&self, seq: &Sequence) -> Vec<u8> {
        self.viterbi_of(&self.emissions(seq), &seq.pieces)
    }

    /// [`Weights::viterbi`] from emission scores already computed.
    pub fn viterbi_of(&self, em: &[f32], pieces: &[Piece]) -> Vec<u8> {
        let n = pieces.len();
        let t = self.ntags;
        if n == 0 {
            return Vec::new();
        }
        let mut score = vec![f32::NEG_INFINITY; n * t];
        let mut back = vec![0u8; n * t];
        for c in 0..t {
            if allowed(None, None, c, pieces[0]) {
                score[c] = em[c] + self.trans(None, c);
            }
        }
        for i in 1..n {
            for c in 0..t {
                let mut best = (f32::NEG_INFINITY, 0usize);
                for p in 0..t {
                    let s = score[(i - 1) * t + p];
                    if s == f32::NEG_INFINITY
                        || !allowed(Some(p), Some(pieces[i - 1]), c, pieces[i])
                    {
                        continue;
                    }
                    let v = s + self.trans(Some(p), c);
                    if v > best.0 {
                        best = (v, p);
                    }
                }
                if best.0 > f32::NEG_INFINITY {
                    score[i * t + c] = best.0 + em[i * t + c];
                    back[i * t + c] = best.1 as u8;
                }
            }
        }
        let last = &score[(n - 1) * t..];
        let mut cur = (0..t)
            .max_by(|&a, &b| last[a].total_cmp(&last[b]).then(b.cmp(&a)))
            .unwrap_or(0);
        let mut out = vec![0u8; n];
        for i in (0..n).rev() {
            out[i] = cur as u8;
            cur = back[i * t + cur] as usize;
        }
        out
    }

    /// Each position's probability of each tag (`len × ntags`), scores divided by
    /// `temperature`.
    pub fn marginals(&self, seq: &Sequence, temperature: f32) -> Vec<f64> {
        self.marginals_of(&self.emissions(seq), &seq.pieces, temperature)
    }

    /// [`Weights::marginals`] from emission scores already computed.
    pub fn marginals_of(&self, em: &[f32], pieces: &[Piece], temperature: f32) -> Vec<f64> {
        let n = pieces.len();
        let t = self.ntags;
        if n == 0 {
            return Vec::new();
        }
        let k = 1.0 / f64::from(temperature);
        let em = |i: usize, c: usize| f64::from(em[i * t + c]) * k;
        let tr = |p: Option<usize>, c: usize| f64::from(self.trans(p, c)) * k;
        let mut alpha = vec![f64::NEG_INFINITY; n * t];
        for (c, a) in alpha.iter_mut().enumerate().take(t) {
            if allowed(None, None, c, pieces[0]) {
                *a = em(0, c) + tr(None, c);
            }
        }
        for i in 1..n {
            for c in 0..t {
                let mut acc = LogSum::default();
                for p in 0..t {
                    if allowed(Some(p), Some(pieces[i - 1]), c, pieces[i]) {
                        acc.add(alpha[(i - 1) * t + p] + tr(Some(p), c));
                    }
                }
                alpha[i * t + c] = acc.value() + em(i, c);
            }
        }
        let mut beta = vec![0.0f64; n * t];
        for i in (0..n - 1).rev() {
            for p in 0..t {
                let mut acc = LogSum::default();
                for c in 0..t {
                    if allowed(Some(p), Some(pieces[i]), c, pieces[i + 1]) {
                        acc.add(tr(Some(p), c) + em(i + 1, c) + beta[(i + 1) * t + c]);
                    }
                }
                beta[i * t + p] = acc.value();
            }
        }
        let mut z = LogSum::default();
        for c in 0..t {
            z.add(alpha[(n - 1) * t + c]);
        }
        let z = z.value();
        let mut out = vec![0.0; n * t];
        for (o, (a, b)) in out.iter_mut().zip(alpha.iter().zip(&beta)) {
            let v = a + b - z;
            *o = if v.is_finite() { v.exp() } else { 0.0 };
        }
        out
    }
}

/// A running log-sum-exp (one pass, no allocation).
struct LogSum {
    max: f64,
    sum: f64,
}

impl Default for LogSum {
    fn default() -> Self {
        LogSum {
            max: f64::NEG_INFINITY,
            sum: 0.0,
        }
    }
}

impl LogSum {
    fn add(&mut self, x: f64) {
        if x == f64::NEG_INFINITY {
            return;
        }
        if x > self.max {
            self.sum = self.sum * (self.max - x).exp() + 1.0;
            self.max = x;
        } else {
            self.sum += (x - self.max).exp();
        }
    }

    fn value(&self) -> f64 {
        if self.max == f64::NEG_INFINITY {
            self.max
        } else {
            self.max + self.sum.ln()
        }
    }
}

/// SplitMix64: a small seeded generator for the shuffles.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Trains averaged weights over `rows` feature rows and `ntags` tags.
pub fn train(seqs: &[Sequence], rows: usize, ntags: usize, epochs: usize, seed: u64) -> Weights {
    let mut w = Weights::new(rows, ntags);
    // Sums of c × update, for the average.
    let mut u = Weights::new(rows, ntags);
    let mut c: f32 = 1.0;
    let mut order: Vec<usize> = (0..seqs.len()).collect();
    let mut rng = SplitMix(seed);
    let t = ntags;
    for _ in 0..epochs {
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        for &k in &order {
            let seq = &seqs[k];
            let pred = w.viterbi(seq);
            if pred != seq.gold {
                for (i, fs) in seq.feats.iter().enumerate() {
                    let (g, p) = (seq.gold[i] as usize, pred[i] as usize);
                    if g != p {
                        for &f in fs {
                            let f = f as usize;
                            w.emit[f * t + g] += 1.0;
                            w.emit[f * t + p] -= 1.0;
                            u.emit[f * t + g] += c;
                            u.emit[f * t + p] -= c;
                        }
                    }
                    let gp = if i == 0 { t } else { seq.gold[i - 1] as usize };
                    let pp = if i == 0 { t } else { pred[i - 1] as usize };
                    if (gp, g) != (pp, p) {
                        w.trans[gp * t + g] += 1.0;
                        w.trans[pp * t + p] -= 1.0;
                        u.trans[gp * t + g] += c;
                        u.trans[pp * t + p] -= c;
                    }
                }
            }
            c += 1.0;
        }
    }
    for (x, y) in w.emit.iter_mut().zip(&u.emit) {
        *x -= y / c;
    }
    for (x, y) in w.trans.iter_mut().zip(&u.trans) {
        *x -= y / c;
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(feats: &[&[u32]], gold: &[u8]) -> Sequence {
        Sequence {
            feats: feats.iter().map(|f| f.to_vec()).collect(),
            pieces: vec![Piece::Whole; feats.len()],
            gold: gold.to_vec(),
        }
    }

    #[test]
    fn learns_a_separable_toy_problem_and_marginals_sum_to_one() {
        // Feature 1 marks a one-word name of label 0 (tags O=0, B=1, I=2); 2 continues it.
        let data = vec![
            seq(&[&[0], &[1], &[0]], &[0, 1, 0]),
            seq(&[&[1], &[2], &[0]], &[1, 2, 0]),
            seq(&[&[0], &[0]], &[0, 0]),
        ];
        let w = train(&data, 3, 3, 5, 7);
        for s in &data {
            assert_eq!(w.viterbi(s), s.gold);
            let m = w.marginals(s, 1.0);
            for row in m.chunks(3) {
                assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{row:?}");
            }
        }
        // Same data, same seed: the same weights, bit for bit.
        assert_eq!(train(&data, 3, 3, 5, 7), w);
    }

    #[test]
    fn constraints() {
        // I after O is not allowed; I after B of its label is.
        assert!(!allowed(Some(0), Some(Piece::Whole), 2, Piece::Whole));
        assert!(!allowed(None, None, 2, Piece::Whole));
        assert!(allowed(Some(1), Some(Piece::Whole), 2, Piece::Whole));
        assert!(!allowed(Some(1), Some(Piece::Whole), 4, Piece::Whole));
        // A proclitic in a span: the rest of its word continues it.
        assert!(!allowed(Some(1), Some(Piece::Clitic), 0, Piece::Rest));
        assert!(!allowed(Some(2), Some(Piece::Clitic), 1, Piece::Rest));
        assert!(allowed(Some(1), Some(Piece::Clitic), 2, Piece::Rest));
        assert!(allowed(Some(0), Some(Piece::Clitic), 1, Piece::Rest));
    }
}
