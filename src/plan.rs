//! The treatment plan (`tinct plan`): SMP is built over a few sessions, starting lighter and
//! building the shade, then kept by touch-ups.
//!
//! **What is planned.** The recipe is the best `match` finds for the target (its mix in whole
//! parts and its dilution). The plan follows one dot through the sessions: every session works
//! the pattern again with the recipe's ink at its own dilution, chosen so that the dot, once
//! healed, holds a planned share of the recipe's healed pigment after that session
//! ([`build_shares`]); the last session brings it to the recipe itself. Each session's
//! deposit goes through the kinetics of [`crate::fade::kinetics`]: a third of it leaves while
//! the skin heals, over about a month (Bäumler 2015; Lea & Pawlowski 1987), so a session placed
//! before the previous one has healed is planned on what that one will keep.
//!
//! For each session the plan gives the ink (parts and dilution as practitioners write it,
//! [`crate::formulate::shade_number`]), the deposit and the part of it healing removes, the
//! look right after the session (all the deposited pigment still in the dermis: darker) and
//! the healed look (colour and dE00 to the target). Then the dot fades as `tinct schedule`
//! predicts, from the day the last session has healed: the first touch-up falls when it has
//! drifted the touch-up tolerance from that healed look, with the touch-up's own ink and
//! dilution (what heals back to the healed loads), and a Monte Carlo over the uncertain
//! fading inputs gives its spread.
//!
//! **Sources and assumptions.**
//! - Sessions: usually 3 (2-4; about one client in five needs a fourth), 10-30 days apart,
//!   starting light and darkening (SMP clinics' pages, second-hand: SMP-PRACTICE.md).
//!   [`DEFAULT_SESSIONS`] 3 and [`DEFAULT_INTERVAL_DAYS`] 21 sit in those ranges; both are
//!   flags.
//! - The build: Liu et al. (2025, J. Cosmet. Dermatol. 24:e70375; abstract read) built SMP in a
//!   standardised three-session protocol in which "pigment density was incrementally adjusted
//!   (30%→70%→100% of natural follicular spacing)". tinct reads that ramp as the share of the
//!   final pigment reached after each session, and gives it to the dot's load: **an
//!   interpretation**, for the paper ramps the number of dots, and no source gives the shade
//!   of each session. Other session counts follow the same ramp by the share of the sessions
//!   done ([`build_shares`]); `--build` sets it outright.
//! - Light does not act in the weeks of the sessions (a few days of sun at most; it is the
//!   years after that fade the dot).

use serde::Serialize;

use crate::appearance::Component;
use crate::colorimetry::Lab;
use crate::difference::ciede2000;
use crate::error::InputError;
use crate::fade::aftercare::Aftercare;
use crate::fade::exposure::Year;
use crate::fade::kinetics::{Kinetics, Photodegradation, Pools, Rates};
use crate::fade::simulate::{Model, MonteCarlo, Schedule, Setup, Uncertainty};
use crate::formulate::{search, shade_number, MatchSpec};
use crate::pigment::Pigment;

/// Sessions in a plan unless told otherwise: 3 (SMP clinics: usually 3, 2-4; second-hand).
pub const DEFAULT_SESSIONS: usize = 3;

/// Days between sessions unless told otherwise: 21, inside the 10-30 days SMP clinics give
/// (second-hand).
pub const DEFAULT_INTERVAL_DAYS: usize = 21;

/// Most sessions a plan takes.
pub const MAX_SESSIONS: usize = 12;

/// The share of the final pigment reached after each of three sessions (Liu et al. 2025,
/// "30%→70%→100%"; read as pigment per dot, see the module docs).
pub const LIU_RAMP: [f64; 3] = [0.3, 0.7, 1.0];

/// The planned share of the recipe's healed load after each of `sessions` sessions: Liu's
/// ramp ([`LIU_RAMP`]) as a function of the share of the sessions done, linear between its
/// points and from (0, 0): 1 session 100 %; 2: 50, 100 %; 3: 30, 70, 100 %; 4: 22.5, 50,
/// 77.5, 100 %.
pub fn build_shares(sessions: usize) -> Vec<f64> {
    let points = [(0.0, 0.0), (1.0 / 3.0, 0.3), (2.0 / 3.0, 0.7), (1.0, 1.0)];
    (1..=sessions)
        .map(|k| {
            let x = k as f64 / sessions as f64;
            let i = points
                .windows(2)
                .position(|w| x <= w[1].0 + 1e-12)
                .unwrap_or(2);
            let ((x0, y0), (x1, y1)) = (points[i], points[i + 1]);
            y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        })
        .collect()
}

