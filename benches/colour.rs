//! Throughput of the hot paths, on the reference data the tests use (tests/data).
//!
//! - CIEDE2000 over 1e6 pairs, one core (target: >= 8 M pairs/s) through the slice kernel the
//!   batch uses, one by one, as the textbook formula, and the batch on all cores;
//! - reflectance spectrum -> Lab with precomputed ASTM E308 weights over 1e5 spectra, one core
//!   (target: >= 5 M spectra/s).
//!
//! - one appearance evaluation of a dot in skin (all wavelengths, all layers, to Lab; target:
//!   under 2 us);
//! - a full recipe search over the built-in catalog, up to 3 pigments (target: under 50 ms);
//! - a 10-year daily fade simulation of one client with a colour every day (target: under
//!   10 ms) and a 10,000-run Monte Carlo touch-up schedule over 10 years (target: under 5 s on
//!   2 cores). The organic toner is the test fixture of tests/data (Blue Wool 3);
//! - a finite dot (issue 12): the fast model's per-dot solve at one band (target: under 1 ms
//!   per band) and its preparation for a 43-band medium; `tinct optics` with a dot, fast and
//!   with the Monte Carlo (20,000 photons per band; target: under 5 s);
//! - `tinct fit`'s whole path on 10,000 bi-exponential series of 8 points (as
//!   shared/reference/fade_series_long.csv; generated here): read the CSV through polars,
//!   group, fit with 95 % intervals on all cores, assemble and write the parameter table
//!   (target: under 1 s on 2 cores).
//!
//! - the skin fitted to a measured spectrum (issue 13; target: under 100 ms): three spectra of
//!   the NIST skin set (tests/data), light to dark, each fitted from scratch, and a measured
//!   colour alone.
//!
//! Run: `cargo bench --bench colour`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tinct::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
use tinct::difference::{ciede2000, ciede2000_slice, ciede2000_textbook, DeltaE};
use tinct::spectrum::{Spectrum, GRID_LEN};
use tinct::Lab;

/// 1e6 pairs: the 3000 colour-science reference pairs of tests/data, repeated with a small
/// deterministic perturbation so that no two pairs are identical.
fn pairs() -> Vec<(Lab, Lab)> {
    let text = include_str!("../tests/data/delta_e_random.csv");
    let base: Vec<[f64; 6]> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| {
            let v: Vec<f64> = l.split(',').take(6).map(|x| x.parse().unwrap()).collect();
            [v[0], v[1], v[2], v[3], v[4], v[5]]
        })
        .collect();
    (0..1_000_000)
        .map(|i| {
            let p = base[i % base.len()];
            let e = (i / base.len()) as f64 * 1e-3;
            (
                Lab::new(p[0] + e, p[1] - e, p[2] + e),
                Lab::new(p[3] - e, p[4] + e, p[5]),
            )
        })
        .collect()
}

/// 1e5 spectra on the internal grid from the 32 reference spectra of tests/data, scaled.
fn spectra() -> Vec<Spectrum> {
    let text = include_str!("../tests/data/e308_spectra.csv");
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<f64> = lines
        .next()
        .unwrap()
        .split(',')
        .skip(1)
        .map(|x| x.parse().unwrap())
        .collect();
    let base: Vec<[f64; GRID_LEN]> = lines
        .map(|l| {
            let v: Vec<f64> = l.split(',').skip(1).map(|x| x.parse().unwrap()).collect();
            let mut out = [0.0; GRID_LEN];
            let mut k = 0;
            for (w, x) in header.iter().zip(&v) {
                if (*w as u32).is_multiple_of(10) {
                    out[k] = *x;
                    k += 1;
                }
            }
            out
        })
        .collect();
    (0..100_000)
        .map(|i| {
            let s = 0.5 + (i % 97) as f64 / 194.0;
            Spectrum::new(base[i % base.len()].map(|v| v * s)).unwrap()
        })
        .collect()
}

