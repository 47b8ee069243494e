//! The 3-D Monte Carlo's exact answers that correct the finite dot's fast model
//! ([`super::dot`]) for any dot interior, traced once per medium and dot, not per pigment.
//!
//! **The idea.** A dot that differs from the tissue of its layer only by absorbing more changes
//! the weight a path of light carries by exp(-extra mu_a L), L the path's length inside the
//! cylinder, and changes nothing else about the path. So one Monte Carlo of the medium, which
//! records for every escape of light launched over the dot the paths it spent in the cylinder
//! and in each layer ([`super::montecarlo::EscapePaths`]), gives the exact mean over the dot for
//! every extra absorption at once, and for every band whose layers absorb more than the traced
//! ones (perturbation Monte Carlo; Hayakawa et al., Opt Lett 2001;26:1335-1337, read
//! second-hand). A dot also scatters unlike the tissue, which no reweighting reaches; it is
//! traced at a few scattering levels ([`CORRECTION_LEVELS`]) and the fast model interpolates
//! between them in log mu_s'.
//!
//! **What is stored.** For each band of the medium, for each scattering level (the tissue's own
//! first) and for each extra absorption optical depth of [`taus`]: the exact value. For the
//! tissue's level it is the share of the sheet's effect the finite dot keeps, (dot - bare) /
//! (sheet - bare) from the same paths (whose errors largely cancel in the ratio); for the others
//! the mean diffuse reflectance over the dot (specular excluded). The fast model turns these
//! into its correction against its own chain (56 chain solves a band), so the exact values do
//! not depend on the chain. The built-in tables also store that correction for the full model
//! ([`BandExact::corrections`]), so a built-in skin costs nothing more than the chain alone;
//! `tests/finite_dot.rs::builtin_dot_corrections_are_current` checks it against the current
//! chain, and `refresh_builtin_dot_corrections` derives it again without a Monte Carlo.
//!
//! **Where the bands come from.** The Monte Carlo is traced at every [`CORRECTION_STRIDE`]-th
//! band and the last, each with every layer absorbing its least over the bands from the
//! previous traced band to the next (so reweighting to any of them only adds absorption, which
//! keeps a weight's variance; taking absorption away multiplies the weights of long paths, and
//! those are few). A band between two traced bands takes both, each reweighted to its own
//! absorption, mixed by where it lies between them: their scattering differs from the band's,
//! and that difference changes smoothly with wavelength, while absorption (blood's bands) does
//! not.
//!
//! **Cost.** At [`BUILTIN_PHOTONS`] photons this takes minutes on two cores, so the tables for
//! tinct's built-in skins with dots 0.25 mm (the default SMP needle) and 1 mm across, 0.1 mm
//! thick, at 0, 0.05, 0.1, 0.2 and 0.3 mm below the junction are traced ahead
//! (`tests/finite_dot.rs::regenerate_builtin_dot_tables`) and embedded from
//! `data/dot/exact.json`, each under a key that hashes everything it depends on ([`key`]).
//!
//! **Borrowing.** Another skin, depth or diameter finds none of its own, but the correction
//! (exact minus the chain) changes slowly with the skin's absorption, the dot's depth and its
//! size: a medium of the same layers and dot thickness, whose scattering and epidermis lie
//! close to the built-in skins', borrows theirs ([`borrow`]), interpolated in depth between
//! the built-in depths (fading to nil below the deepest, where the chain alone is as good), in
//! log diameter between the built-in dots, and between the two skins whose pigmentation
//! brackets its own. The limits [`BORROW_DIAMETER_MM`], [`BORROW_SCATTERING`],
//! [`BORROW_THICKNESS`], [`BORROW_BEYOND`], [`BORROW_FADE_MM`] are where it was checked against
//! the Monte Carlo. Beyond them the fast model is the chain alone, unless the caller traces the
//! tables itself ([`trace`]).

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::montecarlo::{DotMonteCarlo, EscapePaths};
use super::transport::{Below, Layer};
use crate::error::InputError;

