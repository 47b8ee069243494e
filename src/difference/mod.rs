//! Colour differences between two CIELAB colours, all in f64.
//!
//! | method | name(s) | use it for |
//! |---|---|---|
//! | [`cie76`] | `cie76`, `cie1976` | Euclidean distance; quick, not uniform in perception |
//! | [`cie94`] graphic arts | `cie94`, `cie1994` | kL = 1, K1 = 0.045, K2 = 0.015 |
//! | [`cie94`] textiles | `cie94-textiles` | kL = 2, K1 = 0.048, K2 = 0.014 |
//! | [`cmc`] l:c | `cmc` (2:1), `cmc-1:1` | textile acceptability (2:1) or perceptibility (1:1) |
//! | [`ciede2000`] | `ciede2000`, `de2000`, `cie2000`, `de00` | the current CIE recommendation; tinct's default |
//!
//! CIE94 and CMC are asymmetric: sample 1 is the reference (standard), whose chroma and hue set
//! the weights. CIE76 and CIEDE2000 are symmetric.
//!
//! # The CIEDE2000 hue discontinuity
//! CIEDE2000's mean hue jumps by 180 degrees where the two hues are exactly 180 degrees apart
//! (Sharma, Wu & Dalal 2005 discuss it; their pairs 10-16 sit on or beside it). Computing h'1 and h'2 with
//! atan2 and comparing |h'2 - h'1| with 180 lets the last bit of atan2 choose the branch (pair 14
//! gives 4.8045 or 4.7461 depending on the platform). tinct decides the branch from the geometry
//! instead: the sign of the cross product a'1 b2 - a'2 b1 says on which side of 180 degrees the
//! hue difference lies, and an exact zero with a negative dot product is an exact 180 degrees,
//! which takes the |dh'| <= 180 branch as the formula's text does with exact arithmetic. So
//! pairs 10 and 14 (both exactly 180 degrees apart) give the published 7.1792 and 4.8045 on every
//! platform, and the same value with the samples swapped. The mean hue is the bisector of the
//! shorter arc (the direction of u1 + u2, or of the normal to u2 - u1 when the hues are more than
//! 90 degrees apart), which needs one atan2 instead of two and no cosines for T.
//!
//! References: CIE 015:2018 (CIEDE2000, CIE76); CIE 116-1995 (CIE94); Clarke, McDonald & Rigg (1984)
//! J. Soc. Dyers Colour. 100, 128-132 (CMC); CIE 142-2001 and Sharma, Wu & Dalal (2005) Color
//! Res. Appl. 30(1), 21-30 (CIEDE2000).

use std::fmt;
use std::str::FromStr;

use rayon::prelude::*;

use crate::colorimetry::spaces::hue_degrees;
use crate::colorimetry::Lab;
use crate::error::InputError;

/// A colour-difference formula with its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DeltaE {
    /// CIE 1976: Euclidean distance in Lab.
    Cie76,
    /// CIE 1994 with graphic-arts (`textiles = false`) or textile weights.
    Cie94 { textiles: bool },
    /// CMC l:c (1984).
    Cmc { l: f64, c: f64 },
    /// CIEDE2000 with parametric factors kL, kC, kH (1, 1, 1 for reference conditions).
    Ciede2000 { k_l: f64, k_c: f64, k_h: f64 },
}

impl Default for DeltaE {
    fn default() -> Self {
        DeltaE::Ciede2000 {
            k_l: 1.0,
            k_c: 1.0,
            k_h: 1.0,
        }
    }
}

const KNOWN: &str = "ciede2000, cie76, cie94, cie94-textiles, cmc, cmc-1:1";

