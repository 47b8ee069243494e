//! Fitting the skin model to a measured reflectance spectrum or a measured colour.
//!
//! **What is free.** Eight parameters, the ones skin really varies in, each bounded by a published
//! range ([`FREE`]: the melanosome fraction and the eumelanin share, the epidermis's thickness and
//! its beta-carotene, the dermis's blood fraction and oxygen saturation, and the amplitude and power
//! of its scattering). The surface index and the specular setting stay the starting skin's.
//!
//! **The objective.** A maximum a-posteriori fit: the sum of squares of
//! - for a spectrum, the reflectance differences over 400-700 nm (every 10 nm band), each in units
//!   of [`SPECTRAL_SIGMA`] (0.01: measurement and model together); the bands are weighted evenly,
//!   for the shape is the physics (melanin's slope, blood's bands at 542 and 577 nm, carotene's
//!   at 450-480 nm) wherever the eye is less sensitive to it;
//! - the L*, a* and b* differences of the colours (the viewing's illuminant and observer) in units
//!   of [`COLOUR_SIGMA`] (0.2; [`COLOUR_ONLY_SIGMA`] for a colour alone): what is seen, and what
//!   the matching works in; the components rather than CIEDE2000, which is not smooth at 0;
//! - each parameter's distance from its published typical value in units of its published spread
//!   (the prior; none on the melanosome fraction, which spans thirty-fold across skins).
//!
//! A measured colour is the same fit without the spectral term: three coordinates and eight
//! parameters, the priors pick the most typical skin of that colour.
//!
//! **How.** Levenberg-Marquardt on the residuals in an unbounded parametrisation (each parameter
//! maps through (1 + tanh u) / 2 onto its range, |u| at most 4), started from the priors'
//! centres and the best of a coarse grid of melanosome fractions, with forward-difference
//! Jacobians whose columns re-solve only the layer their parameter acts on (in parallel). The
//! search solves the skin with 8 directions over 400-700 nm (the colour's bands outside given the
//! nearest value); at its optimum the full solution (12 directions, every band) is computed, its
//! difference from the search's added to the search's spectrum as a correction, and the search
//! run again from there. A colour alone is first fitted loosely (the priors settle in a few
//! steps), then to its coordinates. Stops when a step gains under 0.1 % of the objective, or
//! after [`MAX_ITERATIONS`] steps a pass (more moves no NIST fit's colour or RMS). Deterministic.
//! About 25-85 ms a spectrum on 2 cores (`cargo bench --bench colour -- skin_fit`).

use nalgebra::{DMatrix, DVector};

use super::skin::{own_reflectance, skin_deep, skin_top, SkinOptics, SkinParams};
use super::tissue::TissueSpectra;
use super::transport::Quadrature;
use super::transport::Slab;
use crate::colorimetry::{Lab, WeightingTable};
use crate::difference::ciede2000;
use crate::error::InputError;
use crate::spectrum::{Spectrum, GRID_LEN};

/// How far the unbounded parameters go (tanh(4) leaves 0.03 % of the range to the bound).
const U_MAX: f64 = 4.0;
/// Most Levenberg-Marquardt iterations a pass.
pub const MAX_ITERATIONS: usize = 12;

/// One free parameter of the fit: its range and its prior, with their sources.
#[derive(Debug, Clone, Copy)]
pub struct FreeParameter {
    /// The name reported in `skin.fit.parameters`.
    pub name: &'static str,
    /// The bounds of the fit.
    pub range: (f64, f64),
    /// The prior's centre and spread (spread infinite: no prior).
    pub prior: (f64, f64),
    /// Where the range and prior come from.
    pub source: &'static str,
    get: fn(&SkinParams) -> f64,
    set: fn(&mut SkinParams, f64),
}

impl FreeParameter {
    /// The parameter's value in `p`.
    pub fn of(&self, p: &SkinParams) -> f64 {
        (self.get)(p)
    }
}

