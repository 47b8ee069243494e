//! Fitting fade kinetics to longitudinal measurements: the same kinetics as `tinct fade`,
//! fitted per series (or pooled across series) by bounded Levenberg-Marquardt, with 95 %
//! confidence intervals from the Jacobian at the optimum (or a residual bootstrap).
//!
//! | model | amount(t) | parameters |
//! |---|---|---|
//! | `mono` | exp(-k t) | k |
//! | `biexp` | A exp(-k1 t) + (1 - A) exp(-k2 t), k1 >= k2 | A, k1, k2 |
//! | `biexp-dose` | A exp(-k1 t) + (1 - A) exp(-kd D t), D the series' dose rate | A, k1, kd |
//!
//! `biexp` is the healing-plus-slow-loss shape of [`crate::fade::kinetics`]: A is the share
//! that leaves with healing, k1 its rate, k2 the slow loss. Rates are per unit of the time
//! column (and kd per unit of the dose rate's dose). The two terms of `biexp` are
//! interchangeable, so fits are reported in the canonical order k1 >= k2.
//!
//! Confidence intervals: Cov = s^2 (J'J)^-1 with s^2 = SSE / (n - p), and the estimate
//! +- t(0.975, n - p) sqrt(Cov_kk) (as scipy's `curve_fit` reports `pcov`, with Student's t
//! instead of the normal quantile because series are short). With `bootstrap` runs, the 2.5 and
//! 97.5 percentiles of refits to the fitted curve plus resampled residuals (scaled by
//! sqrt(n / (n - p))) replace them. AIC = n ln(SSE/n) + 2p, BIC = n ln(SSE/n) + p ln n.
//!
//! Each series starts from several points (rates spread over the time span) and keeps the best
//! fit, so that a local minimum of the two-exponential surface does not stand for the fit.

pub mod job;
pub mod lm;
pub mod stats;
#[cfg(feature = "tables")]
pub mod table;

use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

use lm::{minimise, Options, Problem};

/// A kinetic model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Mono,
    Biexp,
    BiexpDose,
}

impl Kind {
    /// Parameter names, in order.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Kind::Mono => &["k"],
            Kind::Biexp => &["A", "k1", "k2"],
            Kind::BiexpDose => &["A", "k1", "kd"],
        }
    }

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Mono => "mono",
            Kind::Biexp => "biexp",
            Kind::BiexpDose => "biexp-dose",
        }
    }

    /// Parses a model name.
    ///
    /// # Errors
    /// An unknown name.
    pub fn parse(text: &str) -> Result<Kind, crate::InputError> {
        match text {
            "mono" => Ok(Kind::Mono),
            "biexp" => Ok(Kind::Biexp),
            "biexp-dose" => Ok(Kind::BiexpDose),
            _ => Err(crate::InputError::Unknown {
                field: "model".into(),
                kind: "model",
                value: text.to_string(),
                known: "mono, biexp, biexp-dose, auto".into(),
            }),
        }
    }
}

/// One series: times, relative amounts (1 at the freshly healed point) and, for `biexp-dose`,
/// its dose rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub t: Vec<f64>,
    pub y: Vec<f64>,
    pub dose: Option<f64>,
}

/// A parameter estimate with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub name: &'static str,
    pub value: f64,
    /// `None` when the interval cannot be computed (a singular J'J: the data do not determine
    /// the parameter).
    pub lo: Option<f64>,
    pub hi: Option<f64>,
}

/// A fitted series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesFit {
    pub model: Kind,
    pub params: Vec<Estimate>,
    pub sse: f64,
    pub rmse: f64,
    pub n: usize,
    pub aic: f64,
    pub bic: f64,
    pub converged: bool,
    pub reason: String,
    /// Covariance of the parameters (row-major), when J'J could be inverted.
    #[serde(skip)]
    pub covariance: Option<Vec<f64>>,
    /// Student's t quantile used for the intervals.
    #[serde(skip)]
    pub t_quantile: f64,
}

