//! Exact light transport (src/optics/transport.rs) against published benchmarks, an independent
//! reference (Prahl's iadpython and a Monte Carlo, tests/data/generate_transport_reference.py),
//! closed forms and properties; and `tinct optics` end to end.

use proptest::prelude::*;

use crate::common::{fails_with, json_of, tinct, Table};
use tinct::optics::transport::{
    solve, stack_slab, Below, Layer, Quadrature, Solution, DEFAULT_POINTS,
};

type Q = Quadrature<DEFAULT_POINTS>;

fn layer(mu_a: f64, mu_s: f64, g: f64, d: f64) -> Layer {
    Layer::new(mu_a, mu_s, g, d)
}

fn below_of(text: &str) -> Below {
    match text {
        "air" => Below::Air,
        "semi-infinite" => Below::SemiInfinite,
        other => panic!("below {other}"),
    }
}

/// `mu_a/mu_s/g/d|...`, top first.
fn layers_of(text: &str) -> Vec<Layer> {
    text.split('|')
        .map(|l| {
            let v: Vec<&str> = l.split('/').collect();
            let d = if v[3] == "inf" {
                f64::INFINITY
            } else {
                v[3].parse().unwrap()
            };
            layer(
                v[0].parse().unwrap(),
                v[1].parse().unwrap(),
                v[2].parse().unwrap(),
                d,
            )
        })
        .collect()
}

fn quantity(s: &Solution, name: &str) -> f64 {
    match name {
        "r_total" => s.reflectance,
        "r_diffuse" => s.reflectance_diffuse,
        "t_total" => s.transmittance,
        "uru" => s.diffuse_reflectance,
        "utu" => s.diffuse_transmittance,
        other => panic!("quantity {other}"),
    }
}

#[test]
fn published_benchmarks_van_de_hulst_giovanelli_mcml() {
    // Exact tables (van de Hulst 1980, Giovanelli 1955) within 1e-4; Monte Carlo results
    // (MCML manuals, Prahl et al. 1989) within three of their standard errors plus 1e-4.
    let t = Table::load("transport_published.csv");
    assert!(t.rows.len() >= 15);
    for r in &t.rows {
        let (a, b, g) = (t.f(r, "albedo"), t.s(r, "optical_thickness"), t.f(r, "g"));
        let below = below_of(t.s(r, "below"));
        let (mu_a, mu_s, d) = if b == "inf" {
            (1.0 - a, a, f64::INFINITY)
        } else {
            let b: f64 = b.parse().unwrap();
            ((1.0 - a) * b, a * b, 1.0)
        };
        let q = Q::new(t.f(r, "n")).unwrap();
        let s = solve(&q, &[layer(mu_a, mu_s, g, d)], below).unwrap();
        let got = quantity(&s, t.s(r, "quantity"));
        let (value, tol) = (t.f(r, "value"), t.f(r, "tolerance"));
        let allowed = if tol < 1e-4 { 1e-4 } else { 3.0 * tol + 1e-4 };
        assert!(
            (got - value).abs() <= allowed,
            "{} ({}): {got} vs {value} +- {allowed}",
            t.s(r, "case"),
            t.s(r, "source")
        );
    }
}

#[test]
fn layered_media_agree_with_iadpython_and_a_monte_carlo() {
    // The reference's own header: iadpython with 16 points is within about 3e-4 of converged
    // transport for n != 1 (1e-3 for diffuse incidence); the Monte Carlo is unbiased with the
    // standard errors given. tinct (12 points) must sit within 3 se + 5e-4 of the Monte Carlo
    // and within 6e-4 of iadpython (1.5e-3 for diffuse incidence): far inside the issue's
    // 0.002 on every wavelength.
    let t = Table::load("transport_reference.csv");
    let mut checked = 0;
    let mut worst: f64 = 0.0;
    for r in &t.rows {
        let q = Q::new(t.f(r, "n")).unwrap();
        let layers = layers_of(t.s(r, "layers"));
        let s = solve(&q, &layers, below_of(t.s(r, "below"))).unwrap();
        let case = t.s(r, "case");
        let method = t.s(r, "method");
        for name in ["r_total", "r_diffuse", "t_total", "uru", "utu"] {
            let field = t.s(r, name);
            if field.is_empty() {
                continue;
            }
            let want: f64 = field.parse().unwrap();
            let got = quantity(&s, name);
            let allowed = match (method, name) {
                ("montecarlo", _) => {
                    let se_col = if name == "t_total" {
                        "t_total_se"
                    } else {
                        "r_diffuse_se"
                    };
                    let se: f64 = t.s(r, se_col).parse().unwrap_or(0.0);
                    3.0 * se + 5e-4
                }
                ("iadpython16", "uru" | "utu") => 1.5e-3,
                ("iadpython16", _) => 6e-4,
                ("analytic", "uru" | "utu") => 1e-3,
                ("analytic", _) => 1e-9,
                ("published", _) => 1e-4,
                other => panic!("method {other:?}"),
            };
            worst = worst.max((got - want).abs());
            assert!(
                (got - want).abs() <= allowed,
                "{case} {method} {name}: tinct {got} vs {want} (allowed {allowed})"
            );
            checked += 1;
        }
    }
    assert!(checked >= 100, "{checked}");
    assert!(worst < 2e-3, "{worst}");
}

