//! A 3-D Monte Carlo of light in a layered medium that holds one finite dot: a cylinder of
//! given radius through the whole thickness of one layer, with its own coefficients. It is the
//! reference of the finite-dot model (and `tinct optics --monte-carlo`), checked against
//! adding-doubling for an infinite dot.
//!
//! The photon rules are MCML's (Wang, Jacques & Zheng, Comput Methods Programs Biomed 1995;
//! 47:131-146, read): the specular reflection taken off at launch, steps of dimensionless length
//! -ln(xi) spent across regions in proportion to their interaction coefficients ("hop"), weight
//! multiplied by the albedo at each interaction (implicit capture), Henyey-Greenstein deflection,
//! Russian roulette (at weight 0.3 with survival 0.3 rather than MCML's 1e-4 and 1/10; see
//! `ROULETTE_WEIGHT`). All layers share one refractive index, so
//! light crosses inner interfaces and the dot's wall unbent; at the air boundaries the photon is
//! split by the Fresnel reflectance (the escaping part tallied, the rest reflected), the
//! partial-reflection scheme that MCML offers as an option.
//!
//! **What is tallied: reciprocity.** [`DotMonteCarlo::run`] launches photons normally and
//! uniformly over the dot's disc and counts everything that comes back out of the surface,
//! wherever it comes out. By Helmholtz reciprocity that is the mean reflectance over the disc
//! for diffuse illumination seen along the normal (the d:0 geometry), exactly; photons launched
//! at radius r give the profile at r. [`DotMonteCarlo::direct`] lights a wide disc around the
//! dot uniformly and counts only what leaves over the dot: with normal light that is the 0:d
//! mean, a different quantity for a finite dot (and the same for a uniform medium); with
//! diffuse light ([`DotMonteCarlo::with_diffuse_light`]) both estimators give the d:d mean,
//! which the tests use to check the engine's reciprocity.
//!
//! **Reproducible.** Photons are run in fixed chunks, each with its own xoshiro256++ stream
//! (Blackman & Vigna 2018) seeded from (seed, chunk) by SplitMix64; chunk totals are added in
//! chunk order, so the answer depends on the seed and photon count only, not on the number of
//! threads. Chunks run in parallel on all cores (rayon).

use rayon::prelude::*;

use super::transport::{fresnel_inside, validate_stack, Below, Layer, INDEX_RANGE};
use crate::error::InputError;

/// Russian roulette threshold and survival chance. MCML plays at weight 1e-4 with chance 1/10;
/// roulette is unbiased at any threshold, and in tinct's skins (type I-II, 450-650 nm, dots
/// 0.1-0.3 mm deep) playing at 0.3 with chance 0.3 gave 4-8 times the precision per second
/// (1 / (variance x time), measured with 40,000 photons), because a photon in the weakly
/// absorbing dermis otherwise takes thousands of steps to lose its weight. A survivor's weight
/// never exceeds 1.
const ROULETTE_WEIGHT: f64 = 0.3;
const ROULETTE_CHANCE: f64 = 0.3;
/// Photons per chunk (one random stream each).
const CHUNK: u64 = 512;
/// Events (steps and boundary crossings) one photon may take before it is dropped: a bound on
/// the work of light trapped between totally reflecting boundaries in a clear layer.
const MAX_EVENTS: u32 = 10_000_000;
/// Most photons one run may launch.
pub const MAX_PHOTONS: u64 = 1_000_000_000;

/// A layered medium with a dot in one layer.
#[derive(Debug, Clone)]
pub struct DotMonteCarlo {
    layers: Vec<Layer>,
    index: f64,
    dot_layer: usize,
    radius_mm: f64,
    interior: Layer,
    /// Depths of the layer boundaries, from 0 at the surface.
    z: Vec<f64>,
    /// Light from air with a Lambertian distribution instead of normal.
    diffuse: bool,
    /// Centre-to-centre spacing of a square grid of dots, mm (infinite: one dot).
    period_mm: f64,
    /// The dot is a strip |x| < radius, endless along y, instead of a cylinder
    /// ([`DotMonteCarlo::as_strip`]).
    strip: bool,
}

/// Where a photon is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Region {
    Layer(usize),
    Dot,
}

/// A photon's state.
#[derive(Debug, Clone, Copy)]
struct Photon {
    x: f64,
    y: f64,
    z: f64,
    ux: f64,
    uy: f64,
    uz: f64,
    w: f64,
    layer: usize,
    inside: bool,
}

/// The mean diffuse reflectance over the dot and its radial profile, with standard errors.
#[derive(Debug, Clone, PartialEq)]
pub struct DotTally {
    /// Mean diffuse reflectance (specular excluded) over the dot's disc.
    pub mean: f64,
    /// Its standard error.
    pub std_error: f64,
    /// Bin centres of the profile, mm from the dot's axis.
    pub radius_mm: Vec<f64>,
    /// Diffuse reflectance per bin.
    pub profile: Vec<f64>,
    /// Standard error per bin.
    pub profile_std_error: Vec<f64>,
    /// Photons launched.
    pub photons: u64,
}

/// `photons` in 1..=[`MAX_PHOTONS`].
fn check_photons(photons: u64) -> Result<(), InputError> {
    if photons == 0 || photons > MAX_PHOTONS {
        return Err(InputError::OutOfRange {
            field: "photons".into(),
            value: photons as f64,
            expected: format!("1 to {MAX_PHOTONS}"),
        });
    }
    Ok(())
}

/// The Monte Carlo's answer for a grid of dots ([`DotMonteCarlo::run_pattern`]): diffuse
/// reflectances, specular excluded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PatternTally {
    /// Mean over a dot of the pattern, and its standard error.
    pub dot: f64,
    pub dot_std_error: f64,
    /// Mean over the whole pattern, and its standard error.
    pub blended: f64,
    pub blended_std_error: f64,
}

/// Profile bins inside the dot and in the ring around it out to twice its radius.
pub const PROFILE_BINS_INSIDE: usize = 5;
pub const PROFILE_BINS_OUTSIDE: usize = 5;

