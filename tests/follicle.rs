//! The follicle target from physics (issue 13 item 4): a hair shaft's melanin fitted to the
//! measured tress colour, the shaft seen through the client's skin, checked against tinct's 3-D
//! Monte Carlo of the strip it is, and the main job against it.

use tinct::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
use tinct::difference::ciede2000;
use tinct::hair::{
    follicle, follicle_reflectance, shaft_from_tress, FollicleGeometry, ShaftMelanin,
    SHAFT_DIAMETER_MM, TRESS_TOLERANCE,
};
use tinct::optics::montecarlo::DotMonteCarlo;
use tinct::optics::skin::{DotPigment, SkinOptics, SkinParams};
use tinct::optics::transport::{Below, Layer};
use tinct::Lab;

fn table() -> &'static WeightingTable {
    WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964))
}

fn skin(pt: &str) -> SkinOptics {
    SkinOptics::new(SkinParams::fitzpatrick(pt).unwrap()).unwrap()
}

#[test]
fn the_shaft_is_fitted_to_the_measured_tress() {
    let t = table();
    // Dark brown (Scanavez et al. 2000): reached within 1 dE00 by eumelanin alone.
    let brown = shaft_from_tress(Lab::new(22.48, 4.10, 5.13), SHAFT_DIAMETER_MM, t).unwrap();
    assert!(brown.delta_e < 1.0, "{brown:?}");
    assert!(!brown.opaque);
    let e = brown.melanin.eumelanin_per_mm;
    assert!((10.0..40.0).contains(&e), "{brown:?}");
    // Black: as dark as a tress gets; the least melanin that looks so is opaque across a shaft
    // (under 1 % passes at 550 nm) and more changes nothing.
    let black = shaft_from_tress(Lab::new(18.0, 0.02, -0.91), SHAFT_DIAMETER_MM, t).unwrap();
    assert!(black.opaque, "{black:?}");
    let mu = black.melanin.mu_a_per_mm(550.0);
    assert!((-mu * SHAFT_DIAMETER_MM).exp() < 0.01, "{black:?}");
    let more = ShaftMelanin {
        eumelanin_per_mm: 4.0 * black.melanin.eumelanin_per_mm,
        ..black.melanin
    };
    let (a, b) = (
        t.lab(&black.melanin.tress_reflectance(SHAFT_DIAMETER_MM)),
        t.lab(&more.tress_reflectance(SHAFT_DIAMETER_MM)),
    );
    assert!(ciede2000(a, b, 1.0, 1.0, 1.0) < 0.1, "{a:?} {b:?}");
    // A redder tress takes pheomelanin; a lighter one less melanin.
    let red = shaft_from_tress(Lab::new(30.0, 12.0, 14.0), SHAFT_DIAMETER_MM, t).unwrap();
    assert!(red.melanin.pheomelanin_per_mm > 0.0, "{red:?}");
    let light = shaft_from_tress(Lab::new(35.0, 4.0, 8.0), SHAFT_DIAMETER_MM, t).unwrap();
    assert!(
        light.melanin.mu_a_per_mm(550.0) < brown.melanin.mu_a_per_mm(550.0),
        "{light:?}"
    );
    assert!(shaft_from_tress(Lab::new(30.0, 0.0, 0.0), f64::NAN, t).is_err());
}

