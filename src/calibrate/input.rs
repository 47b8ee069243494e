//! Calibration measurements: a CSV with descriptive columns and one column per wavelength, or
//! CGATS.17 text as spectrophotometer software writes it (SPECTRAL_380 ... fields, or SPEC_380
//! as ArgyllCMS writes them).
//!
//! Descriptive fields (case-insensitive; in CGATS the same names as data-format fields, with
//! SAMPLE_ID for the id):
//! - `id`: the sample's id;
//! - `pigment`: the pigment the sample calibrates (the white's id for the white's own samples,
//!   `substrate` for a bare background);
//! - `fraction`: mass fraction of that pigment in the pigment + white solids (1 for masstone);
//! - `load_g_m2`: solids per area, or `inf` for an opaque film;
//! - `background`: `none` for an opaque film, or the id of a substrate row;
//! - `exposure` (optional, for light fastness): radiant exposure as `12.5` or `12.5mlxh`
//!   (megalux hours of daylight), `3.2e7J/m2` (joules per square metre of daylight, turned into
//!   lux hours with the luminous efficacy of daylight), or `bw4` (the exposure at which Blue Wool
//!   reference 4, exposed alongside, reached grey scale 4).
//!
//! Substrate rows leave fraction, load and background empty. Reflectance factors are 0..1
//! (`percent` reads 0..100). Spectra on any grid are resampled onto tinct's grid.

use crate::error::InputError;
use crate::fade::exposure::DAYLIGHT_EFFICACY_LM_W;
use crate::fade::kinetics::blue_wool_dose_mlxh;
use crate::spectrum::{MeasuredSpectrum, Spectrum};

/// What a sample is.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub id: String,
    pub pigment: String,
    /// Mass fraction of `pigment` in the solids (None for a substrate).
    pub fraction: Option<f64>,
    /// Solids per area, g/m^2; infinite for an opaque film (None for a substrate).
    pub load_g_m2: Option<f64>,
    /// The substrate row's id, or None for an opaque film or a substrate.
    pub background: Option<String>,
    /// Radiant exposure, Mlx h of daylight.
    pub exposure_mlxh: Option<f64>,
    /// The measured reflectance factor on tinct's grid.
    pub measured: Spectrum,
}

impl Sample {
    /// Whether this row is a bare substrate.
    pub fn is_substrate(&self) -> bool {
        self.pigment.eq_ignore_ascii_case("substrate")
    }
}

fn wavelength_of(name: &str) -> Option<f64> {
    let t = name.trim().to_ascii_lowercase();
    let t = t
        .strip_prefix("spectral_nm_")
        .or_else(|| t.strip_prefix("spectral_nm"))
        .or_else(|| t.strip_prefix("spectral_"))
        // ArgyllCMS (spotread, chartread) writes SPEC_380.
        .or_else(|| t.strip_prefix("spec_"))
        .or_else(|| t.strip_prefix("nm"))
        .or_else(|| t.strip_prefix('r'))
        .unwrap_or(&t);
    let t = t.strip_suffix("nm").unwrap_or(t).trim();
    t.parse::<f64>()
        .ok()
        .filter(|w| w.is_finite() && *w > 100.0)
}

/// Parses an exposure cell.
///
/// # Errors
/// Text that is none of the accepted forms, or a negative exposure.
pub fn parse_exposure(field: &str, text: &str) -> Result<Option<f64>, InputError> {
    let t = text.trim().to_ascii_lowercase();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || InputError::Malformed {
        field: field.to_string(),
        value: text.to_string(),
        expected: "an exposure such as 12.5 (Mlx h), 12.5mlxh, 3.2e7J/m2 or bw4".into(),
    };
    let v = if let Some(g) = t.strip_prefix("bw") {
        let g: f64 = g.parse().map_err(|_| bad())?;
        if !(1.0..=8.0).contains(&g) {
            return Err(bad());
        }
        blue_wool_dose_mlxh(g)
    } else if let Some(j) = t.strip_suffix("j/m2").or_else(|| t.strip_suffix("j/m^2")) {
        let j: f64 = j.trim().parse().map_err(|_| bad())?;
        // lx h = J/m^2 x lm/W / 3600 s/h.
        j * DAYLIGHT_EFFICACY_LM_W / 3600.0 / 1e6
    } else {
        let n = t.strip_suffix("mlxh").unwrap_or(&t);
        n.trim().parse().map_err(|_| bad())?
    };
    // 0 is the unexposed sample; a real exposure is at least a thousandth of a lux hour short
    // of nothing (a rate from less would overflow) and no rating uses a million Mlx h.
    if !(v.is_finite() && (v == 0.0 || (1e-6..=1e6).contains(&v))) {
        return Err(InputError::OutOfRange {
            field: field.to_string(),
            value: v,
            expected: "0 (unexposed) or 1e-6 to 1e6 Mlx h".into(),
        });
    }
    Ok(Some(v))
}

