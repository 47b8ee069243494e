//! `tinct pigments`.

use std::path::PathBuf;

use serde_json::json;

use tinct::colorimetry::text::fmt_num;
use tinct::pigment::{Catalog, Pigment};

use super::{emit, emit_json, CliError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// `show ID` prints one entry with its sources and K, S per wavelength.
    #[arg(value_name = "show ID", num_args = 0..=2)]
    pub show: Vec<String>,
    /// Extra catalog entries (TOML, the format of data/pigments/); repeatable.
    #[arg(long, value_name = "FILE")]
    pub catalog: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

fn summary(p: &Pigment) -> serde_json::Value {
    json!({
        "id": p.id, "name": p.name, "colour_index": p.colour_index, "blue_wool": p.blue_wool,
        "particle_diameter_nm": p.particle_diameter_nm, "density_g_cm3": p.density_g_cm3,
        "photodegradation": p.photodegradation,
    })
}

pub fn run(a: Args) -> Result<(), CliError> {
    let catalog = Catalog::with_files(&a.catalog)?;
    match a.show.as_slice() {
        [] => {
            if a.json {
                let v: Vec<_> = catalog.pigments().iter().map(summary).collect();
                return emit_json(&serde_json::Value::Array(v));
            }
            let mut s = format!("{:<18} {:<8} {:<28} {}\n", "id", "CI", "name", "Blue Wool");
            for p in catalog.pigments() {
                s.push_str(&format!(
                    "{:<18} {:<8} {:<28} {}\n",
                    p.id,
                    p.colour_index,
                    p.name,
                    p.blue_wool
                        .map_or("not known".to_string(), |b| b.to_string())
                ));
            }
            emit(s.as_bytes())
        }
        [verb, id] if verb == "show" => {
            let p = catalog.get(id)?;
            if a.json {
                let mut v = summary(p);
                v["derivation"] = json!(p.derivation);
                v["wavelengths_nm"] = json!(tinct::spectrum::grid_wavelengths().to_vec());
                v["k"] = json!(p.k_m2_g);
                v["s"] = json!(p.s_m2_g);
                // What the transport in skin uses: cross-sections per gram and anisotropy.
                v["mac_m2_g"] = json!(p.mac_m2_g);
                v["msc_m2_g"] = json!(p.msc_m2_g);
                v["g"] = json!(p.g);
                v["sources"] = json!(p.sources);
                v["notes"] = json!(p.notes);
                v["calibration"] = json!(p.calibration);
                return emit_json(&v);
            }
            let mut s = format!("{} ({}), {}\n", p.name, p.colour_index, p.id);
            s.push_str(&format!(
                "Blue Wool: {}\n",
                p.blue_wool
                    .map_or("not known (no source found)".to_string(), |b| b.to_string())
            ));
            if let Some(pe) = p.photodegradation {
                s.push_str(&format!(
                    "Photodegradation (measured): {} per Mlx h of daylight (95 % {} to {})\n",
                    fmt_num(pe.per_mlxh, 6),
                    pe.lo.map_or("-".into(), |v| fmt_num(v, 6)),
                    pe.hi.map_or("-".into(), |v| fmt_num(v, 6))
                ));
            }
            s.push_str(&format!("Derivation: {}\n\nSources:\n", p.derivation));
            for src in &p.sources {
                s.push_str(&format!("  - {}: {}\n", src.what, src.source));
            }
            if !p.notes.is_empty() {
                s.push_str("\nNotes:\n");
                for n in &p.notes {
                    s.push_str(&format!("  - {n}\n"));
                }
            }
            if let Some(c) = &p.calibration {
                s.push_str("\nCalibration:\n");
                for line in c.lines() {
                    s.push_str(&format!("  {line}\n"));
                }
            }
            s.push_str("\nnm    k (m^2/g)   s (m^2/g)\n");
            for (i, w) in tinct::spectrum::grid_wavelengths().iter().enumerate() {
                s.push_str(&format!(
                    "{w:<5} {:<11} {}\n",
                    fmt_num(p.k_m2_g[i], 4),
                    fmt_num(p.s_m2_g[i], 4)
                ));
            }
            emit(s.as_bytes())
        }
        other => Err(tinct::InputError::Invalid {
            field: "pigments".into(),
            message: format!("expected nothing or `show ID`, got {:?}", other.join(" ")),
        }
        .into()),
    }
}
