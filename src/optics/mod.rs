//! Optics of pigment inside skin.
//!
//! - [`transport`]: exact radiative transfer in plane-parallel layers by adding-doubling, under
//!   every prediction of a dot in skin; [`medium`]: the same on a layered medium described in a
//!   file (`tinct optics`).
//! - [`tissue`] and [`skin`]: the sourced optical constants of skin and the layered skin with a
//!   pigment dot in the dermis, solved by [`transport`]; [`fit`]: the skin fitted to a measured
//!   colour.
//! - [`dot`]: a finite dot (a cylinder of pigment in one layer) seen through the skin, the
//!   light that spreads under it included, by a fast ring chain pinned to adding-doubling;
//!   [`montecarlo`]: its 3-D Monte Carlo reference.
//! - [`mie`]: absorption and scattering of pigment particles from their optical constants.
//! - [`km`]: two-flux Kubelka-Munk layers with the Saunderson correction, the field's model for
//!   paint films and drawdowns (`tinct calibrate`), where it is the right one.

pub mod dot;
pub mod dot_exact;
pub mod fit;
pub mod km;
pub mod medium;
pub mod mie;
pub mod montecarlo;
pub mod packaging;
pub mod skin;
pub mod tissue;
pub mod transport;