/// Everything a plan needs.
#[derive(Debug, Clone)]
pub struct PlanInputs<'a> {
    /// The recipe search (site, target, pigments, parts, deposition). `parts` must be above 0:
    /// a plan is mixed.
    pub spec: MatchSpec<'a>,
    /// The planned share of the recipe's healed load after each session, increasing, the last
    /// 1 ([`build_shares`]).
    pub build: Vec<f64>,
    /// Days between sessions.
    pub interval_days: usize,
    /// dE00 to the target within which the plan counts it reached.
    pub reach_tolerance: f64,
    /// The client's kinetics (its healing is replaced by `aftercare`'s).
    pub kinetics: Kinetics,
    /// How the client's healing goes. The inks are planned for the standard healing
    /// (`spec.deposition`); the looks follow this one.
    pub aftercare: Aftercare,
    /// Photodegradation of each pigment the search may use, by id (`None`: not modelled).
    pub photo: Vec<(String, Option<Photodegradation>)>,
    /// The client's year of daylight.
    pub year: &'a Year,
    /// Day of the year of the first session (0 = 1 January).
    pub start_day_of_year: usize,
    pub uv_acceleration: f64,
    /// A touch-up falls due at this dE00 from the healed look.
    pub touch_up_tolerance: f64,
    /// Days of fading to schedule after the last session has healed.
    pub horizon_days: usize,
    /// Monte Carlo runs (0: none) and seed.
    pub runs: usize,
    pub seed: u64,
    /// Also the healed dot every this many days of its fading (`None`: not sampled).
    pub curve_every_days: Option<usize>,
}

/// A pigment of an ink with its parts.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    pub pigment: String,
    pub parts: u32,
}

/// An ink as a practitioner prepares it: whole parts of pigments, diluted 1 : N.
#[derive(Debug, Clone, Serialize)]
pub struct Ink {
    pub parts: Vec<Part>,
    /// N of 1 : N, parts of diluent per part of the mix (the shade number).
    pub diluent_parts: f64,
}

impl Ink {
    /// `9 carbon-black + 1 iron-oxide-red; 1:4`.
    pub fn text(&self) -> String {
        format!(
            "{}; 1:{}",
            self.parts
                .iter()
                .map(|p| format!("{} {}", p.parts, p.pigment))
                .collect::<Vec<_>>()
                .join(" + "),
            crate::colorimetry::text::fmt_num(self.diluent_parts, 1)
        )
    }
}

/// The recipe the plan builds to.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedRecipe {
    pub ink: Ink,
    /// Its healed load of each pigment, g/m^2 (in the order of `ink.parts`).
    pub loads_g_m2: Vec<f64>,
    pub healed_lab: [f64; 3],
    /// dE00 of its healed dot to the target.
    pub delta_e: f64,
}

/// One session.
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    /// 1, 2, ...
    pub session: usize,
    /// Day of the session, day 0 the first.
    pub day: usize,
    /// Planned share of the recipe's healed pigment once this session has healed.
    pub build_share: f64,
    /// The ink to use.
    pub recipe: Ink,
    /// Pigment deposited, g/m^2, per pigment.
    pub deposit_g_m2: Vec<f64>,
    /// Of it, what healing removes, g/m^2.
    pub healing_loss_g_m2: Vec<f64>,
    /// Share of the deposit healing removes.
    pub healing_loss_share: f64,
    /// The dot right after the session: all the dermal deposit still in the dot, and the
    /// epidermal share of it (`kinetics.epidermal_share`) in the epidermis over it
    /// ([`crate::optics::skin::DotSite::reflectance_with_epidermal`]).
    pub fresh_lab: [f64; 3],
    /// The day this session has healed, had no later session followed.
    pub healed_day: usize,
    /// The dot then: the dermal pigment it keeps (what the epidermis held is being shed, and
    /// the healed look is the one that stays).
    pub healed_lab: [f64; 3],
    /// Its dermal load per pigment, g/m^2.
    pub healed_loads_g_m2: Vec<f64>,
    /// dE00 of the healed dot to the target.
    pub delta_e: f64,
    /// Whether it is within the reach tolerance.
    pub reached: bool,
}

