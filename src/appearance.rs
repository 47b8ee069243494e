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
    /// Whether the close-up (the mean over the dot and its profile inside it) carries the 3-D
    /// Monte Carlo's correction of the fast model, which tinct holds for its built-in skins at
    /// the default dot ([`crate::optics::dot_exact`]) and borrows for like skins and other
    /// needles ([`crate::optics::dot_exact::borrow`]); a pattern's dots take it weighted by
    /// their spacing ([`crate::optics::dot::PATTERN_CORRECTION_SPAN`]); the profile beside the
    /// dot and the sheet are the fast model's alone.
    pub corrected: bool,
    /// Where that correction comes from, in words
    /// ([`crate::optics::dot::FiniteDot::correction_source`]).
    pub correction: String,
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
        corrected: model.corrected(),
        correction: model.correction_source().to_string(),
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

/// Most photons per band [`monte_carlo_look`] takes: about four minutes for the 43 bands on 2
/// cores (20,000, the default, take about 5 s and give standard errors of about 0.002).
pub const MAX_LOOK_PHOTONS: u64 = 1_000_000;

/// A finite dot's look by the 3-D Monte Carlo ([`crate::optics::montecarlo`]), the reference
/// the fast model is checked against: `appear --monte-carlo`.
#[derive(Debug, Clone, Serialize)]
pub struct MonteCarloLook {
    /// Photons launched over the dot per band, and the seed.
    pub photons: u64,
    pub seed: u64,
    /// Mean over the dot, d:0, specular excluded.
    pub close_up: Seen,
    /// Standard errors of the close-up's L*, a*, b* (the bands' standard errors carried
    /// through the colour's weights; the bands are independent runs).
    pub close_up_lab_std_error: [f64; 3],
    /// CIEDE2000 between this close-up and the skin.
    pub close_up_contrast_delta_e: f64,
    /// CIEDE2000 between this close-up and the fast model's.
    pub fast_delta_e: f64,
    /// Mean reflectance over the dot per band, and its standard error.
    pub reflectance: Vec<f64>,
    pub std_error: Vec<f64>,
    /// With a spacing: the pattern from afar, and one dot of it close up, each with its
    /// CIEDE2000 from the fast model's.
    pub blended: Option<MonteCarloBlend>,
}

/// The pattern by the Monte Carlo ([`MonteCarloLook::blended`]).
#[derive(Debug, Clone, Serialize)]
pub struct MonteCarloBlend {
    pub seen: Seen,
    pub fast_delta_e: f64,
    pub dot: Seen,
    pub dot_fast_delta_e: f64,
}

/// A pattern's spectra from [`monte_carlo_spectra`]: the blend from afar and one dot of it.
pub type PatternSpectra = ([f64; GRID_LEN], [f64; GRID_LEN]);

/// What [`monte_carlo_spectra`] gives: the mean over the dot per band and its standard error,
/// and with a spacing the pattern's spectra.
#[derive(Debug, Clone)]
pub struct MonteCarloSpectra {
    pub mean: [f64; GRID_LEN],
    pub std_error: [f64; GRID_LEN],
    pub pattern: Option<PatternSpectra>,
}

