//! Finite dots (issue 12): the 3-D Monte Carlo against adding-doubling and against its own
//! reciprocity, the fast model against its limits, its monotony and the Monte Carlo, and
//! `tinct optics` with a [dot].

use crate::common::{fails_with, json_of, tinct};
use tinct::appearance::{pigment_optics, Component};
use tinct::optics::dot::{CorrectionSource, FiniteDot};
use tinct::optics::montecarlo::DotMonteCarlo;
use tinct::optics::skin::{DotPigment, DotSite, SkinOptics, SkinParams};
use tinct::optics::transport::{solve, Below, Layer, Quadrature, DEFAULT_POINTS};
use tinct::pigment::Catalog;

/// One built-in pigment at `load` g/m^2, as a dot's pigment.
fn one_pigment(pigment: &str, load: f64) -> DotPigment {
    pigment_optics(&[Component {
        pigment: Catalog::builtin().get(pigment).unwrap(),
        load_g_m2: load,
    }])
    .unwrap()
}

/// A site's bare stacks, one per band of the grid.
fn bare_stacks(site: &DotSite) -> Vec<Vec<Layer>> {
    (0..tinct::spectrum::GRID_LEN)
        .map(|i| site.layers(&DotPigment::none(), i).unwrap())
        .collect()
}

/// tinct's own skin column at one band: the bare stack, the dot's layer and its interior.
fn column(
    skin: &str,
    depth_mm: f64,
    pigment: &str,
    load: f64,
    band: usize,
) -> (Vec<Layer>, usize, Layer) {
    let skin = SkinOptics::new(SkinParams::fitzpatrick(skin).unwrap()).unwrap();
    // Dispersed pigment: the interiors these tests were written for (the finite-dot optics
    // does not depend on how the interior came about).
    let site = skin
        .site(depth_mm, 0.1)
        .unwrap()
        .with_packaging(tinct::optics::packaging::Packaging::DISPERSED)
        .unwrap();
    let pig = one_pigment(pigment, load);
    let dotted = site.layers(&pig, band).unwrap();
    let bare = site.layers(&DotPigment::none(), band).unwrap();
    let k = site.dot_index();
    (bare, k, dotted[k])
}

/// The fast model of one band's column with a dot of `diameter` mm in layer `k`.
fn model(bare: &[Layer], k: usize, diameter: f64) -> FiniteDot {
    FiniteDot::new(&[bare.to_vec()], Below::SemiInfinite, 1.4, k, diameter).unwrap()
}

fn fast(bare: &[Layer], k: usize, interior: &Layer, diameter: f64) -> tinct::optics::dot::DotBand {
    model(bare, k, diameter).bands()[0].solve(interior).unwrap()
}

#[test]
fn monte_carlo_of_an_infinite_dot_agrees_with_adding_doubling() {
    // Type II skin, carbon black and titanium dioxide at 450, 550 and 650 nm: the dot as a whole
    // layer, within four standard errors (plus 1e-3 for the 12-direction quadrature).
    let q = Quadrature::<DEFAULT_POINTS>::new(1.4).unwrap();
    for (pigment, load) in [("carbon-black", 0.3), ("titanium-dioxide", 3.0)] {
        for band in [9, 19, 29] {
            let (bare, k, interior) = column("II", 0.1, pigment, load, band);
            let t = DotMonteCarlo::new(&bare, Below::SemiInfinite, 1.4, k, f64::INFINITY, interior)
                .unwrap()
                .run(20_000, 3)
                .unwrap();
            let mut sheet = bare.clone();
            sheet[k] = interior;
            let ad = solve(&q, &sheet, Below::SemiInfinite)
                .unwrap()
                .reflectance_diffuse;
            assert!(
                (t.mean - ad).abs() < 4.0 * t.std_error + 1e-3,
                "{pigment} band {band}: MC {} +- {} vs AD {ad}",
                t.mean,
                t.std_error
            );
        }
    }
}

#[test]
fn monte_carlo_is_reciprocal() {
    // Diffuse light in, all light out (d:d) is its own reciprocal: lighting a wide disc and
    // counting over the dot gives what launching over the dot and counting everything gives.
    // A strongly absorbing medium keeps the light's spread (and the test) short.
    let layers = [
        Layer::new(2.0, 20.0, 0.8, 0.08),
        Layer::new(0.8, 15.0, 0.8, 0.05),
        Layer::new(0.8, 15.0, 0.8, 0.1),
        Layer::new(0.8, 15.0, 0.8, f64::INFINITY),
    ];
    let interior = Layer::new(30.0, 20.0, 0.6, 0.1);
    let mc = DotMonteCarlo::new(&layers, Below::SemiInfinite, 1.4, 2, 0.25, interior)
        .unwrap()
        .with_diffuse_light();
    let r = mc.run(40_000, 5).unwrap();
    let (d, e) = mc.direct(300_000, 6, 1.75).unwrap();
    assert!(
        (r.mean - d).abs() < 4.0 * (r.std_error.powi(2) + e * e).sqrt(),
        "launched over the dot {} +- {}, counted over it {d} +- {e}",
        r.mean,
        r.std_error
    );
}

#[test]
fn monte_carlo_is_reproducible_and_bounded() {
    let (bare, k, interior) = column("III", 0.1, "carbon-black", 5.0, 19);
    let mc = DotMonteCarlo::new(&bare, Below::SemiInfinite, 1.4, k, 0.125, interior).unwrap();
    assert_eq!(mc.run(3000, 9).unwrap(), mc.run(3000, 9).unwrap());
    assert_ne!(mc.run(3000, 9).unwrap(), mc.run(3000, 10).unwrap());
    assert!(mc.run(0, 1).is_err());
    assert!(mc.run(2_000_000_000, 1).is_err());
    assert!(DotMonteCarlo::new(&bare, Below::SemiInfinite, 1.4, k + 1, 0.1, interior).is_err());
    assert!(DotMonteCarlo::new(&bare, Below::SemiInfinite, 1.4, k, f64::NAN, interior).is_err());
}

#[test]
fn fast_model_tends_to_the_sheet_and_to_the_bare_skin() {
    for (pigment, load) in [
        ("carbon-black", 5.0),
        ("carbon-black", 0.3),
        ("titanium-dioxide", 3.0),
    ] {
        for band in [9, 19, 29] {
            let (bare, k, interior) = column("II", 0.1, pigment, load, band);
            // The centre of a dot far wider than the light's spread (millimetres at 650 nm) is
            // the sheet; its mean still feels the rim.
            let wide = fast(&bare, k, &interior, 60.0);
            let tiny = fast(&bare, k, &interior, 0.001);
            assert!(
                (wide.profile[0] - wide.sheet).abs() < 1e-3,
                "{pigment} {band}: {wide:?}"
            );
            assert!(
                (wide.mean - wide.sheet).abs() < 3e-3,
                "{pigment} {band}: {wide:?}"
            );
            assert!(
                (tiny.mean - tiny.bare).abs() < 2e-3,
                "{pigment} {band}: {tiny:?}"
            );
            // A dot that is the tissue itself is the bare skin at any size.
            let same = fast(&bare, k, &bare[k], 0.3);
            assert!((same.mean - same.bare).abs() < 1e-12, "{same:?}");
        }
    }
}

#[test]
fn larger_shallower_darker_dots_never_read_lighter() {
    for skin in ["I", "IV"] {
        for band in [9, 19, 29] {
            let mut last_size = f64::INFINITY;
            for d in [0.1, 0.2, 0.25, 0.35, 0.5, 0.75, 1.0, 2.0] {
                let (bare, k, interior) = column(skin, 0.2, "carbon-black", 2.0, band);
                let m = fast(&bare, k, &interior, d).mean;
                assert!(
                    m <= last_size + 1e-9,
                    "{skin} {band} {d}: {m} after {last_size}"
                );
                last_size = m;
            }
            let mut last_depth = 0.0;
            for depth in [0.0, 0.05, 0.1, 0.2, 0.4, 0.8] {
                let (bare, k, interior) = column(skin, depth, "carbon-black", 2.0, band);
                let m = fast(&bare, k, &interior, 0.25).mean;
                assert!(
                    m >= last_depth - 1e-9,
                    "{skin} {band} {depth}: {m} after {last_depth}"
                );
                last_depth = m;
            }
            // More carbon black also scatters more: once the dot is opaque, more of it may
            // reflect a trace more (as in the sheet; the physics tests allow 0.05 L*).
            let mut last_load = f64::INFINITY;
            for load in [0.01, 0.05, 0.1, 0.3, 1.0, 3.0, 10.0] {
                let (bare, k, interior) = column(skin, 0.2, "carbon-black", load, band);
                let m = fast(&bare, k, &interior, 0.25).mean;
                assert!(
                    m <= last_load + 1e-4,
                    "{skin} {band} {load}: {m} after {last_load}"
                );
                last_load = m;
            }
        }
    }
}

#[test]
fn the_corrected_dot_lightens_with_depth_without_a_jump() {
    // The full model as every command uses it: corrected by the built-in tables at their
    // depths, by tables interpolated in depth between them, faded below the deepest (0.3 mm)
    // and the chain alone from 0.4 mm. A deeper dot never reads darker, and the look does not
    // jump where the correction changes source.
    use tinct::appearance::DotSpec;
    for (skin, d) in [("II", 0.25), ("V", 0.25), ("III", 0.7)] {
        let optics = SkinOptics::new(SkinParams::fitzpatrick(skin).unwrap()).unwrap();
        let look = |depth: f64| {
            let site = DotSpec {
                depth_mm: depth,
                dot_diameter_mm: Some(d),
                ..DotSpec::default()
            }
            .site(&optics)
            .unwrap();
            let model = site.finite_dot().unwrap();
            let k = site.dot_index();
            [("carbon-black", 0.3), ("carbon-black", 5.0)]
                .iter()
                .flat_map(|&(pigment, load)| {
                    let pig = one_pigment(pigment, load);
                    [9, 19, 29].map(|band| {
                        let interior = site.layers(&pig, band).unwrap()[k];
                        model.bands()[band].mean(&interior).unwrap()
                    })
                })
                .collect::<Vec<f64>>()
        };
        let mut last = look(0.0);
        for i in 1..=20 {
            let depth = 0.025 * f64::from(i);
            let now = look(depth);
            for (j, (a, b)) in last.iter().zip(&now).enumerate() {
                assert!(
                    b >= a,
                    "{skin} {d} mm, case {j}: {b} at {depth} mm after {a}"
                );
            }
            last = now;
        }
        for edge in [0.3, 0.4] {
            let (above, below) = (look(edge - 1e-4), look(edge + 1e-4));
            for (a, b) in above.iter().zip(&below) {
                assert!(
                    (a - b).abs() < 2e-4,
                    "{skin} {d} mm at {edge} mm: {a} then {b}"
                );
            }
        }
    }
}

