//! Chance-corrected agreement on label sequences: Cohen's κ, Fleiss' κ, Krippendorff's α.
//!
//! Every function takes one label per unit (token) per annotator, all sequences of the
//! same length and aligned (no missing values: every annotator labels every unit of the
//! compared documents, `O` included). Labels are compared for equality only (nominal
//! data). The formulas are the ones of the reference implementations the numbers are
//! tested against (`tests/fixtures/review/reference.json`):
//!
//! - [`cohen_kappa`]: κ = (p_o − p_e) / (1 − p_e), p_e from each annotator's own label
//!   distribution — scikit-learn's `cohen_kappa_score` (unweighted).
//! - [`fleiss_kappa`]: κ = (P̄ − P̄_e) / (1 − P̄_e), P̄_e from the pooled label distribution —
//!   statsmodels' `fleiss_kappa(method="fleiss")`. For two annotators this is Scott's π.
//! - [`krippendorff_alpha_nominal`]: α = 1 − D_o / D_e from the coincidence matrix — the
//!   `krippendorff` package's `alpha(level_of_measurement="nominal")`.
//!
//! When chance agreement is total (every unit got the same single label from everyone,
//! so the statistic is 0/0) the result is `None`, where scikit-learn returns NaN and
//! `krippendorff` raises an error.

use std::collections::BTreeMap;

use super::ReviewError;

fn same_lengths<T>(seqs: &[&[T]]) -> Result<usize, ReviewError> {
    let n = seqs.first().map_or(0, |s| s.len());
    for s in seqs {
        if s.len() != n {
            return Err(ReviewError::LengthMismatch { a: n, b: s.len() });
        }
    }
    Ok(n)
}

/// Category index of every label, in sorted order.
fn categories<'t, T: Ord>(seqs: &[&'t [T]]) -> BTreeMap<&'t T, usize> {
    let mut cats: BTreeMap<&T, usize> = BTreeMap::new();
    for s in seqs {
        for x in s.iter() {
            cats.insert(x, 0);
        }
    }
    for (i, v) in cats.values_mut().enumerate() {
        *v = i;
    }
    cats
}