/// The mean reflectance over a finite dot of `diameter_mm` holding `components` at `site`, per
/// band, by the 3-D Monte Carlo (each band an independent run of `photons` from `seed`), with
/// its standard errors; with a spacing, the pattern's blend and dot as well.
///
/// # Errors
/// `photons` outside 1..=[`MAX_LOOK_PHOTONS`]; a diameter or spacing out of range.
pub fn monte_carlo_spectra(
    site: &DotSite,
    components: &[Component<'_>],
    diameter_mm: f64,
    spacing_mm: Option<f64>,
    photons: u64,
    seed: u64,
) -> Result<MonteCarloSpectra, InputError> {
    use crate::optics::montecarlo::DotMonteCarlo;
    use crate::optics::transport::Below;
    InputError::check_range(
        "photons",
        photons as f64,
        1.0,
        MAX_LOOK_PHOTONS as f64,
        &format!("1 to {MAX_LOOK_PHOTONS} a band"),
    )?;
    let pigment = pigment_optics(components)?;
    let k = site.dot_index();
    let mut mean = [0.0; GRID_LEN];
    let mut se = [0.0; GRID_LEN];
    let mut pattern = spacing_mm.map(|_| ([0.0; GRID_LEN], [0.0; GRID_LEN]));
    for i in 0..GRID_LEN {
        let bare = site.layers(&DotPigment::none(), i)?;
        let interior = site.layers(&pigment, i)?[k];
        let mc = DotMonteCarlo::new(
            &bare,
            Below::SemiInfinite,
            site.index(),
            k,
            0.5 * diameter_mm,
            interior,
        )?;
        let t = mc.run(photons, seed)?;
        mean[i] = t.mean;
        se[i] = t.std_error;
        if let (Some(s), Some((blend, dot))) = (spacing_mm, pattern.as_mut()) {
            let p = mc.with_period(s)?.run_pattern(photons, seed)?;
            blend[i] = p.blended;
            dot[i] = p.dot;
        }
    }
    Ok(MonteCarloSpectra {
        mean,
        std_error: se,
        pattern,
    })
}

/// The standard errors of the L*a*b* of `mean` under `table` when its bands carry independent
/// standard errors `se`: each band moved by its error, one at a time, through the colour.
///
/// # Errors
/// A spectrum that is not a reflectance (the mean, or the mean moved by an error).
pub fn lab_std_error(
    mean: &[f64; GRID_LEN],
    se: &[f64; GRID_LEN],
    table: &WeightingTable,
) -> Result<[f64; 3], InputError> {
    let white = table.white();
    let lab = |r: &[f64; GRID_LEN]| Spectrum::new(*r).map(|s| xyz_to_lab(table.xyz(&s), white));
    let centre = lab(mean)?;
    let mut var = [0.0; 3];
    for i in 0..GRID_LEN {
        let mut moved = *mean;
        moved[i] += se[i];
        let l = lab(&moved)?;
        for (v, d) in var
            .iter_mut()
            .zip([l.l - centre.l, l.a - centre.a, l.b - centre.b])
        {
            *v += d * d;
        }
    }
    Ok(var.map(f64::sqrt))
}

/// The finite dot of [`finite_look`] by the 3-D Monte Carlo: every band an independent run of
/// `photons` over the dot from `seed` (the same answer on any machine), the pattern too with a
/// spacing. `fast` is the fast model's look of the same dot, to compare.
///
/// # Errors
/// `photons` outside 1..=[`MAX_LOOK_PHOTONS`]; the dot's checks as in [`finite_look`].
pub fn monte_carlo_look(
    skin: &SkinOptics,
    site: &DotSite,
    components: &[Component<'_>],
    fast: &FiniteLook,
    photons: u64,
    seed: u64,
    table: &WeightingTable,
) -> Result<MonteCarloLook, InputError> {
    let spacing = fast.blended.as_ref().map(|b| b.spacing_mm);
    let MonteCarloSpectra {
        mean,
        std_error: se,
        pattern,
    } = monte_carlo_spectra(site, components, fast.diameter_mm, spacing, photons, seed)?;
    let (blend, pattern_dot) = pattern.unwrap_or(([0.0; GRID_LEN], [0.0; GRID_LEN]));
    let white = table.white();
    let look = |r: &[f64; GRID_LEN]| -> Result<(Seen, Lab), InputError> {
        let xyz = table.xyz(&Spectrum::new(*r)?);
        let lab = xyz_to_lab(xyz, white);
        Ok((seen(lab, xyz_to_srgb(xyz, white)), lab))
    };
    let lab_of = |s: &Seen| Lab::new(s.lab[0], s.lab[1], s.lab[2]);
    let (close_up, close_lab) = look(&mean)?;
    let skin_lab = xyz_to_lab(table.xyz(&skin.reflectance()), white);
    let blended = match &fast.blended {
        None => None,
        Some(b) => {
            let (seen_b, lab_b) = look(&blend)?;
            let (dot_b, lab_d) = look(&pattern_dot)?;
            Some(MonteCarloBlend {
                fast_delta_e: ciede2000(lab_of(&b.seen), lab_b, 1.0, 1.0, 1.0),
                seen: seen_b,
                dot_fast_delta_e: ciede2000(lab_of(&b.dot), lab_d, 1.0, 1.0, 1.0),
                dot: dot_b,
            })
        }
    };
    Ok(MonteCarloLook {
        photons,
        seed,
        close_up_lab_std_error: lab_std_error(&mean, &se, table)?,
        close_up_contrast_delta_e: ciede2000(skin_lab, close_lab, 1.0, 1.0, 1.0),
        fast_delta_e: ciede2000(lab_of(&fast.close_up), close_lab, 1.0, 1.0, 1.0),
        close_up,
        reflectance: mean.to_vec(),
        std_error: se.to_vec(),
        blended,
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

// ---- the appear job: one request, one report (what `tinct appear --json` prints) ----

/// How a request gives the client's skin: text (`fitzpatrick:II`, a colour such as
/// `lab(62 11 17)`), or a measured reflectance spectrum.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Serialize)]
#[serde(untagged)]
pub enum SkinRequest {
    Text(String),
    Spectrum {
        wavelengths_nm: Vec<f64>,
        reflectance: Vec<f64>,
    },
}

impl SkinRequest {
    /// The skin input this names.
    ///
    /// # Errors
    /// Text that is neither a preset nor a colour; a malformed spectrum.
    pub fn input(&self) -> Result<SkinInput, InputError> {
        match self {
            SkinRequest::Text(t) => SkinInput::parse(t)?.ok_or_else(|| InputError::Malformed {
                field: "skin".into(),
                value: t.clone(),
                expected: "fitzpatrick:I..VI, a colour such as lab(62 11 17), or a spectrum".into(),
            }),
            SkinRequest::Spectrum {
                wavelengths_nm,
                reflectance,
            } => Ok(SkinInput::Spectrum(
                crate::spectrum::MeasuredSpectrum::new(wavelengths_nm.clone(), reflectance.clone())
                    .map_err(|e| e.at("skin"))?,
            )),
        }
    }
}

/// How a measured skin was read: `sce` (specular excluded) or `sci` (included).
///
/// # Errors
/// Any other text.
pub fn parse_specular(field: &str, text: &str) -> Result<Specular, InputError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "sce" | "excluded" => Ok(Specular::Excluded),
        "sci" | "included" => Ok(Specular::Included),
        _ => Err(InputError::Malformed {
            field: field.into(),
            value: text.to_string(),
            expected: "sce (specular excluded) or sci (specular included)".into(),
        }),
    }
}

/// A pigment at a healed load.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PigmentLoad {
    pub pigment: String,
    pub load_g_m2: f64,
}

/// A pigment as an ink dilution (`"1:6"`: pigment parts to diluent parts), its healed load
/// from the deposition model.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PigmentDilution {
    pub pigment: String,
    pub dilution: String,
}

fn default_skin_tolerance() -> f64 {
    DEFAULT_SKIN_TOLERANCE
}
fn default_specular() -> String {
    "sce".into()
}
fn default_depth() -> f64 {
    crate::optics::skin::DEFAULT_DOT_DEPTH_MM
}
fn default_thickness() -> f64 {
    crate::optics::skin::DEFAULT_DOT_THICKNESS_MM
}
fn default_diameter() -> Option<f64> {
    Some(crate::optics::skin::DEFAULT_DOT_DIAMETER_MM)
}
fn default_cluster_um() -> f64 {
    crate::optics::packaging::Packaging::DEFAULT.cluster_um
}
fn default_cluster_fill() -> f64 {
    crate::optics::packaging::Packaging::DEFAULT.fill
}
fn default_illuminant() -> String {
    "D65".into()
}
fn default_observer() -> String {
    "10".into()
}

/// The client's skin as a request gives it, and how a measured one is fitted (the `--skin`,
/// `--skin-tolerance` and `--skin-specular` flags of appear, match, plan, fade and schedule).
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Serialize)]
pub struct SkinSpec {
    pub skin: SkinRequest,
    /// How far (dE00) a fitted measured skin may be from the measurement.
    #[serde(default = "default_skin_tolerance")]
    pub skin_tolerance: f64,
    /// How the measured skin was read: `sce` or `sci`.
    #[serde(default = "default_specular")]
    pub skin_specular: String,
}

