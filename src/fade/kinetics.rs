//! What happens to pigment in the skin after a session, per pigment, in three compartments:
//!
//! | compartment | fills | empties | source |
//! |---|---|---|---|
//! | epidermal | the share of a session's deposit placed in the epidermis | shed with the epidermis, first order with the epidermal turnover time | turnover: see [`epidermal_turnover_days`] |
//! | fresh (dermal, not yet settled) | the rest of the deposit | to `held` (the retained share) and out (lymph, wound exudate) within the healing time | about one third of injected pigment leaves the skin within weeks (Bäumler 2015); healing is complete in about a month (Lea & Pawlowski 1987) |
//! | held (dermal macrophages) | from `fresh` | slow clearance; the capture-release-recapture cycle of dermal macrophages keeps the pigment in place (Baranska et al. 2018) | see [`Kinetics::clearance_per_year`] |
//!
//! Light breaks every compartment down at a rate proportional to the daylight reaching the
//! pigment, with a constant per pigment derived from its Blue Wool grade
//! ([`Photodegradation`]). The visible dot is the dermal pigment (fresh + held): the optics
//! model has no pigment in the epidermis, so pigment placed too shallow counts as lost from
//! the look at once (it is shed within weeks in any case).
//!
//! Sources:
//! - Bäumler, W. (2015) Absorption, distribution, metabolism and excretion of tattoo colorants
//!   and ingredients in mouse and human skin. Curr. Probl. Dermatol. 48, 176-184 (abstract):
//!   "about one-third of that amount disappeared from skin within weeks after tattooing, and
//!   this finding was confirmed by pigment extraction from long-existing tattoos".
//! - Lea, P. J. & Pawlowski, A. (1987) Human tattoo: electron microscopic assessment.
//!   Int. J. Dermatol. 26, 453-458 (abstract): "the time of healing, about 1 month from
//!   introduction of ink to complete healing".
//! - Baranska, A. et al. (2018) Unveiling skin macrophage dynamics explains both tattoo
//!   persistence and strenuous removal. J. Exp. Med. 215, 1115-1133 (abstract).

use serde::Serialize;

use crate::error::InputError;

/// Share of a session's deposit left after healing (Bäumler 2015: "about one-third ...
/// disappeared"). The same number as [`crate::pigment::Deposition`]'s default.
pub const HEALING_RETAINED: f64 = 2.0 / 3.0;

/// Days from a session to complete healing (Lea & Pawlowski 1987: "about 1 month").
pub const HEALING_DAYS: f64 = 30.0;

/// Share of the healing loss done at [`HEALING_DAYS`]: "complete" is read as 95 %, so the
/// fresh compartment empties with a time constant of HEALING_DAYS / ln 20 (10 days).
const HEALING_DONE: f64 = 0.95;

/// Days for a keratinocyte to travel from the basal layer to the stratum corneum: 14
/// (Candi, Schmidt & Melino 2005, Nat. Rev. Mol. Cell Biol. 6, 328; via BioNumbers 111965).
const BASAL_TO_CORNEUM_DAYS: f64 = 14.0;

/// Stratum corneum transit time, days, of the two age cohorts of the Kligman group's
/// dansyl-chloride study (J. Soc. Cosmet. Chem. 32(1), 1981, Table I, volar forearm): 19.8 in
/// the cohort labelled "35", 28.1 in the cohort labelled "60". The labels are read as ages.
const CORNEUM_TRANSIT: [(f64, f64); 2] = [(35.0, 19.8), (60.0, 28.1)];

/// Epidermal turnover time at `age_years`: basal-to-corneum travel plus stratum corneum
/// transit, the transit interpolated linearly between the two measured cohorts and held at
/// their values outside them (33.8 days up to 35, 42.1 days from 60).
pub fn epidermal_turnover_days(age_years: f64) -> f64 {
    let [(a0, t0), (a1, t1)] = CORNEUM_TRANSIT;
    let f = ((age_years - a0) / (a1 - a0)).clamp(0.0, 1.0);
    BASAL_TO_CORNEUM_DAYS + t0 + f * (t1 - t0)
}