impl DeltaE {
    /// The formula by name (case-insensitive; see the module table), with its standard
    /// parameters.
    ///
    /// # Errors
    /// An unknown name.
    pub fn from_name(name: &str) -> Result<Self, InputError> {
        let n = name.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        Ok(match n.as_str() {
            "cie76" | "cie1976" | "de76" | "cie-1976" => DeltaE::Cie76,
            "cie94" | "cie1994" | "de94" | "cie-1994" | "cie94-graphic-arts" => {
                DeltaE::Cie94 { textiles: false }
            }
            "cie94-textiles" | "cie1994-textiles" | "cie94t" => DeltaE::Cie94 { textiles: true },
            "cmc" | "cmc-2:1" | "cmc21" | "cmc-2-1" => DeltaE::Cmc { l: 2.0, c: 1.0 },
            "cmc-1:1" | "cmc11" | "cmc-1-1" => DeltaE::Cmc { l: 1.0, c: 1.0 },
            "ciede2000" | "cie2000" | "de2000" | "de00" | "cie-2000" => DeltaE::default(),
            _ => {
                return Err(InputError::Unknown {
                    field: "method".into(),
                    kind: "colour-difference method",
                    value: name.to_string(),
                    known: KNOWN.into(),
                })
            }
        })
    }

    /// The canonical name, as accepted by [`DeltaE::from_name`].
    pub fn name(&self) -> &'static str {
        match self {
            DeltaE::Cie76 => "cie76",
            DeltaE::Cie94 { textiles: false } => "cie94",
            DeltaE::Cie94 { textiles: true } => "cie94-textiles",
            DeltaE::Cmc { .. } => "cmc",
            DeltaE::Ciede2000 { .. } => "ciede2000",
        }
    }

    /// Checks the parameters: l, c, kL, kC, kH must be finite and positive.
    ///
    /// # Errors
    /// The parameter at fault.
    pub fn validated(self) -> Result<Self, InputError> {
        let check = |field: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(InputError::OutOfRange {
                    field: field.into(),
                    value: v,
                    expected: "a finite number above 0".into(),
                })
            }
        };
        match self {
            DeltaE::Cmc { l, c } => {
                check("cmc-l", l)?;
                check("cmc-c", c)?;
            }
            DeltaE::Ciede2000 { k_l, k_c, k_h } => {
                check("kL", k_l)?;
                check("kC", k_c)?;
                check("kH", k_h)?;
            }
            _ => {}
        }
        Ok(self)
    }

    /// The difference between `reference` (sample 1) and `sample` (sample 2).
    #[inline]
    pub fn delta_e(&self, reference: Lab, sample: Lab) -> f64 {
        match *self {
            DeltaE::Cie76 => cie76(reference, sample),
            DeltaE::Cie94 { textiles } => cie94(reference, sample, textiles),
            DeltaE::Cmc { l, c } => cmc(reference, sample, l, c),
            DeltaE::Ciede2000 { k_l, k_c, k_h } => ciede2000(reference, sample, k_l, k_c, k_h),
        }
    }

    /// Differences of many pairs on the calling thread; `out[i]` is the difference of
    /// `pairs[i]`, identical to one-by-one calls (CIEDE2000 goes through [`ciede2000_slice`]).
    ///
    /// # Panics
    /// If `out` and `pairs` differ in length.
    pub fn delta_e_slice(&self, pairs: &[(Lab, Lab)], out: &mut [f64]) {
        assert_eq!(pairs.len(), out.len(), "one output per pair");
        match *self {
            DeltaE::Ciede2000 { k_l, k_c, k_h } => ciede2000_slice(pairs, k_l, k_c, k_h, out),
            m => {
                for (o, (r, s)) in out.iter_mut().zip(pairs) {
                    *o = m.delta_e(*r, *s);
                }
            }
        }
    }

    /// Differences of many pairs, on all cores (rayon); `out[i]` is the difference of
    /// `pairs[i]`. Results are identical to one-by-one calls.
    ///
    /// # Panics
    /// If `out` and `pairs` differ in length.
    pub fn delta_e_batch(&self, pairs: &[(Lab, Lab)], out: &mut [f64]) {
        assert_eq!(pairs.len(), out.len(), "one output per pair");
        const CHUNK: usize = 16 * 1024;
        pairs
            .par_chunks(CHUNK)
            .zip(out.par_chunks_mut(CHUNK))
            .for_each(|(p, o)| self.delta_e_slice(p, o));
    }
}

