//! `tinct fit` (issue 6): interval coverage on synthetic data, scipy's optimum on the reference
//! series, broken series, pooled fits, model choice, colour data through the optics, and the
//! binary end to end.

use rand::{Rng, SeedableRng};

use tinct::fit::{fit_many, fit_pooled, fit_series, FitOptions, Kind, Series};

use crate::common::{data_path, fails_with, json_of, tinct, Table};

const T: [f64; 8] = [0.0, 1.0, 3.0, 6.0, 12.0, 18.0, 24.0, 36.0];

/// Series drawn like the reference set: A ~ U(0.2, 0.8), k1 ~ logU(0.05, 0.5), k2 ~
/// logU(0.001, 0.02), noise sd 0.01.
fn synthetic(n: usize, seed: u64) -> (Vec<[f64; 3]>, Vec<Series>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut truth = Vec::new();
    let mut series = Vec::new();
    for _ in 0..n {
        let a: f64 = rng.random_range(0.2..0.8);
        let k1 = 10f64.powf(rng.random_range(0.05f64.log10()..0.5f64.log10()));
        let k2 = 10f64.powf(rng.random_range(0.001f64.log10()..0.02f64.log10()));
        let y = T
            .iter()
            .map(|t| {
                let z: f64 = rng.sample(rand_distr::StandardNormal);
                a * (-k1 * t).exp() + (1.0 - a) * (-k2 * t).exp() + 0.01 * z
            })
            .collect();
        truth.push([a, k1, k2]);
        series.push(Series {
            t: T.to_vec(),
            y,
            dose: None,
        });
    }
    (truth, series)
}

#[test]
fn intervals_cover_the_truth_in_93_to_97_percent_of_series() {
    let (truth, series) = synthetic(4000, 2026);
    let fits = fit_many(&series, Some(Kind::Biexp), &FitOptions::default(), &|_| {});
    let mut covered = [0usize; 3];
    let mut with = 0;
    for (f, t) in fits.iter().zip(&truth) {
        let f = f.as_ref().unwrap();
        if f.params.iter().any(|e| e.lo.is_none()) {
            continue;
        }
        with += 1;
        for k in 0..3 {
            let e = f.params[k];
            if e.lo.unwrap() <= t[k] && t[k] <= e.hi.unwrap() {
                covered[k] += 1;
            }
        }
    }
    assert!(with >= 3990, "{with} series with intervals");
    for (k, c) in covered.iter().enumerate() {
        let share = *c as f64 / with as f64;
        assert!(
            (0.93..=0.97).contains(&share),
            "parameter {k}: coverage {share}"
        );
    }
}

#[test]
fn mono_intervals_cover_too() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let mut covered = 0;
    let n = 2000;
    for i in 0..n {
        let k = 10f64.powf(rng.random_range(-2.0..-0.5));
        let s = Series {
            t: T.to_vec(),
            y: T.iter()
                .map(|t| {
                    let z: f64 = rng.sample(rand_distr::StandardNormal);
                    (-k * t).exp() + 0.01 * z
                })
                .collect(),
            dose: None,
        };
        let f = fit_series(&s, Kind::Mono, &FitOptions::default(), i).unwrap();
        let e = f.params[0];
        if e.lo.unwrap() <= k && k <= e.hi.unwrap() {
            covered += 1;
        }
    }
    let share = f64::from(covered) / f64::from(n as u32);
    assert!((0.93..=0.97).contains(&share), "coverage {share}");
}

#[test]
fn the_cli_reaches_scipys_optimum_on_the_reference_series() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("params.csv");
    let o = tinct()
        .arg("fit")
        .arg(data_path("fade_series_1000_long.csv"))
        .args([
            "--time", "t_months", "--value", "amount", "--model", "biexp",
        ])
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        "fitted 1000 of 1000 series (biexp)"
    );
    let params = std::fs::read_to_string(&out).unwrap();
    let mut lines = params.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..13],
        &[
            "series",
            "A",
            "A_lo",
            "A_hi",
            "k1",
            "k1_lo",
            "k1_hi",
            "k2",
            "k2_lo",
            "k2_hi",
            "sse",
            "n",
            "converged"
        ]
    );
    assert_eq!(header[13], "error");
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let truth = Table::load("fade_series_1000_truth.csv");
    for (line, row) in lines.zip(&truth.rows) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[0], truth.s(row, "series"));
        let sse: f64 = f[col("sse")].parse().unwrap();
        let scipy = truth.f(row, "sse_scipy");
        assert!(
            sse <= scipy * (1.0 + 1e-6) + 1e-12,
            "series {}: {sse} vs scipy {scipy}",
            f[0]
        );
        assert_eq!(f[col("converged")], "true");
        assert_eq!(f[col("n")], "8");
    }
}