impl SeriesFit {
    /// A fit made elsewhere (a pooled fit's share of one series): its statistics on `s` at
    /// `values`, with the intervals of `params` as given.
    pub fn from_values(
        kind: Kind,
        params: Vec<Estimate>,
        s: &Series,
        values: &[f64],
        converged: bool,
        reason: &str,
    ) -> SeriesFit {
        let dose = s.dose.unwrap_or(1.0);
        let sse: f64 =
            s.t.iter()
                .zip(&s.y)
                .map(|(t, y)| (model_value(kind, values, *t, dose) - y).powi(2))
                .sum();
        let n = s.t.len();
        let (aic, bic) = information(sse, n, 1);
        SeriesFit {
            model: kind,
            params,
            sse,
            rmse: (sse / n as f64).sqrt(),
            n,
            aic,
            bic,
            converged,
            reason: reason.to_string(),
            covariance: None,
            t_quantile: f64::NAN,
        }
    }

    /// The 95 % band of the fitted amount at `t` (delta method: gradient' Cov gradient).
    pub fn band(&self, t: f64, dose: Option<f64>) -> Option<(f64, f64)> {
        let cov = self.covariance.as_ref()?;
        let p: Vec<f64> = self.params.iter().map(|e| e.value).collect();
        let n = p.len();
        let (ts, ys) = ([t], [0.0]);
        let curve = Curve::new(self.model, &ts, &ys, dose.unwrap_or(1.0));
        let mut g = vec![0.0; n];
        curve.jacobian(&p, &mut g);
        let var: f64 = (0..n)
            .map(|a| (0..n).map(|b| g[a] * cov[a * n + b] * g[b]).sum::<f64>())
            .sum();
        let f = self.predict(t, dose);
        (var >= 0.0 && var.is_finite()).then(|| {
            let h = self.t_quantile * var.sqrt();
            (f - h, f + h)
        })
    }

    /// The fitted amount at `t` (with the series' dose for `biexp-dose`).
    pub fn predict(&self, t: f64, dose: Option<f64>) -> f64 {
        let p: Vec<f64> = self.params.iter().map(|e| e.value).collect();
        model_value(self.model, &p, t, dose.unwrap_or(0.0))
    }
}

/// How to fit.
#[derive(Debug, Clone, Copy)]
pub struct FitOptions {
    /// Residual bootstrap runs for the intervals (0: intervals from the Jacobian).
    pub bootstrap: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
}

/// Most residual bootstrap runs per series: 2,000 give 95 % percentile intervals to about
/// their own sampling error (Efron & Tibshirani 1993, ch. 13, read second-hand); ten times that
/// leaves room.
pub const MAX_BOOTSTRAP: usize = 20_000;

/// Most bootstrap fits of one call, runs times series (about a minute on two cores).
pub const MAX_BOOTSTRAP_FITS: usize = 10_000_000;

impl FitOptions {
    /// Checks the bootstrap's size for `series` series.
    ///
    /// # Errors
    /// More than [`MAX_BOOTSTRAP`] runs, or more than [`MAX_BOOTSTRAP_FITS`] fits in all.
    pub fn validate(&self, series: usize) -> Result<(), crate::InputError> {
        let runs = self.bootstrap;
        if runs > MAX_BOOTSTRAP {
            return Err(crate::InputError::OutOfRange {
                field: "bootstrap".into(),
                value: runs as f64,
                expected: format!("0 to {MAX_BOOTSTRAP} runs; 2,000 are plenty"),
            });
        }
        if runs.saturating_mul(series) > MAX_BOOTSTRAP_FITS {
            return Err(crate::InputError::OutOfRange {
                field: "bootstrap".into(),
                value: runs as f64,
                expected: format!(
                    "at most {} runs for {series} series, {MAX_BOOTSTRAP_FITS} fits in all",
                    MAX_BOOTSTRAP_FITS / series.max(1)
                ),
            });
        }
        Ok(())
    }
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            bootstrap: 0,
            seed: 7,
        }
    }
}

fn model_value(kind: Kind, p: &[f64], t: f64, dose: f64) -> f64 {
    match kind {
        Kind::Mono => (-p[0] * t).exp(),
        Kind::Biexp => p[0] * (-p[1] * t).exp() + (1.0 - p[0]) * (-p[2] * t).exp(),
        Kind::BiexpDose => p[0] * (-p[1] * t).exp() + (1.0 - p[0]) * (-p[2] * dose * t).exp(),
    }
}