/// Traced bands: every this-many-th band, and the last.
pub const CORRECTION_STRIDE: usize = 6;
/// The scattering levels beyond the tissue's own: reduced scattering coefficients of the dot's
/// interior, 1/mm, at anisotropy [`CORRECTION_G`] (the catalog's pigments in a dot span about
/// 3-190 /mm at g 0.3-0.77; above the last level the last is used, below the tissue's the
/// tissue's).
pub const CORRECTION_LEVELS: [f64; 3] = [15.0, 60.0, 200.0];
pub const CORRECTION_G: f64 = 0.55;
/// The table in the dot's extra absorption optical depth across its layer: nil, then
/// 10^LOG_TAU.0 to 10^LOG_TAU.1 at PER_DECADE points a decade.
const LOG_TAU: (f64, f64) = (-2.0, 2.0);
const PER_DECADE: usize = 3;
/// Photons per traced band and level for the built-in tables, and their seed.
pub const BUILTIN_PHOTONS: u64 = 60_000;
pub const SEED: u64 = 0xC0_44EC7;

/// The embedded tables: data/dot/exact.json.
const BUILTIN: &str = include_str!("../../data/dot/exact.json");

/// The optical depths of the tables: nil, then log-spaced.
pub fn taus() -> Vec<f64> {
    let (lo, hi) = LOG_TAU;
    let n = ((hi - lo) * PER_DECADE as f64).round() as usize;
    std::iter::once(0.0)
        .chain((0..=n).map(|i| 10f64.powf(lo + i as f64 / PER_DECADE as f64)))
        .collect()
}

/// A table over [`taus`] at optical depth `tau`: linear from nil to the first point, then in log
/// tau, held past the last (an opaque dot).
pub(crate) fn along(table: &[f64], tau: f64) -> f64 {
    let tau = tau.max(0.0);
    let (lo, _) = LOG_TAU;
    let first = 10f64.powf(lo);
    if tau <= first {
        return table[0] + (table[1] - table[0]) * tau / first;
    }
    let x = 1.0 + (tau.log10() - lo) * PER_DECADE as f64;
    let last = table.len() - 1;
    if x >= last as f64 {
        return table[last];
    }
    let i = x as usize;
    let f = x - i as f64;
    (1.0 - f) * table[i] + f * table[i + 1]
}

/// The dot's interiors at the scattering levels for a dot layer of `tissue`: the tissue itself,
/// then [`CORRECTION_LEVELS`] at [`CORRECTION_G`], absorbing as the tissue; with their reduced
/// scattering coefficients (1/mm).
pub fn level_interiors(tissue: &Layer) -> Vec<(f64, Layer)> {
    std::iter::once((tissue.mu_s * (1.0 - tissue.g), *tissue))
        .chain(CORRECTION_LEVELS.iter().map(|&mu_sp| {
            (
                mu_sp,
                Layer {
                    mu_s: mu_sp / (1.0 - CORRECTION_G),
                    g: CORRECTION_G,
                    ..*tissue
                },
            )
        }))
        .collect()
}

/// One band's exact values: per level, over [`taus`] (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandExact {
    pub levels: Vec<Vec<f64>>,
    /// The full fast model's correction derived from them, exact minus its chain, per level
    /// over [`taus`], when stored beside them (the built-in tables: deriving it costs 56 chain
    /// solves a band). [`ExactTables::without_corrections`] drops it, so the model derives it
    /// again; `tests/finite_dot.rs::builtin_dot_corrections_are_current` checks that the stored
    /// one is what the current chain derives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrections: Option<Vec<Vec<f64>>>,
}

/// Exact values for every band of a medium with a dot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExactTables {
    /// Photons per traced band and level, and the seed.
    pub photons: u64,
    pub seed: u64,
    pub bands: Vec<BandExact>,
}

impl ExactTables {
    /// The exact values alone, without any stored corrections ([`BandExact::corrections`]).
    pub fn without_corrections(&self) -> ExactTables {
        ExactTables {
            bands: self
                .bands
                .iter()
                .map(|b| BandExact {
                    levels: b.levels.clone(),
                    corrections: None,
                })
                .collect(),
            ..*self
        }
    }

