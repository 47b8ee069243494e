//! A layered medium as a file (the input of `tinct optics`, the role MCML's input files play
//! in the field) and its transport solution at every wavelength.
//!
//! ```toml
//! wavelengths_nm = [450, 550, 650]   # ascending
//! index = 1.4                        # inside the stack; air above
//! below = "semi-infinite"            # or "air": a finite stack over air
//! [[layers]]                         # top first
//! name = "epidermis"
//! thickness_mm = 0.07                # "inf" only for the last layer, and only with semi-infinite
//! mu_a_per_mm = [1.9, 0.9, 0.45]     # one value per wavelength, or one number for all
//! mu_s_per_mm = 40                   # scattering (not reduced) coefficient
//! g = 0.8                            # a number or one per wavelength
//!
//! [dot]                              # optional: a finite dot (see super::dot)
//! layer = "dermis with dot"          # the layer that holds it; outside the dot it keeps its own values
//! diameter_mm = 0.25
//! mu_a_per_mm = 60                   # the dot's interior, a number or one per wavelength
//! mu_s_per_mm = 30
//! g = 0.7
//! ```

use serde::{Deserialize, Serialize};

use super::dot::{CorrectionSource, FiniteDot};
use super::montecarlo::DotMonteCarlo;
use super::transport::{solve, Below, Layer, Quadrature, Solution, DEFAULT_POINTS};
use crate::error::InputError;

/// A number for every wavelength, or one per wavelength.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PerWavelength {
    One(f64),
    Each(Vec<f64>),
}

impl PerWavelength {
    fn at(&self, i: usize) -> f64 {
        match self {
            PerWavelength::One(v) => *v,
            PerWavelength::Each(v) => v[i],
        }
    }
}

/// Checks that every per-wavelength array (field, values) has one value per wavelength.
fn check_lengths<'a>(
    fields: impl IntoIterator<Item = (String, &'a PerWavelength)>,
    wavelengths: usize,
) -> Result<(), InputError> {
    for (field, v) in fields {
        if let PerWavelength::Each(values) = v {
            if values.len() != wavelengths {
                return Err(InputError::Invalid {
                    field,
                    message: format!(
                        "{} values for {wavelengths} wavelengths: give one per wavelength or one number",
                        values.len()
                    ),
                });
            }
        }
    }
    Ok(())
}

/// A thickness: mm, or `"inf"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Thickness {
    Mm(f64),
    Text(String),
}

/// One layer of a medium file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediumLayer {
    pub name: String,
    pub thickness_mm: Thickness,
    pub mu_a_per_mm: PerWavelength,
    pub mu_s_per_mm: PerWavelength,
    pub g: PerWavelength,
}

/// A finite dot in one layer of a medium file: a cylinder through the whole layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediumDot {
    /// The name of the layer that holds it.
    pub layer: String,
    pub diameter_mm: f64,
    pub mu_a_per_mm: PerWavelength,
    pub mu_s_per_mm: PerWavelength,
    pub g: PerWavelength,
}

/// A medium file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Medium {
    pub wavelengths_nm: Vec<f64>,
    pub index: f64,
    pub below: String,
    pub layers: Vec<MediumLayer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dot: Option<MediumDot>,
}

/// How a finite dot is solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DotMethod {
    /// The ring chain pinned to adding-doubling ([`super::dot`]).
    Fast,
    /// The 3-D Monte Carlo ([`super::montecarlo`]) with this many photons per wavelength over
    /// the dot (and half as many again around it for the profile) and this seed.
    MonteCarlo { photons: u64, seed: u64 },
    /// The fast model corrected by the Monte Carlo's tables traced here for this medium and
    /// dot ([`super::dot_exact::trace`]) with this many photons per traced band and level.
    Traced { photons: u64, seed: u64 },
}

