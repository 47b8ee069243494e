//! The dot over the years: loads from the kinetics, colour from the optics, touch-ups when the
//! colour has drifted past a tolerance, and a Monte Carlo over what is uncertain.
//!
//! Day 0 is the freshly healed dot; its colour is the reference every later colour is compared
//! with (CIEDE2000). A touch-up restores each pigment: it deposits what heals back to the
//! day-0 load ([`Kinetics::deposit_for`] of the missing load), and that deposit goes through
//! its own healing loss. The tolerance is not checked while a session heals
//! ([`Kinetics::healing_days`]).
//!
//! # Light at the pigment
//! The daylight of [`exposure`](super::exposure) reaches the pigment through the epidermis and
//! the dermis above the dot. [`DotSite::fluence`] gives the light at the dot per band; tinct
//! weights it by the D65 daylight spectrum over 400-780 nm for the visible part and over
//! 360-390 nm for the ultraviolet part that the skin model covers. The photodegradation dose of
//! a day, in UV-free Mlx h at the pigment, is
//!
//! dose = H T_vis + (A - 1) H_uv T_uv,
//!
//! with H the day's daylight on the skin, H_uv the same with the sunscreen's UVA protection
//! applied, and A = [`UV_ACCELERATION`] how much faster colourants fade in daylight that keeps
//! its ultraviolet than in the same illuminance without it.
//!
//! # Touch-up search
//! Between sessions the loads only fall, and the colour moves steadily away from the fresh
//! look, so the first day past the tolerance is found by checking every [`STRIDE_DAYS`] days
//! and bisecting inside the stride where it is first exceeded: about 130 colour evaluations
//! for ten years instead of 3650. A colour that crossed the tolerance and came back within
//! one stride would be missed; between sessions that does not happen.

use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

use crate::appearance::Component;
use crate::colorimetry::spaces::xyz_to_lab;
use crate::colorimetry::{Illuminant, Lab, WeightingTable, Xyz};
use crate::difference::ciede2000;
use crate::error::InputError;
use crate::optics::skin::DotSite;
use crate::optics::tissue::Bands;
use crate::spectrum::GRID_LEN;

use super::exposure::{Year, DAYS_PER_YEAR};
use super::kinetics::{Kinetics, Photodegradation, Pools, Rates};

/// How much faster colourants fade in daylight with its ultraviolet than in the same
/// illuminance without it: 3. Removing all UV from sunlight through window glass "would reduce
/// the rate of fading by a factor of about three" for most fabrics (National Bureau of Standards
/// work of the early 1950s for the protection of the Declaration of Independence, as reported
/// by glassonweb.com, 2014; secondary). Under museum lighting UV "usually contributes less than
/// half of the fading and often only one tenth" (Michalski, Canadian Conservation Institute,
/// "Light, ultraviolet and infrared"), i.e. a factor of 1.1 to 2, but that light holds far less
/// UV than the sun. Direct sun holds more UV than window light, so 3 may be low. Adjustable.
pub const UV_ACCELERATION: f64 = 3.0;

/// Days between tolerance checks in the touch-up search (see the module docs).
pub const STRIDE_DAYS: usize = 30;

/// Step of the [`ShareGrid`], in share of a pigment's day-0 load.
pub const GRID_STEP: f64 = 0.02;

/// Most pigments the [`ShareGrid`] takes (recipes have at most 4).
const GRID_MAX_PIGMENTS: usize = 4;

