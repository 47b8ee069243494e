//! What a recipe aims at: a colour given outright, or one built from the client's intent
//! through the client's own skin.
//!
//! - **follicle**: a shaved hair shaft of the client's hair seen through the client's skin
//!   ([`crate::hair::follicle`]), close up: the mean over the shaft.
//! - **shading**: those follicles over a share of the area and the skin over the rest, blended
//!   in reflectance (what the eye averages from a distance).
//! - **scar**: the surrounding skin, with the dot placed in the scar's skin (by default the
//!   client's skin without melanin).
//!
//! The built targets carry their spectrum, so that the metamerism of a recipe is judged against
//! the target's own spectrum under another light, not a chromatic adaptation of its colour.

use serde_json::json;

use crate::colorimetry::text::{fmt_num, format_lab};
use crate::colorimetry::{Lab, WeightingTable};
use crate::error::InputError;
use crate::optics::skin::{SkinOptics, SkinParams};
use crate::spectrum::{Spectrum, GRID_LEN};

/// What the client wants the dots to look like.
#[derive(Debug, Clone)]
pub enum Aim {
    /// A colour given outright.
    Colour(Lab),
    /// Dots that read as shaved follicles of `hair` (a preset or a measured tress colour),
    /// the tress reached by the shaft model within `tolerance` dE00.
    Follicle { hair: String, tolerance: f64 },
    /// Follicles over `coverage` of the area, the skin over the rest.
    Shading {
        hair: String,
        tolerance: f64,
        coverage: f64,
    },
    /// A scar pigmented to match the skin around it; the dot sits in `scar_skin` (default: the
    /// client's skin without melanin).
    Scar { scar_skin: Option<Box<SkinOptics>> },
}

impl Aim {
    /// The aim of an intent as the command line names it (`follicle`, `shading`, `scar`), or
    /// of a colour when `colour` is given.
    ///
    /// # Errors
    /// An unknown intent, a follicle or shading without a hair, a coverage outside 0..1.
    pub fn from_intent(
        intent: &str,
        colour: Option<Lab>,
        hair: Option<&str>,
        hair_tolerance: f64,
        coverage: f64,
        scar_skin: Option<SkinOptics>,
    ) -> Result<Aim, InputError> {
        if let Some(lab) = colour {
            return Ok(Aim::Colour(lab));
        }
        let intent = intent.trim().to_ascii_lowercase();
        let hair = |intent: &str| {
            hair.map(str::to_string).ok_or_else(|| InputError::Invalid {
                field: "hair".into(),
                message: format!(
                    "--intent {intent} needs --hair (e.g. --hair dark-brown) or --target"
                ),
            })
        };
        match intent.as_str() {
            "follicle" => Ok(Aim::Follicle {
                hair: hair("follicle")?,
                tolerance: hair_tolerance,
            }),
            "shading" => {
                if !(coverage.is_finite() && (0.0..=1.0).contains(&coverage)) {
                    return Err(InputError::OutOfRange {
                        field: "coverage".into(),
                        value: coverage,
                        expected: "an area fraction from 0 to 1".into(),
                    });
                }
                Ok(Aim::Shading {
                    hair: hair("shading")?,
                    tolerance: hair_tolerance,
                    coverage,
                })
            }
            "scar" => Ok(Aim::Scar {
                scar_skin: scar_skin.map(Box::new),
            }),
            other => Err(InputError::Unknown {
                field: "intent".into(),
                kind: "intent",
                value: other.to_string(),
                known: "follicle, shading, scar (or --target)".into(),
            }),
        }
    }
}

/// A target built for a client.
#[derive(Debug, Clone)]
pub struct Target {
    pub lab: Lab,
    /// What it is, in words ("a shaved black follicle in this skin").
    pub what: String,
    /// Its reflectance spectrum where it was built through the skin's optics.
    pub spectrum: Option<Spectrum>,
    /// The skin the dot is placed in (the client's, or the scar's).
    pub dot_skin: SkinOptics,
    /// How it was built (for `--json`).
    pub built: serde_json::Value,
}

/// Builds the target of `aim` for a client with `skin`, colours under `table`.
///
/// # Errors
/// A hair the shaft model cannot reach, or a scar skin that cannot be made.
pub fn build(skin: &SkinOptics, aim: &Aim, table: &WeightingTable) -> Result<Target, InputError> {
    match aim {
        Aim::Colour(lab) => Ok(Target {
            lab: *lab,
            what: format!("target {}", format_lab(*lab)),
            spectrum: None,
            dot_skin: skin.clone(),
            built: json!({"model": "a colour given outright (--target)"}),
        }),
        Aim::Follicle { hair, tolerance }
        | Aim::Shading {
            hair, tolerance, ..
        } => {
            let follicle = crate::hair::follicle(skin, hair, table, *tolerance)?;
            let shaft = json!({
                "model": "the hair shaft seen through the client's skin (tinct::hair)",
                "hair": follicle.hair, "tress_lab": follicle.tress_lab,
                "shaft": follicle.shaft, "geometry": follicle.geometry,
                "disc_mm": follicle.geometry.disc_mm(), "height_mm": follicle.geometry.height_mm(),
            });
            match aim {
                Aim::Shading { coverage, .. } => {
                    let c = *coverage;
                    let bare = skin.reflectance();
                    let mut v = [0.0; GRID_LEN];
                    for (k, o) in v.iter_mut().enumerate() {
                        *o = c * follicle.reflectance.values()[k] + (1.0 - c) * bare.values()[k];
                    }
                    let mixed = Spectrum::new(v)?;
                    Ok(Target {
                        lab: table.lab(&mixed),
                        what: format!(
                            "{}% shaved {hair} follicles over the skin (shading)",
                            fmt_num(c * 100.0, 1)
                        ),
                        spectrum: Some(mixed),
                        dot_skin: skin.clone(),
                        built: json!({"model": "follicles blended with the skin by coverage", "coverage": c, "follicle": shaft}),
                    })
                }
                _ => Ok(Target {
                    lab: table.lab(&follicle.reflectance),
                    what: format!("a shaved {hair} follicle in this skin"),
                    spectrum: Some(follicle.reflectance),
                    dot_skin: skin.clone(),
                    built: shaft,
                }),
            }
        }
        Aim::Scar { scar_skin } => {
            let scar = match scar_skin {
                Some(s) => (**s).clone(),
                None => SkinOptics::new(SkinParams {
                    melanosome_fraction: 0.0,
                    ..*skin.params()
                })?,
            };
            Ok(Target {
                lab: table.lab(&skin.reflectance()),
                what: "the surrounding skin (scar)".to_string(),
                spectrum: Some(skin.reflectance()),
                dot_skin: scar,
                built: json!({"model": "the surrounding skin, the dot placed in the scar's skin"}),
            })
        }
    }
}
