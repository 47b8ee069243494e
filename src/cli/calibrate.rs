//! `tinct calibrate optical` and `tinct calibrate lightfastness`.

use std::path::PathBuf;

use tinct::calibrate::job::{
    lightfastness_job, optical_job, CalibrateCommon, LightfastnessRequest, OpticalRequest,
};
use tinct::colorimetry::text::fmt_num;

use super::{emit, emit_json, CliError};

#[derive(Debug, clap::Subcommand)]
pub enum Calibrate {
    /// K and S per unit load from drawdowns and tint ladders (two-constant Kubelka-Munk with
    /// the Saunderson correction).
    ///
    /// Example: tinct calibrate optical drawdowns.csv --pigment my-black --output my-black.toml
    Optical(OpticalArgs),
    /// A photodegradation constant and Blue Wool grade from spectra before and after known
    /// exposures.
    ///
    /// Example: tinct calibrate lightfastness exposed.csv --pigment my-black --catalog
    /// my-black.toml --output my-black-lf.toml
    Lightfastness(LightArgs),
}

/// Flags both share.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// Measurements: CSV (id, pigment, fraction, load_g_m2, background[, exposure], then one
    /// column per wavelength) or CGATS.17 text with the same fields and SPECTRAL_380 ...
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// The pigment being calibrated (its value in the pigment column). Without a pigment field
    /// every sample is of it, and without a background field as well every film is opaque
    /// (an instrument's export of exposed panels).
    #[arg(long, value_name = "ID")]
    pub pigment: String,
    /// A CSV table of the fields an instrument's export lacks, by sample id: id (SAMPLE_ID in
    /// CGATS) and some of pigment, fraction, load_g_m2, background, exposure.
    #[arg(long, value_name = "FILE")]
    pub samples: Option<PathBuf>,
    /// The white of the tints: calibrated from its own rows when the input has them, else a
    /// catalog id.
    #[arg(long, default_value = "titanium-dioxide", value_name = "ID")]
    pub white: String,
    /// Saunderson k1 (external reflectance).
    #[arg(long, default_value_t = 0.04, value_name = "K1")]
    pub k1: f64,
    /// Saunderson k2 (internal reflectance).
    #[arg(long, default_value_t = 0.6, value_name = "K2")]
    pub k2: f64,
    /// Reflectance in percent (0..100) instead of factors (0..1).
    #[arg(long)]
    pub percent: bool,
    /// Extra catalog entries (TOML).
    #[arg(long, value_name = "FILE")]
    pub catalog: Vec<PathBuf>,
    /// Write the catalog entry here (default: stdout).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print a JSON summary instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct OpticalArgs {
    #[command(flatten)]
    pub common: Common,
    /// The entry's name.
    #[arg(long, value_name = "TEXT")]
    pub name: Option<String>,
    /// The entry's Colour Index name.
    #[arg(long, default_value = "unknown", value_name = "CI")]
    pub colour_index: String,
    /// The pigment's solid density, g/cm^3 (e.g. 5.26 for hematite): skin packs pigment into
    /// clusters by its volume (`tinct appear --help`, --cluster-um). Without it the entry is
    /// taken as dispersed in skin, which reads darker than the same pigment packed.
    #[arg(long, value_name = "G_CM3")]
    pub density: Option<f64>,
}

#[derive(Debug, clap::Args)]
pub struct LightArgs {
    #[command(flatten)]
    pub common: Common,
}

pub fn run(c: Calibrate) -> Result<(), CliError> {
    match c {
        Calibrate::Optical(mut a) => {
            super::dash_is_stdout(&mut a.common.output);
            optical(a)
        }
        Calibrate::Lightfastness(mut a) => {
            super::dash_is_stdout(&mut a.common.output);
            lightfastness(a)
        }
    }
}