impl fmt::Display for DeltaE {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeltaE::Cmc { l, c } => write!(f, "cmc {l}:{c}"),
            DeltaE::Ciede2000 { k_l, k_c, k_h } if (*k_l, *k_c, *k_h) != (1.0, 1.0, 1.0) => {
                write!(f, "ciede2000 kL={k_l} kC={k_c} kH={k_h}")
            }
            other => f.write_str(other.name()),
        }
    }
}

impl FromStr for DeltaE {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DeltaE::from_name(s)
    }
}

/// The difference by method name: `delta_e(a, b, "ciede2000")`.
///
/// # Errors
/// An unknown method name.
pub fn delta_e(reference: Lab, sample: Lab, method: &str) -> Result<f64, InputError> {
    Ok(DeltaE::from_name(method)?.delta_e(reference, sample))
}

/// CIE 1976 colour difference: the Euclidean distance in L*a*b*.
#[inline]
pub fn cie76(lab1: Lab, lab2: Lab) -> f64 {
    let (dl, da, db) = (lab1.l - lab2.l, lab1.a - lab2.a, lab1.b - lab2.b);
    (dl * dl + da * da + db * db).sqrt()
}

/// CIE 1994 colour difference (CIE 116-1995); sample 1 is the reference. Graphic arts:
/// kL = 1, K1 = 0.045, K2 = 0.015; textiles: kL = 2, K1 = 0.048, K2 = 0.014. dH*^2 is
/// da^2 + db^2 - dC^2, taken as 0 where rounding makes it negative.
#[inline]
pub fn cie94(lab1: Lab, lab2: Lab, textiles: bool) -> f64 {
    let (k1, k2, kl) = if textiles {
        (0.048, 0.014, 2.0)
    } else {
        (0.045, 0.015, 1.0)
    };
    let c1 = chroma(lab1.a, lab1.b);
    let c2 = chroma(lab2.a, lab2.b);
    let dl = lab1.l - lab2.l;
    let dc = c1 - c2;
    let (da, db) = (lab1.a - lab2.a, lab1.b - lab2.b);
    let dh2 = (da * da + db * db - dc * dc).max(0.0);
    let sc = 1.0 + k1 * c1;
    let sh = 1.0 + k2 * c1;
    let l = dl / kl;
    let c = dc / sc;
    (l * l + c * c + dh2 / (sh * sh)).sqrt()
}

/// CMC l:c colour difference (Clarke, McDonald & Rigg 1984); sample 1 is the reference.
#[inline]
pub fn cmc(lab1: Lab, lab2: Lab, l: f64, c: f64) -> f64 {
    let c1 = chroma(lab1.a, lab1.b);
    let c2 = chroma(lab2.a, lab2.b);
    let sl = if lab1.l < 16.0 {
        0.511
    } else {
        0.040975 * lab1.l / (1.0 + 0.01765 * lab1.l)
    };
    let sc = 0.0638 * c1 / (1.0 + 0.0131 * c1) + 0.638;
    let h1 = hue_degrees(lab1.a, lab1.b);
    let t = if (164.0..=345.0).contains(&h1) {
        0.56 + (0.2 * (h1 + 168.0).to_radians().cos()).abs()
    } else {
        0.36 + (0.4 * (h1 + 35.0).to_radians().cos()).abs()
    };
    let c4 = c1 * c1 * c1 * c1;
    let f = (c4 / (c4 + 1900.0)).sqrt();
    let sh = sc * (f * t + 1.0 - f);
    let dl = lab1.l - lab2.l;
    let dc = c1 - c2;
    let (da, db) = (lab1.a - lab2.a, lab1.b - lab2.b);
    let dh2 = (da * da + db * db - dc * dc).max(0.0);
    let v1 = dl / (l * sl);
    let v2 = dc / (c * sc);
    (v1 * v1 + v2 * v2 + dh2 / (sh * sh)).sqrt()
}

