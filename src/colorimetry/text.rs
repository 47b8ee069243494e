//! Colours as CSS Color 4 text, in and out: `lab(52 8 14)`, `lch(52 16 60)`,
//! `oklab(0.6 0.02 0.04)`, `oklch(0.6 0.05 60)`, `#8a5a44`, `rgb(138 90 68)`,
//! `color(xyz-d65 0.2 0.21 0.1)` (also `xyz`, `xyz-d50`, `srgb`, `srgb-linear`).
//!
//! The syntax is CSS Color 4's (spaces or commas, percentages, `none`, hue units `deg`, `rad`,
//! `grad`, `turn`, an optional `/ alpha` that must be opaque). One difference in meaning:
//! CSS fixes `lab()` and `lch()` to a D50 white; in tinct they are relative to the white of the
//! viewing conditions in use (by default D65 and the 2 degree observer), like every other Lab
//! value tinct reads or writes. `color(xyz-d50 ...)` and `color(xyz-d65 ...)` keep their CSS
//! meaning (Y = 1 scale, that white) and are adapted to the viewing white with Bradford.

use super::spaces::{
    bradford_adapt, lab_to_xyz, lch_to_lab, oklab_to_xyz, oklch_to_oklab, srgb_to_xyz, srgb_white,
    xy_to_white, xyz_to_lab, Lab, Lch, Oklab, Oklch, Xyz,
};
use crate::error::InputError;

/// A colour read from text, in the space it was written in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ColourText {
    /// `lab(L a b)`, relative to the viewing white.
    Lab(Lab),
    /// `lch(L C H)`, relative to the viewing white.
    Lch(Lch),
    /// `oklab(L a b)`.
    Oklab(Oklab),
    /// `oklch(L C H)`.
    Oklch(Oklch),
    /// `#rrggbb`, `rgb(...)`, `color(srgb ...)`: gamma-encoded sRGB, 0..1 per channel.
    Srgb([f64; 3]),
    /// `color(srgb-linear ...)`: linear sRGB, 0..1 per channel.
    LinearSrgb([f64; 3]),
    /// `color(xyz-d65 ...)` or `color(xyz ...)`: XYZ relative to the sRGB D65 white, Y = 100
    /// scale (CSS writes it on the Y = 1 scale).
    XyzD65(Xyz),
    /// `color(xyz-d50 ...)`: XYZ relative to the CSS D50 white, Y = 100 scale.
    XyzD50(Xyz),
}

/// The D50 white CSS Color 4 uses for `xyz-d50` (x, y = 0.3457, 0.3585).
fn css_d50_white() -> Xyz {
    xy_to_white(0.3457, 0.3585)
}

impl ColourText {
    /// XYZ relative to `white` (the viewing conditions' white, Y = 100).
    pub fn to_xyz(&self, white: Xyz) -> Xyz {
        match *self {
            ColourText::Lab(lab) => lab_to_xyz(lab, white),
            ColourText::Lch(lch) => lab_to_xyz(lch_to_lab(lch), white),
            ColourText::Oklab(ok) => oklab_to_xyz(ok, white),
            ColourText::Oklch(ok) => oklab_to_xyz(oklch_to_oklab(ok), white),
            ColourText::Srgb(rgb) => srgb_to_xyz(rgb, white),
            ColourText::LinearSrgb(lin) => {
                let enc = lin.map(|v| {
                    // Encode with the sRGB transfer function, then decode in srgb_to_xyz: exact
                    // to rounding, and keeps one path through the sRGB matrix.
                    let a = v.abs();
                    let e = if a <= 0.0031308 {
                        12.92 * a
                    } else {
                        1.055 * a.powf(1.0 / 2.4) - 0.055
                    };
                    e.copysign(v)
                });
                srgb_to_xyz(enc, white)
            }
            ColourText::XyzD65(xyz) => bradford_adapt(xyz, srgb_white(), white),
            ColourText::XyzD50(xyz) => bradford_adapt(xyz, css_d50_white(), white),
        }
    }

