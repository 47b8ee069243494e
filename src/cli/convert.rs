//! `tinct convert`.

use serde_json::json;

use tinct::colorimetry::spaces::{
    lab_to_lch, oklab_to_oklch, xyz_to_oklab, xyz_to_srgb, xyz_to_xyy,
};
use tinct::colorimetry::text::{
    fmt_num, format_lab, format_lch, format_oklab, format_oklch, format_rgb, parse,
};
use tinct::InputError;

use super::{emit, emit_json, CliError, ViewingArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The colour, as CSS Color 4 text: "lab(52 8 14)", "lch(52 16 60)", "oklab(0.6 0.02 0.04)",
    /// "oklch(0.6 0.05 60)", "#8a5a44", "rgb(138 90 68)".
    #[arg(value_name = "COLOR", allow_hyphen_values = true)]
    pub colour: String,
    /// Target space: lab, lch, oklab, oklch, xyz, xyy or srgb.
    #[arg(long, value_name = "SPACE")]
    pub to: String,
    #[command(flatten)]
    pub viewing: ViewingArgs,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

const SPACES: &str = "lab, lch, oklab, oklch, xyz, xyy, srgb";

pub fn run(a: Args) -> Result<(), CliError> {
    let viewing = a.viewing.viewing()?;
    let white = viewing.white();
    let colour = parse(&a.colour)?;
    let xyz = colour.to_xyz(white);
    let lab = colour.to_lab(white);
    let to = a.to.trim().to_ascii_lowercase();
    let (text, value, extra) = match to.as_str() {
        "lab" => (format_lab(lab), vec![lab.l, lab.a, lab.b], None),
        "lch" => {
            let c = lab_to_lch(lab);
            (format_lch(c), vec![c.l, c.c, c.h], None)
        }
        "oklab" => {
            let o = xyz_to_oklab(xyz, white);
            (format_oklab(o), vec![o.l, o.a, o.b], None)
        }
        "oklch" => {
            let o = oklab_to_oklch(xyz_to_oklab(xyz, white));
            (format_oklch(o), vec![o.l, o.c, o.h], None)
        }
        "xyz" => (
            format!(
                "X {} Y {} Z {}  (white {} {} {}, {viewing})",
                fmt_num(xyz.x, 4),
                fmt_num(xyz.y, 4),
                fmt_num(xyz.z, 4),
                fmt_num(white.x, 4),
                fmt_num(white.y, 4),
                fmt_num(white.z, 4)
            ),
            vec![xyz.x, xyz.y, xyz.z],
            None,
        ),
        "xyy" => {
            let v = xyz_to_xyy(xyz, white);
            (
                format!(
                    "x {} y {} Y {}",
                    fmt_num(v.x, 6),
                    fmt_num(v.y, 6),
                    fmt_num(v.luminance, 4)
                ),
                vec![v.x, v.y, v.luminance],
                None,
            )
        }
        "srgb" | "rgb" | "hex" => {
            let s = xyz_to_srgb(xyz, white);
            let mut t = format!("{}  {}", format_rgb(s.encoded), s.hex());
            if !s.in_gamut {
                t.push_str(&format!(
                    "  (outside the sRGB gamut: clipped; unclipped linear r g b = {} {} {})",
                    fmt_num(s.linear[0], 4),
                    fmt_num(s.linear[1], 4),
                    fmt_num(s.linear[2], 4)
                ));
            }
            (
                t,
                s.encoded.to_vec(),
                Some(
                    json!({"hex": s.hex(), "encoded": s.encoded, "linear": s.linear,
                            "in_gamut": s.in_gamut}),
                ),
            )
        }
        _ => {
            return Err(InputError::Unknown {
                field: "to".into(),
                kind: "colour space",
                value: a.to.clone(),
                known: SPACES.into(),
            }
            .into())
        }
    };
    // Every number printed is finite (inputs are bounded, so this is a guard, not a filter).
    if value
        .iter()
        .chain([lab.l, lab.a, lab.b].iter())
        .any(|v| !v.is_finite())
    {
        return Err(CliError {
            code: super::EXIT_FAILED,
            message: format!("{}: the conversion to {to} is not finite", a.colour),
        });
    }
    if a.json {
        let mut doc = json!({
            "input": a.colour,
            "illuminant": viewing.illuminant.name(),
            "observer": viewing.observer.degrees(),
            "white": [white.x, white.y, white.z],
            "to": to,
            "value": value,
            "text": text,
            "lab": [lab.l, lab.a, lab.b],
        });
        if let Some(e) = extra {
            doc["srgb"] = e;
        }
        emit_json(&doc)
    } else {
        emit(format!("{text}\n").as_bytes())
    }
}