    /// The same tables with `corrections` stored per band (per level over [`taus`], as
    /// [`super::dot::FiniteDot::correction_tables`] gives them).
    ///
    /// # Errors
    /// Not one table per band, level and optical depth, or a value not finite.
    pub fn with_corrections(
        &self,
        corrections: Vec<Vec<Vec<f64>>>,
    ) -> Result<ExactTables, InputError> {
        let bad = |m: String| InputError::Invalid {
            field: "dot.corrections".into(),
            message: m,
        };
        if corrections.len() != self.bands.len() {
            return Err(bad(format!(
                "{} bands of corrections for {} bands of tables",
                corrections.len(),
                self.bands.len()
            )));
        }
        let bands = self
            .bands
            .iter()
            .zip(corrections)
            .map(|(b, c)| {
                let fits = c.len() == b.levels.len()
                    && c.iter().zip(&b.levels).all(|(x, y)| x.len() == y.len())
                    && c.iter().flatten().all(|v| v.is_finite());
                if fits {
                    Ok(BandExact {
                        levels: b.levels.clone(),
                        corrections: Some(c),
                    })
                } else {
                    Err(bad("a band's corrections do not match its levels and optical depths, or are not finite".into()))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ExactTables { bands, ..*self })
    }
}

/// One traced band: its paths per level and the absorption per layer they were traced with.
struct Traced {
    band: usize,
    mu_a: Vec<f64>,
    paths: Vec<EscapePaths>,
}

/// Traces the tables for the medium `layers` (one bare stack per band, as for
/// [`super::dot::FiniteDot::new`]) with a dot of `diameter_mm` in layer `dot_layer`.
///
/// # Errors
/// An invalid stack or dot (as [`DotMonteCarlo::new`]), `photons` out of range.
pub fn trace(
    layers: &[Vec<Layer>],
    below: Below,
    index: f64,
    dot_layer: usize,
    diameter_mm: f64,
    photons: u64,
    seed: u64,
) -> Result<ExactTables, InputError> {
    let n = layers.len();
    let mut anchors: Vec<usize> = (0..n).step_by(CORRECTION_STRIDE).collect();
    if n > 0 && anchors.last() != Some(&(n - 1)) {
        anchors.push(n - 1);
    }
    let traced = anchors
        .iter()
        .enumerate()
        .map(|(a, &band)| {
            let from = if a == 0 { 0 } else { anchors[a - 1] };
            let to = anchors.get(a + 1).map_or(n, |&b| b + 1);
            let mut stack = layers[band].clone();
            for (k, l) in stack.iter_mut().enumerate() {
                l.mu_a = layers[from..to]
                    .iter()
                    .map(|st| st.get(k).map_or(f64::INFINITY, |l| l.mu_a))
                    .fold(f64::INFINITY, f64::min);
            }
            let paths = level_interiors(&stack[dot_layer])
                .into_iter()
                .map(|(_, interior)| {
                    DotMonteCarlo::new(
                        &stack,
                        below,
                        index,
                        dot_layer,
                        0.5 * diameter_mm,
                        interior,
                    )?
                    .escape_paths(photons, seed)
                })
                .collect::<Result<Vec<_>, InputError>>()?;
            Ok(Traced {
                band,
                mu_a: stack.iter().map(|l| l.mu_a).collect(),
                paths,
            })
        })
        .collect::<Result<Vec<_>, InputError>>()?;
    let thickness = layers.first().map_or(1.0, |s| s[dot_layer].thickness_mm);
    let extra: Vec<f64> = taus().iter().map(|t| t / thickness).collect();
    let bands = (0..n)
        .map(|b| {
            let stack = &layers[b];
            let from = |t: &Traced| -> Result<Vec<Vec<f64>>, InputError> {
                if t.mu_a.len() != stack.len() {
                    return Err(InputError::Invalid {
                        field: "dot".into(),
                        message: "the stacks of a finite dot's bands differ in layers".into(),
                    });
                }
                let shift: Vec<f64> = stack.iter().zip(&t.mu_a).map(|(l, a)| l.mu_a - a).collect();
                Ok(t.paths
                    .iter()
                    .enumerate()
                    .map(|(level, p)| {
                        p.reflectances(&shift, &extra)
                            .into_iter()
                            .map(|(bare, dot, sheet)| {
                                if level > 0 {
                                    dot
                                } else if (sheet - bare).abs() > 1e-12 {
                                    (dot - bare) / (sheet - bare)
                                } else {
                                    0.0
                                }
                            })
                            .collect()
                    })
                    .collect())
            };
            let left = traced.iter().rev().find(|t| t.band <= b);
            let right = traced.iter().find(|t| t.band >= b);
            let levels = match (left, right) {
                (Some(l), Some(r)) if l.band != r.band => {
                    let f = (b - l.band) as f64 / (r.band - l.band) as f64;
                    mix(&from(l)?, &from(r)?, f)
                }
                (Some(t), _) | (None, Some(t)) => from(t)?,
                (None, None) => vec![],
            };
            Ok(BandExact {
                levels,
                corrections: None,
            })
        })
        .collect::<Result<Vec<_>, InputError>>()?;
    Ok(ExactTables {
        photons,
        seed,
        bands,
    })
}

/// A hash (FNV-1a, 64 bits) of everything the tables depend on: every layer of every band, what
/// lies below, the index, the dot's layer and diameter, and the tables' own levels and grid.
pub fn key(
    layers: &[Vec<Layer>],
    below: Below,
    index: f64,
    dot_layer: usize,
    diameter_mm: f64,
) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |x: f64| {
        for b in x.to_bits().to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for stack in layers {
        for l in stack {
            for x in [l.mu_a, l.mu_s, l.g, l.thickness_mm] {
                eat(x);
            }
        }
    }
    eat(match below {
        Below::SemiInfinite => -1.0,
        Below::Air => -2.0,
    });
    for x in [index, dot_layer as f64, diameter_mm, CORRECTION_G] {
        eat(x);
    }
    for x in CORRECTION_LEVELS.iter().chain(&taus()) {
        eat(*x);
    }
    eat(CORRECTION_STRIDE as f64);
    format!("{h:016x}")
}

/// One set of the embedded file; `T` its tables (kept unparsed, as text, until they are used:
/// [`builtin_sets`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuiltinSet<T = ExactTables> {
    /// What it was traced for, for people.
    pub skin: String,
    pub depth_mm: f64,
    pub thickness_mm: f64,
    pub diameter_mm: f64,
    pub key: String,
    /// The medium it was traced for, which [`borrow`] compares others with: the dot's layer,
    /// the refractive index inside, and per band every bare layer as [mu_a, mu_s, g,
    /// thickness] (per mm, mm; thickness -1 for the semi-infinite last layer).
    #[serde(default)]
    pub dot_layer: usize,
    #[serde(default)]
    pub index: f64,
    #[serde(default)]
    pub medium: Vec<Vec<[f64; 4]>>,
    pub tables: T,
}

impl BuiltinSet {
    /// The medium of `layers` as a set stores it ([`BuiltinSet::medium`]).
    pub fn medium_of(layers: &[Vec<Layer>]) -> Vec<Vec<[f64; 4]>> {
        layers
            .iter()
            .map(|stack| {
                stack
                    .iter()
                    .map(|l| {
                        let t = if l.thickness_mm.is_finite() {
                            l.thickness_mm
                        } else {
                            -1.0
                        };
                        [l.mu_a, l.mu_s, l.g, t]
                    })
                    .collect()
            })
            .collect()
    }
}

/// The embedded file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuiltinFile {
    /// Provenance, for people.
    pub about: String,
    pub sets: Vec<BuiltinSet>,
}

