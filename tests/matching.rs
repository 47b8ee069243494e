//! Recipe matching (issue 4, item 7): known mixes are found again; loads are never negative;
//! single-pigment searches return single pigments; unreachable targets say so; the rounded mix
//! is evaluated again, not assumed.

use crate::common::{fails_with, json_of, tinct};
use tinct::appearance::{appear, Component};
use tinct::colorimetry::{Illuminant, Lab, Observer, Viewing, WeightingTable};
use tinct::formulate::{search, MatchSpec};
use tinct::optics::skin::{SkinOptics, SkinParams};
use tinct::pigment::{Catalog, Deposition};

fn table() -> &'static WeightingTable {
    WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964))
}

fn target_of(skin: &SkinOptics, depth: f64, mix: &[(&str, f64)]) -> Lab {
    let cat = Catalog::builtin();
    let comps: Vec<Component<'_>> = mix
        .iter()
        .map(|(id, w)| Component {
            pigment: cat.get(id).unwrap(),
            load_g_m2: *w,
        })
        .collect();
    let site = skin.site(depth, 0.1).unwrap();
    let a = appear(skin, &site, &comps, table()).unwrap();
    Lab::new(a.dot.lab[0], a.dot.lab[1], a.dot.lab[2])
}

#[test]
fn known_mixes_are_matched_within_0_3() {
    let cat = Catalog::builtin();
    let mixes: [&[(&str, f64)]; 4] = [
        &[("carbon-black", 2.0), ("iron-oxide-red", 1.5)],
        &[("iron-oxide-red", 4.0)],
        &[
            ("carbon-black", 0.5),
            ("titanium-dioxide", 3.0),
            ("iron-oxide-black", 2.0),
        ],
        &[("iron-oxide-black", 0.8), ("iron-oxide-red", 0.3)],
    ];
    for (pt, depth) in [("II", 0.2), ("IV", 0.4)] {
        let skin = SkinOptics::new(SkinParams::fitzpatrick(pt).unwrap()).unwrap();
        let site = skin.site(depth, 0.1).unwrap();
        for mix in mixes {
            let spec = MatchSpec {
                site: &site,
                table: table(),
                target: target_of(&skin, depth, mix),
                pigments: cat.pigments().iter().collect(),
                max_pigments: 3,
                parts: 0,
                deposition: Deposition::default(),
            };
            let r = search(&spec).unwrap().recipes;
            assert!(r[0].delta_e <= 0.3, "{pt} {mix:?}: best {}", r[0].delta_e);
            for rec in &r {
                assert!(rec.loads.iter().all(|(_, w)| *w >= 0.0 && w.is_finite()));
            }
        }
    }
}

#[test]
fn one_pigment_at_most_and_rounding_is_re_evaluated() {
    let cat = Catalog::builtin();
    let skin = SkinOptics::new(SkinParams::fitzpatrick("III").unwrap()).unwrap();
    let site = skin.site(0.3, 0.1).unwrap();
    let target = target_of(
        &skin,
        0.3,
        &[("carbon-black", 0.7), ("iron-oxide-red", 2.3)],
    );
    let spec = MatchSpec {
        site: &site,
        table: table(),
        target,
        pigments: cat.pigments().iter().collect(),
        max_pigments: 1,
        parts: 10,
        deposition: Deposition::default(),
    };
    let r = search(&spec).unwrap().recipes;
    // One recipe per pigment, except a pigment that only makes things worse (no load: not a
    // recipe).
    assert!((1..=4).contains(&r.len()));
    for rec in &r {
        assert_eq!(rec.loads.len(), 1);
        let m = rec
            .mixed
            .as_ref()
            .expect("a recipe with pigment is mixed in parts");
        // The rounded mix's colour is computed from its own loads, not copied.
        let again = {
            let comps: Vec<Component<'_>> = m
                .loads
                .iter()
                .map(|(p, w)| Component {
                    pigment: p,
                    load_g_m2: *w,
                })
                .collect();
            appear(&skin, &site, &comps, table()).unwrap().dot.lab
        };
        assert!((again[0] - m.lab.l).abs() < 1e-9 && (again[2] - m.lab.b).abs() < 1e-9);
        assert_eq!(m.parts.iter().map(|(_, k)| k).sum::<u32>(), 10);
    }
    // With two pigments allowed the mixture does better than any single pigment.
    let two = search(&MatchSpec {
        max_pigments: 2,
        ..spec.clone()
    })
    .unwrap()
    .recipes;
    assert!(two[0].delta_e < r.iter().map(|x| x.delta_e).fold(f64::INFINITY, f64::min));
}

