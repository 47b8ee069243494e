//! `tinct optics`.

use std::path::PathBuf;

use tinct::colorimetry::text::{fmt_num, format_lab};
use tinct::optics::medium::{optics_job, OpticsRequest};

use super::{emit, emit_json, CliError, ViewingArgs};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("dot_method").args(["monte_carlo", "trace_dot"])))]
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
    /// Correct the fast model by the 3-D Monte Carlo's tables traced here for this medium and
    /// dot (seconds; `--photons` per traced band and scattering level, default 8000). Without
    /// it the fast model is corrected only where tinct's built-in tables hold or lend to the
    /// medium (its own skins); the JSON's dot.correction says which.
    #[arg(long = "trace-dot")]
    pub trace_dot: bool,
    /// Photons: with --monte-carlo per wavelength launched over the dot (half as many again
    /// around it for the profile; default 20000, a standard error of about 0.002); with
    /// --trace-dot per traced band and level (default 8000).
    #[arg(long, value_name = "N", requires = "dot_method")]
    pub photons: Option<u64>,
    /// Monte Carlo seed: the same seed and photons give the same answer on any machine.
    #[arg(
        long,
        default_value_t = 1,
        value_name = "SEED",
        requires = "dot_method"
    )]
    pub seed: u64,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let req = OpticsRequest {
        medium: tinct::io::read_text(&a.medium)?,
        origin: a.medium.display().to_string(),
        method: if a.monte_carlo {
            "monte-carlo"
        } else if a.trace_dot {
            "traced"
        } else {
            "fast"
        }
        .into(),
        photons: a.photons,
        seed: a.seed,
        illuminant: a.viewing.illuminant.clone(),
        observer: a.viewing.observer.clone(),
    };
    let r = optics_job(&req)?;
    if a.json {
        return emit_json(&r);
    }
    let viewing = format!("{}/{}°", r.illuminant, r.observer);
    let mut out =
        String::from("  nm  R (total)  R (no specular)  T (total)  R (diffuse in)  T (diffuse in)");
    if r.dot.is_some() {
        out.push_str("  R over dot (no specular)");
    }
    out.push('\n');
    for (i, nm) in r.wavelengths_nm.iter().enumerate() {
        out.push_str(&format!(
            "{:>4}  {:>9.5}  {:>15.5}  {:>9.5}  {:>14.5}  {:>14.5}",
            fmt_num(*nm, 1),
            r.reflectance[i],
            r.reflectance_diffuse[i],
            r.transmittance[i],
            r.diffuse_incidence.reflectance[i],
            r.diffuse_incidence.transmittance[i]
        ));
        if let Some(d) = &r.dot {
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
    match r.lab {
        Some(l) => out.push_str(&format!(
            "colour (specular excluded, {viewing}): {}\n",
            lab_text(l)
        )),
        None => out.push_str("colour: the wavelengths do not span 400-700 nm\n"),
    }
    if let Some((d, l)) = r.dot.as_ref().and_then(|d| d.lab.map(|l| (d, l))) {
        out.push_str(&format!(
            "dot {} mm across, mean over it (d:0, specular excluded, {}): {}\n",
            fmt_num(d.diameter_mm, 3),
            match &d.correction {
                Some(c) => format!("fast model; its correction: {c}"),
                None => "Monte Carlo".to_string(),
            },
            lab_text(l)
        ));
    }
    emit(out.as_bytes())
}

fn lab_text(l: [f64; 3]) -> String {
    format_lab(tinct::colorimetry::Lab::new(l[0], l[1], l[2]))
}
