//! The CIE tables embedded in the binary (data/cie/), parsed once on first use.
//!
//! Colour-matching functions are the official 1 nm tables (360-830 nm). Illuminants are the
//! official 5 nm tables; they are brought to 1 nm, as ASTM E2022 requires, by linear
//! interpolation inside their tabulated range and by repeating the nearest tabulated value
//! outside it (F2, F11 and LED-B3 start at 380 nm). This is what colour-science 0.4.7 does (its
//! CIE illuminants are declared with a linear interpolator), and it reproduces the white points
//! of shared/reference/cie_tables/whitepoints.csv. Sprague interpolation (CIE 167:2005's
//! recommendation for smooth data) is deliberately not used: on the mercury lines of F11 it
//! overshoots to negative power (-0.35) and moves the F11 white by 0.06 in X.

use std::sync::OnceLock;

use super::{Illuminant, Observer};
use crate::spectrum::linear_interpolate;

/// First and last wavelength of the 1 nm tables, nm.
pub(crate) const TABLE_START_NM: u32 = 360;
pub(crate) const TABLE_END_NM: u32 = 830;
const TABLE_LEN: usize = (TABLE_END_NM - TABLE_START_NM + 1) as usize;

/// Colour-matching functions at 1 nm from 360 nm to 830 nm.
pub(crate) struct Cmf {
    pub xbar: Vec<f64>,
    pub ybar: Vec<f64>,
    pub zbar: Vec<f64>,
}

const CMF_1931: &str = include_str!("../../data/cie/cmf_cie1931_2deg_1nm.csv");
const CMF_1964: &str = include_str!("../../data/cie/cmf_cie1964_10deg_1nm.csv");

/// Rows of a small numeric CSV embedded in the binary: `#` lines and the header are skipped.
fn rows(text: &'static str) -> impl Iterator<Item = Vec<f64>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| {
            l.split(',')
                .map(|v| {
                    v.trim()
                        .parse::<f64>()
                        .expect("embedded CIE table is numeric")
                })
                .collect()
        })
}

fn parse_cmf(text: &'static str) -> Cmf {
    let mut c = Cmf {
        xbar: Vec::with_capacity(TABLE_LEN),
        ybar: Vec::with_capacity(TABLE_LEN),
        zbar: Vec::with_capacity(TABLE_LEN),
    };
    for (i, r) in rows(text).enumerate() {
        assert_eq!(r[0], (TABLE_START_NM as usize + i) as f64, "CMF table grid");
        c.xbar.push(r[1]);
        c.ybar.push(r[2]);
        c.zbar.push(r[3]);
    }
    assert_eq!(c.xbar.len(), TABLE_LEN, "CMF table length");
    c
}

/// The observer's colour-matching functions at 1 nm, 360-830 nm.
pub(crate) fn cmf(observer: Observer) -> &'static Cmf {
    static C1931: OnceLock<Cmf> = OnceLock::new();
    static C1964: OnceLock<Cmf> = OnceLock::new();
    match observer {
        Observer::Cie1931 => C1931.get_or_init(|| parse_cmf(CMF_1931)),
        Observer::Cie1964 => C1964.get_or_init(|| parse_cmf(CMF_1964)),
    }
}

/// The embedded 5 nm table of an illuminant.
pub(crate) fn illuminant_source(illuminant: Illuminant) -> &'static str {
    match illuminant {
        Illuminant::D65 => include_str!("../../data/cie/illuminant_D65_5nm.csv"),
        Illuminant::D50 => include_str!("../../data/cie/illuminant_D50_5nm.csv"),
        Illuminant::A => include_str!("../../data/cie/illuminant_A_5nm.csv"),
        Illuminant::F2 => include_str!("../../data/cie/illuminant_F2_5nm.csv"),
        Illuminant::F11 => include_str!("../../data/cie/illuminant_F11_5nm.csv"),
        Illuminant::LedB3 => include_str!("../../data/cie/illuminant_LED-B3_5nm.csv"),
    }
}

/// The tabulated (wavelength, relative power) pairs of an illuminant.
pub(crate) fn illuminant_table(illuminant: Illuminant) -> (Vec<f64>, Vec<f64>) {
    rows(illuminant_source(illuminant))
        .map(|r| (r[0], r[1]))
        .unzip()
}

/// The illuminant's relative spectral power at 1 nm, 360-830 nm (see the module docs).
pub(crate) fn illuminant_1nm(illuminant: Illuminant) -> &'static [f64] {
    static CACHE: [OnceLock<Vec<f64>>; Illuminant::ALL.len()] =
        [const { OnceLock::new() }; Illuminant::ALL.len()];
    CACHE[illuminant as usize].get_or_init(|| {
        let (w, s) = illuminant_table(illuminant);
        let targets: Vec<f64> = (TABLE_START_NM..=TABLE_END_NM).map(f64::from).collect();
        linear_interpolate(&w, &s, &targets)
    })
}
