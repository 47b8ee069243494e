//! Supplier calibration: K and S per unit load from drawdowns and tint ladders, and a
//! photodegradation constant from spectra before and after known exposures.
//!
//! # The film model
//! A film holding `w` g/m^2 of solids, a mass fraction `c` of them the pigment and the rest the
//! white, has K X = w (c k_p + (1 - c) k_w) and S X = w (c s_p + (1 - c) s_w) (two-constant
//! Kubelka-Munk mixing, Duncan 1940). An opaque film (`w` infinite) reflects R-infinity; a
//! finite film lies over its substrate, whose internal reflectance is the Saunderson inverse of
//! the substrate's own measured reflectance (the film wets the substrate, so the substrate is
//! seen from inside the film). What the instrument sees is the Saunderson correction of the
//! film's internal reflectance: Rm = k1 + (1 - k1)(1 - k2) Ri / (1 - k2 Ri), specular included,
//! with k1 = 0.04 and k2 = 0.6 by default (the values of paint-industry practice for n = 1.5;
//! settable).
//!
//! # Calibration
//! Per wavelength, k and s of the pigment minimise the squared differences between measured and
//! modelled reflectance over all its samples (bounded Levenberg-Marquardt on ln k and ln s from
//! several starts). The white's constants come from the catalog, or first from its own rows in
//! the same way. Masstones alone fix only K/S: the two are separated by a film of finite load
//! over a background, or by tints with a white of known absolute constants. When the data do
//! not separate them (J'J near singular), the calibration says so per wavelength.
//!
//! # Light fastness
//! For each exposed sample, the share of the pigment left is the one whose film model fits the
//! spectrum best (the lost pigment taken as colourless); the shares, relative to the unexposed
//! samples, give the first-order constant of ln(left) = -phi H by least squares through the
//! origin, with a 95 % interval (Student's t). H is in Mlx h of daylight, the dose of
//! `tinct fade`; the Blue Wool grade follows as in [`crate::fade::kinetics::Photodegradation`].

pub mod input;
pub mod job;

use serde::Serialize;

use crate::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
use crate::difference::ciede2000;
use crate::error::InputError;
use crate::fit::lm::{minimise, Options, Problem};
use crate::optics::km::{r_infinity, reflectance_over, Saunderson, Specular};
use crate::optics::tissue::Bands;
use crate::spectrum::{grid_wavelengths, Spectrum, GRID_LEN};

pub use input::Sample;

/// Constants per unit load, m^2/g, on the grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Constants {
    pub k: Bands,
    pub s: Bands,
}

/// The Saunderson surface of paint-industry practice (k1 0.04, k2 0.6, specular included).
pub fn default_surface() -> Saunderson {
    Saunderson {
        k1: 0.04,
        k2: 0.6,
        specular: Specular::Included,
    }
}

/// A film prepared for the model: fraction, load and the substrate's internal reflectance.
#[derive(Debug, Clone)]
struct Film {
    fraction: f64,
    load: f64,
    background: Option<Bands>,
    measured: Bands,
}

fn films(samples: &[Sample], pigment: &str, surface: Saunderson) -> Vec<(String, Film)> {
    samples
        .iter()
        .filter(|s| !s.is_substrate() && s.pigment == pigment)
        .map(|s| {
            let background = s.background.as_ref().map(|b| {
                let sub = samples
                    .iter()
                    .find(|x| x.is_substrate() && &x.id == b)
                    .expect("checked when read");
                let mut out = [0.0; GRID_LEN];
                for (o, v) in out.iter_mut().zip(sub.measured.values()) {
                    *o = surface.internal(*v).clamp(0.0, 1.0);
                }
                out
            });
            (
                s.id.clone(),
                Film {
                    fraction: s.fraction.unwrap_or(1.0),
                    load: s.load_g_m2.unwrap_or(f64::INFINITY),
                    background,
                    measured: *s.measured.values(),
                },
            )
        })
        .collect()
}

/// Measured reflectance of a film at band `i` with pigment constants (kp, sp), white (kw, sw),
/// and `left` the share of the pigment still there.
fn film_r(
    f: &Film,
    i: usize,
    (kp, sp): (f64, f64),
    (kw, sw): (f64, f64),
    left: f64,
    sur: Saunderson,
) -> f64 {
    let c = f.fraction * left;
    let w = 1.0 - f.fraction;
    let k = c * kp + w * kw;
    let s = c * sp + w * sw;
    let ri = if f.load.is_infinite() {
        r_infinity(k, s)
    } else {
        let bg = f.background.as_ref().map_or(0.0, |b| b[i]);
        reflectance_over(k * f.load, s * f.load, 1.0, bg)
    };
    sur.measured(ri)
}