struct Curve<'a> {
    kind: Kind,
    t: &'a [f64],
    y: &'a [f64],
    dose: f64,
    /// The exponentials of the last residuals, and the point they were computed at: the
    /// Jacobian Levenberg-Marquardt asks for next is at that point after every accepted step,
    /// and the exponentials are most of the cost.
    last: std::cell::RefCell<(Vec<f64>, Vec<f64>)>,
}

impl<'a> Curve<'a> {
    fn new(kind: Kind, t: &'a [f64], y: &'a [f64], dose: f64) -> Curve<'a> {
        Curve {
            kind,
            t,
            y,
            dose,
            last: std::cell::RefCell::new((Vec::new(), Vec::new())),
        }
    }

    /// The exponentials at time `t`: exp(-k t) for mono (and 0), exp(-k1 t) and exp(-k2 d t)
    /// for the two-term models.
    fn terms(&self, p: &[f64], t: f64) -> (f64, f64) {
        match self.kind {
            Kind::Mono => ((-p[0] * t).exp(), 0.0),
            Kind::Biexp => ((-p[1] * t).exp(), (-p[2] * t).exp()),
            Kind::BiexpDose => ((-p[1] * t).exp(), (-p[2] * self.dose * t).exp()),
        }
    }
}

impl Problem for Curve<'_> {
    fn residual_count(&self) -> usize {
        self.t.len()
    }

    fn residuals(&self, p: &[f64], r: &mut [f64]) {
        let mut last = self.last.borrow_mut();
        let (at, terms) = &mut *last;
        at.clear();
        at.extend_from_slice(p);
        terms.clear();
        for (i, (t, y)) in self.t.iter().zip(self.y).enumerate() {
            let (e1, e2) = self.terms(p, *t);
            terms.push(e1);
            terms.push(e2);
            // The same arithmetic as model_value.
            r[i] = match self.kind {
                Kind::Mono => e1,
                Kind::Biexp | Kind::BiexpDose => p[0] * e1 + (1.0 - p[0]) * e2,
            } - y;
        }
    }

    fn jacobian(&self, p: &[f64], j: &mut [f64]) {
        let last = self.last.borrow();
        let cached = last.0 == p;
        for (i, t) in self.t.iter().enumerate() {
            let (e1, e2) = if cached {
                (last.1[2 * i], last.1[2 * i + 1])
            } else {
                self.terms(p, *t)
            };
            match self.kind {
                Kind::Mono => j[i] = -t * e1,
                Kind::Biexp | Kind::BiexpDose => {
                    let d = if self.kind == Kind::BiexpDose {
                        self.dose
                    } else {
                        1.0
                    };
                    j[i * 3] = e1 - e2;
                    j[i * 3 + 1] = -p[0] * t * e1;
                    j[i * 3 + 2] = -(1.0 - p[0]) * d * t * e2;
                }
            }
        }
    }
}

/// Checks a series for what makes it unfittable by `kind`; the message is the row's error.
///
/// # Errors
/// Times and values of different lengths, a value or time that is not a number, a duplicate
/// or negative time, too few points, or (for `biexp-dose`) no positive dose.
pub fn check_series(s: &Series, kind: Kind) -> Result<(), String> {
    let p = kind.names().len();
    if s.t.len() != s.y.len() {
        return Err("times and values differ in number".into());
    }
    if let Some((t, y)) =
        s.t.iter()
            .zip(&s.y)
            .find(|(t, y)| !t.is_finite() || !y.is_finite())
    {
        // Say which is missing without printing a non-finite number.
        return Err(if t.is_finite() {
            format!("a missing or non-numeric value at time {t}")
        } else {
            format!(
                "a missing or non-numeric time (value {})",
                if y.is_finite() {
                    y.to_string()
                } else {
                    "missing too".into()
                }
            )
        });
    }
    let mut sorted = s.t.clone();
    sorted.sort_by(f64::total_cmp);
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("duplicate time {}", w[0]));
    }
    if sorted.first().is_some_and(|t| *t < 0.0) {
        return Err(format!("negative time {}", sorted[0]));
    }
    if s.t.len() <= p {
        return Err(format!(
            "{} points: {} needs at least {} for intervals",
            s.t.len(),
            kind.name(),
            p + 1
        ));
    }
    if kind == Kind::BiexpDose {
        match s.dose {
            Some(d) if d.is_finite() && d > 0.0 => {}
            Some(d) => return Err(format!("dose {d}: biexp-dose needs a dose above 0")),
            None => return Err("no dose: biexp-dose needs a dose column".into()),
        }
    }
    Ok(())
}

