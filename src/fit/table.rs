//! Measurement tables in and parameter tables out, through polars (CSV or Parquet, by the file's
//! extension: `.parquet` or `.pq` is Parquet, anything else CSV with a header).
//!
//! Input is long: one row per measurement, with a series id, a time, and either a relative
//! amount or L*, a*, b*. Rows of a series need not be together; series keep the order of their
//! first row. Every other column is carried to the output, with the value of the series' first
//! row.

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::*;

use super::job::{note_dose, out_of_range, parameter_columns, Values};
pub use super::job::{Row, MAX_VALUE};
use super::{LabSeries, Series};
use crate::error::InputError;

fn polars_error(path: &Path, e: PolarsError) -> InputError {
    InputError::Invalid {
        field: path.display().to_string(),
        message: e
            .to_string()
            .lines()
            .next()
            .unwrap_or("unreadable")
            .to_string(),
    }
}

fn is_parquet(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("parquet" | "pq")
    )
}

/// The first line of a panic's message.
fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "the reader failed".into());
    text.lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(200)
        .collect()
}

/// Reads a CSV or Parquet file.
///
/// # Errors
/// A file that cannot be opened or parsed, named with polars' reason.
pub fn read(path: &Path) -> Result<DataFrame, InputError> {
    if is_parquet(path) {
        let f = std::fs::File::open(path).map_err(|e| InputError::Invalid {
            field: path.display().to_string(),
            message: e.to_string(),
        })?;
        // polars' Parquet decoder panics on some corrupt files ("invalid num_bits"): a
        // corrupt file is bad input, not a crash.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            ParquetReader::new(f).finish()
        }))
        .map_err(|payload| InputError::Invalid {
            field: path.display().to_string(),
            message: format!("not a readable Parquet file ({})", panic_text(&payload)),
        })?
        .map_err(|e| polars_error(path, e))
    } else if path == Path::new("-") {
        // Standard input, CSV (Parquet needs a file name).
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes).map_err(|e| {
            InputError::Invalid {
                field: "standard input".into(),
                message: e.to_string(),
            }
        })?;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            CsvReadOptions::default()
                .with_has_header(true)
                .with_infer_schema_length(Some(10_000))
                .into_reader_with_file_handle(std::io::Cursor::new(bytes))
                .finish()
        }))
        .map_err(|payload| InputError::Invalid {
            field: "standard input".into(),
            message: format!("not readable CSV ({})", panic_text(&payload)),
        })?
        .map_err(|e| polars_error(path, e))
    } else {
        if !path.is_file() {
            return Err(InputError::Invalid {
                field: path.display().to_string(),
                message: "no such file".into(),
            });
        }
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            CsvReadOptions::default()
                .with_has_header(true)
                .with_infer_schema_length(Some(10_000))
                .try_into_reader_with_file_path(Some(path.to_path_buf()))
                .and_then(|r| r.finish())
        }))
        .map_err(|payload| InputError::Invalid {
            field: path.display().to_string(),
            message: format!("not a readable CSV file ({})", panic_text(&payload)),
        })?
        .map_err(|e| polars_error(path, e))
    }
}

/// Which columns hold what.
#[derive(Debug, Clone)]
pub struct Columns {
    pub id: String,
    pub time: String,
    /// The relative amount column, or
    pub value: Option<String>,
    /// the L*, a*, b* columns.
    pub lab: Option<[String; 3]>,
    /// A per-series dose rate column (for `biexp-dose`).
    pub dose: Option<String>,
}

/// The series of a table.
#[derive(Debug, Clone)]
pub struct Grouped {
    /// Row index of each series' first row.
    pub first_rows: Vec<IdxSize>,
    /// Amount series (empty when the table holds colours).
    pub series: Vec<Series>,
    /// Colour series (empty when the table holds amounts).
    pub lab_series: Vec<LabSeries>,
    /// A problem a whole series has (a dose that varies), by series.
    pub problems: Vec<Option<String>>,
    /// Columns carried to the output (the id first).
    pub carried: Vec<String>,
}