/// The free parameters.
pub const FREE: [FreeParameter; 8] = [
    FreeParameter {
        name: "melanosome_fraction",
        range: (0.002, 0.5),
        prior: (0.03, f64::INFINITY),
        source: "1.3-6.3 % light, 11-16 % moderately, 18-43 % darkly pigmented adults (Jacques, OMLC \
                 'Skin optics' 1998; second-hand); fitted 0.87-2.5 % (Jacques 2013 Table 3; read). \
                 No prior",
        get: |p| p.melanosome_fraction,
        set: |p, v| p.melanosome_fraction = v,
    },
    FreeParameter {
        name: "eumelanin_share",
        range: (0.3, 1.0),
        prior: (0.74, 0.1),
        source: "74 % eumelanin whatever the pigmentation (Del Bino et al. 2015, Pigment Cell \
                 Melanoma Res. 28, 707; abstract read); pheomelanin 'more variable' (Thody et al. \
                 1991, J. Invest. Dermatol. 97, 340; abstract read)",
        get: |p| p.eumelanin_share,
        set: |p, v| p.eumelanin_share = v,
    },
    FreeParameter {
        name: "epidermis_mm",
        range: (0.04, 0.13),
        prior: (0.07, 0.015),
        source: "cellular epidermis 56.6 +- 11.5 to 81.5 +- 15.7 um and stratum corneum 11-18 um \
                 (Sandby-Moller et al. 2003, Acta Derm. Venereol. 83, 410; biopsies; abstract read); \
                 face and scalp 66-123 um (Selcuk Med. J., histology; abstract read)",
        get: |p| p.epidermis_mm,
        set: |p, v| p.epidermis_mm = v,
    },
    FreeParameter {
        name: "blood_fraction",
        range: (0.0, 0.06),
        prior: (0.002, 0.02),
        source: "dermis 0.20 %, skin 0.05-0.41 % (optical fits), forearm 5.03 % (near-infrared, \
                 deeper tissue) (Jacques 2013 Table 3; read); resting forearm 0.08 % (Fredriksson \
                 et al. 2008; abstract read)",
        get: |p| p.blood_fraction,
        set: |p, v| p.blood_fraction = v,
    },
    FreeParameter {
        name: "oxygen_saturation",
        range: (0.3, 1.0),
        prior: (0.67, 0.2),
        source: "dermis 39 %, skin 75.7-99.3 % (Jacques 2013 Table 3; read)",
        get: |p| p.oxygen_saturation,
        set: |p, v| p.oxygen_saturation = v,
    },
    FreeParameter {
        name: "dermis_scattering_per_cm",
        range: (18.6, 73.4),
        prior: (46.0, 13.7),
        source: "a = 46.0 +- 13.7 cm^-1 over 8 studies of skin; range the mean +- 2 SD (Jacques 2013 \
                 Table 2; read)",
        get: |p| p.dermis_scattering_per_cm,
        set: |p, v| p.dermis_scattering_per_cm = v,
    },
    FreeParameter {
        name: "dermis_scattering_power",
        range: (0.39, 2.46),
        prior: (1.421, 0.517),
        source: "b = 1.421 +- 0.517 over 8 studies of skin; range the mean +- 2 SD (Jacques 2013 \
                 Table 2; read)",
        get: |p| p.dermis_scattering_power,
        set: |p, v| p.dermis_scattering_power = v,
    },
    FreeParameter {
        name: "carotene_nmol_per_g",
        range: (0.0, 10.0),
        prior: (1.41, 0.74),
        source: "1.41 +- 0.74 nmol/g in forearm skin (Ribaya-Mercado et al. 1995, J. Nutr. 125, 1854; \
                 abstract read); higher in the epidermis than the dermis (Vahlquist et al. 1982; \
                 abstract read): range to 10",
        get: |p| p.carotene_nmol_per_g,
        set: |p, v| p.carotene_nmol_per_g = v,
    },
];

/// One spectral residual unit: a reflectance difference of this much at one band weighs like a
/// parameter one published spread from its typical value.
pub const SPECTRAL_SIGMA: f64 = 0.01;
/// One colour residual unit, in each of L*, a* and b* (smooth, where dE00 is not at 0; for skin
/// colours 1 dE00 is about 1.2 to 1.6 of these).
pub const COLOUR_SIGMA: f64 = 0.2;
/// The same for a measured colour alone: three coordinates, so the fit matches them (to about
/// 0.003 dE00) and the priors choose among the skins that do.
pub const COLOUR_ONLY_SIGMA: f64 = 0.05;
/// The colour alone's unit in the first pass: loose, so that the priors (which decide where in
/// the family of skins of that colour the fit lands) converge in a few steps; the second pass
/// then meets the colour from there.
const COLOUR_ONLY_SIGMA_FIRST: f64 = 1.0;
/// The bands of the spectral term: 400 to 700 nm.
const FIT_BANDS: std::ops::RangeInclusive<usize> = 4..=34;