impl SkinSpec {
    /// A skin given as text (`fitzpatrick:II`, `lab(62 11 17)`) with the default fitting.
    pub fn text(text: &str) -> SkinSpec {
        SkinSpec {
            skin: SkinRequest::Text(text.to_string()),
            skin_tolerance: DEFAULT_SKIN_TOLERANCE,
            skin_specular: default_specular(),
        }
    }

    /// The skin, fitted when measured.
    ///
    /// # Errors
    /// As [`resolve_skin`]; a bad `skin_specular`.
    pub fn resolve(&self, table: &WeightingTable) -> Result<ResolvedSkin, InputError> {
        self.resolve_other(&self.skin, table)
    }

    /// Another skin (a scar's) fitted with these settings.
    ///
    /// # Errors
    /// As [`SkinSpec::resolve`].
    pub fn resolve_other(
        &self,
        skin: &SkinRequest,
        table: &WeightingTable,
    ) -> Result<ResolvedSkin, InputError> {
        let specular = parse_specular("skin-specular", &self.skin_specular)?;
        resolve_skin(&skin.input()?, table, self.skin_tolerance, specular)
    }
}

/// Where the dot sits, how big it is and how its pigment is packed (`--depth`, `--thickness`,
/// `--dot-diameter`, `--cluster-um`, `--cluster-fill`), with the library's defaults.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize, Serialize)]
pub struct DotSpec {
    /// Depth of the dot's top below the dermo-epidermal junction, mm.
    #[serde(default = "default_depth")]
    pub depth_mm: f64,
    #[serde(default = "default_thickness")]
    pub thickness_mm: f64,
    /// The dot's diameter, mm; `None` (JSON null) for an infinite sheet.
    #[serde(default = "default_diameter")]
    pub dot_diameter_mm: Option<f64>,
    #[serde(default = "default_cluster_um")]
    pub cluster_um: f64,
    #[serde(default = "default_cluster_fill")]
    pub cluster_fill: f64,
    /// Trace the 3-D Monte Carlo's correction of the finite dot's fast model for this skin and
    /// dot (about 3 s) instead of using the built-in tables, which hold tinct's own skins with
    /// 0.25 and 1 mm dots 0-0.3 mm deep and lend theirs to like skins, other depths and dots
    /// of 0.18-1 mm; without either the fast model is its ring chain alone.
    #[serde(default)]
    pub trace_dot: bool,
}