/// The coarse colour (XYZ) of the dot on a grid of each pigment's visible load as a share of
/// its day-0 load, step [`GRID_STEP`], filled lazily and shared by the Monte Carlo's runs.
///
/// A run's colour depends on the loads alone, and the runs' loads all move through the same
/// small region (from the day-0 loads down to the touch-up's, about a fifth less), so a few
/// hundred grid nodes serve a thousand runs that would otherwise solve the transport 150
/// times each. Between nodes the XYZ is interpolated multilinearly: the colour is smooth in the
/// loads, and at a step of 0.02 the interpolation moves the dE00 that decides a touch-up by
/// at most a few thousandths (tests/fading.rs, `monte_carlo_grid_matches_the_direct_colour`).
/// Each node's value does not depend on which run or thread computed it first, so the Monte
/// Carlo stays the same on any number of threads.
#[derive(Debug, Default)]
pub struct ShareGrid {
    nodes: std::sync::RwLock<std::collections::HashMap<u64, Xyz>>,
}

impl ShareGrid {
    fn get_or_insert(&self, key: u64, make: impl FnOnce() -> Xyz) -> Xyz {
        if let Some(v) = self
            .nodes
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
        {
            return *v;
        }
        let v = make();
        *self
            .nodes
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(key)
            .or_insert(v)
    }

    /// Nodes computed so far.
    pub fn len(&self) -> usize {
        self.nodes
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    /// Whether no node has been computed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Everything a simulation needs.
#[derive(Debug, Clone)]
pub struct Setup<'a> {
    /// The dot's site in the client's skin.
    pub site: &'a DotSite,
    /// Illuminant and observer of the colours.
    pub table: &'a WeightingTable,
    /// The pigments and their freshly healed loads, g/m^2.
    pub components: Vec<Component<'a>>,
    /// Each pigment's photodegradation, `None` where its light fastness is unknown.
    pub photo: Vec<Option<Photodegradation>>,
    pub kinetics: Kinetics,
    /// The client's year of daylight.
    pub year: &'a Year,
    /// Day of the year of day 0 (0 = 1 January).
    pub start_day_of_year: usize,
    /// The colour aimed at, when there is one.
    pub target: Option<Lab>,
    /// How much faster fading is with UV than without (see the module docs).
    pub uv_acceleration: f64,
}

/// Light at the dot relative to the light on the skin: (visible, ultraviolet), weighted by D65.
pub fn light_at_dot(site: &DotSite) -> (f64, f64) {
    let f: Bands = site.fluence();
    let d65 = crate::colorimetry::illuminant_at_grid(Illuminant::D65);
    let (mut vis, mut vis_w, mut uv, mut uv_w) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..GRID_LEN {
        let nm = 360 + 10 * i;
        if nm >= 400 {
            vis += d65[i] * f[i];
            vis_w += d65[i];
        } else {
            uv += d65[i] * f[i];
            uv_w += d65[i];
        }
    }
    (vis / vis_w, uv / uv_w)
}

/// One day of a simulated dot.
#[derive(Debug, Clone, Serialize)]
pub struct Sample {
    pub day: usize,
    pub lab: [f64; 3],
    /// CIEDE2000 from the freshly healed look.
    pub delta_e: f64,
    /// CIEDE2000 from the target, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta_e_target: Option<f64>,
    /// Visible (dermal) load of each pigment, g/m^2, in the order of the recipe.
    pub loads: Vec<f64>,
}

/// A touch-up session.
#[derive(Debug, Clone, Serialize)]
pub struct TouchUp {
    pub day: usize,
    /// CIEDE2000 from the fresh look on the day it fell due.
    pub delta_e: f64,
    /// Share of each pigment's day-0 load still there that day.
    pub remaining: Vec<f64>,
    /// Deposit of each pigment, g/m^2, that heals back to the day-0 load.
    pub deposit_g_m2: Vec<f64>,
}

/// A touch-up plan.
#[derive(Debug, Clone, Serialize)]
pub struct Schedule {
    pub touch_ups: Vec<TouchUp>,
    pub first_touch_up_day: Option<usize>,
    pub days: usize,
}

/// What a Monte Carlo run draws (see [`Uncertainty`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Draw {
    /// Multiplies every day's light.
    pub exposure: f64,
    /// Added to every pigment's Blue Wool grade.
    pub grade_offset: f64,
    /// Multiplies the slow clearance rate.
    pub clearance: f64,
}