fn bounds(kind: Kind) -> (Vec<f64>, Vec<f64>) {
    match kind {
        Kind::Mono => (vec![0.0], vec![f64::INFINITY]),
        Kind::Biexp | Kind::BiexpDose => {
            (vec![0.0, 0.0, 0.0], vec![1.0, f64::INFINITY, f64::INFINITY])
        }
    }
}

/// Starting points spread over the time span T: rates of about 3/T, 10/T and 30/T for the fast
/// term and 0.03/T and 0.3/T for the slow one.
fn starts(kind: Kind, s: &Series) -> Vec<Vec<f64>> {
    let span =
        s.t.iter()
            .fold(0.0f64, |a, t| a.max(*t))
            .max(f64::MIN_POSITIVE);
    let d = match kind {
        Kind::BiexpDose => s.dose.unwrap_or(1.0),
        _ => 1.0,
    };
    match kind {
        Kind::Mono => vec![vec![0.1 / span], vec![1.0 / span], vec![10.0 / span]],
        Kind::Biexp | Kind::BiexpDose => {
            let mut v = Vec::new();
            for fast in [3.0, 10.0, 30.0] {
                for slow in [0.03, 0.3] {
                    v.push(vec![0.5, fast / span, slow / span / d]);
                }
            }
            v
        }
    }
}

fn best_fit(kind: Kind, s: &Series, from: &[Vec<f64>]) -> lm::Fitted {
    let curve = Curve::new(kind, &s.t, &s.y, s.dose.unwrap_or(1.0));
    best_of(kind, &curve, from)
}

/// The best of the fits of `problem` from `from`, with the two terms of `biexp` in canonical
/// order (the fast one first; J'J recomputed there).
fn best_of<P: Problem>(kind: Kind, problem: &P, from: &[Vec<f64>]) -> lm::Fitted {
    let (lo, hi) = bounds(kind);
    let mut best: Option<lm::Fitted> = None;
    for p0 in from {
        let f = minimise(problem, p0, &lo, &hi, Options::default());
        let better = match &best {
            None => true,
            Some(b) => f.sse < b.sse || (!b.sse.is_finite() && f.sse.is_finite()),
        };
        if better {
            best = Some(f);
        }
    }
    let mut f = best.expect("at least one start");
    if kind == Kind::Biexp && f.p[1] < f.p[2] {
        f.p = vec![1.0 - f.p[0], f.p[2], f.p[1]];
        let mut j = vec![0.0; problem.residual_count() * 3];
        problem.jacobian(&f.p, &mut j);
        f.jtj = jtj(&j, 3);
    }
    f
}

/// A fit's report: intervals from the Jacobian (or `bootstrap`, when given), statistics over
/// `residuals` residuals, and `points` the series' number of measurements.
fn report(
    kind: Kind,
    f: &lm::Fitted,
    residuals: usize,
    points: usize,
    bootstrap: Option<Vec<(Option<f64>, Option<f64>)>>,
) -> SeriesFit {
    let names = kind.names();
    let np = names.len();
    let dof = (residuals - np) as f64;
    let tq = stats::t_quantile(0.975, dof);
    let cov = covariance(&f.jtj, np, f.sse / dof);
    let lo_hi = bootstrap.unwrap_or_else(|| {
        half_widths(cov.as_deref(), np, tq)
            .into_iter()
            .zip(&f.p)
            .map(|(h, v)| (h.map(|h| v - h), h.map(|h| v + h)))
            .collect()
    });
    let (aic, bic) = information(f.sse, residuals, np);
    SeriesFit {
        model: kind,
        params: names
            .iter()
            .zip(&f.p)
            .zip(lo_hi)
            .map(|((name, v), (lo, hi))| Estimate {
                name,
                value: *v,
                lo,
                hi,
            })
            .collect(),
        sse: f.sse,
        rmse: (f.sse / residuals as f64).sqrt(),
        n: points,
        aic,
        bic,
        converged: f.stop.converged(),
        reason: f.stop.reason().to_string(),
        covariance: cov,
        t_quantile: tq,
    }
}