/// The first touch-up.
#[derive(Debug, Clone, Serialize)]
pub struct TouchUpInk {
    /// Day from the first session.
    pub day: usize,
    /// dE00 from the healed look that day.
    pub delta_e: f64,
    /// Share of each pigment's healed load still there.
    pub remaining: Vec<f64>,
    /// The ink that heals back to the healed loads.
    pub recipe: Ink,
    /// Its deposit, g/m^2, per pigment (as mixed).
    pub deposit_g_m2: Vec<f64>,
}

/// The Monte Carlo's first touch-up, days from the first session.
#[derive(Debug, Clone, Serialize)]
pub struct TouchUpSpread {
    pub runs: usize,
    pub seed: u64,
    pub p10_day: Option<f64>,
    pub p50_day: Option<f64>,
    pub p90_day: Option<f64>,
    /// Share of runs without a touch-up within the horizon.
    pub none_within_horizon: f64,
    /// The Monte Carlo as `tinct schedule` reports it (days from the healed day).
    pub from_healed: MonteCarlo,
    pub uncertainty: Uncertainty,
}

/// What light does to one pigment of the recipe at the dot.
#[derive(Debug, Clone, Serialize)]
pub struct LightLoss {
    pub pigment: String,
    /// Share of the pigment light breaks down in a year of the client's sun (`None`: its light
    /// fastness is unknown).
    pub per_year: Option<f64>,
}

/// A plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub target_lab: [f64; 3],
    pub recipe: PlannedRecipe,
    pub sessions: Vec<Session>,
    /// The first session whose healed dot is within the reach tolerance (1-based), if any.
    pub sessions_to_target: Option<usize>,
    pub reach_tolerance: f64,
    pub interval_days: usize,
    /// The day the last session has healed: day 0 of the fading.
    pub healed_day: usize,
    pub healed_lab: [f64; 3],
    /// Touch-ups over the horizon (days from the first session).
    pub touch_ups: Vec<usize>,
    pub first_touch_up_day: Option<usize>,
    pub first_touch_up: Option<TouchUpInk>,
    pub touch_up_tolerance: f64,
    pub horizon_days: usize,
    pub monte_carlo: Option<TouchUpSpread>,
    /// Pigments of the recipe whose fading by light is not modelled.
    pub light_not_modelled: Vec<String>,
    /// The photodegradation dose at the dot in a year, Mlx h (UV-free equivalent).
    pub annual_dose_at_dot_mlxh: f64,
    /// Per pigment, what that dose takes in a year.
    pub light: Vec<LightLoss>,
    pub aftercare: Aftercare,
    /// What clinics advise while a session heals ([`crate::fade::aftercare::ADVICE`]).
    pub aftercare_advice: Vec<String>,
    /// The kinetics the looks and the fading follow (the aftercare's healing applied).
    pub kinetics: Kinetics,
    /// Appearance evaluations of the recipe search.
    pub evaluations: u64,
    /// With `curve_every_days`: the dot over its fading, days from the healed day (touch-ups
    /// included, as `tinct schedule` follows it); absent from the JSON otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fading_curve: Vec<crate::fade::simulate::Sample>,
}

/// Why a plan could not be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PlanError {
    /// Bad input.
    #[error(transparent)]
    Input(#[from] InputError),
    /// No recipe brings the dot closer to the target than the bare skin.
    #[error("no recipe: the bare skin is closest to the target (dE00 {0:.2}); no pigment brings the dot closer")]
    NoRecipe(f64),
}

fn lab3(l: Lab) -> [f64; 3] {
    [l.l, l.a, l.b]
}

/// Whole parts from shares, summing to `parts` (largest remainder).
fn parts_of(shares: &[f64], parts: u32) -> Vec<u32> {
    crate::formulate::round_parts(shares, parts)
}

