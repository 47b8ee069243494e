//! Flags and parsers shared by several subcommands.

use std::path::{Path, PathBuf};

use tinct::colorimetry::WeightingTable;
use tinct::fade::exposure::{preset, Profile, PRESETS};
use tinct::formulate::target::Aim;
use tinct::pigment::{Catalog, Pigment};
use tinct::InputError;

use super::pigments::load_catalog;
use super::CliError;

/// Most Monte Carlo runs `schedule` and `plan` take (each is a ten-year schedule; 100,000
/// take about 20 s on two cores).
pub const MAX_RUNS: usize = 100_000;

/// `--runs`, bounded.
pub fn check_runs(runs: usize) -> Result<(), InputError> {
    if runs > MAX_RUNS {
        return Err(InputError::OutOfRange {
            field: "runs".into(),
            value: runs as f64,
            expected: format!("0 to {MAX_RUNS}"),
        });
    }
    Ok(())
}

/// The client's sun and the pigment's fate in the skin (`fade`, `schedule`, `plan`).
#[derive(Debug, clap::Args)]
pub struct FadingArgs {
    /// Sun exposure: a preset (indoor, mixed, outdoor-worker, high-uv) or a TOML profile file
    /// (fields: latitude_deg, altitude_m, ozone_du, cloud_oktas, workday_hours,
    /// workdays_per_week, day_off_hours, holiday_days, holiday_hours, holiday_latitude_deg,
    /// personal_ratio, and [protection] vertex_ratio, hat_share, hat_factor, hair_factor,
    /// sunscreen_spf, sunscreen_share, sunscreen_mg_cm2; unset fields take the indoor preset's
    /// values).
    #[arg(long, default_value = "mixed", value_name = "PRESET|FILE")]
    pub exposure: String,
    /// A pigment's Blue Wool grade (1-8) where the catalog has none, e.g. carbon-black=8;
    /// repeatable. Without a grade a pigment's photodegradation is not modelled.
    #[arg(long = "lightfastness", value_name = "ID=GRADE")]
    pub lightfastness: Vec<String>,
    /// The client's age in years (sets the epidermal turnover).
    #[arg(long, default_value_t = 35.0, value_name = "YEARS")]
    pub age: f64,
    /// Share of each session's deposit placed in the epidermis: it darkens the fresh look and is
    /// shed within weeks (no source gives the share; 0 for a dot placed in the dermis).
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub epidermal_share: f64,
    /// Slow clearance of the settled pigment, fraction per year. No published rate: the
    /// default is calibrated so that a typical client's first touch-up falls at 4.5 years, the
    /// middle of what SMP clinics report (3-6 years); replace it with your own data (`tinct fit`).
    #[arg(long, default_value_t = tinct::fade::kinetics::DEFAULT_CLEARANCE_PER_YEAR, value_name = "PER_YEAR")]
    pub clearance: f64,
    /// Aftercare in the healing weeks of each session and touch-up: good (the advice followed:
    /// a third of the deposit lost, Bäumler 2015), poor (half lost: an assumption, no
    /// measurement exists), or a TOML file (healing_loss = 0.4, optional healing_days). `plan`
    /// chooses its inks for good healing.
    #[arg(long, default_value = "good", value_name = "good|poor|FILE")]
    pub aftercare: String,
    /// How much faster pigments fade in daylight with its UV than without.
    #[arg(long, default_value_t = tinct::fade::simulate::UV_ACCELERATION, value_name = "FACTOR")]
    pub uv_acceleration: f64,
}

impl FadingArgs {
    /// The kinetics of these flags (healing as the defaults; apply the aftercare for the
    /// client's own), not yet validated.
    pub fn kinetics(&self) -> tinct::fade::kinetics::Kinetics {
        tinct::fade::kinetics::Kinetics {
            age_years: self.age,
            epidermal_share: self.epidermal_share,
            clearance_per_year: self.clearance,
            ..tinct::fade::kinetics::Kinetics::default()
        }
    }

    /// `--uv-acceleration`, at least 1.
    pub fn uv_acceleration(&self) -> Result<f64, InputError> {
        let v = self.uv_acceleration;
        if v.is_finite() && v >= 1.0 {
            Ok(v)
        } else {
            Err(InputError::OutOfRange {
                field: "uv-acceleration".into(),
                value: v,
                expected: "at least 1".into(),
            })
        }
    }
}