/// The descriptive fields a measurement file may leave to a separate table.
pub const DESCRIPTIVE: [&str; 5] = ["pigment", "fraction", "load_g_m2", "background", "exposure"];

/// What an instrument's export lacks: the descriptive fields ([`DESCRIPTIVE`]) of each sample,
/// from a separate CSV table with an `id` column (`tinct calibrate --samples`). An
/// instrument's software writes the spectra and the sample ids, not which pigment, fraction
/// and load each sample is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Descriptions {
    origin: String,
    /// The descriptive columns the table gives, as written.
    names: Vec<String>,
    /// Per sample id, its cells in the order of `names`.
    rows: Vec<(String, Vec<String>)>,
}

impl Descriptions {
    /// Reads the table.
    ///
    /// # Errors
    /// Malformed CSV, no `id` column, a column that is not descriptive, an empty or repeated id.
    pub fn read(bytes: &[u8], origin: &str) -> Result<Descriptions, InputError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .comment(Some(b'#'))
            .from_reader(bytes);
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| crate::io::csv_error(e).at(origin))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let is_id = |h: &str| h.eq_ignore_ascii_case("id") || h.eq_ignore_ascii_case("sample_id");
        let id_col = header
            .iter()
            .position(|h| is_id(h))
            .ok_or_else(|| InputError::Invalid {
                field: format!("{origin}: column \"id\""),
                message: "missing (the sample ids of the measurement file)".into(),
            })?;
        let mut cols = Vec::new();
        for (i, h) in header.iter().enumerate() {
            if i == id_col {
                continue;
            }
            if !DESCRIPTIVE.iter().any(|d| h.eq_ignore_ascii_case(d)) {
                return Err(InputError::Malformed {
                    field: format!("{origin}: header"),
                    value: h.clone(),
                    expected: format!("id and some of {}", DESCRIPTIVE.join(", ")),
                });
            }
            if cols
                .iter()
                .any(|(_, n): &(usize, String)| n.eq_ignore_ascii_case(h))
            {
                return Err(InputError::Invalid {
                    field: format!("{origin}: column {h:?}"),
                    message: "given twice".into(),
                });
            }
            cols.push((i, h.clone()));
        }
        let mut rows: Vec<(String, Vec<String>)> = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| crate::io::csv_error(e).at(origin))?;
            let line = rec.position().map_or(0, |p| p.line() as usize);
            let id = rec.get(id_col).unwrap_or("").trim().to_string();
            if id.is_empty() {
                return Err(InputError::Invalid {
                    field: format!("{origin}: line {line}, id"),
                    message: "empty".into(),
                });
            }
            if rows.iter().any(|(x, _)| x == &id) {
                return Err(InputError::Invalid {
                    field: format!("{origin}: line {line}, id"),
                    message: format!("{id:?} is described twice"),
                });
            }
            let cells = cols
                .iter()
                .map(|(i, _)| rec.get(*i).unwrap_or("").to_string())
                .collect();
            rows.push((id, cells));
        }
        Ok(Descriptions {
            origin: origin.to_string(),
            names: cols.into_iter().map(|(_, n)| n).collect(),
            rows,
        })
    }
}

/// Where the descriptive fields a measurement file lacks come from.
#[derive(Debug, Clone, Default)]
pub struct Fill {
    /// A table of them per sample ([`Descriptions`]).
    pub descriptions: Option<Descriptions>,
    /// Without a pigment field in the file or the table, every sample is of this pigment (the
    /// one being calibrated); without a background field as well, every film is opaque (as
    /// the panels of a light-fastness exposure are).
    pub pigment: Option<String>,
}