/// One embedded set: its description and medium, parsed on first use of any, and its tables,
/// parsed on first use of them (most runs use one set, or the few a borrowed correction mixes:
/// parsing all of them would cost more than the model).
struct Embedded {
    set: BuiltinSet<Box<serde_json::value::RawValue>>,
    tables: OnceLock<Arc<ExactTables>>,
}

impl Embedded {
    fn tables(&self) -> Arc<ExactTables> {
        self.tables
            .get_or_init(|| {
                Arc::new(
                    serde_json::from_str(self.set.tables.get())
                        .expect("embedded data/dot/exact.json's tables parse"),
                )
            })
            .clone()
    }
}

/// The embedded sets (`tests/finite_dot.rs` parses every one of them whole).
fn builtin_sets() -> &'static [Embedded] {
    static SETS: OnceLock<Vec<Embedded>> = OnceLock::new();
    SETS.get_or_init(|| {
        #[derive(Deserialize)]
        struct Lazy {
            sets: Vec<BuiltinSet<Box<serde_json::value::RawValue>>>,
        }
        let file: Lazy =
            serde_json::from_str(BUILTIN).expect("embedded data/dot/exact.json parses");
        file.sets
            .into_iter()
            .map(|set| Embedded {
                set,
                tables: OnceLock::new(),
            })
            .collect()
    })
}

/// The embedded tables under `key`, if any.
pub fn builtin(key: &str) -> Option<Arc<ExactTables>> {
    builtin_sets()
        .iter()
        .find(|e| e.set.key == key)
        .map(Embedded::tables)
}

