//! How a pigment dot looks in a client's skin: the dot's healed colour, the skin's colour and
//! ITA, their contrast, and the dot's cool cast.
//!
//! The cool cast compares the dot with the same skin seen through a perfectly grey (spectrally
//! flat) filter that darkens it to the dot's luminance Y: the colour a practitioner hopes for
//! when aiming at "darker skin". The dot is bluer than that by `bluer_b` (b* of the grey-darkened
//! skin minus the dot's), in the direction `hue_angle_deg` of the difference dot - reference in
//! the a*b* plane (about 270 degrees = toward blue), by `delta_e` CIEDE2000.
//!
//! ```
//! use tinct::appearance::{appear, Component};
//! use tinct::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
//! use tinct::optics::skin::{SkinOptics, SkinParams};
//! use tinct::pigment::Catalog;
//!
//! let table = WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964));
//! let skin = SkinOptics::new(SkinParams::fitzpatrick("II")?)?;
//! let site = skin.site(0.3, 0.1)?; // 0.3 mm below the dermo-epidermal junction, 0.1 mm thick
//! let black = Catalog::builtin().get("carbon-black")?;
//! let a = appear(&skin, &site, &[Component { pigment: black, load_g_m2: 10.0 }], table)?;
//! assert!(a.dot.lab[0] < a.skin.lab[0]); // darker than the skin ...
//! assert!(a.cool_cast.bluer_b > 0.0); // ... and bluer than a grey darkening of it
//! # Ok::<(), tinct::InputError>(())
//! ```

use serde::Serialize;

use crate::colorimetry::spaces::{ita_degrees, xyz_to_lab, xyz_to_srgb, ItaClass, Srgb};
use crate::colorimetry::{Lab, WeightingTable};
use crate::difference::ciede2000;
use crate::error::InputError;
use crate::optics::skin::{DotPigment, DotSite, SkinOptics};
use crate::pigment::Pigment;
use crate::spectrum::{Spectrum, GRID_LEN};

/// One pigment of a dot and its healed load, g/m^2.
#[derive(Debug, Clone, Copy)]
pub struct Component<'a> {
    pub pigment: &'a Pigment,
    pub load_g_m2: f64,
}

/// The pigment of a dot: the sums over the components of their cross-sections per gram times
/// their loads (see [`DotPigment`]).
///
/// # Errors
/// A negative or non-finite load.
pub fn pigment_optics(components: &[Component<'_>]) -> Result<DotPigment, InputError> {
    let mut d = DotPigment::none();
    for c in components {
        if !(c.load_g_m2.is_finite() && c.load_g_m2 >= 0.0) {
            return Err(InputError::OutOfRange {
                field: format!("load of {}", c.pigment.id),
                value: c.load_g_m2,
                expected: "g/m^2, finite and at least 0".into(),
            });
        }
        add_pigment(&mut d, c.pigment, c.load_g_m2);
    }
    Ok(d)
}

/// Adds `load_g_m2` of `pigment` to `dot`.
pub fn add_pigment(dot: &mut DotPigment, pigment: &Pigment, load_g_m2: f64) {
    let packable = pigment.density_g_cm3.filter(|d| *d > 0.0);
    if let Some(rho) = packable {
        dot.packable_volume_cm3_m2 += load_g_m2 / rho;
    }
    for i in 0..GRID_LEN {
        dot.absorption[i] += pigment.mac_m2_g[i] * load_g_m2;
        let s = pigment.msc_m2_g[i] * load_g_m2;
        if packable.is_some() {
            dot.packable_absorption[i] += pigment.mac_m2_g[i] * load_g_m2;
            dot.packable_scattering[i] += s;
            dot.packable_scattering_g[i] += s * pigment.g[i];
        }
        dot.scattering[i] += s;
        dot.scattering_g[i] += s * pigment.g[i];
    }
}

/// The cool cast of a dot (see the module docs).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CoolCast {
    /// L*a*b* of the skin darkened by a grey filter to the dot's Y.
    pub reference_lab: [f64; 3],
    /// How much bluer the dot is, in b* (positive = bluer).
    pub bluer_b: f64,
    /// Hue angle of the difference dot - reference in the a*b* plane, degrees.
    pub hue_angle_deg: f64,
    /// CIEDE2000 between the dot and the grey-darkened skin.
    pub delta_e: f64,
}

/// A colour with its display form.
#[derive(Debug, Clone, Serialize)]
pub struct Seen {
    pub lab: [f64; 3],
    /// `#rrggbb` (clipped to the sRGB gamut when needed).
    pub srgb: String,
    pub in_srgb_gamut: bool,
}

