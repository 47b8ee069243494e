//! `tinct calibrate optical` and `tinct calibrate lightfastness`.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use tinct::calibrate::input::{read, Descriptions, Fill, Measurements, Sample};
use tinct::calibrate::{
    calibrate_lightfastness, calibrate_optical, calibrate_white, default_surface, Constants,
};
use tinct::colorimetry::text::fmt_num;
use tinct::optics::km::Saunderson;
use tinct::pigment::{Catalog, PhotodegradationEntry, Pigment, PigmentSource};
use tinct::spectrum::grid_wavelengths;
use tinct::InputError;

use super::pigments::load_catalog;
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

struct Loaded {
    samples: Vec<Sample>,
    sha256: String,
    catalog: Catalog,
    surface: Saunderson,
    origin: String,
    /// How the fields the measurement file lacked were filled.
    filled: Vec<String>,
}

fn load(a: &Common) -> Result<Loaded, CliError> {
    if let Some(out) = &a.output {
        let mut inputs = vec![a.input.as_path()];
        inputs.extend(a.catalog.iter().map(PathBuf::as_path));
        inputs.extend(a.samples.as_deref());
        tinct::io::check_not_input(out, &inputs)?;
    }
    if a.input.as_path() == Path::new("-") && a.samples.as_deref() == Some(Path::new("-")) {
        return Err(InputError::Invalid {
            field: "--samples".into(),
            message: "standard input is already the measurement file".into(),
        }
        .into());
    }
    for (name, v) in [("k1", a.k1), ("k2", a.k2)] {
        if !(v.is_finite() && (0.0..1.0).contains(&v)) {
            return Err(InputError::OutOfRange {
                field: name.into(),
                value: v,
                expected: "0 <= value < 1".into(),
            }
            .into());
        }
    }
    let bytes = tinct::io::read_file(&a.input)?;
    let origin = if a.input.as_path() == Path::new("-") {
        "standard input".to_string()
    } else {
        a.input.display().to_string()
    };
    let descriptions = match &a.samples {
        Some(path) => {
            let name = if path.as_path() == Path::new("-") {
                "standard input".to_string()
            } else {
                path.display().to_string()
            };
            Some(Descriptions::read(&tinct::io::read_file(path)?, &name)?)
        }
        None => None,
    };
    let fill = Fill {
        descriptions,
        pigment: Some(a.pigment.clone()),
    };
    let Measurements { samples, filled } = read(&bytes, &origin, a.percent, &fill)?;
    let sha256 = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Loaded {
        samples,
        sha256,
        catalog: load_catalog(&a.catalog)?,
        surface: Saunderson {
            k1: a.k1,
            k2: a.k2,
            ..default_surface()
        },
        origin,
        filled,
    })
}

/// The white's constants and how they were obtained.
fn white(l: &Loaded, id: &str) -> Result<(Constants, String, Vec<String>), CliError> {
    if l.samples.iter().any(|s| s.pigment == id) {
        let f = calibrate_white(&l.samples, id, l.surface)?;
        return Ok((
            f.constants,
            format!("{id}, calibrated from its own rows"),
            f.warnings,
        ));
    }
    let p = l.catalog.get(id).map_err(|e| InputError::Invalid {
        field: "white".into(),
        message: format!("{id:?} has no rows in the input and is not in the catalog ({e})"),
    })?;
    Ok((
        constants_of(p),
        format!("{}, from the catalog", p.id),
        Vec::new(),
    ))
}

fn constants_of(p: &Pigment) -> Constants {
    Constants { k: p.k(), s: p.s() }
}

/// Today's date, UTC, as YYYY-MM-DD (civil-from-days, H. Hinnant's algorithm).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[derive(Serialize)]
struct OpticsOut {
    model: &'static str,
    wavelengths_nm: Vec<f64>,
    k_m2_g: Vec<f64>,
    s_m2_g: Vec<f64>,
}

#[derive(Serialize)]
struct EntryOut {
    id: String,
    name: String,
    colour_index: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    blue_wool: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    density_g_cm3: Option<f64>,
    optics: OpticsOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    photodegradation: Option<PhotodegradationEntry>,
    sources: Vec<PigmentSource>,
    notes: Vec<String>,
    calibration: toml::Table,
}

