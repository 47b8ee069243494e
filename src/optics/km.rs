//! Kubelka-Munk two-flux optics of a layer, at one wavelength.
//!
//! | quantity | formula |
//! |---|---|
//! | a, b | a = 1 + K/S, b = sqrt(a^2 - 1) |
//! | R-infinity (opaque layer) | 1 / (a + b) = S / (K + S + beta), beta = sqrt(K (K + 2S)) = bS |
//! | K/S from R-infinity | (1 - R)^2 / (2 R) |
//! | layer over a background Rg | R = (1 - Rg (a - b coth(bSX))) / (a - Rg + b coth(bSX)) |
//! | free layer transmittance | T = b / (a sinh(bSX) + b cosh(bSX)) |
//! | two layers | R = R1 + T1^2 R2 / (1 - R1' R2), T = T1 T2 / (1 - R1' R2), R1' from below |
//!
//! # Robust forms
//! The textbook forms divide by S and overflow in sinh and cosh. tinct writes them with
//! tau = tanh(beta X) / beta (tau -> X as beta -> 0; tau -> 1/beta as X -> infinity):
//!
//! R = (S tau - Rg ((K + S) tau - 1)) / ((K + S - Rg S) tau + 1),
//! T = sech(beta X) / ((K + S) tau + 1),
//!
//! which hold without special cases for K = 0 (R = (SX(1-Rg) + Rg) / (1 + SX(1-Rg))), S = 0
//! (R = Rg exp(-2KX), T = exp(-KX)), X = 0 (R = Rg, T = 1) and very thick layers, and agree with
//! 60-digit evaluations of the textbook forms to about 1e-15 relative (shared/reference/km_cases.csv,
//! 197 cases). X = infinity is R-infinity, and a layer with K = S = 0 is transparent.
//!
//! References: Kubelka, P. & Munk, F. (1931) Z. Tech. Phys. 12, 593-601; Kubelka, P. (1948)
//! J. Opt. Soc. Am. 38, 448-457 (hyperbolic solution, R-infinity); Kubelka, P. (1954) J. Opt.
//! Soc. Am. 44, 330-335 (layer addition); Saunderson, J. L. (1942) J. Opt. Soc. Am. 32, 727-736.

/// a = 1 + K/S.
pub fn km_a(k: f64, s: f64) -> f64 {
    1.0 + k / s
}

/// b = sqrt(a^2 - 1), written as sqrt((K/S)^2 + 2 K/S) to avoid cancellation.
pub fn km_b(k: f64, s: f64) -> f64 {
    let ks = k / s;
    (ks * (ks + 2.0)).sqrt()
}

/// beta = b S = sqrt(K (K + 2S)), the attenuation constant of the diffuse fluxes.
#[inline]
fn beta(k: f64, s: f64) -> f64 {
    (k * (k + 2.0 * s)).sqrt()
}

/// Reflectance of an opaque layer (Kubelka 1948): 1/(a + b), computed as S / (K + S + beta).
/// K = S = 0 has no R-infinity; this returns 0 there (a transparent medium reflects nothing).
#[inline]
pub fn r_infinity(k: f64, s: f64) -> f64 {
    let d = k + s + beta(k, s);
    if d == 0.0 {
        0.0
    } else {
        s / d
    }
}

/// K/S of an opaque layer from its reflectance R-infinity (the Kubelka-Munk function).
/// Ill-conditioned near R-infinity = 1: one ulp of R moves K/S by about 2 eps / (1 - R)
/// relative, so nearly white samples give K/S to fewer digits than their reflectance has.
pub fn ks_of_r_infinity(r_inf: f64) -> f64 {
    (1.0 - r_inf) * (1.0 - r_inf) / (2.0 * r_inf)
}

/// tanh(y) and sech(y) for y > 0 from one exponential e = exp(-y) (q = e^2):
/// tanh = (1 - q) / (1 + q), sech = 2 e / (1 + q); below y = 1 through expm1, so that small y
/// loses nothing to cancellation. Once e underflows, sech = 0 (T = 0) and tanh = 1.
#[inline]
fn tanh_sech(y: f64) -> (f64, f64) {
    if y < 1.0 {
        let em = (-y).exp_m1();
        let e = 1.0 + em;
        let inv = 1.0 / (1.0 + e * e);
        (-em * (2.0 + em) * inv, 2.0 * e * inv)
    } else {
        let e = (-y).exp();
        let q = e * e;
        let inv = 1.0 / (1.0 + q);
        ((1.0 - q) * inv, 2.0 * e * inv)
    }
}

