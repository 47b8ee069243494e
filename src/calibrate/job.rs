//! `tinct calibrate optical` and `tinct calibrate lightfastness` as one library call each: a
//! request (the commands' flags) in, a report out (exactly what `--json` prints) holding the
//! catalog entry's TOML text, which the CLI writes where `--output` says.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::input::{read, Descriptions, Fill, Measurements, Sample};
use super::{
    calibrate_lightfastness, calibrate_optical, calibrate_white, default_surface, Constants,
};
use crate::dates::today;
use crate::optics::km::Saunderson;
use crate::pigment::{Catalog, PhotodegradationEntry, Pigment, PigmentSource};
use crate::spectrum::grid_wavelengths;
use crate::InputError;

fn default_white() -> String {
    "titanium-dioxide".into()
}
fn default_k1() -> f64 {
    0.04
}
fn default_k2() -> f64 {
    0.6
}
fn default_colour_index() -> String {
    "unknown".into()
}

/// What both calibrations take.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct CalibrateCommon {
    /// The measurement file (CSV or CGATS.17; `-` is standard input).
    pub input: PathBuf,
    /// The pigment being calibrated.
    pub pigment: String,
    /// A CSV table of the fields an instrument's export lacks, by sample id.
    #[serde(default)]
    pub samples: Option<PathBuf>,
    /// The white of the tints: calibrated from its own rows when the input has them, else a
    /// catalog id.
    #[serde(default = "default_white")]
    pub white: String,
    /// Saunderson k1 and k2.
    #[serde(default = "default_k1")]
    pub k1: f64,
    #[serde(default = "default_k2")]
    pub k2: f64,
    /// Reflectance in percent instead of factors.
    #[serde(default)]
    pub percent: bool,
    /// Where the entry will be written (recorded in the report; the caller writes it).
    #[serde(default)]
    pub output: Option<PathBuf>,
}

/// `tinct calibrate optical`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct OpticalRequest {
    #[serde(flatten)]
    pub common: CalibrateCommon,
    /// The entry's name (default: the pigment id).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default = "default_colour_index")]
    pub colour_index: String,
    /// The pigment's solid density, g/cm^3.
    #[serde(default)]
    pub density: Option<f64>,
}

/// `tinct calibrate lightfastness`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct LightfastnessRequest {
    #[serde(flatten)]
    pub common: CalibrateCommon,
}

struct Loaded {
    samples: Vec<Sample>,
    sha256: String,
    surface: Saunderson,
    origin: String,
    /// How the fields the measurement file lacked were filled.
    filled: Vec<String>,
}