/// The dot diameters, mm, over which the built-in sets' corrections (traced at 0.25 and 1 mm)
/// are borrowed for another diameter ([`borrow`]): interpolated in log diameter between them,
/// held below 0.25 mm. Checked against the Monte Carlo at 0.18, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7,
/// 0.8 and 1 mm on types I-V and two measured skins, 0-0.25 mm deep
/// (`tests/finite_dot.rs::borrowed_correction_survey`, the cases between the built-in dots
/// all within 0.006; the 0.25 mm correction alone at 0.7-1 mm was worse than none). Over that
/// survey's 34 borrowing skins, dots and depths: see [`BORROW_FADE_MM`] and the survey's
/// doc.
pub const BORROW_DIAMETER_MM: (f64, f64) = (0.18, 1.0);
/// How far the reduced scattering of the dot's layer and of the layers below it may lie from
/// a built-in set's at every band, as a ratio, for its correction to be borrowed. Checked
/// (`tests/finite_dot.rs::borrowed_correction_survey`) on type III with the dermis's
/// scattering times 0.5, 0.65, 0.8, 1.3 and 1.6 (73 of 75 cases within 0.006, largest 0.0076;
/// the chain alone 49) and on measured skins up to 1.36 in the red; two measured skins fitted
/// at 0.3-0.46 of it (thick epidermis, steep scattering law) were read better by the chain
/// alone (RMS 0.0018 and 0.0028 against 0.0030 and 0.0031 borrowed).
pub const BORROW_SCATTERING: (f64, f64) = (0.5, 1.6);
/// How far the thickness of each layer above the dot (the epidermis) may lie from a built-in
/// set's, as a ratio: checked at 0.05 and 0.1 mm against the built-in 0.07 mm (30 of 30 within
/// 0.006, the chain alone 22).
pub const BORROW_THICKNESS: (f64, f64) = (0.7, 1.45);
/// How far beyond the built-in skins' range of epidermal absorption (the lightest's over 2,
/// the darkest's times 2) a skin may lie and still borrow the nearest one's correction; and
/// how far above the largest dot traced at a depth a dot may be (twice: checked from 0.25 to
/// 0.5 mm when only 0.25 mm was traced at 0.1 and 0.2 mm; every built-in depth now has a 1 mm
/// set, so [`BORROW_DIAMETER_MM`] limits first).
pub const BORROW_BEYOND: f64 = 2.0;
/// Over how many mm below the deepest built-in depth (0.3 mm) its correction fades linearly to
/// nil, so that the look stays continuous in depth. Below 0.3 mm the chain alone met the 0.006
/// in 179 of 180 cases of `tests/finite_dot.rs::borrowed_correction_survey` (0.35-1 mm deep,
/// dots 0.25-1 mm, types I-V and two measured skins; largest 0.0073, a 1 mm dot 0.4 mm deep in
/// type II), and the 0.3 mm correction held unfaded in 180 (largest 0.0052), with neither
/// better overall (RMS 0.0018 and 0.0019).
pub const BORROW_FADE_MM: f64 = 0.1;

/// The mean over the bands of the log of the epidermis's absorption optical depth: the
/// pigmentation of the skin over the dot, along which borrowed corrections are interpolated.
fn pigmentation(medium: &[Vec<[f64; 4]>]) -> f64 {
    let logs: Vec<f64> = medium
        .iter()
        .filter_map(|stack| stack.first())
        .map(|l| (l[0] * l[3]).max(1e-12).ln())
        .collect();
    logs.iter().sum::<f64>() / logs.len().max(1) as f64
}

/// A medium as [`borrow`] compares it: the layers above the dot that are not its own tissue,
/// the dot's layer, and the layers below it with runs of alike layers merged into one; and the
/// depth of the dot's top below the last layer that differs from its tissue (the junction, in
/// a skin), the run of its own tissue above it taken out. Two media that differ only in how
/// deep the dot lies in its tissue, or in where that tissue is cut into layers (tinct's
/// papillary and reticular dermis have the same optics), have the same frame.
#[derive(Debug, Clone)]
struct Frame {
    medium: Vec<Vec<[f64; 4]>>,
    dot_layer: usize,
    depth_mm: f64,
}

