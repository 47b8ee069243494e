//! Spectral data: the internal wavelength grid, [`Spectrum`] (reflectance factors on that grid),
//! and [`MeasuredSpectrum`] (data on whatever grid an instrument wrote) with its resampling in.
//!
//! # The internal grid
//! 360 nm to 780 nm at 10 nm ([`GRID_LEN`] = 43 bands): the range and interval of the ASTM E308
//! tristimulus weighting tables used by [`crate::colorimetry`], so that a spectrum on the grid
//! needs no further treatment before colorimetry, and every model (optics, pigments, skin) works
//! on the same bands.
//!
//! # Resampling in (ASTM E308 practice)
//! - Inside the measured range: values at measured wavelengths are kept exactly; between measured
//!   wavelengths the value is interpolated linearly. (Linear interpolation never overshoots, so a
//!   reflectance factor stays within the range of its neighbours; measured data on 5 or 10 nm
//!   grids need no interpolation at the grid's wavelengths.)
//! - Outside the measured range: the nearest measured value is repeated (ASTM E308's practice
//!   for a short range: the weights for the missing wavelengths are added to the first and last
//!   measured bands, which is the same as repeating those values).

mod interpolate;

pub use interpolate::linear_interpolate;

use crate::error::InputError;

/// First wavelength of the internal grid, nm.
pub const GRID_START_NM: u32 = 360;
/// Last wavelength of the internal grid, nm.
pub const GRID_END_NM: u32 = 780;
/// Interval of the internal grid, nm.
pub const GRID_STEP_NM: u32 = 10;
/// Number of bands of the internal grid.
pub const GRID_LEN: usize = ((GRID_END_NM - GRID_START_NM) / GRID_STEP_NM + 1) as usize;

/// The wavelengths of the internal grid, nm.
pub const fn grid_wavelengths() -> [f64; GRID_LEN] {
    let mut w = [0.0; GRID_LEN];
    let mut i = 0;
    while i < GRID_LEN {
        w[i] = (GRID_START_NM + GRID_STEP_NM * i as u32) as f64;
        i += 1;
    }
    w
}

/// Reflectance factors (0..1 for a non-fluorescent sample) on the internal grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spectrum {
    values: [f64; GRID_LEN],
}

impl Spectrum {
    /// A spectrum from its values on the internal grid.
    ///
    /// # Errors
    /// A value that is not finite.
    pub fn new(values: [f64; GRID_LEN]) -> Result<Self, InputError> {
        for (i, &v) in values.iter().enumerate() {
            InputError::check_finite(|| format!("reflectance at {} nm", grid_wavelengths()[i]), v)?;
        }
        Ok(Spectrum { values })
    }

    /// The same value at every wavelength (a perfect white is `constant(1.0)`). `value` must
    /// be finite (checked in debug builds); use [`Spectrum::new`] for untrusted input.
    pub fn constant(value: f64) -> Self {
        debug_assert!(value.is_finite());
        Spectrum {
            values: [value; GRID_LEN],
        }
    }

    /// The values on the internal grid.
    pub fn values(&self) -> &[f64; GRID_LEN] {
        &self.values
    }
}

/// A spectrum as measured: strictly increasing wavelengths (nm) and one value per wavelength.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredSpectrum {
    wavelengths: Vec<f64>,
    values: Vec<f64>,
}