fn bench_delta_e(c: &mut Criterion) {
    let pairs = pairs();
    let mut g = c.benchmark_group("delta_e_1e6_pairs");
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.sample_size(10);
    let mut out = vec![0.0; pairs.len()];
    g.bench_function("ciede2000_one_core", |b| {
        b.iter(|| ciede2000_slice(black_box(&pairs), 1.0, 1.0, 1.0, &mut out))
    });
    g.bench_function("ciede2000_one_by_one_one_core", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for (r, s) in &pairs {
                acc += ciede2000(black_box(*r), black_box(*s), 1.0, 1.0, 1.0);
            }
            acc
        })
    });
    g.bench_function("ciede2000_textbook_one_core", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for (r, s) in &pairs {
                acc += ciede2000_textbook(black_box(*r), black_box(*s), 1.0, 1.0, 1.0);
            }
            acc
        })
    });
    g.bench_function("ciede2000_batch_all_cores", |b| {
        b.iter(|| DeltaE::default().delta_e_batch(black_box(&pairs), &mut out))
    });
    for m in [
        DeltaE::Cie76,
        DeltaE::Cie94 { textiles: false },
        DeltaE::Cmc { l: 2.0, c: 1.0 },
    ] {
        g.bench_function(format!("{}_one_core", m.name()), |b| {
            b.iter(|| {
                let mut acc = 0.0;
                for (r, s) in &pairs {
                    acc += m.delta_e(black_box(*r), black_box(*s));
                }
                acc
            })
        });
    }
    g.finish();
}

fn bench_spectrum_to_lab(c: &mut Criterion) {
    let spectra = spectra();
    let table = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
    let mut g = c.benchmark_group("spectrum_to_lab_1e5");
    g.throughput(Throughput::Elements(spectra.len() as u64));
    g.sample_size(20);
    g.bench_function("astm_e308_10nm_one_core", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for s in &spectra {
                let lab = table.lab(black_box(s));
                acc += lab.l + lab.a + lab.b;
            }
            acc
        })
    });
    g.finish();
}

fn bench_appearance(c: &mut Criterion) {
    use tinct::appearance::{appear, pigment_optics, Component};
    use tinct::optics::skin::{SkinOptics, SkinParams};
    use tinct::pigment::Catalog;
    let table = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
    let skin = SkinOptics::new(SkinParams::fitzpatrick("III").unwrap()).unwrap();
    let site = skin.site(0.3, 0.1).unwrap();
    let cat = Catalog::builtin();
    let comps = [
        Component {
            pigment: cat.get("carbon-black").unwrap(),
            load_g_m2: 3.0,
        },
        Component {
            pigment: cat.get("iron-oxide-red").unwrap(),
            load_g_m2: 1.0,
        },
    ];
    let mut g = c.benchmark_group("appearance");
    g.throughput(Throughput::Elements(1));
    // The measure: one appearance evaluation, the skin above and below the dot
    // prepared once: exact transport through all layers at every wavelength (43 bands, 12
    // directions), to Lab.
    g.bench_function("dot_in_skin_to_lab", |b| {
        b.iter(|| {
            let d = pigment_optics(black_box(&comps)).unwrap();
            table.lab(&site.reflectance(&d).unwrap())
        })
    });
    // What the recipe search steers by (8 directions, every other band of 400-700 nm).
    g.bench_function("dot_in_skin_to_lab_coarse", |b| {
        b.iter(|| {
            let d = pigment_optics(black_box(&comps)).unwrap();
            table.lab(&site.reflectance_coarse(&d).unwrap())
        })
    });
    // Preparing a client's skin and a dot's site (the semi-infinite dermis is the costly part).
    g.bench_function("skin_and_site_preparation", |b| {
        b.iter(|| {
            let s = SkinOptics::new(SkinParams::fitzpatrick(black_box("III")).unwrap()).unwrap();
            s.site(0.3, 0.1).unwrap()
        })
    });
    // `tinct optics` on a 4-layer, 43-band medium (the README's example file).
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/examples/skin_black_dot.toml"
    ))
    .unwrap();
    g.bench_function("optics_4_layers_43_bands", |b| {
        b.iter(|| {
            tinct::optics::medium::Medium::from_toml(black_box(&text), "medium")
                .unwrap()
                .solve()
                .unwrap()
        })
    });
    // The whole report: dot and skin colours, sRGB, ITA, contrast and cool cast.
    g.bench_function("appear_full_report", |b| {
        b.iter(|| appear(&skin, &site, black_box(&comps), table).unwrap())
    });
    g.finish();
}