/// What the fit is to.
#[derive(Debug, Clone, Copy)]
pub enum SkinTarget<'a> {
    /// A measured colour, relative to `table`'s white.
    Lab(Lab, &'a WeightingTable),
    /// A measured reflectance spectrum (as seen through the surface), its colour under `table`.
    Spectrum(&'a Spectrum, &'a WeightingTable),
}

/// The outcome of a fit.
#[derive(Debug, Clone)]
pub struct SkinFit {
    /// The fitted skin.
    pub params: SkinParams,
    /// Its modelled reflectance.
    pub reflectance: Spectrum,
    /// CIEDE2000 between the modelled and the measured colour.
    pub delta_e: f64,
    /// Root-mean-square reflectance difference over 400-700 nm (a spectrum only).
    pub spectral_rms: Option<f64>,
    /// The free parameters that ended within 0.1 % of their range of a bound.
    pub at_bounds: Vec<&'static str>,
    /// Levenberg-Marquardt iterations.
    pub iterations: usize,
}

fn to_params(base: &SkinParams, u: &[f64]) -> SkinParams {
    let mut p = *base;
    for (f, &u) in FREE.iter().zip(u) {
        let (lo, hi) = f.range;
        (f.set)(&mut p, lo + (hi - lo) * 0.5 * (1.0 + u.tanh()));
    }
    p
}

fn from_value(v: f64, (lo, hi): (f64, f64)) -> f64 {
    let t = ((v - lo) / (hi - lo) * 2.0 - 1.0).clamp(-0.999_999, 0.999_999);
    t.atanh()
}

/// Root-mean-square difference over 400-700 nm.
pub fn spectral_rms(a: &Spectrum, b: &Spectrum) -> f64 {
    let n = FIT_BANDS.count() as f64;
    (FIT_BANDS
        .map(|i| (a.values()[i] - b.values()[i]).powi(2))
        .sum::<f64>()
        / n)
        .sqrt()
}

/// Directions per hemisphere of the fit's own solutions: the fitted skin is then solved in
/// full ([`SkinOptics`]), and its reported differences are the full solution's.
const FIT_POINTS: usize = 8;

/// Which of the free parameters act on the epidermis (the rest on the dermis): a Jacobian column
/// re-solves only its part.
const EPIDERMAL: [bool; 8] = [true, true, true, false, false, false, false, true];

struct Problem<'a> {
    base: SkinParams,
    target: SkinTarget<'a>,
    lab: Lab,
    table: &'a WeightingTable,
    q: Quadrature<FIT_POINTS>,
    bands: Vec<usize>,
    /// Added to the fit's own spectrum: the full solution's difference from it at the last
    /// optimum (module docs).
    correction: [f64; GRID_LEN],
    /// The colour residuals' unit.
    colour_sigma: f64,
}

/// A point of the search: its parameters, parts and residuals.
struct Point {
    u: Vec<f64>,
    /// The skin's parts per fitted band ([`skin_top`], [`skin_deep`]).
    top: Vec<Slab<FIT_POINTS>>,
    deep: Vec<Slab<FIT_POINTS>>,
    r: Vec<f64>,
}