impl PlanInputs<'_> {
    fn validate(&self) -> Result<(), InputError> {
        if self.spec.parts == 0 {
            return Err(InputError::OutOfRange {
                field: "parts".into(),
                value: 0.0,
                expected: "at least 1: a plan is mixed in whole parts".into(),
            });
        }
        if self.build.is_empty() || self.build.len() > MAX_SESSIONS {
            return Err(InputError::OutOfRange {
                field: "sessions".into(),
                value: self.build.len() as f64,
                expected: format!("1 to {MAX_SESSIONS}"),
            });
        }
        let mut last = 0.0;
        for (i, &s) in self.build.iter().enumerate() {
            if !(s.is_finite() && s > last && s <= 1.0) {
                return Err(InputError::OutOfRange {
                    field: format!("build share of session {}", i + 1),
                    value: s,
                    expected: "increasing from session to session, above 0 and at most 1".into(),
                });
            }
            last = s;
        }
        if (last - 1.0).abs() > 1e-9 {
            return Err(InputError::OutOfRange {
                field: "build share of the last session".into(),
                value: last,
                expected: "1: the last session brings the dot to the recipe".into(),
            });
        }
        InputError::check_range(
            "interval",
            self.interval_days as f64,
            1.0,
            365.0,
            "1 to 365 days",
        )?;
        InputError::check_range(
            "tolerance",
            self.reach_tolerance,
            f64::MIN_POSITIVE,
            f64::MAX,
            "a dE00 above 0",
        )?;
        InputError::check_range(
            "touch-up tolerance",
            self.touch_up_tolerance,
            f64::MIN_POSITIVE,
            f64::MAX,
            "a dE00 above 0",
        )?;
        self.aftercare.validate()?;
        self.kinetics.validate()
    }
}

