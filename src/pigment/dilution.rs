//! From a practitioner's dilution ("1 part pigment to 6 parts diluent") to the pigment load in
//! the healed dot, and back.
//!
//! The deposition model, with its assumptions stated:
//! - Undiluted ink deposits a load of pigment per area of tattooed skin, w0. Engel et al. (2008,
//!   Contact Dermatitis 58, 228-233; abstract read) extracted 0.60 to 9.42 mg/cm^2 (mean
//!   2.53 mg/cm^2 = 25.3 g/m^2) of Pigment Red 22 from freshly tattooed skin, depending on
//!   crystal size, applied concentration and procedure. tinct takes the mean as w0 for
//!   undiluted ink; it is adjustable, and a practitioner's own technique may differ severalfold.
//! - Diluting 1 : N (by volume, with the ink's and the diluent's densities taken as equal)
//!   divides the pigment concentration, and so the deposited load, by 1 + N.
//! - Healing removes part of it: about one third of the injected pigment disappears within
//!   weeks, in animal experiments confirmed by extraction from long-existing tattoos (the
//!   chapter "Absorption, Distribution, Metabolism and Excretion" of Tattooed Skin and Health,
//!   Curr. Probl. Dermatol. 48, Karger 2015; abstract read), so the healed load is 2/3 of the
//!   deposited one.
//!
//! healed load = retained * w0 / (1 + N).

use crate::error::InputError;

/// A dilution: parts of pigment (ink) to parts of diluent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dilution {
    pub pigment_parts: f64,
    pub diluent_parts: f64,
}

impl Dilution {
    /// Parses `1:6` (pigment parts : diluent parts).
    ///
    /// # Errors
    /// Not two non-negative numbers with positive pigment parts.
    pub fn parse(text: &str) -> Result<Dilution, InputError> {
        let bad = || InputError::Malformed {
            field: "dilution".into(),
            value: text.to_string(),
            expected: "PIGMENT_PARTS:DILUENT_PARTS such as 1:6".into(),
        };
        let (a, b) = text.split_once(':').ok_or_else(bad)?;
        let p: f64 = a.trim().parse().map_err(|_| bad())?;
        let d: f64 = b.trim().parse().map_err(|_| bad())?;
        if !(p.is_finite() && p > 0.0 && d.is_finite() && d >= 0.0) {
            return Err(bad());
        }
        Ok(Dilution {
            pigment_parts: p,
            diluent_parts: d,
        })
    }

    /// Fraction of the undiluted concentration.
    pub fn strength(&self) -> f64 {
        self.pigment_parts / (self.pigment_parts + self.diluent_parts)
    }
}

/// The deposition model's parameters (see the module docs for their sources).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Deposition {
    /// Pigment deposited by undiluted ink, g/m^2.
    pub undiluted_load_g_m2: f64,
    /// Fraction of the deposited pigment left after healing.
    pub retained_after_healing: f64,
}

impl Default for Deposition {
    fn default() -> Self {
        Deposition {
            undiluted_load_g_m2: 25.3,
            retained_after_healing: 2.0 / 3.0,
        }
    }
}

impl Deposition {
    /// Healed load, g/m^2, of a dilution.
    pub fn healed_load(&self, d: Dilution) -> f64 {
        self.retained_after_healing * self.undiluted_load_g_m2 * d.strength()
    }

    /// The dilution (1 : N) whose healed load is `load` g/m^2.
    ///
    /// # Errors
    /// A load that is not positive, or more than undiluted ink leaves.
    pub fn dilution_for(&self, load: f64) -> Result<Dilution, InputError> {
        let max = self.healed_load(Dilution {
            pigment_parts: 1.0,
            diluent_parts: 0.0,
        });
        if !(load.is_finite() && load > 0.0 && load <= max) {
            return Err(InputError::OutOfRange {
                field: "load (g/m^2)".into(),
                value: load,
                expected: format!("above 0 and at most {max:.3}, what undiluted ink leaves"),
            });
        }
        Ok(Dilution {
            pigment_parts: 1.0,
            diluent_parts: max / load - 1.0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let dep = Deposition::default();
        let d = Dilution::parse("1:6").unwrap();
        let w = dep.healed_load(d);
        assert!((w - 25.3 * 2.0 / 3.0 / 7.0).abs() < 1e-12);
        let back = dep.dilution_for(w).unwrap();
        assert!((back.diluent_parts - 6.0).abs() < 1e-9);
        assert!(Dilution::parse("1-6").is_err());
        assert!(Dilution::parse("0:6").is_err());
        assert!(dep.dilution_for(100.0).is_err());
    }
}