impl DotMonteCarlo {
    /// A medium (`layers` top first, as for [`super::transport::solve`]) with a dot of
    /// `radius_mm` filling layer `dot_layer` (0-based) and coefficients `interior` (its
    /// thickness is the layer's). A radius of infinity makes the dot a whole layer.
    ///
    /// # Errors
    /// An invalid stack or interior, a dot layer out of range or infinitely thick, a radius
    /// not above 0, an index outside [`INDEX_RANGE`].
    pub fn new(
        layers: &[Layer],
        below: Below,
        index: f64,
        dot_layer: usize,
        radius_mm: f64,
        interior: Layer,
    ) -> Result<Self, InputError> {
        validate_stack(layers, below)?;
        InputError::check_range(
            "index",
            index,
            INDEX_RANGE.0,
            INDEX_RANGE.1,
            "refractive index",
        )?;
        if dot_layer >= layers.len() || layers[dot_layer].thickness_mm.is_infinite() {
            return Err(InputError::Invalid {
                field: "dot.layer".into(),
                message: format!("layer {} is not a finite layer of the stack", dot_layer + 1),
            });
        }
        if radius_mm.is_nan() || radius_mm <= 0.0 {
            return Err(InputError::OutOfRange {
                field: "dot.diameter_mm".into(),
                value: 2.0 * radius_mm,
                expected: "above 0".into(),
            });
        }
        let interior = Layer {
            thickness_mm: layers[dot_layer].thickness_mm,
            ..interior
        };
        interior.validate().map_err(|e| e.at("dot"))?;
        let mut z = vec![0.0];
        for l in layers {
            z.push(z.last().unwrap() + l.thickness_mm);
        }
        Ok(DotMonteCarlo {
            layers: layers.to_vec(),
            index,
            dot_layer,
            radius_mm,
            interior,
            z,
            diffuse: false,
            period_mm: f64::INFINITY,
            strip: false,
        })
    }

    /// The same medium with the dot a strip of width twice the radius, endless along y (a hair
    /// shaft lying under the skin, [`crate::hair::FollicleGeometry`]): [`DotMonteCarlo::run`]
    /// then launches over the strip and gives the mean over it, its profile binned by the
    /// distance from the strip's axis.
    ///
    /// # Errors
    /// A period set ([`DotMonteCarlo::with_period`]): patterns are of cylinders.
    pub fn as_strip(mut self) -> Result<Self, InputError> {
        if self.period_mm.is_finite() {
            return Err(InputError::Invalid {
                field: "dot".into(),
                message: "a strip cannot be repeated on a grid".into(),
            });
        }
        self.strip = true;
        Ok(self)
    }

    /// Whether (x, y) lies inside the dot's outline.
    fn contains(&self, x: f64, y: f64) -> bool {
        if self.strip {
            x.abs() < self.radius_mm
        } else {
            x * x + y * y < self.radius_mm * self.radius_mm
        }
    }

    /// Distance along the photon's path to the dot's wall, if it meets it.
    fn wall_distance(&self, p: &Photon) -> Option<f64> {
        if !self.strip {
            return wall_distance(p, self.radius_mm * self.radius_mm);
        }
        let a = self.radius_mm;
        if p.ux.abs() < 1e-300 {
            return None;
        }
        if p.inside {
            let edge = if p.ux > 0.0 { a } else { -a };
            Some(((edge - p.x) / p.ux).max(0.0))
        } else {
            let edge = if p.x >= a { a } else { -a };
            let t = (edge - p.x) / p.ux;
            (t > 0.0).then_some(t)
        }
    }

    /// The same dot repeated on a square grid `spacing_mm` centre to centre (at least its
    /// diameter): in the dot's layer the photon meets the walls of its cell and passes into the
    /// next one, which the grid makes the same cell entered from the opposite side (periodic
    /// boundaries, exact for the grid); [`DotMonteCarlo::run_pattern`] estimates it.
    ///
    /// # Errors
    /// A spacing below the dot's diameter, above 100 mm or not finite; a strip
    /// ([`DotMonteCarlo::as_strip`]).
    pub fn with_period(mut self, spacing_mm: f64) -> Result<Self, InputError> {
        if self.strip {
            return Err(InputError::Invalid {
                field: "dot".into(),
                message: "a strip cannot be repeated on a grid".into(),
            });
        }
        InputError::check_range(
            "dot spacing (mm)",
            spacing_mm,
            2.0 * self.radius_mm,
            100.0,
            "at least the dot's diameter, at most 100 mm",
        )?;
        self.period_mm = spacing_mm;
        Ok(self)
    }

    /// A coordinate moved into the cell around the nearest dot.
    fn wrap(&self, v: f64) -> f64 {
        if self.period_mm.is_finite() {
            v - self.period_mm * (v / self.period_mm).round()
        } else {
            v
        }
    }

    /// A grid of dots ([`DotMonteCarlo::with_period`]) by the reciprocal (d:0) estimate:
    /// `photons` launched over a dot give the mean over a dot of the pattern, as many launched
    /// uniformly over a cell the mean over the whole pattern.
    ///
    /// # Errors
    /// `photons` not in 1..=[`MAX_PHOTONS`]; no period set.
    pub fn run_pattern(&self, photons: u64, seed: u64) -> Result<PatternTally, InputError> {
        check_photons(photons)?;
        if !self.period_mm.is_finite() {
            return Err(InputError::Invalid {
                field: "dot spacing (mm)".into(),
                message: "a pattern needs a spacing (with_period)".into(),
            });
        }
        let (a, h) = (self.radius_mm, 0.5 * self.period_mm);
        let total = 2 * photons;
        let chunks = total.div_ceil(CHUNK);
        let sums: Vec<[[f64; 3]; 2]> = (0..chunks)
            .into_par_iter()
            .map(|c| {
                let mut rng = Rng::new(seed, c);
                let mut acc = [[0.0; 3]; 2];
                for i in c * CHUNK..((c + 1) * CHUNK).min(total) {
                    let (x, y, k) = if i < photons {
                        let r = a * rng.uniform().sqrt();
                        let phi = std::f64::consts::TAU * rng.uniform();
                        (r * phi.cos(), r * phi.sin(), 0)
                    } else {
                        let x = h * (2.0 * rng.uniform() - 1.0);
                        (x, h * (2.0 * rng.uniform() - 1.0), 1)
                    };
                    let w = self.trace(x, y, &mut rng, None);
                    acc[k][0] += 1.0;
                    acc[k][1] += w;
                    acc[k][2] += w * w;
                }
                acc
            })
            .collect();
        let mut acc = [[0.0; 3]; 2];
        for s in &sums {
            for k in 0..2 {
                for j in 0..3 {
                    acc[k][j] += s[k][j];
                }
            }
        }
        let stats = |v: &[f64; 3]| {
            let m = v[1] / v[0];
            let var = (v[2] / v[0] - m * m).max(0.0);
            (m, (var / v[0]).sqrt())
        };
        let ((dot, dot_std_error), (blended, blended_std_error)) = (stats(&acc[0]), stats(&acc[1]));
        Ok(PatternTally {
            dot,
            dot_std_error,
            blended,
            blended_std_error,
        })
    }

    /// The same medium lit by diffuse (Lambertian) light from air instead of normal light: the
    /// photon refracts in and the Fresnel reflection of its angle is taken off at launch.
    pub fn with_diffuse_light(mut self) -> Self {
        self.diffuse = true;
        self
    }

    fn coefficients(&self, region: Region) -> &Layer {
        match region {
            Region::Dot => &self.interior,
            Region::Layer(k) => &self.layers[k],
        }
    }