fn bench_match(c: &mut Criterion) {
    use tinct::formulate::{search, MatchSpec};
    use tinct::optics::skin::{SkinOptics, SkinParams};
    use tinct::pigment::{Catalog, Deposition};
    let table = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
    let skin = SkinOptics::new(SkinParams::fitzpatrick("III").unwrap()).unwrap();
    let site = skin.site(0.3, 0.1).unwrap();
    let spec = MatchSpec {
        site: &site,
        table,
        target: tinct::Lab::new(55.0, 2.0, 8.0),
        pigments: Catalog::builtin().pigments().iter().collect(),
        max_pigments: 3,
        parts: 10,
        deposition: Deposition::default(),
    };
    let mut g = c.benchmark_group("match");
    g.sample_size(20);
    // Every subset of the built-in catalog up to 3 pigments, rounding included (target: < 50 ms).
    g.bench_function("full_search_catalog_3_pigments", |b| {
        b.iter(|| search(black_box(&spec)).unwrap())
    });
    // The main job less the printing: `tinct match --skin fitzpatrick:III --hair dark-brown`
    // at the default dot (0.25 mm at the top of the papillary dermis), the skin, the follicle
    // target (the shaft fitted to the tress and seen through the skin) and the dot's site
    // prepared each time (target for the whole job: < 300 ms).
    g.bench_function("main_job_follicle_target_and_dot_prepared_each_time", |b| {
        b.iter(|| {
            let skin = SkinOptics::new(SkinParams::fitzpatrick("III").unwrap()).unwrap();
            let f = tinct::hair::follicle(
                &skin,
                black_box("dark-brown"),
                table,
                tinct::hair::TRESS_TOLERANCE,
            )
            .unwrap();
            let site = skin
                .site(
                    tinct::optics::skin::DEFAULT_DOT_DEPTH_MM,
                    tinct::optics::skin::DEFAULT_DOT_THICKNESS_MM,
                )
                .unwrap()
                .with_dot_diameter(tinct::optics::skin::DEFAULT_DOT_DIAMETER_MM)
                .unwrap();
            search(&MatchSpec {
                site: &site,
                target: table.lab(&f.reflectance),
                ..spec.clone()
            })
            .unwrap()
            .recipes
            .len()
        })
    });
    g.finish();
}

