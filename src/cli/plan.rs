//! `tinct plan`.

use std::path::PathBuf;

use tinct::colorimetry::text::{fmt_num, format_lab};
use tinct::colorimetry::Lab;
use tinct::optics::dot::{near_surface, NEAR_SURFACE_CAVEAT};
use tinct::plan::{plan_job, PlanError, PlanRequest, DEFAULT_SESSIONS};

use super::{emit, emit_json, CliError, EXIT_FAILED};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub plan: PlanFlags,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
    /// Write an SVG: the dot on the client's skin right after and healed after each session,
    /// beside the target.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
}

/// The plan's flags (`plan` and `report`).
#[derive(Debug, clap::Args)]
pub struct PlanFlags {
    #[command(flatten)]
    pub skin: super::SkinArgs,
    #[command(flatten)]
    pub packaging: super::PackagingArgs,
    #[command(flatten)]
    pub aim: super::args::TargetArgs,
    #[command(flatten)]
    pub choice: super::args::PigmentArgs,
    #[command(flatten)]
    pub dot: super::DotArgs,
    #[command(flatten)]
    pub fading: super::args::FadingArgs,
    /// Sessions to build the dots in (SMP: usually 3, 2-4).
    #[arg(long, default_value_t = DEFAULT_SESSIONS, value_name = "N")]
    pub sessions: usize,
    /// Time between sessions: days (21, 21d) or weeks (3w). SMP: 10-30 days.
    #[arg(long, default_value = "21d", value_name = "DAYS")]
    pub interval: String,
    /// The share of the recipe's healed pigment after each session, in per cent, e.g. 30,70,100
    /// (sets the number of sessions). Default: Liu et al. 2025's ramp, 30 -> 70 -> 100 % over
    /// three sessions, spread over --sessions.
    #[arg(long, value_name = "PERCENT,...", value_delimiter = ',')]
    pub build: Vec<f64>,
    /// How close (dE00) the healed dot must come to the target to reach it.
    #[arg(long, default_value_t = tinct::formulate::DEFAULT_TOLERANCE, value_name = "DE00")]
    pub tolerance: f64,
    /// A touch-up falls due when the dot has drifted this far (dE00) from its healed look.
    #[arg(long, default_value_t = 2.0, value_name = "DE00")]
    pub touch_up_tolerance: f64,
    /// Date of the first session, MM-DD (sets the seasons of the fading).
    #[arg(long, default_value = "01-01", value_name = "MM-DD")]
    pub start: String,
    /// Years of fading to schedule touch-ups over.
    #[arg(long, default_value_t = 10.0, value_name = "YEARS")]
    pub years: f64,
    /// Monte Carlo runs over the uncertain fading inputs (0: none).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub runs: usize,
    /// Seed of the Monte Carlo.
    #[arg(long, default_value_t = 7, value_name = "SEED")]
    pub seed: u64,
    /// Illuminant: D65, D50, A, F2, F11 or LED-B3.
    #[arg(long, default_value = "D65", value_name = "NAME")]
    pub illuminant: String,
    /// Standard observer: 10 or 2.
    #[arg(long, default_value = "10", value_name = "DEGREES")]
    pub observer: String,
}

impl PlanFlags {
    /// The library's request.
    pub fn request(&self) -> Result<PlanRequest, CliError> {
        Ok(PlanRequest {
            skin: self.skin.spec()?,
            dot: self.dot.spec(&self.packaging)?,
            aim: self.aim.spec()?,
            choice: self.choice.spec(),
            fading: self.fading.spec(),
            sessions: self.sessions,
            interval: self.interval.clone(),
            build: self.build.clone(),
            tolerance: self.tolerance,
            touch_up_tolerance: self.touch_up_tolerance,
            start: self.start.clone(),
            years: self.years,
            runs: self.runs,
            seed: self.seed,
            illuminant: self.illuminant.clone(),
            observer: self.observer.clone(),
            curve_every_days: None,
        })
    }

    /// Files the plan reads, and the flags that may name one (never to be overwritten).
    pub fn inputs(&self) -> (Vec<PathBuf>, Vec<&str>) {
        let scar = self.aim.scar_skin.as_deref().unwrap_or("");
        (
            self.choice.inputs(),
            vec![
                self.fading.exposure.as_str(),
                self.skin.skin.as_str(),
                self.fading.aftercare.as_str(),
                scar,
            ],
        )
    }
}