/// Slow clearance of the held pigment, per year, without light: **a calibration to SMP
/// practice, not a measurement** (secondary).
///
/// No measured rate of long-term loss of tattoo pigment in people was found
/// (data/research/FADE-KINETICS.md section 2): the macrophage cycle keeps pigment in place
/// (capture, release and recapture, Baranska et al. 2018, read), and Bäumler (2015, read) says
/// only that extraction from long-existing tattoos confirms the one-third lost while healing, a
/// statement without the precision to rule out a few percent a year. What practice reports is
/// the touch-up interval: SMP clinics' pages say 1-4, 2-4, 2-5, 3-4, 3-6, 4-5, 4-6, 4-8 and "up
/// to eight" years (eleven pages, read as their own claims, none a measurement;
/// data/research/FADE-PRACTICE.md), the middles of their ranges clustering at 3-6 years with a
/// median of 4.5.
/// The rate is set so that tinct's reference client reaches the touch-up tolerance (2 dE00 from
/// the freshly healed look) after 4.5 years: Fitzpatrick II, black hair, the main job's recipe
/// (carbon black undiluted, a 0.25 mm dot at the top of the papillary
/// dermis), the `mixed` sun profile, the catalog's Blue Wool grades, age 35. The test
/// `clearance_default_is_calibrated_to_practice` (tests/fading.rs) re-derives it. Replace it with
/// a client's own series: `tinct fit` estimates the rate (k2 of `biexp`).
///
/// The rate stands for every slow cause of fading that practice's intervals include, lateral
/// spread (blurring) among them: no rate of spread was found either, only tattoo artists'
/// rules of thumb (data/research/SPREAD.md), and one practice figure cannot calibrate two free
/// rates.
pub const DEFAULT_CLEARANCE_PER_YEAR: f64 = 0.051;

/// Log-normal spread of the clearance in the Monte Carlo: the clinics' central range, 3 to 6
/// years, read as the 10th to 90th percentile of the touch-up time, which scales about as
/// 1/clearance (0.05 and 0.07 per year give 4.6 and 3.4 years): sigma = ln(6/3) / (2 x 1.2816).
pub const CLEARANCE_SIGMA_LN: f64 = 0.270_4;

/// The kinetic parameters (the defaults are the sourced values above).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kinetics {
    /// Share of a session's dermal deposit left after healing.
    pub healing_retained: f64,
    /// Days to complete healing.
    pub healing_days: f64,
    /// Share of a session's deposit that lands in the epidermis (0 for a dot placed in the
    /// dermis; raise it for shallow work; no source gives it). It lies over the dot until shed
    /// ([`crate::fade::simulate::Model::lab`]) and is lost.
    pub epidermal_share: f64,
    /// The client's age, years (sets the epidermal turnover time).
    pub age_years: f64,
    /// First-order loss of the held pigment per year, without light
    /// ([`DEFAULT_CLEARANCE_PER_YEAR`], a calibration to practice).
    pub clearance_per_year: f64,
}

impl Default for Kinetics {
    fn default() -> Self {
        Kinetics {
            healing_retained: HEALING_RETAINED,
            healing_days: HEALING_DAYS,
            epidermal_share: 0.0,
            age_years: 35.0,
            clearance_per_year: DEFAULT_CLEARANCE_PER_YEAR,
        }
    }
}

fn check(field: &str, v: f64, lo: f64, hi: f64, what: &str) -> Result<(), InputError> {
    InputError::check_range(field, v, lo, hi, what)
}

impl Kinetics {
    /// Checks every parameter's range.
    ///
    /// # Errors
    /// The first parameter out of range.
    pub fn validate(&self) -> Result<(), InputError> {
        check(
            "healing retained",
            self.healing_retained,
            0.01,
            1.0,
            "0.01 .. 1",
        )?;
        check(
            "healing days",
            self.healing_days,
            1.0,
            365.0,
            "1 .. 365 days",
        )?;
        check(
            "epidermal share",
            self.epidermal_share,
            0.0,
            0.99,
            "0 .. 0.99",
        )?;
        check("age", self.age_years, 0.0, 120.0, "0 .. 120 years")?;
        check(
            "clearance per year",
            self.clearance_per_year,
            0.0,
            5.0,
            "0 .. 5 per year",
        )?;
        Ok(())
    }

    /// Rate (per day) at which the fresh compartment empties.
    pub fn healing_rate(&self) -> f64 {
        -(1.0 - HEALING_DONE).ln() / self.healing_days
    }

    /// Rate (per day) of epidermal shedding.
    pub fn shedding_rate(&self) -> f64 {
        1.0 / epidermal_turnover_days(self.age_years)
    }

