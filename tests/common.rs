//! Loader for the reference CSV files in tests/data (`#` lines are provenance comments).

use std::collections::HashMap;
use std::path::PathBuf;

use assert_cmd::Command;

pub fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join(name)
}

/// A CSV table: header and rows of text fields.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    index: HashMap<String, usize>,
}

impl Table {
    pub fn load(name: &str) -> Table {
        let text = std::fs::read_to_string(data_path(name)).expect("reference file");
        let mut lines = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty());
        let header: Vec<String> = lines
            .next()
            .expect("header")
            .split(',')
            .map(str::to_string)
            .collect();
        let rows = lines
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        let index = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        Table {
            header,
            rows,
            index,
        }
    }

    pub fn col(&self, name: &str) -> usize {
        *self
            .index
            .get(name)
            .unwrap_or_else(|| panic!("column {name}"))
    }

    pub fn f(&self, row: &[String], name: &str) -> f64 {
        row[self.col(name)].parse().expect("number")
    }

    pub fn s<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        &row[self.col(name)]
    }
}

/// The real `tinct` binary.
pub fn tinct() -> Command {
    Command::cargo_bin("tinct").expect("binary built")
}

/// Runs a command that must succeed and print one JSON document; returns the document.
pub fn json_of(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.output().expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

/// A bad-input run: exit 2, one line on stderr that contains `needle`, nothing on stdout.
pub fn fails_with(cmd: &mut Command, needle: &str) {
    let out = cmd.output().expect("the binary runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(err.contains(needle), "stderr {err:?} lacks {needle:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(
        out.stdout.is_empty(),
        "stdout: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!err.contains("panicked"));
}

/// The dot's site at tinct's defaults (0.25 mm, its top at the dermo-epidermal junction).
pub fn default_site(skin: &tinct::optics::skin::SkinOptics) -> tinct::optics::skin::DotSite {
    use tinct::optics::skin::{
        DEFAULT_DOT_DEPTH_MM, DEFAULT_DOT_DIAMETER_MM, DEFAULT_DOT_THICKNESS_MM,
    };
    skin.site(DEFAULT_DOT_DEPTH_MM, DEFAULT_DOT_THICKNESS_MM)
        .unwrap()
        .with_dot_diameter(DEFAULT_DOT_DIAMETER_MM)
        .unwrap()
}
