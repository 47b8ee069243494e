//! `tinct fade` and `tinct schedule`.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use serde_json::json;

use tinct::appearance::{Component, ResolvedSkin};
use tinct::colorimetry::spaces::{lab_to_xyz, xyz_to_srgb};
use tinct::colorimetry::text::{fmt_num, format_lab, ColourText};
use tinct::colorimetry::{Illuminant, Lab, Observer, Viewing, WeightingTable};
use tinct::fade::exposure::{year, Profile, Year};
use tinct::fade::kinetics::{Kinetics, Photodegradation};
use tinct::fade::simulate::{Model, Sample, Setup, Uncertainty, UV_ACCELERATION};
use tinct::optics::skin::DotSite;
use tinct::pigment::{Catalog, Pigment};
use tinct::InputError;

use super::args::{
    check_tolerance, parse_aftercare, parse_exposure, parse_grades, parse_start, parse_years,
};
use super::pigments::load_catalog;
use super::{emit, emit_json, CliError};

/// Flags shared by `fade` and `schedule`.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// The recipe: ID:LOAD[,ID:LOAD...] with loads in g/m^2 of the healed dot, or a JSON file
    /// written by `tinct match --json` (its first recipe, and its target).
    #[arg(long, value_name = "RECIPE")]
    pub recipe: String,
    #[command(flatten)]
    pub skin: super::SkinArgs,
    #[command(flatten)]
    pub packaging: super::PackagingArgs,
    #[command(flatten)]
    pub fading: super::args::FadingArgs,
    /// Colour aimed at (dE00 from it is reported too), e.g. "lab(35 4 6)".
    #[arg(long, value_name = "COLOR", allow_hyphen_values = true)]
    pub target: Option<String>,
    #[command(flatten)]
    pub dot: super::DotArgs,
    /// Date of the freshly healed dot, MM-DD (sets the season of day 0).
    #[arg(long, default_value = "01-01", value_name = "MM-DD")]
    pub start: String,
    /// Illuminant: D65, D50, A, F2, F11 or LED-B3.
    #[arg(long, default_value = "D65", value_name = "NAME")]
    pub illuminant: String,
    /// Standard observer: 10 or 2.
    #[arg(long, default_value = "10", value_name = "DEGREES")]
    pub observer: String,
    /// Extra catalog entries (TOML); repeatable.
    #[arg(long, value_name = "FILE")]
    pub catalog: Vec<PathBuf>,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
    /// Write an SVG plot: dE00 over time with the tolerance, and the dot at yearly intervals.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct FadeArgs {
    #[command(flatten)]
    pub common: Common,
    /// Years to simulate.
    #[arg(long, default_value_t = 5.0, value_name = "YEARS")]
    pub years: f64,
    /// The tolerance line of the plot, dE00.
    #[arg(long, default_value_t = 2.0, value_name = "DE00")]
    pub tolerance: f64,
    /// Write every day as CSV (day, L, a, b, delta_e[, delta_e_target], one load column per
    /// pigment).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ScheduleArgs {
    #[command(flatten)]
    pub common: Common,
    /// Years to plan.
    #[arg(long, default_value_t = 10.0, value_name = "YEARS")]
    pub years: f64,
    /// A touch-up falls due when the dot is this far (dE00) from its freshly healed look.
    #[arg(long, default_value_t = 2.0, value_name = "DE00")]
    pub tolerance: f64,
    /// Monte Carlo runs over the uncertain inputs (0: none).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub runs: usize,
    /// Seed of the Monte Carlo.
    #[arg(long, default_value_t = 7, value_name = "SEED")]
    pub seed: u64,
}

/// A recipe and the target it came with.
struct RecipeInput {
    components: Vec<(String, f64)>,
    target: Option<Lab>,
    what: String,
}