fn round_sig(v: f64) -> f64 {
    // Nine significant digits: far below any measurement's precision, and readable.
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let mag = v.abs().log10().floor() as i32;
    let scale = 10f64.powi(8 - mag);
    (v * scale).round() / scale
}

fn text_array(items: &[String]) -> toml::Value {
    items
        .iter()
        .map(|w| toml::Value::from(w.clone()))
        .collect::<Vec<_>>()
        .into()
}

/// The summary `s` on stdout after an entry written to a file, or on stderr after the entry
/// `text` printed on stdout.
fn summary_and_entry(s: &str, text: &str, entry_on_stdout: bool) -> Result<(), CliError> {
    if entry_on_stdout {
        emit(format!("{text}\n").as_bytes())?;
        eprint!("{s}");
        Ok(())
    } else {
        emit(s.as_bytes())
    }
}

fn write_entry(entry: &EntryOut, a: &Common, header: &str) -> Result<String, CliError> {
    let body = toml::to_string(entry).map_err(|e| InputError::Invalid {
        field: "entry".into(),
        message: e.to_string(),
    })?;
    let text = format!("{header}{body}");
    // The entry must load as any catalog entry does.
    Pigment::from_toml(&text, "the calibrated entry")?;
    if let Some(out) = &a.output {
        tinct::io::write_atomic(out, text.as_bytes())?;
    }
    Ok(text)
}

/// How the measurement file's missing fields were filled, for an entry's sources.
fn filled_note(l: &Loaded) -> String {
    if l.filled.is_empty() {
        String::new()
    } else {
        format!(" with {}", l.filled.join("; "))
    }
}

fn provenance(l: &Loaded, a: &Common, method: &str, white_how: &str) -> toml::Table {
    let mut t = toml::Table::new();
    t.insert("method".into(), method.into());
    t.insert(
        "input".into(),
        Path::new(&l.origin)
            .file_name()
            .map_or(l.origin.clone(), |f| f.to_string_lossy().into_owned())
            .into(),
    );
    t.insert("input_sha256".into(), l.sha256.clone().into());
    if !l.filled.is_empty() {
        t.insert("input_filled".into(), l.filled.join("; ").into());
    }
    t.insert("date".into(), today().into());
    t.insert(
        "tinct_version".into(),
        env!("CARGO_PKG_VERSION").to_string().into(),
    );
    t.insert("saunderson_k1".into(), a.k1.into());
    t.insert("saunderson_k2".into(), a.k2.into());
    t.insert("white".into(), white_how.to_string().into());
    t
}