    /// CIELAB relative to `white`. Lab and LCh input is returned as written.
    pub fn to_lab(&self, white: Xyz) -> Lab {
        match *self {
            ColourText::Lab(lab) => lab,
            ColourText::Lch(lch) => lch_to_lab(lch),
            _ => xyz_to_lab(self.to_xyz(white), white),
        }
    }
}

impl std::str::FromStr for ColourText {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

const EXPECTED: &str = "a colour such as lab(52 8 14), lch(52 16 60), oklab(0.6 0.02 0.04), \
                        oklch(0.6 0.05 60), #8a5a44 or rgb(138 90 68)";

fn malformed(text: &str, why: &str) -> InputError {
    InputError::Malformed {
        field: "colour".into(),
        value: text.to_string(),
        expected: if why.is_empty() {
            EXPECTED.to_string()
        } else {
            format!("{why}; expected {EXPECTED}")
        },
    }
}

/// Largest magnitude of a number in a colour's text.
pub const MAX_COMPONENT: f64 = 1e6;

/// One CSS component: a number, a percentage, an angle, or `none`.
#[derive(Debug, Clone, Copy)]
enum Component {
    Number(f64),
    Percent(f64),
    Degrees(f64),
}

fn component(tok: &str, text: &str) -> Result<Component, InputError> {
    let t = tok.to_ascii_lowercase();
    if t == "none" {
        return Ok(Component::Number(0.0));
    }
    let num = |s: &str| -> Result<f64, InputError> {
        let v: f64 = s
            .parse()
            .map_err(|_| malformed(text, &format!("{tok:?} is not a number")))?;
        // No colour coordinate comes near a million; past it conversions overflow to NaN.
        if !v.is_finite() {
            Err(malformed(text, &format!("{tok:?} is not a finite number")))
        } else if v.abs() > MAX_COMPONENT {
            Err(malformed(
                text,
                &format!("{tok:?} is beyond 1e6, where no colour coordinate goes"),
            ))
        } else {
            Ok(v)
        }
    };
    if let Some(p) = t.strip_suffix('%') {
        return Ok(Component::Percent(num(p)?));
    }
    for (unit, to_deg) in [
        ("deg", 1.0),
        ("grad", 0.9),
        ("rad", 180.0 / std::f64::consts::PI),
        ("turn", 360.0),
    ] {
        if let Some(p) = t.strip_suffix(unit) {
            return Ok(Component::Degrees(num(p)? * to_deg));
        }
    }
    Ok(Component::Number(num(&t)?))
}

/// A number, with `pct` the value of 100%.
fn scalar(c: Component, pct: f64, text: &str, what: &str) -> Result<f64, InputError> {
    match c {
        Component::Number(v) => Ok(v),
        Component::Percent(p) => Ok(p / 100.0 * pct),
        Component::Degrees(_) => Err(malformed(text, &format!("{what} cannot be an angle"))),
    }
}

/// A hue in degrees, normalised to 0..360.
fn hue(c: Component, text: &str) -> Result<f64, InputError> {
    match c {
        Component::Number(v) | Component::Degrees(v) => Ok(v.rem_euclid(360.0)),
        Component::Percent(_) => Err(malformed(text, "a hue cannot be a percentage")),
    }
}

/// Parses a CSS Color 4 colour (see the module docs).
///
/// # Errors
/// [`InputError::Malformed`] naming the text and what is wrong with it.
pub fn parse(text: &str) -> Result<ColourText, InputError> {
    let s = text.trim();
    if let Some(hex) = s.strip_prefix('#') {
        return parse_hex(hex, text);
    }
    let open = s.find('(').ok_or_else(|| malformed(text, ""))?;
    let body = s[open + 1..]
        .strip_suffix(')')
        .ok_or_else(|| malformed(text, "missing closing parenthesis"))?;
    let func = s[..open].trim().to_ascii_lowercase();
    // Split off an alpha after '/', which must be opaque.
    let (body, alpha) = match body.split_once('/') {
        Some((b, a)) => (b, Some(a.trim())),
        None => (body, None),
    };
    if let Some(a) = alpha {
        let v = match component(a, text)? {
            Component::Number(v) => v,
            Component::Percent(p) => p / 100.0,
            Component::Degrees(_) => return Err(malformed(text, "alpha cannot be an angle")),
        };
        if v != 1.0 {
            return Err(malformed(
                text,
                "translucent colours are not supported (alpha must be 1)",
            ));
        }
    }
    let mut toks: Vec<&str> = body
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    let space = if func == "color" {
        if toks.is_empty() {
            return Err(malformed(text, "color() needs a colour space"));
        }
        let sp = toks.remove(0).to_ascii_lowercase();
        format!("color:{sp}")
    } else {
        func.clone()
    };
    if toks.len() != 3 {
        return Err(malformed(
            text,
            &format!("{} components where 3 are needed", toks.len()),
        ));
    }
    let c: Vec<Component> = toks
        .iter()
        .map(|t| component(t, text))
        .collect::<Result<_, _>>()?;
    let out = match space.as_str() {
        "lab" => ColourText::Lab(Lab::new(
            scalar(c[0], 100.0, text, "L")?,
            scalar(c[1], 125.0, text, "a")?,
            scalar(c[2], 125.0, text, "b")?,
        )),
        "lch" => ColourText::Lch(Lch {
            l: scalar(c[0], 100.0, text, "L")?,
            c: scalar(c[1], 150.0, text, "C")?,
            h: hue(c[2], text)?,
        }),
        "oklab" => ColourText::Oklab(Oklab {
            l: scalar(c[0], 1.0, text, "L")?,
            a: scalar(c[1], 0.4, text, "a")?,
            b: scalar(c[2], 0.4, text, "b")?,
        }),
        "oklch" => ColourText::Oklch(Oklch {
            l: scalar(c[0], 1.0, text, "L")?,
            c: scalar(c[1], 0.4, text, "C")?,
            h: hue(c[2], text)?,
        }),
        "rgb" | "rgba" => {
            let ch = |i: usize, name: &str| -> Result<f64, InputError> {
                Ok(scalar(c[i], 255.0, text, name)? / 255.0)
            };
            ColourText::Srgb([ch(0, "r")?, ch(1, "g")?, ch(2, "b")?])
        }
        "color:srgb" | "color:srgb-linear" => {
            let v = [
                scalar(c[0], 1.0, text, "r")?,
                scalar(c[1], 1.0, text, "g")?,
                scalar(c[2], 1.0, text, "b")?,
            ];
            if space == "color:srgb" {
                ColourText::Srgb(v)
            } else {
                ColourText::LinearSrgb(v)
            }
        }
        "color:xyz" | "color:xyz-d65" | "color:xyz-d50" => {
            let xyz = Xyz::new(
                100.0 * scalar(c[0], 1.0, text, "X")?,
                100.0 * scalar(c[1], 1.0, text, "Y")?,
                100.0 * scalar(c[2], 1.0, text, "Z")?,
            );
            if space == "color:xyz-d50" {
                ColourText::XyzD50(xyz)
            } else {
                ColourText::XyzD65(xyz)
            }
        }
        _ => {
            return Err(malformed(
                text,
                &format!("unknown colour function {:?}", &s[..open]),
            ))
        }
    };
    Ok(out)
}

fn parse_hex(hex: &str, text: &str) -> Result<ColourText, InputError> {
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(malformed(text, "not a hexadecimal colour"));
    }
    let digits: Vec<u8> = hex
        .chars()
        .map(|c| c.to_digit(16).expect("checked hex digit") as u8)
        .collect();
    let (rgb, alpha): (Vec<u8>, Option<u8>) = match digits.len() {
        3 | 4 => (
            digits[..3].iter().map(|d| d * 17).collect(),
            digits.get(3).map(|d| d * 17),
        ),
        6 | 8 => (
            digits.chunks(2).take(3).map(|p| p[0] * 16 + p[1]).collect(),
            (digits.len() == 8).then(|| digits[6] * 16 + digits[7]),
        ),
        _ => return Err(malformed(text, "a hex colour has 3, 4, 6 or 8 digits")),
    };
    if alpha.is_some_and(|a| a != 255) {
        return Err(malformed(
            text,
            "translucent colours are not supported (alpha must be ff)",
        ));
    }
    Ok(ColourText::Srgb([
        f64::from(rgb[0]) / 255.0,
        f64::from(rgb[1]) / 255.0,
        f64::from(rgb[2]) / 255.0,
    ]))
}