fn parse_recipe(text: &str) -> Result<RecipeInput, CliError> {
    let path = Path::new(text);
    if text.ends_with(".json") || (path.exists() && !text.contains(':')) {
        let bytes = tinct::io::read_file(path)?;
        let origin = path.display().to_string();
        let v: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| InputError::Malformed {
                field: origin.clone(),
                value: e.to_string(),
                expected: "a JSON document written by `tinct match --json`".into(),
            })?;
        let first =
            v["recipes"][0]["components"]
                .as_array()
                .ok_or_else(|| InputError::Invalid {
                    field: format!("{origin}: recipes[0].components"),
                    message: "missing: not a `tinct match --json` document with a recipe".into(),
                })?;
        let mut components = Vec::new();
        for (i, c) in first.iter().enumerate() {
            let id = c["pigment"].as_str().ok_or_else(|| InputError::Invalid {
                field: format!("{origin}: recipes[0].components[{i}].pigment"),
                message: "missing".into(),
            })?;
            let load = c["load_g_m2"].as_f64().ok_or_else(|| InputError::Invalid {
                field: format!("{origin}: recipes[0].components[{i}].load_g_m2"),
                message: "missing".into(),
            })?;
            components.push((id.to_string(), load));
        }
        let target = v["target"]["lab"].as_array().and_then(|l| {
            let n: Vec<f64> = l.iter().filter_map(serde_json::Value::as_f64).collect();
            (n.len() == 3).then(|| Lab::new(n[0], n[1], n[2]))
        });
        return Ok(RecipeInput {
            components,
            target,
            what: format!("first recipe of {origin}"),
        });
    }
    let components = super::parse_loads(text)?;
    Ok(RecipeInput {
        components,
        target: None,
        what: text.to_string(),
    })
}

/// Each pigment's photodegradation and where it came from ([`tinct::fade::kinetics::of_pigments`]).
pub(super) fn photodegradation(
    catalog: &Catalog,
    grades: &[(String, f64)],
    pigments: &[&Pigment],
) -> Result<(Vec<Option<Photodegradation>>, Vec<String>), CliError> {
    Ok(tinct::fade::kinetics::of_pigments(
        catalog, grades, pigments,
    )?)
}

/// Everything prepared from the common flags.
struct Prepared {
    catalog: Catalog,
    components: Vec<(String, f64)>,
    photo: Vec<Option<Photodegradation>>,
    /// Per pigment: where its light fastness came from.
    grade_source: Vec<String>,
    skin: ResolvedSkin,
    site: DotSite,
    table: &'static WeightingTable,
    viewing: Viewing,
    profile: Profile,
    year: Year,
    kinetics: Kinetics,
    start: usize,
    target: Option<Lab>,
    recipe_what: String,
    aftercare: tinct::fade::aftercare::Aftercare,
    depth: f64,
}

fn prepare(a: &Common) -> Result<Prepared, CliError> {
    let viewing = Viewing::new(
        a.illuminant.parse::<Illuminant>()?,
        a.observer.parse::<Observer>()?,
    );
    let table = WeightingTable::for_grid(viewing);
    let catalog = load_catalog(&a.catalog)?;
    let recipe = parse_recipe(&a.recipe)?;
    if recipe.components.is_empty() {
        return Err(InputError::Invalid {
            field: "recipe".into(),
            message: "no pigment".into(),
        }
        .into());
    }
    for (id, load) in &recipe.components {
        catalog.get(id).map_err(|e| e.at("recipe"))?;
        if !(load.is_finite() && *load >= 0.0) {
            return Err(InputError::OutOfRange {
                field: format!("recipe: load of {id}"),
                value: *load,
                expected: "g/m^2, finite and at least 0".into(),
            }
            .into());
        }
    }
    if recipe.components.iter().all(|(_, w)| *w == 0.0) {
        return Err(InputError::Invalid {
            field: "recipe".into(),
            message: "every load is 0: there is no dot to fade".into(),
        }
        .into());
    }
    let grades = parse_grades(&catalog, &a.fading.lightfastness)?;
    let pigments = recipe
        .components
        .iter()
        .map(|(id, _)| catalog.get(id))
        .collect::<Result<Vec<_>, _>>()?;
    let (photo, grade_source) = photodegradation(&catalog, &grades, &pigments)?;
    let (depth, _) = a.dot.depth_and_thickness()?;
    let skin = a.skin.resolve(table)?;
    let site = a.dot.site(&skin.optics, a.packaging.packaging())?;
    let profile = parse_exposure(&a.fading.exposure)?;
    let year = year(&profile)?;
    let aftercare = parse_aftercare(&a.fading.aftercare)?;
    let kinetics = aftercare.apply(a.fading.kinetics());
    kinetics.validate()?;
    a.fading.uv_acceleration()?;
    let target = match &a.target {
        Some(t) => Some(t.parse::<ColourText>()?.to_lab(table.white())),
        None => recipe.target,
    };
    Ok(Prepared {
        catalog,
        components: recipe.components,
        photo,
        grade_source,
        skin,
        site,
        table,
        viewing,
        profile,
        year,
        kinetics,
        start: parse_start(&a.start)?,
        target,
        recipe_what: recipe.what,
        aftercare,
        depth,
    })
}