fn jtj(j: &[f64], n: usize) -> Vec<f64> {
    let m = j.len() / n;
    let mut out = vec![0.0; n * n];
    for a in 0..n {
        for b in 0..n {
            out[a * n + b] = (0..m).map(|i| j[i * n + a] * j[i * n + b]).sum();
        }
    }
    out
}

/// Covariance s^2 (J'J)^-1 (None where J'J is singular).
fn covariance(jtj_flat: &[f64], n: usize, s2: f64) -> Option<Vec<f64>> {
    let m = nalgebra::DMatrix::from_row_slice(n, n, jtj_flat);
    let inv = m.try_inverse()?;
    let out: Vec<f64> = (0..n * n).map(|i| inv[(i / n, i % n)] * s2).collect();
    out.iter().all(|v| v.is_finite()).then_some(out)
}

/// Half-widths of the 95 % intervals from a covariance.
fn half_widths(cov: Option<&[f64]>, n: usize, t: f64) -> Vec<Option<f64>> {
    match cov {
        Some(c) => (0..n)
            .map(|k| {
                let v = c[k * n + k];
                (v >= 0.0).then(|| t * v.sqrt())
            })
            .collect(),
        None => vec![None; n],
    }
}

fn information(sse: f64, n: usize, p: usize) -> (f64, f64) {
    let nf = n as f64;
    let ll = nf * (sse.max(f64::MIN_POSITIVE) / nf).ln();
    (ll + 2.0 * p as f64, ll + p as f64 * nf.ln())
}

/// Fits one series.
///
/// # Errors
/// The reason the series cannot be fitted (too few points, not-a-number values, duplicate
/// times, a missing dose), as one line for its row.
pub fn fit_series(
    s: &Series,
    kind: Kind,
    opt: &FitOptions,
    index: u64,
) -> Result<SeriesFit, String> {
    check_series(s, kind)?;
    let f = best_fit(kind, s, &starts(kind, s));
    let n = s.t.len();
    let boot = (opt.bootstrap > 0).then(|| bootstrap(s, kind, &f.p, opt, index));
    Ok(report(kind, &f, n, n, boot))
}

fn bootstrap(
    s: &Series,
    kind: Kind,
    p: &[f64],
    opt: &FitOptions,
    index: u64,
) -> Vec<(Option<f64>, Option<f64>)> {
    let n = s.t.len();
    let np = p.len();
    let dose = s.dose.unwrap_or(1.0);
    let fitted: Vec<f64> = s.t.iter().map(|t| model_value(kind, p, *t, dose)).collect();
    let scale = (n as f64 / (n - np) as f64).sqrt();
    let resid: Vec<f64> =
        s.y.iter()
            .zip(&fitted)
            .map(|(y, f)| (y - f) * scale)
            .collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(
        opt.seed ^ index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(opt.bootstrap); np];
    for _ in 0..opt.bootstrap {
        let y: Vec<f64> = fitted
            .iter()
            .map(|f| f + resid[rng.random_range(0..n)])
            .collect();
        let b = Series {
            t: s.t.clone(),
            y,
            dose: s.dose,
        };
        let mut from = starts(kind, &b);
        from.insert(0, p.to_vec());
        let f = best_fit(kind, &b, &from);
        if f.sse.is_finite() {
            for (k, v) in f.p.iter().enumerate() {
                draws[k].push(*v);
            }
        }
    }
    draws
        .into_iter()
        .map(|mut d| {
            if d.len() < 2 {
                return (None, None);
            }
            d.sort_by(f64::total_cmp);
            let q = |p: f64| {
                let pos = p * (d.len() - 1) as f64;
                let i = pos.floor() as usize;
                let f = pos - i as f64;
                d[i] + f * (d[(i + 1).min(d.len() - 1)] - d[i])
            };
            (Some(q(0.025)), Some(q(0.975)))
        })
        .collect()
}

