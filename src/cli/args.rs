//! Flags and parsers shared by several subcommands.

use std::path::PathBuf;

use tinct::InputError;

use super::CliError;

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
    /// The library's fading spec.
    pub fn spec(&self) -> tinct::fade::job::FadingSpec {
        tinct::fade::job::FadingSpec {
            exposure: self.exposure.clone(),
            lightfastness: self.lightfastness.clone(),
            age: self.age,
            epidermal_share: self.epidermal_share,
            clearance: self.clearance,
            aftercare: self.aftercare.clone(),
            uv_acceleration: self.uv_acceleration,
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
    /// The library's aim spec (a scar skin's spectrum file read here).
    pub fn spec(&self) -> Result<tinct::formulate::job::AimSpec, CliError> {
        Ok(tinct::formulate::job::AimSpec {
            hair: self.hair.clone(),
            hair_tolerance: self.hair_tolerance,
            intent: self.intent.clone(),
            coverage: self.coverage,
            scar_skin: match &self.scar_skin {
                Some(t) if self.intent.trim().eq_ignore_ascii_case("scar") => {
                    Some(super::skin_request(t)?)
                }
                _ => None,
            },
            target: self.target.clone(),
        })
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
    /// The library's pigment choice.
    pub fn spec(&self) -> tinct::formulate::job::PigmentChoice {
        tinct::formulate::job::PigmentChoice {
            pigments: self.pigments.clone(),
            kit: self.kit.clone(),
            max_pigments: self.max_pigments,
            parts: self.parts,
        }
    }

    /// Files the command reads (never to be overwritten by an output).
    pub fn inputs(&self) -> Vec<PathBuf> {
        self.catalog.iter().chain(&self.kit).cloned().collect()
    }
}

/// A length such as `0.3mm`, `300um`, `0.3` (mm).
pub fn parse_mm(field: &str, text: &str) -> Result<f64, InputError> {
    let t = text.trim().to_ascii_lowercase();
    let (num, scale) = if let Some(v) = t.strip_suffix("mm") {
        (v, 1.0)
    } else if let Some(v) = t.strip_suffix("um").or_else(|| t.strip_suffix("µm")) {
        (v, 1e-3)
    } else {
        (t.as_str(), 1.0)
    };
    let v: f64 = num.trim().parse().map_err(|_| InputError::Malformed {
        field: field.into(),
        value: text.to_string(),
        expected: "a length such as 0.3mm or 300um".into(),
    })?;
    if !(v.is_finite() && v >= 0.0) {
        return Err(InputError::OutOfRange {
            field: field.into(),
            value: v,
            expected: "a length of at least 0".into(),
        });
    }
    Ok(v * scale)
}
