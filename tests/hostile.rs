//! Hostile input and the file conventions (issue 15): inputs are never overwritten, outputs are
//! created as the umask says and keep a replaced file's mode, device nodes stay devices, and
//! bad numbers are refused with exit 2 and one line naming the flag.

use crate::common::{data_path, fails_with, tinct};

/// A copy of `name` from tests/data in `dir`.
fn copy(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let to = dir.join(name);
    std::fs::copy(data_path(name), &to).unwrap();
    to
}

/// Runs `cmd`, which must be refused with exit 2, and checks that `input` is unchanged.
fn refused_and_untouched(cmd: &mut assert_cmd::Command, input: &std::path::Path) {
    let before = std::fs::read(input).unwrap();
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("input file"));
    assert_eq!(
        std::fs::read(input).unwrap(),
        before,
        "{input:?} was changed"
    );
}

#[test]
fn pictures_never_overwrite_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let toner = copy(dir.path(), "fixture-toner.toml");
    let skin = copy(dir.path(), "nist_skin_reflectance.csv");
    // appear --swatch over its catalog, and over its measured skin.
    refused_and_untouched(
        tinct()
            .args([
                "appear",
                "--pigment",
                "fixture-toner:0.3",
                "--skin",
                "fitzpatrick:II",
            ])
            .arg("--catalog")
            .arg(&toner)
            .arg("--swatch")
            .arg(&toner),
        &toner,
    );
    refused_and_untouched(
        tinct()
            .args(["appear", "--pigment", "carbon-black:1", "--skin"])
            .arg(&skin)
            .arg("--swatch")
            .arg(&skin),
        &skin,
    );
    // match --swatch over a kit and over a catalog.
    let kit = dir.path().join("kit.toml");
    std::fs::write(&kit, "pigments = [\"carbon-black\"]\n").unwrap();
    refused_and_untouched(
        tinct()
            .args([
                "match",
                "--skin",
                "fitzpatrick:II",
                "--target",
                "lab(50 2 8)",
            ])
            .arg("--kit")
            .arg(&kit)
            .arg("--swatch")
            .arg(&kit),
        &kit,
    );
    refused_and_untouched(
        tinct()
            .args([
                "match",
                "--skin",
                "fitzpatrick:II",
                "--target",
                "lab(50 2 8)",
            ])
            .arg("--catalog")
            .arg(&toner)
            .arg("--swatch")
            .arg(&toner),
        &toner,
    );
}

#[cfg(unix)]
#[test]
fn outputs_follow_the_umask_and_keep_a_replaced_files_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let bin = assert_cmd::cargo::cargo_bin("tinct");
    let run = || {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask 022; '{}' delta-e --input '{}' --output '{}'",
                bin.display(),
                data_path("ciede2000_sharma.csv").display(),
                out.display()
            ))
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(run(), 0o644, "a new file takes the umask's mode");
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(run(), 0o640, "a replaced file keeps its mode");
    // Nothing else is left in the directory (no temporary file).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_device_stays_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let out = tinct()
        .args(["delta-e", "--input"])
        .arg(data_path("ciede2000_sharma.csv"))
        .args(["--output", "/dev/null"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let m = std::fs::metadata("/dev/null").unwrap();
    assert!(m.file_type().is_char_device(), "/dev/null was replaced");
}

#[test]
fn a_directory_is_not_an_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = tinct()
        .args(["delta-e", "--input"])
        .arg(data_path("ciede2000_sharma.csv"))
        .arg("--output")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr)
            .trim_end()
            .lines()
            .count(),
        1
    );
    assert!(dir.path().is_dir());
}

#[test]
fn huge_numbers_are_refused_in_one_short_line() {
    fails_with(
        tinct().args([
            "plan",
            "--skin",
            "fitzpatrick:II",
            "--hair",
            "black",
            "--years",
            "1e300",
        ]),
        "years: 1e300 is out of range",
    );
}

/// A catalog entry in `dir` from the carbon-black entry with `from` replaced by `to`.
fn altered_carbon(dir: &std::path::Path, from: &str, to: &str) -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("data/pigments/carbon-black.toml"))
        .unwrap()
        .replace("id = \"carbon-black\"", "id = \"altered-black\"");
    assert!(text.contains(from));
    let path = dir.join("altered.toml");
    std::fs::write(&path, text.replace(from, to)).unwrap();
    path
}

