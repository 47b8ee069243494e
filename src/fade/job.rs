//! `tinct fade` and `tinct schedule` as one library call each: a [`FadeRequest`] or
//! [`ScheduleRequest`] (the commands' flags as fields, with their defaults) in, a
//! [`FadeReport`] or [`ScheduleReport`] (exactly what `--json` prints) out. Also the flag
//! parsers every fading job shares ([`FadingSpec`], [`day_of_year`], [`days_of`],
//! [`parse_grades`]) and [`Durability`], the fading behind `tinct match --years`.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::aftercare::Aftercare;
use super::exposure::{year, DayDose, Profile, Year};
use super::kinetics::{Kinetics, Photodegradation};
use super::simulate::{
    Draw, Model, MonteCarlo, Sample, Setup, TouchUp, Uncertainty, UV_ACCELERATION,
};
use crate::appearance::{Component, DotSpec, PackagingReport, PigmentLoad, SkinSpec};
use crate::colorimetry::text::ColourText;
use crate::colorimetry::{Illuminant, Lab, Observer, Viewing, WeightingTable};
use crate::optics::skin::DotSite;
use crate::pigment::{Catalog, Pigment};
use crate::InputError;

/// Most Monte Carlo runs `schedule` and `plan` take (each is a ten-year schedule; 100,000
/// take about 20 s on two cores).
pub const MAX_RUNS: usize = 100_000;

/// Monte Carlo runs, bounded by [`MAX_RUNS`].
///
/// # Errors
/// More than [`MAX_RUNS`].
pub fn check_runs(runs: usize) -> Result<(), InputError> {
    if runs > MAX_RUNS {
        return Err(InputError::OutOfRange {
            field: "runs".into(),
            value: runs as f64,
            expected: format!("0 to {MAX_RUNS}"),
        });
    }
    Ok(())
}

/// A date `MM-DD` as the day of the year from 0 (1 January), in a year of 365 days.
///
/// # Errors
/// Anything else, or a day the month does not have.
pub fn day_of_year(text: &str) -> Result<usize, InputError> {
    const DAYS: [usize; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let bad = || InputError::Malformed {
        field: "start".into(),
        value: text.to_string(),
        expected: "a date MM-DD such as 06-21".into(),
    };
    let (m, d) = text.trim().split_once('-').ok_or_else(bad)?;
    let m: usize = m.parse().map_err(|_| bad())?;
    let d: usize = d.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&m) || d == 0 || d > DAYS[m - 1] {
        return Err(bad());
    }
    Ok(DAYS[..m - 1].iter().sum::<usize>() + d - 1)
}

/// Years as whole days (at least one).
///
/// # Errors
/// Not above 0 and at most 100.
pub fn days_of(field: &str, years: f64) -> Result<usize, InputError> {
    if !(years.is_finite() && years > 0.0 && years <= 100.0) {
        return Err(InputError::OutOfRange {
            field: field.into(),
            value: years,
            expected: "above 0 and at most 100 years".into(),
        });
    }
    Ok((years * 365.25).round().max(1.0) as usize)
}

/// A dE00 tolerance, above 0.
///
/// # Errors
/// Zero, negative or not finite.
pub fn check_tolerance(field: &str, t: f64) -> Result<(), InputError> {
    if t.is_finite() && t > 0.0 {
        Ok(())
    } else {
        Err(InputError::OutOfRange {
            field: field.into(),
            value: t,
            expected: "a dE00 above 0".into(),
        })
    }
}