    fn region(&self, p: &Photon) -> Region {
        if p.layer == self.dot_layer && p.inside {
            Region::Dot
        } else {
            Region::Layer(p.layer)
        }
    }

    /// The reciprocal (d:0) estimate with `photons` launched over the dot (and half as many again in
    /// the ring out to twice its radius, for the profile), from `seed`.
    ///
    /// # Errors
    /// `photons` not in 1..=[`MAX_PHOTONS`].
    pub fn run(&self, photons: u64, seed: u64) -> Result<DotTally, InputError> {
        check_photons(photons)?;
        let a = self.radius_mm;
        // A whole-layer dot has no ring and one bin.
        let finite = a.is_finite();
        let ring = if finite { photons / 2 } else { 0 };
        let bins = if finite {
            PROFILE_BINS_INSIDE + PROFILE_BINS_OUTSIDE
        } else {
            1
        };
        let total = photons + ring;
        let chunks = total.div_ceil(CHUNK);
        let sums: Vec<Vec<[f64; 3]>> = (0..chunks)
            .into_par_iter()
            .map(|c| {
                let mut rng = Rng::new(seed, c);
                let mut acc = vec![[0.0; 3]; bins];
                for i in c * CHUNK..((c + 1) * CHUNK).min(total) {
                    let (r, bin) = if !finite {
                        (0.0, 0)
                    } else if i < photons {
                        // Uniform over the disc (or across the strip).
                        let u = rng.uniform();
                        let r = if self.strip { a * u } else { a * u.sqrt() };
                        let b = ((r / a) * PROFILE_BINS_INSIDE as f64) as usize;
                        (r, b.min(PROFILE_BINS_INSIDE - 1))
                    } else {
                        // Uniform over the ring a..2a (or the bands beside the strip).
                        let u = rng.uniform();
                        let r = if self.strip {
                            a * (1.0 + u)
                        } else {
                            a * (1.0 + 3.0 * u).sqrt()
                        };
                        let b = ((r / a - 1.0) * PROFILE_BINS_OUTSIDE as f64) as usize;
                        (r, PROFILE_BINS_INSIDE + b.min(PROFILE_BINS_OUTSIDE - 1))
                    };
                    let phi = std::f64::consts::TAU * rng.uniform();
                    // A strip is the same along y: only the side of its axis is drawn.
                    let (x, y) = if self.strip {
                        (if phi < std::f64::consts::PI { r } else { -r }, 0.0)
                    } else {
                        (r * phi.cos(), r * phi.sin())
                    };
                    let w = self.trace(x, y, &mut rng, None);
                    acc[bin][0] += 1.0;
                    acc[bin][1] += w;
                    acc[bin][2] += w * w;
                }
                acc
            })
            .collect();
        let mut acc = vec![[0.0; 3]; bins];
        for s in &sums {
            for (a, b) in acc.iter_mut().zip(s) {
                for k in 0..3 {
                    a[k] += b[k];
                }
            }
        }
        let stats = |v: &[f64; 3]| {
            if v[0] == 0.0 {
                return (0.0, 0.0);
            }
            let m = v[1] / v[0];
            let var = (v[2] / v[0] - m * m).max(0.0);
            (m, (var / v[0]).sqrt())
        };
        let inside: [f64; 3] = acc[..bins.min(PROFILE_BINS_INSIDE)]
            .iter()
            .fold([0.0; 3], |s, v| [s[0] + v[0], s[1] + v[1], s[2] + v[2]]);
        let (mean, std_error) = stats(&inside);
        let (mut radius_mm, mut profile, mut profile_std_error) = (vec![], vec![], vec![]);
        if finite {
            for (b, v) in acc.iter().enumerate() {
                let (m, e) = stats(v);
                radius_mm.push(if b < PROFILE_BINS_INSIDE {
                    a * (b as f64 + 0.5) / PROFILE_BINS_INSIDE as f64
                } else {
                    a + a * ((b - PROFILE_BINS_INSIDE) as f64 + 0.5) / PROFILE_BINS_OUTSIDE as f64
                });
                profile.push(m);
                profile_std_error.push(e);
            }
        }
        Ok(DotTally {
            mean,
            std_error,
            radius_mm,
            profile,
            profile_std_error,
            photons,
        })
    }

    /// The direct estimate: photons launched uniformly over a disc of `launch_radius_mm` around
    /// the dot, counting only what leaves the surface over the dot's disc (light launched
    /// beyond that disc is missed, so it must cover the light's lateral spread). Returns
    /// (mean, standard error). See the module docs for what it measures.
    ///
    /// # Errors
    /// `photons` not in 1..=[`MAX_PHOTONS`], a launch radius below the dot's.
    pub fn direct(
        &self,
        photons: u64,
        seed: u64,
        launch_radius_mm: f64,
    ) -> Result<(f64, f64), InputError> {
        check_photons(photons)?;
        if self.strip {
            return Err(InputError::Invalid {
                field: "dot".into(),
                message: "the direct estimate is for a cylinder".into(),
            });
        }
        if !launch_radius_mm.is_finite() || launch_radius_mm < self.radius_mm {
            return Err(InputError::OutOfRange {
                field: "launch_radius_mm".into(),
                value: launch_radius_mm,
                expected: "finite, at least the dot's radius".into(),
            });
        }
        let chunks = photons.div_ceil(CHUNK);
        let sums: Vec<[f64; 2]> = (0..chunks)
            .into_par_iter()
            .map(|c| {
                let mut rng = Rng::new(seed, c);
                let mut acc = [0.0; 2];
                for _ in c * CHUNK..((c + 1) * CHUNK).min(photons) {
                    let r = launch_radius_mm * rng.uniform().sqrt();
                    let phi = std::f64::consts::TAU * rng.uniform();
                    let w =
                        self.trace(r * phi.cos(), r * phi.sin(), &mut rng, Some(self.radius_mm));
                    acc[0] += w;
                    acc[1] += w * w;
                }
                acc
            })
            .collect();
        let (s, s2) = sums
            .iter()
            .fold((0.0, 0.0), |a, v| (a.0 + v[0], a.1 + v[1]));
        let n = photons as f64;
        let area = (launch_radius_mm / self.radius_mm).powi(2);
        let m = s / n;
        let var = (s2 / n - m * m).max(0.0);
        Ok((m * area, (var / n).sqrt() * area))
    }