/// A finite dot's solution, per wavelength.
#[derive(Debug, Clone, PartialEq)]
pub struct DotSolution {
    pub diameter_mm: f64,
    /// Mean over the dot's disc, d:0 (see [`super::dot`]), specular excluded.
    pub reflectance_diffuse: Vec<f64>,
    /// The same with the surface's specular reflection at normal incidence added.
    pub reflectance: Vec<f64>,
    /// Standard errors of `reflectance_diffuse` (Monte Carlo only).
    pub std_error: Option<Vec<f64>>,
    /// Radii of the profile, mm from the dot's axis.
    pub profile_radius_mm: Vec<f64>,
    /// The profile: one spectrum (one value per wavelength) per radius.
    pub profile: Vec<Vec<f64>>,
    /// The fast model's correction, in words ([`FiniteDot::correction_source`]); `None` for
    /// the Monte Carlo.
    pub correction: Option<String>,
}

/// The transport solution of a medium, per wavelength.
#[derive(Debug, Clone, PartialEq)]
pub struct MediumSolution {
    pub wavelengths_nm: Vec<f64>,
    pub solutions: Vec<Solution>,
}

impl Medium {
    /// Reads a medium file.
    ///
    /// # Errors
    /// Malformed TOML or a missing or unknown field (one line naming it).
    pub fn from_toml(text: &str, origin: &str) -> Result<Medium, InputError> {
        let m: Medium = toml::from_str(text).map_err(|e| InputError::Invalid {
            field: origin.to_string(),
            message: e.message().trim().replace('\n', " "),
        })?;
        Ok(m)
    }

    /// What lies below the last layer.
    ///
    /// # Errors
    /// Neither `air` nor `semi-infinite`.
    pub fn below(&self) -> Result<Below, InputError> {
        match self.below.trim().to_ascii_lowercase().as_str() {
            "air" => Ok(Below::Air),
            "semi-infinite" | "semi_infinite" | "semiinfinite" => Ok(Below::SemiInfinite),
            _ => Err(InputError::Unknown {
                field: "below".into(),
                kind: "lower boundary",
                value: self.below.clone(),
                known: "air, semi-infinite".into(),
            }),
        }
    }

    /// The transport layers at every wavelength, checked.
    ///
    /// # Errors
    /// The layer (by name) and field at fault: an array of the wrong length, a negative or
    /// non-finite coefficient, g outside -0.99..0.99, a bad thickness, an infinite layer that is
    /// not last or not over `semi-infinite`; wavelengths not finite, positive and ascending.
    pub fn layers(&self) -> Result<Vec<Vec<Layer>>, InputError> {
        let w = &self.wavelengths_nm;
        if w.is_empty() {
            return Err(InputError::Invalid {
                field: "wavelengths_nm".into(),
                message: "at least one wavelength is needed".into(),
            });
        }
        for (i, &v) in w.iter().enumerate() {
            InputError::check_range("wavelengths_nm", v, 1e-9, 1e9, "nm, finite and above 0")?;
            if i > 0 && v <= w[i - 1] {
                return Err(InputError::WavelengthOrder {
                    field: "wavelengths_nm".into(),
                    previous: w[i - 1],
                    value: v,
                });
            }
        }
        let below = self.below()?;
        if self.layers.is_empty() {
            return Err(InputError::Invalid {
                field: "layers".into(),
                message: "at least one [[layers]] table is needed".into(),
            });
        }
        let n_layers = self.layers.len();
        let mut per_layer = Vec::with_capacity(n_layers);
        for (k, l) in self.layers.iter().enumerate() {
            let at = |f: &str| format!("layer {:?}: {f}", l.name);
            let thickness = match &l.thickness_mm {
                Thickness::Mm(v) => *v,
                Thickness::Text(t) if t.trim().eq_ignore_ascii_case("inf") => f64::INFINITY,
                Thickness::Text(t) => {
                    return Err(InputError::Malformed {
                        field: at("thickness_mm"),
                        value: t.clone(),
                        expected: "a thickness in mm, or \"inf\"".into(),
                    })
                }
            };
            if thickness.is_infinite() && (k + 1 < n_layers || below != Below::SemiInfinite) {
                return Err(InputError::Invalid {
                    field: at("thickness_mm"),
                    message:
                        "\"inf\" only for the last layer, and only with below = \"semi-infinite\""
                            .into(),
                });
            }
            check_lengths(
                [
                    (at("mu_a_per_mm"), &l.mu_a_per_mm),
                    (at("mu_s_per_mm"), &l.mu_s_per_mm),
                    (at("g"), &l.g),
                ],
                w.len(),
            )?;
            let mut bands = Vec::with_capacity(w.len());
            for (i, nm) in w.iter().enumerate() {
                let layer = Layer {
                    mu_a: l.mu_a_per_mm.at(i),
                    mu_s: l.mu_s_per_mm.at(i),
                    g: l.g.at(i),
                    thickness_mm: thickness,
                };
                layer
                    .validate()
                    .map_err(|e| e.at(&format!("layer {:?} at {nm} nm", l.name)))?;
                bands.push(layer);
            }
            per_layer.push(bands);
        }
        // Per wavelength, top first.
        Ok((0..w.len())
            .map(|i| per_layer.iter().map(|b| b[i]).collect())
            .collect())
    }

