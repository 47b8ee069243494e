//! `tinct fit`.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use serde_json::json;

use tinct::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
use tinct::fit::job::{fit_amounts, outcome, FitError, FitOutcome, FitRequest, RecipeOptic};
use tinct::fit::table::{group, parameter_table, read, to_bytes, Columns, Row};
use tinct::fit::{fit_lab_series, pick_by_aic, Kind};
use tinct::InputError;

use super::{emit, emit_json, CliError, EXIT_FAILED};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Measurements in long format, CSV or Parquet (.parquet): one row per measurement.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// The series id column.
    #[arg(long, default_value = "series", value_name = "COLUMN")]
    pub id: String,
    /// The time column (rates come out per unit of it).
    #[arg(long, default_value = "day", value_name = "COLUMN")]
    pub time: String,
    /// The relative amount column (1 at the freshly healed point).
    #[arg(long, default_value = "amount", value_name = "COLUMN")]
    pub value: String,
    /// L*, a*, b* columns instead of an amount, e.g. L,a,b: the fit goes through the optics
    /// model of --recipe in --skin.
    #[arg(long, value_name = "L,A,B", value_delimiter = ',')]
    pub lab: Vec<String>,
    /// A per-series dose rate column, for biexp-dose (the slow rate is kd times it).
    #[arg(long, value_name = "COLUMN")]
    pub dose: Option<String>,
    /// mono, biexp, biexp-dose, or auto (mono and biexp, the better by AIC per series).
    #[arg(long, default_value = "biexp", value_name = "MODEL")]
    pub model: String,
    /// Rates shared by all series, one amplitude per series (biexp, biexp-dose).
    #[arg(long)]
    pub pooled: bool,
    /// Residual bootstrap runs for the intervals (0: from the Jacobian).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub bootstrap: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 7, value_name = "SEED")]
    pub seed: u64,
    /// For --lab: the recipe, ID:LOAD[,ID:LOAD...] in g/m^2 of the healed dot (default: each
    /// series' --recipe-column).
    #[arg(long, value_name = "RECIPE")]
    pub recipe: Option<String>,
    /// For --lab: the skin, fitzpatrick:I..VI, a colour or a spectrum CSV (default: each
    /// series' --skin-column).
    #[arg(long, value_name = "SKIN", allow_hyphen_values = true)]
    pub skin: Option<String>,
    /// For --lab without --recipe: the column holding each series' recipe.
    #[arg(long, default_value = "recipe", value_name = "COLUMN")]
    pub recipe_column: String,
    /// For --lab without --skin: the column holding each series' skin.
    #[arg(long, default_value = "skin", value_name = "COLUMN")]
    pub skin_column: String,
    /// For --lab: where the dot sits and its size (as appear, match and fade).
    #[command(flatten)]
    pub dot: super::DotArgs,
    /// For --lab: extra catalog entries (TOML).
    #[arg(long, value_name = "FILE")]
    pub catalog: Vec<PathBuf>,
    /// The parameter table: .csv or .parquet (default: CSV on stdout).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// One JSON document with every series (for small runs).
    #[arg(long)]
    pub json: bool,
    /// An SVG of the data, fitted curve and 95 % band of up to six series.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
}