/// `ID=GRADE` light fastness specs (Blue Wool 1-8), ids resolved in the catalog.
///
/// # Errors
/// A spec without `=`, a grade that is not a number from 1 to 8, an unknown pigment.
pub fn parse_grades(catalog: &Catalog, specs: &[String]) -> Result<Vec<(String, f64)>, InputError> {
    let mut grades: Vec<(String, f64)> = Vec::new();
    for spec in specs {
        let (id, g) = spec.split_once('=').ok_or_else(|| InputError::Malformed {
            field: "lightfastness".into(),
            value: spec.clone(),
            expected: "ID=GRADE such as carbon-black=8".into(),
        })?;
        let grade: f64 = g.trim().parse().map_err(|_| InputError::Malformed {
            field: format!("lightfastness of {id}"),
            value: g.to_string(),
            expected: "a Blue Wool grade from 1 to 8".into(),
        })?;
        if !(1.0..=8.0).contains(&grade) {
            return Err(InputError::OutOfRange {
                field: format!("lightfastness of {id}"),
                value: grade,
                expected: "a Blue Wool grade from 1 to 8".into(),
            });
        }
        let p = catalog.get(id).map_err(|e| e.at("lightfastness"))?;
        grades.push((p.id.clone(), grade));
    }
    Ok(grades)
}

/// A sun exposure: a preset name or the path of a TOML profile file.
///
/// # Errors
/// Neither a preset nor an existing file; an unreadable or invalid file.
pub fn exposure_profile(text: &str) -> Result<Profile, InputError> {
    use super::exposure::{preset, PRESETS};
    if PRESETS.contains(&text) {
        return preset(text);
    }
    let path = Path::new(text);
    if !path.is_file() {
        return Err(InputError::Unknown {
            field: "exposure".into(),
            kind: "exposure preset or profile file",
            value: text.to_string(),
            known: PRESETS.join(", "),
        });
    }
    let origin = path.display().to_string();
    let text = crate::io::read_text(path)?;
    let mut p = Profile::from_toml(&text, &origin)?;
    if p.name == "indoor" {
        p.name = origin;
    }
    Ok(p)
}

/// Aftercare: `good`, `poor`, or the path of a TOML file.
///
/// # Errors
/// Neither a preset nor an existing file; an unreadable or invalid file.
pub fn aftercare_profile(text: &str) -> Result<Aftercare, InputError> {
    use super::aftercare::{preset, PRESETS};
    if PRESETS.contains(&text) {
        return preset(text);
    }
    let path = Path::new(text);
    if !path.is_file() {
        return Err(InputError::Unknown {
            field: "aftercare".into(),
            kind: "aftercare profile or file",
            value: text.to_string(),
            known: PRESETS.join(", "),
        });
    }
    let origin = path.display().to_string();
    let text = crate::io::read_text(path)?;
    Aftercare::from_toml(&text, &origin)
}

fn default_exposure() -> String {
    "mixed".into()
}
fn default_age() -> f64 {
    35.0
}
fn default_clearance() -> f64 {
    super::kinetics::DEFAULT_CLEARANCE_PER_YEAR
}
fn default_aftercare() -> String {
    "good".into()
}
fn default_uv_acceleration() -> f64 {
    UV_ACCELERATION
}

/// The client's sun and the pigment's fate in the skin (the fading flags of `fade`,
/// `schedule` and `plan`; their docs give the sources of the defaults).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct FadingSpec {
    /// A preset (indoor, mixed, outdoor-worker, high-uv) or a TOML profile file.
    #[serde(default = "default_exposure")]
    pub exposure: String,
    /// `ID=GRADE` Blue Wool grades where the catalog has none.
    #[serde(default)]
    pub lightfastness: Vec<String>,
    /// The client's age, years (sets the epidermal turnover).
    #[serde(default = "default_age")]
    pub age: f64,
    /// Share of each session's deposit placed in the epidermis.
    #[serde(default)]
    pub epidermal_share: f64,
    /// Slow clearance of the settled pigment, fraction per year.
    #[serde(default = "default_clearance")]
    pub clearance: f64,
    /// `good`, `poor`, or a TOML file.
    #[serde(default = "default_aftercare")]
    pub aftercare: String,
    /// How much faster pigments fade in daylight with its UV than without.
    #[serde(default = "default_uv_acceleration")]
    pub uv_acceleration: f64,
}

impl Default for FadingSpec {
    fn default() -> Self {
        FadingSpec {
            exposure: default_exposure(),
            lightfastness: Vec::new(),
            age: default_age(),
            epidermal_share: 0.0,
            clearance: default_clearance(),
            aftercare: default_aftercare(),
            uv_acceleration: default_uv_acceleration(),
        }
    }
}

