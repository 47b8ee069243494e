//! Hair colour: named presets from published measurements (data/hair/hair_lab.csv), or a
//! measured colour.

use crate::colorimetry::text::parse;
use crate::colorimetry::{Lab, Xyz};
use crate::error::InputError;

const TABLE: &str = include_str!("../data/hair/hair_lab.csv");

/// Names practitioners use for which no readable measurement was found (see the data file).
const UNSOURCED: &[&str] = &[
    "medium-brown",
    "light-brown",
    "blond",
    "red",
    "grey",
    "gray",
    "white",
];

/// The presets: (name, L*a*b*).
pub fn presets() -> Vec<(String, Lab)> {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.splitn(5, ',').collect();
            let n = |i: usize| f[i].parse::<f64>().expect("embedded hair table is numeric");
            (f[0].to_string(), Lab::new(n(1), n(2), n(3)))
        })
        .collect()
}

/// A hair colour by preset name or as a colour (`lab(...)`, relative to `white`).
///
/// # Errors
/// An unknown name, a name without a published measurement (say so), or a malformed colour.
pub fn hair_colour(text: &str, white: Xyz) -> Result<Lab, InputError> {
    let t = text.trim().to_ascii_lowercase();
    if let Some((_, lab)) = presets().into_iter().find(|(n, _)| *n == t) {
        return Ok(lab);
    }
    if UNSOURCED.contains(&t.as_str()) {
        return Err(InputError::Invalid {
            field: "hair".into(),
            message: format!(
                "no published measurement of {t:?} hair was found, so tinct has no preset for it; \
                 give a measured colour such as lab(30 5 8) (presets: {})",
                presets()
                    .into_iter()
                    .map(|p| p.0)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    if t.contains('(') || t.starts_with('#') {
        return Ok(parse(text).map_err(|e| e.at("hair"))?.to_lab(white));
    }
    Err(InputError::Unknown {
        field: "hair".into(),
        kind: "hair colour",
        value: text.to_string(),
        known: presets()
            .into_iter()
            .map(|p| p.0)
            .collect::<Vec<_>>()
            .join(", ")
            + ", or a colour such as lab(30 5 8)",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_and_errors() {
        let w = Xyz::new(94.8, 100.0, 107.3);
        assert_eq!(
            hair_colour("black", w).unwrap(),
            Lab::new(18.0, 0.02, -0.91)
        );
        assert_eq!(hair_colour("Dark-Brown", w).unwrap().l, 22.48);
        assert_eq!(
            hair_colour("lab(30 5 8)", w).unwrap(),
            Lab::new(30.0, 5.0, 8.0)
        );
        let e = hair_colour("blond", w).unwrap_err().to_string();
        assert!(e.contains("no published measurement"), "{e}");
        assert!(hair_colour("purple", w).is_err());
    }
}