/// Makes the plan: the recipe search, the sessions, the fading and the first touch-up.
///
/// # Errors
/// Bad input ([`PlanError::Input`]), or no recipe at all ([`PlanError::NoRecipe`]).
pub fn plan(req: &PlanInputs<'_>) -> Result<Plan, PlanError> {
    req.validate()?;
    let spec = &req.spec;
    let found = search(spec)?;
    let recipes = found.recipes;
    let Some(best) = recipes.first() else {
        let bare = spec.table.lab(
            &spec
                .site
                .reflectance(&crate::optics::skin::DotPigment::none())?,
        );
        return Err(PlanError::NoRecipe(ciede2000(
            bare,
            spec.target,
            1.0,
            1.0,
            1.0,
        )));
    };
    let evaluations = found.evaluations;
    let mixed = best
        .mixed
        .as_ref()
        .expect("a search with parts above 0 mixes its recipes");
    let pigments: Vec<&Pigment> = mixed.parts.iter().map(|(p, _)| *p).collect();
    let parts: Vec<u32> = mixed.parts.iter().map(|(_, k)| *k).collect();
    let total_parts: f64 = parts.iter().map(|&k| f64::from(k)).sum();
    let ink = |n: f64| Ink {
        parts: pigments
            .iter()
            .zip(&parts)
            .map(|(p, &k)| Part {
                pigment: p.id.clone(),
                parts: k,
            })
            .collect(),
        diluent_parts: n,
    };
    let recipe_loads: Vec<f64> = mixed.loads.iter().map(|(_, w)| *w).collect();
    let recipe_total: f64 = recipe_loads.iter().sum();
    let photo: Vec<Option<Photodegradation>> = pigments
        .iter()
        .map(|p| {
            req.photo
                .iter()
                .find(|(id, _)| id == &p.id)
                .and_then(|(_, ph)| *ph)
        })
        .collect();
    let light_not_modelled = pigments
        .iter()
        .zip(&photo)
        .filter(|(_, ph)| ph.is_none())
        .map(|(p, _)| p.id.clone())
        .collect();
    let kinetics = req.aftercare.apply(req.kinetics.clone());
    let setup = |loads: &[f64], start: usize| Setup {
        site: spec.site,
        table: spec.table,
        components: pigments
            .iter()
            .zip(loads)
            .map(|(p, w)| Component {
                pigment: p,
                load_g_m2: *w,
            })
            .collect(),
        photo: photo.clone(),
        kinetics: kinetics.clone(),
        year: req.year,
        start_day_of_year: start % crate::fade::exposure::DAYS_PER_YEAR,
        target: Some(spec.target),
        uv_acceleration: req.uv_acceleration,
    };
    // The recipe's own model: the colour of any pools of its pigments.
    let looks = Model::new(setup(&recipe_loads, req.start_day_of_year))?;
    let k = &kinetics;
    let rates = Rates::new(k);
    // The inks are planned for the standard healing; the client's own (aftercare) acts.
    let planned_retained = spec.deposition.retained_after_healing;
    let kept = planned_retained * (1.0 - k.epidermal_share);
    let heal = k.healing_days.ceil() as usize;
    let w0 = spec.deposition.undiluted_load_g_m2;
    let mut pools = vec![Pools::default(); pigments.len()];
    let mut day = 0;
    let mut sessions = Vec::with_capacity(req.build.len());
    let advance = |pools: &mut [Pools], days: usize| {
        for _ in 0..days {
            for p in pools.iter_mut() {
                rates.step(p, 0.0);
            }
        }
    };
    for (i, &share) in req.build.iter().enumerate() {
        let session_day = i * req.interval_days;
        advance(&mut pools, session_day - day);
        day = session_day;
        // What the dot will keep of the sessions so far, and what this one must add.
        let expected: f64 = pools
            .iter()
            .map(|p| p.held + p.fresh * k.healing_retained)
            .sum();
        let needed = share * recipe_total - expected;
        // The dilution whose deposit heals to what is needed, as practitioners write it
        // (never stronger than undiluted).
        let strength_needed = (needed / kept / w0).max(1e-9);
        let n = shade_number(1.0 / strength_needed.min(1.0) - 1.0)
            .min(crate::formulate::MAX_DILUENT_PARTS);
        let deposit_total = w0 / (1.0 + n);
        let deposit: Vec<f64> = parts
            .iter()
            .map(|&p| deposit_total * f64::from(p) / total_parts)
            .collect();
        for (p, &d) in pools.iter_mut().zip(&deposit) {
            p.deposit(d, k);
        }
        let fresh = looks.lab(&pools)?;
        let mut healed_pools = pools.clone();
        advance(&mut healed_pools, heal);
        let healed = looks.dermal_lab(&healed_pools)?;
        let delta_e = ciede2000(healed, spec.target, 1.0, 1.0, 1.0);
        let loss_share = 1.0 - k.healing_retained * (1.0 - k.epidermal_share);
        sessions.push(Session {
            session: i + 1,
            day,
            build_share: share,
            recipe: ink(n),
            healing_loss_g_m2: deposit.iter().map(|d| d * loss_share).collect(),
            deposit_g_m2: deposit,
            healing_loss_share: loss_share,
            fresh_lab: lab3(fresh),
            healed_day: day + heal,
            healed_lab: lab3(healed),
            healed_loads_g_m2: healed_pools.iter().map(Pools::visible).collect(),
            delta_e,
            reached: delta_e <= req.reach_tolerance,
        });
    }
    advance(&mut pools, heal);
    let healed_day = day + heal;
    let final_loads: Vec<f64> = pools.iter().map(Pools::visible).collect();
    // The fading from the healed day, as `tinct schedule` predicts it.
    let fading = Model::new(setup(&final_loads, req.start_day_of_year + healed_day))?;
    let (schedule, fading_curve): (Schedule, _) = fading.schedule(
        req.horizon_days,
        req.touch_up_tolerance,
        crate::fade::simulate::Draw::default(),
        req.curve_every_days.map(|d| d.max(1)),
    );
    let first_touch_up = schedule.touch_ups.first().map(|t| {
        let total: f64 = t.deposit_g_m2.iter().sum();
        let shares: Vec<f64> = t.deposit_g_m2.iter().map(|d| d / total).collect();
        let tparts = parts_of(&shares, spec.parts);
        let n = shade_number(w0 / total - 1.0);
        let deposit_total = w0 / (1.0 + n);
        let tsum: f64 = tparts.iter().map(|&k| f64::from(k)).sum();
        TouchUpInk {
            day: healed_day + t.day,
            delta_e: t.delta_e,
            remaining: t.remaining.clone(),
            recipe: Ink {
                parts: pigments
                    .iter()
                    .zip(&tparts)
                    .filter(|(_, &k)| k > 0)
                    .map(|(p, &k)| Part {
                        pigment: p.id.clone(),
                        parts: k,
                    })
                    .collect(),
                diluent_parts: n,
            },
            deposit_g_m2: tparts
                .iter()
                .map(|&k| deposit_total * f64::from(k) / tsum)
                .collect(),
        }
    });
    let monte_carlo = if req.runs > 0 {
        let u = Uncertainty::default();
        let mc = fading.monte_carlo(
            req.horizon_days,
            req.touch_up_tolerance,
            req.runs,
            req.seed,
            &u,
            &|_| {},
        )?;
        let shift = |d: Option<f64>| d.map(|x| x + healed_day as f64);
        Some(TouchUpSpread {
            runs: mc.runs,
            seed: mc.seed,
            p10_day: shift(mc.p10_days),
            p50_day: shift(mc.p50_days),
            p90_day: shift(mc.p90_days),
            none_within_horizon: mc.none_within_horizon,
            from_healed: mc,
            uncertainty: u,
        })
    } else {
        None
    };
    let healed = fading.fresh_lab();
    let dose = fading.annual_dose_at_dot();
    let light = pigments
        .iter()
        .zip(&photo)
        .map(|(p, ph)| LightLoss {
            pigment: p.id.clone(),
            per_year: ph.map(|q| 1.0 - (-q.per_mlxh * dose).exp()),
        })
        .collect();
    Ok(Plan {
        target_lab: lab3(spec.target),
        recipe: PlannedRecipe {
            ink: ink(mixed.diluent_parts),
            loads_g_m2: recipe_loads,
            healed_lab: lab3(mixed.lab),
            delta_e: mixed.delta_e,
        },
        sessions_to_target: sessions.iter().find(|s| s.reached).map(|s| s.session),
        sessions,
        reach_tolerance: req.reach_tolerance,
        interval_days: req.interval_days,
        healed_day,
        healed_lab: lab3(healed),
        touch_ups: schedule
            .touch_ups
            .iter()
            .map(|t| healed_day + t.day)
            .collect(),
        first_touch_up_day: schedule.first_touch_up_day.map(|d| healed_day + d),
        first_touch_up,
        touch_up_tolerance: req.touch_up_tolerance,
        horizon_days: req.horizon_days,
        monte_carlo,
        light_not_modelled,
        annual_dose_at_dot_mlxh: dose,
        light,
        aftercare: req.aftercare.clone(),
        aftercare_advice: crate::fade::aftercare::ADVICE
            .iter()
            .map(|a| a.to_string())
            .collect(),
        kinetics,
        evaluations,
        fading_curve,
    })
}