#[test]
fn absurd_catalog_entries_are_refused_fast() {
    // k per gram of 1e308 used to panic in the search; an index of 1e8 ran the Mie series for
    // a minute and 1.4 GB, 1e10 aborted on a 139 GB allocation.
    let dir = tempfile::tempdir().unwrap();
    let toner = dir.path().join("toner.toml");
    std::fs::write(
        &toner,
        std::fs::read_to_string(data_path("fixture-toner.toml"))
            .unwrap()
            .replace("k_m2_g = [8.0,", "k_m2_g = [1e308,"),
    )
    .unwrap();
    fails_with(
        tinct()
            .args([
                "match",
                "--skin",
                "fitzpatrick:II",
                "--target",
                "lab(50 2 8)",
            ])
            .arg("--catalog")
            .arg(&toner),
        "0 to 1e4 m^2/g",
    );
    for (from, to) in [
        ("index_n = 1.95", "index_n = 1e8"),
        ("index_k = 0.79", "index_k = 1e10"),
    ] {
        let entry = altered_carbon(dir.path(), from, to);
        let start = std::time::Instant::now();
        fails_with(
            tinct().args(["pigments", "--catalog"]).arg(&entry),
            "out of range",
        );
        assert!(start.elapsed().as_secs() < 10);
    }
}

#[test]
fn numbers_that_would_overflow_are_refused_or_kept_finite() {
    fails_with(
        tinct().args(["convert", "lab(1e308 0 0)", "--to", "oklab"]),
        "is beyond 1e6",
    );
    fails_with(
        tinct().args(["convert", "lch(50 20 1e307turn)", "--to", "lab"]),
        "is beyond 1e6",
    );
    for t in ["nan", "0", "inf"] {
        fails_with(
            tinct().args([
                "match",
                "--skin",
                "fitzpatrick:II",
                "--target",
                "lab(50 2 8)",
                "--tolerance",
                t,
            ]),
            "tolerance",
        );
    }
    fails_with(
        tinct().args([
            "appear",
            "--pigment",
            "carbon-black:1",
            "--skin",
            "lab(62 11 17)",
            "--skin-tolerance",
            "nan",
        ]),
        "skin-tolerance",
    );
    fails_with(
        tinct().args([
            "schedule",
            "--recipe",
            "carbon-black:1",
            "--skin",
            "fitzpatrick:II",
            "--runs",
            "18446744073709551615",
        ]),
        "runs",
    );
    // The smallest positive load is a load, not a NaN or an infinite dilution.
    let out = tinct()
        .args([
            "appear",
            "--pigment",
            "carbon-black:5e-324",
            "--skin",
            "fitzpatrick:II",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let bad =
        |w: &str| w.contains("NaN") || w.trim_matches(|c: char| !c.is_alphanumeric()) == "inf";
    assert!(
        !text.contains(":inf") && !text.split_whitespace().any(bad),
        "{text}"
    );
}

#[cfg(feature = "tables")]
#[test]
fn a_corrupt_parquet_file_is_bad_input_not_a_crash() {
    // polars' decoder panics on some corrupt files; every corruption must end as exit 2 and one
    // line. A valid file is written by `fit --output`, then cut and overwritten in places.
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("params.parquet");
    let ok = tinct()
        .arg("fit")
        .arg(data_path("fade_series_1000_long.csv"))
        .args([
            "--time", "t_months", "--value", "amount", "--model", "mono", "--output",
        ])
        .arg(&good)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let bytes = std::fs::read(&good).unwrap();
    let n = bytes.len();
    let mut variants: Vec<Vec<u8>> = vec![bytes[..n / 2].to_vec(), bytes[..n - 9].to_vec()];
    for k in 1..12 {
        let mut v = bytes.clone();
        let at = 4 + (n - 12) * k / 12;
        for b in &mut v[at..(at + 6).min(n - 8)] {
            *b ^= 0x5a;
        }
        variants.push(v);
    }
    for (i, v) in variants.iter().enumerate() {
        let path = dir.path().join(format!("bad{i}.parquet"));
        std::fs::write(&path, v).unwrap();
        let out = tinct()
            .arg("fit")
            .arg(&path)
            .args(["--time", "t_months", "--value", "amount"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(1 | 2)),
            "variant {i}: {:?} {err}",
            out.status.code()
        );
        assert_eq!(err.trim_end().lines().count(), 1, "variant {i}: {err}");
        assert!(!err.contains("panicked"), "variant {i}: {err}");
    }
}

#[test]
fn outputs_of_one_command_are_written_together_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("fade.csv");
    let out = tinct()
        .args([
            "fade",
            "--recipe",
            "carbon-black:1",
            "--skin",
            "fitzpatrick:II",
            "--output",
        ])
        .arg(&csv)
        .arg("--plot")
        .arg(dir.path().join("no-such-dir/p.svg"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(!csv.exists(), "the CSV was written though the plot failed");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing left behind"
    );
}

#[cfg(feature = "tables")]
#[test]
fn fit_that_fits_nothing_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("one.csv");
    std::fs::write(&input, "series,t,amount\n1,0,1\n").unwrap();
    let (table, plot) = (dir.path().join("p.csv"), dir.path().join("p.svg"));
    let out = tinct()
        .arg("fit")
        .arg(&input)
        .args(["--time", "t", "--value", "amount", "--output"])
        .arg(&table)
        .arg("--plot")
        .arg(&plot)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("no series could be fitted"));
    assert!(!table.exists() && !plot.exists());
}

