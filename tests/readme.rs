//! The README's examples are real output: every `$ tinct ...` line in its code blocks is run
//! (from the repository root, with the `tinct` under test first on PATH) and its output compared
//! with the lines that follow it. Examples that write files (`>`) are skipped here.

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
}