/// What the recipe aims at (`match`, `plan`).
#[derive(Debug, clap::Args)]
pub struct TargetArgs {
    /// Hair colour: a preset (black, dark-brown) or a measured tress colour such as "lab(20 2 2)".
    #[arg(long, value_name = "HAIR", allow_hyphen_values = true)]
    pub hair: Option<String>,
    /// How far (dE00) tinct's hair shaft model may be from a measured hair colour (`--hair
    /// lab(...)`): it is validated on black and dark-brown hair, which it reaches within 0.9.
    #[arg(long, default_value_t = tinct::hair::TRESS_TOLERANCE, value_name = "DE00")]
    pub hair_tolerance: f64,
    /// follicle (dots that read as shaved hair; target = a shaved follicle of --hair seen through
    /// the client's skin), shading (those follicles and the skin blended at
    /// --coverage), or scar (scar skin pigmented to match the skin around it).
    #[arg(long, default_value = "follicle", value_name = "INTENT")]
    pub intent: String,
    /// Hair coverage for --intent shading, area fraction 0..1.
    #[arg(long, default_value_t = 0.5, value_name = "FRACTION")]
    pub coverage: f64,
    /// The scar's skin for --intent scar (default: the client's skin without melanin).
    #[arg(long, value_name = "SKIN", allow_hyphen_values = true)]
    pub scar_skin: Option<String>,
    /// An explicit target colour instead of an intent, e.g. "lab(35 4 6)".
    #[arg(long, value_name = "COLOR", allow_hyphen_values = true)]
    pub target: Option<String>,
}

impl TargetArgs {
    /// The aim, with the scar's skin resolved against `skin`'s flags.
    pub fn aim(&self, skin: &super::SkinArgs, table: &WeightingTable) -> Result<Aim, CliError> {
        let colour = match &self.target {
            Some(t) => Some(
                tinct::colorimetry::text::parse(t)
                    .map_err(|e| e.at("target"))?
                    .to_lab(table.white()),
            ),
            None => None,
        };
        let scar_skin = match &self.scar_skin {
            Some(t) if self.intent.trim().eq_ignore_ascii_case("scar") => {
                Some(skin.resolve_other(t, table)?.optics)
            }
            _ => None,
        };
        Ok(Aim::from_intent(
            &self.intent,
            colour,
            self.hair.as_deref(),
            self.hair_tolerance,
            self.coverage,
            scar_skin,
        )?)
    }
}

/// The pigments a recipe may use (`match`, `plan`).
#[derive(Debug, clap::Args)]
pub struct PigmentArgs {
    /// Pigments to use, comma-separated ids (default: the whole catalog).
    #[arg(long, value_name = "ID,ID", value_delimiter = ',')]
    pub pigments: Vec<String>,
    /// A kit file (TOML): `pigments = ["id", ...]` and optional `[[entries]]` (catalog entries).
    #[arg(long, value_name = "FILE")]
    pub kit: Option<PathBuf>,
    /// Extra catalog entries (TOML); repeatable.
    #[arg(long, value_name = "FILE")]
    pub catalog: Vec<PathBuf>,
    /// Most pigments in one recipe, 1 to 4.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub max_pigments: usize,
    /// Whole parts to mix (0 keeps the exact loads).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub parts: u32,
}

impl PigmentArgs {
    /// The catalog (built-in, --catalog, the kit's entries) and the ids chosen (empty: all).
    pub fn catalog(&self) -> Result<(Catalog, Vec<String>), CliError> {
        let mut catalog = load_catalog(&self.catalog)?;
        let mut ids: Vec<String> = self.pigments.iter().map(|s| s.trim().to_string()).collect();
        if let Some(k) = &self.kit {
            let (c, kit_ids) = kit(k, catalog)?;
            catalog = c;
            ids.extend(kit_ids);
        }
        Ok((catalog, ids))
    }

    /// The chosen pigments of `catalog` (each once), or all of them.
    pub fn chosen<'c>(catalog: &'c Catalog, ids: &[String]) -> Result<Vec<&'c Pigment>, CliError> {
        if ids.is_empty() {
            return Ok(catalog.pigments().iter().collect());
        }
        let mut v: Vec<&Pigment> = Vec::new();
        for id in ids {
            let p = catalog.get(id).map_err(|e| e.at("pigments"))?;
            if !v.iter().any(|q| q.id == p.id) {
                v.push(p);
            }
        }
        Ok(v)
    }

    /// Files the command reads (never to be overwritten by an output).
    pub fn inputs(&self) -> Vec<PathBuf> {
        self.catalog.iter().chain(&self.kit).cloned().collect()
    }
}