fn bench_fade(c: &mut Criterion) {
    use tinct::appearance::Component;
    use tinct::fade::exposure::{preset, year};
    use tinct::fade::kinetics::{share_at_grey_scale_4, Kinetics, Photodegradation};
    use tinct::fade::simulate::{Draw, Model, Setup, Uncertainty, UV_ACCELERATION};
    use tinct::optics::skin::{SkinOptics, SkinParams};
    use tinct::pigment::{Catalog, Pigment};
    let table = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
    let skin = SkinOptics::new(SkinParams::fitzpatrick("III").unwrap()).unwrap();
    let site = skin.site(0.3, 0.1).unwrap();
    let toner = Pigment::from_toml(
        include_str!("../tests/data/fixture-toner.toml"),
        "fixture-toner.toml",
    )
    .unwrap();
    let catalog = Catalog::builtin();
    let black = catalog.get("carbon-black").unwrap();
    let white = catalog.get("titanium-dioxide").unwrap();
    let photo =
        |p: &Pigment, g: f64| share_at_grey_scale_4(p, white).map(|s| Photodegradation::new(g, s));
    let y = year(&preset("outdoor-worker").unwrap()).unwrap();
    let m = Model::new(Setup {
        site: &site,
        table,
        components: vec![
            Component {
                pigment: black,
                load_g_m2: 0.02,
            },
            Component {
                pigment: &toner,
                load_g_m2: 0.3,
            },
        ],
        photo: vec![photo(black, 8.0), photo(&toner, 3.0)],
        kinetics: Kinetics::default(),
        year: &y,
        start_day_of_year: 0,
        target: None,
        uv_acceleration: UV_ACCELERATION,
    })
    .unwrap();
    let mut g = c.benchmark_group("fade");
    g.sample_size(20);
    // 3653 days, kinetics and a colour every day (target: < 10 ms).
    g.bench_function("ten_years_daily_with_colour", |b| {
        b.iter(|| m.fade(black_box(3653)))
    });
    g.bench_function("schedule_ten_years_one_run", |b| {
        b.iter(|| m.schedule(black_box(3653), 2.0, Draw::default(), None))
    });
    g.sample_size(10);
    // Monte Carlo schedules on all cores. The target was 10,000 runs in < 5 s with two-flux
    // optics; with exact transport the Monte Carlo checks the tolerance on the coarse solution
    // interpolated on a grid of remaining shares (tinct::fade::simulate::ShareGrid), filled
    // anew in every iteration here as it is in every command.
    g.bench_function("monte_carlo_1000_runs_ten_years", |b| {
        b.iter(|| {
            m.monte_carlo(3653, 2.0, 1_000, 7, &Uncertainty::default(), &|_| {})
                .unwrap()
        })
    });
    g.finish();
}

#[cfg(feature = "tables")]
fn bench_fit(c: &mut Criterion) {
    use rand::{Rng, SeedableRng};
    use tinct::fit::table::{group, parameter_table, read, to_bytes, Columns};
    use tinct::fit::{fit_many, FitOptions, Kind};
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("series.csv");
    let output = dir.path().join("params.csv");
    let t = [0.0, 1.0, 3.0, 6.0, 12.0, 18.0, 24.0, 36.0];
    let mut rng = rand::rngs::StdRng::seed_from_u64(20240036);
    let mut text = String::from("series,t_months,amount\n");
    for s in 1..=10_000 {
        let a: f64 = rng.random_range(0.2..0.8);
        let k1 = 10f64.powf(rng.random_range(0.05f64.log10()..0.5f64.log10()));
        let k2 = 10f64.powf(rng.random_range(0.001f64.log10()..0.02f64.log10()));
        for x in t {
            let z: f64 = rng.sample(rand_distr::StandardNormal);
            let y = a * (-k1 * x).exp() + (1.0 - a) * (-k2 * x).exp() + 0.01 * z;
            text.push_str(&format!("{s},{x},{y}\n"));
        }
    }
    std::fs::write(&input, text).unwrap();
    let cols = Columns {
        id: "series".into(),
        time: "t_months".into(),
        value: Some("amount".into()),
        lab: None,
        dose: None,
    };
    let mut g = c.benchmark_group("fit");
    g.sample_size(10);
    g.throughput(Throughput::Elements(10_000));
    g.bench_function("csv_10000_series_biexp_with_intervals_to_csv", |b| {
        b.iter(|| {
            let df = read(&input).unwrap();
            let grouped = group(&df, &input, &cols).unwrap();
            let rows = fit_many(
                &grouped.series,
                Some(Kind::Biexp),
                &FitOptions::default(),
                &|_| {},
            );
            let n: Vec<usize> = grouped.series.iter().map(|s| s.t.len()).collect();
            let mut table = parameter_table(&df, &input, &grouped, &rows, &n).unwrap();
            tinct::io::write_atomic(&output, &to_bytes(&mut table, &output).unwrap()).unwrap();
        })
    });
    g.finish();
}

#[cfg(not(feature = "tables"))]
fn bench_fit(_: &mut Criterion) {}