/// The measurement file's fields with those `fill` supplies added (see [`Fill`]).
fn filled(
    origin: &str,
    names: &[String],
    rows: &[(usize, Vec<String>)],
    id_col: usize,
    fill: &Fill,
) -> Result<Filled, InputError> {
    let mut names = names.to_vec();
    let mut rows = rows.to_vec();
    let mut notes = Vec::new();
    let has =
        |names: &[String], want: &str| names.iter().any(|n| n.trim().eq_ignore_ascii_case(want));
    if let Some(d) = &fill.descriptions {
        for n in &d.names {
            if has(&names, n) {
                return Err(InputError::Invalid {
                    field: format!("{}: column {n:?}", d.origin),
                    message: format!("{origin} has it too; give each field once"),
                });
            }
        }
        for (line, cells) in &mut rows {
            let id = cells.get(id_col).map_or("", |s| s.trim()).to_string();
            let (_, extra) =
                d.rows
                    .iter()
                    .find(|(x, _)| x == &id)
                    .ok_or_else(|| InputError::Invalid {
                        field: format!("{origin}: line {line}, id"),
                        message: format!("sample {id:?} is not described in {}", d.origin),
                    })?;
            cells.extend(extra.iter().cloned());
        }
        for (id, _) in &d.rows {
            if !rows
                .iter()
                .any(|(_, c)| c.get(id_col).is_some_and(|x| x.trim() == id))
            {
                return Err(InputError::Invalid {
                    field: format!("{}: id", d.origin),
                    message: format!("describes sample {id:?}, which {origin} does not hold"),
                });
            }
        }
        names.extend(d.names.iter().cloned());
        notes.push(format!("{} from {}", d.names.join(", "), d.origin));
    }
    if let Some(p) = &fill.pigment {
        if !has(&names, "pigment") {
            let opaque = !has(&names, "background");
            for (_, cells) in &mut rows {
                cells.push(p.clone());
                if opaque {
                    cells.push("none".into());
                }
            }
            names.push("pigment".into());
            if opaque {
                names.push("background".into());
                notes.push(format!("every sample an opaque film of {p}"));
            } else {
                notes.push(format!("every sample of {p}"));
            }
        }
    }
    Ok(Filled { names, rows, notes })
}

/// A measurement file's fields once filled, and how they were ([`Fill`]).
struct Filled {
    names: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
    notes: Vec<String>,
}

/// Samples read, and how the fields the file lacked were filled (empty when it had them all).
#[derive(Debug, Clone, PartialEq)]
pub struct Measurements {
    pub samples: Vec<Sample>,
    pub filled: Vec<String>,
}

