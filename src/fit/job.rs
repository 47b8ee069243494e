//! `tinct fit` on amounts as one library call, whatever read the table: the CLI (polars, CSV or
//! Parquet) and the Python package (a pandas or polars DataFrame) both hand the columns to
//! [`group_amounts`] and the series to [`fit_amounts`], and lay out the answer with
//! [`parameter_columns`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{
    check_series, fit_many, fit_pooled, Estimate, FitOptions, Kind, Pooled, Series, SeriesFit,
};
use crate::error::InputError;

/// One output row: a fit, or the reason there is none.
pub type Row = Result<SeriesFit, String>;

/// Largest magnitude of a number in a measurement table: times, amounts and colours are far
/// below it, and beyond it sums of squares overflow.
pub const MAX_VALUE: f64 = 1e9;

/// Checks a measurement column: every value finite-or-missing (NaN marks a missing value, which
/// fails only its own series) and at most [`MAX_VALUE`] in size.
///
/// # Errors
/// The first value out of range, with its row (from 1) and `field`.
pub fn check_column(field: &str, values: &[f64]) -> Result<(), InputError> {
    match out_of_range(values) {
        Some((row, x)) => Err(InputError::OutOfRange {
            field: format!("row {}, {field}", row + 1),
            value: x,
            expected: "at most 1e9 in size".into(),
        }),
        None => Ok(()),
    }
}

/// The first value (row from 0, value) that is infinite or larger than [`MAX_VALUE`].
pub fn out_of_range(values: &[f64]) -> Option<(usize, f64)> {
    values
        .iter()
        .copied()
        .enumerate()
        .find(|(_, x)| x.is_infinite() || x.abs() > MAX_VALUE)
}

/// Records a row's dose on its series: the first one sets it, a different one later is the
/// series' problem (a dose rate is a property of the series).
pub fn note_dose(slot: &mut Option<f64>, dose: f64, problem: &mut Option<String>) {
    match slot {
        None => *slot = Some(dose),
        Some(first) if *first == dose || (first.is_nan() && dose.is_nan()) => {}
        Some(first) => {
            if problem.is_none() {
                *problem = Some(format!(
                    "dose varies within the series ({first} and {dose})"
                ));
            }
        }
    }
}

/// Long columns grouped into series, in the order of each series' first row.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupedAmounts {
    /// Row index of each series' first row.
    pub first_rows: Vec<usize>,
    pub series: Vec<Series>,
    /// A problem a whole series has (a dose that varies), by series.
    pub problems: Vec<Option<String>>,
}

/// Groups long columns (one row per measurement) into series by their key.
///
/// # Errors
/// Columns of different lengths, no rows, or a value out of range ([`check_column`]).
pub fn group_amounts(
    keys: &[String],
    t: &[f64],
    y: &[f64],
    dose: Option<&[f64]>,
) -> Result<GroupedAmounts, InputError> {
    let n = keys.len();
    for (name, len) in [("time", t.len()), ("value", y.len())]
        .into_iter()
        .chain(dose.map(|d| ("dose", d.len())))
    {
        if len != n {
            return Err(InputError::Invalid {
                field: name.into(),
                message: format!("{len} values for {n} ids: give one per row"),
            });
        }
    }
    if n == 0 {
        return Err(InputError::Invalid {
            field: "data".into(),
            message: "no rows".into(),
        });
    }
    check_column("time", t)?;
    check_column("value", y)?;
    if let Some(d) = dose {
        check_column("dose", d)?;
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut g = GroupedAmounts {
        first_rows: Vec::new(),
        series: Vec::new(),
        problems: Vec::new(),
    };
    for (row, key) in keys.iter().enumerate() {
        let k = *index.entry(key.as_str()).or_insert_with(|| {
            g.first_rows.push(row);
            g.problems.push(None);
            g.series.push(Series {
                t: Vec::new(),
                y: Vec::new(),
                dose: None,
            });
            g.series.len() - 1
        });
        let s = &mut g.series[k];
        s.t.push(t[row]);
        s.y.push(y[row]);
        if let Some(d) = dose {
            note_dose(&mut s.dose, d[row], &mut g.problems[k]);
        }
    }
    Ok(g)
}

fn default_model() -> String {
    "biexp".into()
}
fn default_seed() -> u64 {
    7
}

/// How to fit: what `tinct fit`'s flags say for amounts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FitRequest {
    /// `mono`, `biexp`, `biexp-dose`, or `auto` (mono and biexp, the better by AIC per series).
    #[serde(default = "default_model")]
    pub model: String,
    /// Rates shared by all series, one amplitude per series.
    #[serde(default)]
    pub pooled: bool,
    /// Residual bootstrap runs for the intervals (0: from the Jacobian).
    #[serde(default)]
    pub bootstrap: usize,
    #[serde(default = "default_seed")]
    pub seed: u64,
}

