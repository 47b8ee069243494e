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
//! tinct's built-in skins at the default dot are traced ahead
//! (`tests/finite_dot.rs::regenerate_builtin_dot_tables`) and embedded from
//! `data/dot/exact.json`, each under a key that hashes everything it depends on ([`key`]):
//! another skin, depth, thickness or diameter finds none and the fast model is the chain alone,
//! unless the caller traces the tables itself ([`trace`]).

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
                    let (x, y) = (from(l)?, from(r)?);
                    x.iter()
                        .zip(&y)
                        .map(|(u, v)| {
                            u.iter()
                                .zip(v)
                                .map(|(p, q)| (1.0 - f) * p + f * q)
                                .collect()
                        })
                        .collect()
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

/// One set of the embedded file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuiltinSet {
    /// What it was traced for, for people.
    pub skin: String,
    pub depth_mm: f64,
    pub thickness_mm: f64,
    pub diameter_mm: f64,
    pub key: String,
    pub tables: ExactTables,
}

/// The embedded file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuiltinFile {
    /// Provenance, for people.
    pub about: String,
    pub sets: Vec<BuiltinSet>,
}

/// The embedded tables under `key`, if any.
pub fn builtin(key: &str) -> Option<Arc<ExactTables>> {
    static SETS: OnceLock<Vec<(String, Arc<ExactTables>)>> = OnceLock::new();
    SETS.get_or_init(|| {
        let file: BuiltinFile =
            serde_json::from_str(BUILTIN).expect("embedded data/dot/exact.json parses");
        file.sets
            .into_iter()
            .map(|s| (s.key, Arc::new(s.tables)))
            .collect()
    })
    .iter()
    .find(|(k, _)| k == key)
    .map(|(_, t)| t.clone())
}
