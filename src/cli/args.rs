//! The typed values of `hashiya layout`'s options, parsed by clap (`value_parser`), so
//! that a bad value is refused with clap's usual error, which names the option and the
//! expected form, before any command runs.

use std::fmt;
use std::str::FromStr;

/// `--range START:END`: code points, end-exclusive (like every offset in a project).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodePointRange {
    pub start: usize,
    pub end: usize,
}

impl FromStr for CodePointRange {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let expected = "expected START:END in code points, e.g. 10:15";
        let (a, b) = s.split_once(':').ok_or(expected)?;
        let (Ok(start), Ok(end)) = (a.trim().parse(), b.trim().parse()) else {
            return Err(expected.into());
        };
        if start > end {
            return Err(format!("{expected} (START at most END)"));
        }
        Ok(CodePointRange { start, end })
    }
}

impl fmt::Display for CodePointRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.start, self.end)
    }
}

/// `--hit X,Y`: a point in pixels, in the layout's coordinates (origin top left).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

impl FromStr for Point {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let expected = "expected X,Y in pixels, e.g. 120.5,30";
        let (a, b) = s.split_once(',').ok_or(expected)?;
        match (a.trim().parse::<f32>(), b.trim().parse::<f32>()) {
            (Ok(x), Ok(y)) if x.is_finite() && y.is_finite() => Ok(Point { x, y }),
            _ => Err(expected.into()),
        }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.x, self.y)
    }
}

/// `--width`, `--font-size`: a finite number of pixels above zero.
pub fn pixels(s: &str) -> Result<f32, String> {
    match s.trim().parse::<f32>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err("expected a number of pixels above 0, e.g. 800".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_points_parse_and_print_back() {
        let r: CodePointRange = " 10 : 15".parse().unwrap();
        assert_eq!(r, CodePointRange { start: 10, end: 15 });
        assert_eq!(r.to_string(), "10:15");
        let p: Point = "120.5,30".parse().unwrap();
        assert_eq!(p, Point { x: 120.5, y: 30.0 });
        assert_eq!(p.to_string(), "120.5,30");
    }

    #[test]
    fn bad_values_name_the_expected_form() {
        for bad in ["10", "10-15", "a:b", "-1:3", ""] {
            let e = bad.parse::<CodePointRange>().unwrap_err();
            assert!(e.contains("START:END"), "{bad}: {e}");
        }
        assert!("15:10".parse::<CodePointRange>().is_err());
        for bad in ["1", "1;2", "x,2", "NaN,1", "inf,0"] {
            let e = bad.parse::<Point>().unwrap_err();
            assert!(e.contains("X,Y"), "{bad}: {e}");
        }
        for bad in ["0", "-3", "NaN", "inf", "wide"] {
            assert!(pixels(bad).is_err(), "{bad}");
        }
        assert_eq!(pixels("22.5"), Ok(22.5));
    }
}