#[test]
fn fast_model_agrees_with_the_monte_carlo() {
    // A grid of skins, depths, pigments, diameters and bands (a subset of the 270-case check in
    // the module docs of src/optics/dot.rs). The limits are what the chain achieves today:
    // 0.010 for dots 0.3 mm below the epidermis, 0.020 right under it; the issue asks 0.006.
    // (Before the first passage could leave through the wall, the faint dot here was 0.040 off.)
    let mut worst: f64 = 0.0;
    for (skin, depth, pigment, load, band, d, limit) in [
        ("II", 0.3, "carbon-black", 5.0, 19, 0.25, 0.010),
        ("II", 0.3, "carbon-black", 0.3, 29, 0.5, 0.010),
        ("IV", 0.3, "iron-oxide-red", 3.0, 9, 1.0, 0.010),
        ("IV", 0.3, "titanium-dioxide", 3.0, 19, 0.5, 0.010),
        ("I", 0.05, "carbon-black", 0.3, 29, 0.25, 0.020),
        ("III", 0.05, "carbon-black", 5.0, 29, 0.5, 0.020),
        ("I", 0.05, "carbon-black", 0.1, 29, 0.25, 0.020),
    ] {
        let (bare, k, interior) = column(skin, depth, pigment, load, band);
        let f = fast(&bare, k, &interior, d).mean;
        let mc = DotMonteCarlo::new(&bare, Below::SemiInfinite, 1.4, k, d / 2.0, interior)
            .unwrap()
            .run(20_000, 1)
            .unwrap();
        let err = (f - mc.mean).abs();
        worst = worst.max(err);
        assert!(
            err < limit + 3.0 * mc.std_error,
            "{skin} {depth} {pigment}:{load} band {band} {d} mm: fast {f} MC {} +- {}",
            mc.mean,
            mc.std_error
        );
    }
    assert!(worst > 0.0);
}

fn finite_medium(dir: &std::path::Path, body: &str) -> std::path::PathBuf {
    let p = dir.join("dot.toml");
    std::fs::write(&p, body).unwrap();
    p
}

const DOT: &str = "wavelengths_nm = [450, 550, 650]\nindex = 1.4\nbelow = \"semi-infinite\"\n[[layers]]\nname = \"epidermis\"\nthickness_mm = 0.07\nmu_a_per_mm = [1.5, 0.75, 0.4]\nmu_s_per_mm = [40, 29, 23]\ng = 0.8\n[[layers]]\nname = \"dermis above\"\nthickness_mm = 0.1\nmu_a_per_mm = [0.2, 0.1, 0.03]\nmu_s_per_mm = [27, 18, 14]\ng = 0.8\n[[layers]]\nname = \"dot layer\"\nthickness_mm = 0.1\nmu_a_per_mm = [0.2, 0.1, 0.03]\nmu_s_per_mm = [27, 18, 14]\ng = 0.8\n[[layers]]\nname = \"dermis\"\nthickness_mm = \"inf\"\nmu_a_per_mm = [0.2, 0.1, 0.03]\nmu_s_per_mm = [27, 18, 14]\ng = 0.8\n[dot]\nlayer = \"dot layer\"\ndiameter_mm = 0.25\nmu_a_per_mm = 75\nmu_s_per_mm = 30\ng = 0.5\n";

#[test]
fn optics_command_solves_a_finite_dot() {
    let dir = tempfile::tempdir().unwrap();
    let p = finite_medium(dir.path(), DOT);
    let v = json_of(tinct().arg("optics").arg(&p).arg("--json"));
    let dot = &v["dot"];
    assert_eq!(dot["diameter_mm"].as_f64(), Some(0.25));
    assert_eq!(dot["method"], "fast");
    let bare = v["reflectance_diffuse"].as_array().unwrap();
    let over = dot["reflectance_diffuse"].as_array().unwrap();
    let total = dot["reflectance"].as_array().unwrap();
    for i in 0..3 {
        let (b, o, t) = (
            bare[i].as_f64().unwrap(),
            over[i].as_f64().unwrap(),
            total[i].as_f64().unwrap(),
        );
        assert!(o < b && o > 0.0, "{v}");
        assert!((t - o - (0.4f64 / 2.4).powi(2)).abs() < 1e-12, "{v}");
    }
    let radii = dot["profile"]["radius_mm"].as_array().unwrap();
    let profile = dot["profile"]["reflectance_diffuse"].as_array().unwrap();
    assert_eq!(radii.len(), profile.len());
    assert!(radii.last().unwrap().as_f64().unwrap() <= 0.25 + 1e-9);
    assert_eq!(profile[0].as_array().unwrap().len(), 3);
    // Darkest at the centre, lightening past the edge.
    let at = |r: usize| profile[r][1].as_f64().unwrap();
    assert!(at(0) < at(radii.len() - 1), "{v}");
    // Monte Carlo: the same answer for the same seed, with standard errors, close to the fast
    // model at this depth.
    let mc = |seed: &str| {
        json_of(tinct().arg("optics").arg(&p).args([
            "--json",
            "--monte-carlo",
            "--photons",
            "4000",
            "--seed",
            seed,
        ]))
    };
    let (a, b) = (mc("3"), mc("3"));
    assert_eq!(a, b);
    assert_eq!(a["dot"]["method"], "monte-carlo");
    for i in 0..3 {
        let m = a["dot"]["reflectance_diffuse"][i].as_f64().unwrap();
        let e = a["dot"]["std_error"][i].as_f64().unwrap();
        let f = over[i].as_f64().unwrap();
        assert!(
            e > 0.0 && (m - f).abs() < 0.012 + 3.0 * e,
            "{m} +- {e} vs {f}"
        );
    }
    // Without [dot], no "dot".
    let v = json_of(tinct().args(["optics", "data/examples/skin_black_dot.toml", "--json"]));
    assert!(v["dot"].is_null());
    // The README's finite example runs and is lighter than the sheet.
    let sheet = v["lab"][0].as_f64().unwrap();
    let f = json_of(tinct().args([
        "optics",
        "data/examples/skin_black_dot_finite.toml",
        "--json",
    ]));
    assert!(f["dot"]["lab"][0].as_f64().unwrap() > sheet + 5.0, "{f}");
    // Its medium is type II skin's with the dot 0.1 mm deep, a built-in depth: the fast model
    // borrows the built-in skins' correction, and says so (the Monte Carlo at 20,000 photons
    // L* 55.82; borrowed 55.79, the chain alone 55.73); --trace-dot corrects it with tables
    // traced for it. The medium of this test's DOT is no skin's: the chain alone.
    assert!(
        f["dot"]["correction"]
            .as_str()
            .unwrap()
            .starts_with("borrowed from the built-in Monte Carlo tables of fitzpatrick:II"),
        "{}",
        f["dot"]["correction"]
    );
    let own = json_of(tinct().arg("optics").arg(&p).arg("--json"));
    assert!(own["dot"]["correction"]
        .as_str()
        .unwrap()
        .starts_with("none"));
    let t = json_of(tinct().args([
        "optics",
        "data/examples/skin_black_dot_finite.toml",
        "--trace-dot",
        "--photons",
        "2000",
        "--json",
    ]));
    assert_eq!(t["dot"]["method"], "traced");
    assert!(t["dot"]["correction"]
        .as_str()
        .unwrap()
        .starts_with("traced here"));
    let (l_fast, l_traced) = (
        f["dot"]["lab"][0].as_f64().unwrap(),
        t["dot"]["lab"][0].as_f64().unwrap(),
    );
    assert!((l_fast - l_traced).abs() < 1.5, "{l_fast} {l_traced}");
    // The Monte Carlo has no correction.
    assert!(a["dot"]["correction"].is_null());
}

#[test]
fn bad_dots_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    for (body, field) in [
        (
            DOT.replace("layer = \"dot layer\"", "layer = \"nowhere\""),
            "dot.layer",
        ),
        (
            DOT.replace("layer = \"dot layer\"", "layer = \"dermis\""),
            "dot.layer",
        ),
        (
            DOT.replace("diameter_mm = 0.25", "diameter_mm = -1"),
            "dot.diameter_mm",
        ),
        (
            DOT.replace("diameter_mm = 0.25", "diameter_mm = nan"),
            "dot.diameter_mm",
        ),
        (
            DOT.replace("mu_a_per_mm = 75", "mu_a_per_mm = [1, 2]"),
            "dot.mu_a_per_mm",
        ),
        (DOT.replace("g = 0.5", "g = 1.5"), "g"),
        (DOT.replace("g = 0.5", "g = 0.5\ncolour = 3"), "colour"),
    ] {
        let p = finite_medium(dir.path(), &body);
        fails_with(tinct().arg("optics").arg(&p), field);
    }
    let p = finite_medium(dir.path(), DOT);
    fails_with(
        tinct()
            .arg("optics")
            .arg(&p)
            .args(["--monte-carlo", "--photons", "0"]),
        "photons",
    );
    fails_with(
        tinct().arg("optics").arg(&p).args(["--photons", "10"]),
        "--monte-carlo",
    );
    fails_with(
        tinct()
            .arg("optics")
            .arg(&p)
            .args(["--monte-carlo", "--trace-dot"]),
        "--trace-dot",
    );
    fails_with(
        tinct()
            .arg("optics")
            .arg(&p)
            .args(["--trace-dot", "--photons", "0"]),
        "photons",
    );
}