impl Prepared {
    fn model(&self, uv_acceleration: f64) -> Result<Model<'_>, InputError> {
        let components = self
            .components
            .iter()
            .map(|(id, w)| {
                Ok(Component {
                    pigment: self.catalog.get(id)?,
                    load_g_m2: *w,
                })
            })
            .collect::<Result<Vec<_>, InputError>>()?;
        Model::new(Setup {
            site: &self.site,
            table: self.table,
            components,
            photo: self.photo.clone(),
            kinetics: self.kinetics.clone(),
            year: &self.year,
            start_day_of_year: self.start,
            target: self.target,
            uv_acceleration,
        })
    }

    fn ids(&self) -> Vec<String> {
        self.components
            .iter()
            .map(|(id, _)| {
                self.catalog
                    .get(id)
                    .map(|p| p.id.clone())
                    .unwrap_or_default()
            })
            .collect()
    }

    /// The fade plot of `samples` (with touch-up `sessions` and a Monte Carlo's first
    /// touch-up `band`, days p10, p50, p90), as SVG text.
    fn plot_svg(
        &self,
        what: &str,
        samples: &[Sample],
        tolerance: f64,
        sessions: &[f64],
        band: Option<(f64, f64, f64)>,
        days: usize,
    ) -> String {
        let curve: Vec<(f64, f64)> = samples.iter().map(|s| (s.day as f64, s.delta_e)).collect();
        let skin = self.table.lab(&self.skin.optics.reflectance());
        let title = format!(
            "{} in {}, {}{what}",
            self.ids().join(" + "),
            self.skin.description,
            self.profile.name
        );
        let swatches = yearly_swatches(self, samples, days);
        tinct::report::fade_plot_svg(&tinct::report::FadePlot {
            title: &title,
            curve: &curve,
            tolerance,
            sessions,
            swatches: &swatches,
            fresh_hex: &self.hex(samples[0].lab),
            skin_hex: &self.hex([skin.l, skin.a, skin.b]),
            first_touch_up_band: band,
        })
    }

    fn hex(&self, lab: [f64; 3]) -> String {
        let white = self.table.white();
        xyz_to_srgb(lab_to_xyz(Lab::new(lab[0], lab[1], lab[2]), white), white).hex()
    }

    /// The header shared by both commands (text form).
    fn header(&self, m: &Model<'_>) -> String {
        let t = self.year.total();
        let (vis, uv) = m.light_at_dot();
        let mut s = String::new();
        let recipe: Vec<String> = self
            .ids()
            .iter()
            .zip(&self.components)
            .map(|(id, (_, w))| format!("{id} {} g/m^2", fmt_num(*w, 3)))
            .collect();
        s.push_str(&format!("recipe    {}\n", recipe.join(" + ")));
        s.push_str(&format!(
            "skin      {}, dot at {} mm, {}\n",
            self.skin.description,
            fmt_num(self.depth, 3),
            self.viewing
        ));
        s.push_str(&format!(
            "exposure  {}: {} SED a year received, {} SED on the treated skin, {} Mlx h of \
             daylight there\n",
            self.profile.name,
            fmt_num(t.personal_sed, 0),
            fmt_num(t.scalp_sed, 0),
            fmt_num(t.scalp_daylight_mlxh, 2),
        ));
        s.push_str(&format!(
            "at the dot {} % of the visible and {} % of the UV (360-390 nm) on the skin\n",
            fmt_num(100.0 * vis, 1),
            fmt_num(100.0 * uv, 1)
        ));
        if self.aftercare.name != "good" {
            s.push_str(&format!(
                "aftercare {}: a touch-up loses {} % of its deposit while healing ({})\n",
                self.aftercare.name,
                fmt_num(100.0 * self.aftercare.healing_loss, 0),
                self.aftercare.source
            ));
        }
        for ((id, src), photo) in self.ids().iter().zip(&self.grade_source).zip(&self.photo) {
            match photo {
                Some(p) => s.push_str(&format!(
                    "light     {id}: {src}; loses {} % a year here\n",
                    fmt_num(
                        100.0 * (1.0 - (-p.per_mlxh * m.annual_dose_at_dot()).exp()),
                        2
                    )
                )),
                None => s.push_str(&format!("light     {id}: {src}\n")),
            }
        }
        s
    }

    fn header_json(&self, m: &Model<'_>) -> serde_json::Value {
        let t = self.year.total();
        let (vis, uv) = m.light_at_dot();
        let fresh = m.fresh_lab();
        let (skin_parameters, skin_fit) = tinct::appearance::skin_json(&self.skin);
        json!({
            "recipe": self.ids().iter().zip(&self.components).map(|(id, (_, w))| json!({"pigment": id, "load_g_m2": w})).collect::<Vec<_>>(),
            "recipe_source": self.recipe_what,
            "skin": {"source": self.skin.description,
                     "parameters": skin_parameters, "fit": skin_fit},
            "depth_mm": self.depth,
            "dot_diameter_mm": self.site.dot_diameter_mm(),
            "packaging": {"cluster_um": self.site.packaging().cluster_um, "fill": self.site.packaging().fill},
            "exposure": {"profile": self.profile, "annual": t},
            "light_at_dot": {"visible": vis, "uv": uv, "annual_photodegradation_dose_mlxh": m.annual_dose_at_dot()},
            "lightfastness": self.ids().iter().zip(&self.grade_source).zip(&self.photo).map(|((id, src), p)| json!({"pigment": id, "source": src, "photodegradation": p})).collect::<Vec<_>>(),
            "kinetics": self.kinetics,
            "aftercare": self.aftercare,
            "fresh": {"lab": [fresh.l, fresh.a, fresh.b], "srgb": self.hex([fresh.l, fresh.a, fresh.b])},
            "target": self.target.map(|t| [t.l, t.a, t.b]),
            "illuminant": self.viewing.illuminant.name(), "observer": self.viewing.observer.degrees(),
        })
    }
}