struct BandProblem<'a> {
    films: &'a [(String, Film)],
    band: usize,
    white: (f64, f64),
    surface: Saunderson,
}

impl Problem for BandProblem<'_> {
    fn residual_count(&self) -> usize {
        self.films.len()
    }

    fn residuals(&self, p: &[f64], r: &mut [f64]) {
        let (kp, sp) = (p[0].exp(), p[1].exp());
        for (o, (_, f)) in r.iter_mut().zip(self.films) {
            *o = film_r(
                f,
                self.band,
                (kp, sp),
                (self.white.0, self.white.1),
                1.0,
                self.surface,
            ) - f.measured[self.band];
        }
    }

    fn jacobian(&self, p: &[f64], j: &mut [f64]) {
        // Central differences in ln k and ln s.
        crate::fit::lm::central_difference_jacobian(
            self,
            p,
            |_, _| 1e-6,
            &[f64::NEG_INFINITY; 2],
            j,
        );
    }
}

/// The calibration of one pigment.
#[derive(Debug, Clone)]
pub struct OpticalFit {
    pub constants: Constants,
    /// Root mean square reflectance residual per band.
    pub residual_rms: Bands,
    /// Per sample: (id, CIEDE2000 between the measured and the refitted film, D65/10).
    pub sample_delta_e: Vec<(String, f64)>,
    /// Relative standard errors of k and s per band (from the Jacobian and the residual
    /// variance; infinite where J'J is singular).
    pub rel_se_k: Bands,
    pub rel_se_s: Bands,
    /// Bands where the data do not separate K from S.
    pub unseparated_nm: Vec<f64>,
    pub warnings: Vec<String>,
}

