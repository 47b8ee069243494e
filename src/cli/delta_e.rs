//! `tinct delta-e`.

use std::path::PathBuf;

use serde_json::json;

use tinct::colorimetry::text::{fmt_num, parse};
use tinct::difference::DeltaE;
use tinct::InputError;

use super::{emit, emit_json, write_table, CliError, ViewingArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Sample 1, the reference (CSS Color 4 text, e.g. "lab(50 2.6772 -79.7751)").
    #[arg(
        value_name = "A",
        allow_hyphen_values = true,
        required_unless_present = "input"
    )]
    pub a: Option<String>,
    /// Sample 2 (CSS Color 4 text).
    #[arg(
        value_name = "B",
        allow_hyphen_values = true,
        required_unless_present = "input"
    )]
    pub b: Option<String>,
    /// CSV with columns L1,a1,b1,L2,a2,b2 (more columns are carried through); the output adds
    /// a delta_e column.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["a", "b", "json"])]
    pub input: Option<PathBuf>,
    /// Where to write the CSV (written whole or not at all); stdout when absent.
    #[arg(long, value_name = "FILE", requires = "input")]
    pub output: Option<PathBuf>,
    /// ciede2000, cie76, cie94 (graphic arts), cie94-textiles, or cmc (l:c = 2:1).
    #[arg(long, default_value = "ciede2000", value_name = "METHOD")]
    pub method: String,
    /// CMC lightness weight l (with --method cmc; default 2).
    #[arg(long, value_name = "L", allow_negative_numbers = true)]
    pub cmc_l: Option<f64>,
    /// CMC chroma weight c (with --method cmc; default 1).
    #[arg(long, value_name = "C", allow_negative_numbers = true)]
    pub cmc_c: Option<f64>,
    /// CIEDE2000 parametric factor kL (default 1; 2 for textiles).
    #[arg(long, value_name = "K", allow_negative_numbers = true)]
    pub kl: Option<f64>,
    /// CIEDE2000 parametric factor kC (default 1).
    #[arg(long, value_name = "K", allow_negative_numbers = true)]
    pub kc: Option<f64>,
    /// CIEDE2000 parametric factor kH (default 1).
    #[arg(long, value_name = "K", allow_negative_numbers = true)]
    pub kh: Option<f64>,
    /// Illuminant and observer for colours given as sRGB, Oklab or XYZ (Lab is used as given).
    #[command(flatten)]
    pub viewing: ViewingArgs,
    /// Print one JSON document: {"method": ..., "delta_e": ...}.
    #[arg(long)]
    pub json: bool,
}

fn method_of(a: &Args) -> Result<DeltaE, InputError> {
    let mut m = DeltaE::from_name(&a.method)?;
    let misplaced = |flag: &str, for_method: &str| InputError::Invalid {
        field: flag.into(),
        message: format!("applies only to --method {for_method}, not {}", a.method),
    };
    match &mut m {
        DeltaE::Cmc { l, c } => {
            if let Some(v) = a.cmc_l {
                *l = v;
            }
            if let Some(v) = a.cmc_c {
                *c = v;
            }
        }
        _ if a.cmc_l.is_some() => return Err(misplaced("cmc-l", "cmc")),
        _ if a.cmc_c.is_some() => return Err(misplaced("cmc-c", "cmc")),
        _ => {}
    }
    match &mut m {
        DeltaE::Ciede2000 { k_l, k_c, k_h } => {
            *k_l = a.kl.unwrap_or(*k_l);
            *k_c = a.kc.unwrap_or(*k_c);
            *k_h = a.kh.unwrap_or(*k_h);
        }
        _ if a.kl.is_some() => return Err(misplaced("kl", "ciede2000")),
        _ if a.kc.is_some() => return Err(misplaced("kc", "ciede2000")),
        _ if a.kh.is_some() => return Err(misplaced("kh", "ciede2000")),
        _ => {}
    }
    m.validated()
}

pub fn run(a: Args) -> Result<(), CliError> {
    let method = method_of(&a)?;
    if let Some(input) = &a.input {
        let bytes = tinct::io::read_file(input)?;
        let out = tinct::io::delta_e_csv(&bytes, method)
            .map_err(|e| e.at(&input.display().to_string()))?;
        return write_table(a.output.as_deref(), &[input.as_path()], &out);
    }
    let viewing = a.viewing.viewing()?;
    let white = viewing.white();
    let (ta, tb) = (a.a.as_deref().unwrap_or(""), a.b.as_deref().unwrap_or(""));
    let lab1 = parse(ta).map_err(|e| e.at("A"))?.to_lab(white);
    let lab2 = parse(tb).map_err(|e| e.at("B"))?.to_lab(white);
    let d = method.delta_e(lab1, lab2);
    if !d.is_finite() {
        return Err(InputError::NotFinite {
            field: "delta_e (the colours are too far out of range)".into(),
            value: d,
        }
        .into());
    }
    if a.json {
        emit_json(&json!({"method": method.name(), "delta_e": d}))
    } else {
        emit(format!("{}  ({method})\n", fmt_num(d, 4)).as_bytes())
    }
}
