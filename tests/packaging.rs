//! Pigment packed in healed skin (issue 13, item 3; src/optics/packaging.rs): dilution now
//! changes the healed shade, more pigment still never lightens, no pigment is the skin.

use crate::common::{fails_with, json_of, tinct};

fn dot_l(extra: &[&str]) -> f64 {
    let v = json_of(
        tinct()
            .args(["appear", "--skin", "fitzpatrick:II", "--json"])
            .args(extra),
    );
    v["dot"]["lab"][0].as_f64().unwrap()
}

#[test]
fn dilution_changes_the_healed_shade() {
    // The acceptance: undiluted carbon black and 1:10 at least 5 L* apart in type II
    // skin; each further dilution lighter; spread evenly instead, they are not.
    let l = |ratio: &str, extra: &[&str]| {
        let d = format!("carbon-black:{ratio}");
        let mut args = vec!["--dilution", d.as_str()];
        args.extend_from_slice(extra);
        dot_l(&args)
    };
    let undiluted = l("1:0", &[]);
    let tenth = l("1:10", &[]);
    assert!(tenth - undiluted >= 5.0, "{undiluted} vs {tenth}");
    let mut last = undiluted;
    for ratio in ["1:2", "1:5", "1:10", "1:20", "1:40"] {
        let now = l(ratio, &[]);
        assert!(now > last, "{ratio}: {now} after {last}");
        last = now;
    }
    let dispersed = ["--cluster-um", "0"];
    assert!((l("1:10", &dispersed) - l("1:0", &dispersed)).abs() < 0.5);
}

#[test]
fn packing_never_darkens_and_no_pigment_is_the_skin() {
    // Packed pigment absorbs and scatters less per gram than dispersed; larger or fuller
    // clusters less again; with no pigment the cluster size does not matter.
    let at = |um: &str, fill: &str| {
        dot_l(&[
            "--pigment",
            "carbon-black:1",
            "--cluster-um",
            um,
            "--cluster-fill",
            fill,
        ])
    };
    let dispersed = at("0", "0.5");
    let small = at("2", "0.5");
    let default = at("10", "0.5");
    let fuller = at("10", "1");
    assert!(dispersed < small && small < default && default < fuller);
    let skin = json_of(tinct().args([
        "appear",
        "--skin",
        "fitzpatrick:II",
        "--pigment",
        "carbon-black:0",
        "--json",
    ]));
    for c in 0..3 {
        let (d, s) = (
            skin["dot"]["lab"][c].as_f64().unwrap(),
            skin["skin"]["lab"][c].as_f64().unwrap(),
        );
        assert!((d - s).abs() < 1e-9, "{d} vs {s}");
    }
    assert_eq!(skin["packaging"]["cluster_um"].as_f64(), Some(10.0));
}

#[test]
fn bad_packaging_is_refused() {
    for (flag, value, field) in [
        ("--cluster-um", "-1", "cluster diameter"),
        ("--cluster-um", "nan", "cluster diameter"),
        ("--cluster-fill", "0", "cluster fill"),
        ("--cluster-fill", "1.5", "cluster fill"),
    ] {
        fails_with(
            tinct().args([
                "appear",
                "--skin",
                "fitzpatrick:II",
                "--pigment",
                "carbon-black:1",
                flag,
                value,
            ]),
            field,
        );
    }
}