/// Fits mono and biexp and keeps the one with the lower AIC; the reason says which and why.
///
/// # Errors
/// As [`fit_series`], when neither model can be fitted.
pub fn fit_auto(s: &Series, opt: &FitOptions, index: u64) -> Result<SeriesFit, String> {
    pick_by_aic(
        fit_series(s, Kind::Mono, opt, index),
        fit_series(s, Kind::Biexp, opt, index),
    )
}

/// Of a mono and a biexp fit of the same data, the one with the lower AIC; its reason says which
/// and why.
///
/// # Errors
/// The mono fit's error when neither fits.
pub fn pick_by_aic(
    mono: Result<SeriesFit, String>,
    bi: Result<SeriesFit, String>,
) -> Result<SeriesFit, String> {
    match (mono, bi) {
        (Ok(m), Ok(b)) => {
            let (mut keep, other) = if b.aic < m.aic { (b, m) } else { (m, b) };
            keep.reason = format!(
                "auto: {} (AIC {:.2} against {:.2} for {}); {}",
                keep.model.name(),
                keep.aic,
                other.aic,
                other.model.name(),
                keep.reason
            );
            Ok(keep)
        }
        (Ok(mut m), Err(e)) => {
            m.reason = format!("auto: mono (biexp not possible: {e}); {}", m.reason);
            Ok(m)
        }
        (Err(e), _) => Err(e),
    }
}

/// Fits every series, in parallel; results in input order, deterministic. `progress` is
/// called with the number of series done.
pub fn fit_many(
    series: &[Series],
    kind: Option<Kind>,
    opt: &FitOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Result<SeriesFit, String>> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    series
        .par_iter()
        .enumerate()
        .with_min_len(16)
        .map(|(i, s)| {
            let r = match kind {
                Some(k) => fit_series(s, k, opt, i as u64),
                None => fit_auto(s, opt, i as u64),
            };
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if n.is_multiple_of(256) || n == series.len() {
                progress(n);
            }
            r
        })
        .collect()
}

/// A pooled fit: rates shared by all series, one amplitude A per series.
#[derive(Debug, Clone, Serialize)]
pub struct Pooled {
    pub model: Kind,
    /// The shared rates (k1 and k2, or k1 and kd).
    pub rates: Vec<Estimate>,
    /// Per fitted series, in input order (None for a series that could not take part).
    pub amplitudes: Vec<Option<Estimate>>,
    pub sse: f64,
    pub n: usize,
    pub series: usize,
    pub converged: bool,
    pub reason: String,
}

/// The pooled problem over the shared rates: each series' A is solved in closed form (it enters
/// linearly) and clamped to [0, 1] (variable projection, Golub & Pereyra 1973).
struct PooledProblem<'a> {
    kind: Kind,
    series: Vec<&'a Series>,
    len: usize,
}

impl PooledProblem<'_> {
    fn terms(&self, s: &Series, q: &[f64], t: f64) -> (f64, f64) {
        let d = if self.kind == Kind::BiexpDose {
            s.dose.unwrap_or(1.0)
        } else {
            1.0
        };
        ((-q[0] * t).exp(), (-q[1] * d * t).exp())
    }

    fn amplitude(&self, s: &Series, q: &[f64]) -> f64 {
        let (mut num, mut den) = (0.0, 0.0);
        for (t, y) in s.t.iter().zip(&s.y) {
            let (e1, e2) = self.terms(s, q, *t);
            num += (e1 - e2) * (y - e2);
            den += (e1 - e2) * (e1 - e2);
        }
        if den > 0.0 {
            (num / den).clamp(0.0, 1.0)
        } else {
            0.5
        }
    }
}