    /// Rate (per day) of slow clearance of held pigment.
    pub fn clearance_rate(&self) -> f64 {
        self.clearance_per_year / 365.25
    }

    /// Deposit that heals to `load` g/m^2 of dermal pigment.
    pub fn deposit_for(&self, load: f64) -> f64 {
        load / (self.healing_retained * (1.0 - self.epidermal_share))
    }
}

/// Pigment of one kind in the three compartments, g/m^2.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Pools {
    pub epidermal: f64,
    pub fresh: f64,
    pub held: f64,
}

impl Pools {
    /// The settled state of a freshly healed dot.
    pub fn healed(load: f64) -> Pools {
        Pools {
            epidermal: 0.0,
            fresh: 0.0,
            held: load,
        }
    }

    /// Pigment in the dermis, in the dot (the epidermal pool lies over the dot and is seen
    /// through [`crate::optics::skin::DotSite::reflectance_with_epidermal`]).
    pub fn visible(&self) -> f64 {
        self.fresh + self.held
    }

    /// Adds a session's deposit of `amount` g/m^2.
    pub fn deposit(&mut self, amount: f64, k: &Kinetics) {
        self.epidermal += amount * k.epidermal_share;
        self.fresh += amount * (1.0 - k.epidermal_share);
    }
}

/// Per-day rates of one pigment's compartments (light excluded).
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    heal: f64,
    retained: f64,
    shed: f64,
    clear: f64,
}

impl Rates {
    pub fn new(k: &Kinetics) -> Rates {
        Rates {
            heal: k.healing_rate(),
            retained: k.healing_retained,
            shed: k.shedding_rate(),
            clear: k.clearance_rate(),
        }
    }

    /// The same rates with the slow clearance multiplied by `factor` (a Monte Carlo draw).
    pub fn with_clearance_scaled(&self, factor: f64) -> Rates {
        Rates {
            clear: self.clear * factor,
            ..*self
        }
    }

    /// Advances `p` by one day with photodegradation rate `photo` (per day), exactly for rates
    /// constant through the day.
    #[inline]
    pub fn step(&self, p: &mut Pools, photo: f64) {
        let light = (-photo).exp();
        p.epidermal *= (-self.shed).exp() * light;
        if p.fresh > 0.0 {
            // fresh: f' = -(h + q) f; held: g' = r h f - (c + q) g.
            let a = self.heal;
            let c = self.clear;
            let f0 = p.fresh;
            let ea = (-a).exp();
            let ec = (-c).exp();
            let gain = if (a - c).abs() > 1e-12 {
                self.retained * a * f0 * (ec - ea) / (a - c)
            } else {
                self.retained * a * f0 * ea
            };
            p.fresh = f0 * ea * light;
            p.held = (p.held * ec + gain) * light;
            if p.fresh < 1e-12 * p.held {
                p.fresh = 0.0;
            }
        } else {
            p.held *= (-self.clear).exp() * light;
        }
    }
}

/// Light fastness of a pigment turned into a first-order photodegradation constant.
///
/// The ISO Blue Wool scale (ISO 105-B02) rates a colourant by the reference wool that shows the
/// same change, grey scale 4 (CIELAB difference 1.7 +- 0.3, ISO 105-A02), after the same
/// exposure. Without ultraviolet a just noticeable fade takes about 0.4 Mlx h for grade 1 and
/// 900 Mlx h for grade 8 (Michalski 1990, "Time's effects on paintings", in Shared
/// Responsibilities, National Gallery of Canada, 39-53; as quoted by the CAMEO encyclopedia,
/// Museum of Fine Arts Boston, "Blue Wool Standard"); the scale is "an approximate geometric
/// progression" (James Heal, maker of the references), so grade g needs
/// 0.4 (900 / 0.4)^((g - 1) / 7) Mlx h, a factor of 3.0 a grade.
///
/// tinct then asks what share of the pigment must go for a grey-scale-4 change in a rating
/// specimen: the pigment reduced with titanium dioxide (PW6), one part pigment to
/// [`Photodegradation::SPECIMEN_WHITE_PARTS`] parts white by mass, as an opaque film with a
/// Saunderson surface (k1 0.04, k2 0.6), seen under D65 by the 10 degree observer. With first
/// order loss, the constant is -ln(1 - share) / dose. The reduction is an assumption: rating
/// practice varies (masstone, several reductions) and a stronger specimen hides loss longer,
/// which would make the constant larger.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Photodegradation {
    /// The grade it was derived from (may be fractional in Monte Carlo draws).
    pub blue_wool: f64,
    /// Share of the pigment lost at grey scale 4 in the rating specimen.
    pub share_at_grey_scale_4: f64,
    /// First-order constant per Mlx h of UV-free daylight at the pigment.
    pub per_mlxh: f64,
}