pub fn run(mut a: Args) -> Result<(), CliError> {
    super::dash_is_stdout(&mut a.output);
    if let Some(p) = &a.plot {
        super::check_svg("plot", p)?;
    }
    let mut inputs = vec![a.input.clone()];
    inputs.extend(a.catalog.iter().cloned());
    let outputs: Vec<&std::path::Path> = a
        .output
        .iter()
        .chain(&a.plot)
        .map(PathBuf::as_path)
        .collect();
    super::guard_outputs(&outputs, &inputs, &[a.skin.as_deref().unwrap_or("")])?;
    let request = FitRequest {
        model: a.model.clone(),
        pooled: a.pooled,
        bootstrap: a.bootstrap,
        seed: a.seed,
    };
    let model = request.kind()?;
    let lab = match a.lab.as_slice() {
        [] => None,
        [l, aa, b] => Some([l.clone(), aa.clone(), b.clone()]),
        other => {
            return Err(InputError::Malformed {
                field: "lab".into(),
                value: other.join(","),
                expected: "three column names, L,a,b".into(),
            }
            .into())
        }
    };
    let cols = Columns {
        id: a.id.clone(),
        time: a.time.clone(),
        value: Some(a.value.clone()),
        lab: lab.clone(),
        dose: a.dose.clone(),
    };
    let df = read(&a.input)?;
    let g = group(&df, &a.input, &cols)?;
    let total = g.problems.len();
    request.validate(total, a.dose.is_some())?;
    let bar = (std::io::stderr().is_terminal() && total >= 200).then(|| {
        let b = indicatif::ProgressBar::new(total as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("fit {bar:40} {pos}/{len} series ({eta})")
                .expect("valid template"),
        );
        b
    });
    let progress = |n: usize| {
        if let Some(b) = &bar {
            b.set_position(n as u64);
        }
    };
    let outcome = if lab.is_some() {
        if a.pooled || a.bootstrap > 0 {
            return Err(InputError::Invalid {
                field: "lab".into(),
                message: "--pooled and --bootstrap work on amounts, not on L*, a*, b*".into(),
            }
            .into());
        }
        let table = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
        let catalog = tinct::pigment::Catalog::with_files(&a.catalog)?;
        a.dot.depth_and_thickness()?;
        a.dot.diameter_mm()?;
        // Recipe and skin per series: the flags, else the series' own columns.
        let per_series =
            |flag: &Option<String>, column: &str| -> Result<Vec<Option<String>>, CliError> {
                Ok(match flag {
                    Some(v) => vec![Some(v.clone()); total],
                    None => match tinct::fit::table::column_strings(&df, &a.input, &g, column) {
                        Ok(v) => v
                            .into_iter()
                            .map(|x| (!x.is_empty()).then_some(x))
                            .collect(),
                        Err(_) => vec![None; total],
                    },
                })
            };
        // A recipe or skin given as a flag is checked here: a bad one is bad input (exit 2),
        // not a failure of every series.
        if let Some(r) = &a.recipe {
            for (id, _) in super::parse_loads(r)? {
                catalog.get(&id).map_err(|e| e.at("recipe"))?;
            }
        }
        let mut optics: HashMap<(String, String), Result<RecipeOptic, String>> = HashMap::new();
        if let (Some(r), Some(sk)) = (&a.recipe, &a.skin) {
            let o = optic(&catalog, table, r, sk, &a.dot)?;
            optics.insert((r.clone(), sk.clone()), Ok(o));
        }
        let recipes = per_series(&a.recipe, &a.recipe_column)?;
        let skins = per_series(&a.skin, &a.skin_column)?;
        if recipes.iter().all(Option::is_none) || skins.iter().all(Option::is_none) {
            return Err(InputError::Invalid {
                field: "lab".into(),
                message: format!(
                    "fitting L*, a*, b* goes through the optics: give --recipe and --skin, or \
                     columns {:?} and {:?} per series",
                    a.recipe_column, a.skin_column
                ),
            }
            .into());
        }
        for (r, sk) in recipes.iter().zip(&skins) {
            if let (Some(r), Some(sk)) = (r, sk) {
                optics.entry((r.clone(), sk.clone())).or_insert_with(|| {
                    optic(&catalog, table, r, sk, &a.dot).map_err(|e| e.message)
                });
            }
        }
        use rayon::prelude::*;
        let rows: Vec<Row> = g
            .lab_series
            .par_iter()
            .zip(&g.problems)
            .zip(recipes.par_iter().zip(&skins))
            .map(|((s, problem), (r, sk))| {
                if let Some(p) = problem {
                    return Err(p.clone());
                }
                let (Some(r), Some(sk)) = (r, sk) else {
                    return Err("no recipe or skin for this series".into());
                };
                let o = optics[&(r.clone(), sk.clone())]
                    .as_ref()
                    .map_err(Clone::clone)?;
                let colour = |amount: f64| o.colour(table, amount);
                match model {
                    Some(k) => fit_lab_series(s, k, &colour),
                    None => pick_by_aic(
                        fit_lab_series(s, Kind::Mono, &colour),
                        fit_lab_series(s, Kind::Biexp, &colour),
                    ),
                }
            })
            .collect();
        let label = model.map_or("auto", Kind::name);
        outcome(rows, None, label)
    } else {
        fit_amounts(&g.series, &g.problems, &request, &progress)
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let n_points: Vec<usize> = if lab.is_some() {
        g.lab_series.iter().map(|s| s.t.len()).collect()
    } else {
        g.series.iter().map(|s| s.t.len()).collect()
    };
    let FitOutcome {
        rows,
        pooled,
        fitted,
        summary,
    } = outcome.map_err(|e| match e {
        FitError::Input(e) => CliError::from(e),
        FitError::NothingFitted(_) => CliError {
            code: EXIT_FAILED,
            message: e.to_string(),
        },
    })?;
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if let Some(path) = &a.plot {
        let shown: Vec<usize> = (0..total).filter(|i| rows[*i].is_ok()).take(6).collect();
        let ids = id_strings(&df, &a.input, &g, &a.id)?;
        let panels: Vec<tinct::report::FitPanel> = shown
            .iter()
            .map(|&i| {
                let f = rows[i].as_ref().expect("fitted");
                let (t, y, dose) = if lab.is_some() {
                    let s = &g.lab_series[i];
                    (s.t.clone(), s.lab.iter().map(|l| l[0]).collect(), s.dose)
                } else {
                    let s = &g.series[i];
                    (s.t.clone(), s.y.clone(), s.dose)
                };
                let span = t.iter().fold(0.0f64, |m, v| m.max(*v));
                let curve: Vec<tinct::report::CurvePoint> = (0..=100)
                    .map(|k| {
                        let x = span * f64::from(k) / 100.0;
                        (x, f.predict(x, dose), f.band(x, dose))
                    })
                    .collect();
                tinct::report::FitPanel {
                    title: format!("{} ({})", ids[i], f.model.name()),
                    points: t.into_iter().zip(y).collect(),
                    curve: if lab.is_some() { Vec::new() } else { curve },
                }
            })
            .collect();
        let svg = tinct::report::fit_plot_svg(
            &panels,
            &a.time,
            if lab.is_some() { "L*" } else { &a.value },
        );
        outputs.push((path.clone(), svg.into_bytes()));
    }
    let mut table = parameter_table(&df, &a.input, &g, &rows, &n_points)?;
    if let Some(out) = &a.output {
        outputs.push((out.clone(), to_bytes(&mut table, out)?));
    }
    // The plot and the table together, or neither.
    let files: Vec<(&std::path::Path, &[u8])> = outputs
        .iter()
        .map(|(p, b)| (p.as_path(), b.as_slice()))
        .collect();
    tinct::io::write_all_atomic(&files)?;
    if a.json {
        let ids = id_strings(&df, &a.input, &g, &a.id)?;
        let series: Vec<serde_json::Value> = rows
            .iter()
            .zip(&ids)
            .zip(&n_points)
            .map(|((r, id), n)| match r {
                Ok(f) => json!({"id": id, "fit": f}),
                Err(e) => json!({"id": id, "n": n, "error": e}),
            })
            .collect();
        let mut doc = json!({
            "summary": summary, "fitted": fitted, "series_count": total,
            "model": a.model, "pooled": a.pooled, "series": series,
        });
        if let Some(p) = &pooled {
            doc["pooled_fit"] = json!(p);
        }
        emit_json(&doc)?;
    } else if a.output.is_some() {
        emit(format!("{summary}\n").as_bytes())?;
    } else {
        emit(&to_bytes(&mut table, std::path::Path::new("stdout.csv"))?)?;
        eprintln!("{summary}");
    }
    Ok(())
}

/// `--recipe` and `--skin` texts as the library's optic.
fn optic(
    catalog: &tinct::pigment::Catalog,
    table: &WeightingTable,
    recipe: &str,
    skin: &str,
    dot: &super::DotArgs,
) -> Result<RecipeOptic, CliError> {
    let recipe: Vec<tinct::appearance::PigmentLoad> = super::parse_loads(recipe)?
        .into_iter()
        .map(|(pigment, load_g_m2)| tinct::appearance::PigmentLoad { pigment, load_g_m2 })
        .collect();
    let skin = super::skin_request(skin)?;
    let dot = dot.spec_with_default_packaging()?;
    Ok(RecipeOptic::new(catalog, table, &recipe, &skin, &dot)?)
}

fn id_strings(
    df: &polars::prelude::DataFrame,
    path: &std::path::Path,
    g: &tinct::fit::table::Grouped,
    id: &str,
) -> Result<Vec<String>, CliError> {
    Ok(tinct::fit::table::id_strings(df, path, g, id)?)
}
