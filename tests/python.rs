//! The Python package (python/, issue 16): its pytest suite, run from `cargo test` so that the
//! one test command covers it. It needs the package installed (`pip install ./python`), which
//! `.ci/run` does; where it is not installed the test says so and passes, except in CI
//! (`CI=true`), where a missing package fails.

use std::process::Command;

#[test]
fn the_python_package_passes_its_tests() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = Command::new(&python)
        .args(["-c", "import tinct, pytest; print(tinct.__version__)"])
        .output();
    let installed = match &probe {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).trim().to_string()),
        _ => None,
    };
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let Some(version) = installed else {
        assert!(
            !in_ci,
            "CI: the tinct Python package or pytest is not installed ({probe:?})"
        );
        eprintln!(
            "skipped: the Python package is not installed (pip install ./python pytest, then cargo test)"
        );
        return;
    };
    assert_eq!(
        version,
        env!("CARGO_PKG_VERSION"),
        "an installed tinct of another version"
    );
    let out = Command::new(&python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "python/tests",
        ])
        .current_dir(root)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "pytest failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{}", text.lines().last().unwrap_or(""));
}