fn sample_row(s: &Sample, hex: &str, target: bool) -> String {
    let years = s.day as f64 / 365.25;
    let mut row = format!(
        "{:>6} {:>5}  {:<26} {}  {:>6}",
        s.day,
        fmt_num(years, 2),
        format_lab(Lab::new(s.lab[0], s.lab[1], s.lab[2])),
        hex,
        fmt_num(s.delta_e, 2)
    );
    if target {
        row.push_str(&format!(
            "  {:>6}",
            s.delta_e_target.map_or(String::new(), |d| fmt_num(d, 2))
        ));
    }
    row.push_str("  ");
    row.push_str(
        &s.loads
            .iter()
            .map(|w| fmt_num(*w, 3))
            .collect::<Vec<_>>()
            .join(" "),
    );
    row
}

/// The days shown in text tables: 0, 1, 3 and 6 months, then yearly.
fn report_days(days: usize) -> Vec<usize> {
    let mut v = vec![0, 30, 91, 182];
    let mut y = 1.0;
    while (y * 365.25f64).round() as usize <= days {
        v.push((y * 365.25f64).round() as usize);
        y += 1.0;
    }
    v.retain(|&d| d <= days);
    if v.last() != Some(&days) {
        v.push(days);
    }
    v
}

fn yearly_swatches(p: &Prepared, samples: &[Sample], days: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut y = 0usize;
    while y * 365 <= days {
        let d = ((y as f64) * 365.25).round() as usize;
        if let Some(s) = samples.iter().min_by_key(|s| s.day.abs_diff(d)) {
            out.push((format!("year {y}"), p.hex(s.lab)));
        }
        y += 1;
    }
    out
}