/// sqrt(a^2 + b^2). `f64::hypot` guards against overflow and underflow at several times the
/// cost; L*a*b* values are far from both (the inputs are finite and checked), and the result
/// differs from hypot's by at most an ulp.
#[inline(always)]
fn chroma(a: f64, b: f64) -> f64 {
    (a * a + b * b).sqrt()
}

/// 25^7, CIEDE2000's chroma constant.
const POW25_7: f64 = 6_103_515_625.0;

#[inline]
fn pow7(x: f64) -> f64 {
    let x2 = x * x;
    let x4 = x2 * x2;
    x4 * x2 * x
}

/// CIEDE2000 colour difference (CIE 142-2001; Sharma, Wu & Dalal 2005) with parametric
/// factors kL, kC, kH. Symmetric in its two samples. See the module docs for how the 180 degree
/// hue discontinuity is decided. For many pairs use [`ciede2000_slice`] (same results, faster).
#[inline]
pub fn ciede2000(lab1: Lab, lab2: Lab, k_l: f64, k_c: f64, k_h: f64) -> f64 {
    ciede2000_finish(&ciede2000_start(lab1, lab2, k_l, k_c, k_h))
}

/// CIEDE2000 of many pairs on the calling thread: `out[i]` is the difference of `pairs[i]`,
/// bit-identical to [`ciede2000`]. The pairs go through in blocks, first everything up to the
/// mean hue direction, then the mean hue angle (atan2), exp and sin: independent calls that the
/// processor overlaps, where one pair at a time waits on each in turn.
///
/// # Panics
/// If `out` and `pairs` differ in length.
pub fn ciede2000_slice(pairs: &[(Lab, Lab)], k_l: f64, k_c: f64, k_h: f64, out: &mut [f64]) {
    assert_eq!(pairs.len(), out.len(), "one output per pair");
    const BLOCK: usize = 64;
    let mut partial = [Ciede2000Partial::default(); BLOCK];
    for (ps, os) in pairs.chunks(BLOCK).zip(out.chunks_mut(BLOCK)) {
        for (p, (r, s)) in partial.iter_mut().zip(ps) {
            *p = ciede2000_start(*r, *s, k_l, k_c, k_h);
        }
        for (o, p) in os.iter_mut().zip(&partial) {
            *o = ciede2000_finish(p);
        }
    }
}

/// What CIEDE2000 needs after the hue geometry: the three weighted differences, R_C, and the
/// mean hue direction (not normalised).
#[derive(Debug, Clone, Copy, Default)]
struct Ciede2000Partial {
    tl: f64,
    tc: f64,
    th: f64,
    r_c: f64,
    mx: f64,
    my: f64,
}