#[test]
fn a_search_counts_every_subset_it_tried() {
    // The evaluations reported are those of every subset searched, including subsets whose
    // optimum was dropped (no pigment, or the same mix as another): the sum over the pigments
    // searched one at a time.
    let cat = Catalog::builtin();
    let skin = SkinOptics::new(SkinParams::fitzpatrick("III").unwrap()).unwrap();
    let site = skin.site(0.3, 0.1).unwrap();
    let spec = MatchSpec {
        site: &site,
        table: table(),
        target: tinct::Lab::new(40.0, 2.0, 3.0),
        pigments: cat.pigments().iter().collect(),
        max_pigments: 1,
        parts: 10,
        deposition: Deposition::default(),
    };
    let all = search(&spec).unwrap();
    assert_eq!(all.subsets, cat.pigments().len());
    let alone: u64 = cat
        .pigments()
        .iter()
        .map(|p| {
            search(&MatchSpec {
                pigments: vec![p],
                ..spec.clone()
            })
            .unwrap()
            .evaluations
        })
        .sum();
    assert_eq!(all.evaluations, alone);
    // Titanium dioxide only lightens: its optimum holds no pigment and is not a recipe, yet
    // its evaluations count.
    assert!(all.recipes.len() < all.subsets, "{}", all.recipes.len());
    assert!(all.evaluations > all.recipes.iter().map(|r| r.evaluations).sum::<u64>());
}

