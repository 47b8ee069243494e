//! The pigment catalog: entries in TOML, the built-in ones embedded from data/pigments/.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::optics::mie::mie;
use crate::optics::tissue::Bands;
use crate::spectrum::{grid_wavelengths, linear_interpolate, GRID_LEN};

/// Where a number of a catalog entry comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PigmentSource {
    /// What the source supports ("mass absorption 7.5 m^2/g at 550 nm").
    pub what: String,
    /// The source (paper, standard, data set) and, where it matters, how it was read.
    pub source: String,
}

/// Largest K, S or mass scattering per gram a catalog entry may have, m^2/g.
pub const MAX_PER_GRAM: f64 = 1e4;

/// A pigment ready for the optics: identity, provenance and k, s per unit load.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pigment {
    pub id: String,
    pub name: String,
    /// Colour Index generic name (PBk7, PR101, ...).
    pub colour_index: String,
    /// Lightfastness on the Blue Wool scale (1-8), when a source gives it.
    pub blue_wool: Option<u8>,
    /// Mean particle diameter, nm, when the optics depend on it.
    pub particle_diameter_nm: Option<f64>,
    /// Density of the pigment, g/cm^3, when the optics depend on it.
    pub density_g_cm3: Option<f64>,
    /// How k and s were derived.
    pub derivation: String,
    /// K per unit load, m^2/g, on the internal grid.
    pub k_m2_g: Vec<f64>,
    /// S per unit load, m^2/g, on the internal grid.
    pub s_m2_g: Vec<f64>,
    /// Absorption cross-section per gram (mass absorption), m^2/g, on the internal grid: what
    /// the transport solution in skin uses (see [`crate::optics::transport`]).
    pub mac_m2_g: Vec<f64>,
    /// Scattering cross-section per gram (not reduced), m^2/g, on the internal grid.
    pub msc_m2_g: Vec<f64>,
    /// Scattering anisotropy of the particles, on the internal grid.
    pub g: Vec<f64>,
    pub sources: Vec<PigmentSource>,
    pub notes: Vec<String>,
    /// A measured photodegradation constant (per Mlx h of UV-free daylight at the pigment, as
    /// `tinct fade` doses it), with its 95 % interval, from `tinct calibrate lightfastness`.
    pub photodegradation: Option<PhotodegradationEntry>,
    /// The provenance of a calibrated entry (`tinct calibrate`), as TOML text.
    pub calibration: Option<String>,
}

/// A measured photodegradation constant.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotodegradationEntry {
    /// First-order constant per Mlx h of UV-free daylight at the pigment.
    pub per_mlxh: f64,
    /// 95 % interval.
    pub lo: Option<f64>,
    pub hi: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    id: String,
    name: String,
    colour_index: String,
    blue_wool: Option<u8>,
    particle_diameter_nm: Option<f64>,
    density_g_cm3: Option<f64>,
    optics: Optics,
    #[serde(default)]
    sources: Vec<PigmentSource>,
    #[serde(default)]
    notes: Vec<String>,
    photodegradation: Option<PhotodegradationEntry>,
    calibration: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "model", rename_all = "kebab-case", deny_unknown_fields)]