#[cfg(feature = "tables")]
#[test]
fn a_file_with_the_wrong_line_ends_gives_a_short_error() {
    // CR-only line ends make one header of thousands of columns; the error used to echo them
    // all (49 MB for a large file).
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("cr.csv");
    std::fs::write(
        &input,
        format!("series,t,amount\r{}", "1,0,1\r".repeat(20_000)),
    )
    .unwrap();
    let out = tinct()
        .arg("fit")
        .arg(&input)
        .args(["--time", "t", "--value", "amount"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1);
    assert!(err.len() < 700, "{} bytes", err.len());
}

#[test]
fn errors_name_the_flag_that_was_wrong() {
    fails_with(
        tinct().args([
            "schedule",
            "--recipe",
            "carbon-black:1",
            "--skin",
            "fitzpatrick:II",
            "--lightfastness",
            "nosuch=3",
        ]),
        "lightfastness: pigment: unknown pigment \"nosuch\"",
    );
    fails_with(
        tinct().args([
            "match",
            "--skin",
            "fitzpatrick:II",
            "--target",
            "lab(50 2 8)",
            "--pigments",
            "nosuch",
        ]),
        "pigments: pigment: unknown pigment",
    );
    fails_with(
        tinct().args(["fade", "--recipe", "nosuch:1", "--skin", "fitzpatrick:II"]),
        "recipe: pigment: unknown pigment",
    );
}

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_text_is_named() {
    use std::os::unix::ffi::OsStrExt;
    let bad = std::ffi::OsStr::from_bytes(b"lab(50\xff 0 0)");
    fails_with(
        tinct().args(["convert", "--to", "lab"]).arg(bad),
        "argument 4",
    );
    fails_with(
        tinct()
            .args(["convert", "lab(50 0 0)", "--to"])
            .arg(std::ffi::OsStr::from_bytes(b"\xff")),
        "(the value of --to)",
    );
}

#[test]
fn an_exposure_too_small_to_rate_is_refused() {
    // 1e-306 Mlx h used to give a photodegradation constant of NaN in a catalog entry.
    use tinct::calibrate::input::parse_exposure;
    assert!(parse_exposure("exposure", "1e-306").is_err());
    assert!(parse_exposure("exposure", "1e7").is_err());
    assert_eq!(parse_exposure("exposure", "0").unwrap(), Some(0.0));
    assert_eq!(parse_exposure("exposure", "12.5").unwrap(), Some(12.5));
}

#[cfg(feature = "tables")]
#[test]
fn fit_refuses_numbers_no_measurement_has() {
    // A time of 1e308 wrote NaN into the plot; an amount of 1e200 printed inf for the SSE and
    // called the series fitted.
    let dir = tempfile::tempdir().unwrap();
    for (col, bad) in [("t", "1e308"), ("amount", "1e200")] {
        let input = dir.path().join(format!("{col}.csv"));
        let mut text = String::from("series,t,amount\n");
        for k in 0..6 {
            let t = if col == "t" && k == 3 {
                bad.to_string()
            } else {
                k.to_string()
            };
            let v = if col == "amount" && k == 2 {
                bad.to_string()
            } else {
                format!("{}", (-0.1 * f64::from(k)).exp())
            };
            text.push_str(&format!("1,{t},{v}\n"));
        }
        std::fs::write(&input, text).unwrap();
        fails_with(
            tinct()
                .arg("fit")
                .arg(&input)
                .args(["--time", "t", "--value", "amount", "--plot"])
                .arg(dir.path().join("p.svg")),
            &format!("column \"{col}\""),
        );
    }
}

#[test]
fn dash_is_standard_output() {
    // `--output -` prints instead of writing a file named "-".
    let dir = tempfile::tempdir().unwrap();
    let out = tinct()
        .current_dir(dir.path())
        .args(["delta-e", "--input"])
        .arg(data_path("ciede2000_sharma.csv"))
        .args(["--output", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("L1,a1,b1"));
    let fade = tinct()
        .current_dir(dir.path())
        .args([
            "fade",
            "--recipe",
            "carbon-black:1",
            "--skin",
            "fitzpatrick:II",
            "--years",
            "0.1",
            "--output",
            "-",
        ])
        .output()
        .unwrap();
    assert!(fade.status.success());
    assert!(String::from_utf8_lossy(&fade.stdout).starts_with("day,L,a,b,delta_e"));
    assert!(!dir.path().join("-").exists());
}

#[test]
fn a_calibrated_entry_redirected_to_a_file_loads() {
    // `tinct calibrate ... > entry.toml`: the entry alone on stdout, the summary on stderr.
    let dir = tempfile::tempdir().unwrap();
    let out = tinct()
        .args(["calibrate", "optical"])
        .arg(data_path("drawdowns_pr101_synthetic.cgats"))
        .args(["--pigment", "my-red"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("calibrated my-red"));
    let entry = dir.path().join("entry.toml");
    std::fs::write(&entry, &out.stdout).unwrap();
    let listed = tinct()
        .args(["pigments", "--catalog"])
        .arg(&entry)
        .output()
        .unwrap();
    assert!(listed.status.success());
    assert!(String::from_utf8_lossy(&listed.stdout).contains("my-red"));
}

#[test]
fn pictures_are_svg_and_say_what_they_show() {
    let dir = tempfile::tempdir().unwrap();
    // A bitmap name is refused rather than filled with SVG text.
    for (cmd, flag) in [
        (
            vec![
                "appear",
                "--pigment",
                "carbon-black:1",
                "--skin",
                "fitzpatrick:II",
            ],
            "--swatch",
        ),
        (
            vec![
                "fade",
                "--recipe",
                "carbon-black:1",
                "--skin",
                "fitzpatrick:II",
            ],
            "--plot",
        ),
    ] {
        let png = dir.path().join("x.png");
        fails_with(tinct().args(&cmd).arg(flag).arg(&png), "tinct draws SVG");
        assert!(!png.exists());
    }
    // match's swatch names each recipe as it is mixed, not only its rank.
    let svg = dir.path().join("m.svg");
    let out = tinct()
        .args([
            "match",
            "--skin",
            "fitzpatrick:III",
            "--target",
            "lab(55 2 8)",
            "--top",
            "2",
            "--swatch",
        ])
        .arg(&svg)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains("ink : diluent 1:") && text.contains("#1 dE00"),
        "{text}"
    );
    assert!(text.contains(">target</text>"));
}

/// Values a hostile user types where a number goes.
const NUMBERS: [&str; 16] = [
    "nan",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "5e-324",
    "0",
    "-0",
    "1e-300",
    "18446744073709551615",
    "abc",
    "",
    "1e9",
    "0.5",
    "3",
    "-7",
];

/// Colours a hostile user types.
const COLOURS: [&str; 10] = [
    "lab(1e308 0 0)",
    "lab(nan 0 0)",
    "lch(50 20 1e307turn)",
    "lab(50 2)",
    "#12345",
    "rgb(300 -5 1e9)",
    "oklch(2 5 nonsense)",
    "color(xyz 1 2)",
    "lab(50 2 8) / 0.5",
    "",
];

/// Every subcommand's base invocation and the flags whose values are replaced, one at a time.
fn corpus_commands() -> Vec<(Vec<&'static str>, Vec<&'static str>)> {
    #[allow(unused_mut)]
    let mut commands = vec![
        (
            vec![
                "spectrum",
                "--input",
                "data/examples/colorchecker_ohta_10nm.csv",
            ],
            vec!["--observer"],
        ),
        (
            vec![
                "calibrate",
                "lightfastness",
                "tests/data/exposures_pr101_synthetic.csv",
                "--pigment",
                "iron-oxide-red",
            ],
            vec!["--k1", "--k2"],
        ),
        (vec!["convert", "lab(52 8 14)", "--to", "oklch"], vec![]),
        (
            vec!["delta-e", "lab(50 2.6772 -79.7751)", "lab(50 0 -82.7485)"],
            vec!["--cmc-l", "--cmc-c", "--kl", "--kc", "--kh"],
        ),
        (
            vec![
                "optics",
                "data/examples/skin_black_dot_finite.toml",
                "--monte-carlo",
                "--photons",
                "200",
            ],
            vec!["--photons", "--seed"],
        ),
        (
            vec![
                "optics",
                "data/examples/skin_black_dot_finite.toml",
                "--trace-dot",
                "--photons",
                "200",
            ],
            vec!["--photons", "--seed"],
        ),
        (
            vec![
                "appear",
                "--pigment",
                "carbon-black:1",
                "--skin",
                "fitzpatrick:II",
                "--monte-carlo",
                "--photons",
                "200",
            ],
            vec!["--photons", "--seed"],
        ),
        (
            vec![
                "calibrate",
                "optical",
                "tests/data/drawdowns_pr101_synthetic.cgats",
                "--pigment",
                "my-red",
            ],
            vec!["--k1", "--k2"],
        ),
        (
            vec![
                "appear",
                "--pigment",
                "carbon-black:1",
                "--skin",
                "fitzpatrick:II",
            ],
            vec![
                "--depth",
                "--thickness",
                "--dot-diameter",
                "--cluster-um",
                "--cluster-fill",
                "--coverage",
                "--skin-tolerance",
            ],
        ),
        (
            vec![
                "match",
                "--skin",
                "fitzpatrick:II",
                "--target",
                "lab(50 2 8)",
                "--pigments",
                "carbon-black,iron-oxide-red",
                "--top",
                "2",
            ],
            vec![
                "--tolerance",
                "--parts",
                "--max-pigments",
                "--coverage",
                "--years",
                "--top",
                "--hair-tolerance",
            ],
        ),
        (
            vec![
                "fade",
                "--recipe",
                "carbon-black:1",
                "--skin",
                "fitzpatrick:II",
                "--years",
                "0.3",
            ],
            vec![
                "--years",
                "--tolerance",
                "--age",
                "--epidermal-share",
                "--clearance",
                "--uv-acceleration",
            ],
        ),
        (
            vec![
                "schedule",
                "--recipe",
                "carbon-black:10",
                "--skin",
                "fitzpatrick:II",
                "--years",
                "1",
                "--runs",
                "5",
            ],
            vec![
                "--years",
                "--tolerance",
                "--runs",
                "--seed",
                "--clearance",
                "--age",
            ],
        ),
        (
            vec![
                "plan",
                "--skin",
                "fitzpatrick:II",
                "--hair",
                "black",
                "--pigments",
                "carbon-black",
                "--runs",
                "0",
                "--years",
                "1",
            ],
            vec![
                "--sessions",
                "--tolerance",
                "--touch-up-tolerance",
                "--years",
                "--runs",
                "--clearance",
                "--parts",
            ],
        ),
        (
            vec![
                "report",
                "--skin",
                "fitzpatrick:II",
                "--hair",
                "black",
                "--pigments",
                "carbon-black",
                "--runs",
                "0",
                "--years",
                "1",
            ],
            vec!["--spacing", "--runs"],
        ),
    ];
    #[cfg(feature = "tables")]
    commands.push((
        vec![
            "fit",
            "tests/data/fade_series_1000_long.csv",
            "--time",
            "t_months",
            "--value",
            "amount",
            "--model",
            "mono",
        ],
        vec!["--bootstrap", "--seed"],
    ));
    commands
}

#[test]
fn a_generated_corpus_of_bad_input_never_crashes_the_binary() {
    // Issue 15's promise over the subcommands above: for each flag, every hostile number, and
    // every hostile colour where a colour goes; no panic, no hang, exit 0, 1 or 2, one line per
    // error, and no NaN or infinity in what is printed.
    let mut runs = 0;
    let mut outcomes = [0usize; 3];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut check = |args: Vec<String>| {
        let out = tinct()
            .current_dir(root)
            .args(&args)
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .unwrap();
        let code = out.status.code();
        let err = String::from_utf8_lossy(&out.stderr);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            matches!(code, Some(0..=2)),
            "{args:?}: exit {code:?} (killed or crashed): {err}"
        );
        assert!(
            !err.contains("panicked") && !err.contains("internal error"),
            "{args:?}: {err}"
        );
        if code != Some(0) {
            assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
            assert!(err.len() <= 700, "{args:?}: {} bytes", err.len());
        }
        let bad = |w: &str| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
            w.eq_ignore_ascii_case("nan") || w == "inf" || w == "-inf" || w.contains(":inf")
        };
        assert!(
            !text.split_whitespace().any(bad) && !text.contains("NaN"),
            "{args:?} printed a non-finite number:\n{text}"
        );
        runs += 1;
        outcomes[code.unwrap() as usize] += 1;
    };
    for (base, flags) in corpus_commands() {
        for flag in &flags {
            for v in NUMBERS {
                let mut args: Vec<String> = base.iter().map(|s| s.to_string()).collect();
                // Replace the flag's value where the base sets it, else add it.
                match args.iter().position(|a| a == flag) {
                    Some(i) => args[i + 1] = v.to_string(),
                    None => {
                        args.push(flag.to_string());
                        args.push(v.to_string());
                    }
                }
                // `--flag=-7` keeps a negative value a value.
                if let Some(i) = args.iter().position(|a| a == flag) {
                    let joined = format!("{}={}", args[i], args[i + 1]);
                    args.splice(i..i + 2, [joined]);
                }
                check(args);
            }
        }
    }
    for c in COLOURS {
        check(vec!["convert".into(), format!("--to=lab"), c.into()]);
        check(
            [
                "match",
                "--skin",
                "fitzpatrick:II",
                "--pigments",
                "carbon-black",
                "--top",
                "1",
            ]
            .iter()
            .map(|s| s.to_string())
            .chain([format!("--target={c}")])
            .collect(),
        );
        check(
            ["appear", "--pigment", "carbon-black:1"]
                .iter()
                .map(|s| s.to_string())
                .chain([format!("--skin={c}")])
                .collect(),
        );
    }
    eprintln!(
        "generated corpus: {runs} runs; exit 0: {}, 1: {}, 2: {}",
        outcomes[0], outcomes[1], outcomes[2]
    );
    assert!(runs > 500);
}

