//! `tinct spectrum`.

use std::path::PathBuf;

use serde_json::json;

use super::{emit_json, write_table, CliError, ViewingArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// CSV: an id column, then one column per wavelength in nm (380,390,... or R380,...).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Values are percent (0..100) rather than reflectance factors (0..1).
    #[arg(long)]
    pub percent: bool,
    #[command(flatten)]
    pub viewing: ViewingArgs,
    /// Where to write id,X,Y,Z,L,a,b (written whole or not at all); stdout when absent.
    #[arg(long, value_name = "FILE", conflicts_with = "json")]
    pub output: Option<PathBuf>,
    /// Print one JSON document instead of CSV.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let viewing = a.viewing.viewing()?;
    let name = a.input.display().to_string();
    let bytes = tinct::io::read_file(&a.input)?;
    let table = tinct::io::read_spectra_csv(&bytes, a.percent).map_err(|e| e.at(&name))?;
    let (results, csv) = tinct::io::spectra_to_csv(&table, viewing);
    if a.json {
        let first = &table.rows[0].spectrum;
        let t = viewing.table_for(first);
        let samples: Vec<_> = table
            .rows
            .iter()
            .zip(&results)
            .map(|(r, (xyz, lab))| {
                json!({"id": r.id, "xyz": [xyz.x, xyz.y, xyz.z], "lab": [lab.l, lab.a, lab.b]})
            })
            .collect();
        let w = t.white();
        return emit_json(&json!({
            "illuminant": viewing.illuminant.name(),
            "observer": viewing.observer.degrees(),
            "method": "ASTM E308 with ASTM E2022 weights",
            "interval_nm": t.interval_nm(),
            "white": [w.x, w.y, w.z],
            "samples": samples,
        }));
    }
    write_table(a.output.as_deref(), &[a.input.as_path()], &csv)
}