/// tau = tanh(beta X) / beta (X when beta X = 0) and sech(beta X); X finite and >= 0.
#[inline]
fn tau_sech(b: f64, x: f64) -> (f64, f64) {
    let bx = b * x;
    if bx == 0.0 {
        return (x, 1.0);
    }
    let (tanh, sech) = tanh_sech(bx);
    (tanh / b, sech)
}

/// Reflectance of a layer (K, S per unit thickness; thickness X, which may be infinite) in
/// optical contact with a background of reflectance `rg`.
#[inline]
pub fn reflectance_over(k: f64, s: f64, x: f64, rg: f64) -> f64 {
    if x.is_infinite() {
        return if k + s == 0.0 { rg } else { r_infinity(k, s) };
    }
    let (tau, _) = tau_sech(beta(k, s), x);
    (s * tau - rg * ((k + s) * tau - 1.0)) / ((k + s - rg * s) * tau + 1.0)
}

/// Reflectance and transmittance (R, T) of a free layer (no background): R + T <= 1, with
/// equality when K = 0.
#[inline]
pub fn layer_rt(k: f64, s: f64, x: f64) -> (f64, f64) {
    if x.is_infinite() {
        return if k + s == 0.0 {
            (0.0, 1.0)
        } else {
            (r_infinity(k, s), 0.0)
        };
    }
    let (tau, sech) = tau_sech(beta(k, s), x);
    let inv_d = 1.0 / ((k + s) * tau + 1.0);
    (s * tau * inv_d, sech * inv_d)
}

/// A layer or a stack of layers: its reflectance from above, from below, and its
/// transmittance (the same both ways, by reciprocity). A single homogeneous Kubelka-Munk layer
/// reflects alike from both sides; a stack of different layers does not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slab {
    /// Reflectance for light arriving from above.
    pub r: f64,
    /// Reflectance for light arriving from below.
    pub r_below: f64,
    /// Transmittance.
    pub t: f64,
}

impl Slab {
    /// A homogeneous layer from its (R, T).
    #[inline]
    pub fn symmetric((r, t): (f64, f64)) -> Slab {
        Slab { r, r_below: r, t }
    }

    /// A homogeneous Kubelka-Munk layer (see [`layer_rt`]).
    #[inline]
    pub fn layer(k: f64, s: f64, x: f64) -> Slab {
        Slab::symmetric(layer_rt(k, s, x))
    }
}

/// Kubelka's layer addition (1954): `top` over `bottom`. The inter-reflections between the two
/// use the top's reflectance from below:
/// R = R1 + T1^2 R2 / (1 - R1' R2), R' = R2' + T2^2 R1' / (1 - R1' R2),
/// T = T1 T2 / (1 - R1' R2).
#[inline]
pub fn stack(top: Slab, bottom: Slab) -> Slab {
    let inv = 1.0 / (1.0 - top.r_below * bottom.r);
    Slab {
        r: top.r + top.t * top.t * bottom.r * inv,
        r_below: bottom.r_below + bottom.t * bottom.t * top.r_below * inv,
        t: top.t * bottom.t * inv,
    }
}

/// Reflectance of a slab over an opaque background of reflectance `rg`.
#[inline]
pub fn over_background(slab: Slab, rg: f64) -> f64 {
    slab.r + slab.t * slab.t * rg / (1.0 - slab.r_below * rg)
}

/// Two-constant mixing: K and S of a mixture are the concentration-weighted sums of its
/// components' K and S (Duncan 1940, Proc. Phys. Soc. 52, 390; Allen 1980 in Grum & Bartleson,
/// Optical Radiation Measurements 2). `components` are (concentration, K, S).
pub fn mix(components: &[(f64, f64, f64)]) -> (f64, f64) {
    components
        .iter()
        .fold((0.0, 0.0), |(k, s), &(c, ki, si)| (k + c * ki, s + c * si))
}

/// Whether the specular (front-surface) reflection is part of the measured or seen reflectance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Specular {
    /// Specular component included (d/8 SCI, or a matte surface seen diffusely): k1 is added.
    #[default]
    Included,
    /// Specular component excluded (d/8 SCE, 45/0): k1 is not added.
    Excluded,
}