    /// Traces one photon launched normally at (x, y) on the surface; returns the weight that
    /// leaves through the surface (only over the disc of radius `count_within` around the
    /// axis, if given).
    fn trace(&self, x: f64, y: f64, rng: &mut Rng, count_within: Option<f64>) -> f64 {
        let n = self.index;
        let (ux, uy, uz, w) = if self.diffuse {
            // Cosine-weighted in air, refracted in (Snell), Fresnel taken off.
            let sin_out = rng.uniform().sqrt();
            let sin_in = sin_out / n;
            let uz = (1.0 - sin_in * sin_in).sqrt();
            let phi = std::f64::consts::TAU * rng.uniform();
            (
                sin_in * phi.cos(),
                sin_in * phi.sin(),
                uz,
                1.0 - fresnel_inside(n, uz),
            )
        } else {
            (0.0, 0.0, 1.0, 1.0 - ((n - 1.0) / (n + 1.0)).powi(2))
        };
        let p = Photon {
            x,
            y,
            z: 0.0,
            ux,
            uy,
            uz,
            w,
            layer: 0,
            inside: self.contains(x, y),
        };
        let p = if self.dot_layer == 0 {
            let (x, y) = (self.wrap(p.x), self.wrap(p.y));
            Photon {
                x,
                y,
                inside: self.contains(x, y),
                ..p
            }
        } else {
            p
        };
        let mut escaped = 0.0;
        let inside_count = |x: f64, y: f64| count_within.is_none_or(|r| x * x + y * y < r * r);
        self.walk(
            p,
            rng,
            false,
            &mut |x, y, w| {
                if inside_count(x, y) {
                    escaped += w;
                }
            },
            &mut |_, _, _| {},
        );
        escaped
    }

    /// Follows one photon until it is absorbed (by roulette), lost below, or leaves. Each time
    /// it meets the surface, `on_top` gets its position and the weight that escapes; with
    /// `open_bottom`, a photon that goes down through the last layer's bottom is handed to
    /// `on_bottom` and followed no further (otherwise that bottom is air, by Fresnel, and a
    /// semi-infinite last layer has none).
    fn walk(
        &self,
        mut p: Photon,
        rng: &mut Rng,
        open_bottom: bool,
        on_top: &mut dyn FnMut(f64, f64, f64),
        on_bottom: &mut dyn FnMut(f64, f64, f64),
    ) {
        let n = self.index;
        let finite_dot = self.radius_mm.is_finite();
        let mut s_left = 0.0;
        let last = self.layers.len() - 1;
        for _ in 0..MAX_EVENTS {
            let c = *self.coefficients(self.region(&p));
            let mu_t = c.mu_a + c.mu_s;
            if s_left <= 0.0 {
                s_left = -rng.uniform_open().ln();
            }
            let free = if mu_t > 0.0 {
                s_left / mu_t
            } else {
                f64::INFINITY
            };
            // The nearest boundary: the layer's planes, and the dot's wall in its layer.
            let (mut d, mut hit) = (f64::INFINITY, Hit::None);
            if p.uz > 0.0 {
                d = ((self.z[p.layer + 1] - p.z) / p.uz).max(0.0);
                hit = Hit::Bottom;
            } else if p.uz < 0.0 {
                d = ((self.z[p.layer] - p.z) / p.uz).max(0.0);
                hit = Hit::Top;
            }
            if p.layer == self.dot_layer && finite_dot {
                if let Some(dw) = self.wall_distance(&p) {
                    if dw < d {
                        d = dw;
                        hit = Hit::Wall;
                    }
                }
                if self.period_mm.is_finite() {
                    // The cell's walls (the photon is in the cell around the nearest dot).
                    let h = 0.5 * self.period_mm;
                    let to = |v: f64, u: f64| {
                        if u > 0.0 {
                            ((h - v) / u).max(0.0)
                        } else if u < 0.0 {
                            ((-h - v) / u).max(0.0)
                        } else {
                            f64::INFINITY
                        }
                    };
                    let (dx, dy) = (to(p.x, p.ux), to(p.y, p.uy));
                    if dx < d && dx <= dy {
                        d = dx;
                        hit = Hit::CellX;
                    } else if dy < d {
                        d = dy;
                        hit = Hit::CellY;
                    }
                }
            }
            if d.is_infinite() && free.is_infinite() {
                // Into a clear semi-infinite layer for ever.
                return;
            }
            if free < d {
                // Interact inside the region.
                p.x += free * p.ux;
                p.y += free * p.uy;
                p.z += free * p.uz;
                s_left = 0.0;
                if mu_t > 0.0 {
                    p.w *= c.mu_s / mu_t;
                }
                scatter(&mut p, c.g, rng);
            } else {
                p.x += d * p.ux;
                p.y += d * p.uy;
                p.z += d * p.uz;
                s_left -= d * mu_t;
                match hit {
                    Hit::Wall => p.inside = !p.inside,
                    // Into the next cell: the same cell from the opposite side.
                    Hit::CellX => p.x -= self.period_mm * p.ux.signum(),
                    Hit::CellY => p.y -= self.period_mm * p.uy.signum(),
                    Hit::Bottom => {
                        p.z = self.z[p.layer + 1];
                        if p.layer < last {
                            p.layer += 1;
                            if p.layer == self.dot_layer {
                                p.x = self.wrap(p.x);
                                p.y = self.wrap(p.y);
                            }
                            p.inside = self.contains(p.x, p.y);
                        } else if open_bottom {
                            on_bottom(p.x, p.y, p.w);
                            return;
                        } else {
                            // Only a finite stack over air has a bottom.
                            p.w *= fresnel_inside(n, p.uz.abs());
                            p.uz = -p.uz;
                        }
                    }
                    Hit::Top => {
                        p.z = self.z[p.layer];
                        if p.layer == 0 {
                            let rf = fresnel_inside(n, p.uz.abs());
                            on_top(p.x, p.y, p.w * (1.0 - rf));
                            p.w *= rf;
                            p.uz = -p.uz;
                        } else {
                            p.layer -= 1;
                            if p.layer == self.dot_layer {
                                p.x = self.wrap(p.x);
                                p.y = self.wrap(p.y);
                            }
                            p.inside = self.contains(p.x, p.y);
                        }
                    }
                    Hit::None => unreachable!("a finite step or a boundary"),
                }
            }
            if p.w < ROULETTE_WEIGHT {
                if p.w == 0.0 {
                    return;
                }
                if rng.uniform() < ROULETTE_CHANCE {
                    p.w /= ROULETTE_CHANCE;
                } else {
                    return;
                }
            }
        }
    }
}

/// The first-order (Born) response of the mean over the dot to absorption, from the bare
/// medium ([`DotMonteCarlo::absorption_sensitivity`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AbsorptionSensitivity {
    /// -d(mean over the dot)/d(mu_a of the dot's interior), mm.
    pub dot: f64,
    /// -d(reflectance)/d(mu_a of the whole layer), mm: the sheet's, for the same photons.
    pub layer: f64,
    /// Standard error of `dot`.
    pub dot_std_error: f64,
}