// ---- the plan job: one request, one report (what `tinct plan --json` prints) ----

use crate::appearance::{DotSpec, PackagingReport, SkinSpec};
use crate::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
use crate::fade::exposure::DayDose;
use crate::fade::job::{
    aftercare_profile, check_runs, check_tolerance, day_of_year, days_of, exposure_profile,
    parse_grades, FadingSpec,
};
use crate::formulate::job::{AimSpec, PigmentChoice, SkinBrief, TargetReport};

/// Days between sessions from text: days (`21`, `21d`) or weeks (`3w`), 1 to 365 days.
///
/// # Errors
/// Anything else.
pub fn parse_interval(text: &str) -> Result<usize, InputError> {
    let t = text.trim().to_ascii_lowercase();
    let bad = || InputError::Malformed {
        field: "interval".into(),
        value: text.to_string(),
        expected: "days such as 21 or 21d, or weeks such as 3w".into(),
    };
    let (num, per) = if let Some(n) = t.strip_suffix('w') {
        (n, 7.0)
    } else {
        (t.strip_suffix('d').unwrap_or(&t), 1.0)
    };
    let v: f64 = num.trim().parse().map_err(|_| bad())?;
    let days = v * per;
    InputError::check_range("interval", days, 1.0, 365.0, "1 to 365 days")?;
    if days.fract() != 0.0 {
        return Err(bad());
    }
    Ok(days as usize)
}

