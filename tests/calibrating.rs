//! `tinct calibrate` (issue 7): synthetic drawdowns and tint ladders made from known constants
//! (with measurement noise and the Saunderson surface) must give the constants back; a
//! calibrated entry must work everywhere an entry does; malformed inputs get clear errors.

use rand::SeedableRng;

use tinct::calibrate::input::{read, Descriptions, Fill, Sample};
use tinct::calibrate::{
    calibrate_lightfastness, calibrate_optical, default_surface, film_spectrum, Constants,
};
use tinct::pigment::Catalog;
use tinct::spectrum::{grid_wavelengths, Spectrum, GRID_LEN};

use crate::common::{fails_with, json_of, tinct};

fn constants(id: &str) -> Constants {
    let p = Catalog::builtin().get(id).unwrap();
    Constants { k: p.k(), s: p.s() }
}

fn sample(
    id: &str,
    pigment: &str,
    fraction: Option<f64>,
    load: Option<f64>,
    bg: Option<&str>,
    exposure: Option<f64>,
) -> Sample {
    Sample {
        id: id.into(),
        pigment: pigment.into(),
        fraction,
        load_g_m2: load,
        background: bg.map(str::to_string),
        exposure_mlxh: exposure,
        measured: Spectrum::constant(0.5),
    }
}

/// A drawdown set of `pigment` (the true constants) with titanium dioxide, noise sd `noise`.
fn drawdowns(truth: &Constants, noise: f64, seed: u64) -> Vec<Sample> {
    let white = constants("titanium-dioxide");
    let mut s = vec![
        sample("black-card", "substrate", None, None, None, None),
        sample("white-card", "substrate", None, None, None, None),
        sample("mass", "P", Some(1.0), Some(f64::INFINITY), None, None),
        sample(
            "mass-over-black",
            "P",
            Some(1.0),
            Some(0.5),
            Some("black-card"),
            None,
        ),
        sample(
            "mass-over-white",
            "P",
            Some(1.0),
            Some(0.5),
            Some("white-card"),
            None,
        ),
        sample(
            "thin-over-black",
            "P",
            Some(1.0),
            Some(0.2),
            Some("black-card"),
            None,
        ),
        sample(
            "thin-over-white",
            "P",
            Some(1.0),
            Some(0.2),
            Some("white-card"),
            None,
        ),
        sample("tint-50", "P", Some(0.5), Some(f64::INFINITY), None, None),
        sample("tint-20", "P", Some(0.2), Some(f64::INFINITY), None, None),
        sample("tint-10", "P", Some(0.1), Some(f64::INFINITY), None, None),
        sample("tint-05", "P", Some(0.05), Some(f64::INFINITY), None, None),
        sample("tint-02", "P", Some(0.02), Some(f64::INFINITY), None, None),
        sample(
            "tint-20-over-black",
            "P",
            Some(0.2),
            Some(2.0),
            Some("black-card"),
            None,
        ),
    ];
    s[0].measured = Spectrum::constant(0.01);
    s[1].measured = Spectrum::constant(0.85);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for i in 2..s.len() {
        let r = film_spectrum(&s, &s[i].id.clone(), truth, &white, default_surface(), 1.0).unwrap();
        let noisy: [f64; GRID_LEN] = std::array::from_fn(|b| {
            let z: f64 = rand::Rng::sample(&mut rng, rand_distr::StandardNormal);
            r.values()[b] + noise * z
        });
        s[i].measured = Spectrum::new(noisy).unwrap();
    }
    s
}