impl FadingSpec {
    /// The kinetics of these settings before the aftercare's healing, not yet validated.
    pub fn kinetics(&self) -> Kinetics {
        Kinetics {
            age_years: self.age,
            epidermal_share: self.epidermal_share,
            clearance_per_year: self.clearance,
            ..Kinetics::default()
        }
    }

    /// The UV acceleration, at least 1.
    ///
    /// # Errors
    /// Below 1 or not finite.
    pub fn uv_acceleration(&self) -> Result<f64, InputError> {
        let v = self.uv_acceleration;
        if v.is_finite() && v >= 1.0 {
            Ok(v)
        } else {
            Err(InputError::OutOfRange {
                field: "uv-acceleration".into(),
                value: v,
                expected: "at least 1".into(),
            })
        }
    }
}

fn default_start() -> String {
    "01-01".into()
}
fn default_illuminant() -> String {
    "D65".into()
}
fn default_observer() -> String {
    "10".into()
}
fn default_fade_years() -> f64 {
    5.0
}
fn default_schedule_years() -> f64 {
    10.0
}
fn default_tolerance() -> f64 {
    2.0
}
fn default_seed() -> u64 {
    7
}

/// What `fade` and `schedule` share: a recipe in a client's skin and sun.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct FadeCommon {
    /// The healed dot's pigments and loads, g/m^2.
    pub recipe: Vec<PigmentLoad>,
    /// Where the recipe came from, for the report (default: the recipe as `ID:LOAD,...`).
    #[serde(default)]
    pub recipe_source: Option<String>,
    #[serde(flatten)]
    pub skin: SkinSpec,
    #[serde(flatten)]
    pub dot: DotSpec,
    #[serde(flatten)]
    pub fading: FadingSpec,
    /// A colour aimed at (dE00 from it is reported too), e.g. `lab(35 4 6)`.
    #[serde(default)]
    pub target: Option<String>,
    /// Date of the freshly healed dot, `MM-DD`.
    #[serde(default = "default_start")]
    pub start: String,
    #[serde(default = "default_illuminant")]
    pub illuminant: String,
    #[serde(default = "default_observer")]
    pub observer: String,
}

/// `tinct fade`: the dot over the years without touch-ups.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct FadeRequest {
    #[serde(flatten)]
    pub common: FadeCommon,
    #[serde(default = "default_fade_years")]
    pub years: f64,
    /// The tolerance line of the plot, dE00.
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
}

/// `tinct schedule`: when touch-ups fall due, with a Monte Carlo over what is uncertain.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ScheduleRequest {
    #[serde(flatten)]
    pub common: FadeCommon,
    #[serde(default = "default_schedule_years")]
    pub years: f64,
    /// A touch-up falls due this far (dE00) from the freshly healed look.
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
    /// Monte Carlo runs (0: none).
    #[serde(default)]
    pub runs: usize,
    #[serde(default = "default_seed")]
    pub seed: u64,
}

/// The skin in a fade report.
#[derive(Debug, Clone, Serialize)]
pub struct FadeSkin {
    pub source: String,
    pub parameters: serde_json::Value,
    pub fit: serde_json::Value,
    /// The bare skin's colour.
    pub lab: [f64; 3],
}

/// The light a year brings, as a report gives it.
#[derive(Debug, Clone, Serialize)]
pub struct ExposureReport {
    pub profile: Profile,
    pub annual: DayDose,
}

/// Light at the dot relative to the skin's surface.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LightAtDot {
    pub visible: f64,
    pub uv: f64,
    pub annual_photodegradation_dose_mlxh: f64,
}

/// A pigment's light fastness and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Lightfastness {
    pub pigment: String,
    pub source: String,
    pub photodegradation: Option<Photodegradation>,
}

/// A colour with its sRGB.
#[derive(Debug, Clone, Serialize)]
pub struct Colour {
    pub lab: [f64; 3],
    pub srgb: String,
}

