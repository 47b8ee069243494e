//! `tinct match`.

use std::path::PathBuf;

use tinct::colorimetry::text::{fmt_num, format_lab};
use tinct::colorimetry::Lab;
use tinct::formulate::job::{match_job, MatchError, MatchRequest};
use tinct::optics::dot::{near_surface, NEAR_SURFACE_CAVEAT};
use tinct::pigment::Deposition;

use super::{emit, emit_json, swatch, CliError, EXIT_FAILED};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub skin: super::SkinArgs,
    #[command(flatten)]
    pub packaging: super::PackagingArgs,
    #[command(flatten)]
    pub aim: super::args::TargetArgs,
    #[command(flatten)]
    pub choice: super::args::PigmentArgs,
    /// Illuminants, the first primary: e.g. D65,A,F11.
    #[arg(
        long,
        default_value = "D65,A,F11",
        value_name = "LIST",
        value_delimiter = ','
    )]
    pub illuminants: Vec<String>,
    /// Standard observer: 10 (CIE 1964) or 2.
    #[arg(long, default_value = "10", value_name = "DEGREES")]
    pub observer: String,
    #[command(flatten)]
    pub dot: super::DotArgs,
    /// How many recipes to show.
    #[arg(long, default_value_t = 5, value_name = "K")]
    pub top: usize,
    /// How close (dE00) a recipe must heal to the target to reach it (default 3). Given
    /// explicitly, the command exits 1 when none does (the closest are still printed).
    #[arg(long, value_name = "DE00")]
    pub tolerance: Option<f64>,
    /// Write an SVG with the target, the skin and the top recipes side by side.
    #[arg(long, value_name = "FILE")]
    pub swatch: Option<PathBuf>,
    /// Also predict each recipe after this many years of fading in the --exposure sun.
    #[arg(long, value_name = "YEARS")]
    pub years: Option<f64>,
    /// Sun exposure for --years: indoor, mixed, outdoor-worker, high-uv, or a TOML profile.
    #[arg(long, default_value = "mixed", value_name = "PRESET|FILE")]
    pub exposure: String,
    /// A pigment's Blue Wool grade (1-8) where the catalog has none, e.g. carbon-black=8;
    /// repeatable (for --years).
    #[arg(long = "lightfastness", value_name = "ID=GRADE")]
    pub lightfastness: Vec<String>,
    /// closest (dE00 of the freshly healed dot) or durable (the worst dE00 from the target
    /// over --years: the mix that stays right longest).
    #[arg(long, default_value = "closest", value_name = "RANK")]
    pub rank: String,
    /// Also read each shown recipe's dot by the 3-D Monte Carlo (the fast model's reference,
    /// most off for faint or clear dots right under the epidermis) and rank by it: about 2 s a
    /// recipe at the default photons.
    #[arg(long)]
    pub monte_carlo: bool,
    /// Monte Carlo photons per band (at most 1000000); 5000 give L* within about 0.1.
    #[arg(
        long,
        default_value_t = 5_000,
        value_name = "N",
        requires = "monte_carlo"
    )]
    pub photons: u64,
    /// Monte Carlo seed: the same seed and photons give the same answer on any machine.
    #[arg(
        long,
        default_value_t = 1,
        value_name = "SEED",
        requires = "monte_carlo"
    )]
    pub seed: u64,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    if let Some(out) = &a.swatch {
        let scar = a.aim.scar_skin.as_deref().unwrap_or("");
        super::guard_outputs(&[out.as_path()], &a.choice.inputs(), &[&a.skin.skin, scar])?;
        super::check_svg("swatch", out)?;
    }
    let catalog = tinct::pigment::Catalog::with_files(&a.choice.catalog)?;
    let req = MatchRequest {
        skin: a.skin.spec()?,
        dot: a.dot.spec(&a.packaging)?,
        aim: a.aim.spec()?,
        choice: a.choice.spec(),
        illuminants: a.illuminants.clone(),
        observer: a.observer.clone(),
        top: a.top,
        tolerance: a.tolerance,
        years: a.years,
        exposure: a.exposure.clone(),
        lightfastness: a.lightfastness.clone(),
        rank: a.rank.clone(),
        monte_carlo: a.monte_carlo,
        photons: a.photons,
        seed: a.seed,
    };
    let r = match_job(&req, &catalog).map_err(|e| match e {
        MatchError::Input(e) => CliError::from(e),
        other => CliError {
            code: EXIT_FAILED,
            message: other.to_string(),
        },
    })?;
    let shown = &r.recipes;
    // What the table shows of a recipe's dot: the Monte Carlo's reading when there is one.
    let read = |e: &tinct::formulate::job::RecipeReport| match &e.monte_carlo {
        Some(m) => (m.lab, m.srgb.clone(), m.delta_e),
        None => (e.lab, e.srgb.clone(), e.delta_e),
    };
    let best = read(&shown[0]).2;
    let target = Lab::new(r.target.lab[0], r.target.lab[1], r.target.lab[2]);
    let viewing = r.viewing;
    if let Some(path) = &a.swatch {
        let r1 = |v: f64| (v * 10.0).round() / 10.0;
        let dots: Vec<(String, String)> = std::iter::once((
            format!(
                "target\n{}",
                format_lab(Lab::new(r1(target.l), r1(target.a), r1(target.b)))
            ),
            r.target.srgb.clone(),
        ))
        .chain(shown.iter().enumerate().map(|(i, e)| {
            // The recipe as it is mixed, one pigment a line, and its dilution.
            let mut label = format!("#{} dE00 {}", i + 1, fmt_num(read(e).2, 2));
            for c in &e.components {
                match c.parts {
                    Some(k) if k > 0 => label.push_str(&format!("\n{k} {}", c.pigment)),
                    Some(_) => {}
                    None => label.push_str(&format!(
                        "\n{} {} g/m^2",
                        c.pigment,
                        fmt_num(c.load_g_m2, 3)
                    )),
                }
            }
            if let Some(n) = e.diluent_parts {
                label.push_str(&format!("\nink : diluent 1:{}", fmt_num(n, 1)));
            }
            (label, read(e).1)
        }))
        .collect();
        let svg = tinct::report::dots_on_skin_svg(
            &format!("{}; {viewing}", r.target.what),
            &r.skin.srgb,
            &r.skin.source,
            &dots,
        );
        tinct::io::write_atomic(path, svg.as_bytes())?;
    }
    if a.json {
        emit_json(&r)?;
    } else {
        let skin_lab = Lab::new(r.skin.lab[0], r.skin.lab[1], r.skin.lab[2]);
        let mut s = format!(
            "target    {}  {}\nskin      {}  {}\ndot       {}, its top {} mm below the dermo-epidermal junction, {} mm thick; {viewing}\n\n",
            format_lab(target),
            r.target.what,
            format_lab(skin_lab),
            r.skin.source,
            r.dot_diameter_mm.map_or("an infinite sheet".to_string(), |d| format!("{} mm across", fmt_num(d, 3))),
            fmt_num(r.depth_mm, 3),
            fmt_num(r.thickness_mm, 3)
        );
        let extra: Vec<&String> = r.illuminants[1..].iter().collect();
        let pad = if swatch("#000000").is_empty() {
            ""
        } else {
            "       "
        };
        let mc = r.monte_carlo.is_some();
        s.push_str(&format!(
            "{:<3} {pad}{:<44} {:<26} {:>6} {}{}{:>6}\n",
            "#",
            if a.choice.parts > 0 {
                "mix (parts; ink : diluent)"
            } else {
                "loads (g/m^2)"
            },
            if mc {
                "healed dot (3-D MC)"
            } else {
                "healed dot"
            },
            "dE00",
            if mc {
                format!("{:>6}", "fast")
            } else {
                String::new()
            },
            extra
                .iter()
                .map(|n| format!("{:>10}", format!("{} dE/M", illuminant_name(n))))
                .collect::<String>(),
            "cast"
        ));
        for (i, e) in shown.iter().enumerate() {
            let total: f64 = e.components.iter().map(|c| c.load_g_m2).sum();
            let mix = match e.diluent_parts {
                Some(n) => format!(
                    "{}; 1:{}",
                    e.components
                        .iter()
                        .filter(|c| c.parts.unwrap_or(0) > 0)
                        .map(|c| format!("{} {}", c.parts.unwrap_or(0), c.pigment))
                        .collect::<Vec<_>>()
                        .join(" + "),
                    fmt_num(n, 1)
                ),
                None => e
                    .components
                    .iter()
                    .filter(|c| c.load_g_m2 > 1e-6 * total)
                    .map(|c| format!("{} {}", c.pigment, fmt_num(c.load_g_m2, 3)))
                    .collect::<Vec<_>>()
                    .join(" + "),
            };
            let (lab, srgb, de) = read(e);
            s.push_str(&format!(
                "{:<3} {}{:<44} {:<26} {:>6} {}{}{:>6}\n",
                i + 1,
                swatch(&srgb),
                mix,
                format!(
                    "{} {}",
                    format_lab(Lab::new(
                        (lab[0] * 10.0).round() / 10.0,
                        (lab[1] * 10.0).round() / 10.0,
                        (lab[2] * 10.0).round() / 10.0
                    )),
                    srgb
                ),
                fmt_num(de, 2),
                if mc {
                    format!("{:>6}", fmt_num(e.delta_e, 2))
                } else {
                    String::new()
                },
                e.delta_e_under
                    .iter()
                    .zip(&e.metamerism)
                    .map(|((_, d), (_, m))| format!(
                        "{:>10}",
                        format!(
                            "{}/{}",
                            fmt_num(d.as_f64().unwrap_or(f64::NAN), 1),
                            fmt_num(m.as_f64().unwrap_or(f64::NAN), 2)
                        )
                    ))
                    .collect::<String>(),
                fmt_num(e.cool_cast_bluer_b, 1)
            ));
        }
        if let Some(years) = a.years {
            s.push_str(&format!(
                "\nAfter {} years of {} sun, without touch-ups ({}):\n",
                fmt_num(years, 2),
                a.exposure,
                if r.durable {
                    "ranked by the worst dE00 from the target over those years"
                } else {
                    "ranked by the healed dE00"
                }
            ));
            for (i, e) in shown.iter().enumerate() {
                if let Some(y) = &e.after_years {
                    s.push_str(&format!(
                        "{:<3} dE00 from the target {} (worst over the years {})\n",
                        i + 1,
                        fmt_num(y.delta_e, 2),
                        fmt_num(y.worst_delta_e, 2)
                    ));
                }
            }
            for u in &r.light_not_modelled {
                s.push_str(&format!(
                    "{}: {}; its fading by light is left out of these figures\n",
                    u.pigment, u.why
                ));
            }
        }
        if let Some(run) = &r.monte_carlo {
            let worst_l = shown
                .iter()
                .filter_map(|e| e.monte_carlo.as_ref())
                .map(|m| m.lab_std_error[0])
                .fold(0.0, f64::max);
            s.push_str(&format!(
                "\nHealed dots read by the 3-D Monte Carlo ({} photons a band, seed {}; L* within {} at one standard error) and {}; fast: the fast model's dE00, which the search steered by (as are the dE/M and cast columns).\n",
                run.photons,
                run.seed,
                fmt_num(worst_l, 2),
                if r.durable {
                    "ranked by durability"
                } else {
                    "ranked by it"
                }
            ));
        }
        if !r.reached {
            // True of the table: the darkest recipe shown, when the target is darker still.
            let darkest = shown
                .iter()
                .map(|e| read(e).0[0])
                .fold(f64::INFINITY, f64::min);
            s.push_str(&format!(
                "\nNo recipe reaches the target within dE00 {}: the closest heals {} dE00 away, at {}.{}\n",
                fmt_num(r.tolerance, 2),
                fmt_num(best, 2),
                {
                    let lab = read(&shown[0]).0;
                    format_lab(Lab::new(lab[0], lab[1], lab[2]))
                },
                if target.l < darkest {
                    format!(
                        " None of these recipes heals darker than L* {} in this skin at {} mm; \
                         a shallower dot reads darker.",
                        fmt_num(darkest, 1),
                        fmt_num(r.depth_mm, 3)
                    )
                } else {
                    String::new()
                }
            ));
        }
        if r.monte_carlo.is_none() && near_surface(r.dot_diameter_mm, r.depth_mm, r.dot_corrected) {
            s.push_str(&format!(
                "\nColours are the fast finite-dot model's; {NEAR_SURFACE_CAVEAT}. --monte-carlo reads these recipes by the Monte Carlo and ranks by it (about 2 s a recipe).\n",
            ));
        }
        s.push_str(&format!(
            "\nLoads are healed g/m^2 (undiluted ink leaves {} g/m^2); dE/M: dE00 under that light / CIE 15 special metamerism index.\n{} pigment subsets searched ({} distinct recipes), {} appearance evaluations.\n",
            fmt_num(Deposition::default().undiluted_load_g_m2 * Deposition::default().retained_after_healing, 2),
            r.subsets,
            r.recipes_found,
            r.evaluations
        ));
        emit(s.as_bytes())?;
    }
    if r.reached || a.tolerance.is_none() {
        Ok(())
    } else {
        Err(CliError {
            code: EXIT_FAILED,
            message: format!(
                "no recipe reaches dE00 <= {} (the closest: {})",
                fmt_num(r.tolerance, 2),
                fmt_num(best, 2)
            ),
        })
    }
}

/// An illuminant as the table heads it (its canonical name).
fn illuminant_name(text: &str) -> String {
    text.parse::<tinct::colorimetry::Illuminant>()
        .map_or_else(|_| text.to_string(), |i| i.name().to_string())
}