pub fn kit(path: &std::path::Path, catalog: Catalog) -> Result<(Catalog, Vec<String>), CliError> {
    let name = path.display().to_string();
    let text = tinct::io::read_text(path)?;
    let v: toml::Table = toml::from_str(&text).map_err(|e| InputError::Invalid {
        field: name.clone(),
        message: e.message().to_string(),
    })?;
    let mut catalog = catalog;
    let mut ids = Vec::new();
    if let Some(entries) = v.get("entries").and_then(|e| e.as_array()) {
        for (i, e) in entries.iter().enumerate() {
            let t = toml::to_string(e).map_err(|err| InputError::Invalid {
                field: format!("{name}: entries[{i}]"),
                message: err.to_string(),
            })?;
            let p = Pigment::from_toml(&t, &format!("{name}: entries[{i}]"))?;
            ids.push(p.id.clone());
            catalog = catalog.with(p);
        }
    }
    if let Some(list) = v.get("pigments").and_then(|e| e.as_array()) {
        for x in list {
            let id = x.as_str().ok_or_else(|| InputError::Invalid {
                field: format!("{name}: pigments"),
                message: "a list of catalog ids (strings)".into(),
            })?;
            catalog
                .get(id)
                .map_err(|e| e.at(&format!("{name}: pigments")))?;
            ids.push(id.to_string());
        }
    }
    if ids.is_empty() {
        return Err(InputError::Invalid {
            field: name,
            message: "no pigments (give pigments = [\"id\", ...] or [[entries]])".into(),
        }
        .into());
    }
    Ok((catalog, ids))
}

pub fn parse_start(text: &str) -> Result<usize, InputError> {
    const DAYS: [usize; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let bad = || InputError::Malformed {
        field: "start".into(),
        value: text.to_string(),
        expected: "a date MM-DD such as 06-21".into(),
    };
    let (m, d) = text.trim().split_once('-').ok_or_else(bad)?;
    let m: usize = m.parse().map_err(|_| bad())?;
    let d: usize = d.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&m) || d == 0 || d > DAYS[m - 1] {
        return Err(bad());
    }
    Ok(DAYS[..m - 1].iter().sum::<usize>() + d - 1)
}

pub fn parse_exposure(text: &str) -> Result<Profile, CliError> {
    if PRESETS.contains(&text) {
        return Ok(preset(text)?);
    }
    let path = Path::new(text);
    if !path.exists() {
        return Err(InputError::Unknown {
            field: "exposure".into(),
            kind: "exposure preset or profile file",
            value: text.to_string(),
            known: PRESETS.join(", "),
        }
        .into());
    }
    let origin = path.display().to_string();
    let text = tinct::io::read_text(path)?;
    let mut p = Profile::from_toml(&text, &origin)?;
    if p.name == "indoor" {
        p.name = origin;
    }
    Ok(p)
}

pub fn parse_years(field: &str, years: f64) -> Result<usize, InputError> {
    if !(years.is_finite() && years > 0.0 && years <= 100.0) {
        return Err(InputError::OutOfRange {
            field: field.into(),
            value: years,
            expected: "above 0 and at most 100 years".into(),
        });
    }
    Ok((years * 365.25).round().max(1.0) as usize)
}

pub fn check_tolerance(t: f64) -> Result<(), InputError> {
    if t.is_finite() && t > 0.0 {
        Ok(())
    } else {
        Err(InputError::OutOfRange {
            field: "tolerance".into(),
            value: t,
            expected: "a dE00 above 0".into(),
        })
    }
}

/// `--lightfastness ID=GRADE` flags, with ids resolved in the catalog.
pub fn parse_grades(catalog: &Catalog, specs: &[String]) -> Result<Vec<(String, f64)>, CliError> {
    let mut grades: Vec<(String, f64)> = Vec::new();
    for spec in specs {
        let (id, g) = spec.split_once('=').ok_or_else(|| InputError::Malformed {
            field: "lightfastness".into(),
            value: spec.clone(),
            expected: "ID=GRADE such as carbon-black=8".into(),
        })?;
        let grade: f64 = g.trim().parse().map_err(|_| InputError::Malformed {
            field: format!("lightfastness of {id}"),
            value: g.to_string(),
            expected: "a Blue Wool grade from 1 to 8".into(),
        })?;
        if !(1.0..=8.0).contains(&grade) {
            return Err(InputError::OutOfRange {
                field: format!("lightfastness of {id}"),
                value: grade,
                expected: "a Blue Wool grade from 1 to 8".into(),
            }
            .into());
        }
        let p = catalog.get(id).map_err(|e| e.at("lightfastness"))?;
        grades.push((p.id.clone(), grade));
    }
    Ok(grades)
}

/// `--aftercare good|poor|FILE`.
pub fn parse_aftercare(text: &str) -> Result<tinct::fade::aftercare::Aftercare, CliError> {
    use tinct::fade::aftercare::{preset, Aftercare, PRESETS};
    if PRESETS.contains(&text) {
        return Ok(preset(text)?);
    }
    let path = Path::new(text);
    if !path.exists() {
        return Err(InputError::Unknown {
            field: "aftercare".into(),
            kind: "aftercare profile or file",
            value: text.to_string(),
            known: PRESETS.join(", "),
        }
        .into());
    }
    let origin = path.display().to_string();
    let text = tinct::io::read_text(path)?;
    Ok(Aftercare::from_toml(&text, &origin)?)
}