/// Just noticeable fade dose without UV, Mlx h, of Blue Wool grade `g` (see
/// [`Photodegradation`]).
pub fn blue_wool_dose_mlxh(g: f64) -> f64 {
    0.4 * (900.0f64 / 0.4).powf((g - 1.0) / 7.0)
}

/// The (fractional) Blue Wool grade whose reference fades by grey scale 4 at `dose` Mlx h.
pub fn blue_wool_grade_of_dose(dose_mlxh: f64) -> f64 {
    1.0 + 7.0 * (dose_mlxh / 0.4).ln() / (900.0f64 / 0.4).ln()
}

/// The CIELAB difference of grey scale 4 (ISO 105-A02).
pub const GREY_SCALE_4: f64 = 1.7;

impl Photodegradation {
    /// Parts of titanium dioxide per part of pigment in the rating specimen (an assumption;
    /// see the type's docs).
    pub const SPECIMEN_WHITE_PARTS: f64 = 10.0;

    /// The constant of a pigment whose rating specimen loses `share` at grey scale 4, for
    /// Blue Wool grade `grade`.
    pub fn new(grade: f64, share: f64) -> Photodegradation {
        Photodegradation {
            blue_wool: grade,
            share_at_grey_scale_4: share,
            per_mlxh: -(1.0 - share).ln() / blue_wool_dose_mlxh(grade),
        }
    }
}

/// Share of `pigment` lost when its rating specimen (see [`Photodegradation`]) changes by grey
/// scale 4, or `None` when losing all of it changes the specimen by less (a pigment too close
/// to the white for the rating to mean anything, such as a white).
pub fn share_at_grey_scale_4(
    pigment: &crate::pigment::Pigment,
    white: &crate::pigment::Pigment,
) -> Option<f64> {
    use crate::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
    use crate::difference::cie76;
    use crate::optics::km::{r_infinity, Saunderson, Specular};
    use crate::spectrum::{Spectrum, GRID_LEN};
    let table = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
    let surface = Saunderson {
        k1: 0.04,
        k2: 0.6,
        specular: Specular::Included,
    };
    let c = 1.0 / (1.0 + Photodegradation::SPECIMEN_WHITE_PARTS);
    let lab_at = |left: f64| {
        let mut r = [0.0; GRID_LEN];
        for (i, o) in r.iter_mut().enumerate() {
            let k = c * left * pigment.k_m2_g[i] + (1.0 - c) * white.k_m2_g[i];
            let s = c * left * pigment.s_m2_g[i] + (1.0 - c) * white.s_m2_g[i];
            *o = surface.measured(r_infinity(k, s));
        }
        table.lab(&Spectrum::new(r).expect("finite film reflectance"))
    };
    let fresh = lab_at(1.0);
    let change = |lost: f64| cie76(fresh, lab_at(1.0 - lost)) - GREY_SCALE_4;
    if change(1.0) <= 0.0 {
        return None;
    }
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if change(mid) > 0.0 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(0.5 * (lo + hi))
}

