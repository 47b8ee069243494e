//! The README's examples are real output: every `$ tinct ...` line in its code blocks is run
//! (from the repository root, with the `tinct` under test first on PATH) and its output compared
//! with the lines that follow it. Examples that write files (`>`) are skipped here. The main job
//! (`cargo run --release -- ...`) is run the same way and compared with the block after it.

use std::path::Path;
use std::process::Command;

#[test]
fn readme_examples_print_what_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("tinct");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut checked = 0;
    for block in readme.split("```").skip(1).step_by(2) {
        // Each block starts with a newline, so every example follows a "\n$ ".
        for example in block.split("\n$ ").skip(1) {
            let mut lines = example.lines();
            let cmd = lines.next().unwrap();
            if !cmd.starts_with("tinct ") || cmd.contains('>') {
                continue;
            }
            let expected: Vec<&str> = lines.collect();
            let expected = expected.join("\n");
            let out = Command::new("sh")
                .arg("-c")
                .arg(cmd)
                .current_dir(root)
                .env("PATH", &path)
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            let mut got = String::from_utf8_lossy(&out.stdout).into_owned();
            got.push_str(&String::from_utf8_lossy(&out.stderr));
            assert_eq!(got.trim_end(), expected.trim_end(), "README example: {cmd}");
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} examples found");

    // The main job: `cargo run --release -- ARGS` in one block, its output in the next.
    let blocks: Vec<&str> = readme.split("```").skip(1).step_by(2).collect();
    let main = blocks
        .iter()
        .position(|b| b.trim().starts_with("cargo run --release -- "))
        .expect("the README shows its main job");
    let args = blocks[main]
        .trim()
        .trim_start_matches("cargo run --release -- ");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("tinct {args}"))
        .current_dir(root)
        .env("PATH", &path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        blocks[main + 1].trim(),
        "the README's main-job output"
    );
}