#[test]
fn appear_reports_a_finite_dot_close_up_and_from_afar() {
    let base = [
        "appear",
        "--pigment",
        "carbon-black:5",
        "--skin",
        "fitzpatrick:II",
        "--depth",
        "0.1mm",
        "--json",
    ];
    // The default dot is finite (0.25 mm); `sheet` asks for the layered model alone.
    let sheet = json_of(tinct().args(base).args(["--needle", "sheet"]));
    assert!(sheet["finite"].is_null());
    let default = json_of(tinct().args(base));
    assert_eq!(default["finite"]["diameter_mm"].as_f64(), Some(0.25));
    // At every depth, the papillary dermis's cut included, the dot reads darker than the skin.
    for depth in ["0mm", "0.05mm", "0.15mm", "0.2mm"] {
        let v = json_of(
            tinct()
                .args([
                    "appear",
                    "--dilution",
                    "carbon-black:1:6",
                    "--skin",
                    "fitzpatrick:II",
                ])
                .args(["--depth", depth, "--json"]),
        );
        let (close, skin) = (
            v["finite"]["close_up"]["lab"][0].as_f64().unwrap(),
            v["skin"]["lab"][0].as_f64().unwrap(),
        );
        assert!(close < skin - 1.5, "{depth}: {close} against {skin}");
    }
    let run = |extra: &[&str]| json_of(tinct().args(base).args(extra));
    let v = run(&["--needle", "0.25mm", "--spacing", "1mm"]);
    let l = |x: &serde_json::Value| x[0].as_f64().unwrap();
    let f = &v["finite"];
    let (dot, close, afar, skin) = (
        l(&v["dot"]["lab"]),
        l(&f["close_up"]["lab"]),
        l(&f["blended"]["seen"]["lab"]),
        l(&v["skin"]["lab"]),
    );
    // The sheet is darkest, then the dot close up, then the patch from afar, then bare skin.
    assert!(dot < close && close < afar && afar < skin, "{v}");
    assert_eq!(l(&f["sheet"]["lab"]), dot);
    assert_eq!(f["diameter_mm"].as_f64(), Some(0.25));
    assert_eq!(f["reflectance"].as_array().unwrap().len(), 43);
    let cov = f["blended"]["coverage"].as_f64().unwrap();
    assert!((cov - std::f64::consts::PI * 0.125f64.powi(2)).abs() < 1e-12);
    // The same coverage given directly is the same spacing; sparser dots read closer to skin.
    let w = run(&["--dot-diameter", "250um", "--coverage", &cov.to_string()]);
    assert!((l(&w["finite"]["blended"]["seen"]["lab"]) - afar).abs() < 1e-9);
    let sparse = run(&["--needle", "0.25mm", "--spacing", "2mm"]);
    let far2 = l(&sparse["finite"]["blended"]["seen"]["lab"]);
    assert!(afar < far2 && far2 < skin);
    // A dense pattern (density work): darker from afar, and each dot darker close up than a
    // lone one, for its neighbours take light that would have come up under it.
    let dense = run(&["--needle", "0.25mm", "--spacing", "0.4mm"]);
    let b = &dense["finite"]["blended"];
    assert!(l(&b["seen"]["lab"]) < afar, "{dense}");
    assert!(
        l(&b["dot"]["lab"]) < close && l(&b["dot"]["lab"]) > dot,
        "{dense}"
    );
    // Profile: darkest at the centre, lighter towards twice the radius.
    let p = f["profile_lab"].as_array().unwrap();
    assert!(l(&p[0]) < l(p.last().unwrap()));
    // The text report shows both lines.
    let out = tinct()
        .args(&base[..base.len() - 1])
        .args(["--needle", "0.25mm", "--spacing", "1mm"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("close up") && text.contains("afar"), "{text}");
}

#[test]
fn appear_checks_the_finite_dot_by_the_monte_carlo() {
    use tinct::appearance::{appear_job, AppearRequest};
    use tinct::optics::transport::Below;
    // The library: each band is the Monte Carlo of the site's own column, to the bit.
    let req: AppearRequest = tinct::request::from_json(
        r#"{"skin": "fitzpatrick:II", "pigments": [{"pigment": "carbon-black", "load_g_m2": 0.3}],
            "monte_carlo": true, "photons": 3000, "seed": 5}"#,
        "appear",
    )
    .unwrap();
    let catalog = Catalog::builtin();
    let r = appear_job(&req, catalog).unwrap();
    let f = r.finite.as_ref().unwrap();
    let m = f.monte_carlo.as_ref().unwrap();
    let skin = SkinOptics::new(SkinParams::fitzpatrick("II").unwrap()).unwrap();
    let site = crate::common::default_site(&skin);
    let pig = pigment_optics(&[Component {
        pigment: catalog.get("carbon-black").unwrap(),
        load_g_m2: 0.3,
    }])
    .unwrap();
    let k = site.dot_index();
    for band in [0, 19, 42] {
        let bare = site.layers(&DotPigment::none(), band).unwrap();
        let interior = site.layers(&pig, band).unwrap()[k];
        let t = DotMonteCarlo::new(&bare, Below::SemiInfinite, site.index(), k, 0.125, interior)
            .unwrap()
            .run(3000, 5)
            .unwrap();
        assert_eq!(
            (m.reflectance[band], m.std_error[band]),
            (t.mean, t.std_error)
        );
    }
    assert_eq!((m.photons, m.seed), (3000, 5));
    assert!(m.std_error.iter().all(|&e| e > 0.0 && e < 0.02));
    assert!(m.close_up_lab_std_error.iter().all(|&e| e > 0.0 && e < 1.0));
    // The fast model, corrected by the built-in Monte Carlo tables for this skin and dot,
    // agrees with the reference within the reference's noise at 3000 photons (the chain alone
    // read this faint dot at the junction about 2 L* darker).
    assert!(f.look.corrected);
    assert!(
        m.fast_delta_e > 0.0 && m.fast_delta_e < 1.0,
        "{}",
        m.fast_delta_e
    );
    assert!(m.close_up_contrast_delta_e > 1.0);

    // The binary: text and JSON, the same seed the same answer, a pattern from afar.
    let base = [
        "appear",
        "--pigment",
        "carbon-black:0.3",
        "--skin",
        "fitzpatrick:II",
        "--monte-carlo",
        "--photons",
        "3000",
        "--seed",
        "5",
    ];
    let v = json_of(tinct().args(base).arg("--json"));
    let mc = &v["finite"]["monte_carlo"];
    assert_eq!(mc["reflectance"].as_array().unwrap().len(), 43);
    assert_eq!(mc["reflectance"][19].as_f64(), Some(m.reflectance[19]));
    let out = tinct()
        .args(base)
        .args(["--spacing", "1mm"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("3-D MC").count(), 2, "{text}");
    assert!(text.contains("3000 photons a band, seed 5"), "{text}");
    // Without the flag the report is as before: no Monte Carlo key at all.
    let plain = json_of(tinct().args(&base[..5]).arg("--json"));
    assert!(plain["finite"].get("monte_carlo").is_none());

    // Bad requests: one line, exit 2.
    fails_with(
        tinct().args(base).args(["--needle", "sheet"]),
        "monte_carlo",
    );
    for photons in ["0", "2000000"] {
        fails_with(
            tinct().args(&base[..6]).args(["--photons", photons]),
            "photons",
        );
    }
    fails_with(
        tinct().args(&base[..5]).args(["--photons", "100"]),
        "--monte-carlo",
    );
}

#[test]
fn appear_refuses_bad_dot_sizes() {
    let base = [
        "appear",
        "--pigment",
        "carbon-black:5",
        "--skin",
        "fitzpatrick:II",
    ];
    for (extra, field) in [
        (vec!["--needle", "sheet", "--spacing", "1mm"], "spacing"),
        (vec!["--needle", "0mm"], "dot diameter"),
        (vec!["--needle", "9mm"], "dot diameter"),
        (vec!["--needle", "fat"], "dot-diameter"),
        (
            vec!["--needle", "0.25mm", "--spacing", "0.1mm"],
            "dot spacing",
        ),
        (vec!["--needle", "0.25mm", "--coverage", "0.9"], "coverage"),
        (vec!["--needle", "0.25mm", "--coverage", "nan"], "coverage"),
        (
            vec![
                "--needle",
                "0.25mm",
                "--coverage",
                "0.1",
                "--spacing",
                "1mm",
            ],
            "--coverage",
        ),
    ] {
        fails_with(tinct().args(base).args(&extra), field);
    }
}

#[test]
fn appear_draws_the_finite_dot_with_its_profile_and_a_patch() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("dot.svg");
    let v = json_of(
        tinct()
            .args([
                "appear",
                "--pigment",
                "carbon-black:10",
                "--skin",
                "fitzpatrick:II",
                "--depth",
                "0.1mm",
                "--needle",
                "0.25mm",
                "--spacing",
                "1mm",
                "--json",
                "--swatch",
            ])
            .arg(&svg),
    );
    let text = std::fs::read_to_string(&svg).unwrap();
    let f = &v["finite"];
    // Every profile colour is drawn, the close-up mean, the sheet and the blended look are named,
    // and the 6 mm patch holds 6 x 6 dots 1 mm apart.
    for hex in f["profile_srgb"].as_array().unwrap() {
        assert!(text.contains(hex.as_str().unwrap()), "{hex}");
    }
    for hex in [
        &f["close_up"]["srgb"],
        &f["sheet"]["srgb"],
        &f["blended"]["seen"]["srgb"],
    ] {
        assert!(text.contains(hex.as_str().unwrap()), "{hex}");
    }
    let dots = text
        .matches(&format!(
            "fill=\"{}\"/>",
            f["close_up"]["srgb"].as_str().unwrap()
        ))
        .count();
    assert_eq!(dots, 36, "{text}");
    assert!(!text.contains("NaN") && text.ends_with("</svg>\n"));
}