fn optical(a: OpticalArgs) -> Result<(), CliError> {
    let c = &a.common;
    if let Some(d) = a.density {
        InputError::check_range("density", d, 0.01, 30.0, "g/cm^3, 0.01 to 30")?;
    }
    let l = load(c)?;
    let (white_k, white_how, mut warnings) = white(&l, &c.white)?;
    let fit = calibrate_optical(&l.samples, &c.pigment, &white_k, l.surface)?;
    warnings.extend(fit.warnings.iter().cloned());
    let n = l.samples.iter().filter(|s| s.pigment == c.pigment).count();
    let wl = grid_wavelengths().to_vec();
    let mut cal = provenance(
        &l,
        c,
        "two-constant Kubelka-Munk per wavelength, least squares over all samples, Saunderson \
         correction (specular included)",
        &white_how,
    );
    cal.insert("samples".into(), (n as i64).into());
    cal.insert(
        "residual_rms".into(),
        fit.residual_rms
            .iter()
            .map(|v| toml::Value::from(round_sig(*v)))
            .collect::<Vec<_>>()
            .into(),
    );
    let per_sample: Vec<toml::Value> = fit
        .sample_delta_e
        .iter()
        .map(|(id, d)| {
            let mut t = toml::Table::new();
            t.insert("id".into(), id.clone().into());
            t.insert("delta_e00".into(), round_sig(*d).into());
            toml::Value::Table(t)
        })
        .collect();
    cal.insert("sample_fit".into(), per_sample.into());
    cal.insert("warnings".into(), text_array(&warnings));
    let date = today();
    let entry = EntryOut {
        id: c.pigment.clone(),
        name: a.name.clone().unwrap_or_else(|| c.pigment.clone()),
        colour_index: a.colour_index.clone(),
        blue_wool: None,
        density_g_cm3: a.density,
        optics: OpticsOut {
            model: "tabulated",
            wavelengths_nm: wl.clone(),
            k_m2_g: fit.constants.k.iter().map(|v| round_sig(*v)).collect(),
            s_m2_g: fit.constants.s.iter().map(|v| round_sig(*v)).collect(),
        },
        photodegradation: None,
        sources: vec![PigmentSource {
            what: "k and s per unit load (m^2/g) at every wavelength".into(),
            source: format!(
                "tinct calibrate optical on {} (sha256 {}){}, {date}: {n} samples, white {white_how}",
                l.origin,
                l.sha256,
                filled_note(&l)
            ),
        }],
        notes: warnings.clone(),
        calibration: cal,
    };
    let header = format!(
        "# Calibrated by tinct {} from {} on {date}; see [calibration] for the residuals.\n",
        env!("CARGO_PKG_VERSION"),
        l.origin
    );
    let text = write_entry(&entry, c, &header)?;
    let worst = fit
        .sample_delta_e
        .iter()
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .cloned();
    if c.json {
        return emit_json(&json!({
            "id": c.pigment, "wavelengths_nm": wl,
            "k": fit.constants.k.to_vec(), "s": fit.constants.s.to_vec(),
            "residual_rms": fit.residual_rms.to_vec(),
            "samples": fit.sample_delta_e.iter().map(|(id, d)| json!({"id": id, "delta_e00": d})).collect::<Vec<_>>(),
            "unseparated_nm": fit.unseparated_nm,
            "white": white_how, "warnings": warnings,
            "input_sha256": l.sha256, "output": c.output,
        }));
    }
    // Without --output the entry alone goes to stdout (`> entry.toml` gives a loadable
    // entry) and the summary to stderr.
    let mut s = String::new();
    let (worst_band, worst_rms) = fit
        .residual_rms
        .iter()
        .enumerate()
        .max_by(|x, y| x.1.total_cmp(y.1))
        .map(|(i, v)| (wl[i], *v))
        .unwrap_or((0.0, 0.0));
    s.push_str(&format!(
        "calibrated {} from {n} samples (white: {white_how}); refit dE00 worst {} ({}), \
         reflectance residual rms at most {} ({} nm){}\n",
        c.pigment,
        worst.as_ref().map_or("-".into(), |w| fmt_num(w.1, 2)),
        worst.as_ref().map_or("-", |w| w.0.as_str()),
        fmt_num(worst_rms, 4),
        worst_band,
        c.output
            .as_ref()
            .map_or(String::new(), |o| format!("; wrote {}", o.display()))
    ));
    for w in &warnings {
        s.push_str(&format!("warning: {w}\n"));
    }
    summary_and_entry(&s, &text, c.output.is_none())
}