/// Calibrates `pigment`'s k and s from its samples, with the white's constants `white`.
///
/// # Errors
/// No sample of the pigment.
pub fn calibrate_optical(
    samples: &[Sample],
    pigment: &str,
    white: &Constants,
    surface: Saunderson,
) -> Result<OpticalFit, InputError> {
    let fs = films(samples, pigment, surface);
    if fs.is_empty() {
        return Err(InputError::Invalid {
            field: "pigment".into(),
            message: format!(
                "no sample of {pigment:?} in the input (pigments there: {})",
                pigments_in(samples)
            ),
        });
    }
    let wl = grid_wavelengths();
    let mut k = [0.0; GRID_LEN];
    let mut s = [0.0; GRID_LEN];
    let mut rms = [0.0; GRID_LEN];
    let mut unseparated = Vec::new();
    let mut se_k = [f64::INFINITY; GRID_LEN];
    let mut se_s = [f64::INFINITY; GRID_LEN];
    for i in 0..GRID_LEN {
        let prob = BandProblem {
            films: &fs,
            band: i,
            white: (white.k[i], white.s[i]),
            surface,
        };
        // Starting K/S from the most concentrated opaque film, if any.
        let ks0 = fs
            .iter()
            .filter(|(_, f)| f.load.is_infinite())
            .max_by(|a, b| a.1.fraction.total_cmp(&b.1.fraction))
            .map_or(1.0, |(_, f)| {
                let ri = surface.internal(f.measured[i]).clamp(1e-4, 0.9999);
                crate::optics::km::ks_of_r_infinity(ri).max(1e-6)
            });
        let mut best: Option<crate::fit::lm::Fitted> = None;
        for s0 in [0.01, 0.1, 1.0, 10.0, 100.0] {
            let f = minimise(
                &prob,
                &[(ks0 * s0).ln(), s0.ln()],
                &[-40.0, -40.0],
                &[15.0, 15.0],
                Options::default(),
            );
            if best.as_ref().is_none_or(|b| f.sse < b.sse) {
                best = Some(f);
            }
        }
        let f = best.expect("starts");
        k[i] = f.p[0].exp();
        s[i] = f.p[1].exp();
        rms[i] = (f.sse / fs.len() as f64).sqrt();
        // Separation of K and S: the smaller eigenvalue of J'J in ln k, ln s against the larger.
        let (a, b, d) = (f.jtj[0], f.jtj[1], f.jtj[3]);
        let tr = a + d;
        let det = a * d - b * b;
        let disc = (tr * tr / 4.0 - det).max(0.0).sqrt();
        let (big, small) = (tr / 2.0 + disc, tr / 2.0 - disc);
        if big <= 0.0 || small <= 1e-8 * big {
            unseparated.push(wl[i]);
        } else if fs.len() > 2 {
            // Cov(ln k, ln s) = s^2 (J'J)^-1: the relative standard errors of k and s.
            let s2 = f.sse / (fs.len() - 2) as f64;
            se_k[i] = (s2 * d / det).sqrt();
            se_s[i] = (s2 * a / det).sqrt();
        }
    }
    let constants = Constants { k, s };
    let table = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
    let sample_delta_e = fs
        .iter()
        .map(|(id, f)| {
            let model: [f64; GRID_LEN] = std::array::from_fn(|i| {
                film_r(f, i, (k[i], s[i]), (white.k[i], white.s[i]), 1.0, surface)
            });
            let a = table.lab(&Spectrum::new(f.measured).expect("finite"));
            let b = table.lab(&Spectrum::new(model).expect("finite"));
            (id.clone(), ciede2000(a, b, 1.0, 1.0, 1.0))
        })
        .collect();
    let mut warnings = Vec::new();
    if !unseparated.is_empty() {
        warnings.push(format!(
            "the data do not separate K from S at {} of {} wavelengths ({}-{} nm): add a film of \
             known load over black (or over a substrate), or tints with a white of known constants",
            unseparated.len(),
            GRID_LEN,
            unseparated[0],
            unseparated[unseparated.len() - 1]
        ));
    }
    if !fs.iter().any(|(_, f)| f.load.is_finite()) && !fs.iter().any(|(_, f)| f.fraction < 1.0) {
        warnings.push(
            "only masstones of opaque films: K and S are not separable (only K/S is measured)"
                .into(),
        );
    }
    let loose: Vec<f64> = (0..GRID_LEN)
        .filter(|&i| se_k[i].is_finite() && se_s[i].is_finite() && se_k[i].max(se_s[i]) > 0.05)
        .map(|i| wl[i])
        .collect();
    if !loose.is_empty() {
        warnings.push(format!(
            "k or s has a standard error above 5 % at {} wavelengths ({}): the samples determine \
             them loosely there",
            loose.len(),
            loose
                .iter()
                .map(|w| format!("{w}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(OpticalFit {
        constants,
        residual_rms: rms,
        sample_delta_e,
        rel_se_k: se_k,
        rel_se_s: se_s,
        unseparated_nm: unseparated,
        warnings,
    })
}

fn pigments_in(samples: &[Sample]) -> String {
    let mut v: Vec<&str> = samples
        .iter()
        .filter(|s| !s.is_substrate())
        .map(|s| s.pigment.as_str())
        .collect();
    v.sort_unstable();
    v.dedup();
    v.join(", ")
}

/// Calibrates a white from its own rows (fraction 1). A white measured only as opaque films
/// has no absolute scale; then S = 1 per unit load is taken (relative constants, as Berns's
/// artist-paint database does) and a warning says so.
///
/// # Errors
/// No sample of the white.
pub fn calibrate_white(
    samples: &[Sample],
    white: &str,
    surface: Saunderson,
) -> Result<OpticalFit, InputError> {
    let fs = films(samples, white, surface);
    if fs.iter().any(|(_, f)| f.load.is_finite()) {
        // A film of known load fixes the scale: fit as a pigment with no second component.
        let zero = Constants {
            k: [0.0; GRID_LEN],
            s: [0.0; GRID_LEN],
        };
        return calibrate_optical(samples, white, &zero, surface);
    }
    if fs.is_empty() {
        return Err(InputError::Invalid {
            field: "white".into(),
            message: format!(
                "no sample of {white:?} in the input (pigments there: {})",
                pigments_in(samples)
            ),
        });
    }
    let mut k = [0.0; GRID_LEN];
    let s = [1.0; GRID_LEN];
    for (i, kv) in k.iter_mut().enumerate() {
        let mean: f64 = fs
            .iter()
            .map(|(_, f)| {
                let ri = surface.internal(f.measured[i]).clamp(1e-6, 1.0 - 1e-9);
                crate::optics::km::ks_of_r_infinity(ri)
            })
            .sum::<f64>()
            / fs.len() as f64;
        *kv = mean;
    }
    Ok(OpticalFit {
        constants: Constants { k, s },
        residual_rms: [0.0; GRID_LEN],
        sample_delta_e: Vec::new(),
        rel_se_k: [f64::INFINITY; GRID_LEN],
        rel_se_s: [f64::INFINITY; GRID_LEN],
        unseparated_nm: grid_wavelengths().to_vec(),
        warnings: vec![format!(
            "{white} was measured only as opaque films: its S is set to 1 per unit load, so the \
             pigment's constants are relative to it, not absolute m^2/g"
        )],
    })
}

/// The result of a light-fastness calibration.
#[derive(Debug, Clone, Serialize)]
pub struct Lightfastness {
    /// First-order constant per Mlx h, with its 95 % interval.
    pub per_mlxh: f64,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
    /// Per exposed sample: (id, exposure Mlx h, share of the pigment left).
    pub samples: Vec<(String, f64, f64)>,
    /// The Blue Wool grade the constant corresponds to (fractional), when it can be computed.
    pub blue_wool: Option<f64>,
}

/// Calibrates `pigment`'s photodegradation from its exposed samples.
///
/// # Errors
/// No unexposed sample, fewer than two exposed ones, or exposures that are all zero.
pub fn calibrate_lightfastness(
    samples: &[Sample],
    pigment: &str,
    constants: &Constants,
    white: &Constants,
    surface: Saunderson,
    share_at_grey_scale_4: Option<f64>,
) -> Result<Lightfastness, InputError> {
    let fs = films(samples, pigment, surface);
    let exposure: Vec<Option<f64>> = samples
        .iter()
        .filter(|s| !s.is_substrate() && s.pigment == pigment)
        .map(|s| s.exposure_mlxh)
        .collect();
    let left = |f: &Film| -> f64 {
        let sse = |q: f64| -> f64 {
            (0..GRID_LEN)
                .map(|i| {
                    let m = film_r(
                        f,
                        i,
                        (constants.k[i], constants.s[i]),
                        (white.k[i], white.s[i]),
                        q,
                        surface,
                    );
                    (m - f.measured[i]).powi(2)
                })
                .sum()
        };
        // Golden-section search on [0, 1.5].
        let g = (5f64.sqrt() - 1.0) / 2.0;
        let (mut a, mut b) = (0.0, 1.5);
        let (mut c, mut d) = (b - g * (b - a), a + g * (b - a));
        let (mut fc, mut fd) = (sse(c), sse(d));
        for _ in 0..100 {
            if fc < fd {
                b = d;
                d = c;
                fd = fc;
                c = b - g * (b - a);
                fc = sse(c);
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + g * (b - a);
                fd = sse(d);
            }
        }
        0.5 * (a + b)
    };
    let mut base = Vec::new();
    let mut exposed = Vec::new();
    for ((id, f), h) in fs.iter().zip(&exposure) {
        match h {
            Some(h) if *h > 0.0 => exposed.push((id.clone(), *h, left(f))),
            Some(_) => base.push(left(f)),
            None => {}
        }
    }
    if base.is_empty() {
        return Err(InputError::Invalid {
            field: "exposure".into(),
            message: format!("no unexposed sample (exposure 0) of {pigment:?}"),
        });
    }
    if exposed.len() < 2 {
        return Err(InputError::Invalid {
            field: "exposure".into(),
            message: format!(
                "{} exposed sample(s) of {pigment:?}: at least two are needed",
                exposed.len()
            ),
        });
    }
    let q0 = base.iter().sum::<f64>() / base.len() as f64;
    if q0 <= 0.0 {
        return Err(InputError::Invalid {
            field: "exposure".into(),
            message: "the unexposed samples show no pigment: check the constants".into(),
        });
    }
    for e in &mut exposed {
        e.2 = (e.2 / q0).clamp(1e-12, 1.0);
    }
    let sxx: f64 = exposed.iter().map(|e| e.1 * e.1).sum();
    let sxy: f64 = exposed.iter().map(|e| -e.1 * e.2.ln()).sum();
    let phi = (sxy / sxx).max(0.0);
    let n = exposed.len() as f64;
    let rss: f64 = exposed.iter().map(|e| (e.2.ln() + phi * e.1).powi(2)).sum();
    let se = (rss / (n - 1.0) / sxx).sqrt();
    let t = crate::fit::stats::t_quantile(0.975, n - 1.0);
    let (lo, hi) = if se.is_finite() {
        (Some((phi - t * se).max(0.0)), Some(phi + t * se))
    } else {
        (None, None)
    };
    let blue_wool = share_at_grey_scale_4
        .filter(|_| phi > 0.0)
        .map(|share| crate::fade::kinetics::blue_wool_grade_of_dose(-(1.0 - share).ln() / phi));
    Ok(Lightfastness {
        per_mlxh: phi,
        lo,
        hi,
        samples: exposed,
        blue_wool,
    })
}

/// Modelled reflectance of sample `id`'s film with given constants and `left` the share of the
/// pigment still there (1 for a fresh film); for round trips and synthetic data.
pub fn film_spectrum(
    samples: &[Sample],
    id: &str,
    pigment: &Constants,
    white: &Constants,
    surface: Saunderson,
    left: f64,
) -> Option<Spectrum> {
    let s = samples.iter().find(|s| s.id == id)?;
    let fs = films(samples, &s.pigment, surface);
    let (_, f) = fs.iter().find(|(i, _)| i == id)?;
    let r: [f64; GRID_LEN] = std::array::from_fn(|i| {
        film_r(
            f,
            i,
            (pigment.k[i], pigment.s[i]),
            (white.k[i], white.s[i]),
            left,
            surface,
        )
    });
    Spectrum::new(r).ok()
}