/// What `fade` and `schedule` report before their own answers.
#[derive(Debug, Clone, Serialize)]
pub struct FadeHeader {
    pub recipe: Vec<PigmentLoad>,
    pub recipe_source: String,
    pub skin: FadeSkin,
    pub depth_mm: f64,
    pub dot_diameter_mm: Option<f64>,
    pub packaging: PackagingReport,
    pub exposure: ExposureReport,
    pub light_at_dot: LightAtDot,
    pub lightfastness: Vec<Lightfastness>,
    pub kinetics: Kinetics,
    pub aftercare: Aftercare,
    /// The freshly healed dot.
    pub fresh: Colour,
    pub target: Option<[f64; 3]>,
    pub illuminant: &'static str,
    pub observer: u32,
}

impl FadeHeader {
    /// The viewing conditions.
    pub fn viewing(&self) -> Viewing {
        Viewing::new(
            self.illuminant.parse().unwrap_or(Illuminant::D65),
            if self.observer == 2 {
                Observer::Cie1931
            } else {
                Observer::Cie1964
            },
        )
    }

    /// sRGB of a colour under these viewing conditions.
    pub fn hex(&self, lab: [f64; 3]) -> String {
        hex(WeightingTable::for_grid(self.viewing()), lab)
    }

    /// Share of each pigment light breaks down in a year at the dot (`None`: not modelled).
    pub fn annual_light_loss(&self) -> Vec<Option<f64>> {
        let dose = self.light_at_dot.annual_photodegradation_dose_mlxh;
        self.lightfastness
            .iter()
            .map(|l| l.photodegradation.map(|p| 1.0 - (-p.per_mlxh * dose).exp()))
            .collect()
    }

    /// The fade plot of `samples` (with touch-up `sessions` and a Monte Carlo's first
    /// touch-up `band`, days p10, p50, p90), as SVG text; `what` ends the title.
    pub fn plot_svg(
        &self,
        what: &str,
        samples: &[Sample],
        tolerance: f64,
        sessions: &[f64],
        band: Option<(f64, f64, f64)>,
        days: usize,
    ) -> String {
        let curve: Vec<(f64, f64)> = samples.iter().map(|s| (s.day as f64, s.delta_e)).collect();
        let ids: Vec<&str> = self.recipe.iter().map(|p| p.pigment.as_str()).collect();
        let title = format!(
            "{} in {}, {}{what}",
            ids.join(" + "),
            self.skin.source,
            self.exposure.profile.name
        );
        let mut swatches = Vec::new();
        let mut y = 0usize;
        while y * 365 <= days {
            let d = ((y as f64) * 365.25).round() as usize;
            if let Some(s) = samples.iter().min_by_key(|s| s.day.abs_diff(d)) {
                swatches.push((format!("year {y}"), self.hex(s.lab)));
            }
            y += 1;
        }
        crate::report::fade_plot_svg(&crate::report::FadePlot {
            title: &title,
            curve: &curve,
            tolerance,
            sessions,
            swatches: &swatches,
            fresh_hex: &self.hex(samples[0].lab),
            skin_hex: &self.hex(self.skin.lab),
            first_touch_up_band: band,
        })
    }
}

fn hex(table: &WeightingTable, lab: [f64; 3]) -> String {
    table.srgb_hex(Lab::new(lab[0], lab[1], lab[2]))
}

/// What [`fade_job`] answers: exactly what `tinct fade --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct FadeReport {
    #[serde(flatten)]
    pub header: FadeHeader,
    pub days: usize,
    /// Every day from 0 to `days`.
    pub samples: Vec<Sample>,
}

/// What [`schedule_job`] answers: exactly what `tinct schedule --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleReport {
    #[serde(flatten)]
    pub header: FadeHeader,
    pub days: usize,
    pub tolerance: f64,
    pub touch_ups: Vec<TouchUp>,
    pub first_touch_up_day: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monte_carlo: Option<MonteCarlo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<Uncertainty>,
    /// The single run's dot every 7 days (for plots; not in the JSON).
    #[serde(skip)]
    pub samples: Vec<Sample>,
}