fn lightfastness(a: LightArgs) -> Result<(), CliError> {
    let c = &a.common;
    let l = load(c)?;
    let p = l.catalog.get(&c.pigment).map_err(|e| InputError::Invalid {
        field: "pigment".into(),
        message: format!(
            "{:?} needs its optical constants: calibrate them first and give the entry with \
             --catalog ({e})",
            c.pigment
        ),
    })?;
    let (white_k, white_how, mut warnings) = white(&l, &c.white)?;
    let titanium = l.catalog.get("titanium-dioxide")?;
    let share = tinct::fade::kinetics::share_at_grey_scale_4(p, titanium);
    let lf = calibrate_lightfastness(
        &l.samples,
        &c.pigment,
        &constants_of(p),
        &white_k,
        l.surface,
        share,
    )?;
    if lf.blue_wool.is_some_and(|g| !(1.0..=8.0).contains(&g)) {
        warnings.push(format!(
            "the constant corresponds to Blue Wool {}, outside the scale 1-8",
            fmt_num(lf.blue_wool.unwrap_or(0.0), 2)
        ));
    }
    let mut cal = provenance(
        &l,
        c,
        "first-order loss ln(left) = -phi H by least squares through the origin; the share \
         left per sample from its spectrum with the pigment's constants (lost pigment colourless)",
        &white_how,
    );
    let per_sample: Vec<toml::Value> = lf
        .samples
        .iter()
        .map(|(id, h, q)| {
            let mut t = toml::Table::new();
            t.insert("id".into(), id.clone().into());
            t.insert("exposure_mlxh".into(), round_sig(*h).into());
            t.insert("left".into(), round_sig(*q).into());
            toml::Value::Table(t)
        })
        .collect();
    cal.insert("exposed".into(), per_sample.into());
    if let Some(g) = lf.blue_wool {
        cal.insert("blue_wool_equivalent".into(), round_sig(g).into());
    }
    cal.insert("warnings".into(), text_array(&warnings));
    let date = today();
    let mut sources = p.sources.clone();
    sources.push(PigmentSource {
        what: "photodegradation constant per Mlx h of daylight and its 95 % interval".into(),
        source: format!(
            "tinct calibrate lightfastness on {} (sha256 {}){}, {date}: {} exposed samples",
            l.origin,
            l.sha256,
            filled_note(&l),
            lf.samples.len()
        ),
    });
    let entry = EntryOut {
        id: p.id.clone(),
        name: p.name.clone(),
        colour_index: p.colour_index.clone(),
        blue_wool: lf.blue_wool.map(|g| g.round().clamp(1.0, 8.0) as u8),
        density_g_cm3: p.density_g_cm3,
        optics: OpticsOut {
            model: "tabulated",
            wavelengths_nm: grid_wavelengths().to_vec(),
            k_m2_g: p.k_m2_g.iter().map(|v| round_sig(*v)).collect(),
            s_m2_g: p.s_m2_g.iter().map(|v| round_sig(*v)).collect(),
        },
        photodegradation: Some(PhotodegradationEntry {
            per_mlxh: round_sig(lf.per_mlxh),
            lo: lf.lo.map(round_sig),
            hi: lf.hi.map(round_sig),
        }),
        sources,
        notes: p
            .notes
            .iter()
            .cloned()
            .chain(warnings.iter().cloned())
            .collect(),
        calibration: cal,
    };
    let header = format!(
        "# {} with its light fastness calibrated by tinct {} from {} on {date}.\n",
        p.id,
        env!("CARGO_PKG_VERSION"),
        l.origin
    );
    let text = write_entry(&entry, c, &header)?;
    if c.json {
        return emit_json(&json!({
            "id": p.id, "per_mlxh": lf.per_mlxh, "lo": lf.lo, "hi": lf.hi,
            "blue_wool": lf.blue_wool,
            "samples": lf.samples.iter().map(|(id, h, q)| json!({"id": id, "exposure_mlxh": h, "left": q})).collect::<Vec<_>>(),
            "white": white_how, "warnings": warnings, "input_sha256": l.sha256, "output": c.output,
        }));
    }
    // Without --output the entry alone goes to stdout (`> entry.toml` gives a loadable
    // entry) and the summary to stderr.
    let mut s = String::new();
    s.push_str(&format!(
        "{}: photodegradation {} per Mlx h (95 % {} to {}), Blue Wool {} equivalent, from {} \
         exposed samples{}\n",
        p.id,
        fmt_num(lf.per_mlxh, 6),
        lf.lo.map_or("-".into(), |v| fmt_num(v, 6)),
        lf.hi.map_or("-".into(), |v| fmt_num(v, 6)),
        lf.blue_wool.map_or("-".into(), |g| fmt_num(g, 1)),
        lf.samples.len(),
        c.output
            .as_ref()
            .map_or(String::new(), |o| format!("; wrote {}", o.display()))
    ));
    for w in &warnings {
        s.push_str(&format!("warning: {w}\n"));
    }
    summary_and_entry(&s, &text, c.output.is_none())
}
