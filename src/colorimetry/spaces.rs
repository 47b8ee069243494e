//! Colour spaces derived from CIE XYZ: xyY, CIELAB, CIELCh(ab), Oklab, Oklch and sRGB.
//!
//! | space | domain | notes |
//! |---|---|---|
//! | [`Xyz`] | Y of the white = 100 | always tied to a white (illuminant + observer) |
//! | [`Xyy`] | x, y chromaticity; Y 0..100 | black takes the white's chromaticity |
//! | [`Lab`] | L* 0..100, a*, b* about -128..128 | CIE 015:2018, relative to the white |
//! | [`Lch`] | C*ab >= 0, h_ab in degrees 0..360 | polar form of Lab |
//! | [`Oklab`] / [`Oklch`] | L 0..1 | Ottosson (2020), defined on D65 XYZ |
//! | [`Srgb`] | 0..1 per channel | IEC 61966-2-1, D65 white |
//!
//! Oklab and sRGB are defined for a D65 white. XYZ under any other white (another illuminant, or
//! the 10 degree observer) is first adapted to the sRGB white (x, y = 0.3127, 0.3290) with the
//! Bradford chromatic adaptation transform (Lam 1985; as in ICC.1 and CSS Color 4), and back.
//! The 2 degree D65 table white differs from the sRGB white only in the fifth digit, so for
//! D65/2 degrees this step is all but the identity.
//!
//! sRGB values outside 0..1 are reported, not hidden: [`Srgb`] carries the unclipped linear
//! values, the clipped encoded values, and whether clipping happened.

use std::sync::OnceLock;

use nalgebra::{Matrix3, Vector3};
use palette::convert::FromColorUnclamped;
use serde::Serialize;

/// CIE 1931 XYZ tristimulus values, Y of the reference white = 100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Xyz {
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

impl Xyz {
    /// XYZ from its three values.
    pub const fn new(x: f64, y: f64, z: f64) -> Self {
        Xyz { x, y, z }
    }
    fn vector(self) -> Vector3<f64> {
        Vector3::new(self.x, self.y, self.z)
    }
    fn from_vector(v: Vector3<f64>) -> Self {
        Xyz::new(v[0], v[1], v[2])
    }
}

/// CIE xyY: chromaticity x, y and luminance factor Y (0..100).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Xyy {
    pub x: f64,
    pub y: f64,
    #[serde(rename = "Y")]
    pub luminance: f64,
}

/// CIE 1976 L*a*b*.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Lab {
    pub l: f64,
    pub a: f64,
    pub b: f64,
}

impl Lab {
    /// Lab from L*, a*, b*.
    pub const fn new(l: f64, a: f64, b: f64) -> Self {
        Lab { l, a, b }
    }
}

/// CIE 1976 L*C*h(ab): lightness, chroma, hue angle in degrees (0..360).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Lch {
    pub l: f64,
    pub c: f64,
    pub h: f64,
}

/// Oklab (Ottosson 2020): L in 0..1, a, b about -0.4..0.4.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Oklab {
    pub l: f64,
    pub a: f64,
    pub b: f64,
}

/// Oklch: polar Oklab, hue in degrees (0..360).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Oklch {
    pub l: f64,
    pub c: f64,
    pub h: f64,
}

/// An sRGB colour as displayed, with what gamut clipping did to it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Srgb {
    /// Gamma-encoded R, G, B in 0..1 after clipping each linear channel to 0..1.
    pub encoded: [f64; 3],
    /// Linear R, G, B before clipping (outside 0..1 when the colour is out of gamut).
    pub linear: [f64; 3],
    /// True when no channel needed clipping (within 1e-9).
    pub in_gamut: bool,
}

impl Srgb {
    /// 8-bit channel values of the encoded (clipped) colour.
    pub fn to_u8(&self) -> [u8; 3] {
        self.encoded
            .map(|v| (v * 255.0).round().clamp(0.0, 255.0) as u8)
    }