impl Frame {
    /// The frame of `medium` (as [`BuiltinSet::medium`]) with the dot in `dot_layer`; `None`
    /// when its bands differ in layers or the dot's layer is not among them.
    fn of(medium: &[Vec<[f64; 4]>], dot_layer: usize) -> Option<Frame> {
        let n = medium.first()?.len();
        if dot_layer >= n || medium.iter().any(|s| s.len() != n) {
            return None;
        }
        // Alike: the same mu_a, mu_s and g at every band (the file keeps six digits).
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * a.abs().max(b.abs());
        let same = |i: usize, j: usize| {
            medium
                .iter()
                .all(|s| (0..3).all(|q| close(s[i][q], s[j][q])))
        };
        let mut top = dot_layer;
        while top > 0 && same(top - 1, dot_layer) {
            top -= 1;
        }
        let depth_mm = (top..dot_layer).fold(0.0, |z, k| z + medium[0][k][3]);
        let mut runs: Vec<(usize, f64)> = (0..top)
            .chain(std::iter::once(dot_layer))
            .map(|k| (k, medium[0][k][3]))
            .collect();
        let mut k = dot_layer + 1;
        while k < n {
            let mut thickness = medium[0][k][3];
            let mut j = k;
            while j + 1 < n && same(j + 1, k) {
                j += 1;
                let t = medium[0][j][3];
                thickness = if t < 0.0 || thickness < 0.0 {
                    -1.0
                } else {
                    thickness + t
                };
            }
            runs.push((k, thickness));
            k = j + 1;
        }
        Some(Frame {
            medium: medium
                .iter()
                .map(|s| {
                    runs.iter()
                        .map(|&(k, t)| [s[k][0], s[k][1], s[k][2], t])
                        .collect()
                })
                .collect(),
            dot_layer: top,
            depth_mm,
        })
    }
}

/// Whether the frame `mine` is a built-in set's (`theirs`) closely enough to take its
/// correction, the dot's depth aside: the same layers, dot layer and dot thickness; layers
/// above the dot within [`BORROW_THICKNESS`] in thickness, the dot's layer and those below it
/// within [`BORROW_SCATTERING`] in reduced scattering at every band, and the same anisotropies.
fn alike(mine: &Frame, theirs: &Frame, (scattering, thickness): ((f64, f64), (f64, f64))) -> bool {
    // (A relative 1e-4 of slack: the file holds six significant digits, and a skin made with
    // exactly the limit's scattering is inside.)
    let within = |a: f64, b: f64, (lo, hi): (f64, f64)| {
        b > 0.0 && (lo * (1.0 - 1e-4)..=hi * (1.0 + 1e-4)).contains(&(a / b))
    };
    let dot_layer = mine.dot_layer;
    theirs.dot_layer == dot_layer
        && theirs.medium.len() == mine.medium.len()
        && mine
            .medium
            .iter()
            .zip(&theirs.medium)
            .all(|(mine, theirs)| {
                mine.len() == theirs.len()
                    && mine.iter().zip(theirs).enumerate().all(|(k, (a, b))| {
                        let same_g = (a[2] - b[2]).abs() < 1e-9;
                        let thick = if k < dot_layer {
                            within(a[3], b[3], thickness)
                        } else {
                            (a[3] - b[3]).abs() <= 1e-5 * b[3].abs()
                        };
                        let scatter = k < dot_layer
                            || within(a[1] * (1.0 - a[2]), b[1] * (1.0 - b[2]), scattering);
                        same_g && thick && scatter
                    })
            })
}

/// A correction borrowed from the built-in sets for a medium they do not hold (another depth,
/// diameter or skin): from the sets of the same frame and scattering ([`Frame`], [`alike`]),
/// interpolated linearly in depth between the two traced depths around the dot's (below the
/// deepest, fading to nil over [`BORROW_FADE_MM`]); at each, in log diameter between the two traced
/// diameters around it (held below the smallest, down to [`BORROW_DIAMETER_MM`], and above the
/// largest out to [`BORROW_BEYOND`] times it); and at each of those, between the two skins
/// whose pigmentation brackets this one's (the mean log absorption optical depth of the
/// epidermis), the nearest alone out to [`BORROW_BEYOND`] past the lightest and the darkest.
/// `None` when no set is alike, or the medium lies outside those limits.
///
/// Borrowing is checked against the Monte Carlo, not derived: the correction (exact minus the
/// chain) changes little with what the skin absorbs, but does change with its pigmentation
/// (type III's correction on type V's skin is worse than none) and with its scattering.
/// Returns the tables (corrections alone, no exact values) and what they were borrowed from.
pub fn borrow(
    layers: &[Vec<Layer>],
    below: Below,
    index: f64,
    dot_layer: usize,
    diameter_mm: f64,
) -> Option<(Arc<ExactTables>, String)> {
    borrow_within(
        layers,
        below,
        index,
        dot_layer,
        diameter_mm,
        &BorrowLimits::default(),
    )
}

