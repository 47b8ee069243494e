//! `tinct match`.

use std::path::PathBuf;

use serde_json::json;

use tinct::appearance::{appear, Component};
use tinct::colorimetry::spaces::{bradford_adapt, lab_to_xyz, xyz_to_lab, xyz_to_srgb};
use tinct::colorimetry::text::{fmt_num, format_lab};
use tinct::colorimetry::{Illuminant, Lab, Observer, Viewing, WeightingTable, Xyz};
use tinct::difference::ciede2000;
use tinct::formulate::target::Target;
use tinct::formulate::{search, MatchSpec, Recipe};
use tinct::optics::skin::{DotSite, SkinOptics};
use tinct::pigment::{Deposition, Pigment};
use tinct::InputError;

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
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

/// The special metamerism index for a change of illuminant (CIE 015:2004, with a
/// multiplicative correction of the reference mismatch), evaluated with CIEDE2000: the dot
/// under the test illuminant, its XYZ scaled by target/dot under the reference, against the
/// target under the test illuminant: from its spectrum where it has one (`target_test`), else
/// its corresponding colour by Bradford adaptation. Returns (dE00 under the test illuminant
/// without correction, the index).
fn metamerism(
    dot_ref: Xyz,
    dot_test: Xyz,
    target_ref: Xyz,
    target_test: Option<Xyz>,
    white_ref: Xyz,
    white_test: Xyz,
) -> (f64, f64) {
    let target_test =
        target_test.unwrap_or_else(|| bradford_adapt(target_ref, white_ref, white_test));
    let corrected = Xyz::new(
        dot_test.x * target_ref.x / dot_ref.x,
        dot_test.y * target_ref.y / dot_ref.y,
        dot_test.z * target_ref.z / dot_ref.z,
    );
    let t = xyz_to_lab(target_test, white_test);
    (
        ciede2000(t, xyz_to_lab(dot_test, white_test), 1.0, 1.0, 1.0),
        ciede2000(t, xyz_to_lab(corrected, white_test), 1.0, 1.0, 1.0),
    )
}

struct Evaluated {
    loads: Vec<(String, f64, Option<u32>)>,
    diluent_parts: Option<f64>,
    lab: Lab,
    srgb: String,
    delta_e: f64,
    delta_e_exact: f64,
    under: Vec<(String, f64, f64)>,
    cool_bluer_b: f64,
}

fn evaluate(
    r: &Recipe<'_>,
    skin: &SkinOptics,
    site: &DotSite,
    tables: &[(Illuminant, &WeightingTable)],
    target: Lab,
    target_spectrum: Option<&tinct::spectrum::Spectrum>,
) -> Result<Evaluated, CliError> {
    type Used<'p> = (Vec<(&'p Pigment, f64)>, Option<Vec<u32>>, Option<f64>);
    let (loads_used, parts, n): Used<'_> = match &r.mixed {
        Some(m) => (
            m.loads.clone(),
            Some(m.parts.iter().map(|(_, k)| *k).collect()),
            Some(m.diluent_parts),
        ),
        None => (r.loads.clone(), None, None),
    };
    let comps: Vec<Component<'_>> = loads_used
        .iter()
        .map(|(p, w)| Component {
            pigment: p,
            load_g_m2: *w,
        })
        .collect();
    let (_, ref_table) = tables[0];
    // One transport solution gives the spectrum and the cool cast.
    let a = appear(skin, site, &comps, ref_table)?;
    let spectrum = a.dot_spectrum;
    let white_ref = ref_table.white();
    let dot_ref = ref_table.xyz(&spectrum);
    let lab = xyz_to_lab(dot_ref, white_ref);
    let target_ref = lab_to_xyz(target, white_ref);
    let mut under = Vec::new();
    for (ill, t) in &tables[1..] {
        let target_test = target_spectrum.map(|r| t.xyz(r));
        let (d, m) = metamerism(
            dot_ref,
            t.xyz(&spectrum),
            target_ref,
            target_test,
            white_ref,
            t.white(),
        );
        under.push((ill.name().to_string(), d, m));
    }
    Ok(Evaluated {
        loads: loads_used
            .iter()
            .enumerate()
            .map(|(i, (p, w))| (p.id.clone(), *w, parts.as_ref().map(|v| v[i])))
            .collect(),
        diluent_parts: n,
        lab,
        srgb: xyz_to_srgb(dot_ref, white_ref).hex(),
        delta_e: ciede2000(lab, target, 1.0, 1.0, 1.0),
        delta_e_exact: r.delta_e,
        under,
        cool_bluer_b: a.cool_cast.bluer_b,
    })
}