impl Default for FitRequest {
    fn default() -> Self {
        FitRequest {
            model: default_model(),
            pooled: false,
            bootstrap: 0,
            seed: default_seed(),
        }
    }
}

impl FitRequest {
    /// The model, or `None` for `auto`.
    ///
    /// # Errors
    /// An unknown model name.
    pub fn kind(&self) -> Result<Option<Kind>, InputError> {
        if self.model == "auto" {
            Ok(None)
        } else {
            Kind::parse(&self.model).map(Some)
        }
    }

    /// Checks the request for `series` series, with or without a dose column.
    ///
    /// # Errors
    /// An unknown model, `pooled` with `auto`, `biexp-dose` without doses, a bootstrap too
    /// large ([`FitOptions::validate`]).
    pub fn validate(&self, series: usize, has_dose: bool) -> Result<Option<Kind>, InputError> {
        let kind = self.kind()?;
        if self.pooled && kind.is_none() {
            return Err(InputError::Invalid {
                field: "pooled".into(),
                message: "--pooled needs --model biexp or biexp-dose".into(),
            });
        }
        if kind == Some(Kind::BiexpDose) && !has_dose {
            return Err(InputError::Invalid {
                field: "dose".into(),
                message: "--model biexp-dose needs --dose COLUMN".into(),
            });
        }
        self.options().validate(series)?;
        Ok(kind)
    }

    fn options(&self) -> FitOptions {
        FitOptions {
            bootstrap: self.bootstrap,
            seed: self.seed,
        }
    }
}

/// What went wrong with a fit: bad input, or data none of which could be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error(transparent)]
    Input(#[from] InputError),
    /// Not one series could be fitted (the summary says why, by reason).
    #[error("no series could be fitted: {0}")]
    NothingFitted(String),
}

/// The fits of every series, and how they went.
#[derive(Debug, Clone)]
pub struct FitOutcome {
    /// One per series, in input order.
    pub rows: Vec<Row>,
    /// The shared fit, with `pooled`.
    pub pooled: Option<Pooled>,
    pub fitted: usize,
    /// One line: how many were fitted, with which model, and why the others failed.
    pub summary: String,
}