impl Default for DotSpec {
    fn default() -> Self {
        DotSpec {
            depth_mm: default_depth(),
            thickness_mm: default_thickness(),
            dot_diameter_mm: default_diameter(),
            cluster_um: default_cluster_um(),
            cluster_fill: default_cluster_fill(),
            trace_dot: false,
        }
    }
}

impl DotSpec {
    /// The packaging.
    pub fn packaging(&self) -> crate::optics::packaging::Packaging {
        crate::optics::packaging::Packaging {
            cluster_um: self.cluster_um,
            fill: self.cluster_fill,
        }
    }

    /// The dot's site in `skin`: packed, and finite unless the diameter is `None`.
    ///
    /// # Errors
    /// A depth, thickness, diameter or packaging out of range.
    pub fn site(&self, skin: &SkinOptics) -> Result<DotSite, InputError> {
        if self.trace_dot && self.dot_diameter_mm.is_none() {
            return Err(InputError::Invalid {
                field: "trace-dot".into(),
                message: "an infinite sheet needs no finite-dot correction; give a dot diameter"
                    .into(),
            });
        }
        let site = skin
            .site(self.depth_mm, self.thickness_mm)?
            .with_packaging(self.packaging())?;
        match self.dot_diameter_mm {
            Some(d) if self.trace_dot => site.with_traced_dot_diameter(d),
            Some(d) => site.with_dot_diameter(d),
            None => Ok(site),
        }
    }
}