#[test]
fn more_directions_converge() {
    // 12 directions per hemisphere against 32 on a skin-like stack: within 1e-3.
    let layers = layers_of("1.9/40/0.8/0.07|0.25/27/0.8/0.1|75/3/0.5/0.1|0.25/27/0.8/inf");
    let a = solve(&Q::new(1.4).unwrap(), &layers, Below::SemiInfinite).unwrap();
    let b = solve(
        &Quadrature::<32>::new(1.4).unwrap(),
        &layers,
        Below::SemiInfinite,
    )
    .unwrap();
    assert!((a.reflectance - b.reflectance).abs() < 1e-3, "{a:?} {b:?}");
}

#[test]
fn edges_are_finite_and_physical() {
    let mut cases = vec![];
    for n in [1.0, 1.33, 1.6, 2.0] {
        for g in [-0.9, 0.0, 0.95, 0.99] {
            for (mu_a, mu_s) in [(0.0, 0.0), (0.0, 50.0), (5.0, 0.0), (1e5, 1e3), (0.1, 1e4)] {
                for d in [0.0, 1e-4, 0.1, 10.0] {
                    cases.push((n, vec![layer(mu_a, mu_s, g, d)], Below::Air));
                }
                cases.push((
                    n,
                    vec![
                        layer(1.0, 10.0, 0.5, 0.1),
                        layer(mu_a, mu_s, g, f64::INFINITY),
                    ],
                    Below::SemiInfinite,
                ));
            }
        }
    }
    for (n, layers, below) in cases {
        let q = Q::new(n).unwrap();
        let s = solve(&q, &layers, below).unwrap();
        for v in [
            s.reflectance,
            s.reflectance_diffuse,
            s.transmittance,
            s.diffuse_reflectance,
            s.diffuse_transmittance,
        ] {
            assert!(
                v.is_finite() && (0.0..=1.0).contains(&v),
                "{n} {layers:?}: {s:?}"
            );
        }
        assert!(
            s.reflectance + s.transmittance <= 1.0 + 1e-9,
            "{layers:?}: {s:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Energy: without absorption R + T = 1, for either incidence; with it, R + T < 1.
    #[test]
    fn energy_is_conserved(
        n in 1.0f64..1.6, mu_s in 0.0f64..200.0, g in -0.9f64..0.95, d in 1e-4f64..3.0,
        mu_a in 0.0f64..5.0,
    ) {
        let q = Q::new(n).unwrap();
        let clear = solve(&q, &[layer(0.0, mu_s, g, d)], Below::Air).unwrap();
        prop_assert!((clear.reflectance + clear.transmittance - 1.0).abs() < 1e-8, "{clear:?}");
        prop_assert!((clear.diffuse_reflectance + clear.diffuse_transmittance - 1.0).abs() < 1e-8);
        let s = solve(&q, &[layer(mu_a, mu_s, g, d)], Below::Air).unwrap();
        prop_assert!(s.reflectance + s.transmittance <= 1.0 + 1e-9);
    }

    /// Reciprocity (van de Hulst 1980, sec. 3.2): the radiance operators of any stack, air
    /// boundaries included, satisfy R(i, j) = R(j, i) for light from above and
    /// T(i, j) = T'(j, i) between the two sides; in flux form R_ij / c_i = R_ji / c_j.
    #[test]
    fn reciprocity_holds_for_asymmetric_stacks(
        n in 1.0f64..1.6, a1 in 0.0f64..5.0, s1 in 0.0f64..80.0, g1 in -0.5f64..0.95,
        a2 in 0.0f64..5.0, s2 in 0.0f64..80.0, g2 in -0.5f64..0.95, d1 in 0.01f64..0.5,
        d2 in 0.01f64..0.5,
    ) {
        let q = Q::new(n).unwrap();
        let s = stack_slab(&q, &[layer(a1, s1, g1, d1), layer(a2, s2, g2, d2)], Below::Air).unwrap();
        let c = q.c;
        for i in 0..DEFAULT_POINTS {
            for j in 0..DEFAULT_POINTS {
                let (x, y) = (s.r[i][j] / c[i], s.r[j][i] / c[j]);
                prop_assert!((x - y).abs() <= 1e-7 * (1.0 + x.abs()), "R {i} {j}: {x} {y}");
                let (x, y) = (s.t[i][j] / c[i], s.t_up[j][i] / c[j]);
                prop_assert!((x - y).abs() <= 1e-7 * (1.0 + x.abs()), "T {i} {j}: {x} {y}");
            }
        }
    }

    /// Splitting a layer in two changes nothing (to the diamond start's 1e-5).
    #[test]
    fn splitting_a_layer_changes_nothing(
        n in 1.0f64..1.6, mu_a in 0.0f64..5.0, mu_s in 0.0f64..100.0, g in -0.9f64..0.95,
        d in 0.001f64..1.0, at in 0.05f64..0.95,
    ) {
        let q = Q::new(n).unwrap();
        let whole = solve(&q, &[layer(mu_a, mu_s, g, d)], Below::Air).unwrap();
        let parts = solve(
            &q,
            &[layer(mu_a, mu_s, g, d * at), layer(mu_a, mu_s, g, d * (1.0 - at))],
            Below::Air,
        )
        .unwrap();
        prop_assert!((whole.reflectance - parts.reflectance).abs() < 1e-5, "{whole:?} {parts:?}");
        prop_assert!((whole.transmittance - parts.transmittance).abs() < 1e-5);
    }

    /// More absorption anywhere in a stack never raises its reflectance.
    #[test]
    fn more_absorption_never_raises_reflectance(
        n in 1.0f64..1.6, a1 in 0.0f64..5.0, s1 in 0.0f64..80.0, a2 in 0.0f64..5.0,
        s2 in 1.0f64..80.0, extra in 0.01f64..50.0, which in 0usize..2,
    ) {
        let q = Q::new(n).unwrap();
        let base = [layer(a1, s1, 0.8, 0.07), layer(a2, s2, 0.8, f64::INFINITY)];
        let mut more = base;
        more[which].mu_a += extra;
        let r0 = solve(&q, &base, Below::SemiInfinite).unwrap().reflectance;
        let r1 = solve(&q, &more, Below::SemiInfinite).unwrap().reflectance;
        prop_assert!(r1 <= r0 + 1e-9, "{r0} -> {r1}");
    }

    /// An index-matched layer that does not scatter transmits exp(-mu_a d).
    #[test]
    fn clear_matched_layer_is_beer_lambert(mu_a in 0.0f64..20.0, d in 0.0f64..2.0, g in -0.9f64..0.95) {
        let q = Q::new(1.0).unwrap();
        let s = solve(&q, &[layer(mu_a, 0.0, g, d)], Below::Air).unwrap();
        prop_assert!((s.transmittance - (-mu_a * d).exp()).abs() < 1e-13);
        prop_assert!(s.reflectance.abs() < 1e-15);
    }
}

fn medium_file(dir: &std::path::Path, body: &str) -> std::path::PathBuf {
    let p = dir.join("medium.toml");
    std::fs::write(&p, body).unwrap();
    p
}

const SLAB: &str = "wavelengths_nm = [500]\nindex = 1.0\nbelow = \"air\"\n[[layers]]\nname = \"slab\"\nthickness_mm = 0.2\nmu_a_per_mm = 1.0\nmu_s_per_mm = 9.0\ng = 0.75\n";

#[test]
fn optics_command_solves_a_medium_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = medium_file(dir.path(), SLAB);
    let v = json_of(tinct().arg("optics").arg(&p).arg("--json"));
    let r = v["reflectance"][0].as_f64().unwrap();
    let t = v["transmittance"][0].as_f64().unwrap();
    assert!(
        (r - 0.09739).abs() < 1e-4 && (t - 0.66096).abs() < 1e-4,
        "{v}"
    );
    assert!(v["lab"].is_null(), "one wavelength has no colour: {v}");
    assert!(v["diffuse_incidence"]["reflectance"][0].as_f64().unwrap() > 0.0);
    // The README's skin-with-a-dot example: a colour, every number finite.
    let v = json_of(tinct().args(["optics", "data/examples/skin_black_dot.toml", "--json"]));
    assert_eq!(v["wavelengths_nm"].as_array().unwrap().len(), 43);
    assert!(v["lab"][0].as_f64().unwrap() > 20.0);
}

#[test]
fn appear_model_solved_by_optics_gives_the_dot() {
    // `tinct appear --json` carries the medium it solved; `tinct optics` on it gives the same
    // dot spectrum and colour.
    let a = json_of(tinct().args([
        "appear",
        "--pigment",
        "carbon-black:2",
        "--skin",
        "fitzpatrick:III",
        "--depth",
        "0.2mm",
        "--json",
    ]));
    let dir = tempfile::tempdir().unwrap();
    let model: toml::Value = serde_json::from_value(a["model"].clone()).unwrap();
    let p = medium_file(dir.path(), &toml::to_string(&model).unwrap());
    let o = json_of(
        tinct()
            .arg("optics")
            .arg(&p)
            .args(["--observer", "10", "--json"]),
    );
    let dot = a["dot"]["reflectance"].as_array().unwrap();
    let solved = o["reflectance_diffuse"].as_array().unwrap();
    assert_eq!(dot.len(), solved.len());
    for (x, y) in dot.iter().zip(solved) {
        assert!((x.as_f64().unwrap() - y.as_f64().unwrap()).abs() < 1e-12);
    }
    for k in 0..3 {
        let (x, y) = (
            a["dot"]["lab"][k].as_f64().unwrap(),
            o["lab"][k].as_f64().unwrap(),
        );
        assert!((x - y).abs() < 1e-9, "{x} {y}");
    }
}

#[test]
fn bad_medium_files_name_the_layer_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            SLAB.replace("mu_a_per_mm = 1.0", "mu_a_per_mm = -1.0"),
            "mu_a_per_mm",
        ),
        (SLAB.replace("g = 0.75", "g = 1.0"), "g"),
        (
            SLAB.replace("mu_s_per_mm = 9.0", "mu_s_per_mm = [9.0, 8.0]"),
            "mu_s_per_mm",
        ),
        (
            SLAB.replace("thickness_mm = 0.2", "thickness_mm = \"inf\""),
            "thickness_mm",
        ),
        (SLAB.replace("index = 1.0", "index = 0.9"), "index"),
        (SLAB.replace("[500]", "[500, 400]"), "wavelengths_nm"),
        (
            SLAB.replace("below = \"air\"", "below = \"water\""),
            "below",
        ),
        ("not toml at all [".to_string(), "medium.toml"),
    ];
    for (body, field) in cases {
        let p = medium_file(dir.path(), &body);
        fails_with(tinct().arg("optics").arg(&p), field);
    }
    fails_with(
        tinct().args(["optics", "no-such-file.toml"]),
        "no-such-file.toml",
    );
}

#[test]
fn pigments_show_the_cross_sections_the_transport_uses() {
    for id in [
        "carbon-black",
        "iron-oxide-red",
        "iron-oxide-black",
        "titanium-dioxide",
    ] {
        let v = json_of(tinct().args(["pigments", "show", id, "--json"]));
        let col = |k: &str| -> Vec<f64> {
            v[k].as_array()
                .unwrap_or_else(|| panic!("{id}: {k}"))
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        };
        let (k, s, mac, msc, g) = (
            col("k"),
            col("s"),
            col("mac_m2_g"),
            col("msc_m2_g"),
            col("g"),
        );
        assert_eq!(mac.len(), 43);
        for i in 0..43 {
            // K = 2 MAC; S = 3/4 MSC (1 - g) for the Mie-derived entries.
            assert!(
                (k[i] - 2.0 * mac[i]).abs() <= 1e-9 * k[i].max(1.0),
                "{id} {i}"
            );
            assert!(
                (s[i] - 0.75 * msc[i] * (1.0 - g[i])).abs() <= 1e-9 * s[i].max(1.0),
                "{id} {i}"
            );
            assert!(g[i] > -1.0 && g[i] < 1.0 && msc[i] >= 0.0);
        }
    }
}