/// `v` with at most `decimals` decimals, trailing zeros removed, and no `-0`.
pub fn fmt_num(v: f64, decimals: usize) -> String {
    let mut s = format!("{v:.decimals$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".into();
    }
    s
}

/// `lab(L a b)` with 4 decimals at most.
pub fn format_lab(lab: Lab) -> String {
    format!(
        "lab({} {} {})",
        fmt_num(lab.l, 4),
        fmt_num(lab.a, 4),
        fmt_num(lab.b, 4)
    )
}

/// `lch(L C H)` with 4 decimals at most.
pub fn format_lch(lch: Lch) -> String {
    format!(
        "lch({} {} {})",
        fmt_num(lch.l, 4),
        fmt_num(lch.c, 4),
        fmt_num(lch.h, 4)
    )
}

/// `oklab(L a b)` with 6 decimals at most.
pub fn format_oklab(ok: Oklab) -> String {
    format!(
        "oklab({} {} {})",
        fmt_num(ok.l, 6),
        fmt_num(ok.a, 6),
        fmt_num(ok.b, 6)
    )
}

/// `oklch(L C H)` with 6 decimals at most (4 for the hue).
pub fn format_oklch(ok: Oklch) -> String {
    format!(
        "oklch({} {} {})",
        fmt_num(ok.l, 6),
        fmt_num(ok.c, 6),
        fmt_num(ok.h, 4)
    )
}