#[test]
fn a_file_with_broken_series_fits_the_good_ones_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mixed.csv");
    let mut text = String::from("client,day,amount,skin\n");
    for (i, t) in [0.0, 30.0, 90.0, 180.0, 365.0, 540.0, 730.0]
        .iter()
        .enumerate()
    {
        let y = 0.4 * (-0.03f64 * t).exp()
            + 0.6 * (-0.0005f64 * t).exp()
            + [0.003, -0.002, 0.001, -0.004, 0.002, 0.0, -0.001][i];
        text.push_str(&format!("good,{t},{y},III\n"));
    }
    text.push_str("short,0,1,II\nshort,30,0.9,II\n");
    text.push_str("gap,0,1,IV\ngap,30,NaN,IV\ngap,90,0.8,IV\ngap,180,0.7,IV\ngap,365,0.6,IV\n");
    text.push_str(
        "twice,0,1,V\ntwice,30,0.9,V\ntwice,30,0.85,V\ntwice,90,0.8,V\ntwice,365,0.7,V\n",
    );
    std::fs::write(&input, &text).unwrap();
    let out = dir.path().join("params.parquet");
    let o = tinct()
        .arg("fit")
        .arg(&input)
        .args(["--id", "client", "--model", "biexp", "--output"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(summary.contains("fitted 1 of 4 series"), "{summary}");
    assert!(summary.contains("3 failed"), "{summary}");
    // Parquet out, read back with polars: the id keeps its name, the carried column is there.
    let df = tinct::fit::table::read(&out).unwrap();
    assert_eq!(df.height(), 4);
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(names[0], "client");
    assert_eq!(names[1], "skin");
    let errors = df.column("error").unwrap().str().unwrap().clone();
    let e: Vec<Option<&str>> = (0..errors.len()).map(|i| errors.get(i)).collect();
    assert_eq!(e[0], None);
    assert!(e[1].unwrap().contains("2 points"), "{e:?}");
    assert!(
        e[2].unwrap().contains("non-numeric value at time 30"),
        "{e:?}"
    );
    assert!(e[3].unwrap().contains("duplicate time 30"), "{e:?}");
    // JSON for small runs.
    let v = json_of(
        tinct()
            .arg("fit")
            .arg(&input)
            .args(["--id", "client", "--json"]),
    );
    assert_eq!(v["fitted"], 1);
    assert_eq!(v["series"][0]["id"], "good");
    assert!(v["series"][0]["fit"]["params"][0]["lo"].is_number());
    assert!(v["series"][1]["error"].is_string());

    // Nothing fits: exit 1, the table still written.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "series,day,amount\na,0,1\na,1,0.9\n").unwrap();
    let o = tinct().arg("fit").arg(&bad).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    // A missing column or an unreadable file: exit 2, named.
    fails_with(tinct().arg("fit").arg(&input), "\"series\"");
    fails_with(
        tinct()
            .arg("fit")
            .arg(&input)
            .args(["--id", "client", "--time", "days"]),
        "\"days\"",
    );
    fails_with(
        tinct().arg("fit").arg(dir.path().join("none.csv")),
        "none.csv",
    );
    fails_with(
        tinct().arg("fit").arg(&input).args(["--model", "triexp"]),
        "triexp",
    );
    // The input is never the output.
    fails_with(
        tinct()
            .arg("fit")
            .arg(&input)
            .args(["--id", "client", "--output"])
            .arg(&input),
        "",
    );
    assert_eq!(std::fs::read_to_string(&input).unwrap(), text);
}

#[test]
fn auto_keeps_the_model_the_data_support() {
    let (_, bi) = synthetic(50, 3);
    let mut rng = rand::rngs::StdRng::seed_from_u64(4);
    let mono: Vec<Series> = (0..50)
        .map(|_| Series {
            t: T.to_vec(),
            y: T.iter()
                .map(|t| {
                    (-0.02 * t).exp() + 0.01 * rng.sample::<f64, _>(rand_distr::StandardNormal)
                })
                .collect(),
            dose: None,
        })
        .collect();
    let count = |s: &[Series], k: Kind| {
        fit_many(s, None, &FitOptions::default(), &|_| {})
            .iter()
            .filter(|f| f.as_ref().unwrap().model == k)
            .count()
    };
    assert!(count(&bi, Kind::Biexp) >= 45);
    assert!(count(&mono, Kind::Mono) >= 40);
    let f = fit_many(&bi[..1], None, &FitOptions::default(), &|_| {});
    assert!(f[0].as_ref().unwrap().reason.starts_with("auto: "));
}

#[test]
fn pooled_rates_are_recovered_with_their_intervals() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let (k1, k2) = (0.2, 0.008);
    let series: Vec<Series> = (0..200)
        .map(|_| {
            let a: f64 = rng.random_range(0.2..0.8);
            Series {
                t: T.to_vec(),
                y: T.iter()
                    .map(|t| {
                        a * (-k1 * t).exp()
                            + (1.0 - a) * (-k2 * t).exp()
                            + 0.01 * rng.sample::<f64, _>(rand_distr::StandardNormal)
                    })
                    .collect(),
                dose: None,
            }
        })
        .collect();
    let p = fit_pooled(&series, Kind::Biexp).unwrap();
    assert!(p.converged, "{p:?}");
    for (e, truth) in p.rates.iter().zip([k1, k2]) {
        assert!(e.lo.unwrap() < truth && truth < e.hi.unwrap(), "{e:?}");
        // Pooling 200 series pins the rates far better than one series does.
        assert!(e.hi.unwrap() - e.lo.unwrap() < 0.1 * truth, "{e:?}");
    }
    assert!(fit_pooled(&series, Kind::Mono).is_err());
}