#[test]
fn the_follicle_model_agrees_with_a_monte_carlo_of_the_strip() {
    // The disc the fast model evaluates was calibrated on types I-V at 430-670 nm every 60 nm
    // (bands 6, 12, ..., 30); checked here on a fitted and a preset skin and bands between.
    let t = table();
    let g = FollicleGeometry::default();
    let fitted = SkinOptics::new(SkinParams {
        melanosome_fraction: 0.07,
        epidermis_mm: 0.09,
        ..SkinParams::fitzpatrick("IV").unwrap()
    })
    .unwrap();
    let mut worst: f64 = 0.0;
    for (sk, hair) in [(skin("II"), "dark-brown"), (fitted, "black")] {
        let f = follicle(&sk, hair, t, TRESS_TOLERANCE).unwrap();
        let site = sk
            .site(g.depth_mm, g.height_mm())
            .unwrap()
            .with_dot_diameter(g.disc_mm())
            .unwrap();
        for i in [9usize, 15, 21, 27] {
            let bare = site.layers(&DotPigment::none(), i).unwrap();
            let interior = g.interior(&f.shaft.melanin, i);
            let fast = site.finite_dot().unwrap().bands()[i]
                .mean(&Layer {
                    thickness_mm: g.height_mm(),
                    ..interior
                })
                .unwrap();
            let mc = DotMonteCarlo::new(
                &bare,
                Below::SemiInfinite,
                site.index(),
                1,
                0.5 * g.shaft_diameter_mm,
                interior,
            )
            .unwrap()
            .as_strip()
            .unwrap()
            .run(40_000, 17)
            .unwrap();
            let d = fast - mc.mean;
            assert!(
                d.abs() < 0.008 + 3.0 * mc.std_error,
                "{hair} band {i}: fast {fast} strip {} +- {}",
                mc.mean,
                mc.std_error
            );
            worst = worst.max(d.abs());
        }
    }
    eprintln!("follicle vs strip Monte Carlo: largest difference {worst:.4}");
}

#[test]
fn follicles_are_darker_than_skin_and_fade_into_darker_skin() {
    let t = table();
    let mut last = f64::INFINITY;
    for pt in ["I", "II", "III", "IV", "V", "VI"] {
        let sk = skin(pt);
        let bare = t.lab(&sk.reflectance());
        let black = t.lab(
            &follicle(&sk, "black", t, TRESS_TOLERANCE)
                .unwrap()
                .reflectance,
        );
        let brown = t.lab(
            &follicle(&sk, "dark-brown", t, TRESS_TOLERANCE)
                .unwrap()
                .reflectance,
        );
        assert!(black.l < brown.l && brown.l < bare.l, "{pt}");
        let contrast = ciede2000(black, bare, 1.0, 1.0, 1.0);
        assert!(contrast <= last + 1.0, "{pt}: {contrast} after {last}");
        last = contrast;
    }
    // A shaft deeper under the epidermis reads lighter.
    let sk = skin("II");
    let f = follicle(&sk, "black", t, TRESS_TOLERANCE).unwrap();
    let deeper = FollicleGeometry {
        depth_mm: 0.1,
        ..FollicleGeometry::default()
    };
    let r = follicle_reflectance(&sk, &f.shaft.melanin, &deeper).unwrap();
    assert!(t.lab(&r).l > t.lab(&f.reflectance).l + 2.0);
    // No melanin: the shaft is clear tissue and the follicle is the skin.
    let clear = ShaftMelanin {
        eumelanin_per_mm: 0.0,
        pheomelanin_per_mm: 0.0,
    };
    let r = follicle_reflectance(&sk, &clear, &FollicleGeometry::default()).unwrap();
    assert!(ciede2000(t.lab(&r), t.lab(&sk.reflectance()), 1.0, 1.0, 1.0) < 0.5);
    assert!(follicle(&sk, "blond", t, TRESS_TOLERANCE).is_err());
}

#[test]
fn the_main_job_reaches_the_follicle() {
    // Issue 13 item 7: `tinct match --skin fitzpatrick:X --hair H` at the defaults (a 0.25 mm dot
    // at the top of the papillary dermis, 10 parts, the built-in inks) finds a recipe within
    // 3 dE00 of the follicle for black and dark-brown hair on types I-V, by the fast model as
    // corrected by the built-in Monte Carlo tables (measured 2026-12-01: at most 2.73, dark
    // brown on type I; the Monte Carlo itself reads the same recipes at 2.60 or less, README
    // "The main job, per skin type"). The chain alone missed dark brown on I and II (3.77, 3.38).
    use tinct::formulate::{search, MatchSpec};
    use tinct::pigment::{Catalog, Deposition};
    let t = table();
    let catalog = Catalog::builtin();
    for pt in ["I", "II", "III", "IV", "V"] {
        let sk = skin(pt);
        let site = crate::common::default_site(&sk);
        for hair in ["black", "dark-brown"] {
            let f = follicle(&sk, hair, t, TRESS_TOLERANCE).unwrap();
            let recipes = search(&MatchSpec {
                site: &site,
                table: t,
                target: t.lab(&f.reflectance),
                pigments: catalog.pigments().iter().collect(),
                max_pigments: 3,
                parts: 10,
                deposition: Deposition::default(),
            })
            .unwrap()
            .recipes;
            assert!(site.dot_corrected(), "{pt}");
            let best = recipes[0].ranking_delta_e();
            assert!(best <= 3.0, "{pt} {hair}: {best}");
        }
    }
}