#[inline(always)]
fn ciede2000_start(lab1: Lab, lab2: Lab, k_l: f64, k_c: f64, k_h: f64) -> Ciede2000Partial {
    let (l1, a1, b1) = (lab1.l, lab1.a, lab1.b);
    let (l2, a2, b2) = (lab2.l, lab2.a, lab2.b);
    let c_bar7 = pow7(0.5 * (chroma(a1, b1) + chroma(a2, b2)));
    let g1 = 1.0 + 0.5 * (1.0 - (c_bar7 / (c_bar7 + POW25_7)).sqrt());
    let a1p = a1 * g1;
    let a2p = a2 * g1;
    let c1p = chroma(a1p, b1);
    let c2p = chroma(a2p, b2);
    let cc = c1p * c2p;
    // Plain products, not fused: for exactly opposite colours (a'2 = -a'1, b2 = -b1) the two
    // products are then bit-identical and the cross product is exactly 0.
    let cross = a1p * b2 - a2p * b1;
    let dot = a1p * a2p + b1 * b2;
    // Sign of the shorter-arc hue difference h'2 - h'1. At exactly 180 degrees the formula
    // takes dh' = h'2 - h'1, positive when h'1 < 180 (sample 1 in the upper half plane).
    let sign = if cross > 0.0 {
        1.0
    } else if cross < 0.0 {
        -1.0
    } else if dot >= 0.0 {
        0.0
    } else if b1 > 0.0 || (b1 == 0.0 && a1p > 0.0) {
        1.0
    } else {
        -1.0
    };
    // dH' = 2 sqrt(C'1 C'2) sin(dh'/2), in the form without cancellation; 0 when a chroma is 0.
    let dhp_big = if cc == 0.0 {
        0.0
    } else if dot >= 0.0 {
        cross / (0.5 * (cc + dot)).sqrt()
    } else {
        sign * (2.0 * (cc - dot)).sqrt()
    };
    // Mean hue direction: the bisector of the shorter arc, scaled by C'1 C'2 > 0 so that no
    // division is needed: u1 + u2 when the hues are within 90 degrees, else the normal to
    // u2 - u1. With a zero chroma the mean hue is h'1 + h'2 = the other sample's hue (or 0).
    let (mx, my) = if cc == 0.0 {
        (a1p + a2p, b1 + b2)
    } else if dot >= 0.0 {
        (a1p * c2p + a2p * c1p, b1 * c2p + b2 * c1p)
    } else {
        let (dx, dy) = (a2p * c1p - a1p * c2p, b2 * c1p - b1 * c2p);
        (sign * dy, -sign * dx)
    };
    let norm = chroma(mx, my);
    let (cos_h, sin_h) = if norm > 0.0 {
        let inv = 1.0 / norm;
        (mx * inv, my * inv)
    } else {
        (1.0, 0.0)
    };

    let l_bar = 0.5 * (l1 + l2);
    let c_bar_p = 0.5 * (c1p + c2p);
    // T = 1 - 0.17 cos(h-30) + 0.24 cos(2h) + 0.32 cos(3h+6) - 0.20 cos(4h-63), from cos h and
    // sin h by the multiple-angle formulas.
    let c2h = 2.0 * cos_h * cos_h - 1.0;
    let s2h = 2.0 * sin_h * cos_h;
    let c3h = cos_h * (4.0 * cos_h * cos_h - 3.0);
    let s3h = sin_h * (3.0 - 4.0 * sin_h * sin_h);
    let c4h = 2.0 * c2h * c2h - 1.0;
    let s4h = 2.0 * s2h * c2h;
    const COS30: f64 = 0.866_025_403_784_438_6;
    const SIN30: f64 = 0.5;
    const COS6: f64 = 0.994_521_895_368_273_3;
    const SIN6: f64 = 0.104_528_463_267_653_47;
    const COS63: f64 = 0.453_990_499_739_546_8;
    const SIN63: f64 = 0.891_006_524_188_367_8;
    let t = 1.0 - 0.17 * (cos_h * COS30 + sin_h * SIN30)
        + 0.24 * c2h
        + 0.32 * (c3h * COS6 - s3h * SIN6)
        - 0.20 * (c4h * COS63 + s4h * SIN63);
    let c_bar_p7 = pow7(c_bar_p);
    let lb2 = (l_bar - 50.0) * (l_bar - 50.0);
    let s_l = 1.0 + 0.015 * lb2 / (20.0 + lb2).sqrt();
    let s_c = 1.0 + 0.045 * c_bar_p;
    let s_h = 1.0 + 0.015 * c_bar_p * t;
    Ciede2000Partial {
        tl: (l2 - l1) / (k_l * s_l),
        tc: (c2p - c1p) / (k_c * s_c),
        th: dhp_big / (k_h * s_h),
        r_c: 2.0 * (c_bar_p7 / (c_bar_p7 + POW25_7)).sqrt(),
        mx,
        my,
    }
}