impl Problem for PooledProblem<'_> {
    fn residual_count(&self) -> usize {
        self.len
    }

    fn residuals(&self, q: &[f64], r: &mut [f64]) {
        let mut i = 0;
        for s in &self.series {
            let a = self.amplitude(s, q);
            for (t, y) in s.t.iter().zip(&s.y) {
                let (e1, e2) = self.terms(s, q, *t);
                r[i] = a * e1 + (1.0 - a) * e2 - y;
                i += 1;
            }
        }
    }

    fn jacobian(&self, q: &[f64], j: &mut [f64]) {
        // Central differences of the projected residuals; the rates stay at or above 0.
        lm::central_difference_jacobian(self, q, |_, v| 1e-6 * v.abs().max(1e-8), &[0.0, 0.0], j);
    }
}

/// Fits shared rates and per-series amplitudes to every series that passes the checks.
///
/// # Errors
/// `mono` (no amplitude to pool), or no series fit to take part.
pub fn fit_pooled(series: &[Series], kind: Kind) -> Result<Pooled, String> {
    if kind == Kind::Mono {
        return Err("--pooled needs biexp or biexp-dose (mono has no amplitude)".into());
    }
    let ok: Vec<bool> = series
        .iter()
        .map(|s| check_series(s, kind).is_ok())
        .collect();
    let used: Vec<&Series> = series
        .iter()
        .zip(&ok)
        .filter(|(_, o)| **o)
        .map(|(s, _)| s)
        .collect();
    if used.is_empty() {
        return Err("no series can take part".into());
    }
    let len: usize = used.iter().map(|s| s.t.len()).sum();
    let prob = PooledProblem {
        kind,
        series: used,
        len,
    };
    let span = prob
        .series
        .iter()
        .flat_map(|s| s.t.iter())
        .fold(0.0f64, |a, t| a.max(*t))
        .max(f64::MIN_POSITIVE);
    let mean_dose = if kind == Kind::BiexpDose {
        prob.series
            .iter()
            .map(|s| s.dose.unwrap_or(1.0))
            .sum::<f64>()
            / prob.series.len() as f64
    } else {
        1.0
    };
    let mut best: Option<lm::Fitted> = None;
    for fast in [3.0, 10.0, 30.0] {
        for slow in [0.03, 0.3] {
            let f = minimise(
                &prob,
                &[fast / span, slow / span / mean_dose],
                &[0.0, 0.0],
                &[f64::INFINITY, f64::INFINITY],
                Options::default(),
            );
            if best.as_ref().is_none_or(|b| f.sse < b.sse) {
                best = Some(f);
            }
        }
    }
    let f = best.expect("starts");
    let q = f.p.clone();
    // Covariance from the full Jacobian [J_q | J_A]: Schur complement over the block-diagonal
    // amplitude part.
    let ns = prob.series.len();
    let dof = (len as f64 - 2.0 - ns as f64).max(1.0);
    let s2 = f.sse / dof;
    let mut mqq = [[0.0; 2]; 2];
    let mut b = Vec::with_capacity(ns);
    let mut m_aa = Vec::with_capacity(ns);
    let amps: Vec<f64> = prob.series.iter().map(|s| prob.amplitude(s, &q)).collect();
    for (s, a) in prob.series.iter().zip(&amps) {
        let d = if kind == Kind::BiexpDose {
            s.dose.unwrap_or(1.0)
        } else {
            1.0
        };
        let (mut bi, mut mi) = ([0.0; 2], 0.0);
        for t in &s.t {
            let (e1, e2) = prob.terms(s, &q, *t);
            let jq = [-a * t * e1, -(1.0 - a) * d * t * e2];
            let ja = e1 - e2;
            for x in 0..2 {
                for y in 0..2 {
                    mqq[x][y] += jq[x] * jq[y];
                }
                bi[x] += jq[x] * ja;
            }
            mi += ja * ja;
        }
        b.push(bi);
        m_aa.push(mi);
    }
    let mut schur = mqq;
    for (bi, mi) in b.iter().zip(&m_aa) {
        if *mi > 0.0 {
            for x in 0..2 {
                for y in 0..2 {
                    schur[x][y] -= bi[x] * bi[y] / mi;
                }
            }
        }
    }
    let det = schur[0][0] * schur[1][1] - schur[0][1] * schur[1][0];
    let cov_q = (det.abs() > 0.0).then(|| {
        [
            [schur[1][1] / det * s2, -schur[0][1] / det * s2],
            [-schur[1][0] / det * s2, schur[0][0] / det * s2],
        ]
    });
    let t = stats::t_quantile(0.975, dof);
    let names = kind.names();
    let rates = (0..2)
        .map(|k| {
            let h = cov_q.and_then(|c| (c[k][k] >= 0.0).then(|| t * c[k][k].sqrt()));
            Estimate {
                name: names[k + 1],
                value: q[k],
                lo: h.map(|h| q[k] - h),
                hi: h.map(|h| q[k] + h),
            }
        })
        .collect();
    let mut amplitudes = Vec::with_capacity(series.len());
    let mut it = amps.iter().zip(b.iter().zip(&m_aa));
    for o in &ok {
        if !o {
            amplitudes.push(None);
            continue;
        }
        let (a, (bi, mi)) = it.next().expect("one per used series");
        let var = cov_q.and_then(|c| {
            (*mi > 0.0).then(|| {
                let quad: f64 = (0..2)
                    .map(|x| (0..2).map(|y| bi[x] * c[x][y] * bi[y]).sum::<f64>())
                    .sum();
                s2 / mi + quad / (mi * mi)
            })
        });
        let h = var.map(|v| t * v.sqrt());
        amplitudes.push(Some(Estimate {
            name: "A",
            value: *a,
            lo: h.map(|h| a - h),
            hi: h.map(|h| a + h),
        }));
    }
    Ok(Pooled {
        model: kind,
        rates,
        amplitudes,
        sse: f.sse,
        n: len,
        series: ns,
        converged: f.stop.converged(),
        reason: f.stop.reason().to_string(),
    })
}