#[test]
fn drawdowns_give_back_the_constants_within_two_percent() {
    let white = constants("titanium-dioxide");
    for id in ["iron-oxide-red", "iron-oxide-black"] {
        let truth = constants(id);
        let s = drawdowns(&truth, 0.0005, 1);
        let fit = calibrate_optical(&s, "P", &white, default_surface()).unwrap();
        assert!(
            fit.unseparated_nm.is_empty(),
            "{id}: {:?}",
            fit.unseparated_nm
        );
        let mut determined = 0;
        for b in 0..GRID_LEN {
            // Where the data determine them: standard errors below 1 %.
            if fit.rel_se_k[b].max(fit.rel_se_s[b]) > 0.007 {
                continue;
            }
            determined += 1;
            let (k, kt) = (fit.constants.k[b], truth.k[b]);
            let (sv, st) = (fit.constants.s[b], truth.s[b]);
            assert!(
                (k / kt - 1.0).abs() < 0.02,
                "{id} k at {} nm: {k} vs {kt}",
                grid_wavelengths()[b]
            );
            assert!(
                (sv / st - 1.0).abs() < 0.02,
                "{id} s at {} nm: {sv} vs {st}",
                grid_wavelengths()[b]
            );
        }
        assert!(determined >= 20, "{id}: only {determined} bands determined");
        for (sid, d) in &fit.sample_delta_e {
            assert!(*d < 0.2, "{id} {sid}: refit dE00 {d}");
        }
    }
}

#[test]
fn masstones_alone_are_flagged_as_not_separating_k_from_s() {
    let white = constants("titanium-dioxide");
    let s: Vec<Sample> = drawdowns(&constants("iron-oxide-red"), 0.0, 2)
        .into_iter()
        .filter(|x| x.id == "mass")
        .collect();
    let fit = calibrate_optical(&s, "P", &white, default_surface()).unwrap();
    assert!(!fit.warnings.is_empty());
    assert!(
        fit.warnings
            .iter()
            .any(|w| w.contains("K/S") || w.contains("separate")),
        "{:?}",
        fit.warnings
    );
}