/// The escapes of [`DotMonteCarlo::escape_paths`].
#[derive(Debug, Clone, PartialEq)]
pub struct EscapePaths {
    /// Per escape: the escaping weight, the path in the cylinder, and the path in each layer,
    /// mm.
    records: Vec<f64>,
    stride: usize,
    dot_layer: usize,
    photons: u64,
}

impl EscapePaths {
    /// Diffuse reflectance over the dot (the mean over the disc) of the medium as traced, with
    /// the dot's interior absorbing `extra_mu_a_per_mm` more than traced (negative: less), and
    /// with the whole layer so: (as traced, dot, layer). When the dot was traced as the tissue
    /// itself these are the bare medium, the dot and the infinite sheet.
    pub fn reflectance(&self, extra_mu_a_per_mm: f64) -> (f64, f64, f64) {
        let mut sum = [0.0; 3];
        for r in self.records.chunks_exact(self.stride) {
            let (w, d, l) = (r[0], r[1], r[2 + self.dot_layer]);
            sum[0] += w;
            sum[1] += w * (-extra_mu_a_per_mm * d).exp();
            sum[2] += w * (-extra_mu_a_per_mm * l).exp();
        }
        let n = self.photons as f64;
        (sum[0] / n, sum[1] / n, sum[2] / n)
    }

    /// The extra optical depth a record's paths cross when the layers absorb
    /// `extra_mu_a_per_mm[i]` more.
    fn extra_optical_depth(&self, extra_mu_a_per_mm: &[f64], record: &[f64]) -> f64 {
        extra_mu_a_per_mm
            .iter()
            .zip(&record[2..])
            .map(|(m, l)| m * l)
            .sum()
    }

    /// [`EscapePaths::reflectance`] for each of `dot_extra_mu_a_per_mm` at once, in a medium
    /// whose layers absorb `layers_extra_mu_a_per_mm[i]` more (the dot's layer inside the
    /// cylinder too), scattering as traced: each weight times exp(-sum of extra mu_a L). The
    /// paths are pooled in bins of [`PATH_BINS_PER_DECADE`] a decade of length from
    /// [`PATH_BIN_MIN_MM`] (and one bin below it, nearly all nil paths), each bin taken at its
    /// weighted mean length: over a bin's 6 % spread of lengths the exponential's curvature is
    /// a second-order effect.
    pub fn reflectances(
        &self,
        layers_extra_mu_a_per_mm: &[f64],
        dot_extra_mu_a_per_mm: &[f64],
    ) -> Vec<(f64, f64, f64)> {
        let bins = PATH_BINS;
        let bin_of = |l: f64| {
            if l < PATH_BIN_MIN_MM {
                0
            } else {
                (1 + ((l / PATH_BIN_MIN_MM).log10() * PATH_BINS_PER_DECADE as f64) as usize)
                    .min(bins - 1)
            }
        };
        // Per bin: weight, weight times length; for the cylinder's path and the layer's.
        let mut dot = vec![[0.0; 2]; bins];
        let mut layer = vec![[0.0; 2]; bins];
        let mut bare = 0.0;
        for r in self.records.chunks_exact(self.stride) {
            let w = r[0] * (-self.extra_optical_depth(layers_extra_mu_a_per_mm, r)).exp();
            let (d, l) = (r[1], r[2 + self.dot_layer]);
            bare += w;
            let bd = &mut dot[bin_of(d)];
            bd[0] += w;
            bd[1] += w * d;
            let bl = &mut layer[bin_of(l)];
            bl[0] += w;
            bl[1] += w * l;
        }
        let n = self.photons as f64;
        let sum = |bins: &[[f64; 2]], mu: f64| -> f64 {
            bins.iter()
                .filter(|b| b[0] > 0.0)
                .map(|b| b[0] * (-mu * b[1] / b[0]).exp())
                .sum()
        };
        dot_extra_mu_a_per_mm
            .iter()
            .map(|&mu| (bare / n, sum(&dot, mu) / n, sum(&layer, mu) / n))
            .collect()
    }
}

/// Bins of [`EscapePaths::reflectances`]: nil, then a decade's [`PATH_BINS_PER_DECADE`]
/// from [`PATH_BIN_MIN_MM`] over six decades (to 100 m, past any path a weight survives).
pub const PATH_BIN_MIN_MM: f64 = 1e-4;
pub const PATH_BINS_PER_DECADE: usize = 40;
const PATH_BINS: usize = 2 + 6 * PATH_BINS_PER_DECADE;

impl AbsorptionSensitivity {
    /// The share of the sheet's effect a faint dot keeps: the exact limit, for a dot that only
    /// absorbs a little more than the tissue, of the finite-dot share Phi (see
    /// [`super::dot`]).
    pub fn faint_share(&self) -> f64 {
        self.dot / self.layer
    }
}

impl DotMonteCarlo {
    /// How the mean over the dot responds to a little absorption in the dot, to first order:
    /// the perturbation Monte Carlo of the medium with the dot's interior as given (give the
    /// layer's own tissue for the bare medium, as the layer column assumes). Photons are
    /// launched normally and uniformly over the disc as in [`DotMonteCarlo::run`]; each weight that escapes is multiplied by the path it
    /// spent in the dot's cylinder before escaping (the derivative of the path's likelihood,
    /// exp(-mu_a L), with respect to mu_a), and by the path it spent anywhere in the dot's
    /// layer: the bare medium is uniform sideways, so light launched over the disc and counted
    /// anywhere is, per unit area, light launched everywhere, and that column is the sheet's
    /// derivative (tested against adding-doubling).
    ///
    /// This is the faint limit that the fast model's share must reach; right under the
    /// epidermis the fast model keeps 0.03-0.1 more of the sheet's effect than this (the
    /// numbers are in [`super::dot`]'s docs).
    ///
    /// # Errors
    /// `photons` not in 1..=[`MAX_PHOTONS`]; a strip or a pattern.
    pub fn absorption_sensitivity(
        &self,
        photons: u64,
        seed: u64,
    ) -> Result<AbsorptionSensitivity, InputError> {
        check_photons(photons)?;
        if self.strip || self.period_mm.is_finite() || !self.radius_mm.is_finite() {
            return Err(InputError::Invalid {
                field: "dot".into(),
                message: "the absorption sensitivity is for one finite cylinder".into(),
            });
        }
        let a = self.radius_mm;
        let chunks = photons.div_ceil(CHUNK);
        let sums: Vec<[f64; 3]> = (0..chunks)
            .into_par_iter()
            .map(|c| {
                let mut rng = Rng::new(seed, c);
                let mut acc = [0.0; 3];
                for _ in c * CHUNK..((c + 1) * CHUNK).min(photons) {
                    let r = a * rng.uniform().sqrt();
                    let phi = std::f64::consts::TAU * rng.uniform();
                    let (mut dot, mut layer) = (0.0, 0.0);
                    self.paths_to_escape(
                        r * phi.cos(),
                        r * phi.sin(),
                        &mut rng,
                        &mut |w, d, l, _| {
                            dot += w * d;
                            layer += w * l;
                        },
                    );
                    acc[0] += dot;
                    acc[1] += layer;
                    acc[2] += dot * dot;
                }
                acc
            })
            .collect();
        let acc = sums
            .iter()
            .fold([0.0; 3], |s, v| [s[0] + v[0], s[1] + v[1], s[2] + v[2]]);
        let n = photons as f64;
        let dot = acc[0] / n;
        Ok(AbsorptionSensitivity {
            dot,
            layer: acc[1] / n,
            dot_std_error: ((acc[2] / n - dot * dot).max(0.0) / n).sqrt(),
        })
    }