#[test]
fn biexp_dose_pools_a_dose_driven_slow_rate() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(6);
    let (k1, kd) = (0.2, 0.0001);
    let series: Vec<Series> = (0..200)
        .map(|i| {
            let a: f64 = rng.random_range(0.2..0.8);
            let dose = [50.0, 150.0, 400.0][i % 3];
            Series {
                t: T.to_vec(),
                y: T.iter()
                    .map(|t| {
                        a * (-k1 * t).exp()
                            + (1.0 - a) * (-kd * dose * t).exp()
                            + 0.01 * rng.sample::<f64, _>(rand_distr::StandardNormal)
                    })
                    .collect(),
                dose: Some(dose),
            }
        })
        .collect();
    let p = fit_pooled(&series, Kind::BiexpDose).unwrap();
    let e = p.rates[1];
    assert_eq!(e.name, "kd");
    assert!(e.lo.unwrap() < kd && kd < e.hi.unwrap(), "{e:?}");
}

#[test]
fn colour_measurements_fit_through_the_optics() {
    // Colours of a fading iron-oxide-red dot made by the optics itself, with a known mono rate.
    use tinct::appearance::{pigment_optics, Component};
    use tinct::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
    use tinct::optics::skin::{SkinOptics, SkinParams};
    use tinct::pigment::Catalog;
    let table = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
    use tinct::optics::skin::{
        DEFAULT_DOT_DEPTH_MM, DEFAULT_DOT_DIAMETER_MM, DEFAULT_DOT_THICKNESS_MM,
    };
    // The dot `fit --lab` assumes by default: the same as appear's and match's.
    let site = SkinOptics::new(SkinParams::fitzpatrick("II").unwrap())
        .unwrap()
        .site(DEFAULT_DOT_DEPTH_MM, DEFAULT_DOT_THICKNESS_MM)
        .unwrap()
        .with_dot_diameter(DEFAULT_DOT_DIAMETER_MM)
        .unwrap();
    let red = Catalog::builtin().get("iron-oxide-red").unwrap();
    let pigment = pigment_optics(&[Component {
        pigment: red,
        load_g_m2: 0.5,
    }])
    .unwrap();
    let colour = |amount: f64| {
        let lab = table.lab(&site.reflectance(&pigment.scaled(amount)).unwrap());
        [lab.l, lab.a, lab.b]
    };
    let k = 0.004;
    let t: Vec<f64> = vec![0.0, 60.0, 120.0, 240.0, 365.0, 540.0, 730.0];
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("lab.csv");
    let mut text = String::from("series,day,L,a,b\n");
    for d in &t {
        let c = colour((-k * d).exp());
        text.push_str(&format!("dot,{d},{},{},{}\n", c[0], c[1], c[2]));
    }
    std::fs::write(&input, text).unwrap();
    let v = json_of(
        tinct()
            .arg("fit")
            .arg(&input)
            .args([
                "--lab",
                "L,a,b",
                "--model",
                "mono",
                "--recipe",
                "iron-oxide-red:0.5",
            ])
            .args(["--skin", "fitzpatrick:II", "--json"]),
    );
    let got = v["series"][0]["fit"]["params"][0]["value"]
        .as_f64()
        .unwrap();
    assert!((got - k).abs() < 1e-6, "{got}");
    fails_with(
        tinct()
            .arg("fit")
            .arg(&input)
            .args(["--lab", "L,a,b", "--model", "mono"]),
        "--recipe",
    );
}