/// Malformed versions of a valid file: cut short, bytes flipped, numbers replaced by hostile
/// ones, CR-only line ends, empty, binary.
fn mangled(good: &[u8]) -> Vec<Vec<u8>> {
    let n = good.len();
    let text = String::from_utf8_lossy(good).into_owned();
    let mut v: Vec<Vec<u8>> = vec![
        Vec::new(),
        vec![0xff, 0xfe, 0x00, 0x01, 0x80],
        b"\n\n\n".to_vec(),
    ];
    for k in [1, 3, 5, 7] {
        v.push(good[..n * k / 8].to_vec());
        let mut f = good.to_vec();
        let at = n * k / 8;
        for b in &mut f[at..(at + 5).min(n)] {
            *b ^= 0x55;
        }
        v.push(f);
    }
    v.push(text.replace('\n', "\r").into_bytes());
    // The first number of each line replaced by a hostile one, for each hostile number.
    for bad in ["nan", "inf", "1e308", "-1", "5e-324", "x"] {
        let swapped: String = text
            .lines()
            .map(|l| {
                let mut done = false;
                l.split([',', ' '])
                    .map(|w| {
                        if !done && w.trim().parse::<f64>().is_ok() {
                            done = true;
                            bad.to_string()
                        } else {
                            w.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(if l.contains(',') { "," } else { " " })
            })
            .collect::<Vec<_>>()
            .join("\n");
        v.push(swapped.into_bytes());
    }
    v
}

#[test]
fn a_generated_corpus_of_malformed_files_never_crashes_the_binary() {
    // CSV (delta-e, spectrum, fit), CGATS (calibrate), TOML (a catalog entry, an exposure
    // profile, an aftercare profile): every mangled version refused or read, never a crash, a
    // hang, a second line of error or a non-finite number printed; the input never changed.
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // The exposures as an instrument exports them: ids and spectra ("{ids}" below).
    let ids = dir.path().join("ids.csv");
    let export: String = std::fs::read_to_string(data_path("exposures_pr101_synthetic.csv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let mut kept = vec![f[0]];
            kept.extend(&f[6..]);
            kept.join(",") + "\n"
        })
        .collect();
    std::fs::write(&ids, export).unwrap();
    let files: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        (
            "pairs.csv",
            std::fs::read(data_path("ciede2000_sharma.csv")).unwrap(),
            vec!["delta-e", "--input", "{}"],
        ),
        (
            "spectra.csv",
            std::fs::read(root.join("data/examples/colorchecker_ohta_10nm.csv")).unwrap(),
            vec!["spectrum", "--input", "{}"],
        ),
        (
            "drawdowns.cgats",
            std::fs::read(data_path("drawdowns_pr101_synthetic.cgats")).unwrap(),
            vec!["calibrate", "optical", "{}", "--pigment", "my-red"],
        ),
        (
            "entry.toml",
            std::fs::read(root.join("data/pigments/carbon-black.toml"))
                .unwrap()
                .into_iter()
                .collect::<Vec<u8>>(),
            vec!["pigments", "--catalog", "{}"],
        ),
        (
            "sun.toml",
            b"latitude_deg = 40.0\nworkday_hours = 4\n[protection]\nhat_share = 0.5\n".to_vec(),
            vec![
                "schedule",
                "--recipe",
                "carbon-black:5",
                "--skin",
                "fitzpatrick:II",
                "--years",
                "1",
                "--exposure",
                "{}",
            ],
        ),
        (
            "exposures.csv",
            std::fs::read(data_path("exposures_pr101_synthetic.csv")).unwrap(),
            vec![
                "calibrate",
                "lightfastness",
                "{}",
                "--pigment",
                "iron-oxide-red",
            ],
        ),
        (
            // A table of the fields an instrument's export lacks (`--samples`).
            "samples.csv",
            b"id,exposure\nh0,0\nh10,10\nh20,20\nh40,40\n".to_vec(),
            vec![
                "calibrate",
                "lightfastness",
                "{ids}",
                "--pigment",
                "iron-oxide-red",
                "--samples",
                "{}",
            ],
        ),
        (
            "care.toml",
            b"healing_loss = 0.4\nhealing_days = 30\n".to_vec(),
            vec![
                "schedule",
                "--recipe",
                "carbon-black:5",
                "--skin",
                "fitzpatrick:II",
                "--years",
                "1",
                "--aftercare",
                "{}",
            ],
        ),
    ];
    #[cfg(feature = "tables")]
    let files = {
        let mut files = files;
        let series: String = std::fs::read_to_string(data_path("fade_series_1000_long.csv"))
            .unwrap()
            .lines()
            .take(41)
            .map(|l| format!("{l}\n"))
            .collect();
        let csv = dir.path().join("series-source.csv");
        std::fs::write(&csv, &series).unwrap();
        let mut df = tinct::fit::table::read(&csv).unwrap();
        let parquet =
            tinct::fit::table::to_bytes(&mut df, std::path::Path::new("series.parquet")).unwrap();
        let fit = vec![
            "fit", "{}", "--time", "t_months", "--value", "amount", "--model", "mono",
        ];
        files.push(("series.csv", series.into_bytes(), fit.clone()));
        files.push(("series.parquet", parquet, fit));
        files
    };
    let mut runs = 0;
    for (name, good, args) in files {
        // The carbon-black entry would clash with the built-in one: rename it.
        let good = if name == "entry.toml" {
            String::from_utf8(good)
                .unwrap()
                .replace("id = \"carbon-black\"", "id = \"other-black\"")
                .into_bytes()
        } else {
            good
        };
        for (k, bytes) in mangled(&good).iter().enumerate() {
            let path = dir.path().join(format!("{k}-{name}"));
            std::fs::write(&path, bytes).unwrap();
            let args: Vec<String> = args
                .iter()
                .map(|a| {
                    a.replace("{ids}", &ids.display().to_string())
                        .replace("{}", &path.display().to_string())
                })
                .collect();
            let out = tinct()
                .args(&args)
                .timeout(std::time::Duration::from_secs(30))
                .output()
                .unwrap();
            let code = out.status.code();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(matches!(code, Some(0..=2)), "{args:?}: {code:?} {err}");
            assert!(
                !err.contains("panicked") && !err.contains("internal error"),
                "{args:?}: {err}"
            );
            if code != Some(0) {
                assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
            }
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                !text.contains("NaN")
                    && !text
                        .split(|c: char| c == ',' || c.is_whitespace())
                        .any(|w| w == "inf" || w == "-inf"),
                "{args:?}:\n{text}"
            );
            assert_eq!(
                &std::fs::read(&path).unwrap(),
                bytes,
                "{args:?} changed its input"
            );
            runs += 1;
        }
    }
    eprintln!("generated file corpus: {runs} runs");
}

#[test]
fn cgats_as_argyllcms_writes_it_is_read() {
    // ArgyllCMS names its spectral fields SPEC_380, spectrophotometer software SPECTRAL_380.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(data_path("drawdowns_pr101_synthetic.cgats"))
        .unwrap()
        .replace("SPECTRAL_", "SPEC_");
    let path = dir.path().join("argyll.ti3");
    std::fs::write(&path, text).unwrap();
    let run = |p: &std::path::Path| {
        tinct()
            .args(["calibrate", "optical"])
            .arg(p)
            .args(["--pigment", "my-red"])
            .output()
            .unwrap()
    };
    let (argyll, plain) = (
        run(&path),
        run(&data_path("drawdowns_pr101_synthetic.cgats")),
    );
    assert!(
        argyll.status.success(),
        "{}",
        String::from_utf8_lossy(&argyll.stderr)
    );
    // The same entry but for the provenance line naming the file.
    let body = |o: &std::process::Output| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| !l.starts_with('#') && !l.contains("sha256") && !l.contains("input"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&argyll), body(&plain));
}