#[test]
fn exposures_give_back_the_photodegradation_constant() {
    let white = constants("titanium-dioxide");
    let truth = constants("iron-oxide-red");
    let phi = 0.02;
    let mut s = vec![
        sample(
            "fresh-a",
            "P",
            Some(0.2),
            Some(f64::INFINITY),
            None,
            Some(0.0),
        ),
        sample(
            "fresh-b",
            "P",
            Some(0.2),
            Some(f64::INFINITY),
            None,
            Some(0.0),
        ),
    ];
    for h in [5.0, 10.0, 20.0, 40.0] {
        s.push(sample(
            &format!("h{h}"),
            "P",
            Some(0.2),
            Some(f64::INFINITY),
            None,
            Some(h),
        ));
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    for i in 0..s.len() {
        let h = s[i].exposure_mlxh.unwrap();
        let r = film_spectrum(
            &s,
            &s[i].id.clone(),
            &truth,
            &white,
            default_surface(),
            (-phi * h).exp(),
        )
        .unwrap();
        let noisy: [f64; GRID_LEN] = std::array::from_fn(|b| {
            let z: f64 = rand::Rng::sample(&mut rng, rand_distr::StandardNormal);
            r.values()[b] + 0.0005 * z
        });
        s[i].measured = Spectrum::new(noisy).unwrap();
    }
    let lf =
        calibrate_lightfastness(&s, "P", &truth, &white, default_surface(), Some(0.15)).unwrap();
    assert!((lf.per_mlxh / phi - 1.0).abs() < 0.05, "{lf:?}");
    assert!(lf.lo.unwrap() < phi && phi < lf.hi.unwrap(), "{lf:?}");
    // 0.15 lost at grey scale 4 after -ln(0.85)/0.02 = 8.1 Mlx h: between grades 3 and 4.
    let g = lf.blue_wool.unwrap();
    assert!((3.0..4.0).contains(&g), "{g}");
}

/// A number as the measurement files write it (`inf` for an opaque film), `none` when absent.
fn number_cell(v: Option<f64>, none: &str) -> String {
    v.map_or(none.to_string(), |x| {
        if x.is_infinite() {
            "inf".into()
        } else {
            x.to_string()
        }
    })
}

fn csv_of(samples: &[Sample]) -> String {
    let wl = grid_wavelengths();
    let mut t = String::from("id,pigment,fraction,load_g_m2,background,exposure");
    for w in wl {
        t.push_str(&format!(",{w}"));
    }
    t.push('\n');
    for s in samples {
        let f = |v| number_cell(v, "");
        let bg = if s.pigment == "substrate" {
            String::new()
        } else {
            s.background.clone().unwrap_or_else(|| "none".into())
        };
        t.push_str(&format!(
            "{},{},{},{},{},{}",
            s.id,
            s.pigment,
            f(s.fraction),
            f(s.load_g_m2),
            bg,
            f(s.exposure_mlxh)
        ));
        for v in s.measured.values() {
            t.push_str(&format!(",{v}"));
        }
        t.push('\n');
    }
    t
}

fn cgats_of(samples: &[Sample]) -> String {
    let wl = grid_wavelengths();
    let mut t = String::from(
        "CGATS.17\nORIGINATOR \"tinct tests\"\nNUMBER_OF_FIELDS 48\nBEGIN_DATA_FORMAT\nSAMPLE_ID PIGMENT FRACTION LOAD_G_M2 BACKGROUND",
    );
    for w in wl {
        t.push_str(&format!(" SPECTRAL_{w}"));
    }
    t.push_str(&format!(
        "\nEND_DATA_FORMAT\nNUMBER_OF_SETS {}\nBEGIN_DATA\n",
        samples.len()
    ));
    for s in samples {
        let f = |v| number_cell(v, "\"\"");
        let bg = if s.pigment == "substrate" {
            "\"\"".to_string()
        } else {
            s.background.clone().unwrap_or_else(|| "none".into())
        };
        t.push_str(&format!(
            "\"{}\" {} {} {} {}",
            s.id,
            s.pigment,
            f(s.fraction),
            f(s.load_g_m2),
            bg
        ));
        for v in s.measured.values() {
            t.push_str(&format!(" {v}"));
        }
        t.push('\n');
    }
    t.push_str("END_DATA\n");
    t
}

#[test]
fn csv_and_cgats_read_the_same_samples() {
    let s = drawdowns(&constants("iron-oxide-red"), 0.0005, 4);
    let none = Fill::default();
    let a = read(csv_of(&s).as_bytes(), "a.csv", false, &none).unwrap();
    let b = read(cgats_of(&s).as_bytes(), "a.cgats", false, &none).unwrap();
    assert!(a.filled.is_empty() && b.filled.is_empty());
    let (a, b) = (a.samples, b.samples);
    assert_eq!(a.len(), s.len());
    for ((x, y), z) in a.iter().zip(&b).zip(&s) {
        assert_eq!(x.id, z.id);
        assert_eq!(x.id, y.id);
        assert_eq!(x.fraction, y.fraction);
        assert_eq!(x.load_g_m2, y.load_g_m2);
        assert_eq!(x.background, y.background);
        for (p, q) in x.measured.values().iter().zip(z.measured.values()) {
            assert!((p - q).abs() < 1e-12);
        }
    }
}

/// The instrument's export of `s`: CGATS with SAMPLE_ID and ArgyllCMS's SPEC_ fields only,
/// and the table of what it lacks (id, pigment, fraction, load_g_m2, background).
fn instrument_export(s: &[Sample]) -> (String, String) {
    let full = cgats_of(s);
    let mut out = String::new();
    for line in full.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        if line.starts_with("SAMPLE_ID") || line.starts_with('"') {
            // Drop the four descriptive fields after the id.
            let mut kept = vec![fields[0]];
            kept.extend(&fields[5..]);
            out.push_str(&kept.join(" ").replace("SPECTRAL_", "SPEC_"));
        } else if line.starts_with("NUMBER_OF_FIELDS") {
            out.push_str("NUMBER_OF_FIELDS 44");
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    let mut table = String::from("id,pigment,fraction,load_g_m2,background\n");
    for x in s {
        let f = |v| number_cell(v, "");
        let bg = if x.is_substrate() {
            String::new()
        } else {
            x.background.clone().unwrap_or_else(|| "none".into())
        };
        table.push_str(&format!(
            "{},{},{},{},{bg}\n",
            x.id,
            x.pigment,
            f(x.fraction),
            f(x.load_g_m2)
        ));
    }
    (out, table)
}

#[test]
fn an_instrument_export_is_described_by_a_table_of_its_sample_ids() {
    // Issue 15: spectrophotometer software writes sample ids and spectra, not pigments and
    // loads; `--samples` gives those by id, and the calibration is the one the full file gives.
    let s = drawdowns(&constants("iron-oxide-red"), 0.0005, 8);
    let (export, table) = instrument_export(&s);
    assert!(!export.contains("PIGMENT") && export.contains("SPEC_400"));
    let d = Descriptions::read(table.as_bytes(), "samples.csv").unwrap();
    let fill = Fill {
        descriptions: Some(d),
        pigment: None,
    };
    let m = read(export.as_bytes(), "export.cgats", false, &fill).unwrap();
    assert_eq!(
        m.filled,
        ["pigment, fraction, load_g_m2, background from samples.csv"]
    );
    let full = read(cgats_of(&s).as_bytes(), "a.cgats", false, &Fill::default())
        .unwrap()
        .samples;
    assert_eq!(m.samples, full);
    // The binary: the same constants, and the entry says where the fields came from.
    let dir = tempfile::tempdir().unwrap();
    let (e, t) = (
        dir.path().join("export.cgats"),
        dir.path().join("samples.csv"),
    );
    std::fs::write(&e, &export).unwrap();
    std::fs::write(&t, &table).unwrap();
    let f = dir.path().join("full.cgats");
    std::fs::write(&f, cgats_of(&s)).unwrap();
    let run = |input: &std::path::Path, samples: Option<&std::path::Path>| {
        let mut c = tinct();
        c.args(["calibrate", "optical"])
            .arg(input)
            .args(["--pigment", "P", "--json"]);
        if let Some(x) = samples {
            c.arg("--samples").arg(x);
        }
        json_of(&mut c)
    };
    let (a, b) = (run(&e, Some(&t)), run(&f, None));
    assert_eq!(a["k_m2_g"], b["k_m2_g"]);
    assert_eq!(a["s_m2_g"], b["s_m2_g"]);
    let entry = tinct()
        .args(["calibrate", "optical"])
        .arg(&e)
        .args(["--pigment", "P", "--samples"])
        .arg(&t)
        .output()
        .unwrap();
    let text = String::from_utf8(entry.stdout).unwrap();
    assert!(
        text.contains("input_filled = \"pigment, fraction, load_g_m2, background from"),
        "{text}"
    );
    // A table that misses a sample, describes one the file lacks, repeats a field the file
    // has, or has a column that is no field, is refused with the reason.
    let cases = [
        (
            table
                .lines()
                .filter(|l| !l.starts_with("tint-05"))
                .collect::<Vec<_>>()
                .join("\n"),
            "sample \"tint-05\" is not described in",
        ),
        (
            format!("{table}ghost,P,1,inf,none\n"),
            "describes sample \"ghost\"",
        ),
        (table.replacen("background", "colour", 1), "colour"),
        (format!("{table}mass,P,1,inf,none\n"), "described twice"),
    ];
    for (bad, says) in cases {
        std::fs::write(&t, &bad).unwrap();
        fails_with(
            tinct()
                .args(["calibrate", "optical"])
                .arg(&e)
                .args(["--pigment", "P", "--samples"])
                .arg(&t),
            says,
        );
    }
    std::fs::write(&t, &table).unwrap();
    fails_with(
        tinct()
            .args(["calibrate", "optical"])
            .arg(&f)
            .args(["--pigment", "P", "--samples"])
            .arg(&t),
        "has it too",
    );
}

/// Tint panels (a fifth the catalog's iron oxide red, the rest titanium dioxide, opaque)
/// unexposed and after 10, 20 and 40 Mlx h, the pigment photodegrading at 0.01 per Mlx h,
/// without noise; named `id` in the files.
fn exposed_panels(id: &str) -> Vec<Sample> {
    let truth = constants("iron-oxide-red");
    let white = constants("titanium-dioxide");
    let mut e: Vec<Sample> = [0.0, 10.0, 20.0, 40.0]
        .iter()
        .map(|&h| {
            sample(
                &format!("h{h}"),
                id,
                Some(0.2),
                Some(f64::INFINITY),
                None,
                Some(h),
            )
        })
        .collect();
    for i in 0..e.len() {
        let h = e[i].exposure_mlxh.unwrap();
        e[i].measured = film_spectrum(
            &e,
            &e[i].id.clone(),
            &truth,
            &white,
            default_surface(),
            (-0.01 * h).exp(),
        )
        .unwrap();
    }
    e
}

/// tests/data/exposures_pr101_synthetic.csv (the hostile corpus's light-fastness input) is
/// [`exposed_panels`] of the catalog's iron-oxide-red. `TINCT_REGENERATE=1 cargo test
/// synthetic_exposure_file` rewrites it.
#[test]
fn synthetic_exposure_file_is_what_the_generator_makes() {
    let text = format!(
        "# synthetic (tests/calibrating.rs, exposed_panels): the catalog's iron-oxide-red at 0.2 in titanium-dioxide, 0.01 per Mlx h\n{}",
        csv_of(&exposed_panels("iron-oxide-red"))
    );
    let path = crate::common::data_path("exposures_pr101_synthetic.csv");
    if std::env::var_os("TINCT_REGENERATE").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let v = json_of(
        tinct()
            .args(["calibrate", "lightfastness"])
            .arg(&path)
            .args(["--pigment", "iron-oxide-red", "--json"]),
    );
    let phi = v["per_mlxh"].as_f64().unwrap();
    assert!((phi / 0.01 - 1.0).abs() < 0.01, "{v}");
}

#[test]
fn an_export_of_exposed_panels_needs_only_their_tint_and_exposure() {
    // Light fastness from exposed tint panels: the export has ids and spectra, the table the
    // tint and the exposure; the pigment is --pigment's and the films are opaque, and the entry
    // says so.
    let e = exposed_panels("my-red");
    let mut export = String::from("SAMPLE_ID");
    for w in grid_wavelengths() {
        export.push_str(&format!(",SPECTRAL_NM{w}"));
    }
    export.push('\n');
    for x in &e {
        export.push_str(&x.id);
        for v in x.measured.values() {
            export.push_str(&format!(",{v}"));
        }
        export.push('\n');
    }
    let table: String = std::iter::once("SAMPLE_ID,fraction,load_g_m2,exposure\n".to_string())
        .chain(
            e.iter()
                .map(|x| format!("{},0.2,inf,{}\n", x.id, x.exposure_mlxh.unwrap())),
        )
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let (p, t) = (
        dir.path().join("panels.csv"),
        dir.path().join("exposures.csv"),
    );
    std::fs::write(&p, &export).unwrap();
    std::fs::write(&t, &table).unwrap();
    let v = json_of(
        tinct()
            .args(["calibrate", "lightfastness"])
            .arg(&p)
            .args(["--pigment", "iron-oxide-red", "--json", "--samples"])
            .arg(&t),
    );
    let phi = v["per_mlxh"].as_f64().unwrap();
    assert!((phi / 0.01 - 1.0).abs() < 0.05, "{v}");
    let out = tinct()
        .args(["calibrate", "lightfastness"])
        .arg(&p)
        .args(["--pigment", "iron-oxide-red", "--samples"])
        .arg(&t)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("fraction, load_g_m2, exposure from")
            && text.contains("every sample an opaque film of iron-oxide-red"),
        "{text}"
    );
}

#[test]
fn the_cli_calibrates_writes_an_entry_and_the_entry_works_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = drawdowns(&constants("iron-oxide-red"), 0.0005, 5);
    for x in &mut s {
        if x.pigment == "P" {
            x.pigment = "my-red".into();
        }
    }
    let input = dir.path().join("drawdowns.cgats");
    std::fs::write(&input, cgats_of(&s)).unwrap();
    let entry = dir.path().join("my-red.toml");
    let v = json_of(
        tinct()
            .args(["calibrate", "optical"])
            .arg(&input)
            .args([
                "--pigment",
                "my-red",
                "--name",
                "My red",
                "--density",
                "5.26",
                "--json",
                "--output",
            ])
            .arg(&entry),
    );
    assert_eq!(v["id"], "my-red");
    assert_eq!(v["wavelengths_nm"].as_array().unwrap().len(), GRID_LEN);
    let truth = constants("iron-oxide-red");
    let k550 = v["k"][19].as_f64().unwrap();
    assert!((k550 / truth.k[19] - 1.0).abs() < 0.02);
    let text = std::fs::read_to_string(&entry).unwrap();
    assert!(text.contains("input_sha256"), "{text}");
    assert!(text.contains("[calibration]"));
    // Usable everywhere an entry is.
    let a = json_of(
        tinct()
            .args([
                "appear",
                "--pigment",
                "my-red:0.5",
                "--skin",
                "fitzpatrick:II",
                "--json",
                "--catalog",
            ])
            .arg(&entry),
    );
    let b = json_of(tinct().args([
        "appear",
        "--pigment",
        "iron-oxide-red:0.5",
        "--skin",
        "fitzpatrick:II",
        "--json",
    ]));
    let (la, lb) = (
        a["dot"]["lab"][0].as_f64().unwrap(),
        b["dot"]["lab"][0].as_f64().unwrap(),
    );
    assert!((la - lb).abs() < 0.2, "{la} vs {lb}");
    json_of(
        tinct()
            .args(["pigments", "show", "my-red", "--json", "--catalog"])
            .arg(&entry),
    );
    json_of(
        tinct()
            .args([
                "fade",
                "--recipe",
                "my-red:0.3",
                "--skin",
                "fitzpatrick:II",
                "--years",
                "1",
                "--json",
                "--catalog",
            ])
            .arg(&entry),
    );
    // Then light fastness of the same pigment, with the calibrated entry.
    let e = exposed_panels("my-red");
    let exposed = dir.path().join("exposed.csv");
    std::fs::write(&exposed, csv_of(&e)).unwrap();
    let lf_entry = dir.path().join("my-red-lf.toml");
    let v = json_of(
        tinct()
            .args(["calibrate", "lightfastness"])
            .arg(&exposed)
            .args(["--pigment", "my-red", "--json", "--catalog"])
            .arg(&entry)
            .arg("--output")
            .arg(&lf_entry),
    );
    let phi = v["per_mlxh"].as_f64().unwrap();
    assert!((phi / 0.01 - 1.0).abs() < 0.05, "{v}");
    // fade uses the measured constant.
    let f = json_of(
        tinct()
            .args([
                "fade",
                "--recipe",
                "my-red:0.3",
                "--skin",
                "fitzpatrick:II",
                "--years",
                "1",
                "--json",
                "--catalog",
            ])
            .arg(&lf_entry),
    );
    let src = f["lightfastness"][0]["source"].as_str().unwrap();
    assert!(src.starts_with("measured photodegradation"), "{src}");
}

