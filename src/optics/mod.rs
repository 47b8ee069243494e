//! Optics of pigment inside skin: Kubelka-Munk layers ([`km`]).
//!
//! The two-flux (Kubelka-Munk) model describes a layer by its absorption coefficient K and
//! scattering coefficient S (per unit thickness) and its thickness X, at one wavelength; layers
//! stack by Kubelka's layer addition, and the Saunderson correction links the internal
//! reflectance the model computes to what an instrument or an eye sees through the surface.

pub mod fit;
pub mod km;
pub mod medium;
pub mod mie;
pub mod skin;
pub mod tissue;
pub mod transport;