fn load(a: &CalibrateCommon) -> Result<Loaded, InputError> {
    if a.input.as_path() == Path::new("-") && a.samples.as_deref() == Some(Path::new("-")) {
        return Err(InputError::Invalid {
            field: "--samples".into(),
            message: "standard input is already the measurement file".into(),
        });
    }
    for (name, v) in [("k1", a.k1), ("k2", a.k2)] {
        if !(v.is_finite() && (0.0..1.0).contains(&v)) {
            return Err(InputError::OutOfRange {
                field: name.into(),
                value: v,
                expected: "0 <= value < 1".into(),
            });
        }
    }
    let bytes = crate::io::read_file(&a.input)?;
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
            Some(Descriptions::read(&crate::io::read_file(path)?, &name)?)
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
fn white(
    l: &Loaded,
    catalog: &Catalog,
    id: &str,
) -> Result<(Constants, String, Vec<String>), InputError> {
    if l.samples.iter().any(|s| s.pigment == id) {
        let f = calibrate_white(&l.samples, id, l.surface)?;
        return Ok((
            f.constants,
            format!("{id}, calibrated from its own rows"),
            f.warnings,
        ));
    }
    let p = catalog.get(id).map_err(|e| InputError::Invalid {
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

#[derive(Serialize)]
pub struct OpticsOut {
    model: &'static str,
    wavelengths_nm: Vec<f64>,
    k_m2_g: Vec<f64>,
    s_m2_g: Vec<f64>,
}

#[derive(Serialize)]
pub struct EntryOut {
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

fn entry_text(entry: &EntryOut, header: &str) -> Result<String, InputError> {
    let body = toml::to_string(entry).map_err(|e| InputError::Invalid {
        field: "entry".into(),
        message: e.to_string(),
    })?;
    let text = format!("{header}{body}");
    // The entry must load as any catalog entry does.
    Pigment::from_toml(&text, "the calibrated entry")?;
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

fn provenance(l: &Loaded, a: &CalibrateCommon, method: &str, white_how: &str) -> toml::Table {
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

/// A sample's refit.
#[derive(Debug, Clone, Serialize)]
pub struct SampleFit {
    pub id: String,
    pub delta_e00: f64,
}

/// What [`optical_job`] answers: exactly what `tinct calibrate optical --json` prints, and
/// the entry.
#[derive(Debug, Clone, Serialize)]
pub struct OpticalReport {
    pub id: String,
    pub wavelengths_nm: Vec<f64>,
    pub k: Vec<f64>,
    pub s: Vec<f64>,
    pub residual_rms: Vec<f64>,
    pub samples: Vec<SampleFit>,
    pub unseparated_nm: Vec<f64>,
    pub white: String,
    pub warnings: Vec<String>,
    pub input_sha256: String,
    pub output: Option<PathBuf>,
    /// The catalog entry (TOML), loadable with `--catalog`.
    #[serde(skip)]
    pub entry: String,
    /// Samples of the pigment.
    #[serde(skip)]
    pub sample_count: usize,
}

/// `tinct calibrate optical` as one call: K and S per unit load from drawdowns and tint
/// ladders, and the catalog entry with its provenance.
///
/// # Errors
/// Bad input: an unreadable or malformed measurement file, a density or Saunderson
/// coefficient out of range, a white with no rows and no catalog entry, samples that cannot
/// separate K from S.
pub fn optical_job(req: &OpticalRequest, catalog: &Catalog) -> Result<OpticalReport, InputError> {
    let c = &req.common;
    if let Some(d) = req.density {
        InputError::check_range("density", d, 0.01, 30.0, "g/cm^3, 0.01 to 30")?;
    }
    let l = load(c)?;
    let (white_k, white_how, mut warnings) = white(&l, catalog, &c.white)?;
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
        name: req.name.clone().unwrap_or_else(|| c.pigment.clone()),
        colour_index: req.colour_index.clone(),
        blue_wool: None,
        density_g_cm3: req.density,
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
    Ok(OpticalReport {
        id: c.pigment.clone(),
        wavelengths_nm: wl,
        k: fit.constants.k.to_vec(),
        s: fit.constants.s.to_vec(),
        residual_rms: fit.residual_rms.to_vec(),
        samples: fit
            .sample_delta_e
            .iter()
            .map(|(id, d)| SampleFit {
                id: id.clone(),
                delta_e00: *d,
            })
            .collect(),
        unseparated_nm: fit.unseparated_nm.clone(),
        white: white_how,
        warnings,
        input_sha256: l.sha256.clone(),
        output: c.output.clone(),
        entry: entry_text(&entry, &header)?,
        sample_count: n,
    })
}

/// An exposed sample.
#[derive(Debug, Clone, Serialize)]
pub struct ExposedSample {
    pub id: String,
    pub exposure_mlxh: f64,
    pub left: f64,
}

/// What [`lightfastness_job`] answers: exactly what `tinct calibrate lightfastness --json`
/// prints, and the entry.
#[derive(Debug, Clone, Serialize)]
pub struct LightfastnessReport {
    pub id: String,
    pub per_mlxh: f64,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
    pub blue_wool: Option<f64>,
    pub samples: Vec<ExposedSample>,
    pub white: String,
    pub warnings: Vec<String>,
    pub input_sha256: String,
    pub output: Option<PathBuf>,
    /// The catalog entry (TOML): the pigment's with its light fastness.
    #[serde(skip)]
    pub entry: String,
}

/// `tinct calibrate lightfastness` as one call: a photodegradation constant and Blue Wool
/// grade from spectra before and after known exposures, and the pigment's entry with them.
///
/// # Errors
/// Bad input: a pigment without optical constants in `catalog`, an unreadable or malformed
/// measurement file, no exposed samples.
pub fn lightfastness_job(
    req: &LightfastnessRequest,
    catalog: &Catalog,
) -> Result<LightfastnessReport, InputError> {
    let c = &req.common;
    let l = load(c)?;
    let p = catalog.get(&c.pigment).map_err(|e| InputError::Invalid {
        field: "pigment".into(),
        message: format!(
            "{:?} needs its optical constants: calibrate them first and give the entry with \
             --catalog ({e})",
            c.pigment
        ),
    })?;
    let (white_k, white_how, mut warnings) = white(&l, catalog, &c.white)?;
    let titanium = catalog.get("titanium-dioxide")?;
    let share = crate::fade::kinetics::share_at_grey_scale_4(p, titanium);
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
            crate::colorimetry::text::fmt_num(lf.blue_wool.unwrap_or(0.0), 2)
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
    Ok(LightfastnessReport {
        id: p.id.clone(),
        per_mlxh: lf.per_mlxh,
        lo: lf.lo,
        hi: lf.hi,
        blue_wool: lf.blue_wool,
        samples: lf
            .samples
            .iter()
            .map(|(id, h, q)| ExposedSample {
                id: id.clone(),
                exposure_mlxh: *h,
                left: *q,
            })
            .collect(),
        white: white_how,
        warnings,
        input_sha256: l.sha256.clone(),
        output: c.output.clone(),
        entry: entry_text(&entry, &header)?,
    })
}
