//! `tinct spectrum --input`: reflectance spectra in a CSV table to XYZ and Lab.
//!
//! Layout: a header whose first column is the sample id and whose other columns are
//! wavelengths in nm (`380`, `380.0`, `380nm`, `R380`, `nm380`), strictly increasing; one row per
//! sample with reflectance factors in 0..1 (or percent with `percent = true`). Lines that start
//! with `#` are comments. Any grid is
//! accepted (see [`crate::spectrum`] and [`crate::colorimetry::Viewing::table_for`]).

use super::fmt_f64;
use crate::colorimetry::{Lab, Viewing, Xyz};
use crate::error::InputError;
use crate::spectrum::MeasuredSpectrum;

/// Reflectance factors accepted: a little below 0 (instrument noise on black) and above 1
/// (fluorescent or glossy samples); larger values are almost always percent data.
const MIN_REFLECTANCE: f64 = -0.05;
const MAX_REFLECTANCE: f64 = 1.5;

/// One sample of a spectra table.
#[derive(Debug, Clone)]
pub struct SpectrumRow {
    pub id: String,
    pub spectrum: MeasuredSpectrum,
}

/// A spectra table as read.
#[derive(Debug, Clone)]
pub struct SpectraTable {
    pub id_column: String,
    pub wavelengths: Vec<f64>,
    pub rows: Vec<SpectrumRow>,
}

fn wavelength_of(name: &str) -> Option<f64> {
    let t = name.trim().to_ascii_lowercase();
    let t = t
        .strip_prefix("nm")
        .or_else(|| t.strip_prefix('r'))
        .unwrap_or(&t);
    let t = t.strip_suffix("nm").unwrap_or(t).trim();
    t.parse::<f64>().ok().filter(|w| w.is_finite())
}

/// Reads a spectra CSV (see the module docs).
///
/// # Errors
/// A header that is not id + wavelengths, wavelengths out of order, an unreadable or
/// non-finite value, or a value outside the accepted reflectance range, naming line, column and
/// value.
pub fn read_spectra_csv(input: &[u8], percent: bool) -> Result<SpectraTable, InputError> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(input);
    let csv_err = super::csv_error;
    let header = rdr.headers().map_err(csv_err)?.clone();
    if header.len() < 2 {
        return Err(InputError::Invalid {
            field: "header".into(),
            message: "needs an id column and at least one wavelength column".into(),
        });
    }
    let mut wavelengths = Vec::with_capacity(header.len() - 1);
    for name in header.iter().skip(1) {
        let w = wavelength_of(name).ok_or_else(|| InputError::Malformed {
            field: "header".into(),
            value: name.to_string(),
            expected: "a wavelength column such as 380, 380nm or R380".into(),
        })?;
        if let Some(&prev) = wavelengths.last() {
            if w <= prev {
                return Err(InputError::WavelengthOrder {
                    field: "header".into(),
                    previous: prev,
                    value: w,
                });
            }
        }
        wavelengths.push(w);
    }
    let scale = if percent { 100.0 } else { 1.0 };
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(csv_err)?;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() != header.len() {
            return Err(InputError::Invalid {
                field: format!("line {line}"),
                message: format!("{} fields where the header has {}", rec.len(), header.len()),
            });
        }
        let id = rec[0].to_string();
        let mut values = Vec::with_capacity(wavelengths.len());
        for (k, field) in rec.iter().enumerate().skip(1) {
            let col = &header[k];
            let place = || format!("line {line}, column {col}");
            let v: f64 = field.parse().map_err(|_| InputError::Malformed {
                field: place(),
                value: field.to_string(),
                expected: "a reflectance factor".into(),
            })?;
            let v = InputError::check_finite(place, v)? / scale;
            if !(MIN_REFLECTANCE..=MAX_REFLECTANCE).contains(&v) {
                let hint = if !percent && v > 1.5 && v <= 150.0 {
                    "; percent data? use --percent"
                } else {
                    ""
                };
                return Err(InputError::OutOfRange {
                    field: place(),
                    value: v * scale,
                    expected: format!(
                        "reflectance factor from {MIN_REFLECTANCE} to {MAX_REFLECTANCE}{}{hint}",
                        if percent {
                            " (as percent: -5 to 150)"
                        } else {
                            ""
                        }
                    ),
                });
            }
            values.push(v);
        }
        let spectrum = MeasuredSpectrum::new(wavelengths.clone(), values)
            .map_err(|e| e.at(&format!("line {line}")))?;
        rows.push(SpectrumRow { id, spectrum });
    }
    if rows.is_empty() {
        return Err(InputError::Invalid {
            field: "input".into(),
            message: "no spectra (only a header)".into(),
        });
    }
    Ok(SpectraTable {
        id_column: header[0].to_string(),
        wavelengths,
        rows,
    })
}

/// XYZ and Lab of every row, and the output CSV `id,X,Y,Z,L,a,b` (the id column keeps its
/// input name).
pub fn spectra_to_csv(table: &SpectraTable, viewing: Viewing) -> (Vec<(Xyz, Lab)>, Vec<u8>) {
    let results: Vec<(Xyz, Lab)> = table
        .rows
        .iter()
        .map(|r| viewing.measured_to_xyz_lab(&r.spectrum))
        .collect();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut buf = ryu::Buffer::new();
    let header = [table.id_column.as_str(), "X", "Y", "Z", "L", "a", "b"];
    w.write_record(header).expect("writing to memory");
    for (row, (xyz, lab)) in table.rows.iter().zip(&results) {
        let mut rec = vec![row.id.clone()];
        for v in [xyz.x, xyz.y, xyz.z, lab.l, lab.a, lab.b] {
            rec.push(fmt_f64(v, &mut buf).to_string());
        }
        w.write_record(&rec).expect("writing to memory");
    }
    (results, w.into_inner().expect("writing to memory"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_r_prefixed_headers_and_percent() {
        let t = read_spectra_csv(b"sample,R400,R410,R420\na,50,60,70\n", true).unwrap();
        assert_eq!(t.wavelengths, vec![400.0, 410.0, 420.0]);
        assert_eq!(t.rows[0].spectrum.values(), &[0.5, 0.6, 0.7]);
    }

    #[test]
    fn rejects_disorder_and_percent_without_flag() {
        let e = read_spectra_csv(b"id,400,390\na,0.1,0.2\n", false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "header: wavelengths out of order: 390 nm follows 400 nm"
        );
        let e = read_spectra_csv(b"id,400,410\na,45,50\n", false).unwrap_err();
        assert!(e.to_string().contains("use --percent"), "{e}");
        assert!(e.to_string().starts_with("line 2, column 400: 45"), "{e}");
    }
}
