//! `tinct optics`.

use std::path::PathBuf;

use serde_json::json;

use tinct::colorimetry::text::{fmt_num, format_lab};
use tinct::colorimetry::WeightingTable;
use tinct::optics::medium::{DotMethod, Medium};
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
    /// Solve the medium's [dot] with the 3-D Monte Carlo instead of the fast model (slower;
    /// its standard errors are reported), e.g. --monte-carlo --photons 50000 --seed 7.
    #[arg(long)]
    pub monte_carlo: bool,
    /// Monte Carlo photons per wavelength launched over the dot (half as many again around it
    /// for the profile); 20000 gives a standard error of about 0.002.
    #[arg(
        long,
        default_value_t = 20_000,
        value_name = "N",
        requires = "monte_carlo"
    )]
    pub photons: u64,
    /// Monte Carlo seed: the same seed and photons give the same answer on any machine.
    #[arg(
        long,
        default_value_t = 1,
        value_name = "SEED",
        requires = "monte_carlo"
    )]
    pub seed: u64,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let viewing = a.viewing.viewing()?;
    let origin = a.medium.display().to_string();
    let text = tinct::io::read_text(&a.medium)?;
    let medium = Medium::from_toml(&text, &origin)?;
    let s = medium.solve().map_err(|e| e.at(&origin))?;
    let method = if a.monte_carlo {
        DotMethod::MonteCarlo {
            photons: a.photons,
            seed: a.seed,
        }
    } else {
        DotMethod::Fast
    };
    let dot = medium.solve_dot(method).map_err(|e| e.at(&origin))?;
    // The colour of the specular-excluded reflectance, when the wavelengths span the visible.
    let w = &s.wavelengths_nm;
    let diffuse: Vec<f64> = s.solutions.iter().map(|x| x.reflectance_diffuse).collect();
    let visible = w.len() >= 2 && w[0] <= 400.0 && w[w.len() - 1] >= 700.0;
    let lab_of = |r: &[f64]| -> Result<Option<tinct::colorimetry::Lab>, CliError> {
        if !visible {
            return Ok(None);
        }
        let m = MeasuredSpectrum::new(w.clone(), r.to_vec())?;
        Ok(Some(
            WeightingTable::for_grid(viewing).lab(&m.to_spectrum()),
        ))
    };
    let lab = lab_of(&diffuse)?;
    let dot_lab = match &dot {
        Some(d) => lab_of(&d.reflectance_diffuse)?,
        None => None,
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
            "dot": dot.as_ref().map(|d| json!({
                "diameter_mm": d.diameter_mm,
                "method": if a.monte_carlo { "monte-carlo" } else { "fast" },
                "reflectance_diffuse": d.reflectance_diffuse,
                "reflectance": d.reflectance,
                "std_error": d.std_error,
                "lab": dot_lab.map(|l| [l.l, l.a, l.b]),
                "profile": {
                    "radius_mm": d.profile_radius_mm,
                    "reflectance_diffuse": d.profile,
                },
            })),
            "illuminant": viewing.illuminant.name(),
            "observer": viewing.observer.degrees(),
        }));
    }
    let mut out =
        String::from("  nm  R (total)  R (no specular)  T (total)  R (diffuse in)  T (diffuse in)");
    if dot.is_some() {
        out.push_str("  R over dot (no specular)");
    }
    out.push('\n');
    for (i, (nm, x)) in w.iter().zip(&s.solutions).enumerate() {
        out.push_str(&format!(
            "{:>4}  {:>9.5}  {:>15.5}  {:>9.5}  {:>14.5}  {:>14.5}",
            fmt_num(*nm, 1),
            x.reflectance,
            x.reflectance_diffuse,
            x.transmittance,
            x.diffuse_reflectance,
            x.diffuse_transmittance
        ));
        if let Some(d) = &dot {
            match &d.std_error {
                Some(e) => out.push_str(&format!(
                    "  {:>15.5} +- {:.5}",
                    d.reflectance_diffuse[i], e[i]
                )),
                None => out.push_str(&format!("  {:>24.5}", d.reflectance_diffuse[i])),
            }
        }
        out.push('\n');
    }
    match lab {
        Some(l) => out.push_str(&format!(
            "colour (specular excluded, {viewing}): {}\n",
            format_lab(l)
        )),
        None => out.push_str("colour: the wavelengths do not span 400-700 nm\n"),
    }
    if let (Some(d), Some(l)) = (&dot, dot_lab) {
        out.push_str(&format!(
            "dot {} mm across, mean over it (d:0, specular excluded, {}): {}\n",
            fmt_num(d.diameter_mm, 3),
            if a.monte_carlo {
                "Monte Carlo"
            } else {
                "fast model"
            },
            format_lab(l)
        ));
    }
    emit(out.as_bytes())
}