    /// `#rrggbb` of the encoded (clipped) colour.
    pub fn hex(&self) -> String {
        let [r, g, b] = self.to_u8();
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

// CIE 015:2018 CIELAB with the exact rational constants (24/116)^3 and 841/108.
const LAB_EPSILON: f64 = 216.0 / 24389.0;
const LAB_SLOPE: f64 = 841.0 / 108.0;

#[inline]
fn lab_f(t: f64) -> f64 {
    if t > LAB_EPSILON {
        crate::math::cbrt(t)
    } else {
        LAB_SLOPE * t + 16.0 / 116.0
    }
}

#[inline]
fn lab_f_inv(f: f64) -> f64 {
    if f > 24.0 / 116.0 {
        f * f * f
    } else {
        (f - 16.0 / 116.0) / LAB_SLOPE
    }
}

/// CIELAB of `xyz` relative to `white` (both on the same scale), CIE 015:2018.
#[inline]
pub fn xyz_to_lab(xyz: Xyz, white: Xyz) -> Lab {
    let fx = lab_f(xyz.x / white.x);
    let fy = lab_f(xyz.y / white.y);
    let fz = lab_f(xyz.z / white.z);
    Lab::new(116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz))
}

/// XYZ of `lab` relative to `white`; the inverse of [`xyz_to_lab`].
pub fn lab_to_xyz(lab: Lab, white: Xyz) -> Xyz {
    let fy = (lab.l + 16.0) / 116.0;
    let fx = fy + lab.a / 500.0;
    let fz = fy - lab.b / 200.0;
    Xyz::new(
        white.x * lab_f_inv(fx),
        white.y * lab_f_inv(fy),
        white.z * lab_f_inv(fz),
    )
}

/// Hue angle in degrees, 0..360, of the vector (a, b); 0 for the origin.
#[inline]
pub fn hue_degrees(a: f64, b: f64) -> f64 {
    if a == 0.0 && b == 0.0 {
        return 0.0;
    }
    let h = crate::math::atan2(b, a).to_degrees();
    if h < 0.0 {
        h + 360.0
    } else {
        h
    }
}

/// Polar form of Lab.
pub fn lab_to_lch(lab: Lab) -> Lch {
    Lch {
        l: lab.l,
        c: lab.a.hypot(lab.b),
        h: hue_degrees(lab.a, lab.b),
    }
}

/// Lab from its polar form.
pub fn lch_to_lab(lch: Lch) -> Lab {
    let (s, c) = lch.h.to_radians().sin_cos();
    Lab::new(lch.l, lch.c * c, lch.c * s)
}

/// xyY of `xyz`; a black (X+Y+Z = 0) takes the chromaticity of `white`.
pub fn xyz_to_xyy(xyz: Xyz, white: Xyz) -> Xyy {
    let sum = xyz.x + xyz.y + xyz.z;
    let (src, s) = if sum == 0.0 {
        (white, white.x + white.y + white.z)
    } else {
        (xyz, sum)
    };
    Xyy {
        x: src.x / s,
        y: src.y / s,
        luminance: xyz.y,
    }
}

/// XYZ (Y = 100 scale) of a chromaticity with Y = 100.
pub fn xy_to_white(x: f64, y: f64) -> Xyz {
    Xyz::new(100.0 * x / y, 100.0, 100.0 * (1.0 - x - y) / y)
}

/// The sRGB (and Oklab) reference white: D65 as IEC 61966-2-1 gives it, x = 0.3127, y = 0.3290.
pub fn srgb_white() -> Xyz {
    xy_to_white(0.3127, 0.3290)
}

/// The Bradford cone-response matrix (Lam 1985; ICC.1:2010 annex E).
fn bradford() -> Matrix3<f64> {
    Matrix3::new(
        0.8951, 0.2664, -0.1614, //
        -0.7502, 1.7135, 0.0367, //
        0.0389, -0.0685, 1.0296,
    )
}

/// Chromatic adaptation of `xyz` seen under `from` to the corresponding colour under `to`
/// (von Kries scaling in the Bradford cone space).
pub fn bradford_adapt(xyz: Xyz, from: Xyz, to: Xyz) -> Xyz {
    if from == to {
        return xyz;
    }
    static M: OnceLock<(Matrix3<f64>, Matrix3<f64>)> = OnceLock::new();
    let (m, m_inv) = M.get_or_init(|| {
        let m = bradford();
        (m, m.try_inverse().expect("Bradford matrix is invertible"))
    });
    let s = m * from.vector();
    let d = m * to.vector();
    let lms = m * xyz.vector();
    let adapted = Vector3::new(
        lms[0] * d[0] / s[0],
        lms[1] * d[1] / s[1],
        lms[2] * d[2] / s[2],
    );
    Xyz::from_vector(m_inv * adapted)
}

/// The sRGB normalised primary matrix (linear RGB -> XYZ, Y = 1) and its inverse, computed
/// from the IEC 61966-2-1 primaries and white as in SMPTE RP 177, as CSS Color 4 does. (IEC
/// 61966-2-1 also prints both matrices rounded to 4 decimals, which colour-science uses; those
/// are not exact inverses of each other and differ from these by up to 2e-4.)
fn srgb_matrices() -> &'static (Matrix3<f64>, Matrix3<f64>) {
    static M: OnceLock<(Matrix3<f64>, Matrix3<f64>)> = OnceLock::new();
    M.get_or_init(|| {
        let col = |x: f64, y: f64| Vector3::new(x / y, 1.0, (1.0 - x - y) / y);
        let p = Matrix3::from_columns(&[col(0.64, 0.33), col(0.30, 0.60), col(0.15, 0.06)]);
        let w = col(0.3127, 0.3290);
        let s = p.try_inverse().expect("primaries are independent") * w;
        let npm = p * Matrix3::from_diagonal(&s);
        (npm, npm.try_inverse().expect("NPM is invertible"))
    })
}