enum Optics {
    Mie {
        medium_index: f64,
        components: Vec<IndexComponent>,
    },
    MassAbsorption {
        mac_m2_g: f64,
        reference_nm: f64,
        angstrom_exponent: f64,
        index_n: f64,
        index_k: f64,
        medium_index: f64,
    },
    Tabulated {
        wavelengths_nm: Vec<f64>,
        k_m2_g: Vec<f64>,
        s_m2_g: Vec<f64>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexComponent {
    table: String,
    weight: f64,
}

/// S = eta * reduced scattering, as for tissue.
const ETA: f64 = 0.75;

/// The optical-constant tables embedded in the binary, by file name.
const TABLES: &[(&str, &str)] = &[
    (
        "nk_hematite_o_Querry1985.csv",
        include_str!("../../data/pigments/optical-constants/nk_hematite_o_Querry1985.csv"),
    ),
    (
        "nk_hematite_e_Querry1985.csv",
        include_str!("../../data/pigments/optical-constants/nk_hematite_e_Querry1985.csv"),
    ),
    (
        "nk_magnetite_Querry1985.csv",
        include_str!("../../data/pigments/optical-constants/nk_magnetite_Querry1985.csv"),
    ),
    (
        "nk_rutile_o_Devore1951.csv",
        include_str!("../../data/pigments/optical-constants/nk_rutile_o_Devore1951.csv"),
    ),
    (
        "nk_rutile_e_Devore1951.csv",
        include_str!("../../data/pigments/optical-constants/nk_rutile_e_Devore1951.csv"),
    ),
];

/// The built-in catalog entries.
const BUILTIN: &[(&str, &str)] = &[
    (
        "carbon-black.toml",
        include_str!("../../data/pigments/carbon-black.toml"),
    ),
    (
        "iron-oxide-black.toml",
        include_str!("../../data/pigments/iron-oxide-black.toml"),
    ),
    (
        "iron-oxide-red.toml",
        include_str!("../../data/pigments/iron-oxide-red.toml"),
    ),
    (
        "titanium-dioxide.toml",
        include_str!("../../data/pigments/titanium-dioxide.toml"),
    ),
];

/// n and k of a table, resampled onto the grid (nearest value outside its range; an empty k
/// column means k = 0, a transparent material).
fn index_table(name: &str, field: &str) -> Result<(Bands, Bands), InputError> {
    let text = TABLES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .ok_or_else(|| InputError::Unknown {
            field: field.into(),
            kind: "optical-constant table",
            value: name.to_string(),
            known: TABLES
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let (mut w, mut n, mut k) = (Vec::new(), Vec::new(), Vec::new());
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let num = |s: &str| -> Result<f64, InputError> {
            if s.is_empty() {
                return Ok(0.0);
            }
            s.parse().map_err(|_| InputError::Malformed {
                field: format!("{name}: {line}"),
                value: s.to_string(),
                expected: "a number".into(),
            })
        };
        w.push(num(f[0])?);
        n.push(num(f[1])?);
        k.push(num(f.get(2).copied().unwrap_or(""))?);
    }
    let g = grid_wavelengths();
    let to_bands = |v: &[f64]| -> Bands {
        let mut b = [0.0; GRID_LEN];
        b.copy_from_slice(&linear_interpolate(&w, v, &g));
        b
    };
    Ok((to_bands(&n), to_bands(&k)))
}

fn positive(field: &str, v: f64) -> Result<f64, InputError> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(InputError::OutOfRange {
            field: field.into(),
            value: v,
            expected: "finite and above 0".into(),
        })
    }
}

impl Pigment {
    /// Reads and derives a catalog entry from its TOML text (`origin` names it in errors).
    ///
    /// # Errors
    /// Malformed TOML, a missing or unknown field, an unknown table, or a value out of range
    /// (negative K or S, weights not summing to 1, a non-positive size or density).
    pub fn from_toml(text: &str, origin: &str) -> Result<Pigment, InputError> {
        let e: EntryFile = toml::from_str(text).map_err(|err| InputError::Invalid {
            field: origin.to_string(),
            message: err.message().to_string(),
        })?;
        let at = |f: &str| format!("{origin}: {f}");
        if let Some(b) = e.blue_wool {
            if !(1..=8).contains(&b) {
                return Err(InputError::OutOfRange {
                    field: at("blue_wool"),
                    value: f64::from(b),
                    expected: "a Blue Wool grade from 1 to 8".into(),
                });
            }
        }
        let w = grid_wavelengths();
        let (mac, msc, (sca, g), derivation): (Bands, Bands, (Bands, Bands), String) = match &e
            .optics
        {
            Optics::Mie {
                medium_index,
                components,
            } => {
                let d = positive(
                    &at("particle_diameter_nm"),
                    e.particle_diameter_nm.unwrap_or(f64::NAN),
                )?;
                let rho = positive(&at("density_g_cm3"), e.density_g_cm3.unwrap_or(f64::NAN))?;
                let nm = positive(&at("optics.medium_index"), *medium_index)?;
                let total: f64 = components.iter().map(|c| c.weight).sum();
                if components.is_empty() || (total - 1.0).abs() > 1e-6 {
                    return Err(InputError::Invalid {
                        field: at("optics.components"),
                        message: format!("weights must sum to 1 (they sum to {total})"),
                    });
                }
                let r_m = d * 0.5e-9;
                let rho_g_m3 = rho * 1e6;
                let mut mac = [0.0; GRID_LEN];
                let mut msc = [0.0; GRID_LEN];
                let mut sca = [0.0; GRID_LEN];
                let mut sca_g = [0.0; GRID_LEN];
                for c in components {
                    let (n, k) = index_table(&c.table, &at("optics.components.table"))?;
                    for i in 0..GRID_LEN {
                        let x = 2.0 * std::f64::consts::PI * r_m * nm / (w[i] * 1e-9);
                        let q = mie(n[i] / nm, k[i] / nm, x).map_err(|err| err.at(origin))?;
                        mac[i] += c.weight * 3.0 * q.q_abs / (4.0 * r_m * rho_g_m3);
                        msc[i] += c.weight * 3.0 * q.q_sca * (1.0 - q.g) / (4.0 * r_m * rho_g_m3);
                        let per_gram = c.weight * 3.0 / (4.0 * r_m * rho_g_m3);
                        sca[i] += per_gram * q.q_sca;
                        sca_g[i] += per_gram * q.q_sca * q.g;
                    }
                }
                let g = std::array::from_fn(|i| if sca[i] > 0.0 { sca_g[i] / sca[i] } else { 0.0 });
                let tables: Vec<String> = components
                    .iter()
                    .map(|c| format!("{} (weight {})", c.table, c.weight))
                    .collect();
                (
                    mac,
                    msc,
                    (sca, g),
                    format!(
                        "Mie theory for spheres of {d} nm, density {rho} g/cm^3, in a medium of index {nm}, \
                         from {}; k = 2 MAC, s = 3/4 MSC'; in skin: MAC, MSC and g of the spheres",
                        tables.join(" and ")
                    ),
                )
            }
            Optics::MassAbsorption {
                mac_m2_g,
                reference_nm,
                angstrom_exponent,
                index_n,
                index_k,
                medium_index,
            } => {
                let d = positive(
                    &at("particle_diameter_nm"),
                    e.particle_diameter_nm.unwrap_or(f64::NAN),
                )?;
                let mac0 = positive(&at("optics.mac_m2_g"), *mac_m2_g)?;
                let l0 = positive(&at("optics.reference_nm"), *reference_nm)?;
                let nm = positive(&at("optics.medium_index"), *medium_index)?;
                if !angstrom_exponent.is_finite() {
                    return Err(InputError::NotFinite {
                        field: at("optics.angstrom_exponent"),
                        value: *angstrom_exponent,
                    });
                }
                let mut mac = [0.0; GRID_LEN];
                let mut msc = [0.0; GRID_LEN];
                let mut sca = [0.0; GRID_LEN];
                let mut g = [0.0; GRID_LEN];
                for i in 0..GRID_LEN {
                    mac[i] = mac0 * (w[i] / l0).powf(-angstrom_exponent);
                    let x = std::f64::consts::PI * d * nm / w[i];
                    let q = mie(index_n / nm, index_k / nm, x).map_err(|err| err.at(origin))?;
                    sca[i] = mac[i] * q.q_sca / q.q_abs;
                    g[i] = q.g;
                    msc[i] = sca[i] * (1.0 - q.g);
                }
                (
                    mac,
                    msc,
                    (sca, g),
                    format!(
                        "measured mass absorption {mac0} m^2/g at {l0} nm with Angstrom exponent \
                         {angstrom_exponent}; reduced scattering from the Mie ratio Q_sca (1 - g) / Q_abs \
                         of {d} nm spheres of index {index_n} + {index_k}i in a medium of index {nm}; \
                         k = 2 MAC, s = 3/4 MSC'; in skin: MAC, MSC = MAC Q_sca / Q_abs and g of the spheres"
                    ),
                )
            }
            Optics::Tabulated {
                wavelengths_nm,
                k_m2_g,
                s_m2_g,
            } => {
                let n = wavelengths_nm.len();
                if n == 0 || k_m2_g.len() != n || s_m2_g.len() != n {
                    return Err(InputError::Invalid {
                        field: at("optics"),
                        message: format!(
                            "{n} wavelengths, {} k values, {} s values: they must match",
                            k_m2_g.len(),
                            s_m2_g.len()
                        ),
                    });
                }
                if e.sources.is_empty() {
                    return Err(InputError::Invalid {
                        field: at("sources"),
                        message: "a tabulated entry must say where its numbers come from \
                                  ([[sources]] with what and source)"
                            .into(),
                    });
                }
                let (first, last) = (wavelengths_nm[0], wavelengths_nm[n - 1]);
                if first > 400.0 || last < 700.0 {
                    return Err(InputError::Invalid {
                        field: at("optics.wavelengths_nm"),
                        message: format!(
                            "{first}-{last} nm: a tabulated entry must cover at least 400-700 nm"
                        ),
                    });
                }
                for (i, win) in wavelengths_nm.windows(2).enumerate() {
                    if win[1] <= win[0] {
                        return Err(InputError::WavelengthOrder {
                            field: at("optics.wavelengths_nm"),
                            previous: wavelengths_nm[i],
                            value: wavelengths_nm[i + 1],
                        });
                    }
                }
                let mut k = [0.0; GRID_LEN];
                let mut s = [0.0; GRID_LEN];
                k.copy_from_slice(&linear_interpolate(wavelengths_nm, k_m2_g, &w));
                s.copy_from_slice(&linear_interpolate(wavelengths_nm, s_m2_g, &w));
                // Stored as k and s already: undo the conversions applied below. In skin, a
                // tabulated entry has no particle model: its reduced scattering s / (3/4) is
                // taken as isotropic scattering (g = 0), which the similarity relation
                // mu_s (1 - g) = mu_s' makes equivalent for diffuse light (van de Hulst 1980,
                // sec. 14.3; an approximation for the light's first scattering only).
                let msc_reduced = s.map(|v| v / ETA);
                (
                    k.map(|v| v / 2.0),
                    msc_reduced,
                    (msc_reduced, [0.0; GRID_LEN]),
                    "tabulated K and S per unit load; in skin MAC = K/2 and isotropic MSC = S/(3/4)"
                        .to_string(),
                )
            }
        };
        let k: Vec<f64> = mac.iter().map(|v| 2.0 * v).collect();
        let s: Vec<f64> = msc.iter().map(|v| ETA * v).collect();
        for (i, (kv, sv)) in k.iter().zip(&s).enumerate() {
            for (name, v) in [("k", kv), ("s", sv), ("mass scattering", &sca[i])] {
                // Carbon black, the strongest absorber, has k = 2 MAC of about 15 m^2/g at
                // 550 nm: 1e4 bounds every real pigment and keeps every load's optics finite.
                if !(v.is_finite() && *v >= 0.0 && *v <= MAX_PER_GRAM) {
                    return Err(InputError::OutOfRange {
                        field: at(&format!("{name} at {} nm", w[i])),
                        value: *v,
                        expected: "0 to 1e4 m^2/g".into(),
                    });
                }
            }
        }
        if let Some(p) = &e.photodegradation {
            let ok = |v: f64| v.is_finite() && v >= 0.0;
            if !ok(p.per_mlxh) || !p.lo.is_none_or(ok) || !p.hi.is_none_or(ok) {
                return Err(InputError::OutOfRange {
                    field: at("photodegradation.per_mlxh"),
                    value: p.per_mlxh,
                    expected: "finite and at least 0 per Mlx h".into(),
                });
            }
        }
        if let Some(d) = e.density_g_cm3 {
            // Skin packs pigment by its volume (crate::optics::packaging).
            InputError::check_range(&at("density_g_cm3"), d, 0.01, 30.0, "g/cm^3, 0.01 to 30")?;
        }
        let calibration = e
            .calibration
            .map(|t| toml::to_string(&t).unwrap_or_default());
        Ok(Pigment {
            id: e.id,
            name: e.name,
            colour_index: e.colour_index,
            blue_wool: e.blue_wool,
            particle_diameter_nm: e.particle_diameter_nm,
            density_g_cm3: e.density_g_cm3,
            derivation,
            k_m2_g: k,
            s_m2_g: s,
            mac_m2_g: mac.to_vec(),
            msc_m2_g: sca.to_vec(),
            g: g.to_vec(),
            sources: e.sources,
            notes: e.notes,
            photodegradation: e.photodegradation,
            calibration,
        })
    }

