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