impl Default for Draw {
    fn default() -> Self {
        Draw {
            exposure: 1.0,
            grade_offset: 0.0,
            clearance: 1.0,
        }
    }
}

/// A prepared simulation.
#[derive(Debug, Clone)]
pub struct Model<'a> {
    setup: Setup<'a>,
    rates: Rates,
    /// Per day of the year: photodegradation dose at the pigment, Mlx h (UV-free equivalent).
    dose: Vec<f64>,
    fresh_lab: Lab,
    fresh_lab_coarse: Lab,
    loads0: Vec<f64>,
    /// The coarse colour on a grid of remaining shares, filled as the Monte Carlo needs it.
    grid: std::sync::Arc<ShareGrid>,
    visible_share: f64,
    uv_share: f64,
}

impl<'a> Model<'a> {
    /// Prepares a simulation.
    ///
    /// # Errors
    /// No pigment, a negative load, a kinetic parameter out of range, or photodegradation
    /// entries that do not match the pigments.
    pub fn new(setup: Setup<'a>) -> Result<Model<'a>, InputError> {
        setup.kinetics.validate()?;
        if setup.components.is_empty() {
            return Err(InputError::Invalid {
                field: "recipe".into(),
                message: "no pigment".into(),
            });
        }
        if setup.photo.len() != setup.components.len() {
            return Err(InputError::Invalid {
                field: "photodegradation".into(),
                message: "one entry per pigment".into(),
            });
        }
        if setup.year.days.len() != DAYS_PER_YEAR {
            return Err(InputError::Invalid {
                field: "exposure".into(),
                message: format!("{} days, expected {DAYS_PER_YEAR}", setup.year.days.len()),
            });
        }
        if !(setup.uv_acceleration.is_finite() && setup.uv_acceleration >= 1.0) {
            return Err(InputError::OutOfRange {
                field: "uv acceleration".into(),
                value: setup.uv_acceleration,
                expected: "at least 1".into(),
            });
        }
        let loads0: Vec<f64> = setup.components.iter().map(|c| c.load_g_m2).collect();
        let (visible_share, uv_share) = light_at_dot(setup.site);
        let a = setup.uv_acceleration;
        let dose = setup
            .year
            .days
            .iter()
            .map(|d| {
                d.scalp_daylight_mlxh * visible_share
                    + (a - 1.0) * d.scalp_daylight_uv_mlxh * uv_share
            })
            .collect();
        let rates = Rates::new(&setup.kinetics);
        let mut m = Model {
            setup,
            rates,
            dose,
            fresh_lab: Lab::new(0.0, 0.0, 0.0),
            fresh_lab_coarse: Lab::new(0.0, 0.0, 0.0),
            loads0,
            grid: std::sync::Arc::default(),
            visible_share,
            uv_share,
        };
        let pools: Vec<Pools> = m.loads0.iter().map(|&w| Pools::healed(w)).collect();
        m.fresh_lab = m.dermal_lab(&pools)?;
        m.fresh_lab_coarse = m.lab_with(&pools, true, false)?;
        Ok(m)
    }

    /// The freshly healed colour.
    pub fn fresh_lab(&self) -> Lab {
        self.fresh_lab
    }

    /// Light at the dot relative to the skin's surface: (visible, ultraviolet).
    pub fn light_at_dot(&self) -> (f64, f64) {
        (self.visible_share, self.uv_share)
    }

    /// Photodegradation dose at the pigment over a year without draws, Mlx h.
    pub fn annual_dose_at_dot(&self) -> f64 {
        self.dose.iter().sum()
    }

    /// Colour of the dot holding `pools`, the pigment still in the epidermis over it included
    /// (the look on that day).
    ///
    /// # Errors
    /// Never for pools made by this model; kept for a non-finite load.
    pub fn lab(&self, pools: &[Pools]) -> Result<Lab, InputError> {
        self.lab_with(pools, false, true)
    }

    /// Colour of the dot holding the dermal pigment of `pools` alone: the look that stays once
    /// the epidermis has shed what a session left in it. Touch-ups are judged by it (pigment on
    /// its way out of the epidermis makes no touch-up due).
    ///
    /// # Errors
    /// Never for pools made by this model; kept for a non-finite load.
    pub fn dermal_lab(&self, pools: &[Pools]) -> Result<Lab, InputError> {
        self.lab_with(pools, false, false)
    }

    /// The colour by the full transport solution, or by the coarse one
    /// ([`DotSite::reflectance_coarse`]) that the Monte Carlo uses; with the epidermal pigment
    /// or without it.
    fn lab_with(&self, pools: &[Pools], coarse: bool, epidermis: bool) -> Result<Lab, InputError> {
        let mut dot = crate::optics::skin::DotPigment::none();
        let mut epidermal = crate::optics::skin::DotPigment::none();
        for (c, p) in self.setup.components.iter().zip(pools) {
            crate::appearance::add_pigment(&mut dot, c.pigment, p.visible());
            if epidermis {
                crate::appearance::add_pigment(&mut epidermal, c.pigment, p.epidermal);
            }
        }
        let r = self
            .setup
            .site
            .reflectance_with_epidermal(&dot, &epidermal, coarse)?;
        Ok(self.setup.table.lab(&r))
    }

    /// XYZ of the coarse solution with each pigment's visible load at `share` of its day-0 load.
    fn coarse_xyz_at(&self, share: &[f64]) -> Result<Xyz, InputError> {
        let mut dot = crate::optics::skin::DotPigment::none();
        for ((c, &w), &s) in self.setup.components.iter().zip(&self.loads0).zip(share) {
            crate::appearance::add_pigment(&mut dot, c.pigment, w * s);
        }
        Ok(self
            .setup
            .table
            .xyz(&self.setup.site.reflectance_coarse(&dot)?))
    }

    /// The coarse colour of the dermal pigment of `pools` interpolated on the [`ShareGrid`], or
    /// `None` where a pigment without a day-0 load has come back (not on the grid).
    fn coarse_lab_on_grid(&self, pools: &[Pools]) -> Option<Lab> {
        let k = pools.len();
        if k > GRID_MAX_PIGMENTS {
            return None;
        }
        let mut cell = [0u32; GRID_MAX_PIGMENTS];
        let mut frac = [0.0; GRID_MAX_PIGMENTS];
        for (j, (p, &w)) in pools.iter().zip(&self.loads0).enumerate() {
            let v = p.visible();
            if w > 0.0 {
                let x = (v / w).max(0.0) / GRID_STEP;
                if x.is_nan() || x >= f64::from(u16::MAX - 1) {
                    return None;
                }
                cell[j] = x.floor() as u32;
                frac[j] = x - x.floor();
            } else if v > 0.0 {
                return None;
            }
        }
        let (mut x, mut y, mut z) = (0.0, 0.0, 0.0);
        for corner in 0..1usize << k {
            let mut weight = 1.0;
            let mut key = 0u64;
            let mut share = [0.0; GRID_MAX_PIGMENTS];
            for j in 0..k {
                let up = (corner >> j) & 1 == 1;
                let f = if up { frac[j] } else { 1.0 - frac[j] };
                weight *= f;
                let node = cell[j] + u32::from(up);
                key |= u64::from(node) << (16 * j);
                share[j] = f64::from(node) * GRID_STEP;
            }
            if weight == 0.0 {
                continue;
            }
            let xyz = self.grid.get_or_insert(key, || {
                self.coarse_xyz_at(&share[..k]).expect("finite loads")
            });
            x += weight * xyz.x;
            y += weight * xyz.y;
            z += weight * xyz.z;
        }
        Some(xyz_to_lab(Xyz::new(x, y, z), self.setup.table.white()))
    }

    /// dE00 from the fresh look, both colours from the same solution (full or coarse; the
    /// coarse one interpolated on the [`ShareGrid`]).
    fn delta_e(&self, pools: &[Pools], coarse: bool) -> f64 {
        let grid = if coarse {
            self.coarse_lab_on_grid(pools)
        } else {
            None
        };
        let lab = match grid {
            Some(lab) => lab,
            None => self.lab_with(pools, coarse, false).expect("finite loads"),
        };
        let fresh = if coarse {
            self.fresh_lab_coarse
        } else {
            self.fresh_lab
        };
        ciede2000(fresh, lab, 1.0, 1.0, 1.0)
    }

    /// Per pigment, the photodegradation rate per day for each day of the year.
    fn photo_rates(&self, draw: Draw) -> Vec<Vec<f64>> {
        self.setup
            .photo
            .iter()
            .map(|p| match p {
                None => vec![0.0; DAYS_PER_YEAR],
                Some(p) => {
                    let q = if draw.grade_offset == 0.0 {
                        *p
                    } else {
                        Photodegradation::new(
                            (p.blue_wool + draw.grade_offset).clamp(1.0, 8.0),
                            p.share_at_grey_scale_4,
                        )
                    };
                    self.dose
                        .iter()
                        .map(|d| q.per_mlxh * d * draw.exposure)
                        .collect()
                }
            })
            .collect()
    }

    fn step(&self, rates: &Rates, pools: &mut [Pools], day: usize, photo: &[Vec<f64>]) {
        let doy = (self.setup.start_day_of_year + day) % DAYS_PER_YEAR;
        for (p, light) in pools.iter_mut().zip(photo) {
            rates.step(p, light[doy]);
        }
    }

    fn sample(&self, day: usize, pools: &[Pools]) -> Sample {
        let lab = self.lab(pools).expect("finite loads");
        Sample {
            day,
            lab: [lab.l, lab.a, lab.b],
            delta_e: ciede2000(self.fresh_lab, lab, 1.0, 1.0, 1.0),
            delta_e_target: self.setup.target.map(|t| ciede2000(t, lab, 1.0, 1.0, 1.0)),
            loads: pools.iter().map(Pools::visible).collect(),
        }
    }

    /// The dot day by day for `days` days without touch-ups (day 0 included).
    pub fn fade(&self, days: usize) -> Vec<Sample> {
        self.fade_every(days, 1)
    }

    /// The dot every `every` days (and on the last day) for `days` days without touch-ups.
    pub fn fade_every(&self, days: usize, every: usize) -> Vec<Sample> {
        let every = every.max(1);
        let photo = self.photo_rates(Draw::default());
        let mut pools: Vec<Pools> = self.loads0.iter().map(|&w| Pools::healed(w)).collect();
        // The kinetics day by day (cheap, in order), then the colours on all cores.
        let mut states = Vec::with_capacity(days / every + 2);
        states.push((0, pools.clone()));
        for day in 0..days {
            self.step(&self.rates, &mut pools, day, &photo);
            if (day + 1) % every == 0 || day + 1 == days {
                states.push((day + 1, pools.clone()));
            }
        }
        states
            .par_iter()
            .with_min_len(64)
            .map(|(day, p)| self.sample(*day, p))
            .collect()
    }

    /// Touch-ups over `days` days at `tolerance` dE00 from the fresh look. With `every` set,
    /// also the dot every that many days (for plots).
    pub fn schedule(
        &self,
        days: usize,
        tolerance: f64,
        draw: Draw,
        every: Option<usize>,
    ) -> (Schedule, Vec<Sample>) {
        self.schedule_with(days, tolerance, draw, every, false)
    }

    /// [`Model::schedule`], its tolerance checked on the full or, with `coarse`, on the coarse
    /// solution ([`DotSite::reflectance_coarse`]) as the Monte Carlo does.
    pub fn schedule_with(
        &self,
        days: usize,
        tolerance: f64,
        draw: Draw,
        every: Option<usize>,
        coarse: bool,
    ) -> (Schedule, Vec<Sample>) {
        let photo = self.photo_rates(draw);
        let rates = self.rates.with_clearance_scaled(draw.clearance);
        let mut pools: Vec<Pools> = self.loads0.iter().map(|&w| Pools::healed(w)).collect();
        let heal = self.setup.kinetics.healing_days.ceil() as usize;
        let mut touch_ups = Vec::new();
        let mut samples = Vec::new();
        let mut day = 0;
        let mut check_from = 0;
        // States of the days inside the current stride, for bisection and samples.
        let mut stride: Vec<Vec<Pools>> = Vec::with_capacity(STRIDE_DAYS + 1);
        while day < days {
            // Walk one stride (or to the next check day while healing).
            let end = if day < check_from {
                check_from.min(days)
            } else {
                (day + STRIDE_DAYS).min(days)
            };
            stride.clear();
            stride.push(pools.clone());
            for d in day..end {
                self.step(&rates, &mut pools, d, &photo);
                stride.push(pools.clone());
            }
            let start = day;
            if let Some(e) = every {
                for (k, p) in stride.iter().enumerate().skip(1) {
                    if (start + k) % e == 0 {
                        samples.push(self.sample(start + k, p));
                    }
                }
                if start == 0 {
                    samples.insert(0, self.sample(0, &stride[0]));
                }
            }
            day = end;
            if day < check_from || self.delta_e(&pools, coarse) <= tolerance {
                continue;
            }
            // First day in (start, end] past the tolerance. A stride that ended a session's
            // healing is not searched: the tolerance only counts from the end of healing, so the
            // touch-up falls due that day.
            let (mut lo, mut hi) = (0, stride.len() - 1);
            if start < check_from {
                lo = hi;
            }
            while hi - lo > 1 {
                let mid = (lo + hi) / 2;
                if self.delta_e(&stride[mid], coarse) > tolerance {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            let due = start + hi;
            let mut at = stride[hi].clone();
            let delta_e = self.delta_e(&at, coarse);
            let remaining: Vec<f64> = at
                .iter()
                .zip(&self.loads0)
                .map(|(p, &w)| if w > 0.0 { p.visible() / w } else { 1.0 })
                .collect();
            let deposit: Vec<f64> = at
                .iter()
                .zip(&self.loads0)
                .map(|(p, &w)| self.setup.kinetics.deposit_for((w - p.visible()).max(0.0)))
                .collect();
            for (p, &d) in at.iter_mut().zip(&deposit) {
                p.deposit(d, &self.setup.kinetics);
            }
            // Samples past the touch-up belong to the untouched dot: drop them.
            samples.retain(|s| s.day <= due);
            touch_ups.push(TouchUp {
                day: due,
                delta_e,
                remaining,
                deposit_g_m2: deposit,
            });
            pools = at;
            day = due;
            check_from = due + heal;
        }
        let first = touch_ups.first().map(|t| t.day);
        (
            Schedule {
                touch_ups,
                first_touch_up_day: first,
                days,
            },
            samples,
        )
    }
}

/// The spread of the uncertain inputs in a Monte Carlo schedule.
///
/// - Exposure: the light a person gets varies widely around what a profile describes. Danish
///   indoor workers received a median 133 SED over a summer half-year, range 69-363 (Thieden
///   et al. 2006, Br. J. Dermatol. 154; abstract). Read as a 95 % interval of a log-normal
///   spread this gives sigma = ln(363 / 69) / (2 x 1.96) = 0.42, the default.
/// - Light fastness: Blue Wool ratings are stated to the nearest half grade, so the grade is
///   drawn uniformly within +-0.5 of its stated value (one draw for all pigments of a run).
/// - Slow clearance: log-normal around the rate given, with
///   [`super::kinetics::CLEARANCE_SIGMA_LN`] (the spread of SMP clinics' touch-up intervals).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Uncertainty {
    pub exposure_sigma_ln: f64,
    pub grade_half_width: f64,
    pub clearance_sigma_ln: f64,
}

impl Default for Uncertainty {
    fn default() -> Self {
        Uncertainty {
            exposure_sigma_ln: (363.0f64 / 69.0).ln() / (2.0 * 1.96),
            grade_half_width: 0.5,
            clearance_sigma_ln: super::kinetics::CLEARANCE_SIGMA_LN,
        }
    }
}

/// Percentiles of a Monte Carlo schedule. A day of `None` means later than the horizon.
#[derive(Debug, Clone, Serialize)]
pub struct MonteCarlo {
    pub runs: usize,
    pub seed: u64,
    pub p10_days: Option<f64>,
    pub p50_days: Option<f64>,
    pub p90_days: Option<f64>,
    /// Share of runs with no touch-up within the horizon.
    pub none_within_horizon: f64,
    pub touch_ups_per_year_p10: f64,
    pub touch_ups_per_year_p50: f64,
    pub touch_ups_per_year_p90: f64,
}

/// The draw of run `run` of a Monte Carlo seeded with `seed`: the same on any number of
/// threads.
pub fn draw(seed: u64, run: usize, u: &Uncertainty) -> Draw {
    let mut rng =
        rand::rngs::StdRng::seed_from_u64(seed ^ (run as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let z: f64 = rng.sample(rand_distr::StandardNormal);
    let g: f64 = rng.random_range(-1.0..=1.0);
    let c: f64 = rng.sample(rand_distr::StandardNormal);
    Draw {
        exposure: (u.exposure_sigma_ln * z).exp(),
        grade_offset: g * u.grade_half_width,
        clearance: (u.clearance_sigma_ln * c).exp(),
    }
}

/// Percentile `p` (0..1) of sorted values by linear interpolation between order statistics;
/// infinite values stand for "beyond the horizon".
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let pos = p * (sorted.len() - 1) as f64;
    let (i, f) = (pos.floor() as usize, pos.fract());
    if i + 1 >= sorted.len() {
        return sorted[sorted.len() - 1];
    }
    let (a, b) = (sorted[i], sorted[i + 1]);
    if f == 0.0 {
        a
    } else if a.is_infinite() || b.is_infinite() {
        f64::INFINITY
    } else {
        a + f * (b - a)
    }
}

impl Model<'_> {
    /// A Monte Carlo over [`Uncertainty`]: `runs` schedules, in parallel, deterministic for a
    /// seed. `progress` is called with the number of runs done so far (from any thread).
    ///
    /// # Errors
    /// Zero runs.
    pub fn monte_carlo(
        &self,
        days: usize,
        tolerance: f64,
        runs: usize,
        seed: u64,
        u: &Uncertainty,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<MonteCarlo, InputError> {
        if runs == 0 {
            return Err(InputError::OutOfRange {
                field: "runs".into(),
                value: 0.0,
                expected: "at least 1".into(),
            });
        }
        let done = std::sync::atomic::AtomicUsize::new(0);
        let results: Vec<(f64, f64)> = (0..runs)
            .into_par_iter()
            .map(|run| {
                // The Monte Carlo checks the tolerance on the coarse solution, ten times less
                // work; its answers are percentiles of days over draws whose own spread is far
                // wider than the coarse solution's difference (tests/fading.rs bounds it).
                let (s, _) = self.schedule_with(days, tolerance, draw(seed, run, u), None, true);
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n.is_multiple_of(64) || n == runs {
                    progress(n);
                }
                let first = s.first_touch_up_day.map_or(f64::INFINITY, |d| d as f64);
                let per_year = s.touch_ups.len() as f64 / (days as f64 / 365.25);
                (first, per_year)
            })
            .collect();
        let mut first: Vec<f64> = results.iter().map(|r| r.0).collect();
        let mut rate: Vec<f64> = results.iter().map(|r| r.1).collect();
        first.sort_by(f64::total_cmp);
        rate.sort_by(f64::total_cmp);
        let finite = |v: f64| v.is_finite().then_some(v);
        Ok(MonteCarlo {
            runs,
            seed,
            p10_days: finite(percentile(&first, 0.1)),
            p50_days: finite(percentile(&first, 0.5)),
            p90_days: finite(percentile(&first, 0.9)),
            none_within_horizon: first.iter().filter(|v| v.is_infinite()).count() as f64
                / runs as f64,
            touch_ups_per_year_p10: percentile(&rate, 0.1),
            touch_ups_per_year_p50: percentile(&rate, 0.5),
            touch_ups_per_year_p90: percentile(&rate, 0.9),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::colorimetry::{Observer, Viewing};
    use crate::optics::skin::{
        SkinOptics, SkinParams, DEFAULT_DOT_DEPTH_MM, DEFAULT_DOT_DIAMETER_MM,
        DEFAULT_DOT_THICKNESS_MM,
    };
    use crate::pigment::Catalog;

    #[test]
    fn monte_carlo_grid_matches_the_direct_colour() {
        // The Monte Carlo's interpolated coarse colour against the coarse solution itself, over
        // loads from the day-0 ones down to well past a touch-up, for a two- and a
        // three-pigment recipe at the default dot.
        let table = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
        let skin = SkinOptics::new(SkinParams::fitzpatrick("II").unwrap()).unwrap();
        let site = skin
            .site(DEFAULT_DOT_DEPTH_MM, DEFAULT_DOT_THICKNESS_MM)
            .unwrap()
            .with_dot_diameter(DEFAULT_DOT_DIAMETER_MM)
            .unwrap();
        let year = super::super::exposure::year(&super::super::exposure::preset("mixed").unwrap())
            .unwrap();
        let c = Catalog::builtin();
        let p = |id: &str| c.get(id).unwrap();
        let recipes: [Vec<(&str, f64)>; 2] = [
            vec![("carbon-black", 15.2), ("iron-oxide-red", 1.7)],
            vec![
                ("carbon-black", 1.0),
                ("iron-oxide-red", 3.0),
                ("titanium-dioxide", 2.0),
            ],
        ];
        let mut worst: f64 = 0.0;
        for r in recipes {
            let m = Model::new(Setup {
                site: &site,
                table,
                components: r
                    .iter()
                    .map(|(id, w)| Component {
                        pigment: p(id),
                        load_g_m2: *w,
                    })
                    .collect(),
                photo: vec![None; r.len()],
                kinetics: Kinetics::default(),
                year: &year,
                start_day_of_year: 0,
                target: None,
                uv_acceleration: UV_ACCELERATION,
            })
            .unwrap();
            let mut seed = 17u64;
            let mut next = || {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (seed >> 11) as f64 / (1u64 << 53) as f64
            };
            for _ in 0..40 {
                let pools: Vec<Pools> = r
                    .iter()
                    .map(|(_, w)| Pools::healed(w * (0.55 + 0.5 * next())))
                    .collect();
                let grid = m.coarse_lab_on_grid(&pools).unwrap();
                let direct = m.lab_with(&pools, true, false).unwrap();
                let (a, b) = (
                    ciede2000(m.fresh_lab_coarse, grid, 1.0, 1.0, 1.0),
                    ciede2000(m.fresh_lab_coarse, direct, 1.0, 1.0, 1.0),
                );
                worst = worst.max((a - b).abs());
            }
        }
        eprintln!("largest dE00 difference {worst}");
        assert!(worst < 0.01, "largest dE00 difference {worst}");
    }
}
