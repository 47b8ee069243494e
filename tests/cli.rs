//! The real `tinct` binary, end to end: output, exit codes, one-line errors, no partial files,
//! inputs never overwritten.

use predicates::prelude::*;
use std::fs;

use crate::common::{data_path, fails_with, json_of, tinct};

#[test]
fn delta_e_prints_sharma_pair_1() {
    tinct()
        .args(["delta-e", "lab(50 2.6772 -79.7751)", "lab(50 0 -82.7485)"])
        .assert()
        .success()
        .stdout("2.0425  (ciede2000)\n");
}

#[test]
fn delta_e_json_has_method_and_value() {
    let out = tinct()
        .args([
            "delta-e",
            "lab(50 -0.001 2.49)",
            "lab(50 0.001 -2.49)",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["method"], "ciede2000");
    // Sharma pair 14, exactly on the hue discontinuity: the published value.
    assert!((v["delta_e"].as_f64().unwrap() - 4.8045).abs() < 5e-5);
}

#[test]
fn delta_e_methods_and_parameters() {
    let run = |args: &[&str]| -> f64 {
        let mut all = vec!["delta-e", "lab(50 10 10)", "lab(55 12 5)", "--json"];
        all.extend_from_slice(args);
        let out = tinct().args(&all).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["delta_e"]
            .as_f64()
            .unwrap()
    };
    let e76 = run(&["--method", "cie76"]);
    assert!((e76 - (25.0f64 + 4.0 + 25.0).sqrt()).abs() < 1e-12);
    assert!(run(&["--method", "cmc"]) < run(&["--method", "cmc", "--cmc-l", "1"]));
    assert!(run(&["--kl", "2"]) < run(&[]));
    assert!(run(&["--method", "cie94-textiles"]) < run(&["--method", "cie94"]));
}

#[test]
fn convert_examples() {
    tinct()
        .args(["convert", "lab(52 8 14)", "--to", "lch"])
        .assert()
        .success()
        .stdout("lch(52 16.1245 60.2551)\n");
    tinct()
        .args(["convert", "#ffffff", "--to", "lab"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("lab(100"));
    // Out of gamut is said, not hidden.
    tinct()
        .args(["convert", "lab(30 -60 -70)", "--to", "srgb"])
        .assert()
        .success()
        .stdout(predicate::str::contains("outside the sRGB gamut"));
    let out = tinct()
        .args(["convert", "lab(30 -60 -70)", "--to", "srgb", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["srgb"]["in_gamut"], false);
}

#[test]
fn convert_round_trips_through_every_space() {
    for to in ["lab", "lch", "oklab", "oklch"] {
        let out = tinct()
            .args(["convert", "lab(52 8 14)", "--to", to])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let back = tinct()
            .args(["convert", text.trim(), "--to", "lab", "--json"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&back.stdout).unwrap();
        let lab: Vec<f64> = v["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        for (got, want) in lab.iter().zip([52.0, 8.0, 14.0]) {
            assert!((got - want).abs() < 1e-3, "{to}: {text} -> {lab:?}");
        }
    }
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    fails_with(
        tinct().args(["convert", "lab(52 8)", "--to", "lab"]),
        "colour",
    );
    fails_with(
        tinct().args(["convert", "lab(52 8 nan)", "--to", "lab"]),
        "not a finite number",
    );
    fails_with(
        tinct().args(["convert", "lab(52 8 1)", "--to", "hsl"]),
        "to: unknown colour space \"hsl\"",
    );
    fails_with(
        tinct().args([
            "convert",
            "lab(52 8 1)",
            "--to",
            "lab",
            "--illuminant",
            "D66",
        ]),
        "illuminant: unknown illuminant \"D66\"",
    );
    fails_with(
        tinct().args(["convert", "lab(52 8 1)", "--to", "lab", "--observer", "5"]),
        "observer",
    );
    fails_with(
        tinct().args(["delta-e", "lab(1 2 3)", "#zz0000"]),
        "B: colour",
    );
    fails_with(
        tinct().args(["delta-e", "lab(1 2 3)", "lab(1 2 4)", "--method", "cie2001"]),
        "method",
    );
    fails_with(
        tinct().args(["delta-e", "lab(1 2 3)", "lab(1 2 4)", "--kl", "-1"]),
        "kL: -1",
    );
    fails_with(
        tinct().args([
            "delta-e",
            "lab(1 2 3)",
            "lab(1 2 4)",
            "--method",
            "cie76",
            "--kl",
            "2",
        ]),
        "kl: applies only to --method ciede2000",
    );
}

#[test]
fn batch_delta_e_carries_columns_and_writes_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("pairs.csv");
    fs::write(
        &input,
        "id,L1,a1,b1,L2,a2,b2,site\n\
         s1,50.0000,2.6772,-79.7751,50.0000,0.0000,-82.7485,crown\n\
         s14,50.0000,-0.0010,2.4900,50.0000,0.0010,-2.4900,vertex\n",
    )
    .unwrap();
    let output = dir.path().join("out.csv");
    tinct()
        .args(["delta-e", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .assert()
        .success()
        .stdout("");
    let text = fs::read_to_string(&output).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "id,L1,a1,b1,L2,a2,b2,site,delta_e");
    assert!(
        lines[1].starts_with("s1,50.0000,2.6772,-79.7751,50.0000,0.0000,-82.7485,crown,2.04245968")
    );
    assert!(lines[2].starts_with("s14,") && lines[2].contains(",vertex,4.8045"));
    // stdout when no --output: the same bytes.
    let out = tinct()
        .args(["delta-e", "--input"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), text);
    // The output may not be the input.
    let before = fs::read(&input).unwrap();
    fails_with(
        tinct()
            .args(["delta-e", "--input"])
            .arg(&input)
            .arg("--output")
            .arg(&input),
        "never overwrites its inputs",
    );
    assert_eq!(fs::read(&input).unwrap(), before);
}

#[test]
fn batch_delta_e_bad_rows_leave_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("pairs.csv");
    fs::write(
        &input,
        "L1,a1,b1,L2,a2,b2\n50,1,2,50,1,3\n50,1,2,50,NaN,3\n",
    )
    .unwrap();
    let output = dir.path().join("out.csv");
    fails_with(
        tinct()
            .args(["delta-e", "--input"])
            .arg(&input)
            .arg("--output")
            .arg(&output),
        "line 3, column a2: NaN is not a finite number",
    );
    assert!(!output.exists());
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
    fs::write(&input, "L1,a1,b1,L2,a2\n50,1,2,50,1\n").unwrap();
    fails_with(
        tinct().args(["delta-e", "--input"]).arg(&input),
        "column b2: missing",
    );
    fails_with(
        tinct()
            .args(["delta-e", "--input"])
            .arg(dir.path().join("absent.csv")),
        "absent.csv",
    );
}

#[test]
fn spectrum_of_the_reference_spectra() {
    let dir = tempfile::tempdir().unwrap();
    // 10 nm, 400-700 nm, R-prefixed columns: a shorter range than the tables.
    let src = fs::read_to_string(data_path("e308_spectra.csv")).unwrap();
    let mut lines = src.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let keep: Vec<usize> = (1..header.len())
        .filter(|&i| {
            let w: u32 = header[i].parse().unwrap();
            (400..=700).contains(&w) && w.is_multiple_of(10)
        })
        .collect();
    let mut csv = String::from("sample");
    for &i in &keep {
        csv.push_str(&format!(",R{}", header[i]));
    }
    csv.push('\n');
    for line in lines.take(3) {
        let f: Vec<&str> = line.split(',').collect();
        csv.push_str(f[0]);
        for &i in &keep {
            csv.push_str(&format!(",{}", f[i].parse::<f64>().unwrap() * 100.0));
        }
        csv.push('\n');
    }
    let input = dir.path().join("spectra.csv");
    fs::write(&input, csv).unwrap();
    let out = tinct()
        .args(["spectrum", "--percent", "--illuminant", "F11", "--input"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows[0], ["sample", "X", "Y", "Z", "L", "a", "b"]);
    // colour-science's sd_to_XYZ(method='ASTM E308') for ohta_01_dark_skin, 400-700 nm, F11, 2 deg
    // (tests/data/e308_xyz.csv).
    let reference = crate::common::Table::load("e308_xyz.csv");
    let r = reference
        .rows
        .iter()
        .find(|r| {
            reference.s(r, "id") == "ohta_01_dark_skin"
                && reference.s(r, "illuminant") == "F11"
                && reference.s(r, "observer") == "2"
                && reference.s(r, "start_nm") == "400"
                && reference.s(r, "end_nm") == "700"
        })
        .unwrap();
    for (k, col) in ["X", "Y", "Z", "L", "a", "b"].iter().enumerate() {
        let ours: f64 = rows[1][k + 1].parse().unwrap();
        let theirs = reference.f(r, col);
        // The percent inputs were scaled by 100 in text, so agreement is to rounding of that.
        assert!(
            (ours - theirs).abs() < 1e-9 * theirs.abs().max(1.0),
            "{col}: {ours} vs {theirs}"
        );
    }
}

#[test]
fn spectrum_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("s.csv");
    fs::write(&input, "id,400,390,410\na,0.1,0.2,0.3\n").unwrap();
    fails_with(
        tinct().args(["spectrum", "--input"]).arg(&input),
        "wavelengths out of order",
    );
    fs::write(&input, "id,400,410,420\na,10,20,30\n").unwrap();
    fails_with(
        tinct().args(["spectrum", "--input"]).arg(&input),
        "use --percent",
    );
    fs::write(&input, "id,400,410,420\na,0.1,,0.3\n").unwrap();
    fails_with(
        tinct().args(["spectrum", "--input"]).arg(&input),
        "line 2, column 410",
    );
    fs::write(&input, "id,400,410,420\na,0.1,0.2,0.3\n").unwrap();
    fails_with(
        tinct()
            .args(["spectrum", "--illuminant", "F12", "--input"])
            .arg(&input),
        "illuminant",
    );
    let output = dir.path().join("out.csv");
    fs::write(&input, "id,400,410,420\na,0.1,0.2,0.3\nb,0.1,inf,0.3\n").unwrap();
    fails_with(
        tinct()
            .args(["spectrum", "--input"])
            .arg(&input)
            .arg("--output")
            .arg(&output),
        "line 3, column 410: inf is not a finite number",
    );
    assert!(!output.exists());
}

#[test]
fn help_explains_every_subcommand_with_an_example() {
    for sub in ["convert", "delta-e", "spectrum", "pigments", "appear"] {
        tinct()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("xample"));
    }
}

#[test]
fn pigments_lists_and_shows_with_sources() {
    let out = tinct().args(["pigments", "--json"]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"carbon-black") && ids.contains(&"iron-oxide-red"));
    assert_eq!(v[0]["colour_index"], "PBk7");
    tinct()
        .args(["pigments", "show", "carbon-black"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Bond, T. C. & Bergstrom"));
    let out = tinct()
        .args(["pigments", "show", "PR101", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["k"].as_array().unwrap().len(), 43);
    fails_with(
        tinct().args(["pigments", "show", "PB15:3"]),
        "unknown pigment",
    );
}

#[test]
fn appear_answers_with_dot_skin_contrast_and_cast() {
    let dir = tempfile::tempdir().unwrap();
    let swatch = dir.path().join("dot.svg");
    let v = json_of(
        tinct()
            .args([
                "appear",
                "--pigment",
                "carbon-black:10",
                "--skin",
                "fitzpatrick:II",
                "--depth",
                "0.3mm",
                "--json",
                "--swatch",
            ])
            .arg(&swatch),
    );
    assert!(v["dot"]["lab"][0].as_f64().unwrap() < v["skin"]["lab"][0].as_f64().unwrap());
    assert!(v["dot"]["srgb"].as_str().unwrap().starts_with('#'));
    assert_eq!(v["skin"]["ita_class"], "light");
    assert!(v["contrast_delta_e"].as_f64().unwrap() > 1.0);
    assert!(v["cool_cast"]["bluer_b"].as_f64().unwrap() > 0.0);
    let svg = fs::read_to_string(&swatch).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("<circle"));
    // A measured skin colour is fitted; a dilution becomes a load.
    let v = json_of(tinct().args([
        "appear",
        "--dilution",
        "carbon-black:1:6",
        "--skin",
        "lab(62 11 17)",
        "--json",
    ]));
    assert!(v["skin"]["fit"]["delta_e"].as_f64().unwrap() <= 0.5);
    assert!(
        (v["components"][0]["load_g_m2"].as_f64().unwrap() - 25.3 * 2.0 / 3.0 / 7.0).abs() < 1e-9
    );
}

#[test]
fn appear_bad_input() {
    fails_with(
        tinct().args([
            "appear",
            "--pigment",
            "PB15:3:10",
            "--skin",
            "fitzpatrick:II",
        ]),
        "unknown pigment",
    );
    fails_with(
        tinct().args([
            "appear",
            "--pigment",
            "carbon-black:-1",
            "--skin",
            "fitzpatrick:II",
        ]),
        "load of carbon-black",
    );
    fails_with(
        tinct().args([
            "appear",
            "--pigment",
            "carbon-black:x",
            "--skin",
            "fitzpatrick:II",
        ]),
        "pigment carbon-black",
    );
    fails_with(
        tinct().args([
            "appear",
            "--pigment",
            "carbon-black:5",
            "--skin",
            "fitzpatrick:VII",
        ]),
        "Fitzpatrick",
    );
    fails_with(
        tinct().args([
            "appear",
            "--pigment",
            "carbon-black:5",
            "--skin",
            "fitzpatrick:II",
            "--depth",
            "3mm",
        ]),
        "no subcutis",
    );
    fails_with(
        tinct().args([
            "appear",
            "--pigment",
            "carbon-black:5",
            "--skin",
            "lab(95 0 0)",
        ]),
        "outside what the skin model reaches",
    );
    fails_with(
        tinct().args(["appear", "--skin", "fitzpatrick:II"]),
        "give at least one",
    );
}

#[test]
fn appear_fits_a_measured_skin_spectrum() {
    // The ColorChecker "light skin" patch (Ohta 1997) as a measured skin spectrum.
    let dir = tempfile::tempdir().unwrap();
    let src = fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/examples/colorchecker_ohta_10nm.csv"),
    )
    .unwrap();
    let mut lines = src.lines().filter(|l| !l.starts_with('#'));
    let header = lines.next().unwrap();
    let light_skin = lines.find(|l| l.starts_with("02_light_skin")).unwrap();
    let input = dir.path().join("skin.csv");
    fs::write(&input, format!("{header}\n{light_skin}\n")).unwrap();
    let v = json_of(
        tinct()
            .args([
                "appear",
                "--pigment",
                "carbon-black:5",
                "--json",
                "--skin-tolerance",
                "3",
                "--skin",
            ])
            .arg(&input),
    );
    assert!(v["skin"]["source"]
        .as_str()
        .unwrap()
        .starts_with("fitted to a measured spectrum"));
    assert!(v["skin"]["fit"]["delta_e"].as_f64().unwrap() < 3.0);
}

#[test]
fn match_with_a_kit_file() {
    let dir = tempfile::tempdir().unwrap();
    let kit = dir.path().join("kit.toml");
    fs::write(
        &kit,
        "pigments = [\"carbon-black\"]\n\n[[entries]]\nid = \"supplier-brown\"\nname = \"Supplier brown\"\ncolour_index = \"PBr7\"\n\
         [entries.optics]\nmodel = \"tabulated\"\nwavelengths_nm = [360.0, 560.0, 780.0]\nk_m2_g = [3.0, 2.0, 0.5]\ns_m2_g = [0.5, 0.8, 1.0]\n\
         [[entries.sources]]\nwhat = \"k and s\"\nsource = \"a test fixture, made up\"\n",
    )
    .unwrap();
    let v = json_of(
        tinct()
            .args([
                "match",
                "--skin",
                "fitzpatrick:III",
                "--target",
                "lab(55 2 8)",
                "--json",
                "--kit",
            ])
            .arg(&kit),
    );
    let used: Vec<String> = v["recipes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["components"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["pigment"].as_str().unwrap().to_string())
        })
        .collect();
    assert!(
        used.iter()
            .all(|p| p == "carbon-black" || p == "supplier-brown"),
        "{used:?}"
    );
    assert!(used.iter().any(|p| p == "supplier-brown"));
}

#[test]
fn usage_errors_are_one_line_too() {
    fails_with(
        tinct().args(["convert", "lab(1 2 3)", "--to", "lab", "--bogus"]),
        "unexpected argument '--bogus'",
    );
    fails_with(tinct().args(["delta-e", "lab(1 2 3)"]), "<B>");
    fails_with(tinct().args(["frobnicate"]), "unrecognized subcommand");
    tinct().arg("--version").assert().success();
}

#[test]
fn convert_reads_and_writes_every_form() {
    let json = |args: &[&str]| json_of(tinct().args(args));
    // The CSS D65 XYZ of sRGB white is the D65 white: Lab 100 0 0 under D65 2 deg (to the
    // small difference between the table white and the sRGB white).
    let v = json(&[
        "convert",
        "color(xyz-d65 0.95047 1 1.08883)",
        "--to",
        "lab",
        "--json",
    ]);
    assert!((v["value"][0].as_f64().unwrap() - 100.0).abs() < 0.01);
    let v = json(&[
        "convert",
        "color(srgb-linear 1 1 1)",
        "--to",
        "srgb",
        "--json",
    ]);
    assert_eq!(v["srgb"]["hex"], "#ffffff");
    let v = json(&[
        "convert",
        "lab(50 0 0)",
        "--to",
        "xyy",
        "--json",
        "--illuminant",
        "A",
        "--observer",
        "10",
    ]);
    let white = v["white"].as_array().unwrap();
    let sum: f64 = white.iter().map(|x| x.as_f64().unwrap()).sum();
    assert!((v["value"][0].as_f64().unwrap() - white[0].as_f64().unwrap() / sum).abs() < 1e-9);
    tinct()
        .args(["convert", "#8a5a44", "--to", "xyz"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("X "));
}
