//! `tinct fade` and `tinct schedule`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use tinct::appearance::PigmentLoad;
use tinct::colorimetry::text::{fmt_num, format_lab};
use tinct::colorimetry::Lab;
use tinct::fade::job::{
    fade_job, schedule_job, FadeCommon, FadeHeader, FadeRequest, ScheduleRequest,
};
use tinct::fade::simulate::Sample;
use tinct::InputError;

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

/// A recipe read from `--recipe`: loads, and the target it came with.
struct RecipeInput {
    components: Vec<PigmentLoad>,
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
            components.push(PigmentLoad {
                pigment: id.to_string(),
                load_g_m2: load,
            });
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
    let components = super::parse_loads(text)?
        .into_iter()
        .map(|(pigment, load_g_m2)| PigmentLoad { pigment, load_g_m2 })
        .collect();
    Ok(RecipeInput {
        components,
        target: None,
        what: text.to_string(),
    })
}

/// The library's request from the common flags.
fn common(a: &Common) -> Result<FadeCommon, CliError> {
    let recipe = parse_recipe(&a.recipe)?;
    // A target given as a flag wins over the one a match document came with (written in full
    // precision: Rust's shortest representation reads back to the same number).
    let target = a.target.clone().or_else(|| {
        recipe
            .target
            .map(|t| format!("lab({} {} {})", t.l, t.a, t.b))
    });
    Ok(FadeCommon {
        recipe: recipe.components,
        recipe_source: Some(recipe.what),
        skin: a.skin.spec()?,
        dot: a.dot.spec(&a.packaging)?,
        fading: a.fading.spec(),
        target,
        start: a.start.clone(),
        illuminant: a.illuminant.clone(),
        observer: a.observer.clone(),
    })
}

/// The header shared by both commands (text form).
fn header(h: &FadeHeader) -> String {
    let t = &h.exposure.annual;
    let mut s = String::new();
    let recipe: Vec<String> = h
        .recipe
        .iter()
        .map(|c| format!("{} {} g/m^2", c.pigment, fmt_num(c.load_g_m2, 3)))
        .collect();
    s.push_str(&format!("recipe    {}\n", recipe.join(" + ")));
    s.push_str(&format!(
        "skin      {}, dot at {} mm, {}\n",
        h.skin.source,
        fmt_num(h.depth_mm, 3),
        h.viewing()
    ));
    s.push_str(&format!(
        "exposure  {}: {} SED a year received, {} SED on the treated skin, {} Mlx h of \
         daylight there\n",
        h.exposure.profile.name,
        fmt_num(t.personal_sed, 0),
        fmt_num(t.scalp_sed, 0),
        fmt_num(t.scalp_daylight_mlxh, 2),
    ));
    s.push_str(&format!(
        "at the dot {} % of the visible and {} % of the UV (360-390 nm) on the skin\n",
        fmt_num(100.0 * h.light_at_dot.visible, 1),
        fmt_num(100.0 * h.light_at_dot.uv, 1)
    ));
    if h.aftercare.name != "good" {
        s.push_str(&format!(
            "aftercare {}: a touch-up loses {} % of its deposit while healing ({})\n",
            h.aftercare.name,
            fmt_num(100.0 * h.aftercare.healing_loss, 0),
            h.aftercare.source
        ));
    }
    for (l, loss) in h.lightfastness.iter().zip(h.annual_light_loss()) {
        match loss {
            Some(f) => s.push_str(&format!(
                "light     {}: {}; loses {} % a year here\n",
                l.pigment,
                l.source,
                fmt_num(100.0 * f, 2)
            )),
            None => s.push_str(&format!("light     {}: {}\n", l.pigment, l.source)),
        }
    }
    s
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

pub fn run_fade(a: FadeArgs) -> Result<(), CliError> {
    for out in a.output.iter().chain(&a.common.plot) {
        check_output(out, &a.common)?;
    }
    if let Some(p) = &a.common.plot {
        super::check_svg("plot", p)?;
    }
    let catalog = tinct::pigment::Catalog::with_files(&a.common.catalog)?;
    let req = FadeRequest {
        common: common(&a.common)?,
        years: a.years,
        tolerance: a.tolerance,
    };
    let r = fade_job(&req, &catalog)?;
    let (h, samples, days) = (&r.header, &r.samples, r.days);
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    // `--output -`: the CSV on stdout, in place of the report.
    let mut stdout_csv: Option<String> = None;
    if let Some(out) = &a.output {
        let mut csv = String::from("day,L,a,b,delta_e");
        if h.target.is_some() {
            csv.push_str(",delta_e_target");
        }
        for c in &h.recipe {
            csv.push_str(&format!(",load_{}", c.pigment));
        }
        csv.push('\n');
        for s in samples {
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
        let svg = h.plot_svg("", samples, a.tolerance, &[], None, days);
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
        return emit_json(&r);
    }
    let mut s = header(h);
    s.push('\n');
    let target = h.target.is_some();
    let ids: Vec<&str> = h.recipe.iter().map(|c| c.pigment.as_str()).collect();
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
        s.push_str(&sample_row(smp, &h.hex(smp.lab), target));
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
    let catalog = tinct::pigment::Catalog::with_files(&a.common.catalog)?;
    let req = ScheduleRequest {
        common: common(&a.common)?,
        years: a.years,
        tolerance: a.tolerance,
        runs: a.runs,
        seed: a.seed,
    };
    let bar = (a.runs > 0 && std::io::stderr().is_terminal() && !a.common.json).then(|| {
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
    let r = schedule_job(&req, &catalog, &progress)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let (h, days) = (&r.header, r.days);
    if let Some(path) = &a.common.plot {
        let sessions: Vec<f64> = r.touch_ups.iter().map(|t| t.day as f64).collect();
        let what = format!(": touch-ups at {} dE00", fmt_num(a.tolerance, 2));
        // The Monte Carlo's first touch-up, where it fell within the horizon in most runs.
        let band =
            r.monte_carlo
                .as_ref()
                .and_then(|m| match (m.p10_days, m.p50_days, m.p90_days) {
                    (Some(a), Some(b), c) => Some((a, b, c.unwrap_or(days as f64))),
                    _ => None,
                });
        let svg = h.plot_svg(&what, &r.samples, a.tolerance, &sessions, band, days);
        tinct::io::write_atomic(path, svg.as_bytes())?;
    }
    if a.common.json {
        return emit_json(&r);
    }
    let ids: Vec<&str> = h.recipe.iter().map(|c| c.pigment.as_str()).collect();
    let mut s = header(h);
    s.push('\n');
    if r.touch_ups.is_empty() {
        s.push_str(&format!(
            "no touch-up due within {} years: the dot stays within {} dE00 of its freshly \
             healed look ({} dE00 at the end)\n",
            fmt_num(a.years, 2),
            fmt_num(a.tolerance, 2),
            fmt_num(r.samples.last().map_or(0.0, |x| x.delta_e), 2)
        ));
    } else {
        s.push_str(&format!(
            "touch-ups when the dot drifts {} dE00 from its freshly healed look:\n",
            fmt_num(a.tolerance, 2)
        ));
        for t in &r.touch_ups {
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
    if let Some(mc) = &r.monte_carlo {
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