#[test]
fn unreachable_targets_say_so_and_tolerance_exits_1() {
    // A black follicle is darker than any 0.25 mm dot can heal 0.3 mm under the junction.
    let out = tinct()
        .args([
            "match",
            "--skin",
            "fitzpatrick:III",
            "--hair",
            "black",
            "--depth",
            "0.3mm",
            "--tolerance",
            "2",
            "--top",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("No recipe reaches the target") && text.contains("darker than"),
        "{text}"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no recipe reaches dE00 <= 2"), "{err}");
    // JSON shape.
    let mut out = tinct();
    out.args([
        "match",
        "--skin",
        "fitzpatrick:III",
        "--target",
        "lab(55 2 8)",
        "--json",
        "--top",
        "2",
    ]);
    let v = json_of(&mut out);
    assert_eq!(v["target"]["lab"][0], 55.0);
    let r0 = &v["recipes"][0];
    assert!(r0["components"][0]["pigment"].is_string());
    assert!(r0["components"][0]["load_g_m2"].as_f64().unwrap() >= 0.0);
    assert!(r0["metamerism"]["A"].is_number() && r0["metamerism"]["F11"].is_number());
    assert!(r0["delta_e"].as_f64().unwrap() < 3.0);
}

#[test]
fn match_bad_input() {
    for (args, needle) in [
        (vec!["match", "--skin", "fitzpatrick:III"], "needs --hair"),
        (
            vec!["match", "--skin", "fitzpatrick:III", "--hair", "blond"],
            "no published measurement",
        ),
        (
            vec![
                "match",
                "--skin",
                "fitzpatrick:III",
                "--hair",
                "black",
                "--max-pigments",
                "5",
            ],
            "max-pigments",
        ),
        (
            vec![
                "match",
                "--skin",
                "fitzpatrick:III",
                "--hair",
                "black",
                "--pigments",
                "PB15:3",
            ],
            "unknown pigment",
        ),
        (
            vec![
                "match",
                "--skin",
                "fitzpatrick:III",
                "--hair",
                "black",
                "--intent",
                "tribal",
            ],
            "intent",
        ),
        (
            vec![
                "match",
                "--skin",
                "fitzpatrick:III",
                "--hair",
                "black",
                "--intent",
                "shading",
                "--coverage",
                "2",
            ],
            "coverage",
        ),
        (
            vec![
                "match",
                "--skin",
                "fitzpatrick:III",
                "--hair",
                "black",
                "--illuminants",
                "D65,Z",
            ],
            "illuminant",
        ),
    ] {
        fails_with(tinct().args(&args), needle);
    }
}

#[test]
fn shading_and_scar_targets() {
    let json = |args: &[&str]| json_of(tinct().args(args));
    // Shading: the target lies between the skin and the hair, and moves toward the hair with
    // coverage.
    let l_of = |v: &serde_json::Value| v["target"]["lab"][0].as_f64().unwrap();
    let low = json(&[
        "match",
        "--skin",
        "fitzpatrick:II",
        "--hair",
        "black",
        "--intent",
        "shading",
        "--coverage",
        "0.2",
        "--json",
        "--top",
        "1",
    ]);
    let high = json(&[
        "match",
        "--skin",
        "fitzpatrick:II",
        "--hair",
        "black",
        "--intent",
        "shading",
        "--coverage",
        "0.6",
        "--json",
        "--top",
        "1",
    ]);
    let skin_l = low["skin"]["lab"][0].as_f64().unwrap();
    assert!(l_of(&low) < skin_l && l_of(&high) < l_of(&low) && l_of(&high) > 18.0);
    // Scar: the target is the surrounding skin.
    let scar = json(&[
        "match",
        "--skin",
        "fitzpatrick:IV",
        "--intent",
        "scar",
        "--json",
        "--top",
        "1",
    ]);
    assert_eq!(scar["target"]["lab"], scar["skin"]["lab"]);
}

#[test]
fn match_says_what_its_table_shows() {
    // Issue 13, item 8: "No recipe reaches the target" exactly when none is within the
    // tolerance (3 dE00 unless --tolerance says otherwise), agreeing with `reached`; dilutions
    // are shade numbers (whole parts of water, halves below 1) and no two recipes are the same
    // mix; the sentence about lightness is true of the recipes shown.
    for (target, extra) in [
        (["--target", "lab(55 2 8)"], vec![]),
        (["--hair", "dark-brown"], vec![]),
        (["--target", "lab(55 2 8)"], vec!["--tolerance", "1"]),
    ] {
        let run = |json: bool| {
            let mut c = tinct();
            c.args(["match", "--skin", "fitzpatrick:III", "--top", "5"])
                .args(target)
                .args(&extra);
            if json {
                c.arg("--json");
            }
            c.output().unwrap()
        };
        let out = run(true);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let text = String::from_utf8_lossy(&run(false).stdout).into_owned();
        let reached = v["reached"].as_bool().unwrap();
        let tolerance = v["tolerance"].as_f64().unwrap();
        let recipes = v["recipes"].as_array().unwrap();
        let best = recipes[0]["delta_e"].as_f64().unwrap();
        assert_eq!(reached, best <= tolerance, "{v}");
        assert_eq!(text.contains("No recipe reaches"), !reached, "{text}");
        // Exit 1 only when a tolerance was asked for and missed.
        let explicit = !extra.is_empty();
        assert_eq!(
            out.status.code(),
            Some(if !reached && explicit { 1 } else { 0 })
        );
        let mut keys = std::collections::HashSet::new();
        let mut darkest = f64::INFINITY;
        for r in recipes {
            let n = r["diluent_parts"].as_f64().unwrap();
            assert!(
                (n * 2.0).fract() == 0.0 && (n < 1.0 || n.fract() == 0.0),
                "{n}"
            );
            let mut key: Vec<String> = r["components"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["parts"].as_u64().unwrap() > 0)
                .map(|c| format!("{}:{}", c["pigment"], c["parts"]))
                .collect();
            key.sort();
            assert!(
                keys.insert(format!("{key:?} {n}")),
                "duplicate {key:?} 1:{n}"
            );
            darkest = darkest.min(r["lab"][0].as_f64().unwrap());
        }
        if let Some(i) = text.find("heals darker than L* ") {
            let l: f64 = text[i + 21..]
                .split_whitespace()
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert!((l - darkest).abs() < 0.06, "{l} vs {darkest}");
        }
    }
}

#[test]
fn match_reads_its_recipes_by_the_monte_carlo_and_ranks_by_it() {
    let base = [
        "match",
        "--skin",
        "fitzpatrick:III",
        "--hair",
        "dark-brown",
        "--top",
        "3",
        "--monte-carlo",
        "--photons",
        "1500",
        "--seed",
        "4",
    ];
    let v = json_of(tinct().args(base).arg("--json"));
    assert_eq!(v["monte_carlo"]["photons"].as_u64(), Some(1500));
    let recipes = v["recipes"].as_array().unwrap();
    let mc_de: Vec<f64> = recipes
        .iter()
        .map(|r| r["monte_carlo"]["delta_e"].as_f64().unwrap())
        .collect();
    // Ranked by the Monte Carlo's reading, and `reached` judged by it.
    assert!(mc_de.windows(2).all(|w| w[0] <= w[1]), "{mc_de:?}");
    assert_eq!(
        v["reached"].as_bool(),
        Some(mc_de[0] <= v["tolerance"].as_f64().unwrap())
    );
    // The fast model's own figures stay beside it, and the two differ by its known error.
    for r in recipes {
        let (fast, mc) = (
            r["delta_e"].as_f64().unwrap(),
            r["monte_carlo"]["delta_e"].as_f64().unwrap(),
        );
        assert!((fast - mc).abs() < 4.0, "{r}");
        let sd = r["monte_carlo"]["lab_std_error"][0].as_f64().unwrap();
        assert!(sd > 0.0 && sd < 0.5);
    }
    // Each reading is appear's Monte Carlo of the same loads, to the bit.
    let first = &recipes[0];
    let mut appear = tinct();
    appear.args([
        "appear",
        "--skin",
        "fitzpatrick:III",
        "--json",
        "--monte-carlo",
    ]);
    appear.args(["--photons", "1500", "--seed", "4"]);
    for c in first["components"].as_array().unwrap() {
        appear.args([
            "--pigment",
            &format!(
                "{}:{}",
                c["pigment"].as_str().unwrap(),
                c["load_g_m2"].as_f64().unwrap()
            ),
        ]);
    }
    let a = json_of(&mut appear);
    assert_eq!(
        a["finite"]["monte_carlo"]["close_up"]["lab"],
        first["monte_carlo"]["lab"]
    );
    // The text says whose colours the table shows.
    let out = tinct().args(base).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("healed dot (3-D MC)") && text.contains("fast"),
        "{text}"
    );
    assert!(text.contains("1500 photons a band, seed 4"), "{text}");
    // Without the flag nothing changes: no Monte Carlo keys.
    let plain = json_of(tinct().args(&base[..7]).arg("--json"));
    assert!(plain.get("monte_carlo").is_none());
    assert!(plain["recipes"][0].get("monte_carlo").is_none());
    fails_with(
        tinct().args(base).args(["--dot-diameter", "sheet"]),
        "monte_carlo",
    );
    fails_with(
        tinct().args(&base[..7]).args(["--photons", "10"]),
        "--monte-carlo",
    );
    fails_with(tinct().args(&base[..8]).args(["--photons", "0"]), "photons");
}