/// The full check behind the numbers in src/optics/dot.rs's docs: 405 cases (Fitzpatrick I, III
/// and V; dots 0 (the default), 0.05 and 0.3 mm below the epidermis; carbon black at 5, 0.3 and 0.1 g/m^2, iron
/// oxide red and titanium dioxide at 3 g/m^2; 450, 550 and 650 nm; 0.25, 0.5 and 1 mm), the
/// fast model against the Monte Carlo at 40,000 photons. Prints the table and the RMS and
/// largest differences per depth. About 100 s in release: `cargo test --release --test
/// integration -- --ignored --nocapture fast_model_grid`.
#[test]
#[ignore = "a 100-second survey; run by hand when the fast model changes"]
fn fast_model_grid() {
    // The chain alone, and corrected by Monte Carlo tables traced for each site
    // (CorrectionSource::Trace, 20,000 photons a level; the built-in tables use more), against the
    // Monte Carlo at 40,000 photons.
    let mut by_depth: Vec<(f64, Vec<f64>, Vec<f64>)> = vec![
        (0.0, vec![], vec![]),
        (0.05, vec![], vec![]),
        (0.3, vec![], vec![]),
    ];
    println!(
        "skin depth pigment load band diameter fast corrected mc std_error diff diff_corrected"
    );
    for skin in ["I", "III", "V"] {
        for (di, depth) in [0.0, 0.05, 0.3].into_iter().enumerate() {
            for band in [9, 19, 29] {
                for d in [0.25, 0.5, 1.0] {
                    let (bare, k, _) = column(skin, depth, "carbon-black", 1.0, band);
                    let traced = FiniteDot::with_correction(
                        std::slice::from_ref(&bare),
                        Below::SemiInfinite,
                        1.4,
                        k,
                        d,
                        CorrectionSource::Trace(20_000, tinct::optics::dot_exact::SEED),
                    )
                    .unwrap();
                    for (pigment, load) in [
                        ("carbon-black", 5.0),
                        ("carbon-black", 0.3),
                        ("carbon-black", 0.1),
                        ("iron-oxide-red", 3.0),
                        ("titanium-dioxide", 3.0),
                    ] {
                        let (_, _, interior) = column(skin, depth, pigment, load, band);
                        let f = fast(&bare, k, &interior, d).mean;
                        let c = traced.bands()[0].mean(&interior).unwrap();
                        let mc = DotMonteCarlo::new(
                            &bare,
                            Below::SemiInfinite,
                            1.4,
                            k,
                            d / 2.0,
                            interior,
                        )
                        .unwrap()
                        .run(40_000, 11)
                        .unwrap();
                        println!(
                            "{skin} {depth} {pigment} {load} {band} {d} {f:.4} {c:.4} {:.4} {:.4} {:+.4} {:+.4}",
                            mc.mean,
                            mc.std_error,
                            f - mc.mean,
                            c - mc.mean
                        );
                        by_depth[di].1.push(f - mc.mean);
                        by_depth[di].2.push(c - mc.mean);
                    }
                }
            }
        }
    }
    for (depth, chain, corrected) in &by_depth {
        for (name, errs) in [("chain", chain), ("corrected", corrected)] {
            let rms = (errs.iter().map(|e| e * e).sum::<f64>() / errs.len() as f64).sqrt();
            let worst = errs.iter().fold(0.0f64, |m, e| m.max(e.abs()));
            let within = errs.iter().filter(|e| e.abs() <= 0.006).count();
            println!(
                "depth {depth} mm, {name}: {} cases, RMS {rms:.4}, largest {worst:.4}, {within} within 0.006",
                errs.len()
            );
        }
    }
}

#[test]
fn the_mean_alone_is_the_full_solves_mean() {
    // FiniteDotBand::mean solves the chain once, as a low-rank update of the bare chain;
    // FiniteDotBand::solve solves it per ring. Same answer to rounding, faint to opaque,
    // absorbing and scattering, small and large dots.
    for (pigment, load) in [
        ("carbon-black", 0.05),
        ("carbon-black", 0.3),
        ("carbon-black", 30.0),
        ("titanium-dioxide", 3.0),
        ("iron-oxide-red", 3.0),
    ] {
        for band in [4, 19, 34] {
            let (bare, k, interior) = column("III", 0.1, pigment, load, band);
            for d in [0.05, 0.25, 1.0] {
                let prepared = model(&bare, k, d);
                let b = &prepared.bands()[0];
                let full = b.solve(&interior).unwrap().mean;
                let alone = b.mean(&interior).unwrap();
                assert!(
                    (full - alone).abs() < 1e-9,
                    "{pigment}:{load} band {band} {d} mm: {full} vs {alone}"
                );
            }
        }
    }
}

#[test]
fn match_and_fade_take_the_dot_size() {
    // A 0.25 mm dot 0.1 mm deep in type II skin: the best black-hair recipe heals lighter than
    // the sheet's (light spreads under the dot), and the JSON says which dot was used.
    let best_l = |extra: &[&str]| {
        let v = json_of(
            tinct()
                .args(["match", "--skin", "fitzpatrick:II", "--hair", "black"])
                .args(["--depth", "0.1mm", "--top", "1", "--json"])
                .args(extra),
        );
        (
            v["recipes"][0]["lab"][0].as_f64().unwrap(),
            v["dot_diameter_mm"].clone(),
        )
    };
    let (sheet, none) = best_l(&["--needle", "sheet"]);
    let (finite, d) = best_l(&[]);
    assert!(none.is_null());
    assert_eq!(d.as_f64(), Some(0.25));
    assert!(finite > sheet + 5.0, "finite L* {finite}, sheet {sheet}");
    let fade = json_of(tinct().args([
        "fade",
        "--recipe",
        "carbon-black:10",
        "--skin",
        "fitzpatrick:II",
        "--years",
        "1",
        "--dot-diameter",
        "250um",
        "--json",
    ]));
    assert_eq!(fade["dot_diameter_mm"].as_f64(), Some(0.25));
    let fresh = fade["fresh"]["lab"][0].as_f64().unwrap();
    assert!(fresh.is_finite() && fresh > 40.0, "{fresh}");
    fails_with(
        tinct().args([
            "match",
            "--skin",
            "fitzpatrick:II",
            "--hair",
            "black",
            "--needle",
            "0mm",
        ]),
        "dot diameter",
    );
    fails_with(
        tinct().args([
            "schedule",
            "--recipe",
            "carbon-black:10",
            "--skin",
            "fitzpatrick:II",
            "--needle",
            "9mm",
        ]),
        "dot diameter",
    );
}

#[test]
fn patterns_add_lone_dots_when_sparse_and_shade_each_other_when_dense() {
    // The pattern's cell chain against the lone dot: far apart, its blend is the lone dot's
    // effect per cell (R_bare + deficit / spacing^2) and each dot is the lone dot; closer, the
    // blend darkens monotonically towards the sheet and the dots darken too; a pattern of
    // tissue is the skin.
    for (pigment, load, band, depth) in [
        ("carbon-black", 3.0, 19, 0.1),
        ("carbon-black", 0.3, 29, 0.05),
        ("iron-oxide-red", 3.0, 9, 0.3),
    ] {
        let (bare, k, interior) = column("III", depth, pigment, load, band);
        let fd = model(&bare, k, 0.25);
        let lone = fd.bands()[0].solve(&interior).unwrap();
        let far = fd.pattern(2.0).unwrap();
        let l = far.look(0, &interior).unwrap();
        let sum = lone.bare + lone.deficit_mm2 / 4.0;
        assert!((l.blended - sum).abs() < 1e-3, "{pigment}: {l:?} vs {sum}");
        // (At 650 nm the halos reach millimetres: 2 mm apart, neighbours still darken each
        // dot by 0.009; 5 mm apart, no more.)
        let lonely = fd.pattern(5.0).unwrap().look(0, &interior).unwrap();
        assert!(
            (lonely.dot - lone.mean).abs() < 2e-3,
            "{pigment}: {lonely:?} vs {lone:?}"
        );
        let mut last = l;
        for spacing in [1.0, 0.7, 0.5, 0.35, 0.25] {
            let p = fd.pattern(spacing).unwrap();
            let got = p.look(0, &interior).unwrap();
            assert!(
                got.blended < last.blended + 1e-4 && got.dot < last.dot + 1e-4,
                "{pigment} at {spacing} mm: {got:?} after {last:?}"
            );
            assert!(
                got.blended > lone.sheet && got.blended < lone.bare,
                "{got:?}"
            );
            let same = p.look(0, &bare[k]).unwrap();
            assert!(
                (same.blended - lone.bare).abs() < 1e-12 && (same.dot - lone.bare).abs() < 1e-12
            );
            last = got;
        }
        // Touching dots (78.5 % covered): within a fifth of the way from the sheet to the skin.
        assert!(
            last.blended - lone.sheet < 0.2 * (lone.bare - lone.sheet),
            "{pigment}: {last:?} {lone:?}"
        );
    }
    let fd = model(&column("III", 0.1, "carbon-black", 3.0, 19).0, 2, 0.25);
    assert!(fd.pattern(0.2).is_err() && fd.pattern(f64::NAN).is_err());
}

#[test]
fn patterns_agree_with_a_periodic_monte_carlo() {
    // The pattern's cell chain against the Monte Carlo with periodic cell walls (an independent
    // reference: the grid itself, traced). Measured when this was written (40,000 photons,
    // 0.25 mm dots 1 to 0.25 mm apart): a dot of the pattern within 0.0072 and the blend from
    // afar within 0.0055, except white dots touching (0.017 and 0.010). The limits below are
    // those figures with room for the standard error. (Before light launched evenly could
    // enter the dot through its wall, the blend of dark dots read up to 0.016 too light.)
    for (skin, pigment, load, band, depth, spacing, dot_limit, blend_limit) in [
        ("III", "carbon-black", 3.0, 19, 0.1, 0.5, 0.008, 0.006),
        ("III", "carbon-black", 0.3, 29, 0.05, 0.5, 0.008, 0.006),
        ("I", "titanium-dioxide", 3.0, 19, 0.1, 0.5, 0.008, 0.006),
        ("I", "carbon-black", 5.0, 9, 0.3, 0.35, 0.008, 0.006),
    ] {
        let (bare, k, interior) = column(skin, depth, pigment, load, band);
        let fd = model(&bare, k, 0.25);
        let l = fd.pattern(spacing).unwrap().look(0, &interior).unwrap();
        let mc = DotMonteCarlo::new(&bare, Below::SemiInfinite, 1.4, k, 0.125, interior)
            .unwrap()
            .with_period(spacing)
            .unwrap()
            .run_pattern(20_000, 3)
            .unwrap();
        let (md, sd, mb, sb) = (mc.dot, mc.dot_std_error, mc.blended, mc.blended_std_error);
        assert!(
            (l.dot - md).abs() < dot_limit + 3.0 * sd,
            "{skin} {pigment}:{load} band {band} at {spacing} mm: dot {} vs {md} +- {sd}",
            l.dot
        );
        assert!(
            (l.blended - mb).abs() < blend_limit + 3.0 * sb,
            "{skin} {pigment}:{load} band {band} at {spacing} mm: blend {} vs {mb} +- {sb}",
            l.blended
        );
    }
    // Far apart, the periodic Monte Carlo's dot is the lone dot's.
    let (bare, k, interior) = column("III", 0.1, "carbon-black", 3.0, 19);
    let lone = DotMonteCarlo::new(&bare, Below::SemiInfinite, 1.4, k, 0.125, interior)
        .unwrap()
        .run(20_000, 4)
        .unwrap();
    let far = DotMonteCarlo::new(&bare, Below::SemiInfinite, 1.4, k, 0.125, interior)
        .unwrap()
        .with_period(4.0)
        .unwrap()
        .run_pattern(20_000, 4)
        .unwrap();
    let (far, se) = (far.dot, far.dot_std_error);
    assert!(
        (far - lone.mean).abs() < 4.0 * (se * se + lone.std_error * lone.std_error).sqrt(),
        "{far} +- {se} vs {lone:?}"
    );
}