#[test]
fn malformed_inputs_and_entries_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let s = drawdowns(&constants("iron-oxide-red"), 0.0, 6);
    let good = cgats_of(&s);
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let run = |p: &std::path::Path, needle: &str| {
        fails_with(
            tinct()
                .args(["calibrate", "optical"])
                .arg(p)
                .args(["--pigment", "P"]),
            needle,
        );
    };
    run(
        &write("a.cgats", &good.replace("END_DATA\n", "")),
        "END_DATA",
    );
    run(
        &write(
            "b.cgats",
            &good.replace("NUMBER_OF_SETS 13", "NUMBER_OF_SETS 14"),
        ),
        "NUMBER_OF_SETS",
    );
    run(
        &write("c.cgats", &good.replacen(" inf", " inf 0.3", 1)),
        "fields",
    );
    run(
        &write("d.cgats", &good.replace("END_DATA_FORMAT\n", "")),
        "END_DATA_FORMAT",
    );
    let csv = csv_of(&s);
    run(
        &write("e.csv", &csv.replace("load_g_m2", "load")),
        "load_g_m2",
    );
    run(
        &write("f.csv", &csv.replacen("P,0.5,inf", "P,1.5,inf", 1)),
        "fraction",
    );
    run(
        &write("g.csv", &csv.replace("0.5,black-card", "0.5,mass")),
        "substrate",
    );
    run(
        &write("h.csv", &csv.replacen("P,1,inf,none", "P,1,inf,none,x", 1)),
        "fields",
    );
    fails_with(
        tinct()
            .args(["calibrate", "optical"])
            .arg(write("i.csv", &csv))
            .args(["--pigment", "Q"]),
        "\"Q\"",
    );
    // Entries that fail validation.
    let entry = |name: &str, body: &str| write(name, body);
    let base = "id = \"x\"\nname = \"x\"\ncolour_index = \"x\"\n[optics]\nmodel = \"tabulated\"\nwavelengths_nm = [380, 780]\n";
    let bad_k = entry(
        "k.toml",
        &format!(
            "{base}k_m2_g = [1, -1]\ns_m2_g = [1, 1]\n[[sources]]\nwhat = \"a\"\nsource = \"b\"\n"
        ),
    );
    fails_with(
        tinct()
            .args(["pigments", "show", "x", "--catalog"])
            .arg(&bad_k),
        "-",
    );
    let no_source = entry(
        "n.toml",
        &format!("{base}k_m2_g = [1, 1]\ns_m2_g = [1, 1]\n"),
    );
    fails_with(
        tinct()
            .args(["pigments", "show", "x", "--catalog"])
            .arg(&no_source),
        "sources",
    );
    let short = entry(
        "w.toml",
        "id = \"x\"\nname = \"x\"\ncolour_index = \"x\"\n[optics]\nmodel = \"tabulated\"\nwavelengths_nm = [450, 650]\nk_m2_g = [1, 1]\ns_m2_g = [1, 1]\n[[sources]]\nwhat = \"a\"\nsource = \"b\"\n",
    );
    fails_with(
        tinct()
            .args(["pigments", "show", "x", "--catalog"])
            .arg(&short),
        "400-700",
    );
}

/// tests/data/drawdowns_pr101_synthetic.cgats (the README's example) is this generator's
/// output: the catalog's iron oxide red with titanium dioxide, noise sd 0.0005, seed 2026.
/// `TINCT_REGENERATE=1 cargo test synthetic_drawdown_file` rewrites it.
#[test]
fn synthetic_drawdown_file_is_what_the_generator_makes() {
    let mut s = drawdowns(&constants("iron-oxide-red"), 0.0005, 2026);
    for x in &mut s {
        if x.pigment == "P" {
            x.pigment = "my-red".into();
        }
    }
    let text = cgats_of(&s).replace(
        "ORIGINATOR \"tinct tests\"",
        "ORIGINATOR \"tinct tests (synthetic: the catalog's iron-oxide-red with titanium-dioxide, noise sd 0.0005, seed 2026)\"",
    );
    let path = crate::common::data_path("drawdowns_pr101_synthetic.cgats");
    if std::env::var_os("TINCT_REGENERATE").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}
