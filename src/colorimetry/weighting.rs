//! Tristimulus weighting tables by ASTM E2022 and tristimulus values by ASTM E308.
//!
//! A weighting table holds, for each measured band, the weights W_x, W_y, W_z such that
//! `X = sum_i W_x[i] R[i]` (likewise Y, Z) for reflectance factors R sampled at the band centres.
//! ASTM E2022-16 builds them from the 1 nm colour-matching functions and the 1 nm illuminant:
//! the 1 nm values between two measured wavelengths are expressed as Lagrange interpolants of the
//! measured values (cubic over 4 bands inside the range, quadratic over 3 bands in the first and
//! last interval) and their products with illuminant and CMF are collected onto the measured
//! bands. Naive sampling of the 1 nm functions every 10 nm instead misses the mercury lines of
//! fluorescent lamps (for F11 the white's Z comes out 51.5 instead of 64.3).
//!
//! Tables span 360-780 nm (ASTM E308's practice range) and are normalised so that the perfect
//! white has Y = 100; Lab is always taken relative to the white of the same table.
//!
//! References: ASTM E2022-16 Standard Practice for Calculation of Weighting Factors for
//! Tristimulus Integration; ASTM E308-22 Standard Practice for Computing the Colors of Objects by
//! Using the CIE System (data on a shorter range are extended with the nearest value).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use super::spaces::{xyz_to_lab, Lab, Xyz};
use super::tables::{cmf, illuminant_1nm, TABLE_START_NM};
use super::Viewing;
use crate::error::InputError;
use crate::spectrum::{MeasuredSpectrum, Spectrum, GRID_LEN, GRID_STEP_NM};

/// First and last wavelength of every weighting table (ASTM E308 practice range), nm.
pub const E308_START_NM: u32 = 360;
pub const E308_END_NM: u32 = 780;

/// An ASTM E2022 weighting table for one illuminant, observer and measurement interval.
#[derive(Debug, Clone)]
pub struct WeightingTable {
    viewing: Viewing,
    interval_nm: u32,
    wx: Vec<f64>,
    wy: Vec<f64>,
    wz: Vec<f64>,
    white: Xyz,
}

/// Lagrange basis polynomials on the nodes `0..n` evaluated at `r`.
fn lagrange(r: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|j| {
            (0..n)
                .filter(|&i| i != j)
                .map(|i| (r - i as f64) / (j as f64 - i as f64))
                .product()
        })
        .collect()
}

impl WeightingTable {
    /// Builds the table per ASTM E2022 for a measurement interval that divides the 420 nm of
    /// the practice range (1, 2, 4, 5, 10, 20 nm, ...), at most 20 nm.
    ///
    /// # Errors
    /// An interval that is 0, above 20 nm, or does not divide 420 nm.
    pub fn astm_e2022(viewing: Viewing, interval_nm: u32) -> Result<Self, InputError> {
        let span = E308_END_NM - E308_START_NM;
        if interval_nm == 0 || interval_nm > 20 || !span.is_multiple_of(interval_nm) {
            return Err(InputError::OutOfRange {
                field: "interval_nm".into(),
                value: f64::from(interval_nm),
                expected: "a whole number of nm from 1 to 20 that divides 420 (e.g. 1, 5, 10, 20)"
                    .into(),
            });
        }
        let off = (E308_START_NM - TABLE_START_NM) as usize;
        let len = (span + 1) as usize;
        let s = &illuminant_1nm(viewing.illuminant)[off..off + len];
        let c = cmf(viewing.observer);
        let ys = [
            &c.xbar[off..off + len],
            &c.ybar[off..off + len],
            &c.zbar[off..off + len],
        ];
        let iv = interval_nm as usize;
        let nodes = (len - 1) / iv + 1;
        let mut w = vec![[0.0f64; 3]; nodes];
        for (g, wg) in w.iter_mut().enumerate() {
            for (k, y) in ys.iter().enumerate() {
                wg[k] = s[g * iv] * y[g * iv];
            }
        }
        if iv > 1 {
            let rc = iv - 1;
            // Boundary (3-point) and inner (4-point) coefficients for each 1 nm step inside
            // an interval, as in ASTM E2022-16.
            let cb: Vec<Vec<f64>> = (1..iv).map(|j| lagrange(j as f64 / iv as f64, 3)).collect();
            let ci: Vec<Vec<f64>> = (1..iv)
                .map(|j| lagrange(1.0 + j as f64 / iv as f64, 4))
                .collect();
            let last = nodes - 1;
            let first_of_last = len - 1 - rc;
            for (k, y) in ys.iter().enumerate() {
                let p = |i: usize| s[i] * y[i];
                for (h, c) in cb.iter().enumerate() {
                    for g in 0..3 {
                        w[g][k] += c[g] * p(h + 1);
                    }
                }
                for h in 0..rc {
                    for g in (last - 2)..=last {
                        w[g][k] += cb[rc - h - 1][last - g] * p(h + first_of_last);
                    }
                }
                for h in 0..nodes.saturating_sub(3) {
                    for (g, c) in ci.iter().enumerate() {
                        let pi = p(iv * (h + 1) + 1 + g);
                        for m in 0..4 {
                            w[h + m][k] += c[m] * pi;
                        }
                    }
                }
            }
        }
        let norm = 100.0 / w.iter().map(|r| r[1]).sum::<f64>();
        let wx: Vec<f64> = w.iter().map(|r| r[0] * norm).collect();
        let wy: Vec<f64> = w.iter().map(|r| r[1] * norm).collect();
        let wz: Vec<f64> = w.iter().map(|r| r[2] * norm).collect();
        let white = Xyz::new(wx.iter().sum(), wy.iter().sum(), wz.iter().sum());
        Ok(WeightingTable {
            viewing,
            interval_nm,
            wx,
            wy,
            wz,
            white,
        })
    }