/// Everything prepared from the common request.
struct Prepared<'c> {
    components: Vec<Component<'c>>,
    photo: Vec<Option<Photodegradation>>,
    grade_source: Vec<String>,
    skin: crate::appearance::ResolvedSkin,
    site: DotSite,
    table: &'static WeightingTable,
    viewing: Viewing,
    profile: Profile,
    year: Year,
    kinetics: Kinetics,
    aftercare: Aftercare,
    uv_acceleration: f64,
    start: usize,
    target: Option<Lab>,
}

fn prepare<'c>(a: &FadeCommon, catalog: &'c Catalog) -> Result<Prepared<'c>, InputError> {
    let viewing = Viewing::new(
        a.illuminant.parse::<Illuminant>()?,
        a.observer.parse::<Observer>()?,
    );
    let table = WeightingTable::for_grid(viewing);
    if a.recipe.is_empty() {
        return Err(InputError::Invalid {
            field: "recipe".into(),
            message: "no pigment".into(),
        });
    }
    let mut components = Vec::new();
    for c in &a.recipe {
        let pigment = catalog.get(&c.pigment).map_err(|e| e.at("recipe"))?;
        if !(c.load_g_m2.is_finite() && c.load_g_m2 >= 0.0) {
            return Err(InputError::OutOfRange {
                field: format!("recipe: load of {}", c.pigment),
                value: c.load_g_m2,
                expected: "g/m^2, finite and at least 0".into(),
            });
        }
        components.push(Component {
            pigment,
            load_g_m2: c.load_g_m2,
        });
    }
    if components.iter().all(|c| c.load_g_m2 == 0.0) {
        return Err(InputError::Invalid {
            field: "recipe".into(),
            message: "every load is 0: there is no dot to fade".into(),
        });
    }
    let grades = parse_grades(catalog, &a.fading.lightfastness)?;
    let pigments: Vec<&Pigment> = components.iter().map(|c| c.pigment).collect();
    let (photo, grade_source) = super::kinetics::of_pigments(catalog, &grades, &pigments)?;
    let skin = a.skin.resolve(table)?;
    let site = a.dot.site(&skin.optics)?;
    let profile = exposure_profile(&a.fading.exposure)?;
    let year = year(&profile)?;
    let aftercare = aftercare_profile(&a.fading.aftercare)?;
    let kinetics = aftercare.apply(a.fading.kinetics());
    kinetics.validate()?;
    let uv_acceleration = a.fading.uv_acceleration()?;
    let target = match &a.target {
        Some(t) => Some(
            t.parse::<ColourText>()
                .map_err(|e| e.at("target"))?
                .to_lab(table.white()),
        ),
        None => None,
    };
    Ok(Prepared {
        components,
        photo,
        grade_source,
        skin,
        site,
        table,
        viewing,
        profile,
        year,
        kinetics,
        aftercare,
        uv_acceleration,
        start: day_of_year(&a.start)?,
        target,
    })
}