/// Builds samples from named fields and spectra (shared by the CSV and CGATS readers).
fn build(
    origin: &str,
    names: &[String],
    rows: &[(usize, Vec<String>)],
    percent: bool,
    fill: &Fill,
) -> Result<Measurements, InputError> {
    let position = |names: &[String], want: &[&str]| {
        names
            .iter()
            .position(|n| want.iter().any(|w| n.trim().eq_ignore_ascii_case(w)))
    };
    let id_col = position(names, &["id", "sample_id"]).ok_or_else(|| InputError::Invalid {
        field: format!("{origin}: column \"id\""),
        message: "missing (the sample id: id or SAMPLE_ID)".into(),
    })?;
    let Filled { names, rows, notes } = filled(origin, names, rows, id_col, fill)?;
    let (names, rows) = (&names[..], &rows[..]);
    let find = |want: &[&str]| position(names, want);
    let need = |name: &str| {
        find(&[name]).ok_or_else(|| InputError::Invalid {
            field: format!("{origin}: column {name:?}"),
            message: "missing (id, pigment, fraction, load_g_m2, background, then wavelengths; \
                      --samples gives them from a table by id)"
                .into(),
        })
    };
    let pigment_col = need("pigment")?;
    let fraction_col = need("fraction")?;
    let load_col = need("load_g_m2")?;
    let background_col = need("background")?;
    let exposure_col = find(&["exposure"]);
    let mut bands: Vec<(usize, f64)> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        if let Some(w) = wavelength_of(n) {
            if let Some(&(_, prev)) = bands.last() {
                if w <= prev {
                    return Err(InputError::WavelengthOrder {
                        field: format!("{origin}: header"),
                        previous: prev,
                        value: w,
                    });
                }
            }
            bands.push((i, w));
        }
    }
    if bands.len() < 2 {
        return Err(InputError::Invalid {
            field: format!("{origin}: header"),
            message: "no wavelength columns (380, 380nm, R380, SPECTRAL_380 or SPEC_380 ...)"
                .into(),
        });
    }
    let wavelengths: Vec<f64> = bands.iter().map(|b| b.1).collect();
    let scale = if percent { 0.01 } else { 1.0 };
    let mut out = Vec::with_capacity(rows.len());
    for (line, cells) in rows {
        let at = |what: &str| format!("{origin}: line {line}, {what}");
        let cell = |i: usize| cells.get(i).map_or("", |s| s.trim());
        let id = cell(id_col).to_string();
        if id.is_empty() {
            return Err(InputError::Invalid {
                field: at("id"),
                message: "empty".into(),
            });
        }
        let pigment = cell(pigment_col).to_string();
        let substrate = pigment.eq_ignore_ascii_case("substrate");
        let num = |i: usize, what: &str| -> Result<Option<f64>, InputError> {
            let t = cell(i);
            if t.is_empty() {
                return Ok(None);
            }
            let v: f64 = if t.eq_ignore_ascii_case("inf") {
                f64::INFINITY
            } else {
                t.parse().map_err(|_| InputError::Malformed {
                    field: at(what),
                    value: t.to_string(),
                    expected: "a number (or inf for the load of an opaque film)".into(),
                })?
            };
            Ok(Some(v))
        };
        let fraction = num(fraction_col, "fraction")?;
        let load = num(load_col, "load_g_m2")?;
        let bg = cell(background_col);
        let background =
            (!bg.is_empty() && !bg.eq_ignore_ascii_case("none")).then(|| bg.to_string());
        if !substrate {
            let f = fraction.ok_or_else(|| InputError::Invalid {
                field: at("fraction"),
                message: "empty (1 for a masstone)".into(),
            })?;
            if !(f.is_finite() && f > 0.0 && f <= 1.0) {
                return Err(InputError::OutOfRange {
                    field: at("fraction"),
                    value: f,
                    expected: "a mass fraction above 0 and at most 1".into(),
                });
            }
            let w = load.ok_or_else(|| InputError::Invalid {
                field: at("load_g_m2"),
                message: "empty (inf for an opaque film)".into(),
            })?;
            if w.is_nan() || w <= 0.0 {
                return Err(InputError::OutOfRange {
                    field: at("load_g_m2"),
                    value: w,
                    expected: "above 0 g/m^2, or inf".into(),
                });
            }
            if w.is_finite() && background.is_none() {
                return Err(InputError::Invalid {
                    field: at("background"),
                    message: format!(
                        "a film of {w} g/m^2 needs the id of its substrate row (none is only for inf)"
                    ),
                });
            }
        }
        let mut values = Vec::with_capacity(bands.len());
        for (i, w) in &bands {
            let t = cell(*i);
            let v: f64 = t.parse().map_err(|_| InputError::Malformed {
                field: at(&format!("{w} nm")),
                value: t.to_string(),
                expected: "a reflectance factor".into(),
            })?;
            let v = v * scale;
            if !(v.is_finite() && (-0.05..=1.5).contains(&v)) {
                return Err(InputError::OutOfRange {
                    field: at(&format!("{w} nm")),
                    value: v,
                    expected: if percent {
                        "a reflectance in percent, 0..100".into()
                    } else {
                        "a reflectance factor 0..1 (--percent reads 0..100)".into()
                    },
                });
            }
            values.push(v);
        }
        let m = MeasuredSpectrum::new(wavelengths.clone(), values).map_err(|e| e.at(&at("")))?;
        let exposure = match exposure_col {
            Some(c) => parse_exposure(&at("exposure"), cell(c))?,
            None => None,
        };
        out.push(Sample {
            id,
            pigment,
            fraction: if substrate { None } else { fraction },
            load_g_m2: if substrate { None } else { load },
            background: if substrate { None } else { background },
            exposure_mlxh: exposure,
            measured: m.to_spectrum(),
        });
    }
    if out.is_empty() {
        return Err(InputError::Invalid {
            field: origin.to_string(),
            message: "no samples".into(),
        });
    }
    // Backgrounds must name substrate rows.
    for s in &out {
        if let Some(b) = &s.background {
            if !out.iter().any(|x| x.is_substrate() && &x.id == b) {
                return Err(InputError::Invalid {
                    field: format!("{origin}: sample {}: background", s.id),
                    message: format!("{b:?} is not the id of a substrate row"),
                });
            }
        }
    }
    Ok(Measurements {
        samples: out,
        filled: notes,
    })
}

/// Reads the CSV form.
///
/// # Errors
/// Malformed CSV, a missing column, a bad value (named with its line and column).
pub fn read_csv(
    bytes: &[u8],
    origin: &str,
    percent: bool,
    fill: &Fill,
) -> Result<Measurements, InputError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(bytes);
    let names: Vec<String> = rdr
        .headers()
        .map_err(|e| crate::io::csv_error(e).at(origin))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| crate::io::csv_error(e).at(origin))?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        if rec.len() != names.len() {
            return Err(InputError::Invalid {
                field: format!("{origin}: line {line}"),
                message: format!("{} fields, the header has {}", rec.len(), names.len()),
            });
        }
        rows.push((line, rec.iter().map(str::to_string).collect()));
    }
    build(origin, &names, &rows, percent, fill)
}