#[test]
fn a_sparse_patterns_dots_take_the_lone_dots_correction() {
    // Right under the epidermis the lone dot's Monte Carlo correction (built in for type I)
    // carries over to a dot of a pattern whose dots lie four diameters apart or more, and not
    // to a dense one (tinct::optics::dot::PATTERN_CORRECTION_SPAN); against the periodic Monte
    // Carlo, faint carbon black at 550 and 650 nm and iron oxide red at 650 nm (where the chain
    // alone read one dot of the pattern 0.010-0.021 too dark).
    use tinct::appearance::DotSpec;
    let optics = SkinOptics::new(SkinParams::fitzpatrick("I").unwrap()).unwrap();
    let site = DotSpec::default()
        .site(&optics)
        .unwrap()
        .with_packaging(tinct::optics::packaging::Packaging::DISPERSED)
        .unwrap();
    let k = site.dot_index();
    let layers = bare_stacks(&site);
    let chain = FiniteDot::chain_only(&layers, Below::SemiInfinite, site.index(), k, 0.25).unwrap();
    let model = site.finite_dot().unwrap();
    assert!(model.corrected());
    let (sparse, dense) = (model.pattern(1.0).unwrap(), model.pattern(0.5).unwrap());
    assert_eq!(
        (sparse.correction_weight(), dense.correction_weight()),
        (1.0, 0.0)
    );
    assert!((model.pattern(0.75).unwrap().correction_weight() - 0.5).abs() < 1e-12);
    for (pigment, load, band) in [
        ("carbon-black", 0.3, 19),
        ("carbon-black", 0.3, 29),
        ("iron-oxide-red", 3.0, 29),
    ] {
        let pig = one_pigment(pigment, load);
        let interior = site.layers(&pig, band).unwrap()[k];
        // A dense pattern is the chain's alone.
        let (d, c) = (
            dense.look(band, &interior).unwrap(),
            chain.pattern(0.5).unwrap().look(band, &interior).unwrap(),
        );
        assert_eq!(d, c);
        let got = sparse.look(band, &interior).unwrap();
        let alone = chain.pattern(1.0).unwrap().look(band, &interior).unwrap();
        let mc = DotMonteCarlo::new(
            &layers[band],
            Below::SemiInfinite,
            site.index(),
            k,
            0.125,
            interior,
        )
        .unwrap()
        .with_period(1.0)
        .unwrap()
        .run_pattern(20_000, 13)
        .unwrap();
        let (md, sd) = (mc.dot, mc.dot_std_error);
        assert!(
            (got.dot - md).abs() < 0.006 + 3.0 * sd,
            "{pigment}:{load} band {band}: dot {} (chain alone {}) vs {md} +- {sd}",
            got.dot,
            alone.dot
        );
        assert!(
            (got.dot - md).abs() < (alone.dot - md).abs(),
            "{pigment}:{load} band {band}: {} not closer than {} to {md}",
            got.dot,
            alone.dot
        );
        // The blend moves with the dot, by the share it covers.
        let cov = sparse.coverage();
        assert!(((got.blended - alone.blended) - cov * (got.dot - alone.dot)).abs() < 1e-12);
    }
}

/// The bare stacks of a built-in set's medium (`skin` a preset, "fitzpatrick:III", with the dot
/// at `depth_mm` in a layer `thickness_mm` thick), the index and the dot's layer.
fn builtin_medium(skin: &str, depth_mm: f64, thickness_mm: f64) -> (Vec<Vec<Layer>>, f64, usize) {
    let t = skin
        .strip_prefix("fitzpatrick:")
        .unwrap_or_else(|| panic!("built-in set for {skin}: not a preset"));
    let skin = SkinOptics::new(SkinParams::fitzpatrick(t).unwrap()).unwrap();
    let site = skin.site(depth_mm, thickness_mm).unwrap();
    (bare_stacks(&site), site.index(), site.dot_index())
}

/// `tables` with the full fast model's corrections on `layers` stored beside them, derived
/// from their exact values by the current chain (no Monte Carlo).
fn with_chain_corrections(
    layers: &[Vec<Layer>],
    index: f64,
    dot_layer: usize,
    diameter_mm: f64,
    tables: &tinct::optics::dot_exact::ExactTables,
) -> tinct::optics::dot_exact::ExactTables {
    let model = FiniteDot::with_correction(
        layers,
        Below::SemiInfinite,
        index,
        dot_layer,
        diameter_mm,
        CorrectionSource::Tables(std::sync::Arc::new(tables.without_corrections())),
    )
    .unwrap();
    tables.with_corrections(model.correction_tables()).unwrap()
}

const BUILTIN_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/dot/exact.json");

fn read_builtin() -> tinct::optics::dot_exact::BuiltinFile {
    serde_json::from_str(&std::fs::read_to_string(BUILTIN_PATH).unwrap()).unwrap()
}