#[test]
fn dash_is_standard_input() {
    let pairs = std::fs::read(data_path("ciede2000_sharma.csv")).unwrap();
    let from_stdin = tinct()
        .args(["delta-e", "--input", "-"])
        .write_stdin(pairs)
        .output()
        .unwrap();
    let from_file = tinct()
        .args(["delta-e", "--input"])
        .arg(data_path("ciede2000_sharma.csv"))
        .output()
        .unwrap();
    assert!(from_stdin.status.success());
    assert_eq!(from_stdin.stdout, from_file.stdout);
    let medium = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/examples/skin_black_dot.toml"),
    )
    .unwrap();
    let optics = tinct()
        .args(["optics", "-"])
        .write_stdin(medium)
        .output()
        .unwrap();
    assert!(
        optics.status.success(),
        "{}",
        String::from_utf8_lossy(&optics.stderr)
    );
}

#[cfg(feature = "tables")]
#[test]
fn fit_reads_csv_from_standard_input() {
    let series: String = std::fs::read_to_string(data_path("fade_series_1000_long.csv"))
        .unwrap()
        .lines()
        .take(41)
        .map(|l| format!("{l}\n"))
        .collect();
    let out = tinct()
        .args([
            "fit", "-", "--time", "t_months", "--value", "amount", "--model", "mono",
        ])
        .write_stdin(series)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("fitted 5 of 5 series"));
}