/// `tinct appear` as one library call ([`appear_job`]): a dot of pigments in a client's skin.
/// Every field but `skin` has the command's default; [`crate::request::from_json`] reads it
/// from JSON or a Python dict and refuses unknown fields.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Serialize)]
pub struct AppearRequest {
    #[serde(flatten)]
    pub skin: SkinSpec,
    /// Pigments at healed loads, g/m^2.
    #[serde(default)]
    pub pigments: Vec<PigmentLoad>,
    /// Pigments as ink dilutions.
    #[serde(default)]
    pub dilutions: Vec<PigmentDilution>,
    #[serde(flatten)]
    pub dot: DotSpec,
    /// Dots this far apart (centre to centre, square grid), for the look from afar.
    #[serde(default)]
    pub spacing_mm: Option<f64>,
    /// Or the share of skin the dots cover (sets the spacing).
    #[serde(default)]
    pub coverage: Option<f64>,
    #[serde(default = "default_illuminant")]
    pub illuminant: String,
    #[serde(default = "default_observer")]
    pub observer: String,
    /// Also solve the finite dot by the 3-D Monte Carlo ([`monte_carlo_look`]).
    #[serde(default)]
    pub monte_carlo: bool,
    /// Its photons per band and seed.
    #[serde(default = "default_photons")]
    pub photons: u64,
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_photons() -> u64 {
    20_000
}
fn default_seed() -> u64 {
    1
}

/// The dot's colour in an [`AppearReport`].
#[derive(Debug, Clone, Serialize)]
pub struct DotColour {
    pub lab: [f64; 3],
    pub lch: [f64; 3],
    pub srgb: String,
    pub in_srgb_gamut: bool,
    /// The dot's reflectance (an infinite sheet), per `wavelengths_nm`.
    pub reflectance: Vec<f64>,
}

/// The skin in a report: its colour, how it was obtained, and its model.
#[derive(Debug, Clone, Serialize)]
pub struct SkinReport {
    pub lab: [f64; 3],
    pub srgb: String,
    pub ita: f64,
    pub ita_class: &'static str,
    /// `fitzpatrick:II`, `fitted to lab(...)`, ...
    pub source: String,
    /// The model's free parameters ([`crate::optics::fit::FREE`]).
    pub parameters: serde_json::Value,
    /// For a measured skin: `{"delta_e", "spectral_rms", "parameters", "at_bounds",
    /// "iterations"}`.
    pub fit: serde_json::Value,
    pub reflectance: Vec<f64>,
}

/// A finite dot's look and its close-up reflectance.
#[derive(Debug, Clone, Serialize)]
pub struct FiniteReport {
    #[serde(flatten)]
    pub look: FiniteLook,
    pub reflectance: Vec<f64>,
    /// The same dot by the 3-D Monte Carlo, when the request asks for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monte_carlo: Option<MonteCarloLook>,
}

/// How pigment is packed, as reported.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PackagingReport {
    pub cluster_um: f64,
    pub fill: f64,
}

/// What [`appear_job`] answers: exactly what `tinct appear --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct AppearReport {
    pub wavelengths_nm: Vec<f64>,
    /// The dot as an infinite sheet.
    pub dot: DotColour,
    pub skin: SkinReport,
    /// The whole medium solved (a `tinct optics` file of it gives the dot's spectrum).
    pub model: crate::optics::medium::Medium,
    pub contrast_delta_e: f64,
    /// The finite dot, close up and (with a spacing) from afar.
    pub finite: Option<FiniteReport>,
    pub cool_cast: CoolCast,
    pub components: Vec<PigmentLoad>,
    pub depth_mm: f64,
    pub thickness_mm: f64,
    pub packaging: PackagingReport,
    pub total_load_g_m2: f64,
    /// The mix as one ink: the dilution whose healed load is the total (`1:N`), when one is
    /// meaningful.
    pub as_dilution: Option<String>,
    pub illuminant: &'static str,
    pub observer: u32,
}