fn need<'a>(df: &'a DataFrame, path: &Path, name: &str) -> Result<&'a Column, InputError> {
    df.column(name).map_err(|_| InputError::Invalid {
        field: format!("{}: column {name:?}", path.display()),
        message: {
            // At most a dozen names: a file read with the wrong line ends has thousands.
            let names = df.get_column_names();
            let shown: Vec<&str> = names.iter().take(12).map(|c| c.as_str()).collect();
            let more = names.len().saturating_sub(12);
            format!(
                "missing (columns: {}{})",
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )
        },
    })
}

fn numbers(df: &DataFrame, path: &Path, name: &str) -> Result<Vec<f64>, InputError> {
    let c = need(df, path, name)?;
    let c = c
        .cast(&DataType::Float64)
        .map_err(|e| polars_error(path, e))?;
    let ca = c.f64().map_err(|e| polars_error(path, e))?.rechunk();
    let v: Vec<f64> = (0..ca.len())
        .map(|i| ca.get(i).unwrap_or(f64::NAN))
        .collect();
    if let Some((row, x)) = out_of_range(&v) {
        return Err(InputError::OutOfRange {
            field: format!("{}: row {}, column {name:?}", path.display(), row + 1),
            value: x,
            expected: "at most 1e9 in size".into(),
        });
    }
    Ok(v)
}

/// Groups a table into series.
///
/// # Errors
/// A missing column (named, with the columns there are), or an empty table.
pub fn group(df: &DataFrame, path: &Path, cols: &Columns) -> Result<Grouped, InputError> {
    let id_col = need(df, path, &cols.id)?
        .cast(&DataType::String)
        .map_err(|e| polars_error(path, e))?;
    let ids = id_col.str().map_err(|e| polars_error(path, e))?.rechunk();
    let t = numbers(df, path, &cols.time)?;
    let value = match (&cols.value, &cols.lab) {
        (_, Some(_)) => None,
        (Some(v), None) => Some(numbers(df, path, v)?),
        (None, None) => {
            return Err(InputError::Invalid {
                field: "value".into(),
                message: "give an amount column (--value) or L*, a*, b* columns (--lab)".into(),
            })
        }
    };
    let lab = match &cols.lab {
        Some([l, a, b]) => Some([
            numbers(df, path, l)?,
            numbers(df, path, a)?,
            numbers(df, path, b)?,
        ]),
        None => None,
    };
    let dose = match &cols.dose {
        Some(d) => Some(numbers(df, path, d)?),
        None => None,
    };
    if df.height() == 0 {
        return Err(InputError::Invalid {
            field: path.display().to_string(),
            message: "no rows".into(),
        });
    }
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut g = Grouped {
        first_rows: Vec::new(),
        series: Vec::new(),
        lab_series: Vec::new(),
        problems: Vec::new(),
        carried: Vec::new(),
    };
    for row in 0..ids.len() {
        let id = ids.get(row);
        let key = id.unwrap_or("").to_string();
        let k = *index.entry(key).or_insert_with(|| {
            g.first_rows.push(row as IdxSize);
            g.problems.push(None);
            if lab.is_some() {
                g.lab_series.push(LabSeries {
                    t: Vec::new(),
                    lab: Vec::new(),
                    dose: None,
                });
            } else {
                g.series.push(Series {
                    t: Vec::new(),
                    y: Vec::new(),
                    dose: None,
                });
            }
            g.problems.len() - 1
        });
        let d = dose.as_ref().map(|d| d[row]);
        let (s_dose, s_t) = match (&value, &lab) {
            (Some(v), _) => {
                let s = &mut g.series[k];
                s.y.push(v[row]);
                (&mut s.dose, &mut s.t)
            }
            (None, Some(l)) => {
                let s = &mut g.lab_series[k];
                s.lab.push([l[0][row], l[1][row], l[2][row]]);
                (&mut s.dose, &mut s.t)
            }
            (None, None) => unreachable!("checked above"),
        };
        s_t.push(t[row]);
        if let Some(d) = d {
            note_dose(s_dose, d, &mut g.problems[k]);
        }
    }
    let used: Vec<&str> = [
        Some(&cols.id),
        Some(&cols.time),
        cols.value.as_ref(),
        cols.dose.as_ref(),
    ]
    .into_iter()
    .flatten()
    .chain(cols.lab.iter().flatten())
    .map(String::as_str)
    .collect();
    g.carried = std::iter::once(cols.id.clone())
        .chain(
            df.get_column_names()
                .iter()
                .map(|c| c.to_string())
                .filter(|c| !used.contains(&c.as_str())),
        )
        .collect();
    Ok(g)
}