fn default_sessions() -> usize {
    DEFAULT_SESSIONS
}
fn default_interval() -> String {
    format!("{DEFAULT_INTERVAL_DAYS}d")
}
fn default_reach() -> f64 {
    crate::formulate::DEFAULT_TOLERANCE
}
fn default_touch_up_tolerance() -> f64 {
    2.0
}
fn default_start() -> String {
    "01-01".into()
}
fn default_years() -> f64 {
    10.0
}
fn default_runs() -> usize {
    1000
}
fn default_seed() -> u64 {
    7
}
fn default_illuminant() -> String {
    "D65".into()
}
fn default_observer() -> String {
    "10".into()
}

/// `tinct plan` as one library call ([`plan_job`]): the command's flags as fields, with its
/// defaults.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Serialize)]
pub struct PlanRequest {
    #[serde(flatten)]
    pub skin: SkinSpec,
    #[serde(flatten)]
    pub dot: DotSpec,
    #[serde(flatten)]
    pub aim: AimSpec,
    #[serde(flatten)]
    pub choice: PigmentChoice,
    #[serde(flatten)]
    pub fading: FadingSpec,
    /// Sessions to build the dots in (ignored when `build` is given).
    #[serde(default = "default_sessions")]
    pub sessions: usize,
    /// Time between sessions: `21`, `21d` or `3w`.
    #[serde(default = "default_interval")]
    pub interval: String,
    /// The share of the recipe's healed pigment after each session, per cent (empty: Liu's
    /// ramp over `sessions`).
    #[serde(default)]
    pub build: Vec<f64>,
    /// How close (dE00) the healed dot must come to the target to reach it.
    #[serde(default = "default_reach")]
    pub tolerance: f64,
    /// A touch-up falls due when the dot has drifted this far (dE00) from its healed look.
    #[serde(default = "default_touch_up_tolerance")]
    pub touch_up_tolerance: f64,
    /// Date of the first session, `MM-DD`.
    #[serde(default = "default_start")]
    pub start: String,
    /// Years of fading to schedule touch-ups over.
    #[serde(default = "default_years")]
    pub years: f64,
    /// Monte Carlo runs over the uncertain fading inputs (0: none).
    #[serde(default = "default_runs")]
    pub runs: usize,
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default = "default_illuminant")]
    pub illuminant: String,
    #[serde(default = "default_observer")]
    pub observer: String,
    /// Also report the healed dot every this many days of its fading (`fading_curve`).
    #[serde(default)]
    pub curve_every_days: Option<usize>,
}

/// Where the dot sits, in a plan's report.
#[derive(Debug, Clone, Serialize)]
pub struct DotReport {
    pub diameter_mm: Option<f64>,
    pub depth_mm: f64,
    pub thickness_mm: f64,
    /// Whether the finite dot's fast model is corrected by the 3-D Monte Carlo's tables
    /// (`tinct::optics::dot_exact`), and where that correction comes from (null for a sheet).
    pub corrected: bool,
    pub correction: Option<String>,
}

/// What [`plan_job`] answers: exactly what `tinct plan --json` prints (the plan, then the
/// target, skin, dot and conditions it was made for).
#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    #[serde(flatten)]
    pub plan: Plan,
    pub target: TargetReport,
    pub skin: SkinBrief,
    pub dot: DotReport,
    pub packaging: PackagingReport,
    /// The sun profile's name.
    pub exposure: String,
    pub illuminant: &'static str,
    pub observer: u32,
    /// The year's light (for the text; not in the JSON).
    #[serde(skip)]
    pub annual: DayDose,
    #[serde(skip)]
    pub viewing: Viewing,
}

impl PlanReport {
    /// sRGB of a colour under the plan's viewing conditions.
    pub fn hex(&self, lab: [f64; 3]) -> String {
        WeightingTable::for_grid(self.viewing).srgb_hex(Lab::new(lab[0], lab[1], lab[2]))
    }
}