/// Proportion of units on which the two annotators gave the same label (`None` for no
/// units).
pub fn observed_agreement<T: Ord>(a: &[T], b: &[T]) -> Result<Option<f64>, ReviewError> {
    let n = same_lengths(&[a, b])?;
    if n == 0 {
        return Ok(None);
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    Ok(Some(same as f64 / n as f64))
}

/// Cohen's κ between two annotators.
pub fn cohen_kappa<T: Ord>(a: &[T], b: &[T]) -> Result<Option<f64>, ReviewError> {
    let n = same_lengths(&[a, b])?;
    if n == 0 {
        return Ok(None);
    }
    let cats = categories(&[a, b]);
    let k = cats.len();
    let mut row = vec![0.0f64; k];
    let mut col = vec![0.0f64; k];
    let mut agree = 0.0f64;
    for (x, y) in a.iter().zip(b) {
        let (i, j) = (cats[x], cats[y]);
        row[i] += 1.0;
        col[j] += 1.0;
        if i == j {
            agree += 1.0;
        }
    }
    let n = n as f64;
    // 1 − observed disagreement / expected disagreement, as scikit-learn computes it.
    let observed_dis = n - agree;
    let expected_agree: f64 = row.iter().zip(&col).map(|(r, c)| r * c / n).sum();
    let expected_dis = n - expected_agree;
    if expected_dis <= 0.0 {
        return Ok(None);
    }
    Ok(Some(1.0 - observed_dis / expected_dis))
}

/// Fleiss' κ over any number (≥ 2) of annotators.
pub fn fleiss_kappa<T: Ord>(seqs: &[&[T]]) -> Result<Option<f64>, ReviewError> {
    if seqs.len() < 2 {
        return Err(ReviewError::TooFewAnnotators {
            needed: 2,
            got: seqs.len(),
        });
    }
    let units = same_lengths(seqs)?;
    if units == 0 {
        return Ok(None);
    }
    let cats = categories(seqs);
    let raters = seqs.len() as f64;
    let mut totals = vec![0.0f64; cats.len()];
    let mut p_units = 0.0f64;
    let mut counts = vec![0.0f64; cats.len()];
    for u in 0..units {
        counts.iter_mut().for_each(|c| *c = 0.0);
        for s in seqs {
            counts[cats[&s[u]]] += 1.0;
        }
        let sq: f64 = counts.iter().map(|c| c * c).sum();
        p_units += (sq - raters) / (raters * (raters - 1.0));
        for (t, c) in totals.iter_mut().zip(&counts) {
            *t += c;
        }
    }
    let total = units as f64 * raters;
    let p_mean = p_units / units as f64;
    let p_exp: f64 = totals.iter().map(|t| (t / total) * (t / total)).sum();
    if p_exp >= 1.0 {
        return Ok(None);
    }
    Ok(Some((p_mean - p_exp) / (1.0 - p_exp)))
}

/// Krippendorff's α for nominal data over any number (≥ 2) of annotators, no missing
/// values.
pub fn krippendorff_alpha_nominal<T: Ord>(seqs: &[&[T]]) -> Result<Option<f64>, ReviewError> {
    if seqs.len() < 2 {
        return Err(ReviewError::TooFewAnnotators {
            needed: 2,
            got: seqs.len(),
        });
    }
    let units = same_lengths(seqs)?;
    let cats = categories(seqs);
    let k = cats.len();
    let m = seqs.len() as f64;
    // Coincidence matrix: each ordered pair of values within a unit, weighted 1/(m−1).
    let mut o = vec![0.0f64; k * k];
    let mut counts = vec![0.0f64; k];
    for u in 0..units {
        counts.iter_mut().for_each(|c| *c = 0.0);
        for s in seqs {
            counts[cats[&s[u]]] += 1.0;
        }
        for c in 0..k {
            if counts[c] == 0.0 {
                continue;
            }
            for d in 0..k {
                let pairs = if c == d {
                    counts[c] * (counts[c] - 1.0)
                } else {
                    counts[c] * counts[d]
                };
                o[c * k + d] += pairs / (m - 1.0);
            }
        }
    }
    let n_c: Vec<f64> = (0..k).map(|c| (0..k).map(|d| o[c * k + d]).sum()).collect();
    let n: f64 = n_c.iter().sum();
    let mut d_o = 0.0;
    let mut d_e = 0.0;
    for c in 0..k {
        for d in 0..k {
            if c != d {
                d_o += o[c * k + d];
                d_e += n_c[c] * n_c[d];
            }
        }
    }
    if n <= 1.0 || d_e <= 0.0 {
        return Ok(None);
    }
    let d_e = d_e / (n - 1.0);
    Ok(Some(1.0 - d_o / d_e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn perfect_and_chance() {
        let a = v("aabbc");
        assert_eq!(cohen_kappa(&a, &a).unwrap(), Some(1.0));
        assert_eq!(krippendorff_alpha_nominal(&[&a, &a]).unwrap(), Some(1.0));
        assert_eq!(fleiss_kappa(&[&a, &a, &a]).unwrap(), Some(1.0));
        // Everyone says the same single label everywhere: 0/0.
        let o = v("oooo");
        assert_eq!(cohen_kappa(&o, &o).unwrap(), None);
        assert_eq!(krippendorff_alpha_nominal(&[&o, &o]).unwrap(), None);
        assert_eq!(fleiss_kappa(&[&o, &o]).unwrap(), None);
        let e: Vec<char> = Vec::new();
        assert_eq!(cohen_kappa(&e, &e).unwrap(), None);
    }

    #[test]
    fn hand_computed_kappa() {
        // 10 units: a = 5×x 5×y, b agrees on 8. Confusion [[4,1],[1,4]]:
        // p_o = 0.8, p_e = 0.5·0.5 + 0.5·0.5 = 0.5, κ = 0.6.
        let a = v("xxxxxyyyyy");
        let b = v("xxxxyxyyyy");
        let k = cohen_kappa(&a, &b).unwrap().unwrap();
        assert!((k - 0.6).abs() < 1e-12, "{k}");
        // α: n = 20, o_xy = o_yx = 2, n_x = n_y = 10, D_o = 4, D_e = 200/19:
        // α = 1 − 4·19/200 = 0.62.
        let al = krippendorff_alpha_nominal(&[&a, &b]).unwrap().unwrap();
        assert!((al - 0.62).abs() < 1e-12, "{al}");
    }

    #[test]
    fn lengths_must_match() {
        let a = v("ab");
        let b = v("abc");
        assert_eq!(
            cohen_kappa(&a, &b),
            Err(ReviewError::LengthMismatch { a: 2, b: 3 })
        );
        assert!(fleiss_kappa(&[&a[..], &b[..]]).is_err());
        assert_eq!(
            krippendorff_alpha_nominal(&[&a[..]]),
            Err(ReviewError::TooFewAnnotators { needed: 2, got: 1 })
        );
    }
}