fn srgb_npm() -> Matrix3<f64> {
    srgb_matrices().0
}

/// sRGB of `xyz` seen relative to `white`.
pub fn xyz_to_srgb(xyz: Xyz, white: Xyz) -> Srgb {
    let d65 = bradford_adapt(xyz, white, srgb_white());
    let lin = srgb_matrices().1 * (d65.vector() / 100.0);
    let linear = [lin[0], lin[1], lin[2]];
    let in_gamut = linear.iter().all(|&v| (-1e-9..=1.0 + 1e-9).contains(&v));
    Srgb {
        encoded: srgb_encode(linear.map(|v| v.clamp(0.0, 1.0))),
        linear,
        in_gamut,
    }
}

/// Gamma-encoded sRGB of linear sRGB values (each 0..1); IEC 61966-2-1 transfer function.
pub fn srgb_encode(linear: [f64; 3]) -> [f64; 3] {
    let enc: palette::Srgb<f64> =
        palette::Srgb::from_linear(palette::LinSrgb::new(linear[0], linear[1], linear[2]));
    [enc.red, enc.green, enc.blue]
}

/// Linear sRGB of gamma-encoded sRGB values (each 0..1).
pub fn srgb_decode(encoded: [f64; 3]) -> [f64; 3] {
    let lin: palette::LinSrgb<f64> =
        palette::Srgb::new(encoded[0], encoded[1], encoded[2]).into_linear();
    [lin.red, lin.green, lin.blue]
}

/// XYZ, relative to `white`, of gamma-encoded sRGB values (each 0..1).
pub fn srgb_to_xyz(encoded: [f64; 3], white: Xyz) -> Xyz {
    let lin = srgb_decode(encoded);
    let xyz = srgb_npm() * Vector3::new(lin[0], lin[1], lin[2]) * 100.0;
    bradford_adapt(Xyz::from_vector(xyz), srgb_white(), white)
}

/// Oklab of `xyz` seen relative to `white` (adapted to D65 first; see the module docs).
pub fn xyz_to_oklab(xyz: Xyz, white: Xyz) -> Oklab {
    let d65 = bradford_adapt(xyz, white, srgb_white());
    let p = palette::Xyz::<palette::white_point::D65, f64>::new(
        d65.x / 100.0,
        d65.y / 100.0,
        d65.z / 100.0,
    );
    let ok = palette::Oklab::<f64>::from_color_unclamped(p);
    Oklab {
        l: ok.l,
        a: ok.a,
        b: ok.b,
    }
}

/// XYZ, relative to `white`, of an Oklab colour.
pub fn oklab_to_xyz(ok: Oklab, white: Xyz) -> Xyz {
    let p =
        palette::Xyz::<palette::white_point::D65, f64>::from_color_unclamped(
            palette::Oklab::<f64>::new(ok.l, ok.a, ok.b),
        );
    let d65 = Xyz::new(p.x * 100.0, p.y * 100.0, p.z * 100.0);
    bradford_adapt(d65, srgb_white(), white)
}

/// Polar form of Oklab.
pub fn oklab_to_oklch(ok: Oklab) -> Oklch {
    Oklch {
        l: ok.l,
        c: ok.a.hypot(ok.b),
        h: hue_degrees(ok.a, ok.b),
    }
}

/// Oklab from its polar form.
pub fn oklch_to_oklab(lch: Oklch) -> Oklab {
    let (s, c) = lch.h.to_radians().sin_cos();
    Oklab {
        l: lch.l,
        a: lch.c * c,
        b: lch.c * s,
    }
}