/// `rgb(R G B)` on the 0..255 scale with 2 decimals at most.
pub fn format_rgb(encoded: [f64; 3]) -> String {
    format!(
        "rgb({} {} {})",
        fmt_num(encoded[0] * 255.0, 2),
        fmt_num(encoded[1] * 255.0, 2),
        fmt_num(encoded[2] * 255.0, 2)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(
            parse("lab(52 8 14)").unwrap(),
            ColourText::Lab(Lab::new(52.0, 8.0, 14.0))
        );
        assert_eq!(
            parse("lab(52% 8 -14)").unwrap(),
            ColourText::Lab(Lab::new(52.0, 8.0, -14.0))
        );
        assert_eq!(
            parse("LCH(52, 16, 60deg)").unwrap(),
            ColourText::Lch(Lch {
                l: 52.0,
                c: 16.0,
                h: 60.0
            })
        );
        assert_eq!(
            parse("oklch(60% 0.1 0.5turn / 1)").unwrap(),
            ColourText::Oklch(Oklch {
                l: 0.6,
                c: 0.1,
                h: 180.0
            })
        );
        assert_eq!(parse("#8a5a44").unwrap(), parse("rgb(138 90 68)").unwrap());
        assert_eq!(parse("#fff").unwrap(), ColourText::Srgb([1.0, 1.0, 1.0]));
        assert_eq!(
            parse("rgb(100% 0% 50%)").unwrap(),
            ColourText::Srgb([1.0, 0.0, 0.5])
        );
        assert!(matches!(
            parse("color(xyz-d50 0.5 0.5 0.4)").unwrap(),
            ColourText::XyzD50(_)
        ));
    }

    #[test]
    fn rejects_bad_text_with_the_text_in_the_message() {
        for bad in [
            "lab(52 8)",
            "lab(52 8 x)",
            "lab(nan 1 2)",
            "lab(52 8 14 / 0.5)",
            "#12",
            "#12345g",
            "hsl(1 2 3)",
            "lab(52 8 14",
            "",
        ] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.contains("colour"), "{bad}: {e}");
            assert!(!e.contains('\n'), "one line: {e}");
        }
    }

    #[test]
    fn formats_trim_zeros() {
        assert_eq!(fmt_num(-0.00001, 4), "0");
        assert_eq!(fmt_num(52.5, 4), "52.5");
        assert_eq!(format_lab(Lab::new(52.0, 8.0, 14.0)), "lab(52 8 14)");
    }
}
