//! Loader for the reference CSV files in tests/data (`#` lines are provenance comments).

use std::collections::HashMap;
use std::path::PathBuf;

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