/// A colour space of three coordinates, for converting arrays of colours
/// ([`convert`]); the names are those of `tinct convert --to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    Xyz,
    Xyy,
    Lab,
    Lch,
    Oklab,
    Oklch,
    /// Gamma-encoded sRGB, not clipped: a channel outside 0..1 is out of gamut (encoded with
    /// its sign kept, as CSS Color 4 extends the transfer function).
    Srgb,
    /// Linear sRGB, not clipped.
    LinearSrgb,
}

/// The names [`Space::from_name`] takes.
pub const SPACE_NAMES: &str = "xyz, xyy, lab, lch, oklab, oklch, srgb, linear-srgb";

impl Space {
    /// The space by name (case-insensitive).
    ///
    /// # Errors
    /// An unknown name (the field named `field`).
    pub fn from_name(field: &str, name: &str) -> Result<Space, crate::InputError> {
        Ok(
            match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
                "xyz" => Space::Xyz,
                "xyy" => Space::Xyy,
                "lab" | "cielab" => Space::Lab,
                "lch" | "lchab" | "cielch" => Space::Lch,
                "oklab" => Space::Oklab,
                "oklch" => Space::Oklch,
                "srgb" | "rgb" => Space::Srgb,
                "linear-srgb" | "srgb-linear" => Space::LinearSrgb,
                _ => {
                    return Err(crate::InputError::Unknown {
                        field: field.into(),
                        kind: "colour space",
                        value: name.to_string(),
                        known: SPACE_NAMES.into(),
                    })
                }
            },
        )
    }

    /// XYZ (relative to `white`) of coordinates `v` in this space.
    pub fn to_xyz(self, v: [f64; 3], white: Xyz) -> Xyz {
        match self {
            Space::Xyz => Xyz::new(v[0], v[1], v[2]),
            Space::Xyy => {
                if v[1] == 0.0 {
                    Xyz::new(0.0, 0.0, 0.0)
                } else {
                    let k = v[2] / v[1];
                    Xyz::new(v[0] * k, v[2], (1.0 - v[0] - v[1]) * k)
                }
            }
            Space::Lab => lab_to_xyz(Lab::new(v[0], v[1], v[2]), white),
            Space::Lch => lab_to_xyz(
                lch_to_lab(Lch {
                    l: v[0],
                    c: v[1],
                    h: v[2],
                }),
                white,
            ),
            Space::Oklab => oklab_to_xyz(
                Oklab {
                    l: v[0],
                    a: v[1],
                    b: v[2],
                },
                white,
            ),
            Space::Oklch => oklab_to_xyz(
                oklch_to_oklab(Oklch {
                    l: v[0],
                    c: v[1],
                    h: v[2],
                }),
                white,
            ),
            Space::Srgb => linear_srgb_to_xyz(signed(v, srgb_decode), white),
            Space::LinearSrgb => linear_srgb_to_xyz(v, white),
        }
    }

    /// Coordinates in this space of `xyz` (relative to `white`).
    pub fn from_xyz(self, xyz: Xyz, white: Xyz) -> [f64; 3] {
        match self {
            Space::Xyz => [xyz.x, xyz.y, xyz.z],
            Space::Xyy => {
                let v = xyz_to_xyy(xyz, white);
                [v.x, v.y, v.luminance]
            }
            Space::Lab => {
                let l = xyz_to_lab(xyz, white);
                [l.l, l.a, l.b]
            }
            Space::Lch => {
                let c = lab_to_lch(xyz_to_lab(xyz, white));
                [c.l, c.c, c.h]
            }
            Space::Oklab => {
                let o = xyz_to_oklab(xyz, white);
                [o.l, o.a, o.b]
            }
            Space::Oklch => {
                let o = oklab_to_oklch(xyz_to_oklab(xyz, white));
                [o.l, o.c, o.h]
            }
            Space::Srgb => signed(xyz_to_srgb(xyz, white).linear, srgb_encode),
            Space::LinearSrgb => xyz_to_srgb(xyz, white).linear,
        }
    }
}

/// The sRGB transfer function `f` extended to negative values by symmetry (CSS Color 4).
fn signed(v: [f64; 3], f: fn([f64; 3]) -> [f64; 3]) -> [f64; 3] {
    let m = f(v.map(f64::abs));
    [0, 1, 2].map(|k| v[k].signum() * m[k])
}

/// XYZ relative to `white` of linear sRGB (not clipped).
fn linear_srgb_to_xyz(lin: [f64; 3], white: Xyz) -> Xyz {
    let xyz = srgb_npm() * Vector3::new(lin[0], lin[1], lin[2]) * 100.0;
    bradford_adapt(Xyz::from_vector(xyz), srgb_white(), white)
}