fn bench_finite_dot(c: &mut Criterion) {
    use tinct::optics::dot::{CorrectionSource, FiniteDot};
    use tinct::optics::medium::{DotMethod, Medium};
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/examples/skin_black_dot_finite.toml"
    ))
    .unwrap();
    let medium = Medium::from_toml(&text, "medium").unwrap();
    let per_band = medium.layers().unwrap();
    let (k, interior) = medium.dot_interior().unwrap().unwrap();
    let below = medium.below().unwrap();
    let mut g = c.benchmark_group("finite_dot");
    g.sample_size(10);
    let fd = FiniteDot::new(&per_band, below, medium.index, k, 0.25).unwrap();
    // One dot interior at one band (550 nm), the medium prepared: what a search pays per band.
    g.bench_function("fast_solve_one_band", |b| {
        b.iter(|| fd.bands()[19].solve(black_box(&interior[19])).unwrap())
    });
    // Only the mean over the dot (one chain solve as a low-rank update): what match and fade
    // call per band.
    g.bench_function("fast_mean_one_band", |b| {
        b.iter(|| fd.bands()[19].mean(black_box(&interior[19])).unwrap())
    });
    // Preparing the medium: kernels above the dot (Monte Carlo, every 4th band), rings, the
    // bare chain, 43 bands.
    g.bench_function("fast_preparation_43_bands", |b| {
        b.iter(|| FiniteDot::new(black_box(&per_band), below, medium.index, k, 0.25).unwrap())
    });
    // The same preparation for a built-in skin at the default dot, which also turns the Monte
    // Carlo's embedded tables into the chain's correction (src/optics/dot_exact.rs), against
    // the chain alone on the same medium.
    {
        use tinct::optics::skin::{DotPigment, SkinOptics, SkinParams};
        let skin = SkinOptics::new(SkinParams::fitzpatrick("III").unwrap()).unwrap();
        let site = skin.site(0.0, 0.1).unwrap();
        let layers: Vec<_> = (0..tinct::spectrum::GRID_LEN)
            .map(|i| site.layers(&DotPigment::none(), i).unwrap())
            .collect();
        let (index, k) = (site.index(), site.dot_index());
        assert!(FiniteDot::new(&layers, below, index, k, 0.25)
            .unwrap()
            .corrected());
        g.bench_function("fast_preparation_43_bands_type_iii_corrected", |b| {
            b.iter(|| FiniteDot::new(black_box(&layers), below, index, k, 0.25).unwrap())
        });
        // The same tables with the correction derived here from the exact values (56 chain
        // solves a band), as for tables traced at run time (--trace-dot).
        let key = tinct::optics::dot_exact::key(&layers, below, index, k, 0.25);
        let derived = std::sync::Arc::new(
            tinct::optics::dot_exact::builtin(&key)
                .unwrap()
                .without_corrections(),
        );
        g.bench_function(
            "fast_preparation_43_bands_type_iii_corrected_derived",
            |b| {
                b.iter(|| {
                    FiniteDot::with_correction(
                        black_box(&layers),
                        below,
                        index,
                        k,
                        0.25,
                        CorrectionSource::Tables(derived.clone()),
                    )
                    .unwrap()
                })
            },
        );
        g.bench_function("fast_preparation_43_bands_type_iii_chain_alone", |b| {
            b.iter(|| FiniteDot::chain_only(black_box(&layers), below, index, k, 0.25).unwrap())
        });
    }
    g.bench_function("optics_with_dot_fast_43_bands", |b| {
        b.iter(|| medium.solve_dot(DotMethod::Fast).unwrap())
    });
    g.bench_function("optics_with_dot_monte_carlo_20000_photons_43_bands", |b| {
        b.iter(|| {
            medium
                .solve_dot(DotMethod::MonteCarlo {
                    photons: 20_000,
                    seed: 1,
                })
                .unwrap()
        })
    });
    g.finish();
}