#[inline(always)]
fn ciede2000_finish(p: &Ciede2000Partial) -> f64 {
    // The rotation term R_T = -sin(2 dtheta) R_C, dtheta = 30 exp(-((h - 275)/25)^2) degrees,
    // is below 1e-17 for mean hues h under 112.5 degrees (|h - 275| > 162.5: exp(-42.25) =
    // 4.5e-19): its share of the sum under the root is then below 3e-19, about a thousandth
    // of the last bit. There it is taken as 0 without the atan2, exp and sin: a third of all
    // hues, and skin's and most pigments' (orange to yellow) all.
    // h < 112.5 degrees: (mx, my) in the upper half plane and clockwise of the 112.5 degree
    // direction (cos 112.5 = -0.38268..., sin 112.5 = 0.92388...).
    const COS_112_5: f64 = -0.382_683_432_365_089_8;
    const SIN_112_5: f64 = 0.923_879_532_511_286_7;
    let r_t = if p.my >= 0.0 && p.mx * SIN_112_5 - p.my * COS_112_5 > 0.0 {
        0.0
    } else {
        let h_bar = hue_degrees(p.mx, p.my);
        let dh = (h_bar - 275.0) / 25.0;
        let d_theta = 30.0 * (-dh * dh).exp();
        -crate::math::sin_to_60_degrees((2.0 * d_theta).to_radians()) * p.r_c
    };
    (p.tl * p.tl + p.tc * p.tc + p.th * p.th + r_t * p.tc * p.th)
        .max(0.0)
        .sqrt()
}

/// CIEDE2000 as written in Sharma, Wu & Dalal (2005), step by step with two atan2 and four
/// cosines. Kept as the reference against which [`ciede2000`]'s faster form is tested.
#[doc(hidden)]
pub fn ciede2000_textbook(lab1: Lab, lab2: Lab, k_l: f64, k_c: f64, k_h: f64) -> f64 {
    let (l1, a1, b1) = (lab1.l, lab1.a, lab1.b);
    let (l2, a2, b2) = (lab2.l, lab2.a, lab2.b);
    let c_bar = 0.5 * (a1.hypot(b1) + a2.hypot(b2));
    let g = 0.5 * (1.0 - (pow7(c_bar) / (pow7(c_bar) + POW25_7)).sqrt());
    let a1p = (1.0 + g) * a1;
    let a2p = (1.0 + g) * a2;
    let c1p = a1p.hypot(b1);
    let c2p = a2p.hypot(b2);
    let h1p = hue_degrees(a1p, b1);
    let h2p = hue_degrees(a2p, b2);
    let dlp = l2 - l1;
    let dcp = c2p - c1p;
    let cc = c1p * c2p;
    let d = h2p - h1p;
    let dhp = if cc == 0.0 {
        0.0
    } else if d.abs() <= 180.0 {
        d
    } else if d > 180.0 {
        d - 360.0
    } else {
        d + 360.0
    };
    let dhp_big = 2.0 * cc.sqrt() * (dhp / 2.0).to_radians().sin();
    let l_bar = 0.5 * (l1 + l2);
    let c_bar_p = 0.5 * (c1p + c2p);
    let sum = h1p + h2p;
    let h_bar = if cc == 0.0 {
        sum
    } else if d.abs() <= 180.0 {
        sum / 2.0
    } else if sum < 360.0 {
        (sum + 360.0) / 2.0
    } else {
        (sum - 360.0) / 2.0
    };
    let cosd = |x: f64| x.to_radians().cos();
    let t =
        1.0 - 0.17 * cosd(h_bar - 30.0) + 0.24 * cosd(2.0 * h_bar) + 0.32 * cosd(3.0 * h_bar + 6.0)
            - 0.20 * cosd(4.0 * h_bar - 63.0);
    let d_theta = 30.0 * (-((h_bar - 275.0) / 25.0).powi(2)).exp();
    let r_c = 2.0 * (pow7(c_bar_p) / (pow7(c_bar_p) + POW25_7)).sqrt();
    let lb2 = (l_bar - 50.0).powi(2);
    let s_l = 1.0 + 0.015 * lb2 / (20.0 + lb2).sqrt();
    let s_c = 1.0 + 0.045 * c_bar_p;
    let s_h = 1.0 + 0.015 * c_bar_p * t;
    let r_t = -(2.0 * d_theta).to_radians().sin() * r_c;
    let tl = dlp / (k_l * s_l);
    let tc = dcp / (k_c * s_c);
    let th = dhp_big / (k_h * s_h);
    (tl * tl + tc * tc + th * th + r_t * tc * th).sqrt()
}