impl Prepared<'_> {
    fn model(&self) -> Result<Model<'_>, InputError> {
        Model::new(Setup {
            site: &self.site,
            table: self.table,
            components: self.components.clone(),
            photo: self.photo.clone(),
            kinetics: self.kinetics.clone(),
            year: &self.year,
            start_day_of_year: self.start,
            target: self.target,
            uv_acceleration: self.uv_acceleration,
        })
    }

    fn header(&self, a: &FadeCommon, m: &Model<'_>) -> FadeHeader {
        let (visible, uv) = m.light_at_dot();
        let fresh = m.fresh_lab();
        let fresh = [fresh.l, fresh.a, fresh.b];
        let (parameters, fit) = crate::appearance::skin_json(&self.skin);
        let skin_lab = self.table.lab(&self.skin.optics.reflectance());
        let recipe: Vec<PigmentLoad> = self
            .components
            .iter()
            .map(|c| PigmentLoad {
                pigment: c.pigment.id.clone(),
                load_g_m2: c.load_g_m2,
            })
            .collect();
        let recipe_source = a.recipe_source.clone().unwrap_or_else(|| {
            recipe
                .iter()
                .map(|c| format!("{}:{}", c.pigment, c.load_g_m2))
                .collect::<Vec<_>>()
                .join(",")
        });
        let packaging = self.site.packaging();
        FadeHeader {
            lightfastness: recipe
                .iter()
                .zip(&self.grade_source)
                .zip(&self.photo)
                .map(|((c, source), p)| Lightfastness {
                    pigment: c.pigment.clone(),
                    source: source.clone(),
                    photodegradation: *p,
                })
                .collect(),
            recipe,
            recipe_source,
            skin: FadeSkin {
                source: self.skin.description.clone(),
                parameters,
                fit,
                lab: [skin_lab.l, skin_lab.a, skin_lab.b],
            },
            depth_mm: a.dot.depth_mm,
            dot_diameter_mm: self.site.dot_diameter_mm(),
            packaging: PackagingReport {
                cluster_um: packaging.cluster_um,
                fill: packaging.fill,
            },
            exposure: ExposureReport {
                profile: self.profile.clone(),
                annual: self.year.total(),
            },
            light_at_dot: LightAtDot {
                visible,
                uv,
                annual_photodegradation_dose_mlxh: m.annual_dose_at_dot(),
            },
            kinetics: self.kinetics.clone(),
            aftercare: self.aftercare.clone(),
            fresh: Colour {
                lab: fresh,
                srgb: hex(self.table, fresh),
            },
            target: self.target.map(|t| [t.l, t.a, t.b]),
            illuminant: self.viewing.illuminant.name(),
            observer: self.viewing.observer.degrees(),
        }
    }
}

/// `tinct fade` as one call: the dot every day for `years`, without touch-ups.
///
/// # Errors
/// Bad input: an unknown pigment, a load, depth, exposure, aftercare, grade or date out of
/// range; a skin the model cannot reach.
pub fn fade_job(req: &FadeRequest, catalog: &Catalog) -> Result<FadeReport, InputError> {
    let days = days_of("years", req.years)?;
    check_tolerance("tolerance", req.tolerance)?;
    let p = prepare(&req.common, catalog)?;
    let m = p.model()?;
    let samples = m.fade(days);
    Ok(FadeReport {
        header: p.header(&req.common, &m),
        days,
        samples,
    })
}

