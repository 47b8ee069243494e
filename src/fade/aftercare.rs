//! Aftercare in the healing weeks, as a modifier of the healing loss.
//!
//! Clients are told to keep the treated scalp out of the sun, to avoid sweating, swimming,
//! saunas and alcohol-, bleach- or benzoyl-peroxide-based products, and not to pick scabs while
//! it heals. **No source quantifies what any of these does to the pigment kept**: about 55
//! searches found avoidance windows (3 days to 4 weeks) and qualitative claims ("chlorine
//! leaches ink", "picking a heavy scab ... will result in the loss of ink"), and a review's
//! verdict, "there is a lack of evidence to support any one aftercare method" (Rostron, Cox-
//! Davenport & Shepherd 2015, J. Dermatol. Nurses Assoc. 7:199; read);
//! data/research/AFTERCARE.md lists them. So tinct has two profiles and a file:
//!
//! - `good`: the advice followed. The healing loss is the third of the injected pigment that
//!   leaves within weeks in animal experiments, confirmed by extraction from long-existing
//!   tattoos (Bäumler 2015, Curr. Probl. Dermatol. 48; abstract read), the sourced default.
//! - `poor`: the advice not followed (sun, sweat, swimming, harsh products, scabs picked in the
//!   healing weeks). Half the deposit is lost: **an assumption, calibrated to stated practice**,
//!   the top of the 30-50 % that permanent-makeup and microblading practitioners say fresh work
//!   loses before it has healed (trade pages, second-hand), read as the share lost when healing
//!   goes badly. The middle of that range, 40 %, is about the sourced third. Adjustable: give a
//!   file.
//! - a TOML file: `name = "..."`, `healing_loss = 0.4` (share of each session's deposit lost
//!   while healing, 0 to 0.95) and optionally `healing_days = 30`.
//!
//! Light in the healing weeks is not an extra modifier: photodegradation is modelled from the
//! pigment's light fastness at any time, and a month of sun takes a negligible share of a
//! light-fast pigment (carbon black and the iron oxides, Blue Wool 8).

use serde::{Deserialize, Serialize};

use super::kinetics::{Kinetics, HEALING_DAYS, HEALING_RETAINED};
use crate::error::InputError;

/// What SMP clinics tell clients to do while a session heals, as they state it (clinic and
/// trade pages, second-hand; data/research/AFTERCARE.md). Windows differ between clinics; these
/// are the common ones. No study measures what following them changes.
pub const ADVICE: [&str; 6] = [
    "keep the scalp dry for the first 3-5 days: no washing, no heavy sweating",
    "keep it out of the sun for about 4 weeks (a loose hat), then SPF 30-50 or a hat outdoors",
    "no swimming (pool or sea), sauna or steam room for 4 weeks",
    "no strenuous exercise for about a week",
    "do not pick or scratch the scabs; let them fall off",
    "a mild shampoo without alcohol, exfoliants, retinol or benzoyl peroxide until healed",
];

/// The aftercare profiles built in.
pub const PRESETS: [&str; 2] = ["good", "poor"];

/// Healing loss with poor aftercare: an assumption (see the module docs).
pub const POOR_HEALING_LOSS: f64 = 0.5;

/// How a client's healing goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aftercare {
    /// The profile's name.
    #[serde(default = "default_name")]
    pub name: String,
    /// Share of each session's deposit lost while the skin heals.
    pub healing_loss: f64,
    /// Days to complete healing.
    #[serde(default = "default_days")]
    pub healing_days: f64,
    /// Where the numbers come from.
    #[serde(default = "default_source")]
    pub source: String,
}

fn default_name() -> String {
    "file".into()
}

fn default_days() -> f64 {
    HEALING_DAYS
}

fn default_source() -> String {
    "given in a file".into()
}

impl Default for Aftercare {
    fn default() -> Self {
        preset("good").expect("a built-in profile")
    }
}

/// A built-in profile by name.
///
/// # Errors
/// A name that is not one of [`PRESETS`].
pub fn preset(name: &str) -> Result<Aftercare, InputError> {
    match name {
        "good" => Ok(Aftercare {
            name: "good".into(),
            healing_loss: 1.0 - HEALING_RETAINED,
            healing_days: HEALING_DAYS,
            source: "the advice followed: the third lost within weeks (Bäumler 2015)".into(),
        }),
        "poor" => Ok(Aftercare {
            name: "poor".into(),
            healing_loss: POOR_HEALING_LOSS,
            healing_days: HEALING_DAYS,
            source: "the advice not followed; half is an assumption, the top of the 30-50 % \
                     practitioners state, no measurement found"
                .into(),
        }),
        other => Err(InputError::Unknown {
            field: "aftercare".into(),
            kind: "aftercare profile",
            value: other.to_string(),
            known: PRESETS.join(", ") + " or a TOML file",
        }),
    }
}

impl Aftercare {
    /// Reads a profile from TOML (`origin` names the file in errors).
    ///
    /// # Errors
    /// TOML that does not parse, unknown fields, values out of range.
    pub fn from_toml(text: &str, origin: &str) -> Result<Aftercare, InputError> {
        let a: Aftercare = toml::from_str(text).map_err(|e| InputError::Malformed {
            field: origin.to_string(),
            value: e.message().trim().to_string(),
            expected: "an aftercare profile: healing_loss = 0.4 (and optionally name, \
                       healing_days)"
                .into(),
        })?;
        a.validate().map_err(|e| e.at(origin))?;
        Ok(a)
    }

    /// Checks the ranges.
    ///
    /// # Errors
    /// A healing loss outside 0..0.95 or healing days outside 1..365.
    pub fn validate(&self) -> Result<(), InputError> {
        InputError::check_range("healing_loss", self.healing_loss, 0.0, 0.95, "0 to 0.95")?;
        InputError::check_range(
            "healing_days",
            self.healing_days,
            1.0,
            365.0,
            "1 to 365 days",
        )
    }

    /// `k` with this healing.
    pub fn apply(&self, k: Kinetics) -> Kinetics {
        Kinetics {
            healing_retained: 1.0 - self.healing_loss,
            healing_days: self.healing_days,
            ..k
        }
    }
}