impl Problem<'_> {
    /// The fit's spectrum of the parts `top` over `deep`: solved over 400-700 nm, the bands
    /// outside given the nearest solved value (they carry under 1 % of the colour-matching
    /// weights).
    fn spectrum(&self, top: &[Slab<FIT_POINTS>], deep: &[Slab<FIT_POINTS>]) -> Option<Spectrum> {
        let solved = own_reflectance(&self.q, top, deep, self.base.specular);
        let mut out = [0.0; GRID_LEN];
        let (first, last) = (*FIT_BANDS.start(), *FIT_BANDS.end());
        for (i, o) in out.iter_mut().enumerate() {
            *o = (solved[i.clamp(first, last) - first] + self.correction[i]).clamp(0.0, 1.0);
        }
        Spectrum::new(out).ok()
    }

    fn residuals(
        &self,
        p: &SkinParams,
        top: &[Slab<FIT_POINTS>],
        deep: &[Slab<FIT_POINTS>],
    ) -> Option<Vec<f64>> {
        let r = self.spectrum(top, deep)?;
        let mut out = Vec::with_capacity(48);
        if let SkinTarget::Spectrum(s, _) = self.target {
            out.extend(FIT_BANDS.map(|i| (r.values()[i] - s.values()[i]) / SPECTRAL_SIGMA));
        }
        let lab = self.table.lab(&r);
        let sigma = self.colour_sigma;
        out.extend([
            (lab.l - self.lab.l) / sigma,
            (lab.a - self.lab.a) / sigma,
            (lab.b - self.lab.b) / sigma,
        ]);
        for f in &FREE {
            let (mu, sd) = f.prior;
            if sd.is_finite() {
                out.push((f.of(p) - mu) / sd);
            }
        }
        out.iter().all(|v| v.is_finite()).then_some(out)
    }

    fn point(&self, u: Vec<f64>) -> Option<Point> {
        let p = to_params(&self.base, &u);
        let t = TissueSpectra::standard();
        let top = skin_top(&self.q, &p, t, &self.bands).ok()?;
        let deep = skin_deep(&self.q, &p, t, &self.bands).ok()?;
        let r = self.residuals(&p, &top, &deep)?;
        Some(Point { u, top, deep, r })
    }

    /// The residuals with parameter `k` of `at` moved to `v`: only its part re-solved, the
    /// other borrowed.
    fn moved(&self, at: &Point, k: usize, v: f64) -> Option<Vec<f64>> {
        let mut u = at.u.clone();
        u[k] = v;
        let p = to_params(&self.base, &u);
        let t = TissueSpectra::standard();
        if EPIDERMAL[k] {
            let top = skin_top(&self.q, &p, t, &self.bands).ok()?;
            self.residuals(&p, &top, &at.deep)
        } else {
            let deep = skin_deep(&self.q, &p, t, &self.bands).ok()?;
            self.residuals(&p, &at.top, &deep)
        }
    }
}

fn cost(r: &[f64]) -> f64 {
    r.iter().map(|v| v * v).sum()
}

/// Levenberg-Marquardt from `at` (cost `c`) for at most `max` iterations: the optimum, its cost
/// and the iterations taken; None where the model fails near the path.
fn descend(
    problem: &Problem<'_>,
    mut at: Point,
    mut c: f64,
    max: usize,
) -> Option<(Point, f64, usize)> {
    let n = at.u.len();
    let mut lambda = 1e-2;
    let mut iterations = 0;
    for _ in 0..max {
        iterations += 1;
        // Forward-difference Jacobian, each column re-solving only its part.
        let h = 1e-5;
        use rayon::prelude::*;
        let columns: Vec<Vec<f64>> = (0..n)
            .into_par_iter()
            .map(|k| problem.moved(&at, k, at.u[k] + h))
            .collect::<Option<_>>()?;
        let mut jac = DMatrix::<f64>::zeros(at.r.len(), n);
        for (k, rk) in columns.iter().enumerate() {
            for (i, (a, b)) in rk.iter().zip(&at.r).enumerate() {
                jac[(i, k)] = (a - b) / h;
            }
        }
        let g = jac.transpose() * DVector::from_column_slice(&at.r);
        let jtj = jac.transpose() * &jac;
        let mut improved = false;
        for _ in 0..12 {
            let mut a = jtj.clone();
            for k in 0..n {
                a[(k, k)] += lambda * (jtj[(k, k)] + 1e-9);
            }
            let Some(step) = a.lu().solve(&(-&g)) else {
                lambda *= 10.0;
                continue;
            };
            // At most one unit of u per parameter and step, and u within +-U_MAX (a bound is
            // then reached to 0.03 % of the range, and the parameter can still come back).
            let longest = 1.0;
            let v: Vec<f64> =
                at.u.iter()
                    .zip(step.iter())
                    .map(|(a, b)| (a + b / longest).clamp(-U_MAX, U_MAX))
                    .collect();
            if let Some(pt) = problem.point(v) {
                let cv = cost(&pt.r);
                if cv < c {
                    improved = c - cv > 1e-3 * c.max(1e-12);
                    at = pt;
                    c = cv;
                    lambda = (lambda / 3.0).max(1e-7);
                    break;
                }
            }
            lambda *= 4.0;
        }
        if !improved {
            break;
        }
    }
    Some((at, c, iterations))
}

