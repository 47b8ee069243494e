//! Typed errors of the library. Every message names the field and the offending value, so that
//! the CLI can print it on one line and exit with code 2.

use thiserror::Error;

/// A number as an error message shows it: as typed for ordinary magnitudes, in exponent form
/// (`1e308`) for very large or very small ones, so that a message stays one short line.
fn shown(v: f64) -> String {
    let a = v.abs();
    if v.is_finite() && a != 0.0 && !(1e-6..1e9).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// An input the library cannot work with. The `Display` text is one line that names the field
/// (or the place in a file) and the value.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum InputError {
    /// A value that must be finite was NaN or infinite.
    #[error("{field}: {} is not a finite number", shown(*.value))]
    NotFinite { field: String, value: f64 },
    /// A value outside the range the quantity allows.
    #[error("{field}: {} is out of range ({expected})", shown(*.value))]
    OutOfRange {
        field: String,
        value: f64,
        expected: String,
    },
    /// Text that could not be read as the quantity named.
    #[error("{field}: cannot read {value:?} ({expected})")]
    Malformed {
        field: String,
        value: String,
        expected: String,
    },
    /// A name that is not one of the known ones.
    #[error("{field}: unknown {kind} {value:?} (known: {known})")]
    Unknown {
        field: String,
        kind: &'static str,
        value: String,
        known: String,
    },
    /// A wavelength list that is not strictly increasing.
    #[error("{field}: wavelengths out of order: {value} nm follows {previous} nm")]
    WavelengthOrder {
        field: String,
        previous: f64,
        value: f64,
    },
    /// A structural problem (missing column, empty table, wrong length).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
}

impl InputError {
    /// A value that must be finite. Returns it back when it is.
    pub fn check_finite(field: impl FnOnce() -> String, value: f64) -> Result<f64, InputError> {
        if value.is_finite() {
            Ok(value)
        } else {
            Err(InputError::NotFinite {
                field: field(),
                value,
            })
        }
    }

    /// A value that must lie in [lo, hi]; `expected` describes the range in the message.
    pub fn check_range(
        field: &str,
        value: f64,
        lo: f64,
        hi: f64,
        expected: &str,
    ) -> Result<(), InputError> {
        if value.is_finite() && value >= lo && value <= hi {
            Ok(())
        } else {
            Err(InputError::OutOfRange {
                field: field.into(),
                value,
                expected: expected.into(),
            })
        }
    }

    /// Prefix the field with a location such as `row 12` or `pairs.csv`.
    pub fn at(self, place: &str) -> InputError {
        let prefix = |f: String| {
            if f.is_empty() {
                place.to_string()
            } else {
                format!("{place}: {f}")
            }
        };
        match self {
            InputError::NotFinite { field, value } => InputError::NotFinite {
                field: prefix(field),
                value,
            },
            InputError::OutOfRange {
                field,
                value,
                expected,
            } => InputError::OutOfRange {
                field: prefix(field),
                value,
                expected,
            },
            InputError::Malformed {
                field,
                value,
                expected,
            } => InputError::Malformed {
                field: prefix(field),
                value,
                expected,
            },
            InputError::Unknown {
                field,
                kind,
                value,
                known,
            } => InputError::Unknown {
                field: prefix(field),
                kind,
                value,
                known,
            },
            InputError::WavelengthOrder {
                field,
                previous,
                value,
            } => InputError::WavelengthOrder {
                field: prefix(field),
                previous,
                value,
            },
            InputError::Invalid { field, message } => InputError::Invalid {
                field: prefix(field),
                message,
            },
        }
    }
}
