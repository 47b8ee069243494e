//! Fading and touch-ups: the light a client's scalp receives ([`exposure`]), what happens to
//! the pigment in the skin ([`kinetics`]), and the dot's colour over the years with the
//! touch-ups it needs ([`simulate`]); [`aftercare`] sets how much of a session's deposit
//! healing takes; [`job`] is `tinct fade` and `tinct schedule` as one call each.

pub mod aftercare;
pub mod exposure;
pub mod job;
pub mod kinetics;
pub mod simulate;