/// How far [`borrow`] lends: diameters (mm), and ratios of scattering and of the thickness
/// above the dot, each (least, most); and over how many mm below the deepest traced depth its
/// correction fades to nil.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BorrowLimits {
    pub diameter_mm: (f64, f64),
    pub scattering: (f64, f64),
    pub thickness: (f64, f64),
    pub fade_mm: f64,
}

impl Default for BorrowLimits {
    /// [`BORROW_DIAMETER_MM`], [`BORROW_SCATTERING`], [`BORROW_THICKNESS`],
    /// [`BORROW_FADE_MM`].
    fn default() -> Self {
        BorrowLimits {
            diameter_mm: BORROW_DIAMETER_MM,
            scattering: BORROW_SCATTERING,
            thickness: BORROW_THICKNESS,
            fade_mm: BORROW_FADE_MM,
        }
    }
}

/// A built-in set [`alike`] the medium being borrowed for, with its frame.
type Lender = (Frame, &'static Embedded);

/// As [`borrow`] within `limits` set by the caller: a survey of how far borrowing holds.
pub fn borrow_within(
    layers: &[Vec<Layer>],
    below: Below,
    index: f64,
    dot_layer: usize,
    diameter_mm: f64,
    limits: &BorrowLimits,
) -> Option<(Arc<ExactTables>, String)> {
    let (dlo, dhi) = limits.diameter_mm;
    if below != Below::SemiInfinite || !(dlo..=dhi).contains(&diameter_mm) {
        return None;
    }
    let mine = Frame::of(&BuiltinSet::medium_of(layers), dot_layer)?;
    let lenders: Vec<Lender> = builtin_sets()
        .iter()
        .filter(|e| e.set.medium.len() == layers.len() && (e.set.index - index).abs() < 1e-12)
        .filter_map(|e| {
            let f = Frame::of(&e.set.medium, e.set.dot_layer)?;
            alike(&mine, &f, (limits.scattering, limits.thickness)).then_some((f, e))
        })
        .collect();
    let mut depths: Vec<f64> = lenders.iter().map(|l| l.0.depth_mm).collect();
    depths.sort_by(f64::total_cmp);
    depths.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    let z = mine.depth_mm;
    let deepest = *depths.last()?;
    // Below the deepest traced depth the correction fades to nil over `fade_mm`.
    let kept = (1.0 - (z - deepest).max(0.0) / limits.fade_mm.max(1e-12)).clamp(0.0, 1.0);
    if z < depths.first()? - 1e-9 || kept < 1e-3 {
        return None;
    }
    let (za, zb, h) = bracket(&depths, z, |k| k);
    let at = |depth: f64| {
        let here: Vec<&Embedded> = lenders
            .iter()
            .filter(|l| (l.0.depth_mm - depth).abs() < 1e-9)
            .map(|l| l.1)
            .collect();
        by_diameter(&here, diameter_mm, pigmentation(&mine.medium))
    };
    let (ca, skins, dots) = at(za)?;
    let (cb, _, _) = at(zb)?;
    let bands = ca
        .into_iter()
        .zip(cb)
        .map(|(x, y)| BandExact {
            levels: vec![],
            corrections: Some(scale(&mix(&x, &y, h), kept)),
        })
        .collect();
    let deep = if kept < 1.0 {
        format!(
            "{za} mm deep, faded to {:.0} % {:.2} mm below it",
            100.0 * kept,
            z - deepest
        )
    } else if h == 0.0 {
        format!("{za} mm deep")
    } else {
        format!("{za} and {zb} mm deep {}", mixed(h))
    };
    // (The photons and seed of a set whose tables were used.)
    let first = lenders.iter().find_map(|l| l.1.tables.get())?;
    Some((
        Arc::new(ExactTables {
            photons: first.photons,
            seed: first.seed,
            bands,
        }),
        format!("borrowed from the built-in Monte Carlo tables of {skins} for {dots}, {deep}"),
    ))
}

/// The corrections of `sets` (all at one depth) for a dot of `diameter_mm` on a skin of
/// pigmentation `p`: between the two traced diameters around it in log diameter, each
/// [`by_pigmentation`]; with the skins and the dots, in words.
#[allow(clippy::type_complexity)]
fn by_diameter(
    sets: &[&Embedded],
    diameter_mm: f64,
    p: f64,
) -> Option<(Vec<Vec<Vec<f64>>>, String, String)> {
    // Between two traced diameters the correction is interpolated in log diameter; below the
    // smallest it is held (down to the limit); above the largest, held out to twice it.
    let mut diameters: Vec<f64> = sets.iter().map(|e| e.set.diameter_mm).collect();
    diameters.sort_by(f64::total_cmp);
    diameters.dedup();
    let large = *diameters.last()?;
    if diameter_mm > BORROW_BEYOND * large {
        return None;
    }
    let (da, db, g) = bracket(&diameters, diameter_mm.ln(), f64::ln);
    let (ca, skins) = by_pigmentation(sets, da, p)?;
    let (cb, _) = by_pigmentation(sets, db, p)?;
    let dots = if g == 0.0 {
        format!("a {da} mm dot")
    } else {
        format!("{da} and {db} mm dots {}", mixed(g))
    };
    let tables = ca.iter().zip(&cb).map(|(x, y)| mix(x, y, g)).collect();
    Some((tables, skins, dots))
}

/// Where `x` lies among the sorted `knots` (by `f` of each): the two around it and the share of
/// the second, the nearest alone (share 0) outside them or within half a percent of one.
fn bracket(knots: &[f64], x: f64, f: impl Fn(f64) -> f64) -> (f64, f64, f64) {
    let (first, last) = (knots[0], knots[knots.len() - 1]);
    if x <= f(first) {
        return (first, first, 0.0);
    }
    if x >= f(last) {
        return (last, last, 0.0);
    }
    let i = knots.iter().position(|&k| f(k) > x).unwrap_or(1).max(1);
    let (a, b) = (knots[i - 1], knots[i]);
    match (x - f(a)) / (f(b) - f(a)) {
        t if t < 0.005 => (a, a, 0.0),
        t if t > 0.995 => (b, b, 0.0),
        t => (a, b, t),
    }
}

/// How two things are mixed, in words: "(mixed 26 : 74)" for a `share` of 0.74 of the second.
fn mixed(share: f64) -> String {
    format!(
        "(mixed {:.0} : {:.0})",
        100.0 * (1.0 - share),
        100.0 * share
    )
}

/// `x` times `k`, table by table.
fn scale(x: &[Vec<f64>], k: f64) -> Vec<Vec<f64>> {
    x.iter()
        .map(|u| u.iter().map(|p| k * p).collect())
        .collect()
}

/// `(1 - t) x + t y`, table by table.
fn mix(x: &[Vec<f64>], y: &[Vec<f64>], t: f64) -> Vec<Vec<f64>> {
    x.iter()
        .zip(y)
        .map(|(u, v)| {
            u.iter()
                .zip(v)
                .map(|(p, q)| (1.0 - t) * p + t * q)
                .collect()
        })
        .collect()
}

/// The corrections of the sets traced at `diameter` (among `sets`), interpolated between the
/// two whose skins' pigmentation brackets `p`, per band; with the skins they came from, in
/// words. `None` when `p` lies more than [`BORROW_BEYOND`] outside them.
fn by_pigmentation(
    sets: &[&Embedded],
    diameter: f64,
    p: f64,
) -> Option<(Vec<Vec<Vec<f64>>>, String)> {
    let mut these: Vec<(f64, &Embedded)> = sets
        .iter()
        .filter(|e| e.set.diameter_mm == diameter)
        .map(|&e| (pigmentation(&e.set.medium), e))
        .collect();
    these.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (lo, hi) = (these.first()?.0, these.last()?.0);
    if p < lo - BORROW_BEYOND.ln() || p > hi + BORROW_BEYOND.ln() {
        return None;
    }
    let knots: Vec<f64> = these.iter().map(|t| t.0).collect();
    let (ka, kb, f) = bracket(&knots, p, |k| k);
    let find = |k: f64| these.iter().find(|t| t.0 == k).map(|t| t.1);
    let (a, b) = (find(ka)?, find(kb)?);
    let (ta, tb) = (a.tables(), b.tables());
    let tables = ta
        .bands
        .iter()
        .zip(&tb.bands)
        .map(|(x, y)| Some(mix(x.corrections.as_ref()?, y.corrections.as_ref()?, f)))
        .collect::<Option<Vec<_>>>()?;
    let (a, b) = (&a.set, &b.set);
    let skins = if f == 0.0 {
        a.skin.clone()
    } else {
        format!("{} and {} {}", a.skin, b.skin, mixed(f))
    };
    Some((tables, skins))
}