#[test]
fn shell_completions_and_a_man_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = tinct().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("plan") && text.contains("schedule"),
            "{shell}"
        );
        if shell == "bash" {
            // The script parses in bash.
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("tinct.bash");
            std::fs::write(&path, &text).unwrap();
            if let Ok(s) = std::process::Command::new("bash")
                .arg("-n")
                .arg(&path)
                .status()
            {
                assert!(s.success(), "bash -n rejects the completions");
            }
        }
    }
    fails_with(tinct().args(["completions", "tcsh"]), "shell");
    let man = tinct().arg("man").output().unwrap();
    assert!(man.status.success());
    let text = String::from_utf8(man.stdout).unwrap();
    assert!(text.contains(".TH tinct 1") && text.contains("plan"));
}

/// A `<text>` of an SVG: x, y, font size, anchor, rotated, content.
type SvgText = (f64, f64, f64, String, bool, String);

/// An SVG's width, height and texts.
fn svg_texts(svg: &str) -> (f64, f64, Vec<SvgText>) {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let key = format!(" {name}=\"");
        let at = tag.find(&key)? + key.len();
        Some(tag[at..].split('"').next()?.to_string())
    };
    let root_at = svg.find("<svg").expect("an svg element");
    let root = &svg[root_at..root_at + svg[root_at..].find('>').unwrap()];
    let num = |tag: &str, name: &str| attr(tag, name).and_then(|v| v.parse::<f64>().ok());
    let (w, h) = (num(root, "width").unwrap(), num(root, "height").unwrap());
    let base = num(root, "font-size").unwrap_or(16.0);
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<text") {
        rest = &rest[i..];
        let end = rest.find('>').unwrap();
        let tag = &rest[..end];
        let close = rest.find("</text>").unwrap();
        let content = rest[end + 1..close]
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">");
        out.push((
            num(tag, "x").unwrap_or(0.0),
            num(tag, "y").unwrap_or(0.0),
            num(tag, "font-size").unwrap_or(base),
            attr(tag, "text-anchor").unwrap_or_else(|| "start".into()),
            tag.contains("rotate("),
            content,
        ));
        rest = &rest[close..];
    }
    (w, h, out)
}