/// A resolved skin's model parameters, and its fit when measured (`skin.parameters` and
/// `skin.fit` of the reports).
pub fn skin_json(skin: &ResolvedSkin) -> (serde_json::Value, serde_json::Value) {
    use crate::optics::fit::FREE;
    let params: serde_json::Map<String, serde_json::Value> = FREE
        .iter()
        .map(|f| (f.name.to_string(), serde_json::json!(f.of(&skin.params))))
        .collect();
    let fit = skin.fit.as_ref().map(|f| {
        serde_json::json!({
            "delta_e": f.delta_e,
            "spectral_rms": f.spectral_rms,
            "parameters": FREE
                .iter()
                .map(|p| (p.name.to_string(), serde_json::json!(p.of(&f.params))))
                .collect::<serde_json::Map<_, _>>(),
            "at_bounds": f.at_bounds,
            "iterations": f.iterations,
        })
    });
    (
        serde_json::Value::Object(params),
        fit.unwrap_or(serde_json::Value::Null),
    )
}

/// `tinct appear` as one call: the request checked, the skin resolved (fitted when measured),
/// the dot evaluated as a sheet and, unless the request asks for a sheet, as a finite dot. The
/// report holds all a front end draws from (the skin's description and fit, the dot's profile).
///
/// # Errors
/// Bad input: an unknown pigment or illuminant, a load, depth, size, spacing or packaging out
/// of range, a skin the model cannot reach within the tolerance.
pub fn appear_job(
    req: &AppearRequest,
    catalog: &crate::pigment::Catalog,
) -> Result<AppearReport, InputError> {
    use crate::colorimetry::spaces::lab_to_lch;
    use crate::colorimetry::{Illuminant, Observer, Viewing};
    let viewing = Viewing::new(
        req.illuminant.parse::<Illuminant>()?,
        req.observer.parse::<Observer>()?,
    );
    let table = WeightingTable::for_grid(viewing);
    if req.pigments.is_empty() && req.dilutions.is_empty() {
        return Err(InputError::Invalid {
            field: "pigment".into(),
            message: "give at least one pigment with its load, or a dilution".into(),
        });
    }
    let mut components = Vec::new();
    for p in &req.pigments {
        InputError::check_range(
            &format!("load of {}", p.pigment),
            p.load_g_m2,
            0.0,
            f64::MAX,
            "g/m^2, finite and at least 0",
        )?;
        components.push(Component {
            pigment: catalog.get(&p.pigment)?,
            load_g_m2: p.load_g_m2,
        });
    }
    let deposition = crate::pigment::Deposition::default();
    for d in &req.dilutions {
        components.push(Component {
            pigment: catalog.get(&d.pigment).map_err(|e| e.at("dilution"))?,
            load_g_m2: deposition.healed_load(crate::pigment::Dilution::parse(&d.dilution)?),
        });
    }
    let diameter = req.dot.dot_diameter_mm;
    if diameter.is_none() && (req.spacing_mm.is_some() || req.coverage.is_some()) {
        return Err(InputError::Invalid {
            field: "spacing".into(),
            message: "a spacing or coverage needs a finite dot, not an infinite sheet".into(),
        });
    }
    if req.spacing_mm.is_some() && req.coverage.is_some() {
        return Err(InputError::Invalid {
            field: "coverage".into(),
            message: "give a spacing or a coverage, not both".into(),
        });
    }
    if req.monte_carlo {
        if diameter.is_none() {
            return Err(InputError::Invalid {
                field: "monte_carlo".into(),
                message: "the Monte Carlo solves a finite dot, not an infinite sheet (the sheet is exact already)".into(),
            });
        }
        InputError::check_range(
            "photons",
            req.photons as f64,
            1.0,
            MAX_LOOK_PHOTONS as f64,
            &format!("1 to {MAX_LOOK_PHOTONS} a band"),
        )?;
    }
    let skin = req.skin.resolve(table)?;
    let packaging = req.dot.packaging();
    if req.dot.trace_dot && diameter.is_none() {
        // (DotSpec::site's own message.)
        req.dot.site(&skin.optics)?;
    }
    let site = DotSpec {
        dot_diameter_mm: None,
        trace_dot: false,
        ..req.dot
    }
    .site(&skin.optics)?;
    let r = appear(&skin.optics, &site, &components, table)?;
    let finite = match diameter {
        None => None,
        Some(d) => {
            let spacing = match (req.spacing_mm, req.coverage) {
                (Some(s), _) => Some(s),
                (None, Some(c)) => {
                    let max = std::f64::consts::FRAC_PI_4;
                    InputError::check_range(
                        "coverage",
                        c,
                        f64::MIN_POSITIVE,
                        max,
                        "above 0, at most 0.785 (touching dots)",
                    )?;
                    Some((std::f64::consts::PI * (0.5 * d).powi(2) / c).sqrt())
                }
                (None, None) => None,
            };
            // With trace_dot, the finite dot traced here; else finite_look prepares it.
            let finite_site = if req.dot.trace_dot {
                site.clone().with_traced_dot_diameter(d)?
            } else {
                site.clone()
            };
            let look = finite_look(&skin.optics, &finite_site, &components, d, spacing, table)?;
            let monte_carlo = if req.monte_carlo {
                Some(monte_carlo_look(
                    &skin.optics,
                    &site,
                    &components,
                    &look,
                    req.photons,
                    req.seed,
                    table,
                )?)
            } else {
                None
            };
            Some(FiniteReport {
                reflectance: look.close_up_spectrum.values().to_vec(),
                look,
                monte_carlo,
            })
        }
    };
    let model = site.medium(&pigment_optics(&components)?)?;
    let total: f64 = components.iter().map(|c| c.load_g_m2).sum();
    // Past a million parts of diluent a dilution means nothing (and a subnormal load gives
    // infinite parts).
    let as_dilution = deposition
        .dilution_for(total)
        .ok()
        .filter(|d| d.diluent_parts.is_finite() && d.diluent_parts <= 1e6)
        .map(|d| {
            format!(
                "1:{}",
                crate::colorimetry::text::fmt_num(d.diluent_parts, 1)
            )
        });
    let lch = lab_to_lch(Lab::new(r.dot.lab[0], r.dot.lab[1], r.dot.lab[2]));
    let (parameters, fit) = skin_json(&skin);
    Ok(AppearReport {
        wavelengths_nm: crate::spectrum::grid_wavelengths().to_vec(),
        dot: DotColour {
            lab: r.dot.lab,
            lch: [lch.l, lch.c, lch.h],
            srgb: r.dot.srgb.clone(),
            in_srgb_gamut: r.dot.in_srgb_gamut,
            reflectance: r.dot_spectrum.values().to_vec(),
        },
        skin: SkinReport {
            lab: r.skin.lab,
            srgb: r.skin.srgb.clone(),
            ita: r.ita,
            ita_class: r.ita_class.name(),
            source: skin.description.clone(),
            parameters,
            fit,
            reflectance: r.skin_spectrum.values().to_vec(),
        },
        model,
        contrast_delta_e: r.contrast_delta_e,
        finite,
        cool_cast: r.cool_cast,
        components: components
            .iter()
            .map(|c| PigmentLoad {
                pigment: c.pigment.id.clone(),
                load_g_m2: c.load_g_m2,
            })
            .collect(),
        depth_mm: req.dot.depth_mm,
        thickness_mm: req.dot.thickness_mm,
        packaging: PackagingReport {
            cluster_um: packaging.cluster_um,
            fill: packaging.fill,
        },
        total_load_g_m2: total,
        as_dilution,
        illuminant: viewing.illuminant.name(),
        observer: viewing.observer.degrees(),
    })
}