/// `tinct schedule` as one call: the touch-ups over `years` and, with `runs`, a Monte Carlo
/// over the uncertain inputs ([`Uncertainty`]); `progress` is called with the runs done.
///
/// # Errors
/// As [`fade_job`]; more runs than [`MAX_RUNS`].
pub fn schedule_job(
    req: &ScheduleRequest,
    catalog: &Catalog,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<ScheduleReport, InputError> {
    let days = days_of("years", req.years)?;
    check_tolerance("tolerance", req.tolerance)?;
    check_runs(req.runs)?;
    let p = prepare(&req.common, catalog)?;
    let m = p.model()?;
    let (plan, samples) = m.schedule(days, req.tolerance, Draw::default(), Some(7));
    let monte_carlo = if req.runs > 0 {
        Some(m.monte_carlo(
            days,
            req.tolerance,
            req.runs,
            req.seed,
            &Uncertainty::default(),
            progress,
        )?)
    } else {
        None
    };
    Ok(ScheduleReport {
        header: p.header(&req.common, &m),
        days,
        tolerance: req.tolerance,
        touch_ups: plan.touch_ups,
        first_touch_up_day: plan.first_touch_up_day,
        uncertainty: monte_carlo.as_ref().map(|_| Uncertainty::default()),
        monte_carlo,
        samples,
    })
}

/// A recipe's fading as `tinct match --years` sees it: the same model as `tinct fade`, with
/// the default kinetics, for every recipe a search shows.
pub struct Durability {
    /// Each catalog pigment's photodegradation, derived once for all recipes, and where it
    /// came from (or why it is not modelled).
    photo: HashMap<String, Option<Photodegradation>>,
    source: HashMap<String, String>,
    year: Year,
    days: usize,
}

impl Durability {
    /// The fading of `years` in the `exposure` sun, with `lightfastness` grades (`ID=GRADE`)
    /// where the catalog has none.
    ///
    /// # Errors
    /// Years, exposure or grades out of range.
    pub fn new(
        catalog: &Catalog,
        exposure: &str,
        lightfastness: &[String],
        years: f64,
    ) -> Result<Durability, InputError> {
        let days = days_of("years", years)?;
        let profile = exposure_profile(exposure)?;
        let grades = parse_grades(catalog, lightfastness)?;
        let all: Vec<&Pigment> = catalog.pigments().iter().collect();
        let (photo, source) = super::kinetics::of_pigments(catalog, &grades, &all)?;
        Ok(Durability {
            photo: all.iter().map(|p| p.id.clone()).zip(photo).collect(),
            source: all.iter().map(|p| p.id.clone()).zip(source).collect(),
            year: year(&profile)?,
            days,
        })
    }

    /// The pigments among `ids` whose fading by light is not modelled, with why.
    pub fn unmodelled<'s>(&self, ids: impl Iterator<Item = &'s str>) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for id in ids {
            if matches!(self.photo.get(id), Some(None)) && !out.iter().any(|(o, _)| o == id) {
                out.push((
                    id.to_string(),
                    self.source.get(id).cloned().unwrap_or_default(),
                ));
            }
        }
        out
    }

    /// (dE00 from `target` after the years, the worst dE00 from it over them, sampled every
    /// 30 days).
    ///
    /// # Errors
    /// Loads the model refuses.
    pub fn evaluate(
        &self,
        site: &DotSite,
        table: &WeightingTable,
        loads: &[(&Pigment, f64)],
        target: Lab,
    ) -> Result<(f64, f64), InputError> {
        let photo = loads
            .iter()
            .map(|(p, _)| self.photo.get(&p.id).copied().flatten())
            .collect();
        let m = Model::new(Setup {
            site,
            table,
            components: loads
                .iter()
                .map(|(p, w)| Component {
                    pigment: p,
                    load_g_m2: *w,
                })
                .collect(),
            photo,
            kinetics: Kinetics::default(),
            year: &self.year,
            start_day_of_year: 0,
            target: Some(target),
            uv_acceleration: UV_ACCELERATION,
        })?;
        let samples = m.fade_every(self.days, 30);
        let after = samples.last().and_then(|s| s.delta_e_target).unwrap_or(0.0);
        let worst = samples
            .iter()
            .filter_map(|s| s.delta_e_target)
            .fold(0.0, f64::max);
        Ok((after, worst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_days_of_the_year() {
        assert_eq!(day_of_year("01-01").unwrap(), 0);
        assert_eq!(day_of_year("03-01").unwrap(), 59);
        assert_eq!(day_of_year("12-31").unwrap(), 364);
        for bad in ["02-29", "13-01", "00-10", "6/21", ""] {
            assert!(day_of_year(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_request_from_json_takes_the_commands_defaults_and_refuses_unknown_fields() {
        let r: ScheduleRequest = crate::request::from_json(
            r#"{"recipe": [{"pigment": "carbon-black", "load_g_m2": 1.0}], "skin": "fitzpatrick:III"}"#,
            "schedule",
        )
        .unwrap();
        assert_eq!((r.years, r.tolerance, r.runs, r.seed), (10.0, 2.0, 0, 7));
        assert_eq!(r.common.fading, FadingSpec::default());
        assert_eq!(r.common.dot, DotSpec::default());
        let e = crate::request::from_json::<ScheduleRequest>(
            r#"{"recipe": [], "skin": "fitzpatrick:III", "exposre": "indoor"}"#,
            "schedule",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("schedule request: unknown field \"exposre\" (known: recipe,"),
            "{e}"
        );
    }
}