pub fn run(a: Args) -> Result<(), CliError> {
    if let Some(t) = a.tolerance {
        InputError::check_range("tolerance", t, 1e-9, 1e9, "a dE00 above 0")?;
    }
    if a.illuminants.is_empty() {
        return Err(InputError::Invalid {
            field: "illuminants".into(),
            message: "give at least one".into(),
        }
        .into());
    }
    let observer: Observer = a.observer.parse()?;
    let mut tables = Vec::new();
    for name in &a.illuminants {
        let ill: Illuminant = name.parse()?;
        tables.push((ill, WeightingTable::for_grid(Viewing::new(ill, observer))));
    }
    let (primary, table) = tables[0];
    let viewing = Viewing::new(primary, observer);
    if let Some(out) = &a.swatch {
        let scar = a.aim.scar_skin.as_deref().unwrap_or("");
        super::guard_outputs(&[out.as_path()], &a.choice.inputs(), &[&a.skin.skin, scar])?;
        super::check_svg("swatch", out)?;
    }
    let (catalog, ids) = a.choice.catalog()?;
    let pigments = super::args::PigmentArgs::chosen(&catalog, &ids)?;
    let (depth, thickness) = a.dot.depth_and_thickness()?;
    a.dot.diameter_mm()?;
    let skin = a.skin.resolve(table)?;
    let skin_lab = table.lab(&skin.optics.reflectance());
    // The target, its spectrum where it has one (the follicle, shading and scar are built
    // through the skin's optics), and how it was built.
    let aim = a.aim.aim(&a.skin, table)?;
    let Target {
        lab: target,
        what: target_label,
        spectrum: target_spectrum,
        dot_skin,
        built,
    } = tinct::formulate::target::build(&skin.optics, &aim, table)?;
    let site = a.dot.site(&dot_skin, a.packaging.packaging())?;
    let spec = MatchSpec {
        site: &site,
        table,
        target,
        pigments,
        max_pigments: a.choice.max_pigments,
        parts: a.choice.parts,
        deposition: Deposition::default(),
    };
    let recipes = search(&spec)?;
    if recipes.is_empty() {
        // Every pigment only moves the dot away from the target: the bare skin is closest.
        let bare = table.lab(&site.reflectance(&tinct::optics::skin::DotPigment::none())?);
        let d = ciede2000(bare, target, 1.0, 1.0, 1.0);
        return Err(CliError {
            code: EXIT_FAILED,
            message: format!(
                "no recipe: the bare skin, {1}, is closest to {0} (dE00 {2}); no pigment brings \
                 the dot closer",
                format_lab(target),
                format_lab(bare),
                fmt_num(d, 2)
            ),
        });
    }
    let evaluations: u64 = recipes.iter().map(|r| r.evaluations).sum();
    let durable = match a.rank.as_str() {
        "closest" => false,
        "durable" => true,
        other => {
            return Err(InputError::Unknown {
                field: "rank".into(),
                kind: "ranking",
                value: other.to_string(),
                known: "closest, durable".into(),
            }
            .into())
        }
    };
    if durable && a.years.is_none() {
        return Err(InputError::Invalid {
            field: "rank".into(),
            message: "--rank durable needs --years N (and --exposure)".into(),
        }
        .into());
    }
    // Fading: each recipe (as mixed) over the years, against the target.
    let mut order: Vec<usize> = (0..recipes.len()).collect();
    let mut aged: Vec<Option<(f64, f64)>> = vec![None; recipes.len()];
    // Pigments of the shown recipes whose fading by light is not modelled, and why.
    let mut unmodelled: Vec<(String, String)> = Vec::new();
    if let Some(years) = a.years {
        let d = super::fade::Durability::new(&catalog, &a.exposure, &a.lightfastness, years)?;
        unmodelled = d.unmodelled(
            recipes
                .iter()
                .take(a.top.max(1))
                .flat_map(|r| r.mixed.as_ref().map_or(&r.loads, |m| &m.loads).iter())
                .map(|(p, _)| p.id.as_str()),
        );
        let considered = if durable { recipes.len() } else { a.top.max(1) };
        for (i, r) in recipes.iter().enumerate().take(considered) {
            let loads = r.mixed.as_ref().map_or(&r.loads, |m| &m.loads);
            aged[i] = Some(d.evaluate(&site, table, loads, target)?);
        }
        if durable {
            order.sort_by(|&i, &j| {
                let w = |k: usize| aged[k].map_or(f64::INFINITY, |x| x.1);
                w(i).total_cmp(&w(j))
            });
        }
    }
    let shown: Vec<Evaluated> = order
        .iter()
        .take(a.top.max(1))
        .map(|&i| {
            evaluate(
                &recipes[i],
                &dot_skin,
                &site,
                &tables,
                target,
                target_spectrum.as_ref(),
            )
        })
        .collect::<Result<_, _>>()?;
    let shown_aged: Vec<Option<(f64, f64)>> =
        order.iter().take(a.top.max(1)).map(|&i| aged[i]).collect();
    let best = shown[0].delta_e;
    let tolerance = a.tolerance.unwrap_or(tinct::formulate::DEFAULT_TOLERANCE);
    let reached = best <= tolerance;
    if let Some(path) = &a.swatch {
        let r1 = |v: f64| (v * 10.0).round() / 10.0;
        let dots: Vec<(String, String)> = std::iter::once((
            format!(
                "target\n{}",
                format_lab(Lab::new(r1(target.l), r1(target.a), r1(target.b)))
            ),
            xyz_to_srgb(lab_to_xyz(target, table.white()), table.white()).hex(),
        ))
        .chain(shown.iter().enumerate().map(|(i, e)| {
            // The recipe as it is mixed, one pigment a line, and its dilution.
            let mut label = format!("#{} dE00 {}", i + 1, fmt_num(e.delta_e, 2));
            for (id, w, p) in &e.loads {
                match p {
                    Some(k) if *k > 0 => label.push_str(&format!("\n{k} {id}")),
                    Some(_) => {}
                    None => label.push_str(&format!("\n{id} {} g/m^2", fmt_num(*w, 3))),
                }
            }
            if let Some(n) = e.diluent_parts {
                label.push_str(&format!("\nink : diluent 1:{}", fmt_num(n, 1)));
            }
            (label, e.srgb.clone())
        }))
        .collect();
        let svg = tinct::report::dots_on_skin_svg(
            &format!("{target_label}; {viewing}"),
            &xyz_to_srgb(lab_to_xyz(skin_lab, table.white()), table.white()).hex(),
            &skin.description,
            &dots,
        );
        tinct::io::write_atomic(path, svg.as_bytes())?;
    }
    if a.json {
        let rs: Vec<_> = shown
            .iter()
            .zip(&shown_aged)
            .map(|(e, aged)| {
                json!({
                    "after_years": aged.map(|(after, worst)| json!({"years": a.years, "delta_e": after, "worst_delta_e": worst, "exposure": a.exposure,
                        "light_not_modelled": unmodelled.iter().filter(|(id, _)| e.loads.iter().any(|(l, _, _)| l == id)).map(|(id, why)| json!({"pigment": id, "why": why})).collect::<Vec<_>>()})),
                    "components": e.loads.iter().map(|(id, w, p)| json!({"pigment": id, "load_g_m2": w, "parts": p})).collect::<Vec<_>>(),
                    "diluent_parts": e.diluent_parts,
                    "lab": [e.lab.l, e.lab.a, e.lab.b], "srgb": e.srgb,
                    "delta_e": e.delta_e, "delta_e_exact_loads": e.delta_e_exact,
                    "delta_e_under": e.under.iter().map(|(n, d, _)| (n.clone(), json!(d))).collect::<serde_json::Map<_, _>>(),
                    "metamerism": e.under.iter().map(|(n, _, m)| (n.clone(), json!(m))).collect::<serde_json::Map<_, _>>(),
                    "cool_cast_bluer_b": e.cool_bluer_b,
                })
            })
            .collect();
        let (skin_parameters, skin_fit) = tinct::appearance::skin_json(&skin);
        emit_json(&json!({
            "target": {"lab": [target.l, target.a, target.b], "what": target_label, "built": built},
            "skin": {"lab": [skin_lab.l, skin_lab.a, skin_lab.b], "source": skin.description,
                     "parameters": skin_parameters, "fit": skin_fit},
            "recipes": rs,
            "reached": reached, "tolerance": tolerance,
            "evaluations": evaluations,
            "metamerism_index": "CIE 015:2004 special metamerism index (change in illuminant), multiplicative correction, CIEDE2000; target under the test illuminant from its spectrum (follicle, shading, scar) or, for a --target colour, by Bradford adaptation",
            "illuminants": a.illuminants, "observer": observer.degrees(), "depth_mm": depth, "dot_diameter_mm": site.dot_diameter_mm(), "packaging": a.packaging.json(),
        }))?;
    } else {
        let mut s = format!(
            "target    {}  {}\nskin      {}  {}\ndot       {}, its top {} mm below the dermo-epidermal junction, {} mm thick; {viewing}\n\n",
            format_lab(target),
            target_label,
            format_lab(skin_lab),
            skin.description,
            site.dot_diameter_mm().map_or("an infinite sheet".to_string(), |d| format!("{} mm across", fmt_num(d, 3))),
            fmt_num(depth, 3),
            fmt_num(thickness, 3)
        );
        let extra: Vec<String> = tables[1..]
            .iter()
            .map(|(i, _)| i.name().to_string())
            .collect();
        let pad = if swatch("#000000").is_empty() {
            ""
        } else {
            "       "
        };
        s.push_str(&format!(
            "{:<3} {pad}{:<44} {:<26} {:>6} {}{:>6}\n",
            "#",
            if a.choice.parts > 0 {
                "mix (parts; ink : diluent)"
            } else {
                "loads (g/m^2)"
            },
            "healed dot",
            "dE00",
            extra
                .iter()
                .map(|n| format!("{:>10}", format!("{n} dE/M")))
                .collect::<String>(),
            "cast"
        ));
        for (i, e) in shown.iter().enumerate() {
            let mix = match e.diluent_parts {
                Some(n) => format!(
                    "{}; 1:{}",
                    e.loads
                        .iter()
                        .filter(|(_, _, p)| p.unwrap_or(0) > 0)
                        .map(|(id, _, p)| format!("{} {id}", p.unwrap_or(0)))
                        .collect::<Vec<_>>()
                        .join(" + "),
                    fmt_num(n, 1)
                ),
                None => e
                    .loads
                    .iter()
                    .filter(|(_, w, _)| *w > 1e-6 * e.loads.iter().map(|l| l.1).sum::<f64>())
                    .map(|(id, w, _)| format!("{id} {}", fmt_num(*w, 3)))
                    .collect::<Vec<_>>()
                    .join(" + "),
            };
            s.push_str(&format!(
                "{:<3} {}{:<44} {:<26} {:>6} {}{:>6}\n",
                i + 1,
                swatch(&e.srgb),
                mix,
                format!(
                    "{} {}",
                    format_lab(Lab::new(
                        (e.lab.l * 10.0).round() / 10.0,
                        (e.lab.a * 10.0).round() / 10.0,
                        (e.lab.b * 10.0).round() / 10.0
                    )),
                    e.srgb
                ),
                fmt_num(e.delta_e, 2),
                e.under
                    .iter()
                    .map(|(_, d, m)| format!(
                        "{:>10}",
                        format!("{}/{}", fmt_num(*d, 1), fmt_num(*m, 2))
                    ))
                    .collect::<String>(),
                fmt_num(e.cool_bluer_b, 1)
            ));
        }
        if let Some(years) = a.years {
            s.push_str(&format!(
                "\nAfter {} years of {} sun, without touch-ups ({}):\n",
                fmt_num(years, 2),
                a.exposure,
                if durable {
                    "ranked by the worst dE00 from the target over those years"
                } else {
                    "ranked by the healed dE00"
                }
            ));
            for (i, aged) in shown_aged.iter().enumerate() {
                if let Some((after, worst)) = aged {
                    s.push_str(&format!(
                        "{:<3} dE00 from the target {} (worst over the years {})\n",
                        i + 1,
                        fmt_num(*after, 2),
                        fmt_num(*worst, 2)
                    ));
                }
            }
            for (id, why) in &unmodelled {
                s.push_str(&format!(
                    "{id}: {why}; its fading by light is left out of these figures\n"
                ));
            }
        }
        if !reached {
            // True of the table: the darkest recipe shown, when the target is darker still.
            let darkest = shown.iter().map(|e| e.lab.l).fold(f64::INFINITY, f64::min);
            s.push_str(&format!(
                "\nNo recipe reaches the target within dE00 {}: the closest heals {} dE00 away, at {}.{}\n",
                fmt_num(tolerance, 2),
                fmt_num(best, 2),
                format_lab(shown[0].lab),
                if target.l < darkest {
                    format!(
                        " None of these recipes heals darker than L* {} in this skin at {} mm; \
                         a shallower dot reads darker.",
                        fmt_num(darkest, 1),
                        fmt_num(depth, 3)
                    )
                } else {
                    String::new()
                }
            ));
        }
        s.push_str(&format!(
            "\nLoads are healed g/m^2 (undiluted ink leaves {} g/m^2); dE/M: dE00 under that light / CIE 15 special metamerism index.\n{} pigment subsets searched ({} distinct recipes), {} appearance evaluations.\n",
            fmt_num(Deposition::default().undiluted_load_g_m2 * Deposition::default().retained_after_healing, 2),
            tinct::formulate::subset_count(spec.pigments.len(), spec.max_pigments),
            recipes.len(),
            evaluations
        ));
        emit(s.as_bytes())?;
    }
    if reached || a.tolerance.is_none() {
        Ok(())
    } else {
        Err(CliError {
            code: EXIT_FAILED,
            message: format!(
                "no recipe reaches dE00 <= {} (the closest: {})",
                fmt_num(tolerance, 2),
                fmt_num(best, 2)
            ),
        })
    }
}