/// The Saunderson (1942) surface correction between the internal reflectance Ri of the
/// Kubelka-Munk model and the measured reflectance Rm of a layer behind a refractive surface:
/// Rm = k1 + (1 - k1)(1 - k2) Ri / (1 - k2 Ri) (with the specular component included).
/// k1 is the external (Fresnel) reflectance for light arriving from outside, k2 the internal
/// reflectance for diffuse light arriving from inside (about 0.04 and 0.6 for n = 1.5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Saunderson {
    pub k1: f64,
    pub k2: f64,
    pub specular: Specular,
}

impl Saunderson {
    /// Measured reflectance of an internal reflectance.
    #[inline]
    pub fn measured(&self, ri: f64) -> f64 {
        let body = (1.0 - self.k1) * (1.0 - self.k2) * ri / (1.0 - self.k2 * ri);
        match self.specular {
            Specular::Included => self.k1 + body,
            Specular::Excluded => body,
        }
    }

    /// Internal reflectance of a measured reflectance (the inverse of
    /// [`Saunderson::measured`]). Not clamped: a measured value below k1 (specular included)
    /// gives a negative internal reflectance, which says the k1 used is too large.
    #[inline]
    pub fn internal(&self, rm: f64) -> f64 {
        let r = match self.specular {
            Specular::Included => rm - self.k1,
            Specular::Excluded => rm,
        };
        r / ((1.0 - self.k1) * (1.0 - self.k2) + self.k2 * r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        // S = 0: Beer-Lambert through and back.
        let (k, x, rg) = (2.0, 0.3, 0.5);
        assert!((reflectance_over(k, 0.0, x, rg) - rg * (-2.0 * k * x).exp()).abs() < 1e-15);
        let (r, t) = layer_rt(k, 0.0, x);
        assert!(r == 0.0 && (t - (-k * x).exp()).abs() < 1e-15);
        // K = 0: no absorption, R + T = 1.
        let (r, t) = layer_rt(0.0, 5.0, 0.2);
        assert!((r + t - 1.0).abs() < 1e-15);
        // Transparent layer.
        assert_eq!(reflectance_over(0.0, 0.0, 1.0, 0.3), 0.3);
        assert_eq!(reflectance_over(0.0, 0.0, f64::INFINITY, 0.3), 0.3);
        // Huge optical thickness does not overflow.
        let r = reflectance_over(1.0, 1e6, 1e6, 0.2);
        assert!((r - r_infinity(1.0, 1e6)).abs() < 1e-15);
        assert_eq!(layer_rt(1.0, 1e6, 1e6).1, 0.0);
    }

    #[test]
    fn stacking_a_layer_over_its_background_equals_the_direct_form() {
        let (k, s, x, rg) = (0.7, 12.0, 0.05, 0.35);
        let direct = reflectance_over(k, s, x, rg);
        let stacked = over_background(Slab::layer(k, s, x), rg);
        assert!((direct - stacked).abs() < 1e-15, "{direct} {stacked}");
        // Two halves stacked equal the whole.
        let half = Slab::layer(k, s, x / 2.0);
        let both = stack(half, half);
        let (rw, tw) = layer_rt(k, s, x);
        assert!((both.r - rw).abs() < 1e-15 && (both.t - tw).abs() < 1e-15);
    }

    #[test]
    fn unlike_layers_reflect_differently_from_each_side_and_stacking_is_associative() {
        let a = Slab::layer(5.0, 2.0, 0.1); // absorbing, little scattering
        let b = Slab::layer(0.2, 40.0, 0.05); // scattering
        let c = Slab::layer(1.0, 10.0, 0.2);
        let ab = stack(a, b);
        assert!((ab.r - ab.r_below).abs() > 1e-3);
        let left = stack(stack(a, b), c);
        let right = stack(a, stack(b, c));
        assert!((left.r - right.r).abs() < 1e-15);
        assert!((left.r_below - right.r_below).abs() < 1e-15);
        assert!((left.t - right.t).abs() < 1e-15);
        // Over a background equal to the bottom medium's R-infinity, a layer of that medium
        // changes nothing, whatever is above it.
        let rinf = r_infinity(1.0, 10.0);
        let with = over_background(stack(ab, c), rinf);
        let without = over_background(ab, rinf);
        assert!((with - without).abs() < 1e-14, "{with} {without}");
    }
}