    /// Every escape of light launched over the disc through the medium, its dot as given (as
    /// for [`DotMonteCarlo::absorption_sensitivity`]): its weight and the paths it spent in the
    /// cylinder and in each layer before escaping. A dot that differs from the tissue only
    /// in absorption changes a path's weight by exp(-mu_a L) and nothing else, so these give
    /// the mean over such a dot, and the sheet, for every extra absorption at once, exactly
    /// ([`EscapePaths::reflectance`]).
    ///
    /// # Errors
    /// `photons` not in 1..=[`MAX_PHOTONS`]; a strip or a pattern.
    pub fn escape_paths(&self, photons: u64, seed: u64) -> Result<EscapePaths, InputError> {
        check_photons(photons)?;
        if self.strip || self.period_mm.is_finite() || !self.radius_mm.is_finite() {
            return Err(InputError::Invalid {
                field: "dot".into(),
                message: "escape paths are for one finite cylinder".into(),
            });
        }
        let a = self.radius_mm;
        let chunks = photons.div_ceil(CHUNK);
        let parts: Vec<Vec<f64>> = (0..chunks)
            .into_par_iter()
            .map(|c| {
                let mut rng = Rng::new(seed, c);
                let mut out = vec![];
                for _ in c * CHUNK..((c + 1) * CHUNK).min(photons) {
                    let r = a * rng.uniform().sqrt();
                    let phi = std::f64::consts::TAU * rng.uniform();
                    self.paths_to_escape(
                        r * phi.cos(),
                        r * phi.sin(),
                        &mut rng,
                        &mut |w, d, _, each| {
                            out.push(w);
                            out.push(d);
                            out.extend_from_slice(each);
                        },
                    );
                }
                out
            })
            .collect();
        Ok(EscapePaths {
            records: parts.concat(),
            stride: 2 + self.layers.len(),
            dot_layer: self.dot_layer,
            photons,
        })
    }

    /// One photon launched at (x, y) through the medium with its dot: at each escape,
    /// `on_escape` gets the escaping weight and the paths spent so far in the cylinder, in the
    /// dot's layer and in each layer ([`DotMonteCarlo::absorption_sensitivity`],
    /// [`DotMonteCarlo::escape_paths`]).
    fn paths_to_escape(
        &self,
        x: f64,
        y: f64,
        rng: &mut Rng,
        on_escape: &mut impl FnMut(f64, f64, f64, &[f64]),
    ) {
        let n = self.index;
        let k = self.dot_layer;
        let mut p = Photon {
            x,
            y,
            z: 0.0,
            ux: 0.0,
            uy: 0.0,
            uz: 1.0,
            w: 1.0 - ((n - 1.0) / (n + 1.0)).powi(2),
            layer: 0,
            inside: self.contains(x, y),
        };
        let (mut in_dot, mut in_layer) = (0.0, 0.0);
        let mut in_each = vec![0.0; self.layers.len()];
        let mut s_left = 0.0;
        let last = self.layers.len() - 1;
        for _ in 0..MAX_EVENTS {
            let c = *self.coefficients(self.region(&p));
            let mu_t = c.mu_a + c.mu_s;
            if s_left <= 0.0 {
                s_left = -rng.uniform_open().ln();
            }
            let free = if mu_t > 0.0 {
                s_left / mu_t
            } else {
                f64::INFINITY
            };
            let (mut d, mut hit) = (f64::INFINITY, Hit::None);
            if p.uz > 0.0 {
                d = ((self.z[p.layer + 1] - p.z) / p.uz).max(0.0);
                hit = Hit::Bottom;
            } else if p.uz < 0.0 {
                d = ((self.z[p.layer] - p.z) / p.uz).max(0.0);
                hit = Hit::Top;
            }
            if p.layer == k {
                if let Some(dw) = self.wall_distance(&p) {
                    if dw < d {
                        d = dw;
                        hit = Hit::Wall;
                    }
                }
            }
            if d.is_infinite() && free.is_infinite() {
                return;
            }
            let step = free.min(d);
            in_each[p.layer] += step;
            if p.layer == k {
                in_layer += step;
                if p.inside {
                    in_dot += step;
                }
            }
            if free < d {
                p.x += free * p.ux;
                p.y += free * p.uy;
                p.z += free * p.uz;
                s_left = 0.0;
                if mu_t > 0.0 {
                    p.w *= c.mu_s / mu_t;
                }
                scatter(&mut p, c.g, rng);
            } else {
                p.x += d * p.ux;
                p.y += d * p.uy;
                p.z += d * p.uz;
                s_left -= d * mu_t;
                match hit {
                    Hit::Wall => p.inside = !p.inside,
                    Hit::Bottom => {
                        p.z = self.z[p.layer + 1];
                        if p.layer < last {
                            p.layer += 1;
                            p.inside = self.contains(p.x, p.y);
                        } else {
                            p.w *= fresnel_inside(n, p.uz.abs());
                            p.uz = -p.uz;
                        }
                    }
                    Hit::Top => {
                        p.z = self.z[p.layer];
                        if p.layer == 0 {
                            let rf = fresnel_inside(n, p.uz.abs());
                            let escaped = p.w * (1.0 - rf);
                            on_escape(escaped, in_dot, in_layer, &in_each);
                            p.w *= rf;
                            p.uz = -p.uz;
                        } else {
                            p.layer -= 1;
                            p.inside = self.contains(p.x, p.y);
                        }
                    }
                    _ => unreachable!("a finite step or a boundary"),
                }
            }
            if p.w < ROULETTE_WEIGHT {
                if p.w == 0.0 {
                    return;
                }
                if rng.uniform() < ROULETTE_CHANCE {
                    p.w /= ROULETTE_CHANCE;
                } else {
                    return;
                }
            }
        }
    }
}

