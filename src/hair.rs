//! Hair and the follicle target: hair colour by named presets from published measurements
//! (data/hair/hair_lab.csv) or a measured colour; the hair shaft's melanin fitted to that tress
//! colour ([`shaft_from_tress`]); and the shaved follicle as that shaft lying under the client's
//! epidermis, seen through the same transport as the dots ([`follicle`], [`FollicleGeometry`]).
//!
//! ```
//! use tinct::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
//! use tinct::hair::{follicle, TRESS_TOLERANCE};
//! use tinct::optics::skin::{SkinOptics, SkinParams};
//!
//! let table = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
//! let skin = SkinOptics::new(SkinParams::fitzpatrick("II")?)?;
//! let f = follicle(&skin, "black", table, TRESS_TOLERANCE)?;
//! let (shaft, bare) = (table.lab(&f.reflectance), table.lab(&skin.reflectance()));
//! assert!(shaft.l < bare.l - 20.0 && shaft.l > 30.0); // dark, but far lighter than the tress
//! assert!(f.shaft.opaque);
//! # Ok::<(), tinct::InputError>(())
//! ```

use serde::Serialize;

use crate::colorimetry::text::parse;
use crate::colorimetry::{Lab, WeightingTable, Xyz};
use crate::difference::ciede2000;
use crate::error::InputError;
use crate::optics::skin::SkinOptics;
use crate::optics::transport::Layer;
use crate::spectrum::{Spectrum, GRID_LEN};

const TABLE: &str = include_str!("../data/hair/hair_lab.csv");

/// Names practitioners use for which no readable measurement was found (see the data file).
const UNSOURCED: &[&str] = &[
    "medium-brown",
    "light-brown",
    "blond",
    "red",
    "grey",
    "gray",
    "white",
];

/// The presets: (name, L*a*b*).
pub fn presets() -> Vec<(String, Lab)> {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.splitn(5, ',').collect();
            let n = |i: usize| f[i].parse::<f64>().expect("embedded hair table is numeric");
            (f[0].to_string(), Lab::new(n(1), n(2), n(3)))
        })
        .collect()
}