fn bench_skin_fit(c: &mut Criterion) {
    use tinct::optics::fit::{fit_skin, SkinTarget};
    use tinct::optics::km::Specular;
    use tinct::optics::skin::SkinParams;
    let table = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/nist_skin_reflectance.csv"
    ))
    .unwrap();
    let nist = tinct::io::read_spectra_csv(&bytes, false).unwrap();
    let start = SkinParams {
        specular: Specular::Included,
        ..SkinParams::fitzpatrick("III").unwrap()
    };
    let mut g = c.benchmark_group("skin_fit");
    g.sample_size(20);
    for id in ["nist_21", "nist_1", "nist_61"] {
        let s = nist
            .rows
            .iter()
            .find(|r| r.id == id)
            .unwrap()
            .spectrum
            .to_spectrum();
        g.bench_function(format!("spectrum_{id}"), |b| {
            b.iter(|| fit_skin(start, SkinTarget::Spectrum(black_box(&s), table)).unwrap())
        });
    }
    let lab = Lab::new(62.0, 11.0, 17.0);
    g.bench_function("colour_lab_62_11_17", |b| {
        b.iter(|| fit_skin(start, SkinTarget::Lab(black_box(lab), table)).unwrap())
    });
    g.finish();
}

fn bench_plan(c: &mut Criterion) {
    use tinct::fade::exposure::{preset, year};
    use tinct::fade::kinetics::{of_pigments, Kinetics};
    use tinct::formulate::MatchSpec;
    use tinct::optics::skin::{SkinOptics, SkinParams};
    use tinct::pigment::{Catalog, Deposition};
    use tinct::plan::{build_shares, plan, PlanInputs};
    let table = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
    let catalog = Catalog::builtin();
    let pigments: Vec<_> = catalog.pigments().iter().collect();
    let (photo, _) = of_pigments(catalog, &[], &pigments).unwrap();
    let sun = year(&preset("mixed").unwrap()).unwrap();
    let mut g = c.benchmark_group("plan");
    g.sample_size(10);
    // `tinct plan --skin fitzpatrick:II --hair black` less the printing: the skin, the follicle
    // target and the dot's site prepared each time, the recipe search, three sessions, the
    // ten-year schedule and a 1,000-run Monte Carlo (target: < 2 s on 2 cores).
    g.bench_function("whole_plan_ten_years_1000_runs", |b| {
        b.iter(|| {
            let skin = SkinOptics::new(SkinParams::fitzpatrick("II").unwrap()).unwrap();
            let f = tinct::hair::follicle(
                &skin,
                black_box("black"),
                table,
                tinct::hair::TRESS_TOLERANCE,
            )
            .unwrap();
            let site = skin
                .site(
                    tinct::optics::skin::DEFAULT_DOT_DEPTH_MM,
                    tinct::optics::skin::DEFAULT_DOT_THICKNESS_MM,
                )
                .unwrap()
                .with_dot_diameter(tinct::optics::skin::DEFAULT_DOT_DIAMETER_MM)
                .unwrap();
            plan(&PlanInputs {
                spec: MatchSpec {
                    site: &site,
                    table,
                    target: table.lab(&f.reflectance),
                    pigments: pigments.clone(),
                    max_pigments: 3,
                    parts: 10,
                    deposition: Deposition::default(),
                },
                build: build_shares(3),
                interval_days: 21,
                reach_tolerance: 3.0,
                kinetics: Kinetics::default(),
                aftercare: tinct::fade::aftercare::Aftercare::default(),
                photo: pigments
                    .iter()
                    .map(|p| p.id.clone())
                    .zip(photo.clone())
                    .collect(),
                year: &sun,
                start_day_of_year: 0,
                uv_acceleration: tinct::fade::simulate::UV_ACCELERATION,
                touch_up_tolerance: 2.0,
                horizon_days: 3653,
                runs: 1000,
                seed: 7,
                curve_every_days: None,
            })
            .unwrap()
            .first_touch_up_day
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_skin_fit,
    bench_delta_e,
    bench_spectrum_to_lab,
    bench_appearance,
    bench_match,
    bench_fade,
    bench_plan,
    bench_fit,
    bench_finite_dot
);
criterion_main!(benches);