/// Splits a CGATS data line into fields (whitespace separated, "quoted strings" kept whole).
fn cgats_fields(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = line.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut f = String::new();
        if c == '"' {
            chars.next();
            let mut closed = false;
            for c in chars.by_ref() {
                if c == '"' {
                    closed = true;
                    break;
                }
                f.push(c);
            }
            if !closed {
                return Err("unterminated quoted string".into());
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                f.push(c);
                chars.next();
            }
        }
        out.push(f);
    }
    Ok(out)
}

/// Reads CGATS.17 text: keywords, BEGIN_DATA_FORMAT ... END_DATA_FORMAT with the field names,
/// BEGIN_DATA ... END_DATA with one sample per line.
///
/// # Errors
/// A missing or unterminated section, a data line with the wrong number of fields, a
/// NUMBER_OF_SETS that does not match, or a bad value (named with its line).
pub fn read_cgats(
    text: &str,
    origin: &str,
    percent: bool,
    fill: &Fill,
) -> Result<Measurements, InputError> {
    let err = |line: usize, message: String| InputError::Invalid {
        field: format!("{origin}: line {line}"),
        message,
    };
    let mut names: Option<Vec<String>> = None;
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    let mut declared_sets: Option<usize> = None;
    let mut state = 0; // 0 keywords, 1 data format, 2 data, 3 after data
    let mut format_names: Vec<String> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        match state {
            0 | 3 => {
                if l.eq_ignore_ascii_case("BEGIN_DATA_FORMAT") {
                    state = 1;
                } else if l.eq_ignore_ascii_case("BEGIN_DATA") {
                    if names.is_none() {
                        return Err(err(line, "BEGIN_DATA before any BEGIN_DATA_FORMAT".into()));
                    }
                    state = 2;
                } else if let Some(rest) = l.strip_prefix("NUMBER_OF_SETS") {
                    declared_sets = Some(rest.trim().parse().map_err(|_| {
                        err(
                            line,
                            format!("NUMBER_OF_SETS {:?} is not a count", rest.trim()),
                        )
                    })?);
                }
            }
            1 => {
                if l.eq_ignore_ascii_case("END_DATA_FORMAT") {
                    if format_names.is_empty() {
                        return Err(err(line, "empty data format".into()));
                    }
                    names = Some(std::mem::take(&mut format_names));
                    state = 3;
                } else {
                    format_names.extend(cgats_fields(l).map_err(|m| err(line, m))?);
                }
            }
            _ => {
                if l.eq_ignore_ascii_case("END_DATA") {
                    state = 3;
                    continue;
                }
                let f = cgats_fields(l).map_err(|m| err(line, m))?;
                let n = names.as_ref().map_or(0, Vec::len);
                if f.len() != n {
                    return Err(err(
                        line,
                        format!("{} fields, the data format has {n}", f.len()),
                    ));
                }
                rows.push((line, f));
            }
        }
    }
    match state {
        1 => {
            return Err(err(
                text.lines().count(),
                "BEGIN_DATA_FORMAT without END_DATA_FORMAT".into(),
            ))
        }
        2 => {
            return Err(err(
                text.lines().count(),
                "BEGIN_DATA without END_DATA".into(),
            ))
        }
        _ => {}
    }
    let names = names.ok_or_else(|| InputError::Invalid {
        field: origin.to_string(),
        message: "no BEGIN_DATA_FORMAT section: not CGATS".into(),
    })?;
    if let Some(n) = declared_sets {
        if n != rows.len() {
            return Err(InputError::Invalid {
                field: format!("{origin}: NUMBER_OF_SETS"),
                message: format!("says {n}, the data hold {}", rows.len()),
            });
        }
    }
    build(origin, &names, &rows, percent, fill)
}

/// Reads either form: CGATS when the text starts with a CGATS identifier or holds
/// BEGIN_DATA_FORMAT, CSV otherwise.
///
/// # Errors
/// As [`read_csv`] and [`read_cgats`].
pub fn read(
    bytes: &[u8],
    origin: &str,
    percent: bool,
    fill: &Fill,
) -> Result<Measurements, InputError> {
    let text = std::str::from_utf8(bytes).map_err(|_| InputError::Invalid {
        field: origin.to_string(),
        message: "not UTF-8 text".into(),
    })?;
    let first = text.trim_start().lines().next().unwrap_or("");
    if first.starts_with("CGATS") || first.starts_with("IT8") || text.contains("BEGIN_DATA_FORMAT")
    {
        read_cgats(text, origin, percent, fill)
    } else {
        read_csv(bytes, origin, percent, fill)
    }
}