/// Fits the skin model's free parameters ([`FREE`]) to `target`, from `start`.
///
/// # Errors
/// `start` out of range, or no point of the search the model can evaluate.
pub fn fit_skin(start: SkinParams, target: SkinTarget<'_>) -> Result<SkinFit, InputError> {
    start.validate()?;
    let (lab, table) = match target {
        SkinTarget::Lab(lab, table) => (lab, table),
        SkinTarget::Spectrum(s, table) => (table.lab(s), table),
    };
    let mut problem = Problem {
        base: start,
        target,
        lab,
        table,
        q: Quadrature::new(start.surface_index)?,
        bands: FIT_BANDS.collect(),
        correction: [0.0; GRID_LEN],
        colour_sigma: match target {
            SkinTarget::Spectrum(..) => COLOUR_SIGMA,
            // First loosely: the priors settle where the colour lies, fast; then tightly.
            SkinTarget::Lab(..) => COLOUR_ONLY_SIGMA_FIRST,
        },
    };
    let failed = || InputError::Invalid {
        field: "skin fit".into(),
        message: "the skin model could not be evaluated near the measurement".into(),
    };
    // The start: the priors' centres (the start's own values where there is no prior), the
    // melanosome fraction the best of a coarse grid.
    let centre: Vec<f64> = FREE
        .iter()
        .map(|f| {
            let v = if f.prior.1.is_finite() {
                f.prior.0
            } else {
                f.of(&start).clamp(f.range.0, f.range.1)
            };
            from_value(v, f.range)
        })
        .collect();
    let mut best: Option<(f64, Point)> = None;
    for &m in &[0.004, 0.008, 0.015, 0.03, 0.06, 0.12, 0.25, 0.45] {
        let mut u = centre.clone();
        u[0] = from_value(m, FREE[0].range);
        if let Some(pt) = problem.point(u) {
            let c = cost(&pt.r);
            if best.as_ref().is_none_or(|b| c < b.0) {
                best = Some((c, pt));
            }
        }
    }
    let (c, at) = best.ok_or_else(failed)?;
    let (at, _, mut iterations) = descend(&problem, at, c, MAX_ITERATIONS).ok_or_else(failed)?;
    // The full solution at the optimum, and the fit again with the fast solution corrected by
    // the difference (it changes slowly with the parameters: one pass leaves under 0.01 dE00).
    let fast = problem.spectrum(&at.top, &at.deep).ok_or_else(failed)?;
    let full = SkinOptics::new(to_params(&start, &at.u))?.reflectance();
    for i in 0..GRID_LEN {
        problem.correction[i] = full.values()[i] - fast.values()[i];
    }
    if let SkinTarget::Lab(..) = target {
        problem.colour_sigma = COLOUR_ONLY_SIGMA;
    }
    let at = problem.point(at.u).ok_or_else(failed)?;
    let c = cost(&at.r);
    let (at, _, more) = descend(&problem, at, c, MAX_ITERATIONS).ok_or_else(failed)?;
    iterations += more;
    let u = at.u;
    let params = to_params(&start, &u);
    let reflectance = SkinOptics::new(params)?.reflectance();
    let delta_e = ciede2000(table.lab(&reflectance), lab, 1.0, 1.0, 1.0);
    let spectral_rms = match target {
        SkinTarget::Spectrum(s, _) => Some(spectral_rms(&reflectance, s)),
        SkinTarget::Lab(..) => None,
    };
    let at_bounds = FREE
        .iter()
        .filter(|f| {
            let (lo, hi) = f.range;
            let v = f.of(&params);
            v - lo < 1e-3 * (hi - lo) || hi - v < 1e-3 * (hi - lo)
        })
        .map(|f| f.name)
        .collect();
    Ok(SkinFit {
        params,
        reflectance,
        delta_e,
        spectral_rms,
        at_bounds,
        iterations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::colorimetry::{Illuminant, Observer, Viewing};

    #[test]
    fn recovers_a_modelled_skin_from_its_colour() {
        let table = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
        let truth = SkinParams {
            melanosome_fraction: 0.06,
            eumelanin_share: 0.6,
            blood_fraction: 0.01,
            ..SkinParams::with_melanosome_fraction(0.03)
        };
        let lab = table.lab(&SkinOptics::new(truth).unwrap().reflectance());
        let fit = fit_skin(
            SkinParams::with_melanosome_fraction(0.03),
            SkinTarget::Lab(lab, table),
        )
        .unwrap();
        assert!(fit.delta_e < 0.02, "{fit:?}");
    }
}