#[test]
fn every_picture_is_readable_at_800_px() {
    // Issue 15: every plot readable when rendered 800 px wide. Text at least 10 px there, and
    // every label inside the picture (its width estimated at 0.55 em a character, DejaVu Sans's
    // mean over lower-case text; measured against cairosvg's rendering when written), so
    // nothing is cut off.
    let dir = tempfile::tempdir().unwrap();
    let at = |n: &str| dir.path().join(n).display().to_string();
    #[allow(unused_mut)]
    let mut runs: Vec<Vec<String>> = vec![
        vec![
            "appear",
            "--pigment",
            "carbon-black:1",
            "--skin",
            "fitzpatrick:II",
            "--swatch",
            &at("appear.svg"),
        ],
        vec![
            "match",
            "--skin",
            "fitzpatrick:II",
            "--hair",
            "black",
            "--top",
            "3",
            "--swatch",
            &at("match.svg"),
        ],
        vec![
            "fade",
            "--recipe",
            "carbon-black:5",
            "--skin",
            "fitzpatrick:II",
            "--years",
            "3",
            "--plot",
            &at("fade.svg"),
        ],
        vec![
            "schedule",
            "--recipe",
            "carbon-black:5",
            "--skin",
            "fitzpatrick:II",
            "--years",
            "3",
            "--runs",
            "20",
            "--plot",
            &at("schedule.svg"),
        ],
        vec![
            "plan",
            "--skin",
            "fitzpatrick:II",
            "--hair",
            "black",
            "--runs",
            "0",
            "--plot",
            &at("plan.svg"),
        ],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(String::from).collect())
    .collect();
    #[cfg(feature = "tables")]
    runs.push(
        [
            "fit",
            &data_path("fade_series_1000_long.csv").display().to_string(),
            "--time",
            "t_months",
            "--value",
            "amount",
            "--model",
            "mono",
            "--plot",
            &at("fit.svg"),
        ]
        .into_iter()
        .map(String::from)
        .collect(),
    );
    for args in runs {
        let out = tinct().args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = args.last().unwrap();
        let svg = std::fs::read_to_string(path).unwrap();
        let (w, h, texts) = svg_texts(&svg);
        assert!(!texts.is_empty(), "{path}: no text");
        let scale = 800.0 / w;
        for (x, y, size, anchor, rotated, content) in texts {
            assert!(
                size * scale >= 10.0,
                "{path}: {content:?} is {:.1} px at 800 px",
                size * scale
            );
            if rotated {
                continue;
            }
            let width = 0.55 * size * content.chars().count() as f64;
            let (left, right) = match anchor.as_str() {
                "middle" => (x - width / 2.0, x + width / 2.0),
                "end" => (x - width, x),
                _ => (x, x + width),
            };
            assert!(
                left >= -0.5 && right <= w + 0.5 && y - size >= -0.5 && y <= h + 0.5,
                "{path}: {content:?} at ({x}, {y}), {width:.0} wide, leaves the {w} x {h} picture"
            );
        }
    }
}