/// The parameter table: the carried columns (id first, with its input name and type), then
/// for each parameter P the columns P, P_lo, P_hi, then sse, n, converged, error, and model,
/// rmse, aic, bic, reason.
///
/// # Errors
/// A polars error while assembling the table.
pub fn parameter_table(
    df: &DataFrame,
    path: &Path,
    grouped: &Grouped,
    rows: &[Row],
    n_points: &[usize],
) -> Result<DataFrame, InputError> {
    let idx = IdxCa::from_vec("idx".into(), grouped.first_rows.clone());
    let mut out = df
        .select(grouped.carried.iter().map(String::as_str))
        .and_then(|d| d.take(&idx))
        .map_err(|e| polars_error(path, e))?;
    let cols: Vec<Column> = parameter_columns(rows, n_points)
        .into_iter()
        .map(|(name, v)| match v {
            Values::Float(v) => Column::new(name.into(), v),
            Values::Count(v) => Column::new(name.into(), v),
            Values::Flag(v) => Column::new(name.into(), v),
            Values::Text(v) => Column::new(name.into(), v),
        })
        .collect();
    for c in &cols {
        if out
            .get_column_names()
            .iter()
            .any(|n| n.as_str() == c.name().as_str())
        {
            return Err(InputError::Invalid {
                field: format!("{}: column {:?}", path.display(), c.name().as_str()),
                message: "an input column has the name of an output column; rename it".into(),
            });
        }
    }
    out.hstack_mut(&cols).map_err(|e| polars_error(path, e))?;
    Ok(out)
}

/// The table as file bytes: Parquet for `.parquet`/`.pq`, else CSV.
///
/// # Errors
/// A polars error while writing.
pub fn to_bytes(df: &mut DataFrame, path: &Path) -> Result<Vec<u8>, InputError> {
    let mut buf = Vec::new();
    if is_parquet(path) {
        ParquetWriter::new(&mut buf)
            .finish(df)
            .map_err(|e| polars_error(path, e))?;
    } else {
        CsvWriter::new(&mut buf)
            .include_header(true)
            .finish(df)
            .map_err(|e| polars_error(path, e))?;
    }
    Ok(buf)
}

/// The id of each series as text (for messages and JSON).
///
/// # Errors
/// A missing id column.
pub fn id_strings(
    df: &DataFrame,
    path: &Path,
    g: &Grouped,
    id: &str,
) -> Result<Vec<String>, InputError> {
    column_strings(df, path, g, id)
}

/// A column's value in each series' first row, as text (empty for a missing value).
///
/// # Errors
/// A missing column.
pub fn column_strings(
    df: &DataFrame,
    path: &Path,
    g: &Grouped,
    name: &str,
) -> Result<Vec<String>, InputError> {
    let c = need(df, path, name)?
        .cast(&DataType::String)
        .map_err(|e| polars_error(path, e))?;
    let ca = c.str().map_err(|e| polars_error(path, e))?;
    Ok(g.first_rows
        .iter()
        .map(|&r| ca.get(r as usize).unwrap_or("").to_string())
        .collect())
}