pub fn run_fade(a: FadeArgs) -> Result<(), CliError> {
    for out in a.output.iter().chain(&a.common.plot) {
        check_output(out, &a.common)?;
    }
    if let Some(p) = &a.common.plot {
        super::check_svg("plot", p)?;
    }
    let days = parse_years("years", a.years)?;
    check_tolerance(a.tolerance)?;
    let p = prepare(&a.common)?;
    let m = p.model(a.common.fading.uv_acceleration)?;
    let samples = m.fade(days);
    let ids = p.ids();
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    // `--output -`: the CSV on stdout, in place of the report.
    let mut stdout_csv: Option<String> = None;
    if let Some(out) = &a.output {
        let mut csv = String::from("day,L,a,b,delta_e");
        if p.target.is_some() {
            csv.push_str(",delta_e_target");
        }
        for id in &ids {
            csv.push_str(&format!(",load_{id}"));
        }
        csv.push('\n');
        for s in &samples {
            csv.push_str(&format!(
                "{},{},{},{},{}",
                s.day,
                ryu::Buffer::new().format(s.lab[0]),
                ryu::Buffer::new().format(s.lab[1]),
                ryu::Buffer::new().format(s.lab[2]),
                ryu::Buffer::new().format(s.delta_e)
            ));
            if let Some(t) = s.delta_e_target {
                csv.push_str(&format!(",{}", ryu::Buffer::new().format(t)));
            }
            for w in &s.loads {
                csv.push_str(&format!(",{}", ryu::Buffer::new().format(*w)));
            }
            csv.push('\n');
        }
        if out.as_path() == Path::new("-") {
            stdout_csv = Some(csv);
        } else {
            outputs.push((out.clone(), csv.into_bytes()));
        }
    }
    if let Some(path) = &a.common.plot {
        let svg = p.plot_svg("", &samples, a.tolerance, &[], None, days);
        outputs.push((path.clone(), svg.into_bytes()));
    }
    // Both outputs or neither.
    let files: Vec<(&Path, &[u8])> = outputs
        .iter()
        .map(|(p, b)| (p.as_path(), b.as_slice()))
        .collect();
    tinct::io::write_all_atomic(&files)?;
    if let Some(csv) = stdout_csv {
        return emit(csv.as_bytes());
    }
    if a.common.json {
        let mut doc = p.header_json(&m);
        doc["days"] = json!(days);
        doc["samples"] = json!(samples);
        return emit_json(&doc);
    }
    let mut s = p.header(&m);
    s.push('\n');
    let target = p.target.is_some();
    s.push_str(&format!(
        "{:>6} {:>5}  {:<26} {:<7}  {:>6}{}  loads g/m^2 ({})\n",
        "day",
        "years",
        "colour",
        "sRGB",
        "dE00",
        if target { "  target" } else { "" },
        ids.join(", ")
    ));
    for d in report_days(days) {
        let smp = &samples[d];
        s.push_str(&sample_row(smp, &p.hex(smp.lab), target));
        s.push('\n');
    }
    let last = &samples[days];
    s.push_str(&format!(
        "\nafter {} years the dot is {} dE00 from its freshly healed look\n",
        fmt_num(a.years, 2),
        fmt_num(last.delta_e, 2)
    ));
    emit(s.as_bytes())
}

fn input_paths(a: &Common) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = a.catalog.clone();
    for t in [
        &a.recipe,
        &a.fading.exposure,
        &a.skin.skin,
        &a.fading.aftercare,
    ] {
        let p = PathBuf::from(t);
        if p.exists() {
            v.push(p);
        }
    }
    v
}

fn check_output(path: &Path, a: &Common) -> Result<(), CliError> {
    let inputs = input_paths(a);
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    tinct::io::check_not_input(path, &refs)?;
    Ok(())
}