/// The answer to "how will this look in this client's skin?".
#[derive(Debug, Clone, Serialize)]
pub struct Appearance {
    pub dot: Seen,
    pub skin: Seen,
    /// The skin's individual typology angle, degrees.
    pub ita: f64,
    pub ita_class: ItaClass,
    /// CIEDE2000 between dot and skin.
    pub contrast_delta_e: f64,
    pub cool_cast: CoolCast,
    #[serde(skip)]
    pub dot_spectrum: Spectrum,
    #[serde(skip)]
    pub skin_spectrum: Spectrum,
}

fn seen(lab: Lab, srgb: Srgb) -> Seen {
    Seen {
        lab: [lab.l, lab.a, lab.b],
        srgb: srgb.hex(),
        in_srgb_gamut: srgb.in_gamut,
    }
}

/// Evaluates a dot at `site` in `skin` under `table`'s illuminant and observer.
///
/// # Errors
/// A negative or non-finite load.
pub fn appear(
    skin: &SkinOptics,
    site: &DotSite,
    components: &[Component<'_>],
    table: &WeightingTable,
) -> Result<Appearance, InputError> {
    let dot_spectrum = site.reflectance(&pigment_optics(components)?)?;
    let skin_spectrum = skin.reflectance();
    let white = table.white();
    let dot_xyz = table.xyz(&dot_spectrum);
    let skin_xyz = table.xyz(&skin_spectrum);
    let dot_lab = xyz_to_lab(dot_xyz, white);
    let skin_lab = xyz_to_lab(skin_xyz, white);
    let c = dot_xyz.y / skin_xyz.y;
    let reference = crate::colorimetry::Xyz::new(skin_xyz.x * c, skin_xyz.y * c, skin_xyz.z * c);
    let ref_lab = xyz_to_lab(reference, white);
    let (da, db) = (dot_lab.a - ref_lab.a, dot_lab.b - ref_lab.b);
    let ita = ita_degrees(skin_lab);
    Ok(Appearance {
        dot: seen(dot_lab, xyz_to_srgb(dot_xyz, white)),
        skin: seen(skin_lab, xyz_to_srgb(skin_xyz, white)),
        ita,
        ita_class: ItaClass::of(ita),
        contrast_delta_e: ciede2000(skin_lab, dot_lab, 1.0, 1.0, 1.0),
        cool_cast: CoolCast {
            reference_lab: [ref_lab.l, ref_lab.a, ref_lab.b],
            bluer_b: -db,
            hue_angle_deg: crate::colorimetry::spaces::hue_degrees(da, db),
            delta_e: ciede2000(ref_lab, dot_lab, 1.0, 1.0, 1.0),
        },
        dot_spectrum,
        skin_spectrum,
    })
}

/// A finite dot as seen close up (the mean over the dot) and, with a dot spacing, from reading
/// distance (see [`crate::optics::dot`]).
#[derive(Debug, Clone, Serialize)]
pub struct FiniteLook {
    pub diameter_mm: f64,
    /// Mean over the dot, d:0, specular excluded.
    pub close_up: Seen,
    /// CIEDE2000 between the close-up look and the skin.
    pub close_up_contrast_delta_e: f64,
    /// The infinite sheet of the same pigment (what [`appear`] reports).
    pub sheet: Seen,
    /// Profile: radius (mm) and L*a*b* there, out to twice the dot's radius.
    pub profile_radius_mm: Vec<f64>,
    pub profile_lab: Vec<[f64; 3]>,
    /// The same as `#rrggbb`.
    pub profile_srgb: Vec<String>,
    /// From a distance: dots `spacing_mm` apart on a square grid.
    pub blended: Option<Blended>,
    #[serde(skip)]
    pub close_up_spectrum: Spectrum,
}

/// The look of skin with dots from a distance: the area-weighted reflectance of dots and skin
/// (each dot's halo included, neighbours shading each other), not a mix of colours.
#[derive(Debug, Clone, Serialize)]
pub struct Blended {
    pub spacing_mm: f64,
    /// Share of the skin the dots cover (pi r^2 / spacing^2).
    pub coverage: f64,
    pub seen: Seen,
    /// CIEDE2000 between the blended look and the bare skin.
    pub contrast_delta_e: f64,
    /// One dot of the pattern close up, the light its neighbours send under it included (the
    /// lone dot is [`FiniteLook::close_up`]).
    pub dot: Seen,
}

/// The look of a dot of `diameter_mm` at `site` (whose layer holds it; the rest of that layer
/// is dermis), close up and, given `spacing_mm` (centre to centre, square grid, at least the
/// diameter), from a distance.
///
/// # Errors
/// A negative or non-finite load; a diameter outside 0.01-5 mm; a spacing not finite, below
/// the diameter or above 100 mm.
pub fn finite_look(
    skin: &SkinOptics,
    site: &DotSite,
    components: &[Component<'_>],
    diameter_mm: f64,
    spacing_mm: Option<f64>,
    table: &WeightingTable,
) -> Result<FiniteLook, InputError> {
    InputError::check_range("dot diameter (mm)", diameter_mm, 0.01, 5.0, "0.01 to 5 mm")?;
    if let Some(s) = spacing_mm {
        InputError::check_range(
            "dot spacing (mm)",
            s,
            diameter_mm,
            100.0,
            "at least the dot's diameter, at most 100 mm",
        )?;
    }
    let pigment = pigment_optics(components)?;
    // The site's own finite dot when it is this one; else prepared here.
    let prepared;
    let model = match site.finite_dot() {
        Some(m) if m.diameter_mm() == diameter_mm => m,
        _ => {
            prepared = site.clone().with_dot_diameter(diameter_mm)?;
            prepared.finite_dot().expect("just prepared")
        }
    };
    let k = site.dot_index();
    let mut mean = [0.0; GRID_LEN];
    let mut sheet = [0.0; GRID_LEN];
    let radii = model.profile_radius_mm();
    let mut profile = vec![[0.0; GRID_LEN]; radii.len()];
    for (i, band) in model.bands().iter().enumerate() {
        let interior = site.layers(&pigment, i)?[k];
        let a = band.solve(&interior)?;
        mean[i] = a.mean;
        sheet[i] = a.sheet;
        for (p, v) in profile.iter_mut().zip(&a.profile) {
            p[i] = *v;
        }
    }
    let white = table.white();
    let look = |r: &[f64; GRID_LEN]| -> Result<(Seen, Lab, Spectrum), InputError> {
        let s = Spectrum::new(*r)?;
        let xyz = table.xyz(&s);
        let lab = xyz_to_lab(xyz, white);
        Ok((seen(lab, xyz_to_srgb(xyz, white)), lab, s))
    };
    let skin_lab = xyz_to_lab(table.xyz(&skin.reflectance()), white);
    let (close_up, close_lab, close_up_spectrum) = look(&mean)?;
    let (sheet_seen, _, _) = look(&sheet)?;
    let profile_seen = profile
        .iter()
        .map(|p| look(p).map(|(s, _, _)| s))
        .collect::<Result<Vec<_>, _>>()?;
    let profile_lab = profile_seen.iter().map(|s| s.lab).collect();
    let profile_srgb = profile_seen.into_iter().map(|s| s.srgb).collect();
    let blended = match spacing_mm {
        None => None,
        Some(s) => {
            // The pattern's own chain: one cell whose light enters the next and comes back.
            let pattern = model.pattern(s)?;
            let mut r = [0.0; GRID_LEN];
            let mut dot = [0.0; GRID_LEN];
            for i in 0..GRID_LEN {
                let l = pattern.look(i, &site.layers(&pigment, i)?[k])?;
                r[i] = l.blended;
                dot[i] = l.dot;
            }
            let (seen_b, lab_b, _) = look(&r)?;
            Some(Blended {
                spacing_mm: s,
                coverage: pattern.coverage(),
                seen: seen_b,
                contrast_delta_e: ciede2000(skin_lab, lab_b, 1.0, 1.0, 1.0),
                dot: look(&dot)?.0,
            })
        }
    };
    Ok(FiniteLook {
        diameter_mm,
        close_up_contrast_delta_e: ciede2000(skin_lab, close_lab, 1.0, 1.0, 1.0),
        close_up,
        sheet: sheet_seen,
        profile_radius_mm: radii,
        profile_lab,
        profile_srgb,
        blended,
        close_up_spectrum,
    })
}

/// How the client's skin is given.
#[derive(Debug, Clone)]
pub enum SkinInput {
    /// `fitzpatrick:I` .. `fitzpatrick:VI`.
    Preset(String),
    /// A measured colour (any CSS colour; L*a*b* relative to the viewing white).
    Colour(crate::colorimetry::text::ColourText),
    /// A measured reflectance spectrum.
    Spectrum(crate::spectrum::MeasuredSpectrum),
}

impl SkinInput {
    /// `fitzpatrick:III`, a colour such as `lab(62 11 17)`, or `None` when the text is neither
    /// (the caller may then read it as a spectrum file).
    ///
    /// # Errors
    /// `fitzpatrick:` with an unknown phototype.
    pub fn parse(text: &str) -> Result<Option<SkinInput>, InputError> {
        let t = text.trim();
        if let Some(p) = t
            .to_ascii_lowercase()
            .strip_prefix("fitzpatrick:")
            .map(str::to_string)
        {
            SkinParams::fitzpatrick(&p)?;
            return Ok(Some(SkinInput::Preset(p.to_ascii_uppercase())));
        }
        if t.contains('(') || t.starts_with('#') {
            return Ok(Some(SkinInput::Colour(
                crate::colorimetry::text::parse(t).map_err(|e| e.at("skin"))?,
            )));
        }
        Ok(None)
    }
}

/// The skin the model will use, and how it was obtained.
#[derive(Debug, Clone)]
pub struct ResolvedSkin {
    pub params: SkinParams,
    pub optics: SkinOptics,
    /// `fitzpatrick:II`, `fitted to lab(...)`, `fitted to a measured spectrum`.
    pub description: String,
    /// For a measured skin: the fit ([`crate::optics::fit`]), its differences in the
    /// measurement's geometry.
    pub fit: Option<SkinFit>,
}

use crate::optics::fit::{fit_skin, SkinFit, SkinTarget};
use crate::optics::km::Specular;
use crate::optics::skin::SkinParams;

/// How far (dE00) a fitted measured skin may be from the measurement by default. The fit reaches
/// 0.5 for all 100 spectra of the NIST skin reflectance set (tests/skin_fit.rs); 1.0 leaves room
/// for instruments and sites that set does not hold.
pub const DEFAULT_SKIN_TOLERANCE: f64 = 1.0;

/// Resolves a skin input; a measured skin (`measured`: whether its instrument included the
/// specular reflection) is fitted and must come within `tolerance` dE00. The resolved skin is
/// seen specular excluded, whatever the measurement.
///
/// # Errors
/// A measured skin the model cannot reach within `tolerance`, naming the closest it reaches.
pub fn resolve_skin(
    input: &SkinInput,
    table: &WeightingTable,
    tolerance: f64,
    measured: Specular,
) -> Result<ResolvedSkin, InputError> {
    InputError::check_range(
        "skin-tolerance",
        tolerance,
        f64::MIN_POSITIVE,
        f64::MAX,
        "a dE00 above 0",
    )?;
    let start = SkinParams {
        specular: measured,
        ..SkinParams::fitzpatrick("III")?
    };
    let (fit, description, target_lab) = match input {
        SkinInput::Preset(p) => {
            let params = SkinParams::fitzpatrick(p)?;
            return Ok(ResolvedSkin {
                params,
                optics: SkinOptics::new(params)?,
                description: format!("fitzpatrick:{p}"),
                fit: None,
            });
        }
        SkinInput::Colour(c) => {
            let lab = c.to_lab(table.white());
            (
                fit_skin(start, SkinTarget::Lab(lab, table))?,
                format!("fitted to {}", crate::colorimetry::text::format_lab(lab)),
                lab,
            )
        }
        SkinInput::Spectrum(m) => {
            // Fitted to the spectrum's shape and colour together (crate::optics::fit).
            let s = m.to_spectrum();
            let lab = table.lab(&s);
            (
                fit_skin(start, SkinTarget::Spectrum(&s, table))?,
                format!(
                    "fitted to a measured spectrum ({})",
                    crate::colorimetry::text::format_lab(lab)
                ),
                lab,
            )
        }
    };
    if fit.delta_e > tolerance {
        return Err(InputError::Invalid {
            field: "skin".into(),
            message: format!(
                "{} is outside what the skin model reaches: the closest is {}, dE00 {:.2} > \
                 {tolerance} (--skin-tolerance accepts a looser fit)",
                crate::colorimetry::text::format_lab(target_lab),
                crate::colorimetry::text::format_lab(table.lab(&fit.reflectance)),
                fit.delta_e
            ),
        });
    }
    let params = SkinParams {
        specular: Specular::Excluded,
        ..fit.params
    };
    Ok(ResolvedSkin {
        params,
        optics: SkinOptics::new(params)?,
        description,
        fit: Some(fit),
    })
}