/// A hair colour by preset name or as a colour (`lab(...)`, relative to `white`).
///
/// # Errors
/// An unknown name, a name without a published measurement (say so), or a malformed colour.
pub fn hair_colour(text: &str, white: Xyz) -> Result<Lab, InputError> {
    let t = text.trim().to_ascii_lowercase();
    if let Some((_, lab)) = presets().into_iter().find(|(n, _)| *n == t) {
        return Ok(lab);
    }
    if UNSOURCED.contains(&t.as_str()) {
        return Err(InputError::Invalid {
            field: "hair".into(),
            message: format!(
                "no published measurement of {t:?} hair was found, so tinct has no preset for it; \
                 give a measured colour such as lab(20 2 2) (presets: {})",
                presets()
                    .into_iter()
                    .map(|p| p.0)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    if t.contains('(') || t.starts_with('#') {
        return Ok(parse(text).map_err(|e| e.at("hair"))?.to_lab(white));
    }
    Err(InputError::Unknown {
        field: "hair".into(),
        kind: "hair colour",
        value: text.to_string(),
        known: presets()
            .into_iter()
            .map(|p| p.0)
            .collect::<Vec<_>>()
            .join(", ")
            + ", or a colour such as lab(20 2 2)",
    })
}

// ---------------------------------------------------------------------------------------------
// The hair shaft: its melanin from the measured tress colour, and the shaved follicle's look.
// ---------------------------------------------------------------------------------------------

/// Chiang, Bitterli, Tappan & Burley (2016), "A practical and controllable hair and fur model
/// for production path tracing", Computer Graphics Forum 35(2):275-283, section 4.2: the
/// absorption per fibre radius sigma_a that gives a mass of hair the multiple-scattering
/// colour c, sigma_a = (ln c / P(beta_n))^2, with P a fifth-degree polynomial in the azimuthal
/// roughness beta_n fitted to path-traced hair. Read in pbrt-v4's code
/// (`HairBxDF::SigmaAFromReflectance`, src/pbrt/bxdfs.cpp), the paper's abstract only.
/// Inverted here: c = exp(-P sqrt(sigma_a)).
const CHIANG_P: [f64; 6] = [5.969, -0.215, 2.532, -10.73, 5.574, 0.245];

/// The azimuthal roughness the inversion is evaluated at: pbrt-v4's default `beta_n` for hair
/// (0.3; read in its code, src/pbrt/materials.cpp), the value Chiang et al.'s examples use.
pub const BETA_N: f64 = 0.3;

/// The part of a tress's reflectance that never enters a fibre (the cuticle's surface
/// reflection, which melanin does not colour), taken spectrally flat at the luminance factor of
/// the black tress in data/hair/hair_lab.csv, L* 18.00 specular excluded (Scanavez et al. 2000,
/// Table IV, read): Y = ((18 + 16) / 116)^3. The assumption is that black hair's melanin is
/// opaque, so all it returns is this surface part (pbrt's black, eumelanin 8, passes under 0.1 %
/// across a fibre; HAIR-SHAFT.md); its measured a*, b* (0.02, -0.91) are near neutral, as a
/// surface reflection is. Same instrument and geometry as the dark-brown tress.
pub const TRESS_SURFACE_REFLECTANCE: f64 = 0.025_178;

/// Eumelanin and pheomelanin absorption spectra: the same laws as the skin's melanosomes
/// ([`crate::optics::tissue`]: Jacques 1998, lambda^-3.33 and lambda^-4.75), scaled to an
/// absorption coefficient at 550 nm. Their shapes agree with the renderers' hair constants
/// (pbrt-v4's eumelanin sigma_a rises 3.3 times from red to blue, the law 3.1 times from 630 to
/// 450 nm; pheomelanin 5.6 and 4.9). The absolute melanin content of hair by colour was not
/// found (data/research/HAIR-SHAFT.md), so tinct states a shaft's melanin as the absorption it
/// causes, not as a mass.
const EUMELANIN_POWER: f64 = 3.33;
const PHEOMELANIN_POWER: f64 = 4.75;

/// Shaft diameter, mm: 0.061 +- 0.008 mm, frontal scalp, 60 healthy women (Rakowska 2009,
/// J Dermatol Case Rep 3(1):14-19, read; occiput 0.057 +- 0.007). Bustard & Smith (1990) give
/// "approximately 70 microns" for a typical hair (read).
pub const SHAFT_DIAMETER_MM: f64 = 0.061;

/// The disc that looks like a strip of unit width lying under the epidermis: calibrated
/// against the 3-D Monte Carlo of the strip ([`FollicleGeometry`]).
pub const STRIP_DISC_RATIO: f64 = 2.7;

/// Upper bound of either melanin's absorption at 550 nm in the fit, mm^-1: past it a 0.061 mm
/// shaft passes under e^-12 across, so the colour no longer moves.
const MAX_MELANIN_PER_MM: f64 = 200.0;

/// A hair shaft's pigment: eumelanin and pheomelanin as the absorption each causes at 550 nm.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ShaftMelanin {
    /// Eumelanin's absorption coefficient at 550 nm, mm^-1.
    pub eumelanin_per_mm: f64,
    /// Pheomelanin's absorption coefficient at 550 nm, mm^-1.
    pub pheomelanin_per_mm: f64,
}

impl ShaftMelanin {
    /// The shaft's absorption coefficient at `nm`, mm^-1.
    pub fn mu_a_per_mm(&self, nm: f64) -> f64 {
        let x = nm / 550.0;
        self.eumelanin_per_mm * x.powf(-EUMELANIN_POWER)
            + self.pheomelanin_per_mm * x.powf(-PHEOMELANIN_POWER)
    }

    /// The reflectance of a tress of such hair of `diameter_mm`: the surface part plus the
    /// multiple-scattering part of Chiang et al. (2016) at [`BETA_N`].
    pub fn tress_reflectance(&self, diameter_mm: f64) -> Spectrum {
        let b = BETA_N;
        let p: f64 = CHIANG_P
            .iter()
            .enumerate()
            .map(|(k, c)| c * b.powi(k as i32))
            .sum();
        let wl = crate::spectrum::grid_wavelengths();
        let mut out = [0.0; GRID_LEN];
        for (o, nm) in out.iter_mut().zip(wl) {
            let sigma = self.mu_a_per_mm(nm) * 0.5 * diameter_mm;
            let c = (-p * sigma.sqrt()).exp();
            let s = TRESS_SURFACE_REFLECTANCE;
            *o = s + (1.0 - s) * c;
        }
        Spectrum::new(out).expect("finite tress reflectance")
    }
}

/// A shaft's melanin fitted to a measured tress colour.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShaftFit {
    pub melanin: ShaftMelanin,
    /// The fitted tress's colour.
    pub lab: Lab,
    /// CIEDE2000 between it and the measured colour.
    pub delta_e: f64,
    /// The colour is as dark as a tress gets (its surface alone): any more melanin looks the
    /// same, and the fit gives the least that does (within 0.01 dE00).
    pub opaque: bool,
}

/// The melanin of a shaft of `diameter_mm` whose tress measures `tress` (under `table`'s
/// viewing, specular excluded): the two absorptions (their total 0.01 to 200 mm^-1 at 550 nm)
/// that bring the modelled tress closest to it in CIEDE2000. Where more melanin no longer changes the colour (black hair), the least
/// melanin within 0.01 dE00 of the best is returned and `opaque` is set.
///
/// # Errors
/// A diameter outside 0.01-0.5 mm.
pub fn shaft_from_tress(
    tress: Lab,
    diameter_mm: f64,
    table: &WeightingTable,
) -> Result<ShaftFit, InputError> {
    InputError::check_range(
        "hair shaft diameter (mm)",
        diameter_mm,
        0.01,
        0.5,
        "0.01 to 0.5 mm",
    )?;
    let eval = |m: &ShaftMelanin| {
        let lab = table.lab(&m.tress_reflectance(diameter_mm));
        (ciede2000(lab, tress, 1.0, 1.0, 1.0), lab)
    };
    // Total absorption on a log grid, pheomelanin's share on a linear one, then refined by
    // shrinking the grid around the best point.
    let at = |lt: f64, share: f64| {
        let t = 10f64.powf(lt);
        ShaftMelanin {
            eumelanin_per_mm: t * (1.0 - share),
            pheomelanin_per_mm: t * share,
        }
    };
    let (lo, hi) = (-2.0, MAX_MELANIN_PER_MM.log10());
    let mut best = (f64::INFINITY, 0.0, 0.0);
    for i in 0..=80 {
        let lt = lo + (hi - lo) * i as f64 / 80.0;
        for j in 0..=20 {
            let share = j as f64 / 20.0;
            let d = eval(&at(lt, share)).0;
            if d < best.0 {
                best = (d, lt, share);
            }
        }
    }
    let (mut step_l, mut step_s) = ((hi - lo) / 80.0, 0.05);
    for _ in 0..40 {
        let mut moved = false;
        for (dl, ds) in [(1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0)] {
            let (lt, share) = (
                (best.1 + dl * step_l).clamp(lo, hi),
                (best.2 + ds * step_s).clamp(0.0, 1.0),
            );
            let d = eval(&at(lt, share)).0;
            if d < best.0 - 1e-12 {
                best = (d, lt, share);
                moved = true;
            }
        }
        if !moved {
            step_l *= 0.5;
            step_s *= 0.5;
        }
    }
    // The least total absorption within 0.01 dE00 of the best (bisection on the total at the
    // best share): black hair's colour is reached by any opaque shaft.
    let floor = best.0 + 0.01;
    let (mut a, mut b) = (lo, hi);
    let opaque = eval(&at(hi, best.2)).0 <= floor && eval(&at(lo, best.2)).0 > floor;
    if opaque {
        for _ in 0..60 {
            let m = 0.5 * (a + b);
            if eval(&at(m, best.2)).0 <= floor {
                b = m;
            } else {
                a = m;
            }
        }
        best.1 = b;
    }
    let melanin = at(best.1, best.2);
    let (delta_e, lab) = eval(&melanin);
    Ok(ShaftFit {
        melanin,
        lab,
        delta_e,
        opaque,
    })
}

/// Where a shaved follicle's shaft runs and how it is modelled.
///
/// A shaved hair leaves the scalp at an angle (10-30 degrees from the surface at the hairline
/// and temples, steeper toward the crown; hair-transplant practice, secondary, SMP-GEOMETRY.md
/// section 4), so what is seen of it is the shaft lying just under the epidermis, several times
/// longer than it is wide. It is modelled as a strip lying across the light (an endless
/// cylinder), its top at the dermo-epidermal junction and its height the shaft's cross-section
/// spread over its width (pi/4 of the diameter: the same pigment in the same width), the rest of
/// its layer dermis.
///
/// The finite-dot model ([`crate::optics::dot`]) handles discs, so the strip is evaluated as a
/// disc [`STRIP_DISC_RATIO`] times the shaft's diameter across (0.165 mm), a ratio calibrated
/// against tinct's 3-D Monte Carlo of the strip itself (`DotMonteCarlo::as_strip`): over
/// Fitzpatrick I-V, both hair presets and five bands from 430 to 670 nm (50 cases, 100,000
/// photons each) the disc is within 0.0025 RMS of the strip's mean reflectance, 0.0066 at most;
/// tests/follicle.rs checks other skins and bands. The first-order rule, a disc with the
/// strip's ratio of area to edge (4 x area / perimeter = 2 w), leaves 0.016 RMS, too light: light
/// under a long strip must cross more of it. A visible run shorter than several widths looks
/// lighter than the endless strip, by up to about 0.02 in reflectance when it is as short as it
/// is wide (the 2 w disc). For scale, Rassman et al. ask for SMP dots "around 0.1mm as seen from
/// the surface" (read, SMP-GEOMETRY.md section 3).
///
/// The shaft's cortex is taken as clear keratin, absorbing by its melanin alone, with the skin's
/// refractive index (its own, 1.55, is not modelled); its measured scattering was not found
/// (HAIR-SHAFT.md 2a).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FollicleGeometry {
    /// Shaft diameter, mm ([`SHAFT_DIAMETER_MM`]).
    pub shaft_diameter_mm: f64,
    /// Depth of the shaft's top below the dermo-epidermal junction, mm (0: right under it).
    pub depth_mm: f64,
}

impl Default for FollicleGeometry {
    fn default() -> Self {
        FollicleGeometry {
            shaft_diameter_mm: SHAFT_DIAMETER_MM,
            depth_mm: 0.0,
        }
    }
}

impl FollicleGeometry {
    /// Height of the modelled shaft, mm.
    pub fn height_mm(&self) -> f64 {
        std::f64::consts::FRAC_PI_4 * self.shaft_diameter_mm
    }

    /// Diameter of the disc the finite-dot model evaluates, mm ([`STRIP_DISC_RATIO`]).
    pub fn disc_mm(&self) -> f64 {
        STRIP_DISC_RATIO * self.shaft_diameter_mm
    }

    /// The shaft's interior at band `i`, `height_mm` thick.
    pub fn interior(&self, melanin: &ShaftMelanin, i: usize) -> Layer {
        let nm = crate::spectrum::grid_wavelengths()[i];
        Layer {
            mu_a: melanin.mu_a_per_mm(nm),
            mu_s: 0.0,
            g: 0.0,
            thickness_mm: self.height_mm(),
        }
    }
}

/// The shaved follicle seen through `skin`: the mean reflectance over the shaft (specular
/// handled as the skin's own), per [`FollicleGeometry`].
///
/// # Errors
/// A geometry out of range (shaft 0.01-0.5 mm, depth 0 to 1 mm).
pub fn follicle_reflectance(
    skin: &SkinOptics,
    melanin: &ShaftMelanin,
    geometry: &FollicleGeometry,
) -> Result<Spectrum, InputError> {
    InputError::check_range(
        "hair shaft diameter (mm)",
        geometry.shaft_diameter_mm,
        0.01,
        0.5,
        "0.01 to 0.5 mm",
    )?;
    InputError::check_range(
        "follicle depth (mm)",
        geometry.depth_mm,
        0.0,
        1.0,
        "0 to 1 mm below the dermo-epidermal junction",
    )?;
    let site = skin
        .site(geometry.depth_mm, geometry.height_mm())?
        .with_chain_dot_diameter(geometry.disc_mm())?;
    site.reflectance_of_interior(&|i| geometry.interior(melanin, i))
}

/// How far (dE00) the modelled tress may be from a measured hair colour for [`follicle`] to
/// accept it by default: the presets come within 0.55 (dark brown) and 0.90 (black). The shaft
/// model is validated on dark hair only: darker than the black tress (whose reflectance is taken
/// as the cuticle's alone) it cannot go, and its lighter hairs are yellower than measured brown
/// hair tends to be (for lab(30 5 8) it reaches lab(27.3 6.1 11.5), 3.2 away). A colour outside
/// the tolerance is refused rather than silently replaced; a caller may accept more.
pub const TRESS_TOLERANCE: f64 = 1.5;

/// A follicle target: the client's hair as a shaft under the client's skin.
#[derive(Debug, Clone, Serialize)]
pub struct Follicle {
    /// The hair as given (a preset name or a colour).
    pub hair: String,
    /// The tress colour the shaft was fitted to (D65, 10 degree observer for the presets, the
    /// caller's viewing for a colour given outright).
    pub tress_lab: Lab,
    /// The shaft's melanin, fitted to it.
    pub shaft: ShaftFit,
    pub geometry: FollicleGeometry,
    /// Mean reflectance over the shaft seen through the skin.
    #[serde(skip)]
    pub reflectance: Spectrum,
}

/// The follicle of `hair` (a preset or a measured tress colour under `table`'s viewing) in
/// `skin`, with the default [`FollicleGeometry`], the tress fitted within `tolerance` dE00
/// ([`TRESS_TOLERANCE`] by default).
///
/// # Errors
/// An unknown hair, a colour that does not parse, a tolerance not above 0, or a colour the
/// shaft model cannot reach within it (the message names the closest it reaches).
pub fn follicle(
    skin: &SkinOptics,
    hair: &str,
    table: &WeightingTable,
    tolerance: f64,
) -> Result<Follicle, InputError> {
    InputError::check_range(
        "hair-tolerance",
        tolerance,
        f64::MIN_POSITIVE,
        f64::MAX,
        "a dE00 above 0",
    )?;
    use crate::colorimetry::{Illuminant, Observer, Viewing};
    let t = hair.trim().to_ascii_lowercase();
    let preset = presets().into_iter().find(|(n, _)| *n == t).map(|p| p.1);
    // The presets were measured under D65 with the 10 degree observer.
    let d65 = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
    let (tress_lab, fit_table) = match preset {
        Some(lab) => (lab, d65),
        None => (hair_colour(hair, table.white())?, table),
    };
    let shaft = shaft_from_tress(tress_lab, SHAFT_DIAMETER_MM, fit_table)?;
    if shaft.delta_e > tolerance {
        let l = shaft.lab;
        return Err(InputError::Invalid {
            field: "hair".into(),
            message: format!(
                "{} is not reached by tinct's hair shaft model within dE00 {}: the closest \
                 tress is lab({:.1} {:.1} {:.1}), dE00 {:.2} (the model is validated on black and \
                 dark-brown hair; --hair-tolerance accepts more)",
                hair.trim(),
                tolerance,
                l.l,
                l.a,
                l.b,
                shaft.delta_e
            ),
        });
    }
    let geometry = FollicleGeometry::default();
    let reflectance = follicle_reflectance(skin, &shaft.melanin, &geometry)?;
    Ok(Follicle {
        hair: hair.trim().to_string(),
        tress_lab,
        shaft,
        geometry,
        reflectance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_and_errors() {
        let w = Xyz::new(94.8, 100.0, 107.3);
        assert_eq!(
            hair_colour("black", w).unwrap(),
            Lab::new(18.0, 0.02, -0.91)
        );
        assert_eq!(hair_colour("Dark-Brown", w).unwrap().l, 22.48);
        assert_eq!(
            hair_colour("lab(30 5 8)", w).unwrap(),
            Lab::new(30.0, 5.0, 8.0)
        );
        let e = hair_colour("blond", w).unwrap_err().to_string();
        assert!(e.contains("no published measurement"), "{e}");
        assert!(hair_colour("purple", w).is_err());
    }
}