/// `v` in space `from` converted to space `to`, both relative to `white` (the XYZ of the
/// viewing conditions' white, Y = 100).
pub fn convert(v: [f64; 3], from: Space, to: Space, white: Xyz) -> [f64; 3] {
    if from == to {
        return v;
    }
    to.from_xyz(from.to_xyz(v, white), white)
}

/// Individual typology angle of a skin colour, degrees: arctan((L* - 50) / b*)
/// (Chardon, Cretois & Hourseau 1991, Int. J. Cosmet. Sci. 13, 191-208), written with atan2 so
/// that b* <= 0 stays defined (+90 for a light colour with b* = 0).
pub fn ita_degrees(lab: Lab) -> f64 {
    (lab.l - 50.0).atan2(lab.b).to_degrees()
}

/// The skin-colour classes of the ITA (Chardon et al. 1991; as used by Del Bino et al.).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItaClass {
    /// ITA > 55 degrees.
    VeryLight,
    /// 41 < ITA <= 55.
    Light,
    /// 28 < ITA <= 41.
    Intermediate,
    /// 10 < ITA <= 28.
    Tan,
    /// -30 < ITA <= 10.
    Brown,
    /// ITA <= -30.
    Dark,
}

impl ItaClass {
    /// The class of an ITA in degrees.
    pub fn of(ita: f64) -> ItaClass {
        match ita {
            x if x > 55.0 => ItaClass::VeryLight,
            x if x > 41.0 => ItaClass::Light,
            x if x > 28.0 => ItaClass::Intermediate,
            x if x > 10.0 => ItaClass::Tan,
            x if x > -30.0 => ItaClass::Brown,
            _ => ItaClass::Dark,
        }
    }

    /// The class name (`very light`, ..., `dark`).
    pub fn name(self) -> &'static str {
        match self {
            ItaClass::VeryLight => "very light",
            ItaClass::Light => "light",
            ItaClass::Intermediate => "intermediate",
            ItaClass::Tan => "tan",
            ItaClass::Brown => "brown",
            ItaClass::Dark => "dark",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_space_converts_there_and_back() {
        let white = srgb_white();
        let labs = [
            [52.0, 8.0, 14.0],
            [20.0, -30.0, 40.0],
            [95.0, 0.5, -2.0],
            [0.0, 0.0, 0.0],
            [60.0, 90.0, -90.0], // out of the sRGB gamut
        ];
        let spaces = [
            Space::Xyz,
            Space::Xyy,
            Space::Lch,
            Space::Oklab,
            Space::Oklch,
            Space::Srgb,
            Space::LinearSrgb,
        ];
        for lab in labs {
            for s in spaces {
                let there = convert(lab, Space::Lab, s, white);
                let back = convert(there, s, Space::Lab, white);
                for (x, y) in back.iter().zip(lab) {
                    assert!((x - y).abs() < 1e-9, "{s:?} {lab:?} {back:?}");
                }
            }
            // In gamut, the array form is the clipped form the CLI prints.
            let xyz = lab_to_xyz(Lab::new(lab[0], lab[1], lab[2]), white);
            let s = xyz_to_srgb(xyz, white);
            if s.in_gamut {
                let v = convert(lab, Space::Lab, Space::Srgb, white);
                for (x, y) in v.iter().zip(s.encoded) {
                    assert!((x - y).abs() < 1e-9);
                }
            }
        }
        assert!(Space::from_name("to", "hsv").is_err());
        assert_eq!(
            Space::from_name("to", "Linear_sRGB").unwrap(),
            Space::LinearSrgb
        );
    }

    #[test]
    fn srgb_matrix_is_colour_sciences_normalised_primary_matrix() {
        // colour.normalised_primary_matrix(sRGB primaries, (0.3127, 0.3290)), colour-science 0.4.7.
        let expected = [
            [0.41239079926595934, 0.35758433938387796, 0.1804807884018343],
            [0.2126390058715103, 0.7151686787677559, 0.07219231536073371],
            [
                0.019330818715591825,
                0.11919477979462595,
                0.9505321522496606,
            ],
        ];
        let m = srgb_npm();
        for (i, row) in expected.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                assert!((m[(i, j)] - v).abs() < 1e-14, "({i},{j})");
            }
        }
    }

    #[test]
    fn lab_of_the_white_is_100_0_0() {
        let w = Xyz::new(95.047, 100.0, 108.883);
        let lab = xyz_to_lab(w, w);
        assert!((lab.l - 100.0).abs() < 1e-12 && lab.a.abs() < 1e-12 && lab.b.abs() < 1e-12);
    }
}
