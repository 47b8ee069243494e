//! `tinct optics`.

use std::path::PathBuf;

use serde_json::json;

use tinct::colorimetry::text::{fmt_num, format_lab};
use tinct::colorimetry::WeightingTable;
use tinct::optics::medium::Medium;
use tinct::spectrum::MeasuredSpectrum;

use super::{emit, emit_json, CliError, ViewingArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The medium file (TOML): wavelengths_nm, index, below ("air" or "semi-infinite") and
    /// [[layers]] with name, thickness_mm, mu_a_per_mm, mu_s_per_mm and g (see the README).
    #[arg(value_name = "MEDIUM.toml")]
    pub medium: PathBuf,
    #[command(flatten)]
    pub viewing: ViewingArgs,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let viewing = a.viewing.viewing()?;
    let bytes = tinct::io::read_file(&a.medium)?;
    let origin = a.medium.display().to_string();
    let text = String::from_utf8(bytes).map_err(|_| tinct::InputError::Invalid {
        field: origin.clone(),
        message: "not UTF-8 text".into(),
    })?;
    let medium = Medium::from_toml(&text, &origin)?;
    let s = medium.solve().map_err(|e| e.at(&origin))?;
    // The colour of the specular-excluded reflectance, when the wavelengths span the visible.
    let w = &s.wavelengths_nm;
    let diffuse: Vec<f64> = s.solutions.iter().map(|x| x.reflectance_diffuse).collect();
    let lab = if w.len() >= 2 && w[0] <= 400.0 && w[w.len() - 1] >= 700.0 {
        let m = MeasuredSpectrum::new(w.clone(), diffuse.clone())?;
        Some(WeightingTable::for_grid(viewing).lab(&m.to_spectrum()))
    } else {
        None
    };
    let col = |f: fn(&tinct::optics::transport::Solution) -> f64| -> Vec<f64> {
        s.solutions.iter().map(f).collect()
    };
    if a.json {
        return emit_json(&json!({
            "wavelengths_nm": w,
            "reflectance": col(|x| x.reflectance),
            "reflectance_diffuse": diffuse,
            "transmittance": col(|x| x.transmittance),
            "diffuse_incidence": {
                "reflectance": col(|x| x.diffuse_reflectance),
                "transmittance": col(|x| x.diffuse_transmittance),
            },
            "lab": lab.map(|l| [l.l, l.a, l.b]),
            "illuminant": viewing.illuminant.name(),
            "observer": viewing.observer.degrees(),
        }));
    }
    let mut out = String::from(
        "  nm  R (total)  R (no specular)  T (total)  R (diffuse in)  T (diffuse in)\n",
    );
    for (nm, x) in w.iter().zip(&s.solutions) {
        out.push_str(&format!(
            "{:>4}  {:>9.5}  {:>15.5}  {:>9.5}  {:>14.5}  {:>14.5}\n",
            fmt_num(*nm, 1),
            x.reflectance,
            x.reflectance_diffuse,
            x.transmittance,
            x.diffuse_reflectance,
            x.diffuse_transmittance
        ));
    }
    match lab {
        Some(l) => out.push_str(&format!(
            "colour (specular excluded, {viewing}): {}\n",
            format_lab(l)
        )),
        None => out.push_str("colour: the wavelengths do not span 400-700 nm\n"),
    }
    emit(out.as_bytes())
}