#[test]
fn match_says_how_its_target_was_built() {
    use crate::common::{json_of, tinct};
    let run = |extra: &[&str]| {
        json_of(
            tinct()
                .args(["match", "--skin", "fitzpatrick:II", "--top", "1", "--json"])
                .args(extra),
        )
    };
    let v = run(&["--hair", "black"]);
    let built = &v["target"]["built"];
    assert!(built["model"].as_str().unwrap().contains("hair shaft"));
    assert_eq!(built["shaft"]["opaque"], true);
    assert_eq!(built["geometry"]["shaft_diameter_mm"].as_f64(), Some(0.061));
    assert_eq!(built["tress_lab"]["l"].as_f64(), Some(18.0));
    let target_l = v["target"]["lab"][0].as_f64().unwrap();
    let skin_l = v["skin"]["lab"][0].as_f64().unwrap();
    assert!(target_l > 30.0 && target_l < skin_l - 10.0, "{target_l}");
    assert!(v["reached"].as_bool().unwrap());
    // Shading blends the same follicle with the skin; a colour given outright says so.
    let shade = run(&[
        "--hair",
        "black",
        "--intent",
        "shading",
        "--coverage",
        "0.3",
    ]);
    let l = shade["target"]["lab"][0].as_f64().unwrap();
    assert!(l > target_l && l < skin_l, "{l}");
    assert_eq!(shade["target"]["built"]["coverage"].as_f64(), Some(0.3));
    let given = run(&["--target", "lab(50 5 10)"]);
    assert!(given["target"]["built"]["model"]
        .as_str()
        .unwrap()
        .contains("--target"));
    // The main job's mix names only inks it uses (no pigment at 0 parts).
    let main = json_of(tinct().args([
        "match",
        "--skin",
        "fitzpatrick:III",
        "--hair",
        "dark-brown",
        "--json",
    ]));
    for r in main["recipes"].as_array().unwrap() {
        for c in r["components"].as_array().unwrap() {
            assert!(c["parts"].as_u64().unwrap() > 0, "{r}");
        }
    }
    // A measured tress colour goes through the same fit; one the shaft model cannot reach is
    // refused (exit 2, naming the closest), unless a wider tolerance is asked for.
    let measured = run(&["--hair", "lab(20 2 2)"]);
    assert_eq!(measured["target"]["built"]["shaft"]["opaque"], false);
    crate::common::fails_with(
        tinct().args(["match", "--skin", "fitzpatrick:II", "--hair", "lab(10 0 0)"]),
        "hair: lab(10 0 0) is not reached",
    );
    let out = tinct()
        .args(["match", "--skin", "fitzpatrick:II", "--hair", "lab(30 5 8)"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let wider = run(&["--hair", "lab(30 5 8)", "--hair-tolerance", "4"]);
    let fit = wider["target"]["built"]["shaft"]["delta_e"]
        .as_f64()
        .unwrap();
    assert!(fit > 1.5 && fit < 4.0, "{fit}");
}

#[test]
fn a_monte_carlo_strip_is_between_its_disc_and_the_sheet() {
    // A black strip 0.1 mm wide under type II epidermis at 550 nm: its mean is darker than a disc
    // as wide (light crosses less edge per area) and lighter than the infinite sheet, which a
    // strip 20 mm wide reproduces (adding-doubling).
    let sk = skin("II");
    let site = sk.site(0.0, 0.05).unwrap();
    let i = 15;
    let bare = site.layers(&DotPigment::none(), i).unwrap();
    let interior = Layer {
        mu_a: 40.0,
        ..bare[1]
    };
    let mc = |radius: f64, strip: bool| {
        let m = DotMonteCarlo::new(
            &bare,
            Below::SemiInfinite,
            site.index(),
            1,
            radius,
            interior,
        )
        .unwrap();
        let m = if strip { m.as_strip().unwrap() } else { m };
        m.run(30_000, 9).unwrap()
    };
    let (disc, strip, wide) = (mc(0.05, false), mc(0.05, true), mc(10.0, true));
    let mut stack = bare.clone();
    stack[1] = Layer {
        thickness_mm: bare[1].thickness_mm,
        ..interior
    };
    let q =
        tinct::optics::transport::Quadrature::<{ tinct::optics::transport::DEFAULT_POINTS }>::new(
            site.index(),
        )
        .unwrap();
    let sheet_diffuse = tinct::optics::transport::solve(&q, &stack, Below::SemiInfinite)
        .unwrap()
        .reflectance_diffuse;
    assert!(
        strip.mean < disc.mean - 5.0 * disc.std_error,
        "{strip:?} {disc:?}"
    );
    assert!(strip.mean > wide.mean + 5.0 * strip.std_error);
    assert!(
        (wide.mean - sheet_diffuse).abs() < 4.0 * wide.std_error + 2e-3,
        "{wide:?} {sheet_diffuse}"
    );
    // A strip cannot be repeated on a grid, nor estimated directly.
    let m =
        DotMonteCarlo::new(&bare, Below::SemiInfinite, site.index(), 1, 0.05, interior).unwrap();
    assert!(m.clone().as_strip().unwrap().with_period(1.0).is_err());
    assert!(m.with_period(1.0).unwrap().as_strip().is_err());
}

#[test]
#[ignore = "a 40-second Monte Carlo over 43 bands; run by hand when the dot model or defaults change"]
fn main_job_recipes_against_the_monte_carlo() {
    // The README's "Known limits": the fast model's colour of the main job's recipes at the
    // default dot against the 3-D Monte Carlo's, 60,000 photons a band.
    use tinct::appearance::{pigment_optics, Component};
    use tinct::pigment::{Catalog, Deposition};
    use tinct::spectrum::{Spectrum, GRID_LEN};
    let t = table();
    let catalog = Catalog::builtin();
    let (cb, ior) = (
        catalog.get("carbon-black").unwrap(),
        catalog.get("iron-oxide-red").unwrap(),
    );
    let d = Deposition::default();
    let full = d.undiluted_load_g_m2 * d.retained_after_healing;
    for (pt, name, comps) in [
        (
            "III",
            "1 carbon black + 9 iron oxide red",
            vec![
                Component {
                    pigment: cb,
                    load_g_m2: 0.1 * full,
                },
                Component {
                    pigment: ior,
                    load_g_m2: 0.9 * full,
                },
            ],
        ),
        (
            "III",
            "carbon black",
            vec![Component {
                pigment: cb,
                load_g_m2: full,
            }],
        ),
        (
            "I",
            "carbon black",
            vec![Component {
                pigment: cb,
                load_g_m2: full,
            }],
        ),
    ] {
        let sk = skin(pt);
        let site = crate::common::default_site(&sk);
        let pigment = pigment_optics(&comps).unwrap();
        let fast = site.reflectance(&pigment).unwrap();
        let mut v = [0.0; GRID_LEN];
        for (i, o) in v.iter_mut().enumerate() {
            let layers = site.layers(&pigment, i).unwrap();
            let bare = site.layers(&DotPigment::none(), i).unwrap();
            let k = site.dot_index();
            let own = site.finite_dot().unwrap().bands()[i]
                .mean(&layers[k])
                .unwrap();
            let mc = DotMonteCarlo::new(
                &bare,
                Below::SemiInfinite,
                site.index(),
                k,
                0.5 * tinct::optics::skin::DEFAULT_DOT_DIAMETER_MM,
                layers[k],
            )
            .unwrap()
            .run(60_000, 5)
            .unwrap();
            // The same view of the surface as the fast model's (specular excluded).
            *o = fast.values()[i] - own + mc.mean;
        }
        let mc = Spectrum::new(v).unwrap();
        let (a, b) = (t.lab(&fast), t.lab(&mc));
        let de = ciede2000(a, b, 1.0, 1.0, 1.0);
        eprintln!(
            "{pt} {name}: fast L* {:.1} a* {:.1} b* {:.1}, Monte Carlo {:.1} {:.1} {:.1}, dE00 {de:.2}",
            a.l, a.a, a.b, b.l, b.a, b.b
        );
        assert!(
            b.l >= a.l - 0.5,
            "the fast model reads lighter than the Monte Carlo"
        );
        assert!(de < 4.0);
    }
}