/// `tinct plan` as one call: the target built for the client, the recipe searched, the
/// sessions planned and healed, the fading scheduled with its touch-ups and Monte Carlo.
///
/// # Errors
/// [`PlanError::Input`] for bad input; [`PlanError::NoRecipe`] when no pigment brings the dot
/// closer to the target than the bare skin.
pub fn plan_job(
    req: &PlanRequest,
    catalog: &crate::pigment::Catalog,
) -> Result<PlanReport, PlanError> {
    let interval = parse_interval(&req.interval)?;
    InputError::check_range("tolerance", req.tolerance, 1e-9, 1e9, "a dE00 above 0")?;
    check_tolerance("touch-up-tolerance", req.touch_up_tolerance)?;
    let horizon = days_of("years", req.years)?;
    check_runs(req.runs)?;
    let build = if req.build.is_empty() {
        if !(1..=MAX_SESSIONS).contains(&req.sessions) {
            return Err(InputError::OutOfRange {
                field: "sessions".into(),
                value: req.sessions as f64,
                expected: format!("1 to {MAX_SESSIONS}"),
            }
            .into());
        }
        build_shares(req.sessions)
    } else {
        req.build.iter().map(|p| p / 100.0).collect()
    };
    let viewing = Viewing::new(
        req.illuminant.parse::<Illuminant>()?,
        req.observer.parse::<Observer>()?,
    );
    let table = WeightingTable::for_grid(viewing);
    let (catalog, ids) = req.choice.catalog(catalog)?;
    let pigments = PigmentChoice::chosen(&catalog, &ids)?;
    let grades = parse_grades(&catalog, &req.fading.lightfastness)?;
    let (photo, _) = crate::fade::kinetics::of_pigments(&catalog, &grades, &pigments)?;
    let skin = req.skin.resolve(table)?;
    let skin_lab = table.lab(&skin.optics.reflectance());
    let aim = req.aim.aim(&req.skin, table)?;
    let crate::formulate::target::Target {
        lab: target,
        what,
        dot_skin,
        built,
        ..
    } = crate::formulate::target::build(&skin.optics, &aim, table)?;
    let site = req.dot.site(&dot_skin)?;
    let profile = exposure_profile(&req.fading.exposure)?;
    let sun = crate::fade::exposure::year(&profile)?;
    let aftercare = aftercare_profile(&req.fading.aftercare)?;
    let inputs = PlanInputs {
        spec: MatchSpec {
            site: &site,
            table,
            target,
            pigments: pigments.clone(),
            max_pigments: req.choice.max_pigments,
            parts: req.choice.parts,
            deposition: crate::pigment::Deposition::default(),
        },
        build,
        interval_days: interval,
        reach_tolerance: req.tolerance,
        kinetics: req.fading.kinetics(),
        aftercare,
        photo: pigments
            .iter()
            .map(|p| p.id.clone())
            .zip(photo.iter().copied())
            .collect(),
        year: &sun,
        start_day_of_year: day_of_year(&req.start)?,
        uv_acceleration: req.fading.uv_acceleration()?,
        touch_up_tolerance: req.touch_up_tolerance,
        horizon_days: horizon,
        runs: req.runs,
        seed: req.seed,
        curve_every_days: req.curve_every_days,
    };
    let plan = plan(&inputs)?;
    let (parameters, fit) = crate::appearance::skin_json(&skin);
    let packaging = site.packaging();
    Ok(PlanReport {
        target: TargetReport {
            lab: plan.target_lab,
            what,
            built,
            srgb: table.srgb_hex(target),
        },
        skin: SkinBrief {
            lab: [skin_lab.l, skin_lab.a, skin_lab.b],
            source: skin.description.clone(),
            parameters,
            fit,
            srgb: table.srgb_hex(skin_lab),
        },
        dot: DotReport {
            diameter_mm: site.dot_diameter_mm(),
            depth_mm: req.dot.depth_mm,
            thickness_mm: req.dot.thickness_mm,
            corrected: site.dot_corrected(),
            correction: site.dot_correction().map(str::to_string),
        },
        packaging: PackagingReport {
            cluster_um: packaging.cluster_um,
            fill: packaging.fill,
        },
        exposure: profile.name.clone(),
        illuminant: viewing.illuminant.name(),
        observer: viewing.observer.degrees(),
        annual: sun.total(),
        viewing,
        plan,
    })
}
