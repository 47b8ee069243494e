//! Fitting the skin model to a measured skin colour or reflectance spectrum.
//!
//! Four model parameters are free: the melanosome volume fraction (0 to 0.6), the eumelanin
//! share (0 to 1), the dermal blood fraction (0 to 0.2) and the blood's oxygen saturation (0.3
//! to 1); the others stay at the values of the starting skin. Four parameters for three
//! coordinates leave a family of solutions: a small penalty on the distance from the starting
//! skin (in the unbounded parameters, weight 1e-3) picks the one nearest to it. The objective is CIEDE2000 to a measured L*a*b*, or the root-mean-square
//! difference of reflectance to a measured spectrum. A coarse grid picks the start, then a
//! Nelder-Mead simplex (argmin) refines it in an unbounded parametrisation (each parameter
//! maps through (1 + tanh u) / 2 onto its range). Deterministic: no random start.

use argmin::core::{CostFunction, Executor, State};
use argmin::solver::neldermead::NelderMead;

use super::skin::{SkinOptics, SkinParams};
use crate::colorimetry::{Lab, WeightingTable};
use crate::difference::ciede2000;
use crate::error::InputError;
use crate::spectrum::Spectrum;

/// Ranges of the fitted parameters.
const RANGES: [(f64, f64); 4] = [(0.0, 0.6), (0.0, 1.0), (0.0, 0.2), (0.3, 1.0)];

/// Weight of the penalty on the distance from the start.
const PENALTY: f64 = 1e-3;

/// What the fit is to.
#[derive(Debug, Clone, Copy)]
pub enum SkinTarget<'a> {
    /// A measured colour, relative to `table`'s white.
    Lab(Lab, &'a WeightingTable),
    /// A measured reflectance spectrum (as seen through the surface).
    Spectrum(&'a Spectrum),
}

/// The outcome of a fit.
#[derive(Debug, Clone)]
pub struct SkinFit {
    /// The fitted skin.
    pub params: SkinParams,
    /// The objective at the optimum: dE00 for a colour, RMS reflectance for a spectrum.
    pub residual: f64,
    /// Iterations of the simplex.
    pub iterations: u64,
    /// Why the simplex stopped.
    pub termination: String,
}

fn to_params(base: &SkinParams, u: &[f64]) -> SkinParams {
    let map = |u: f64, (lo, hi): (f64, f64)| lo + (hi - lo) * 0.5 * (1.0 + u.tanh());
    SkinParams {
        melanosome_fraction: map(u[0], RANGES[0]),
        eumelanin_share: map(u[1], RANGES[1]),
        blood_fraction: map(u[2], RANGES[2]),
        oxygen_saturation: map(u[3], RANGES[3]),
        ..*base
    }
}

fn from_value(v: f64, (lo, hi): (f64, f64)) -> f64 {
    let t = ((v - lo) / (hi - lo) * 2.0 - 1.0).clamp(-0.999_999, 0.999_999);
    t.atanh()
}

struct Problem<'a> {
    base: SkinParams,
    target: SkinTarget<'a>,
    u0: Vec<f64>,
}

impl Problem<'_> {
    fn cost_of(&self, p: &SkinParams) -> f64 {
        let Ok(skin) = SkinOptics::new(*p) else {
            return f64::INFINITY;
        };
        let r = skin.reflectance();
        match self.target {
            SkinTarget::Lab(lab, table) => ciede2000(table.lab(&r), lab, 1.0, 1.0, 1.0),
            SkinTarget::Spectrum(s) => {
                let n = s.values().len() as f64;
                (r.values()
                    .iter()
                    .zip(s.values())
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum::<f64>()
                    / n)
                    .sqrt()
            }
        }
    }
}

impl CostFunction for Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, u: &Self::Param) -> Result<Self::Output, argmin::core::Error> {
        let d2: f64 = u.iter().zip(&self.u0).map(|(a, b)| (a - b) * (a - b)).sum();
        Ok(self.cost_of(&to_params(&self.base, u)) + PENALTY * d2)
    }
}

/// Fits melanin (amount and eumelanin share) and blood of `start` to `target`.
///
/// # Errors
/// `start` out of range, or the optimiser failing.
pub fn fit_skin(start: SkinParams, target: SkinTarget<'_>) -> Result<SkinFit, InputError> {
    start.validate()?;
    let mut problem = Problem {
        base: start,
        target,
        u0: Vec::new(),
    };
    // Coarse grid for the start (deterministic).
    let mut best = (f64::INFINITY, start);
    for &f in &[
        0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.45,
    ] {
        for &e in &[0.3, 0.74, 0.95] {
            for &b in &[0.001, 0.005, 0.02, 0.06] {
                let p = SkinParams {
                    melanosome_fraction: f,
                    eumelanin_share: e,
                    blood_fraction: b,
                    ..start
                };
                let c = problem.cost_of(&p);
                if c < best.0 {
                    best = (c, p);
                }
            }
        }
    }
    let p0 = best.1;
    let u0 = vec![
        from_value(p0.melanosome_fraction, RANGES[0]),
        from_value(p0.eumelanin_share, RANGES[1]),
        from_value(p0.blood_fraction, RANGES[2]),
        from_value(p0.oxygen_saturation, RANGES[3]),
    ];
    problem.u0 = u0.clone();
    let mut simplex = vec![u0.clone()];
    for i in 0..4 {
        let mut v = u0.clone();
        v[i] += 0.3;
        simplex.push(v);
    }
    let solver = NelderMead::new(simplex)
        .with_sd_tolerance(1e-10)
        .map_err(|e| InputError::Invalid {
            field: "skin fit".into(),
            message: e.to_string(),
        })?;
    let res = Executor::new(problem, solver)
        .configure(|s| s.max_iters(400))
        .run()
        .map_err(|e| InputError::Invalid {
            field: "skin fit".into(),
            message: e.to_string(),
        })?;
    let state = res.state();
    let u = state.get_best_param().cloned().unwrap_or(u0);
    let params = to_params(&start, &u);
    Ok(SkinFit {
        params,
        residual: res
            .problem
            .problem
            .as_ref()
            .map_or(f64::NAN, |p| p.cost_of(&params)),
        iterations: state.get_iter(),
        termination: state.get_termination_status().to_string(),
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
        assert!(fit.residual < 0.05, "{fit:?}");
    }
}