/// The library's request from the shared flags; the output checked against the inputs first.
fn common(a: &Common) -> Result<CalibrateCommon, CliError> {
    if let Some(out) = &a.output {
        let mut inputs = vec![a.input.as_path()];
        inputs.extend(a.catalog.iter().map(PathBuf::as_path));
        inputs.extend(a.samples.as_deref());
        tinct::io::check_not_input(out, &inputs)?;
    }
    Ok(CalibrateCommon {
        input: a.input.clone(),
        pigment: a.pigment.clone(),
        samples: a.samples.clone(),
        white: a.white.clone(),
        k1: a.k1,
        k2: a.k2,
        percent: a.percent,
        output: a.output.clone(),
    })
}

/// The entry written to `--output`, then the JSON, or the summary `s` on stdout after an
/// entry written to a file, or on stderr after the entry printed on stdout (`> entry.toml`
/// gives a loadable entry).
fn finish(
    a: &Common,
    entry: &str,
    json: &impl serde::Serialize,
    summary: &str,
) -> Result<(), CliError> {
    if let Some(out) = &a.output {
        tinct::io::write_atomic(out, entry.as_bytes())?;
    }
    if a.json {
        return emit_json(json);
    }
    if a.output.is_none() {
        emit(format!("{entry}\n").as_bytes())?;
        eprint!("{summary}");
        Ok(())
    } else {
        emit(summary.as_bytes())
    }
}

fn optical(a: OpticalArgs) -> Result<(), CliError> {
    let c = &a.common;
    let req = OpticalRequest {
        common: common(c)?,
        name: a.name.clone(),
        colour_index: a.colour_index.clone(),
        density: a.density,
    };
    let catalog = tinct::pigment::Catalog::with_files(&c.catalog)?;
    let r = optical_job(&req, &catalog)?;
    let worst = r
        .samples
        .iter()
        .max_by(|x, y| x.delta_e00.total_cmp(&y.delta_e00));
    let (worst_band, worst_rms) = r
        .residual_rms
        .iter()
        .enumerate()
        .max_by(|x, y| x.1.total_cmp(y.1))
        .map(|(i, v)| (r.wavelengths_nm[i], *v))
        .unwrap_or((0.0, 0.0));
    let mut s = format!(
        "calibrated {} from {} samples (white: {}); refit dE00 worst {} ({}), \
         reflectance residual rms at most {} ({} nm){}\n",
        c.pigment,
        r.sample_count,
        r.white,
        worst.map_or("-".into(), |w| fmt_num(w.delta_e00, 2)),
        worst.map_or("-", |w| w.id.as_str()),
        fmt_num(worst_rms, 4),
        worst_band,
        c.output
            .as_ref()
            .map_or(String::new(), |o| format!("; wrote {}", o.display()))
    );
    for w in &r.warnings {
        s.push_str(&format!("warning: {w}\n"));
    }
    finish(c, &r.entry, &r, &s)
}

fn lightfastness(a: LightArgs) -> Result<(), CliError> {
    let c = &a.common;
    let req = LightfastnessRequest { common: common(c)? };
    let catalog = tinct::pigment::Catalog::with_files(&c.catalog)?;
    let r = lightfastness_job(&req, &catalog)?;
    let mut s = format!(
        "{}: photodegradation {} per Mlx h (95 % {} to {}), Blue Wool {} equivalent, from {} \
         exposed samples{}\n",
        r.id,
        fmt_num(r.per_mlxh, 6),
        r.lo.map_or("-".into(), |v| fmt_num(v, 6)),
        r.hi.map_or("-".into(), |v| fmt_num(v, 6)),
        r.blue_wool.map_or("-".into(), |g| fmt_num(g, 1)),
        r.samples.len(),
        c.output
            .as_ref()
            .map_or(String::new(), |o| format!("; wrote {}", o.display()))
    );
    for w in &r.warnings {
        s.push_str(&format!("warning: {w}\n"));
    }
    finish(c, &r.entry, &r, &s)
}