/// Fits every amount series as `req` says; `problems` (by series) fail their series whatever
/// the data. `progress` is called with the number of series done.
///
/// # Errors
/// A request that does not fit the data ([`FitRequest::validate`]); [`FitError::NothingFitted`]
/// when no series could be fitted.
pub fn fit_amounts(
    series: &[Series],
    problems: &[Option<String>],
    req: &FitRequest,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<FitOutcome, FitError> {
    let has_dose = series.iter().any(|s| s.dose.is_some());
    let kind = req.validate(series.len(), has_dose)?;
    let mut pooled = None;
    let mut rows: Vec<Row> = if req.pooled {
        let kind = kind.expect("validated: pooled has a model");
        let (rows, p) = pooled_rows(series, kind);
        progress(series.len());
        pooled = p;
        rows
    } else {
        fit_many(series, kind, &req.options(), progress)
    };
    for (r, p) in rows.iter_mut().zip(problems) {
        if let Some(p) = p {
            *r = Err(p.clone());
        }
    }
    let label = format!(
        "{}{}",
        kind.map_or("auto", Kind::name),
        if req.pooled { ", pooled" } else { "" }
    );
    outcome(rows, pooled, &label)
}

/// The outcome of `rows` fitted with `label` (`biexp`, `auto`, `biexp, pooled`).
///
/// # Errors
/// [`FitError::NothingFitted`] when no row is a fit.
pub fn outcome(
    rows: Vec<Row>,
    pooled: Option<Pooled>,
    label: &str,
) -> Result<FitOutcome, FitError> {
    let total = rows.len();
    let fitted = rows.iter().filter(|r| r.is_ok()).count();
    // Failures by reason, numbers as N so that series failing alike count together.
    let mut reasons: Vec<(String, usize)> = Vec::new();
    for r in rows.iter().filter_map(|r| r.as_ref().err()) {
        let mut key = String::new();
        for c in r.chars() {
            if c.is_ascii_digit() || c == '.' && key.ends_with('N') {
                if !key.ends_with('N') {
                    key.push('N');
                }
            } else {
                key.push(c);
            }
        }
        let key = key.trim().to_string();
        match reasons.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => reasons.push((key, 1)),
        }
    }
    let summary = format!(
        "fitted {fitted} of {total} series ({label}){}",
        if reasons.is_empty() {
            String::new()
        } else {
            format!(
                "; {} failed: {}",
                total - fitted,
                reasons
                    .iter()
                    .map(|(k, n)| format!("{k} ({n})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    if fitted == 0 {
        return Err(FitError::NothingFitted(summary));
    }
    Ok(FitOutcome {
        rows,
        pooled,
        fitted,
        summary,
    })
}

/// The pooled fit's share of each series as rows.
fn pooled_rows(series: &[Series], kind: Kind) -> (Vec<Row>, Option<Pooled>) {
    let p = match fit_pooled(series, kind) {
        Ok(p) => p,
        Err(e) => return (series.iter().map(|_| Err(e.clone())).collect(), None),
    };
    let rows = series
        .iter()
        .zip(&p.amplitudes)
        .map(|(s, a)| match a {
            None => Err(check_series(s, kind)
                .err()
                .unwrap_or_else(|| "left out of the pooled fit".into())),
            Some(a) => {
                let params: Vec<Estimate> =
                    std::iter::once(*a).chain(p.rates.iter().copied()).collect();
                let values: Vec<f64> = params.iter().map(|e| e.value).collect();
                Ok(SeriesFit::from_values(
                    kind,
                    params,
                    s,
                    &values,
                    p.converged,
                    &format!("pooled: {}", p.reason),
                ))
            }
        })
        .collect();
    (rows, Some(p))
}

/// A column of the parameter table.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Float(Vec<Option<f64>>),
    Count(Vec<u32>),
    Flag(Vec<bool>),
    Text(Vec<Option<String>>),
}

/// The parameter table's own columns, after the carried ones: for each parameter P of the
/// models used (in a fixed order) the columns P, P_lo, P_hi, then sse, n, converged, error,
/// model, rmse, aic, bic, reason. `n_points` is each series' number of measurements.
pub fn parameter_columns(rows: &[Row], n_points: &[usize]) -> Vec<(String, Values)> {
    let mut names: Vec<&'static str> = Vec::new();
    for k in [Kind::Mono, Kind::Biexp, Kind::BiexpDose] {
        if rows.iter().any(|r| r.as_ref().is_ok_and(|f| f.model == k)) {
            for n in k.names() {
                if !names.contains(n) {
                    names.push(n);
                }
            }
        }
    }
    let get = |r: &Row, name: &str| -> Option<Estimate> {
        r.as_ref()
            .ok()
            .and_then(|f| f.params.iter().find(|e| e.name == name).copied())
    };
    let mut cols: Vec<(String, Values)> = Vec::new();
    for name in &names {
        let of = |g: &dyn Fn(Estimate) -> Option<f64>| -> Values {
            Values::Float(rows.iter().map(|r| get(r, name).and_then(g)).collect())
        };
        cols.push(((*name).to_string(), of(&|e| Some(e.value))));
        cols.push((format!("{name}_lo"), of(&|e| e.lo)));
        cols.push((format!("{name}_hi"), of(&|e| e.hi)));
    }
    let float = |g: &dyn Fn(&SeriesFit) -> f64| -> Values {
        Values::Float(rows.iter().map(|r| r.as_ref().ok().map(g)).collect())
    };
    let text = |g: &dyn Fn(&Row) -> Option<String>| -> Values {
        Values::Text(rows.iter().map(g).collect())
    };
    cols.push(("sse".into(), float(&|x| x.sse)));
    cols.push((
        "n".into(),
        Values::Count(n_points.iter().map(|n| *n as u32).collect()),
    ));
    cols.push((
        "converged".into(),
        Values::Flag(
            rows.iter()
                .map(|r| r.as_ref().is_ok_and(|x| x.converged))
                .collect(),
        ),
    ));
    cols.push(("error".into(), text(&|r| r.as_ref().err().cloned())));
    cols.push((
        "model".into(),
        text(&|r| r.as_ref().ok().map(|x| x.model.name().to_string())),
    ));
    cols.push(("rmse".into(), float(&|x| x.rmse)));
    cols.push(("aic".into(), float(&|x| x.aic)));
    cols.push(("bic".into(), float(&|x| x.bic)));
    cols.push((
        "reason".into(),
        text(&|r| r.as_ref().ok().map(|x| x.reason.clone())),
    ));
    cols
}

/// A recipe in a skin, ready to give the dot's colour for any share of its loads: what `tinct
/// fit --lab` fits L*, a*, b* series through (the amount left scales every load).
pub struct RecipeOptic {
    site: crate::optics::skin::DotSite,
    pigment: crate::optics::skin::DotPigment,
}

impl RecipeOptic {
    /// `recipe` (healed loads) in `skin` (fitted at the default tolerance when measured), the
    /// dot as `dot` says, packed by default.
    ///
    /// # Errors
    /// An unknown pigment, a skin out of reach, a dot out of range.
    pub fn new(
        catalog: &crate::pigment::Catalog,
        table: &crate::colorimetry::WeightingTable,
        recipe: &[crate::appearance::PigmentLoad],
        skin: &crate::appearance::SkinRequest,
        dot: &crate::appearance::DotSpec,
    ) -> Result<RecipeOptic, InputError> {
        let mut comps = Vec::new();
        for c in recipe {
            comps.push(crate::appearance::Component {
                pigment: catalog.get(&c.pigment)?,
                load_g_m2: c.load_g_m2,
            });
        }
        let skin = crate::appearance::resolve_skin(
            &skin.input()?,
            table,
            crate::appearance::DEFAULT_SKIN_TOLERANCE,
            crate::optics::km::Specular::Excluded,
        )?;
        let dot = crate::appearance::DotSpec {
            cluster_um: crate::optics::packaging::Packaging::DEFAULT.cluster_um,
            cluster_fill: crate::optics::packaging::Packaging::DEFAULT.fill,
            ..*dot
        };
        Ok(RecipeOptic {
            site: dot.site(&skin.optics)?,
            pigment: crate::appearance::pigment_optics(&comps)?,
        })
    }

    /// L*, a*, b* of the dot with `amount` (a share) of every load.
    pub fn colour(&self, table: &crate::colorimetry::WeightingTable, amount: f64) -> [f64; 3] {
        let lab = table.lab(
            &self
                .site
                .reflectance(&self.pigment.scaled(amount))
                .expect("finite loads"),
        );
        [lab.l, lab.a, lab.b]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn series_keep_the_order_of_their_first_row() {
        let g = group_amounts(
            &keys(&["b", "a", "b", "a"]),
            &[0.0, 0.0, 1.0, 1.0],
            &[1.0, 1.0, 0.5, 0.6],
            None,
        )
        .unwrap();
        assert_eq!(g.first_rows, [0, 1]);
        assert_eq!(g.series[0].y, [1.0, 0.5]);
        assert_eq!(g.series[1].t, [0.0, 1.0]);
    }

    #[test]
    fn a_varying_dose_is_the_series_problem() {
        let g = group_amounts(
            &keys(&["a", "a", "b", "b"]),
            &[0.0, 1.0, 0.0, 1.0],
            &[1.0, 0.9, 1.0, 0.9],
            Some(&[2.0, 3.0, 1.0, 1.0]),
        )
        .unwrap();
        assert!(g.problems[0].as_deref().unwrap().contains("dose varies"));
        assert_eq!(g.problems[1], None);
        assert_eq!(g.series[1].dose, Some(1.0));
    }

    #[test]
    fn columns_of_other_lengths_and_huge_values_are_refused() {
        let e = group_amounts(&keys(&["a"]), &[0.0, 1.0], &[1.0], None).unwrap_err();
        assert!(e.to_string().starts_with("time: 2 values for 1 ids"), "{e}");
        let e = group_amounts(&keys(&["a"]), &[1e12], &[1.0], None).unwrap_err();
        assert!(e.to_string().starts_with("row 1, time: 1e12"), "{e}");
        assert!(group_amounts(&[], &[], &[], None).is_err());
    }

    #[test]
    fn nothing_fitted_is_a_failure_not_bad_input() {
        let s = Series {
            t: vec![0.0],
            y: vec![1.0],
            dose: None,
        };
        let e = fit_amounts(&[s], &[None], &FitRequest::default(), &|_| {}).unwrap_err();
        assert!(matches!(e, FitError::NothingFitted(_)), "{e:?}");
        let bad = FitRequest {
            model: "auto".into(),
            pooled: true,
            ..FitRequest::default()
        };
        let e = fit_amounts(&[], &[], &bad, &|_| {}).unwrap_err();
        assert!(matches!(e, FitError::Input(_)), "{e:?}");
    }
}
