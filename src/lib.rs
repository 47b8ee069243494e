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
//! - [`io`], [`report`]: the table readers and writers and the SVG pictures behind the tool.
//!
//! Nothing in the library prints; the `tinct` binary formats.
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
pub mod spectrum;

pub use colorimetry::{Illuminant, Lab, Observer, Viewing, WeightingTable, Xyz};
pub use difference::DeltaE;
pub use error::InputError;
pub use spectrum::{MeasuredSpectrum, Spectrum};