    /// The table for `viewing` and `interval_nm`, built once per process and kept.
    ///
    /// # Errors
    /// As [`WeightingTable::astm_e2022`].
    pub fn get(viewing: Viewing, interval_nm: u32) -> Result<&'static Self, InputError> {
        type Key = (usize, usize, u32);
        static CACHE: OnceLock<Mutex<HashMap<Key, &'static WeightingTable>>> = OnceLock::new();
        let key = (
            viewing.illuminant as usize,
            viewing.observer as usize,
            interval_nm,
        );
        let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
        if let Some(t) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(t);
        }
        let table: &'static WeightingTable =
            Box::leak(Box::new(WeightingTable::astm_e2022(viewing, interval_nm)?));
        let mut guard = cache.lock().unwrap_or_else(|e| e.into_inner());
        Ok(*guard.entry(key).or_insert(table))
    }

    /// The table on the internal grid (10 nm): the one [`Spectrum`] colorimetry uses.
    pub fn for_grid(viewing: Viewing) -> &'static Self {
        Self::get(viewing, GRID_STEP_NM).expect("10 nm is a valid interval")
    }

    /// Illuminant and observer of the table.
    pub fn viewing(&self) -> Viewing {
        self.viewing
    }

    /// Measurement interval, nm.
    pub fn interval_nm(&self) -> u32 {
        self.interval_nm
    }

    /// Band centres of the table, nm.
    pub fn wavelengths(&self) -> Vec<f64> {
        (0..self.wx.len())
            .map(|i| f64::from(E308_START_NM + self.interval_nm * i as u32))
            .collect()
    }

    /// The weights (W_x, W_y, W_z) per band.
    pub fn weights(&self) -> (&[f64], &[f64], &[f64]) {
        (&self.wx, &self.wy, &self.wz)
    }

    /// The perfect reflecting diffuser's XYZ under this table (Y = 100).
    pub fn white(&self) -> Xyz {
        self.white
    }

    /// XYZ of reflectance factors given at the table's band centres (360-780 nm).
    ///
    /// # Panics
    /// If `values` does not have one value per band.
    pub fn xyz_of_bands(&self, values: &[f64]) -> Xyz {
        assert_eq!(values.len(), self.wx.len(), "one value per band");
        let dot = |w: &[f64]| w.iter().zip(values).map(|(w, r)| w * r).sum::<f64>();
        Xyz::new(dot(&self.wx), dot(&self.wy), dot(&self.wz))
    }

    /// XYZ of a spectrum on the internal grid. This is the hot path of every model: with the
    /// table fetched once, it is a fixed-length dot product.
    ///
    /// # Panics
    /// If the table is not a 10 nm table (use [`WeightingTable::for_grid`]).
    #[inline]
    pub fn xyz(&self, spectrum: &Spectrum) -> Xyz {
        let wx: &[f64; GRID_LEN] = self.wx.as_slice().try_into().expect("10 nm table");
        let wy: &[f64; GRID_LEN] = self.wy.as_slice().try_into().expect("10 nm table");
        let wz: &[f64; GRID_LEN] = self.wz.as_slice().try_into().expect("10 nm table");
        let r = spectrum.values();
        // Four partial sums per coordinate let the loop vectorise without reassociation
        // (the order is fixed, so results are reproducible).
        let mut acc = [[0.0f64; 4]; 3];
        let mut i = 0;
        while i + 4 <= GRID_LEN {
            for l in 0..4 {
                acc[0][l] += wx[i + l] * r[i + l];
                acc[1][l] += wy[i + l] * r[i + l];
                acc[2][l] += wz[i + l] * r[i + l];
            }
            i += 4;
        }
        let mut tail = [0.0f64; 3];
        while i < GRID_LEN {
            tail[0] += wx[i] * r[i];
            tail[1] += wy[i] * r[i];
            tail[2] += wz[i] * r[i];
            i += 1;
        }
        let s = |a: [f64; 4], t: f64| (a[0] + a[1]) + (a[2] + a[3]) + t;
        Xyz::new(s(acc[0], tail[0]), s(acc[1], tail[1]), s(acc[2], tail[2]))
    }

    /// CIELAB of a spectrum on the internal grid, relative to this table's white.
    #[inline]
    pub fn lab(&self, spectrum: &Spectrum) -> Lab {
        xyz_to_lab(self.xyz(spectrum), self.white)
    }

    /// `#rrggbb` of a CIELAB colour relative to this table's white: sRGB after Bradford
    /// adaptation to D65, out-of-gamut values clipped (what tinct's swatches show).
    pub fn srgb_hex(&self, lab: Lab) -> String {
        super::spaces::xyz_to_srgb(super::spaces::lab_to_xyz(lab, self.white), self.white).hex()
    }

    /// XYZ of a measured spectrum by ASTM E308. Data on a regular grid of this table's
    /// interval whose wavelengths fall on the table's bands are used as they are, extended with
    /// the nearest measured value to 360-780 nm (and trimmed to it); any other grid is first
    /// resampled onto the table's bands (see [`crate::spectrum`]).
    pub fn xyz_measured(&self, m: &MeasuredSpectrum) -> Xyz {
        let values = m.sample(&self.wavelengths());
        self.xyz_of_bands(&values)
    }
}