    /// The dot's layer (0-based) and its interior per wavelength, if the medium has a dot.
    ///
    /// # Errors
    /// A dot in a layer the medium does not have or in an infinite one, a diameter outside
    /// 0.0001-1000 mm, interior coefficients that are invalid or of the wrong length.
    pub fn dot_interior(&self) -> Result<Option<(usize, Vec<Layer>)>, InputError> {
        let Some(d) = &self.dot else {
            return Ok(None);
        };
        let per_band = self.layers()?;
        let k = self
            .layers
            .iter()
            .position(|l| l.name == d.layer)
            .ok_or_else(|| InputError::Unknown {
                field: "dot.layer".into(),
                kind: "layer",
                value: d.layer.clone(),
                known: self
                    .layers
                    .iter()
                    .map(|l| format!("{:?}", l.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        if per_band[0][k].thickness_mm.is_infinite() {
            return Err(InputError::Invalid {
                field: "dot.layer".into(),
                message: format!(
                    "{:?} is infinitely thick: a dot needs a finite layer",
                    d.layer
                ),
            });
        }
        InputError::check_range(
            "dot.diameter_mm",
            d.diameter_mm,
            1e-4,
            1e3,
            "mm, 0.0001 to 1000",
        )?;
        let w = &self.wavelengths_nm;
        check_lengths(
            [
                ("dot.mu_a_per_mm".to_string(), &d.mu_a_per_mm),
                ("dot.mu_s_per_mm".to_string(), &d.mu_s_per_mm),
                ("dot.g".to_string(), &d.g),
            ],
            w.len(),
        )?;
        let interior = (0..w.len())
            .map(|i| {
                let l = Layer {
                    mu_a: d.mu_a_per_mm.at(i),
                    mu_s: d.mu_s_per_mm.at(i),
                    g: d.g.at(i),
                    thickness_mm: per_band[i][k].thickness_mm,
                };
                l.validate()
                    .map_err(|e| e.at(&format!("dot at {} nm", w[i])))?;
                Ok(l)
            })
            .collect::<Result<Vec<_>, InputError>>()?;
        Ok(Some((k, interior)))
    }

    /// Solves the medium's dot, if it has one, at every wavelength.
    ///
    /// # Errors
    /// An invalid medium or dot (see [`Medium::layers`], [`Medium::dot_interior`]); for the
    /// Monte Carlo, a photon count outside 1..=1e9.
    pub fn solve_dot(&self, method: DotMethod) -> Result<Option<DotSolution>, InputError> {
        let Some((k, interior)) = self.dot_interior()? else {
            return Ok(None);
        };
        let diameter = self.dot.as_ref().map_or(0.0, |d| d.diameter_mm);
        let per_band = self.layers()?;
        let below = self.below()?;
        let specular = ((self.index - 1.0) / (self.index + 1.0)).powi(2);
        let fast = |source: CorrectionSource| -> Result<_, InputError> {
            let fd = FiniteDot::with_correction(&per_band, below, self.index, k, diameter, source)?;
            let answers = fd
                .bands()
                .iter()
                .zip(&interior)
                .map(|(b, l)| b.solve(l))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((
                answers.iter().map(|a| a.mean).collect::<Vec<_>>(),
                None,
                fd.profile_radius_mm(),
                answers.into_iter().map(|a| a.profile).collect::<Vec<_>>(),
                Some(fd.correction_source().to_string()),
            ))
        };
        let (mean, std_error, radius, profile_by_band, correction) = match method {
            DotMethod::Fast => fast(CorrectionSource::Builtin)?,
            DotMethod::Traced { photons, seed } => fast(CorrectionSource::Trace(photons, seed))?,
            DotMethod::MonteCarlo { photons, seed } => {
                let tallies = per_band
                    .iter()
                    .zip(&interior)
                    .map(|(layers, l)| {
                        DotMonteCarlo::new(layers, below, self.index, k, 0.5 * diameter, *l)?
                            .run(photons, seed)
                    })
                    .collect::<Result<Vec<_>, InputError>>()?;
                (
                    tallies.iter().map(|t| t.mean).collect(),
                    Some(tallies.iter().map(|t| t.std_error).collect()),
                    tallies[0].radius_mm.clone(),
                    tallies.into_iter().map(|t| t.profile).collect(),
                    None,
                )
            }
        };
        let profile = (0..radius.len())
            .map(|r| profile_by_band.iter().map(|p| p[r]).collect())
            .collect();
        Ok(Some(DotSolution {
            diameter_mm: diameter,
            reflectance: mean.iter().map(|v| (v + specular).min(1.0)).collect(),
            reflectance_diffuse: mean,
            std_error,
            profile_radius_mm: radius,
            profile,
            correction,
        }))
    }

    /// Solves the medium at every wavelength with [`DEFAULT_POINTS`] directions.
    ///
    /// # Errors
    /// An invalid medium (see [`Medium::layers`]) or index (1 to 2).
    pub fn solve(&self) -> Result<MediumSolution, InputError> {
        let per_band = self.layers()?;
        let below = self.below()?;
        let q = Quadrature::<DEFAULT_POINTS>::new(self.index)?;
        let solutions = per_band
            .iter()
            .map(|layers| solve(&q, layers, below))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(MediumSolution {
            wavelengths_nm: self.wavelengths_nm.clone(),
            solutions,
        })
    }

    /// A medium from per-wavelength layers (all with the same thickness per layer).
    pub fn from_layers(
        wavelengths_nm: &[f64],
        index: f64,
        below: Below,
        names: &[&str],
        per_band: &[Vec<Layer>],
    ) -> Medium {
        let layers = names
            .iter()
            .enumerate()
            .map(|(k, name)| {
                let d = per_band[0][k].thickness_mm;
                MediumLayer {
                    name: (*name).to_string(),
                    thickness_mm: if d.is_infinite() {
                        Thickness::Text("inf".into())
                    } else {
                        Thickness::Mm(d)
                    },
                    mu_a_per_mm: PerWavelength::Each(per_band.iter().map(|b| b[k].mu_a).collect()),
                    mu_s_per_mm: PerWavelength::Each(per_band.iter().map(|b| b[k].mu_s).collect()),
                    g: PerWavelength::Each(per_band.iter().map(|b| b[k].g).collect()),
                }
            })
            .collect();
        Medium {
            wavelengths_nm: wavelengths_nm.to_vec(),
            index,
            below: match below {
                Below::Air => "air",
                Below::SemiInfinite => "semi-infinite",
            }
            .into(),
            layers,
            dot: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MCML: &str = "wavelengths_nm = [500]\nindex = 1.0\nbelow = \"air\"\n[[layers]]\nname = \"slab\"\nthickness_mm = 0.2\nmu_a_per_mm = 1.0\nmu_s_per_mm = [9.0]\ng = 0.75\n";

    #[test]
    fn reads_and_solves_the_benchmark_slab() {
        let m = Medium::from_toml(MCML, "m.toml").unwrap();
        let s = m.solve().unwrap();
        assert!((s.solutions[0].reflectance - 0.09739).abs() < 1e-4);
    }

    #[test]
    fn bad_media_name_the_layer_and_field() {
        let bad = |t: &str| Medium::from_toml(t, "m.toml").and_then(|m| m.solve().map(|_| ()));
        let e = bad(&MCML.replace("mu_a_per_mm = 1.0", "mu_a_per_mm = -1.0")).unwrap_err();
        assert!(
            e.to_string().contains("\"slab\"") && e.to_string().contains("mu_a_per_mm"),
            "{e}"
        );
        let e = bad(&MCML.replace("g = 0.75", "g = 1.2")).unwrap_err();
        assert!(e.to_string().contains("g"), "{e}");
        let e = bad(&MCML.replace("[9.0]", "[9.0, 8.0]")).unwrap_err();
        assert!(
            e.to_string().contains("mu_s_per_mm") && e.to_string().contains("2 values"),
            "{e}"
        );
        let e = bad(&MCML.replace("0.2", "\"inf\"")).unwrap_err();
        assert!(e.to_string().contains("inf"), "{e}");
        let e = bad(&MCML.replace("air", "glass")).unwrap_err();
        assert!(e.to_string().contains("below"), "{e}");
        let e = bad(&MCML.replace("index = 1.0", "index = 0.5")).unwrap_err();
        assert!(e.to_string().contains("index"), "{e}");
        let e = bad(&MCML.replace("name =", "nme =")).unwrap_err();
        assert!(e.to_string().contains("m.toml"), "{e}");
    }
}

// ---- the optics job: one request, one report (what `tinct optics --json` prints) ----

fn default_method() -> String {
    "fast".into()
}
fn default_seed() -> u64 {
    1
}
fn default_illuminant() -> String {
    "D65".into()
}
fn default_observer() -> String {
    "2".into()
}
fn default_origin() -> String {
    "medium".into()
}

/// `tinct optics` as one library call ([`optics_job`]): a layered medium file's transport
/// solution and, with a `[dot]`, the finite dot's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpticsRequest {
    /// The medium file's text (TOML; see [`Medium::from_toml`]).
    pub medium: String,
    /// Where the text came from, for messages.
    #[serde(default = "default_origin")]
    pub origin: String,
    /// How to solve the `[dot]`: `fast` (corrected where tinct's built-in Monte Carlo tables
    /// hold or lend to the medium), `traced` (the fast model corrected by tables traced here)
    /// or `monte-carlo`.
    #[serde(default = "default_method")]
    pub method: String,
    /// Photons: for `monte-carlo` per wavelength over the dot (default 20,000), for `traced`
    /// per traced band and scattering level (default [`super::skin::TRACE_PHOTONS`]).
    #[serde(default)]
    pub photons: Option<u64>,
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default = "default_illuminant")]
    pub illuminant: String,
    #[serde(default = "default_observer")]
    pub observer: String,
}

/// Diffuse incidence in an [`OpticsReport`].
#[derive(Debug, Clone, Serialize)]
pub struct DiffuseIncidence {
    pub reflectance: Vec<f64>,
    pub transmittance: Vec<f64>,
}

/// The radial profile of a dot in an [`OpticsReport`].
#[derive(Debug, Clone, Serialize)]
pub struct DotProfile {
    pub radius_mm: Vec<f64>,
    /// One spectrum per radius.
    pub reflectance_diffuse: Vec<Vec<f64>>,
}

/// The finite dot in an [`OpticsReport`].
#[derive(Debug, Clone, Serialize)]
pub struct DotReport {
    pub diameter_mm: f64,
    /// `fast`, `traced` or `monte-carlo`.
    pub method: &'static str,
    /// The fast model's correction by the Monte Carlo's tables, in words: built in, borrowed
    /// from the built-in skins, traced here, or none (the ring chain alone); null for the
    /// Monte Carlo.
    pub correction: Option<String>,
    pub reflectance_diffuse: Vec<f64>,
    pub reflectance: Vec<f64>,
    pub std_error: Option<Vec<f64>>,
    pub lab: Option<[f64; 3]>,
    pub profile: DotProfile,
}

/// What [`optics_job`] answers: exactly what `tinct optics --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct OpticsReport {
    pub wavelengths_nm: Vec<f64>,
    /// Collimated normal incidence, all reflected light.
    pub reflectance: Vec<f64>,
    /// The same without the specular reflection.
    pub reflectance_diffuse: Vec<f64>,
    pub transmittance: Vec<f64>,
    pub diffuse_incidence: DiffuseIncidence,
    /// Colour of `reflectance_diffuse` when the wavelengths span 400-700 nm.
    pub lab: Option<[f64; 3]>,
    pub dot: Option<DotReport>,
    pub illuminant: &'static str,
    pub observer: u32,
}

/// `tinct optics` as one call.
///
/// # Errors
/// A malformed medium, an unknown method, illuminant or observer, photons out of range
/// ([`super::montecarlo::MAX_PHOTONS`]).
pub fn optics_job(req: &OpticsRequest) -> Result<OpticsReport, InputError> {
    use crate::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
    let viewing = Viewing::new(
        req.illuminant.parse::<Illuminant>()?,
        req.observer.parse::<Observer>()?,
    );
    let (method, name) = match req.method.trim().to_ascii_lowercase().as_str() {
        "fast" => {
            if let Some(p) = req.photons {
                return Err(InputError::Invalid {
                    field: "photons".into(),
                    message: format!(
                        "{p}: the fast model takes no photons (methods traced and monte-carlo do)"
                    ),
                });
            }
            (DotMethod::Fast, "fast")
        }
        // (The Monte Carlo bounds its photons, super::montecarlo::MAX_PHOTONS.)
        "monte-carlo" | "montecarlo" | "mc" => (
            DotMethod::MonteCarlo {
                photons: req.photons.unwrap_or(20_000),
                seed: req.seed,
            },
            "monte-carlo",
        ),
        "traced" | "trace" | "trace-dot" => (
            DotMethod::Traced {
                photons: req.photons.unwrap_or(super::skin::TRACE_PHOTONS),
                seed: req.seed,
            },
            "traced",
        ),
        _ => {
            return Err(InputError::Unknown {
                field: "method".into(),
                kind: "dot method",
                value: req.method.clone(),
                known: "fast, traced, monte-carlo".into(),
            })
        }
    };
    let medium = Medium::from_toml(&req.medium, &req.origin)?;
    let s = medium.solve().map_err(|e| e.at(&req.origin))?;
    let dot = medium.solve_dot(method).map_err(|e| e.at(&req.origin))?;
    let w = &s.wavelengths_nm;
    let visible = w.len() >= 2 && w[0] <= 400.0 && w[w.len() - 1] >= 700.0;
    let lab_of = |r: &[f64]| -> Result<Option<[f64; 3]>, InputError> {
        if !visible {
            return Ok(None);
        }
        let m = crate::spectrum::MeasuredSpectrum::new(w.clone(), r.to_vec())?;
        let l = WeightingTable::for_grid(viewing).lab(&m.to_spectrum());
        Ok(Some([l.l, l.a, l.b]))
    };
    let col = |f: fn(&Solution) -> f64| -> Vec<f64> { s.solutions.iter().map(f).collect() };
    let diffuse = col(|x| x.reflectance_diffuse);
    let lab = lab_of(&diffuse)?;
    let dot = match dot {
        None => None,
        Some(d) => Some(DotReport {
            lab: lab_of(&d.reflectance_diffuse)?,
            diameter_mm: d.diameter_mm,
            method: name,
            correction: d.correction,
            reflectance_diffuse: d.reflectance_diffuse,
            reflectance: d.reflectance,
            std_error: d.std_error,
            profile: DotProfile {
                radius_mm: d.profile_radius_mm,
                reflectance_diffuse: d.profile,
            },
        }),
    };
    Ok(OpticsReport {
        wavelengths_nm: w.clone(),
        reflectance: col(|x| x.reflectance),
        reflectance_diffuse: diffuse,
        transmittance: col(|x| x.transmittance),
        diffuse_incidence: DiffuseIncidence {
            reflectance: col(|x| x.diffuse_reflectance),
            transmittance: col(|x| x.diffuse_transmittance),
        },
        lab,
        dot,
        illuminant: viewing.illuminant.name(),
        observer: viewing.observer.degrees(),
    })
}
