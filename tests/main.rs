//! All integration tests in one binary (`autotests = false`): reference datasets, properties,
//! and the real `tinct` binary end to end.

mod common;

mod calibrating;
mod cli;
mod consultation;
mod fading;
mod finite_dot;
#[cfg(feature = "tables")]
mod fitting;
mod follicle;
mod hostile;
mod matching;
mod packaging;
mod physics;
mod plan;
mod properties;
mod python;
mod readme;
mod reference;
mod skin_fit;
mod transport;