impl MeasuredSpectrum {
    /// Checks the data: at least one wavelength, as many values as wavelengths, everything finite,
    /// wavelengths strictly increasing and positive.
    ///
    /// # Errors
    /// [`InputError`] naming the wavelength or value at fault.
    pub fn new(wavelengths: Vec<f64>, values: Vec<f64>) -> Result<Self, InputError> {
        if wavelengths.is_empty() {
            return Err(InputError::Invalid {
                field: "wavelengths".into(),
                message: "no wavelengths".into(),
            });
        }
        if wavelengths.len() != values.len() {
            return Err(InputError::Invalid {
                field: "values".into(),
                message: format!(
                    "{} values for {} wavelengths",
                    values.len(),
                    wavelengths.len()
                ),
            });
        }
        for (i, &w) in wavelengths.iter().enumerate() {
            InputError::check_finite(|| "wavelength".into(), w)?;
            if w <= 0.0 {
                return Err(InputError::OutOfRange {
                    field: "wavelength".into(),
                    value: w,
                    expected: "nm, above 0".into(),
                });
            }
            if i > 0 && w <= wavelengths[i - 1] {
                return Err(InputError::WavelengthOrder {
                    field: "wavelengths".into(),
                    previous: wavelengths[i - 1],
                    value: w,
                });
            }
        }
        for (&w, &v) in wavelengths.iter().zip(&values) {
            InputError::check_finite(|| format!("value at {w} nm"), v)?;
        }
        Ok(MeasuredSpectrum {
            wavelengths,
            values,
        })
    }

    /// The measured wavelengths, nm.
    pub fn wavelengths(&self) -> &[f64] {
        &self.wavelengths
    }

    /// The measured values.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The interval if the wavelengths are a regular grid of whole nanometres (to 1e-6 nm),
    /// such as 380-730/10 or 360-780/5.
    pub fn regular_interval(&self) -> Option<u32> {
        regular_interval(&self.wavelengths)
    }

    /// The values at `targets` (increasing): measured values kept exactly, linear interpolation
    /// in between, the nearest measured value outside the measured range.
    pub fn sample(&self, targets: &[f64]) -> Vec<f64> {
        linear_interpolate(&self.wavelengths, &self.values, targets)
    }

    /// Resampled onto the internal grid (see the module docs).
    pub fn to_spectrum(&self) -> Spectrum {
        let values = self.sample(&grid_wavelengths());
        let mut out = [0.0; GRID_LEN];
        out.copy_from_slice(&values);
        Spectrum { values: out }
    }
}

/// The interval of `wavelengths` if they form a regular grid of whole nanometres.
pub(crate) fn regular_interval(wavelengths: &[f64]) -> Option<u32> {
    if wavelengths.len() < 2 {
        return None;
    }
    let is_whole = |w: f64| (w - w.round()).abs() < 1e-6;
    let step = wavelengths[1] - wavelengths[0];
    if !is_whole(step) || step.round() < 1.0 {
        return None;
    }
    let start = wavelengths[0];
    if !is_whole(start) {
        return None;
    }
    let ok = wavelengths
        .iter()
        .enumerate()
        .all(|(i, &w)| (w - (start + step.round() * i as f64)).abs() < 1e-6);
    ok.then_some(step.round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_is_360_to_780_by_10() {
        let w = grid_wavelengths();
        assert_eq!(w.len(), 43);
        assert_eq!(w[0], 360.0);
        assert_eq!(w[42], 780.0);
    }

    #[test]
    fn measured_spectrum_rejects_disorder_and_nan() {
        let e = MeasuredSpectrum::new(vec![400.0, 390.0], vec![0.1, 0.2]).unwrap_err();
        assert!(e.to_string().contains("out of order"), "{e}");
        let e = MeasuredSpectrum::new(vec![400.0, 410.0], vec![0.1, f64::NAN]).unwrap_err();
        assert!(e.to_string().contains("410"), "{e}");
    }

    #[test]
    fn short_range_extends_with_nearest_value() {
        let w: Vec<f64> = (0..31).map(|i| 400.0 + 10.0 * i as f64).collect();
        let v: Vec<f64> = (0..31).map(|i| 0.1 + 0.01 * i as f64).collect();
        let s = MeasuredSpectrum::new(w, v).unwrap().to_spectrum();
        assert_eq!(s.values()[0], 0.1); // 360 nm <- 400 nm
        assert_eq!(s.values()[4], 0.1); // 400 nm
        assert!((s.values()[5] - 0.11).abs() < 1e-15); // 410 nm kept
        assert!((s.values()[42] - 0.4).abs() < 1e-15); // 780 nm <- 700 nm
        assert_eq!(regular_interval(&[400.0, 410.0, 420.0]), Some(10));
        assert_eq!(regular_interval(&[400.0, 410.0, 425.0]), None);
    }
}