/// Lateral kernels of a stack under air: light launched at one point, either up into the stack
/// from its bottom with a Lambertian (cosine-weighted) distribution, or (`from_surface`) down
/// into it normally just under the surface, traced until it leaves; the weight that goes down
/// through the bottom and the weight that escapes through the top, each binned by its distance
/// from the launch point on `edges` (mm, ascending from 0; light beyond the last edge is
/// dropped). Returns (down, escape) as fractions of the launched weight per bin. The stack's
/// bottom is open: nothing under it sends light back (the caller's lower region does that).
pub(crate) fn upper_kernels(
    layers: &[Layer],
    index: f64,
    from_surface: bool,
    photons: u64,
    seed: u64,
    edges: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    let bins = edges.len() - 1;
    let mut z = vec![0.0];
    for l in layers {
        z.push(z.last().unwrap() + l.thickness_mm);
    }
    let bottom = *z.last().unwrap();
    // The stack alone, no dot in it.
    let stack = DotMonteCarlo {
        layers: layers.to_vec(),
        index,
        dot_layer: usize::MAX,
        radius_mm: f64::INFINITY,
        interior: layers[0],
        z,
        diffuse: false,
        period_mm: f64::INFINITY,
        strip: false,
    };
    let bin_of = |x: f64, y: f64| {
        let r = (x * x + y * y).sqrt();
        let k = edges.partition_point(|&e| e <= r);
        (k >= 1 && k <= bins).then(|| k - 1)
    };
    let chunks = photons.div_ceil(CHUNK);
    let sums: Vec<(Vec<f64>, Vec<f64>)> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let mut rng = Rng::new(seed, c);
            let mut down = vec![0.0; bins];
            let mut escape = vec![0.0; bins];
            for _ in c * CHUNK..((c + 1) * CHUNK).min(photons) {
                let p = if from_surface {
                    Photon {
                        x: 0.0,
                        y: 0.0,
                        z: 0.0,
                        ux: 0.0,
                        uy: 0.0,
                        uz: 1.0,
                        w: 1.0,
                        layer: 0,
                        inside: false,
                    }
                } else {
                    let uz = -rng.uniform_open().sqrt();
                    let phi = std::f64::consts::TAU * rng.uniform();
                    let st = (1.0 - uz * uz).max(0.0).sqrt();
                    Photon {
                        x: 0.0,
                        y: 0.0,
                        z: bottom,
                        ux: st * phi.cos(),
                        uy: st * phi.sin(),
                        uz,
                        w: 1.0,
                        layer: layers.len() - 1,
                        inside: false,
                    }
                };
                stack.walk(
                    p,
                    &mut rng,
                    true,
                    &mut |x, y, w| {
                        if let Some(b) = bin_of(x, y) {
                            escape[b] += w;
                        }
                    },
                    &mut |x, y, w| {
                        if let Some(b) = bin_of(x, y) {
                            down[b] += w;
                        }
                    },
                );
            }
            (down, escape)
        })
        .collect();
    let n = photons as f64;
    let mut down = vec![0.0; bins];
    let mut escape = vec![0.0; bins];
    for (d, e) in &sums {
        for b in 0..bins {
            down[b] += d[b] / n;
            escape[b] += e[b] / n;
        }
    }
    (down, escape)
}

#[derive(Debug, Clone, Copy)]
enum Hit {
    None,
    Top,
    Bottom,
    Wall,
    /// A wall of a pattern's cell, across x or across y.
    CellX,
    CellY,
}

/// Distance along the photon's path to the dot's wall (the cylinder x^2 + y^2 = a^2), if it
/// meets it going the way it goes: leaving from inside, entering from outside.
fn wall_distance(p: &Photon, a2: f64) -> Option<f64> {
    let q = p.ux * p.ux + p.uy * p.uy;
    if q < 1e-300 {
        return None;
    }
    let b = p.x * p.ux + p.y * p.uy;
    let c = p.x * p.x + p.y * p.y - a2;
    let disc = b * b - q * c;
    if disc < 0.0 {
        return None;
    }
    let root = disc.sqrt();
    if p.inside {
        // The far root; c <= 0 inside so it is >= 0.
        Some(((-b + root) / q).max(0.0))
    } else {
        // The near root, if ahead.
        let t = (-b - root) / q;
        (t > 0.0).then_some(t)
    }
}

/// Henyey-Greenstein deflection and the MCML rotation of the direction.
fn scatter(p: &mut Photon, g: f64, rng: &mut Rng) {
    let xi = rng.uniform();
    let cos_t = if g.abs() < 1e-6 {
        2.0 * xi - 1.0
    } else {
        let f = (1.0 - g * g) / (1.0 - g + 2.0 * g * xi);
        ((1.0 + g * g - f * f) / (2.0 * g)).clamp(-1.0, 1.0)
    };
    let sin_t = (1.0 - cos_t * cos_t).max(0.0).sqrt();
    let phi = std::f64::consts::TAU * rng.uniform();
    let (sin_p, cos_p) = phi.sin_cos();
    let (ux, uy, uz) = (p.ux, p.uy, p.uz);
    if uz.abs() > 0.99999 {
        p.ux = sin_t * cos_p;
        p.uy = sin_t * sin_p;
        p.uz = cos_t * uz.signum();
    } else {
        let t = (1.0 - uz * uz).sqrt();
        p.ux = sin_t * (ux * uz * cos_p - uy * sin_p) / t + ux * cos_t;
        p.uy = sin_t * (uy * uz * cos_p + ux * sin_p) / t + uy * cos_t;
        p.uz = -sin_t * cos_p * t + uz * cos_t;
    }
    // Keep the direction a unit vector against rounding drift.
    let norm = (p.ux * p.ux + p.uy * p.uy + p.uz * p.uz).sqrt();
    p.ux /= norm;
    p.uy /= norm;
    p.uz /= norm;
}