pub fn run_schedule(a: ScheduleArgs) -> Result<(), CliError> {
    if let Some(out) = &a.common.plot {
        super::check_svg("plot", out)?;
        check_output(out, &a.common)?;
    }
    let days = parse_years("years", a.years)?;
    check_tolerance(a.tolerance)?;
    super::args::check_runs(a.runs)?;
    let p = prepare(&a.common)?;
    let m = p.model(a.common.fading.uv_acceleration)?;
    let (plan, samples) = m.schedule(
        days,
        a.tolerance,
        tinct::fade::simulate::Draw::default(),
        Some(7),
    );
    let mc = if a.runs > 0 {
        let bar = (std::io::stderr().is_terminal() && !a.common.json).then(|| {
            let b = indicatif::ProgressBar::new(a.runs as u64);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "Monte Carlo {bar:40} {pos}/{len} runs ({eta})",
                )
                .expect("valid template"),
            );
            b
        });
        let progress = |n: usize| {
            if let Some(b) = &bar {
                b.set_position(n as u64);
            }
        };
        let r = m.monte_carlo(
            days,
            a.tolerance,
            a.runs,
            a.seed,
            &Uncertainty::default(),
            &progress,
        )?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        Some(r)
    } else {
        None
    };
    let ids = p.ids();
    if let Some(path) = &a.common.plot {
        let sessions: Vec<f64> = plan.touch_ups.iter().map(|t| t.day as f64).collect();
        let what = format!(": touch-ups at {} dE00", fmt_num(a.tolerance, 2));
        // The Monte Carlo's first touch-up, where it fell within the horizon in most runs.
        let band = mc
            .as_ref()
            .and_then(|r| match (r.p10_days, r.p50_days, r.p90_days) {
                (Some(a), Some(b), c) => Some((a, b, c.unwrap_or(days as f64))),
                _ => None,
            });
        let svg = p.plot_svg(&what, &samples, a.tolerance, &sessions, band, days);
        tinct::io::write_atomic(path, svg.as_bytes())?;
    }
    if a.common.json {
        let mut doc = p.header_json(&m);
        doc["days"] = json!(days);
        doc["tolerance"] = json!(a.tolerance);
        doc["touch_ups"] = json!(plan.touch_ups);
        doc["first_touch_up_day"] = json!(plan.first_touch_up_day);
        if let Some(mc) = &mc {
            doc["monte_carlo"] = json!(mc);
            doc["uncertainty"] = json!(Uncertainty::default());
        }
        return emit_json(&doc);
    }
    let mut s = p.header(&m);
    s.push('\n');
    if plan.touch_ups.is_empty() {
        s.push_str(&format!(
            "no touch-up due within {} years: the dot stays within {} dE00 of its freshly \
             healed look ({} dE00 at the end)\n",
            fmt_num(a.years, 2),
            fmt_num(a.tolerance, 2),
            fmt_num(samples.last().map_or(0.0, |x| x.delta_e), 2)
        ));
    } else {
        s.push_str(&format!(
            "touch-ups when the dot drifts {} dE00 from its freshly healed look:\n",
            fmt_num(a.tolerance, 2)
        ));
        for t in &plan.touch_ups {
            let why: Vec<String> = ids
                .iter()
                .zip(&t.remaining)
                .map(|(id, r)| format!("{id} {} % left", fmt_num(100.0 * r, 0)))
                .collect();
            let deposit: Vec<String> = ids
                .iter()
                .zip(&t.deposit_g_m2)
                .map(|(id, d)| format!("{id} {}", fmt_num(*d, 2)))
                .collect();
            s.push_str(&format!(
                "  day {:>5} (year {:>5}): {}; deposit g/m^2: {}\n",
                t.day,
                fmt_num(t.day as f64 / 365.25, 2),
                why.join(", "),
                deposit.join(", ")
            ));
        }
    }
    if let Some(mc) = &mc {
        let d = |v: Option<f64>| {
            v.map_or(format!("after {} years", fmt_num(a.years, 2)), |x| {
                format!("day {} (year {})", fmt_num(x, 0), fmt_num(x / 365.25, 2))
            })
        };
        s.push_str(&format!(
            "\nMonte Carlo, {} runs (seed {}): first touch-up p10 {}, p50 {}, p90 {}; \
             touch-ups a year p10 {}, p50 {}, p90 {}\n",
            mc.runs,
            mc.seed,
            d(mc.p10_days),
            d(mc.p50_days),
            d(mc.p90_days),
            fmt_num(mc.touch_ups_per_year_p10, 2),
            fmt_num(mc.touch_ups_per_year_p50, 2),
            fmt_num(mc.touch_ups_per_year_p90, 2),
        ));
    }
    emit(s.as_bytes())
}

/// A recipe's fading as `tinct match --years` sees it: the same model as `tinct fade`, with
/// the default kinetics.
pub(super) struct Durability {
    /// Each catalog pigment's photodegradation, derived once for all recipes, and where it
    /// came from (or why it is not modelled).
    photo: HashMap<String, Option<Photodegradation>>,
    source: HashMap<String, String>,
    year: Year,
    days: usize,
}

impl Durability {
    pub(super) fn new(
        catalog: &Catalog,
        exposure: &str,
        lightfastness: &[String],
        years: f64,
    ) -> Result<Durability, CliError> {
        let days = parse_years("years", years)?;
        let profile = parse_exposure(exposure)?;
        let grades = parse_grades(catalog, lightfastness)?;
        let all: Vec<&Pigment> = catalog.pigments().iter().collect();
        let (photo, source) = photodegradation(catalog, &grades, &all)?;
        Ok(Durability {
            photo: all.iter().map(|p| p.id.clone()).zip(photo).collect(),
            source: all.iter().map(|p| p.id.clone()).zip(source).collect(),
            year: year(&profile)?,
            days,
        })
    }

    /// The pigments among `ids` whose fading by light is not modelled, with why.
    pub(super) fn unmodelled<'s>(
        &self,
        ids: impl Iterator<Item = &'s str>,
    ) -> Vec<(String, String)> {
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
    pub(super) fn evaluate(
        &self,
        site: &DotSite,
        table: &WeightingTable,
        loads: &[(&Pigment, f64)],
        target: Lab,
    ) -> Result<(f64, f64), CliError> {
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