/// Writes data/dot/exact.json whole, numbers at six significant digits: the Monte Carlo's own
/// error is above 1e-4.
fn write_builtin(file: &tinct::optics::dot_exact::BuiltinFile) {
    let text = round_floats(&serde_json::to_string(file).unwrap()) + "\n";
    let tmp = format!("{BUILTIN_PATH}.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, BUILTIN_PATH).unwrap();
}

/// The depths below the dermo-epidermal junction, mm, of the built-in sets: the default
/// (0, where SMP aims), the upper and mid papillary dermis, the top of the reticular dermis and
/// below it, within which the chain alone errs most (`tinct::optics::dot::NEAR_SURFACE_MM`);
/// corrections between them are interpolated in depth (`tinct::optics::dot_exact::borrow`).
const BUILTIN_DEPTHS_MM: [f64; 5] = [0.0, 0.05, 0.1, 0.2, 0.3];
/// The diameters of the built-in sets, mm: the default SMP needle and a large dot, between
/// which dots borrow in log diameter.
const BUILTIN_DIAMETERS_MM: [f64; 2] = [0.25, 1.0];

/// Every built-in geometry: (depth, diameter), mm.
fn builtin_geometries() -> Vec<(f64, f64)> {
    BUILTIN_DIAMETERS_MM
        .iter()
        .flat_map(|&d| BUILTIN_DEPTHS_MM.iter().map(move |&z| (z, d)))
        .collect()
}

/// What data/dot/exact.json says of itself.
fn builtin_about(photons: u64) -> String {
    format!(
        "tinct's 3-D Monte Carlo of its built-in skins with dots 0.25 and 1 mm across, 0.1 mm \
         thick, at depths 0, 0.05, 0.1, 0.2 and 0.3 mm below the dermo-epidermal junction: \
         the exact values \
         the finite dot's fast model corrects its chain with (src/optics/dot_exact.rs): \
         {photons} photons per traced band and level, seed {}; with each band's correction \
         (exact minus the full model's chain) derived from them. Generated by \
         tests/finite_dot.rs::regenerate_builtin_dot_tables (the corrections alone, after a \
         change to the chain: refresh_builtin_dot_corrections); do not edit.",
        tinct::optics::dot_exact::SEED
    )
}

/// Traces the Monte Carlo's exact tables for tinct's built-in skins and dots, derives
/// the full model's corrections from them and writes data/dot/exact.json
/// (src/optics/dot_exact.rs). Minutes on two cores:
/// `cargo test --release --test integration -- --ignored regenerate_builtin_dot_tables`.
/// `builtin_dot_tables_are_current` fails when the skin model has changed under them.
#[test]
#[ignore]
fn regenerate_builtin_dot_tables() {
    use tinct::optics::dot_exact::{self, BuiltinFile, BuiltinSet, BUILTIN_PHOTONS, SEED};
    use tinct::optics::skin::DEFAULT_DOT_THICKNESS_MM;
    let photons = std::env::var("TINCT_TABLE_PHOTONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(BUILTIN_PHOTONS);
    // Sets already in the file under the same key, photons and seed are kept (the trace is
    // deterministic); TINCT_RETRACE=1 traces every set again, as a change to the Monte Carlo
    // or to the trace itself needs (the key hashes the medium and the tables' grid, not the
    // code).
    let retrace = std::env::var("TINCT_RETRACE").is_ok_and(|v| v == "1");
    let old = if retrace { vec![] } else { read_builtin().sets };
    let mut sets = vec![];
    for ((depth, d), t) in builtin_geometries()
        .into_iter()
        .flat_map(|g| ["I", "II", "III", "IV", "V", "VI"].map(|t| (g, t)))
    {
        let start = std::time::Instant::now();
        let skin = format!("fitzpatrick:{t}");
        let thickness = DEFAULT_DOT_THICKNESS_MM;
        let (layers, index, k) = builtin_medium(&skin, depth, thickness);
        let key = dot_exact::key(&layers, Below::SemiInfinite, index, k, d);
        let kept = old
            .iter()
            .find(|s| s.key == key && s.tables.photons == photons && s.tables.seed == SEED);
        let tables = match kept {
            Some(s) => s.tables.clone(),
            None => {
                let tables =
                    dot_exact::trace(&layers, Below::SemiInfinite, index, k, d, photons, SEED)
                        .unwrap();
                println!(
                    "{skin}, {d} mm at {depth} mm: {:.1} s",
                    start.elapsed().as_secs_f64()
                );
                tables
            }
        };
        sets.push(BuiltinSet {
            skin,
            depth_mm: depth,
            thickness_mm: thickness,
            diameter_mm: d,
            key,
            dot_layer: k,
            index,
            medium: BuiltinSet::medium_of(&layers),
            tables,
        });
    }
    write_builtin(&BuiltinFile {
        about: builtin_about(photons),
        sets,
    });
    // The corrections, derived from the exact values as written (rounded), as the check
    // builtin_dot_corrections_are_current derives them.
    refresh_builtin_corrections();
}

/// Derives the stored corrections in data/dot/exact.json again from its exact values with the
/// current chain, without a Monte Carlo (seconds), after a change to the fast model's chain:
/// `cargo test --release --test integration -- --ignored refresh_builtin_dot_corrections`.
/// `builtin_dot_corrections_are_current` fails until it is run.
#[test]
#[ignore]
fn refresh_builtin_dot_corrections() {
    refresh_builtin_corrections();
}

fn refresh_builtin_corrections() {
    use tinct::optics::dot_exact;
    let mut file = read_builtin();
    for set in &mut file.sets {
        let (layers, index, k) = builtin_medium(&set.skin, set.depth_mm, set.thickness_mm);
        assert_eq!(
            dot_exact::key(&layers, Below::SemiInfinite, index, k, set.diameter_mm),
            set.key,
            "{}: the medium has changed under the exact values: run regenerate_builtin_dot_tables",
            set.skin
        );
        set.tables = with_chain_corrections(&layers, index, k, set.diameter_mm, &set.tables);
        set.dot_layer = k;
        set.index = index;
        set.medium = tinct::optics::dot_exact::BuiltinSet::medium_of(&layers);
    }
    file.about = builtin_about(file.sets[0].tables.photons);
    write_builtin(&file);
}

#[test]
fn builtin_dot_corrections_are_current() {
    // The corrections stored beside the exact values are what the current chain derives from
    // them (up to the file's six significant digits); a change to the chain that left them stale
    // fails here: run refresh_builtin_dot_corrections.
    let file = read_builtin();
    assert_eq!(file.sets.len(), 6 * builtin_geometries().len());
    for set in &file.sets {
        let (layers, index, k) = builtin_medium(&set.skin, set.depth_mm, set.thickness_mm);
        let fresh = with_chain_corrections(&layers, index, k, set.diameter_mm, &set.tables);
        let mut worst = 0.0f64;
        for (band, (s, f)) in set.tables.bands.iter().zip(&fresh.bands).enumerate() {
            let stored = s.corrections.as_ref().unwrap_or_else(|| {
                panic!(
                    "{} band {band}: no stored correction: run refresh_builtin_dot_corrections",
                    set.skin
                )
            });
            let f = f.corrections.as_ref().unwrap();
            assert_eq!(stored.len(), f.len());
            for (x, y) in stored.iter().flatten().zip(f.iter().flatten()) {
                worst = worst.max((x - y).abs());
            }
        }
        assert!(
            worst < 1e-6,
            "{}: stored corrections off the chain's by up to {worst:.2e}: run \
             refresh_builtin_dot_corrections",
            set.skin
        );
    }
}

/// Numbers in a JSON text written with at most six significant digits.
fn round_floats(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut num = String::new();
    let flush = |num: &mut String, out: &mut String| {
        if !num.is_empty() {
            match num.parse::<f64>() {
                Ok(v) if num.contains('.') || num.contains('e') => {
                    let r: f64 = format!("{v:.5e}").parse().unwrap();
                    out.push_str(&format!("{r}"));
                }
                _ => out.push_str(num),
            }
            num.clear();
        }
    };
    let mut in_string = false;
    for c in text.chars() {
        if c == '"' {
            in_string = !in_string;
        }
        if !in_string
            && (c.is_ascii_digit() || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+')
        {
            num.push(c);
        } else {
            flush(&mut num, &mut out);
            out.push(c);
        }
    }
    flush(&mut num, &mut out);
    out
}

#[test]
fn builtin_dot_tables_are_current() {
    // Every built-in skin at the default dot finds its Monte Carlo tables at each built-in
    // depth; when the skin model changes under them this fails: run
    // regenerate_builtin_dot_tables. Another depth or size does not find its own (it may
    // borrow: borrowing_stops_where_it_was_not_checked), and a sheet needs none.
    use tinct::appearance::DotSpec;
    for t in ["I", "II", "III", "IV", "V", "VI"] {
        let skin = SkinOptics::new(SkinParams::fitzpatrick(t).unwrap()).unwrap();
        for (depth, d) in builtin_geometries() {
            let site = DotSpec {
                depth_mm: depth,
                dot_diameter_mm: Some(d),
                ..DotSpec::default()
            }
            .site(&skin)
            .unwrap();
            assert_eq!(
                site.dot_correction(),
                Some("the built-in Monte Carlo tables for this skin and dot"),
                "fitzpatrick:{t}, {d} mm at {depth} mm has no built-in dot tables: run \
                 regenerate_builtin_dot_tables"
            );
        }
    }
    let skin = SkinOptics::new(SkinParams::fitzpatrick("III").unwrap()).unwrap();
    for spec in [
        DotSpec {
            depth_mm: 0.15,
            ..DotSpec::default()
        },
        DotSpec {
            dot_diameter_mm: Some(0.3),
            ..DotSpec::default()
        },
    ] {
        let site = spec.site(&skin).unwrap();
        assert_ne!(
            site.dot_correction(),
            Some("the built-in Monte Carlo tables for this skin and dot"),
            "{spec:?}"
        );
    }
    let sheet = DotSpec {
        dot_diameter_mm: None,
        ..DotSpec::default()
    };
    let sheet = sheet.site(&skin).unwrap();
    assert!(!sheet.dot_corrected() && sheet.dot_correction().is_none());
}

/// The default site of a built-in skin at one band: its corrected fast model's mean over the
/// dot for `pigment` at `load` (spread evenly), and the Monte Carlo's with its standard error.
fn corrected_and_monte_carlo(
    skin: &str,
    pigment: &str,
    load: f64,
    band: usize,
    photons: u64,
) -> (f64, f64, f64) {
    let optics = SkinOptics::new(SkinParams::fitzpatrick(skin).unwrap()).unwrap();
    let site = tinct::appearance::DotSpec::default()
        .site(&optics)
        .unwrap()
        .with_packaging(tinct::optics::packaging::Packaging::DISPERSED)
        .unwrap();
    assert!(site.dot_corrected());
    let pig = one_pigment(pigment, load);
    let k = site.dot_index();
    let interior = site.layers(&pig, band).unwrap()[k];
    let bare = site.layers(&DotPigment::none(), band).unwrap();
    let model = site.finite_dot().unwrap();
    let fast = model.bands()[band].mean(&interior).unwrap();
    let mc = DotMonteCarlo::new(
        &bare,
        Below::SemiInfinite,
        site.index(),
        k,
        0.5 * model.diameter_mm(),
        interior,
    )
    .unwrap()
    .run(photons, 3)
    .unwrap();
    (fast, mc.mean, mc.std_error)
}

#[test]
fn corrected_fast_model_agrees_with_the_monte_carlo_at_the_default_dot() {
    // Issue 12's acceptance where the chain alone misses it: right under the epidermis, for a
    // 0.25 mm dot. The built-in skins' corrected model against a Monte Carlo run here (another
    // seed and photon count than the tables'), faint to opaque, absorbing and scattering.
    let mut worst: f64 = 0.0;
    for (skin, pigment, load, band) in [
        ("I", "carbon-black", 0.1, 29),
        ("I", "carbon-black", 0.3, 19),
        ("I", "iron-oxide-red", 3.0, 29),
        ("III", "carbon-black", 5.0, 9),
        ("III", "iron-oxide-red", 1.0, 29),
        ("III", "titanium-dioxide", 3.0, 19),
        ("V", "carbon-black", 0.3, 29),
    ] {
        let (fast, mc, se) = corrected_and_monte_carlo(skin, pigment, load, band, 20_000);
        let err = (fast - mc).abs();
        worst = worst.max(err);
        assert!(
            err < 0.006 + 3.0 * se,
            "{skin} {pigment}:{load} band {band}: fast {fast} MC {mc} +- {se}"
        );
    }
    assert!(worst > 0.0);
}

#[test]
fn a_traced_dot_corrects_the_chain_for_any_skin() {
    // A measured colour at the default dot borrows the built-in skins' correction; a needle
    // outside what borrowing was checked for (0.15 mm) gets the chain alone unless
    // `--trace-dot` traces the tables for it. The close-up moves from the chain's toward the
    // Monte Carlo's, and the JSON says which it is; a sheet with --trace-dot is refused.
    let look = |extra: &[&str]| {
        let v = json_of(
            tinct()
                .args(["appear", "--skin", "lab(62 11 17)", "--dilution"])
                .args(["carbon-black:1:3", "--json"])
                .args(extra),
        );
        (
            v["finite"]["close_up"]["lab"][0].as_f64().unwrap(),
            v["finite"]["corrected"].as_bool().unwrap(),
            v["finite"]["correction"].as_str().unwrap().to_string(),
        )
    };
    // Measured 2026-12-01 at 0.25 mm: the chain 49.9, borrowed 52.0, traced 51.5, the Monte
    // Carlo 51.7 (20,000 photons); at 0.15 mm: the chain 52.8, traced 54.3, the Monte Carlo
    // 54.4.
    let (borrowed, c, source) = look(&[]);
    assert!(c && source.starts_with("borrowed from"), "{source}");
    assert!((borrowed - 51.7).abs() < 0.8, "borrowed {borrowed}");
    let (traced, c, source) = look(&["--trace-dot"]);
    assert!(c && source.starts_with("traced here"), "{source}");
    assert!(
        (traced - borrowed).abs() < 0.8,
        "borrowed {borrowed}, traced {traced}"
    );
    let (chain, c, source) = look(&["--dot-diameter", "0.15mm"]);
    assert!(!c && source.starts_with("none"), "{source}");
    let (traced, c, _) = look(&["--dot-diameter", "0.15mm", "--trace-dot"]);
    assert!(c && traced > chain + 1.0, "chain {chain}, traced {traced}");
    fails_with(
        tinct().args([
            "appear",
            "--skin",
            "lab(62 11 17)",
            "--dilution",
            "carbon-black:1:3",
            "--dot-diameter",
            "sheet",
            "--trace-dot",
        ]),
        "trace-dot",
    );
}

#[test]
fn borrowed_corrections_agree_with_the_monte_carlo() {
    // Skins and dots the built-in tables do not hold borrow the correction of like built-in
    // skins (tinct::optics::dot_exact::borrow): a measured skin between types I and II with a
    // 0.3 mm needle, type IV with a thicker epidermis and stronger scattering in the dermis,
    // type II at 0.2 mm and type III at 0.7 mm, and dots between the built-in depths: type V
    // 0.15 mm and the measured skin with a 0.5 mm dot 0.075 mm below the junction; against a
    // Monte Carlo run here, faint to opaque.
    use tinct::appearance::{DotSpec, SkinSpec};
    use tinct::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
    let t = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
    let measured = SkinSpec::text("lab(62 11 17)").resolve(t).unwrap().params;
    let mut thick = SkinParams::fitzpatrick("IV").unwrap();
    thick.epidermis_mm = 0.09;
    thick.dermis_scattering_per_cm *= 1.3;
    for (p, d, depth, cases) in [
        (
            measured,
            0.3,
            0.0,
            [("carbon-black", 0.3, 29), ("iron-oxide-red", 3.0, 19)],
        ),
        (
            thick,
            0.25,
            0.0,
            [("carbon-black", 5.0, 9), ("titanium-dioxide", 3.0, 19)],
        ),
        (
            SkinParams::fitzpatrick("II").unwrap(),
            0.2,
            0.0,
            [("carbon-black", 0.1, 29), ("carbon-black", 1.0, 19)],
        ),
        // A large dot, between the 0.25 and 1 mm tables.
        (
            SkinParams::fitzpatrick("III").unwrap(),
            0.7,
            0.0,
            [("carbon-black", 0.3, 29), ("iron-oxide-red", 3.0, 19)],
        ),
        // Between the built-in depths.
        (
            SkinParams::fitzpatrick("V").unwrap(),
            0.25,
            0.15,
            [("carbon-black", 0.3, 29), ("iron-oxide-red", 3.0, 29)],
        ),
        (
            measured,
            0.5,
            0.075,
            [("carbon-black", 0.1, 19), ("titanium-dioxide", 3.0, 9)],
        ),
    ] {
        let skin = SkinOptics::new(p).unwrap();
        let site = DotSpec {
            dot_diameter_mm: Some(d),
            depth_mm: depth,
            ..DotSpec::default()
        }
        .site(&skin)
        .unwrap();
        let source = site.dot_correction().unwrap();
        assert!(source.starts_with("borrowed from"), "{d} mm: {source}");
        let k = site.dot_index();
        for (pigment, load, band) in cases {
            let pig = one_pigment(pigment, load);
            let interior = site.layers(&pig, band).unwrap()[k];
            let bare = site.layers(&DotPigment::none(), band).unwrap();
            let fast = site.finite_dot().unwrap().bands()[band]
                .mean(&interior)
                .unwrap();
            let mc = DotMonteCarlo::new(
                &bare,
                Below::SemiInfinite,
                site.index(),
                k,
                d / 2.0,
                interior,
            )
            .unwrap()
            .run(20_000, 5)
            .unwrap();
            assert!(
                (fast - mc.mean).abs() < 0.006 + 3.0 * mc.std_error,
                "{source}, {d} mm, {pigment}:{load} band {band}: fast {fast} MC {} +- {}",
                mc.mean,
                mc.std_error
            );
        }
    }
}

#[test]
fn borrowing_stops_where_it_was_not_checked() {
    // No correction is borrowed for a dot under 0.18 mm or over 1 mm, a dermis scattering
    // less than half the built-in skins', an epidermis of nearly twice their thickness, or a
    // dot below the deepest built-in depth (0.3 mm, where the chain alone meets the 0.006:
    // borrowed_correction_survey); the site then says it is the chain alone.
    use tinct::appearance::DotSpec;
    let iii = SkinParams::fitzpatrick("III").unwrap();
    let site = |p: &SkinParams, d: f64, depth: f64| {
        DotSpec {
            dot_diameter_mm: Some(d),
            depth_mm: depth,
            ..DotSpec::default()
        }
        .site(&SkinOptics::new(*p).unwrap())
        .unwrap()
    };
    let mut faint = iii;
    faint.dermis_scattering_per_cm *= 0.45;
    let mut thick = iii;
    thick.epidermis_mm = 0.13;
    for (what, s) in [
        ("0.15 mm needle", site(&iii, 0.15, 0.0)),
        ("1.2 mm dot", site(&iii, 1.2, 0.0)),
        ("0.4 mm deep", site(&iii, 0.25, 0.4)),
        ("0.5 mm deep", site(&iii, 0.7, 0.5)),
        ("weak scattering", site(&faint, 0.25, 0.0)),
        ("thick epidermis", site(&thick, 0.25, 0.0)),
    ] {
        assert!(!s.dot_corrected(), "{what}: {:?}", s.dot_correction());
        assert_eq!(
            s.dot_correction(),
            Some(tinct::optics::dot::NO_CORRECTION),
            "{what}"
        );
    }
    // Inside the limits it borrows.
    for (what, s) in [
        ("0.18 mm needle", site(&iii, 0.18, 0.0)),
        ("0.5 mm needle", site(&iii, 0.5, 0.0)),
        ("0.7 mm dot", site(&iii, 0.7, 0.0)),
        ("0.5 mm at 0.1 mm deep", site(&iii, 0.5, 0.1)),
        ("0.15 mm deep", site(&iii, 0.25, 0.15)),
        ("0.6 mm dot 0.15 mm deep", site(&iii, 0.6, 0.15)),
        ("0.3 mm deep, 0.7 mm", site(&iii, 0.7, 0.3)),
        ("0.35 mm deep, faded", site(&iii, 0.25, 0.35)),
    ] {
        assert!(s.dot_corrected(), "{what}: {:?}", s.dot_correction());
    }
}

/// Survey of borrowed corrections ([`tinct::optics::dot_exact::borrow`]): measured skins, other
/// needles, the built-in depths and depths between and below them, and type III with its
/// dermis's scattering and its epidermis's thickness changed; the correction a site takes by
/// default and the one it would borrow without limits, against the chain alone and the Monte
/// Carlo (40,000 photons), three bands and five dots each. Five to ten minutes
/// (`SURVEY=text` keeps the cases whose label holds the text):
/// `cargo test --release --test integration -- --ignored --nocapture borrowed_correction_survey`.
/// Measured 2026-12-01 over 49 skins, dots and depths: 536 of the 540 borrowed cases within
/// 0.006, largest 0.0076 (the chain alone 431); of the 195 left to the chain alone (two
/// weakly scattering measured skins, dots below 0.4 mm), 193, largest 0.0073. See the limits in
/// `src/optics/dot_exact.rs`.
#[test]
#[ignore = "a ten-minute survey; run by hand when the fast model or the built-in tables change"]
fn borrowed_correction_survey() {
    use tinct::appearance::{DotSpec, SkinSpec};
    use tinct::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
    let t = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
    let iii = SkinParams::fitzpatrick("III").unwrap();
    let measured = |text: &str| SkinSpec::text(text).resolve(t).unwrap().params;
    let variant = |f: &dyn Fn(&mut SkinParams)| {
        let mut p = iii;
        f(&mut p);
        p
    };
    let filter: Option<String> = std::env::var("SURVEY").ok();
    // (tag, skin, diameter mm, depth mm); "large" tags the large dots, for SURVEY=large.
    let named: [(&str, &str, f64, f64); 42] = [
        ("", "lab(70 7 16)", 0.25, 0.0),
        ("", "lab(66 9 18)", 0.25, 0.0),
        ("", "lab(62 11 17)", 0.25, 0.0),
        ("", "lab(57 11 20)", 0.25, 0.0),
        ("", "lab(52 12 22)", 0.25, 0.0),
        ("", "lab(45 10 17)", 0.25, 0.0),
        ("", "lab(40 9 14)", 0.25, 0.0),
        ("", "fitzpatrick:I", 0.18, 0.0),
        ("", "fitzpatrick:II", 0.3, 0.0),
        ("", "fitzpatrick:III", 0.35, 0.0),
        ("", "fitzpatrick:V", 0.5, 0.0),
        ("", "lab(62 11 17)", 0.35, 0.0),
        ("large ", "fitzpatrick:III", 0.7, 0.0),
        ("large ", "fitzpatrick:I", 0.8, 0.05),
        ("large ", "lab(62 11 17)", 1.0, 0.05),
        ("large ", "lab(70 7 16)", 0.6, 0.0),
        // Borrowing at the other built-in depths.
        ("", "lab(62 11 17)", 0.25, 0.05),
        ("", "lab(52 12 22)", 0.3, 0.1),
        ("", "fitzpatrick:I", 0.18, 0.2),
        ("", "fitzpatrick:IV", 0.4, 0.05),
        // Between the built-in depths (SURVEY=depth), and below the deepest (SURVEY=deep).
        ("depth ", "fitzpatrick:III", 0.25, 0.025),
        ("depth ", "fitzpatrick:I", 0.25, 0.075),
        ("depth ", "fitzpatrick:V", 0.25, 0.15),
        ("depth ", "lab(62 11 17)", 0.25, 0.15),
        ("depth ", "fitzpatrick:II", 0.25, 0.25),
        ("depth ", "fitzpatrick:III", 0.5, 0.15),
        ("depth ", "fitzpatrick:IV", 1.0, 0.15),
        ("depth ", "lab(70 7 16)", 0.7, 0.1),
        ("depth ", "fitzpatrick:II", 0.8, 0.2),
        ("depth ", "lab(52 12 22)", 0.35, 0.25),
        ("deep ", "fitzpatrick:II", 0.25, 0.4),
        ("deep ", "fitzpatrick:II", 1.0, 0.4),
        ("deep ", "fitzpatrick:V", 0.25, 0.6),
        ("deep ", "fitzpatrick:I", 0.5, 0.6),
        ("deep ", "fitzpatrick:V", 1.0, 0.4),
        ("deep ", "fitzpatrick:I", 1.0, 0.5),
        ("deep ", "fitzpatrick:III", 0.5, 0.4),
        ("deep ", "fitzpatrick:III", 1.0, 0.6),
        ("deep ", "lab(62 11 17)", 0.25, 0.35),
        ("deep ", "fitzpatrick:IV", 0.25, 0.8),
        ("deep ", "fitzpatrick:I", 1.0, 1.0),
        ("deep ", "lab(57 11 20)", 0.7, 0.45),
    ];
    let cases: Vec<(String, SkinParams, f64, f64)> = named
        .iter()
        .map(|&(tag, text, d, depth)| (format!("{tag}{text}"), measured(text), d, depth))
        .chain([0.5, 0.65, 0.8, 1.3, 1.6].into_iter().map(|x| {
            (
                format!("III, dermis scattering x{x}"),
                variant(&|p| p.dermis_scattering_per_cm *= x),
                0.25,
                0.0,
            )
        }))
        .chain([0.05, 0.1].into_iter().map(|e| {
            (
                format!("III, epidermis {e} mm"),
                variant(&|p| p.epidermis_mm = e),
                0.25,
                0.0,
            )
        }))
        .filter(|(label, _, _, _)| filter.as_ref().is_none_or(|f| label.contains(f.as_str())))
        .collect();
    let mut all: Vec<(f64, f64)> = vec![];
    for (skin_text, p, d, depth) in cases {
        let skin = SkinOptics::new(p).unwrap();
        let p = &p;
        let spec = DotSpec {
            dot_diameter_mm: Some(d),
            depth_mm: depth,
            ..DotSpec::default()
        };
        let site = spec.site(&skin).unwrap();
        let k = site.dot_index();
        let layers = bare_stacks(&site);
        let chain =
            FiniteDot::chain_only(&layers, Below::SemiInfinite, site.index(), k, d).unwrap();
        let model = site.finite_dot().unwrap();
        let wide = tinct::optics::dot_exact::borrow_within(
            &layers,
            Below::SemiInfinite,
            site.index(),
            k,
            d,
            &tinct::optics::dot_exact::BorrowLimits {
                diameter_mm: (0.01, 5.0),
                scattering: (0.01, 100.0),
                thickness: (0.01, 100.0),
                fade_mm: 1e6,
            },
        );
        let borrowed = wide.as_ref().map(|(tables, _)| {
            FiniteDot::with_correction(
                &layers,
                Below::SemiInfinite,
                site.index(),
                k,
                d,
                CorrectionSource::Tables(tables.clone()),
            )
            .unwrap()
        });
        println!(
            "{skin_text} {d} mm at {depth} mm (melanosomes {:.4}, epidermis {:.3} mm, scattering {:.1}/cm, b {:.2}, blood {:.4}): {}",
            p.melanosome_fraction,
            p.epidermis_mm,
            p.dermis_scattering_per_cm,
            p.dermis_scattering_power,
            p.blood_fraction,
            model.correction_source()
        );
        let mut rows = vec![];
        for band in [9, 19, 29] {
            for (pigment, load) in [
                ("carbon-black", 5.0),
                ("carbon-black", 0.3),
                ("carbon-black", 0.1),
                ("iron-oxide-red", 3.0),
                ("titanium-dioxide", 3.0),
            ] {
                let pig = one_pigment(pigment, load);
                let interior = site.layers(&pig, band).unwrap()[k];
                let c = chain.bands()[band].mean(&interior).unwrap();
                let m = model.bands()[band].mean(&interior).unwrap();
                let mc = DotMonteCarlo::new(
                    &layers[band],
                    Below::SemiInfinite,
                    site.index(),
                    k,
                    d / 2.0,
                    interior,
                )
                .unwrap()
                .run(40_000, 11)
                .unwrap();
                let w = borrowed
                    .as_ref()
                    .map_or(f64::NAN, |b| b.bands()[band].mean(&interior).unwrap());
                rows.push((c - mc.mean, m - mc.mean, w - mc.mean));
            }
        }
        let stat = |f: &dyn Fn(&(f64, f64, f64)) -> f64| {
            let rms = (rows.iter().map(|r| f(r).powi(2)).sum::<f64>() / rows.len() as f64).sqrt();
            let worst = rows.iter().map(|r| f(r).abs()).fold(0.0, f64::max);
            let within = rows.iter().filter(|r| f(r).abs() <= 0.006).count();
            format!(
                "RMS {rms:.4}, largest {worst:.4}, {within}/{} within 0.006",
                rows.len()
            )
        };
        println!("  chain alone: {}", stat(&|r| r.0));
        println!("  by default:  {}", stat(&|r| r.1));
        if let Some((_, from)) = &wide {
            println!("  borrowing without limits ({from}): {}", stat(&|r| r.2));
        }
        if model.corrected() {
            all.extend(rows.iter().map(|r| (r.0, r.1)));
        }
    }
    let within = all.iter().filter(|r| r.1.abs() <= 0.006).count();
    let chain_within = all.iter().filter(|r| r.0.abs() <= 0.006).count();
    println!(
        "borrowed: {within} of {} within 0.006 (the chain alone on the same cases: {chain_within})",
        all.len()
    );
}

/// One case's errors against the Monte Carlo: a dot of the pattern by the chain alone and as
/// tinct gives it, then the blend, both ways.
type Errors = (f64, f64, f64, f64);

/// Survey of patterns at built-in depths: one dot of a pattern and the blend from afar by the
/// pattern's chain alone, and as tinct gives them (the lone dot's correction weighted by the
/// spacing, `tinct::optics::dot::PATTERN_CORRECTION_SPAN`), against the periodic Monte Carlo
/// (40,000 photons); `SPACINGS=1,0.5` picks spacings (mm), `DIAMETER=1` the dot (mm). Two
/// minutes:
/// `cargo test --release --test integration -- --ignored --nocapture pattern_correction_survey`.
#[test]
#[ignore = "a survey of minutes; run by hand when the pattern or the correction changes"]
fn pattern_correction_survey() {
    use tinct::appearance::DotSpec;
    let spacings = || -> Vec<f64> {
        std::env::var("SPACINGS").map_or(vec![2.0, 1.0, 0.75, 0.5, 0.35], |v| {
            v.split(',').map(|x| x.parse().unwrap()).collect()
        })
    };
    // DIAMETER=1 surveys 1 mm dots (spacings then in mm as given).
    let d: f64 = std::env::var("DIAMETER").map_or(0.25, |v| v.parse().unwrap());
    let mut rows = vec![];
    for (skin, depth) in [
        ("I", 0.0),
        ("III", 0.0),
        ("V", 0.0),
        ("II", 0.05),
        ("III", 0.1),
    ] {
        let optics = SkinOptics::new(SkinParams::fitzpatrick(skin).unwrap()).unwrap();
        let site = DotSpec {
            depth_mm: depth,
            dot_diameter_mm: Some(d),
            ..DotSpec::default()
        }
        .site(&optics)
        .unwrap()
        .with_packaging(tinct::optics::packaging::Packaging::DISPERSED)
        .unwrap();
        let k = site.dot_index();
        let layers = bare_stacks(&site);
        let chain =
            FiniteDot::chain_only(&layers, Below::SemiInfinite, site.index(), k, d).unwrap();
        let model = site.finite_dot().unwrap();
        assert!(model.corrected());
        for spacing in spacings() {
            let pattern = model.pattern(spacing).unwrap();
            let alone = chain.pattern(spacing).unwrap();
            for (pigment, load) in [
                ("carbon-black", 5.0),
                ("carbon-black", 0.3),
                ("iron-oxide-red", 3.0),
                ("titanium-dioxide", 3.0),
            ] {
                let pig = one_pigment(pigment, load);
                for band in [9, 19, 29] {
                    let interior = site.layers(&pig, band).unwrap()[k];
                    let l = pattern.look(band, &interior).unwrap();
                    let c = alone.look(band, &interior).unwrap();
                    let mc = DotMonteCarlo::new(
                        &layers[band],
                        Below::SemiInfinite,
                        site.index(),
                        k,
                        d / 2.0,
                        interior,
                    )
                    .unwrap()
                    .with_period(spacing)
                    .unwrap()
                    .run_pattern(40_000, 9)
                    .unwrap();
                    let r = (
                        c.dot - mc.dot,
                        l.dot - mc.dot,
                        c.blended - mc.blended,
                        l.blended - mc.blended,
                    );
                    println!(
                        "{skin} {depth} mm, {spacing} mm apart, {pigment}:{load} band {band}: \
                         dot {:+.4} corrected {:+.4} (se {:.4}); blend {:+.4} corrected {:+.4} \
                         (se {:.4})",
                        r.0, r.1, mc.dot_std_error, r.2, r.3, mc.blended_std_error
                    );
                    rows.push((spacing, r));
                }
            }
        }
    }
    for spacing in spacings() {
        let these: Vec<_> = rows
            .iter()
            .filter(|r| r.0 == spacing)
            .map(|r| r.1)
            .collect();
        let stat = |f: &dyn Fn(&Errors) -> f64| {
            let rms = (these.iter().map(|r| f(r).powi(2)).sum::<f64>() / these.len() as f64).sqrt();
            let worst = these.iter().map(|r| f(r).abs()).fold(0.0, f64::max);
            let within = these.iter().filter(|r| f(r).abs() <= 0.006).count();
            format!("RMS {rms:.4}, largest {worst:.4}, {within}/{}", these.len())
        };
        println!(
            "{spacing} mm apart: dot chain {}; corrected {}; blend chain {}; corrected {}",
            stat(&|r| r.0),
            stat(&|r| r.1),
            stat(&|r| r.2),
            stat(&|r| r.3)
        );
    }
}