/// A series of measured colours (L*, a*, b*) of the same dot over time.
#[derive(Debug, Clone, PartialEq)]
pub struct LabSeries {
    pub t: Vec<f64>,
    pub lab: Vec<[f64; 3]>,
    pub dose: Option<f64>,
}

/// The colour of the dot holding `amount` (relative to the freshly healed loads) of its
/// pigment: the optics model the fit goes through.
pub type ColourOf<'a> = dyn Fn(f64) -> [f64; 3] + Sync + 'a;

struct LabCurve<'a> {
    kind: Kind,
    t: &'a [f64],
    lab: &'a [[f64; 3]],
    dose: f64,
    colour: &'a ColourOf<'a>,
}

impl Problem for LabCurve<'_> {
    fn residual_count(&self) -> usize {
        3 * self.t.len()
    }

    fn residuals(&self, p: &[f64], r: &mut [f64]) {
        for (i, (t, m)) in self.t.iter().zip(self.lab).enumerate() {
            let c = (self.colour)(model_value(self.kind, p, *t, self.dose).max(0.0));
            for k in 0..3 {
                r[3 * i + k] = c[k] - m[k];
            }
        }
    }

    fn jacobian(&self, p: &[f64], j: &mut [f64]) {
        // Central differences through the optics.
        let free = vec![f64::NEG_INFINITY; p.len()];
        lm::central_difference_jacobian(self, p, |_, v| 1e-6 * v.abs().max(1e-6), &free, j);
    }
}

/// Fits a kinetic model to measured colours through `colour` (the optics model of the dot):
/// the residuals are the differences in L*, a* and b* at every time.
///
/// # Errors
/// As [`fit_series`].
pub fn fit_lab_series(
    s: &LabSeries,
    kind: Kind,
    colour: &ColourOf<'_>,
) -> Result<SeriesFit, String> {
    let plain = Series {
        t: s.t.clone(),
        y: s.lab.iter().map(|l| l[0]).collect(),
        dose: s.dose,
    };
    check_series(&plain, kind)?;
    if let Some((t, _)) =
        s.t.iter()
            .zip(&s.lab)
            .find(|(_, l)| l.iter().any(|v| !v.is_finite()))
    {
        return Err(format!("not a number in L*, a*, b* at time {t}"));
    }
    let curve = LabCurve {
        kind,
        t: &s.t,
        lab: &s.lab,
        dose: s.dose.unwrap_or(1.0),
        colour,
    };
    let f = best_of(kind, &curve, &starts(kind, &plain));
    Ok(report(kind, &f, curve.residual_count(), s.t.len(), None))
}
