//! # tinct
//!
//! Predicts how cosmetic-tattoo pigment looks inside a person's skin, finds the pigment mix that
//! looks right, and predicts how it fades so that touch-ups can be planned. Its first field is
//! scalp micropigmentation (SMP).
//!
//! - [`spectrum`]: the internal wavelength grid, [`Spectrum`], measured spectra and resampling;
//! - [`colorimetry`]: CIE observers and illuminants, ASTM E308 tristimulus values, colour
//!   spaces (XYZ, xyY, Lab, LCh, Oklab, Oklch, sRGB) and CSS Color 4 text;
//! - [`difference`]: CIE76, CIE94, CMC l:c and CIEDE2000 colour differences;
//! - [`optics`], [`pigment`], [`appearance`]: exact light transport (adding-doubling) in layered
//!   media and medium files, the layered skin on it, Kubelka-Munk for paint films, Mie theory,
//!   the pigment catalog, and how a dot looks in a client's skin;
//! - [`formulate`]: the recipe search behind `tinct match`;
//! - [`fade`]: sunlight at the scalp, pigment kinetics, fading over the years, touch-ups;
//! - [`fit`]: fade kinetics fitted to measurements, with confidence intervals;
//! - [`calibrate`]: K and S from drawdowns, photodegradation from exposures;
//! - [`io`], [`report`]: the table readers and writers and the SVG pictures behind the tool;
//! - [`request`]: each job's request read from JSON (Python, services).
//!
//! Every command is one library call: a request struct in, a serialisable report out
//! ([`appearance::appear_job`], [`formulate::job::match_job`], [`plan::job::plan_job`],
//! [`fade::job::fade_job`], [`fade::job::schedule_job`], [`fit::job::fit_amounts`],
//! [`optics::medium::optics_job`], [`calibrate::job::optical_job`],
//! [`report::consultation::consultation_job`]).
//!
//! Nothing in the library prints; the `tinct` binary formats.
//!
//! A front end (the CLI, the Python package, a report page, a service) makes one call per job:
//!
//! ```
//! use tinct::formulate::job::{match_job, MatchRequest};
//! use tinct::pigment::Catalog;
//!
//! let mut req = MatchRequest::new("fitzpatrick:III");
//! req.aim.hair = Some("dark-brown".into());
//! req.top = 1;
//! let report = match_job(&req, Catalog::builtin()).unwrap();
//! assert_eq!(report.target.what, "a shaved dark-brown follicle in this skin");
//! // What `tinct match --json` prints:
//! let json = serde_json::to_value(&report).unwrap();
//! assert_eq!(json["recipes"][0]["components"][0]["pigment"], "carbon-black");
//! ```
//!
//! ```
//! use tinct::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
//! use tinct::spectrum::Spectrum;
//!
//! let viewing = Viewing::new(Illuminant::D65, Observer::Cie1964);
//! let table = WeightingTable::for_grid(viewing);
//! let grey = Spectrum::constant(0.18);
//! let lab = table.lab(&grey);
//! assert!((lab.l - 49.496).abs() < 1e-3 && lab.a.abs() < 1e-9);
//! ```
#![forbid(unsafe_code)]

pub mod appearance;
pub mod calibrate;
pub mod colorimetry;
mod dates;
pub mod difference;
pub mod error;
pub mod fade;
pub mod fit;
pub mod formulate;
pub mod hair;
pub mod io;
mod math;
pub mod optics;
pub mod pigment;
pub mod plan;
pub mod report;
pub mod request;
pub mod spectrum;

pub use colorimetry::{Illuminant, Lab, Observer, Viewing, WeightingTable, Xyz};
pub use difference::DeltaE;
pub use error::InputError;
pub use spectrum::{MeasuredSpectrum, Spectrum};