/// xoshiro256++ (Blackman & Vigna 2018), seeded by SplitMix64.
struct Rng([u64; 4]);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut sm = seed ^ stream.wrapping_mul(0xD134_2543_DE82_EF95);
        let mut next = || {
            sm = sm.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = sm;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng([next(), next(), next(), next()])
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = (s[0].wrapping_add(s[3])).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform on [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform on (0, 1].
    fn uniform_open(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optics::transport::{solve, Quadrature, DEFAULT_POINTS};

    fn skin_like() -> Vec<Layer> {
        vec![
            Layer::new(1.0, 30.0, 0.8, 0.08),
            Layer::new(0.05, 12.0, 0.8, 0.1),
            Layer::new(0.05, 12.0, 0.8, 0.1),
            Layer::new(0.05, 12.0, 0.8, f64::INFINITY),
        ]
    }

    #[test]
    fn escape_paths_are_every_absorbing_dot_at_once() {
        // Reweighting one run's escapes by exp(-extra mu_a L) is a dot absorbing that much more
        // (direct runs with such a dot agree within their errors), the layer's paths the
        // sheet (adding-doubling), the binned sums the plain ones, and a dot traced with its own
        // scattering keeps it.
        let layers = skin_like();
        let k = 1;
        let q = Quadrature::<DEFAULT_POINTS>::new(1.4).unwrap();
        let traced = |interior: Layer| {
            DotMonteCarlo::new(&layers, Below::SemiInfinite, 1.4, k, 0.125, interior)
                .unwrap()
                .escape_paths(20_000, 9)
                .unwrap()
        };
        for scattering in [layers[k].mu_s, 80.0] {
            let base = Layer {
                mu_s: scattering,
                ..layers[k]
            };
            let paths = traced(base);
            for extra in [0.0, 3.0, 30.0, 300.0] {
                let (bare, dot, sheet) = paths.reflectance(extra);
                let interior = Layer {
                    mu_a: base.mu_a + extra,
                    ..base
                };
                let direct =
                    DotMonteCarlo::new(&layers, Below::SemiInfinite, 1.4, k, 0.125, interior)
                        .unwrap()
                        .run(20_000, 4)
                        .unwrap();
                assert!(
                    (dot - direct.mean).abs() < 5.0 * direct.std_error + 1e-3,
                    "mu_s {scattering}, +{extra}: {dot} vs {} +- {}",
                    direct.mean,
                    direct.std_error
                );
                let binned = paths.reflectances(&[0.0; 4], &[extra])[0];
                assert!((binned.0 - bare).abs() < 1e-12);
                assert!((binned.1 - dot).abs() < 2e-4 && (binned.2 - sheet).abs() < 2e-4);
                if scattering == layers[k].mu_s {
                    let mut l = layers.clone();
                    l[k].mu_a += extra;
                    let ad = solve(&q, &l, Below::SemiInfinite)
                        .unwrap()
                        .reflectance_diffuse;
                    assert!(
                        (sheet - ad).abs() < 0.01,
                        "+{extra}: sheet {sheet} vs AD {ad}"
                    );
                }
            }
        }
        // More absorption in a layer: the same as tracing that medium, within the noise.
        let paths = traced(layers[k]);
        let (_, dot, _) = paths.reflectances(&[0.5, 0.0, 0.0, 0.0], &[10.0])[0];
        let mut darker = layers.clone();
        darker[0].mu_a += 0.5;
        let direct = DotMonteCarlo::new(
            &darker,
            Below::SemiInfinite,
            1.4,
            k,
            0.125,
            Layer {
                mu_a: layers[k].mu_a + 10.0,
                ..layers[k]
            },
        )
        .unwrap()
        .run(20_000, 4)
        .unwrap();
        assert!((dot - direct.mean).abs() < 5.0 * direct.std_error + 1e-3);
    }

    #[test]
    fn an_infinite_dot_is_a_layer_and_agrees_with_adding_doubling() {
        let mut layers = skin_like();
        let interior = Layer::new(5.0, 20.0, 0.6, 0.1);
        let mc = DotMonteCarlo::new(
            &layers,
            Below::SemiInfinite,
            1.4,
            2,
            f64::INFINITY,
            interior,
        )
        .unwrap();
        let t = mc.run(20_000, 7).unwrap();
        layers[2] = interior;
        let q = Quadrature::<DEFAULT_POINTS>::new(1.4).unwrap();
        let ad = solve(&q, &layers, Below::SemiInfinite).unwrap();
        assert!(
            (t.mean - ad.reflectance_diffuse).abs() < 4.0 * t.std_error + 1e-3,
            "MC {} +- {} vs AD {}",
            t.mean,
            t.std_error,
            ad.reflectance_diffuse
        );
    }

    #[test]
    fn same_seed_same_answer_and_the_dot_darkens() {
        let layers = skin_like();
        let interior = Layer::new(50.0, 20.0, 0.6, 0.1);
        let mc = DotMonteCarlo::new(&layers, Below::SemiInfinite, 1.4, 2, 0.25, interior).unwrap();
        let a = mc.run(4_000, 3).unwrap();
        let b = mc.run(4_000, 3).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.profile.len(), PROFILE_BINS_INSIDE + PROFILE_BINS_OUTSIDE);
        let bare = DotMonteCarlo::new(&layers, Below::SemiInfinite, 1.4, 2, 0.25, layers[2])
            .unwrap()
            .run(4_000, 3)
            .unwrap();
        assert!(a.mean < bare.mean - 0.03, "{} vs {}", a.mean, bare.mean);
    }

    #[test]
    fn a_finite_stack_over_air_agrees_with_adding_doubling() {
        let layers = vec![Layer::new(0.1, 10.0, 0.9, 1.0)];
        let mc = DotMonteCarlo::new(&layers, Below::Air, 1.5, 0, f64::INFINITY, layers[0]).unwrap();
        let t = mc.run(20_000, 11).unwrap();
        let q = Quadrature::<DEFAULT_POINTS>::new(1.5).unwrap();
        let ad = solve(&q, &layers, Below::Air).unwrap();
        assert!(
            (t.mean - ad.reflectance_diffuse).abs() < 4.0 * t.std_error + 1e-3,
            "MC {} +- {} vs AD {}",
            t.mean,
            t.std_error,
            ad.reflectance_diffuse
        );
    }
    #[test]
    fn the_absorption_sensitivity_is_the_sheets_derivative_and_bounds_the_dot() {
        // The layer column against adding-doubling's derivative of the whole stack; a dot's
        // share of it between 0 and 1, larger for a larger dot, near 1 for a very wide one.
        let layers = skin_like();
        let k = 1;
        let q = Quadrature::<DEFAULT_POINTS>::new(1.4).unwrap();
        let r = |mu_a: f64| {
            let mut l = layers.clone();
            l[k].mu_a = mu_a;
            solve(&q, &l, Below::SemiInfinite)
                .unwrap()
                .reflectance_diffuse
        };
        let h = 0.01;
        let ad = (r(layers[k].mu_a - h) - r(layers[k].mu_a + h)) / (2.0 * h);
        let sens = |radius: f64| {
            DotMonteCarlo::new(&layers, Below::SemiInfinite, 1.4, k, radius, layers[k])
                .unwrap()
                .absorption_sensitivity(20_000, 5)
                .unwrap()
        };
        let small = sens(0.125);
        assert!(
            (small.layer - ad).abs() < 0.03 * ad,
            "MC {} vs AD {ad}",
            small.layer
        );
        let (wide, wider) = (sens(1.0), sens(20.0));
        assert!(small.faint_share() > 0.0 && small.faint_share() < wide.faint_share());
        // (Light launched within a few millimetres of a 40 mm disc's edge spends part of its path
        // beyond it.)
        assert!(wider.faint_share() > 0.95 && wider.faint_share() <= 1.0 + 1e-9);
        assert!(small.dot_std_error > 0.0 && small.dot_std_error < 0.1 * small.dot);
        assert_eq!(small, sens(0.125));
    }
}