/// Each pigment's photodegradation, and where it came from: a grade given by the caller
/// (`grades`: pigment id, Blue Wool grade) first, then the catalog's measured constant, then
/// its Blue Wool grade; `None` where none is known or the pigment is too close to the white
/// for a rating.
///
/// # Errors
/// The catalog has no titanium dioxide (the white of the rating specimen).
pub fn of_pigments(
    catalog: &crate::pigment::Catalog,
    grades: &[(String, f64)],
    pigments: &[&crate::pigment::Pigment],
) -> Result<(Vec<Option<Photodegradation>>, Vec<String>), InputError> {
    let white = catalog.get("titanium-dioxide")?;
    let mut photo = Vec::new();
    let mut source = Vec::new();
    for p in pigments {
        let given = grades.iter().rev().find(|(g, _)| g == &p.id).map(|g| g.1);
        if let (None, Some(pe), Some(share)) =
            (given, p.photodegradation, share_at_grey_scale_4(p, white))
        {
            // A measured constant, carried as the (fractional) grade it corresponds to.
            let grade =
                blue_wool_grade_of_dose(-(1.0 - share).ln() / pe.per_mlxh.max(f64::MIN_POSITIVE));
            photo.push(Some(Photodegradation {
                blue_wool: grade,
                share_at_grey_scale_4: share,
                per_mlxh: pe.per_mlxh,
            }));
            source.push(format!(
                "measured photodegradation {} per Mlx h (catalog; Blue Wool {} equivalent)",
                crate::colorimetry::text::fmt_num(pe.per_mlxh, 5),
                crate::colorimetry::text::fmt_num(grade, 1)
            ));
            continue;
        }
        let (grade, from) = match (given, p.blue_wool) {
            (Some(g), _) => (
                Some(g),
                format!(
                    "Blue Wool {} (--lightfastness)",
                    crate::colorimetry::text::fmt_num(g, 1)
                ),
            ),
            (None, Some(g)) => (Some(f64::from(g)), format!("Blue Wool {g} (catalog)")),
            (None, None) => (
                None,
                "no Blue Wool grade: photodegradation not modelled (give --lightfastness)".into(),
            ),
        };
        match grade.map(|g| (g, share_at_grey_scale_4(p, white))) {
            Some((g, Some(share))) => {
                photo.push(Some(Photodegradation::new(g, share)));
                source.push(from);
            }
            Some((_, None)) => {
                photo.push(None);
                source.push(
                    "too close to the white for a Blue Wool rating: photodegradation not modelled"
                        .into(),
                );
            }
            None => {
                photo.push(None);
                source.push(from);
            }
        }
    }
    Ok((photo, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blue_wool_doses_run_from_michalski_grade_1_to_8() {
        assert!((blue_wool_dose_mlxh(1.0) - 0.4).abs() < 1e-12);
        assert!((blue_wool_dose_mlxh(8.0) - 900.0).abs() < 1e-9);
        let step = blue_wool_dose_mlxh(5.0) / blue_wool_dose_mlxh(4.0);
        assert!((step - 3.01).abs() < 0.01, "{step}");
        for g in [1.0, 3.5, 8.0] {
            assert!((blue_wool_grade_of_dose(blue_wool_dose_mlxh(g)) - g).abs() < 1e-12);
        }
    }

    #[test]
    fn turnover_slows_with_age_between_the_measured_cohorts() {
        assert!((epidermal_turnover_days(20.0) - 33.8).abs() < 1e-12);
        assert!((epidermal_turnover_days(60.0) - 42.1).abs() < 1e-12);
        assert!(epidermal_turnover_days(47.5) > 33.8 && epidermal_turnover_days(47.5) < 42.1);
    }

    #[test]
    fn a_session_heals_to_its_retained_share_in_about_a_month() {
        // Healing alone: no slow clearance.
        let k = Kinetics {
            clearance_per_year: 0.0,
            ..Kinetics::default()
        };
        let r = Rates::new(&k);
        let mut p = Pools::default();
        p.deposit(k.deposit_for(6.0), &k);
        for _ in 0..30 {
            r.step(&mut p, 0.0);
        }
        // 95 % of the healing loss is done at 30 days.
        let lost = 9.0 - p.visible();
        assert!((lost / 3.0 - 0.95).abs() < 1e-9, "{lost}");
        for _ in 0..200 {
            r.step(&mut p, 0.0);
        }
        assert!((p.visible() - 6.0).abs() < 1e-6, "{}", p.visible());
    }

    #[test]
    fn step_matches_a_fine_euler_integration() {
        let k = Kinetics {
            clearance_per_year: 0.3,
            ..Kinetics::default()
        };
        let r = Rates::new(&k);
        let mut p = Pools {
            epidermal: 0.0,
            fresh: 3.0,
            held: 1.0,
        };
        let q = 0.01;
        let (mut f, mut g) = (3.0, 1.0);
        let n = 100_000;
        let dt = 1.0 / f64::from(n);
        let (a, c) = (k.healing_rate(), k.clearance_rate());
        for _ in 0..n {
            let df = -(a + q) * f;
            let dg = k.healing_retained * a * f - (c + q) * g;
            f += df * dt;
            g += dg * dt;
        }
        r.step(&mut p, q);
        assert!(
            (p.fresh - f).abs() < 1e-4 && (p.held - g).abs() < 1e-4,
            "{p:?} {f} {g}"
        );
    }
}