    /// K per unit load on the grid, m^2/g.
    pub fn k(&self) -> Bands {
        let mut b = [0.0; GRID_LEN];
        b.copy_from_slice(&self.k_m2_g);
        b
    }

    /// S per unit load on the grid, m^2/g.
    pub fn s(&self) -> Bands {
        let mut b = [0.0; GRID_LEN];
        b.copy_from_slice(&self.s_m2_g);
        b
    }
}

/// A set of pigments by id.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pigments: Vec<Pigment>,
}

impl Catalog {
    /// The built-in catalog with the entries of catalog files (TOML, one pigment each) added.
    ///
    /// # Errors
    /// An unreadable file or an invalid entry.
    pub fn with_files<P: AsRef<std::path::Path>>(files: &[P]) -> Result<Catalog, InputError> {
        let mut c = Catalog::builtin().clone();
        for f in files {
            let f = f.as_ref();
            let text = crate::io::read_text(f)?;
            c = c.with(Pigment::from_toml(&text, &f.display().to_string())?);
        }
        Ok(c)
    }

    /// The built-in catalog (data/pigments/), derived once.
    pub fn builtin() -> &'static Catalog {
        static C: OnceLock<Catalog> = OnceLock::new();
        C.get_or_init(|| Catalog {
            pigments: BUILTIN
                .iter()
                .map(|(name, text)| {
                    Pigment::from_toml(text, name)
                        .unwrap_or_else(|e| panic!("built-in catalog entry {name} is invalid: {e}"))
                })
                .collect(),
        })
    }

    /// Every pigment.
    pub fn pigments(&self) -> &[Pigment] {
        &self.pigments
    }

    /// A pigment by id or Colour Index name (case-insensitive).
    ///
    /// # Errors
    /// An unknown pigment, listing the known ids.
    pub fn get(&self, id: &str) -> Result<&Pigment, InputError> {
        let want = id.trim();
        self.pigments
            .iter()
            .find(|p| p.id.eq_ignore_ascii_case(want) || p.colour_index.eq_ignore_ascii_case(want))
            .ok_or_else(|| InputError::Unknown {
                field: "pigment".into(),
                kind: "pigment",
                value: id.to_string(),
                known: self
                    .pigments
                    .iter()
                    .map(|p| p.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// This catalog with `extra` added; an id already present is replaced.
    pub fn with(mut self, extra: Pigment) -> Catalog {
        self.pigments.retain(|p| p.id != extra.id);
        self.pigments.push(extra);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_derives_and_is_physical() {
        let c = Catalog::builtin();
        assert_eq!(c.pigments().len(), 4);
        let i550 = (550 - 360) / 10;
        let cb = c.get("PBk7").unwrap();
        // K = 2 MAC: 15 m^2/g at 550 nm by construction.
        assert!((cb.k_m2_g[i550] - 15.0).abs() < 1e-9);
        assert!(cb.s_m2_g[i550] < cb.k_m2_g[i550]);
        let red = c.get("iron-oxide-red").unwrap();
        // Hematite absorbs blue far more than red.
        assert!(red.k_m2_g[(450 - 360) / 10] > 3.0 * red.k_m2_g[(700 - 360) / 10]);
        let white = c.get("titanium-dioxide").unwrap();
        assert!(white.k_m2_g.iter().all(|&k| k == 0.0));
        assert!(white.s_m2_g[i550] > 1.0);
        assert!(c.get("PB15:3").is_err());
    }

    #[test]
    fn bad_entries_are_rejected_with_the_field() {
        let e = Pigment::from_toml("id = 'x'", "x.toml").unwrap_err();
        assert!(e.to_string().starts_with("x.toml"), "{e}");
        let t = "id='x'\nname='x'\ncolour_index='X'\n[[sources]]\nwhat='a'\nsource='b'\n[optics]\nmodel='tabulated'\nwavelengths_nm=[400.0, 500.0, 700.0]\nk_m2_g=[1.0, -1.0, 1.0]\ns_m2_g=[1.0, 1.0, 1.0]\n";
        let e = Pigment::from_toml(t, "x.toml").unwrap_err();
        assert!(e.to_string().contains("k at"), "{e}");
        let t = t.replace("-1.0", "1.0").replace("500.0", "800.0");
        let e = Pigment::from_toml(&t, "x.toml").unwrap_err();
        assert!(e.to_string().contains("out of order"), "{e}");
        let t = t
            .replace("800.0", "500.0")
            .replace("[[sources]]\nwhat='a'\nsource='b'\n", "");
        let e = Pigment::from_toml(&t, "x.toml").unwrap_err();
        assert!(e.to_string().contains("sources"), "{e}");
    }
}