/// A failed plan as the CLI reports it.
pub fn plan_error(e: PlanError) -> CliError {
    match e {
        PlanError::Input(e) => CliError::from(e),
        other => CliError {
            code: EXIT_FAILED,
            message: other.to_string(),
        },
    }
}

fn lab_text(lab: [f64; 3]) -> String {
    format_lab(Lab::new(lab[0], lab[1], lab[2]))
}

fn lab1(lab: [f64; 3]) -> String {
    let r = |v: f64| (v * 10.0).round() / 10.0;
    format_lab(Lab::new(r(lab[0]), r(lab[1]), r(lab[2])))
}

fn years_text(day: f64) -> String {
    format!(
        "day {} (year {})",
        fmt_num(day, 0),
        fmt_num(day / 365.25, 1)
    )
}

pub fn run(a: Args) -> Result<(), CliError> {
    if let Some(out) = &a.plot {
        let (files, maybe) = a.plan.inputs();
        super::guard_outputs(&[out.as_path()], &files, &maybe)?;
        super::check_svg("plot", out)?;
    }
    let catalog = tinct::pigment::Catalog::with_files(&a.plan.choice.catalog)?;
    let report = plan_job(&a.plan.request()?, &catalog).map_err(plan_error)?;
    let viewing = report.viewing;
    if let Some(path) = &a.plot {
        let sessions: Vec<tinct::report::PlanSwatch> = report
            .plan
            .sessions
            .iter()
            .map(|s| tinct::report::PlanSwatch {
                label: format!("session {} (day {})", s.session, s.day),
                ink: std::iter::once(format!(
                    "ink : diluent 1:{}",
                    fmt_num(s.recipe.diluent_parts, 1)
                ))
                .chain(
                    s.recipe
                        .parts
                        .iter()
                        .map(|p| format!("{} {}", p.parts, p.pigment)),
                )
                .collect(),
                fresh_hex: report.hex(s.fresh_lab),
                healed_hex: report.hex(s.healed_lab),
                caption: format!("healed: dE00 {} to the target", fmt_num(s.delta_e, 2)),
            })
            .collect();
        let svg = tinct::report::plan_svg(
            &format!("{}; {}; {viewing}", report.target.what, report.skin.source),
            &report.skin.srgb,
            &report.target.srgb,
            &sessions,
        );
        tinct::io::write_atomic(path, svg.as_bytes())?;
    }
    let dot_text = format!(
        "{}, its top {} mm below the dermo-epidermal junction, {} mm thick",
        report
            .dot
            .diameter_mm
            .map_or("an infinite sheet".to_string(), |d| format!(
                "{} mm across",
                fmt_num(d, 3)
            )),
        fmt_num(report.dot.depth_mm, 3),
        fmt_num(report.dot.thickness_mm, 3)
    );
    if a.json {
        return emit_json(&report);
    }
    let r = &report.plan;
    let mut s = format!(
        "target    {}  {}\nskin      {}  {}\ndot       {dot_text}; {viewing}\nrecipe    {}  heals to {} {}, dE00 {} from the target\n\n",
        lab_text(report.target.lab),
        report.target.what,
        lab_text(report.skin.lab),
        report.skin.source,
        r.recipe.ink.text(),
        lab1(r.recipe.healed_lab),
        report.hex(r.recipe.healed_lab),
        fmt_num(r.recipe.delta_e, 2),
    );
    s.push_str(&format!(
        "{} session{} {} days apart, each building the dot to a share of the recipe's healed pigment ({}):\n",
        r.sessions.len(),
        if r.sessions.len() == 1 { "," } else { "s," },
        r.interval_days,
        r.sessions
            .iter()
            .map(|x| format!("{} %", fmt_num(100.0 * x.build_share, 1)))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    s.push_str(&format!(
        "{:<3} {:>4}  {:<42} {:>9}  {:<17} {:<26} {:>6}\n",
        "#", "day", "ink (parts; ink : diluent)", "deposit", "fresh", "healed (day)", "dE00"
    ));
    for x in &r.sessions {
        let deposit: f64 = x.deposit_g_m2.iter().sum();
        s.push_str(&format!(
            "{:<3} {:>4}  {:<42} {:>9}  {:<17} {:<26} {:>6}\n",
            x.session,
            x.day,
            x.recipe.text(),
            fmt_num(deposit, 2),
            lab1(x.fresh_lab),
            format!("{} ({})", lab1(x.healed_lab), x.healed_day),
            fmt_num(x.delta_e, 2)
        ));
    }
    let loss = r.sessions.first().map_or(0.0, |x| x.healing_loss_share);
    let fresh = if r.kinetics.epidermal_share > 0.0 {
        format!(
            "Fresh: right after the session, with {} % of the deposit in the epidermis over the dot; healed: once the epidermis has shed it.",
            fmt_num(100.0 * r.kinetics.epidermal_share, 1)
        )
    } else {
        "Fresh: right after the session.".to_string()
    };
    s.push_str(&format!(
        "Deposits are g/m^2 of pigment; with {} aftercare healing removes {} % of each over about {} days ({}). {fresh}\n",
        r.aftercare.name,
        fmt_num(100.0 * loss, 0),
        fmt_num(r.kinetics.healing_days, 0),
        if r.aftercare.name == "good" {
            "Bäumler 2015; Lea & Pawlowski 1987".to_string()
        } else {
            r.aftercare.source.clone()
        }
    ));
    match r.sessions_to_target {
        Some(n) => s.push_str(&format!(
            "The healed dot reaches the target (within {} dE00) after session {n} of {}.\n",
            fmt_num(r.reach_tolerance, 2),
            r.sessions.len()
        )),
        None => s.push_str(&format!(
            "No session reaches the target within {} dE00: the recipe itself heals {} dE00 from it.\n",
            fmt_num(r.reach_tolerance, 2),
            fmt_num(r.recipe.delta_e, 2)
        )),
    }
    s.push_str("\naftercare while each session heals (SMP clinics' advice, second-hand; no study measures its effect):\n");
    for line in &r.aftercare_advice {
        s.push_str(&format!("  - {line}\n"));
    }
    let t = &report.annual;
    s.push_str(&format!(
        "\nsun       {}: {} SED a year received, {} SED and {} Mlx h of daylight on the treated skin\n",
        report.exposure,
        fmt_num(t.personal_sed, 0),
        fmt_num(t.scalp_sed, 0),
        fmt_num(t.scalp_daylight_mlxh, 2),
    ));
    let light: Vec<String> = r
        .light
        .iter()
        .filter_map(|l| {
            l.per_year
                .map(|f| format!("{} {} %", l.pigment, fmt_num(100.0 * f, 2)))
        })
        .collect();
    if !light.is_empty() {
        s.push_str(&format!(
            "          light breaks down a year: {}\n",
            light.join(", ")
        ));
    }
    s.push_str(&format!(
        "fading    healed on day {}; a touch-up falls due {} dE00 from that look\n",
        r.healed_day,
        fmt_num(r.touch_up_tolerance, 2)
    ));
    match &r.first_touch_up {
        Some(t) => {
            let dep: f64 = t.deposit_g_m2.iter().sum();
            s.push_str(&format!(
                "touch-up  first on {}: {} (deposit {} g/m^2)\n",
                years_text(t.day as f64),
                t.recipe.text(),
                fmt_num(dep, 2)
            ));
            if r.touch_ups.len() > 1 {
                s.push_str(&format!(
                    "          then on {}\n",
                    r.touch_ups[1..]
                        .iter()
                        .map(|d| years_text(*d as f64))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        None => s.push_str(&format!(
            "touch-up  none within {} years of the healed day\n",
            fmt_num(a.plan.years, 2)
        )),
    }
    if let Some(mc) = &r.monte_carlo {
        let d = |v: Option<f64>| {
            v.map_or(
                format!("beyond {} years", fmt_num(a.plan.years, 2)),
                years_text,
            )
        };
        s.push_str(&format!(
            "Monte Carlo, {} runs (seed {}): first touch-up p10 {}, p50 {}, p90 {}\n",
            mc.runs,
            mc.seed,
            d(mc.p10_day),
            d(mc.p50_day),
            d(mc.p90_day)
        ));
    }
    for id in &r.light_not_modelled {
        s.push_str(&format!(
            "{id}: no Blue Wool grade; its fading by light is left out (give --lightfastness)\n"
        ));
    }
    if near_surface(
        report.dot.diameter_mm,
        report.dot.depth_mm,
        report.dot.corrected,
    ) {
        s.push_str(&format!(
            "colours   the fast finite-dot model's; {NEAR_SURFACE_CAVEAT} (tinct match --monte-carlo reads recipes by it)\n",
        ));
    }
    emit(s.as_bytes())
}
