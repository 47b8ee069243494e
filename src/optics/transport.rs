//! Exact light transport in plane-parallel layers: the adding-doubling method.
//!
//! The radiative transfer equation of a stack of homogeneous layers (each with its absorption
//! coefficient mu_a, scattering coefficient mu_s, Henyey-Greenstein anisotropy g and thickness
//! d; one refractive index n inside the stack, air above, air or a semi-infinite last layer
//! below) is solved for azimuthally symmetric light (normal or diffuse incidence) by the
//! adding-doubling method of van de Hulst (1980) as Prahl (1995) lays it out for tissue.
//!
//! # The method, formula by formula
//! - **Angles.** Directions are the cosines nu of their angle with the normal, N per hemisphere
//!   (Prahl 1995; iadpython's `update_quadrature`, read, chooses them this way). Index-matched
//!   (n = 1): Radau quadrature on [0, 1], which includes nu = 1 for normal incidence. With a boundary (n > 1): Gauss points on [0, nu_c] and Radau
//!   points on [nu_c, 1], nu_c = sqrt(1 - 1/n^2) the cosine of the critical angle, so that the
//!   jump of the boundary's reflectance at nu_c falls between the two rules.
//! - **Fluxes.** Light in direction i is carried as its flux F_i = 2 nu_i w_i I_i (w_i the
//!   weight, I_i the radiance). A layer is four N x N matrices that map incident to outgoing
//!   fluxes: R and T for light from above, R' and T' for light from below. Prahl's radiance
//!   operators with his "star" product (A * B = A C B, C = diag(2 nu w)) are these matrices
//!   divided on the left by C; in flux form his products are plain matrix products.
//! - **Phase function.** Henyey-Greenstein, azimuthally averaged (the redistribution function
//!   h(u, v) = 1/(2 pi) integral of p over the azimuth, Prahl 1988, eq. 3.24, read on OMLC) by its
//!   Legendre series h(nu_i, nu_j) = sum_k (2k + 1) chi_k P_k(nu_i) P_k(nu_j), chi_k = g^k (as
//!   Prahl's iadpython `hg_legendre` computes it, read),
//!   truncated at k = N - 1 with the delta-M method (Wiscombe 1977): f = g^N is taken out as
//!   unscattered forward light, chi_k* = (g^k - f) / (1 - f), and mu_s* = mu_s (1 - f). The
//!   redistribution into the same hemisphere is h(nu_i, nu_j), into the other h(-nu_i, nu_j)
//!   (the same series with (-1)^k).
//! - **Thin starting layer.** A layer of optical thickness d (delta-M scaled) no thicker than the
//!   smallest quadrature cosine is started with the diamond (trapezoid) rule of Wiscombe (1976),
//!   which Prahl prefers to the infinitesimal generator for all but the thinnest starts (his
//!   iadpython `start.thinnest_layer`, read; the starting thickness criterion is his
//!   `starting_thickness`). Derived here in our own notation: along the layer,
//!   dI+/dtau = -A I+ + B I-, -dI-/dtau = -A I- + B I+, with A = M^-1 (1 - a/2 h(+) W) and
//!   B = M^-1 a/2 h(-) W (M = diag(nu), W = diag(w), a the albedo). Averaging each side over the
//!   layer gives, with X = d/2 (A - B) and Y = d/2 (A + B), the radiance operators
//!   T = (1 + X)^-1 + (1 + Y)^-1 - 1 and R = (1 + X)^-1 - (1 + Y)^-1.
//! - **Doubling.** Two copies of a homogeneous layer (R' = R, T' = T) make one twice as thick
//!   (van de Hulst 1980; Prahl 1995): R2 = R + T R (1 - R R)^-1 T, T2 = T (1 - R R)^-1 T.
//!   Doubling stops at the layer's thickness, or once the layer transmits less than 1e-7 of any
//!   flux: further doubling would change its reflection by less than T^2 (opaque layers); a
//!   semi-infinite layer is doubled until then.
//! - **Adding.** Layer 1 over layer 2 (Prahl 1995; the same four equations in radiance form in
//!   iadpython's `combine.add_layers_basic` docstring, read), with B = (1 - R1' R2):
//!   T = T2 B^-1 T1, R = R1 + T1' R2 B^-1 T1, R' = R2' + T2 B^-1 R1' T2',
//!   T' = T1' (T2' + R2 B^-1 R1' T2').
//! - **Boundaries.** A smooth boundary to air is a layer with diagonal matrices: the Fresnel
//!   reflectance r(nu_i) for unpolarised light (total reflection below nu_c) and 1 - r(nu_i).
//!   Outside the stack, direction i stands for the cone of air directions that refracts into it.
//!   Normal incidence enters as unit flux in the direction nu = 1; diffuse (Lambertian) light
//!   enters as the fluxes n^2 2 nu_i w_i for nu_i > nu_c, which sum to 1 (the n^2 law of
//!   radiance, as iadpython's `UX1_and_UXU` applies it, read). The specular reflection is the
//!   boundary's own r(1) = ((n - 1)/(n + 1))^2, part of the total reflectance; "diffuse"
//!   reflectance excludes it. For diffuse incidence the surface's own reflection is integrated
//!   finely over angle and the entering fluxes scaled to the rest.
//! - **Fluence.** Inside the stack, at the interface between an upper part (u) and a lower part
//!   (l), the downward fluxes are D = (1 - R_u' R_l)^-1 T_u F0 and the upward U = R_l D; the
//!   fluence rate per unit incident irradiance is sum_i (D_i + U_i) / nu_i.
//!
//! # Accuracy
//! With [`DEFAULT_POINTS`] = 12 directions per hemisphere, tinct reproduces van de Hulst's
//! benchmark slab (albedo 0.9, optical thickness 2, g 0.75, n 1: R 0.09739, T 0.66096) and the
//! layered references in tests/data (Prahl's iadpython and a Monte Carlo, generated by the
//! script beside them) within the tolerances those tests state.
//!
//! References (the books and papers were not reachable here: the formulas were checked against
//! Prahl's iadpython code and docstrings, and the results against the published benchmarks):
//! van de Hulst, H. C. (1980) Multiple Light Scattering, Academic Press; Prahl, S. A. (1995) The
//! adding-doubling method, in Welch, A. J. & van Gemert, M. J. C. (eds.) Optical-Thermal
//! Response of Laser-Irradiated Tissue, Plenum; Prahl, S. A. (1988) Light Transport in Tissue,
//! PhD thesis, University of Texas at Austin (read in part on OMLC); Wiscombe, W. J. (1976)
//! On initialization, error and flux conservation in the doubling method, J. Quant. Spectrosc.
//! Radiat. Transfer 16, 637-658; Wiscombe, W. J. (1977) The delta-M method, J. Atmos. Sci. 34,
//! 1408-1422; Henyey, L. G. & Greenstein, J. L. (1941) Astrophys. J. 93, 70-83.

use crate::error::InputError;

/// Directions per hemisphere of tinct's transport solutions.
pub const DEFAULT_POINTS: usize = 12;

/// A square matrix, row-major: `m[i][j]` maps flux in direction j to direction i.
pub type Mat<const N: usize> = [[f64; N]; N];

fn identity<const N: usize>() -> Mat<N> {
    let mut m = [[0.0; N]; N];
    for (i, row) in m.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    m
}

fn diag<const N: usize>(d: &[f64; N]) -> Mat<N> {
    let mut m = [[0.0; N]; N];
    for (i, row) in m.iter_mut().enumerate() {
        row[i] = d[i];
    }
    m
}

#[inline]
fn mul<const N: usize>(a: &Mat<N>, b: &Mat<N>) -> Mat<N> {
    let mut c = [[0.0; N]; N];
    for (ci, ai) in c.iter_mut().zip(a) {
        for (&aik, bk) in ai.iter().zip(b) {
            for (cij, &bkj) in ci.iter_mut().zip(bk) {
                *cij += aik * bkj;
            }
        }
    }
    c
}

#[inline]
fn add<const N: usize>(a: &Mat<N>, b: &Mat<N>) -> Mat<N> {
    let mut c = *a;
    for i in 0..N {
        for j in 0..N {
            c[i][j] += b[i][j];
        }
    }
    c
}

/// 1 - A.
#[inline]
fn one_minus<const N: usize>(a: &Mat<N>) -> Mat<N> {
    let mut c = [[0.0; N]; N];
    for i in 0..N {
        for j in 0..N {
            c[i][j] = -a[i][j];
        }
        c[i][i] += 1.0;
    }
    c
}

fn mul_vec<const N: usize>(a: &Mat<N>, v: &[f64; N]) -> [f64; N] {
    let mut out = [0.0; N];
    for i in 0..N {
        out[i] = (0..N).map(|j| a[i][j] * v[j]).sum();
    }
    out
}

/// The LU factors of a matrix with partial pivoting (Golub & Van Loan, algorithm 3.4.1).
struct Lu<const N: usize> {
    lu: Mat<N>,
    perm: [usize; N],
}

impl<const N: usize> Lu<N> {
    /// None when the matrix is not finite. A column that is exactly zero on and below the
    /// diagonal is a direction that no light reaches or leaves (a clear layer between two
    /// totally reflecting boundaries traps directions beyond the critical angle, but nothing
    /// scatters light into them): its pivot is taken as 1, which gives such a direction no
    /// light, as it has.
    fn new(mut a: Mat<N>) -> Option<Self> {
        let mut perm = [0usize; N];
        for (i, p) in perm.iter_mut().enumerate() {
            *p = i;
        }
        for k in 0..N {
            let mut p = k;
            let mut best = a[k][k].abs();
            for (i, row) in a.iter().enumerate().skip(k + 1) {
                if row[k].abs() > best {
                    best = row[k].abs();
                    p = i;
                }
            }
            if !best.is_finite() {
                return None;
            }
            if best == 0.0 {
                a[k][k] = 1.0;
            }
            if p != k {
                a.swap(p, k);
                perm.swap(p, k);
            }
            let pivot = a[k][k];
            for i in k + 1..N {
                let f = a[i][k] / pivot;
                a[i][k] = f;
                if f != 0.0 {
                    let pivot_row = a[k];
                    for (v, &p) in a[i].iter_mut().zip(&pivot_row).skip(k + 1) {
                        *v -= f * p;
                    }
                }
            }
        }
        Some(Lu { lu: a, perm })
    }

    /// A^-1 B.
    fn solve(&self, b: &Mat<N>) -> Mat<N> {
        let mut x = [[0.0; N]; N];
        for (i, row) in x.iter_mut().enumerate() {
            *row = b[self.perm[i]];
        }
        // Forward substitution (unit lower triangle), all columns at once.
        for i in 1..N {
            let mut row = x[i];
            for (k, xk) in x.iter().enumerate().take(i) {
                let l = self.lu[i][k];
                for (v, &w) in row.iter_mut().zip(xk) {
                    *v -= l * w;
                }
            }
            x[i] = row;
        }
        // Back substitution.
        for i in (0..N).rev() {
            let mut row = x[i];
            for (k, xk) in x.iter().enumerate().skip(i + 1) {
                let u = self.lu[i][k];
                for (v, &w) in row.iter_mut().zip(xk) {
                    *v -= u * w;
                }
            }
            let d = 1.0 / self.lu[i][i];
            for v in row.iter_mut() {
                *v *= d;
            }
            x[i] = row;
        }
        x
    }

    /// A^-1 v.
    fn solve_vec(&self, v: &[f64; N]) -> [f64; N] {
        let mut x = [0.0; N];
        for i in 0..N {
            x[i] = v[self.perm[i]];
        }
        for i in 0..N {
            for k in 0..i {
                x[i] -= self.lu[i][k] * x[k];
            }
        }
        for i in (0..N).rev() {
            for k in i + 1..N {
                x[i] -= self.lu[i][k] * x[k];
            }
            x[i] /= self.lu[i][i];
        }
        x
    }
}

/// Legendre polynomials P_0 .. P_{K-1} at x (Bonnet's recurrence).
fn legendre_all<const K: usize>(x: f64) -> [f64; K] {
    let mut p = [0.0; K];
    if K > 0 {
        p[0] = 1.0;
    }
    if K > 1 {
        p[1] = x;
    }
    for k in 2..K {
        let kf = k as f64;
        p[k] = ((2.0 * kf - 1.0) * x * p[k - 1] - (kf - 1.0) * p[k - 2]) / kf;
    }
    p
}

/// P_n(x) and P_{n-1}(x).
fn legendre_pair(n: usize, x: f64) -> (f64, f64) {
    let (mut p0, mut p1) = (1.0, x);
    if n == 0 {
        return (1.0, 0.0);
    }
    for k in 2..=n {
        let kf = k as f64;
        let p2 = ((2.0 * kf - 1.0) * x * p1 - (kf - 1.0) * p0) / kf;
        p0 = p1;
        p1 = p2;
    }
    (p1, p0)
}

/// Gauss-Legendre nodes and weights on [-1, 1], ascending (Newton on P_n from the usual
/// Chebyshev-like guesses; weights 2 / ((1 - x^2) P_n'(x)^2), Abramowitz & Stegun 25.4.29).
fn gauss_legendre(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut x = vec![0.0; n];
    let mut w = vec![0.0; n];
    for i in 0..n {
        let mut z = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        for _ in 0..100 {
            let (pn, pn1) = legendre_pair(n, z);
            let dp = n as f64 * (z * pn - pn1) / (z * z - 1.0);
            let dz = pn / dp;
            z -= dz;
            if dz.abs() < 1e-16 {
                break;
            }
        }
        let (pn, pn1) = legendre_pair(n, z);
        let dp = n as f64 * (z * pn - pn1) / (z * z - 1.0);
        x[n - 1 - i] = z;
        w[n - 1 - i] = 2.0 / ((1.0 - z * z) * dp * dp);
    }
    (x, w)
}

/// Gauss-Radau nodes and weights on [-1, 1] with the fixed node -1, ascending: the other
/// nodes are the roots of P_{n-1} + P_n, which the roots of P_n bracket; weights 2/n^2 at -1
/// and (1 - x) / (n^2 P_{n-1}(x)^2) elsewhere (Abramowitz & Stegun 25.4.31).
fn gauss_radau(n: usize) -> (Vec<f64>, Vec<f64>) {
    let nf = n as f64;
    let mut x = vec![-1.0];
    let mut w = vec![2.0 / (nf * nf)];
    if n == 1 {
        return (x, vec![2.0]);
    }
    let (g, _) = gauss_legendre(n);
    let f = |z: f64| {
        let (pn, pn1) = legendre_pair(n, z);
        pn + pn1
    };
    for k in 0..n - 1 {
        let (mut a, mut b) = (g[k], g[k + 1]);
        let mut fa = f(a);
        for _ in 0..200 {
            let m = 0.5 * (a + b);
            let fm = f(m);
            if fm == 0.0 || (b - a) < 1e-17 {
                a = m;
                b = m;
                break;
            }
            if (fm > 0.0) == (fa > 0.0) {
                a = m;
                fa = fm;
            } else {
                b = m;
            }
        }
        let z = 0.5 * (a + b);
        let (_, pn1) = legendre_pair(n, z);
        x.push(z);
        w.push((1.0 - z) / (nf * nf * pn1 * pn1));
    }
    (x, w)
}

/// Unpolarised Fresnel reflectance of light inside a medium of index `n` meeting air at the
/// cosine `nu` (1 beyond the critical angle); by reciprocity the same for light from air that
/// refracts into `nu` (the Fresnel equations, e.g. Born & Wolf, Principles of Optics, ch. 1).
pub fn fresnel_inside(n: f64, nu: f64) -> f64 {
    if n == 1.0 {
        return 0.0;
    }
    let sin_i = (1.0 - nu * nu).max(0.0).sqrt();
    let sin_t = n * sin_i;
    if sin_t >= 1.0 {
        return 1.0;
    }
    let cos_t = (1.0 - sin_t * sin_t).sqrt();
    let rs = (n * nu - cos_t) / (n * nu + cos_t);
    let rp = (n * cos_t - nu) / (n * cos_t + nu);
    0.5 * (rs * rs + rp * rp)
}

/// Reflectance of a smooth surface of index `n` for diffuse light from air:
/// integral over the outside cosine mu of r(mu) 2 mu d(mu) (composite Simpson, 4000 steps;
/// the integrand is smooth from air, no critical angle on this side).
fn external_diffuse_reflectance(n: f64) -> f64 {
    if n == 1.0 {
        return 0.0;
    }
    let f = |mu: f64| {
        // Refracted inside: cos = sqrt(1 - (1 - mu^2)/n^2); r is reciprocal.
        let inside = (1.0 - (1.0 - mu * mu) / (n * n)).sqrt();
        fresnel_inside(n, inside) * 2.0 * mu
    };
    let steps = 4000;
    let h = 1.0 / steps as f64;
    let mut acc = f(0.0) + f(1.0);
    for i in 1..steps {
        acc += if i % 2 == 1 { 4.0 } else { 2.0 } * f(h * i as f64);
    }
    acc * h / 3.0
}

/// The directions of a transport solution (see the module docs).
#[derive(Debug, Clone)]
pub struct Quadrature<const N: usize> {
    /// Refractive index inside the stack.
    pub index: f64,
    /// Cosines, ascending; the last is 1.
    pub nu: [f64; N],
    /// Weights on [0, 1].
    pub w: [f64; N],
    /// 2 nu w.
    pub c: [f64; N],
    /// Fresnel reflectance at the air boundary per direction.
    pub fresnel: [f64; N],
    /// Diffuse (Lambertian) incident flux per direction, summing to 1.
    pub diffuse_in: [f64; N],
    /// The surface's reflectance of diffuse light from air, integrated finely over angle
    /// (the quadrature's own sum of it is off by up to about 2e-3 near the critical angle).
    pub diffuse_specular: f64,
    /// Smallest cosine, which bounds the starting thickness of doubling.
    nu_min: f64,
    /// Legendre polynomials P_k(nu_i), k < N.
    legendre: Mat<N>,
}

/// Refractive-index range of a transport solution.
pub const INDEX_RANGE: (f64, f64) = (1.0, 2.0);

impl<const N: usize> Quadrature<N> {
    /// The quadrature for a stack of index `n` under air.
    ///
    /// # Errors
    /// `n` outside [`INDEX_RANGE`].
    pub fn new(n: f64) -> Result<Self, InputError> {
        assert!(
            N >= 4 && N.is_multiple_of(2),
            "N must be even and at least 4"
        );
        InputError::check_range(
            "index",
            n,
            INDEX_RANGE.0,
            INDEX_RANGE.1,
            "refractive index inside the stack, 1 to 2",
        )?;
        let mut nu = [0.0; N];
        let mut w = [0.0; N];
        let mut put = |offset: usize, x: &[f64], wt: &[f64], a: f64, b: f64, radau: bool| {
            for (k, (&xk, &wk)) in x.iter().zip(wt).enumerate() {
                // Gauss: t = a + (b - a)(x + 1)/2. Radau's fixed node -1 goes to b.
                let t = if radau {
                    0.5 * (a + b) - 0.5 * (b - a) * xk
                } else {
                    a + 0.5 * (b - a) * (xk + 1.0)
                };
                nu[offset + k] = t;
                w[offset + k] = 0.5 * (b - a) * wk;
            }
        };
        let nu_c = if n > 1.0 {
            (1.0 - 1.0 / (n * n)).sqrt()
        } else {
            0.0
        };
        if n > 1.0 {
            let (gx, gw) = gauss_legendre(N / 2);
            put(0, &gx, &gw, 0.0, nu_c, false);
            let (rx, rw) = gauss_radau(N / 2);
            put(N / 2, &rx, &rw, nu_c, 1.0, true);
        } else {
            let (rx, rw) = gauss_radau(N);
            put(0, &rx, &rw, 0.0, 1.0, true);
        }
        // Radau's nodes were mapped in descending order; sort the whole set ascending.
        let mut idx: Vec<usize> = (0..N).collect();
        idx.sort_by(|&a, &b| nu[a].total_cmp(&nu[b]));
        let (nu, w) = (idx.iter().map(|&i| nu[i]), idx.iter().map(|&i| w[i]));
        let mut q = Quadrature {
            index: n,
            nu: [0.0; N],
            w: [0.0; N],
            c: [0.0; N],
            fresnel: [0.0; N],
            diffuse_in: [0.0; N],
            nu_min: 0.0,
            legendre: [[0.0; N]; N],
            diffuse_specular: external_diffuse_reflectance(n),
        };
        for (k, (a, b)) in nu.zip(w).enumerate() {
            q.nu[k] = a;
            q.w[k] = b;
            q.c[k] = 2.0 * a * b;
            q.fresnel[k] = if a < nu_c { 1.0 } else { fresnel_inside(n, a) };
            q.diffuse_in[k] = if a > nu_c { n * n * q.c[k] } else { 0.0 };
        }
        q.nu[N - 1] = 1.0;
        q.nu_min = q.nu[0];
        for i in 0..N {
            q.legendre[i] = legendre_all::<N>(q.nu[i]);
        }
        Ok(q)
    }

    /// Specular reflectance of the surface at normal incidence, ((n - 1)/(n + 1))^2.
    pub fn specular(&self) -> f64 {
        self.fresnel[N - 1]
    }

    /// Delta-M truncated Henyey-Greenstein redistribution, same (h+) and opposite (h-)
    /// hemisphere, and the truncated forward fraction f = g^N.
    fn redistribution(&self, g: f64) -> (Mat<N>, Mat<N>, f64) {
        let f = g.powi(N as i32);
        let mut hp = [[0.0; N]; N];
        let mut hm = [[0.0; N]; N];
        let p = &self.legendre;
        let mut chi = [0.0; N];
        chi[0] = 1.0;
        let mut gk = 1.0;
        for (k, c) in chi.iter_mut().enumerate().skip(1) {
            gk *= g;
            *c = (2.0 * k as f64 + 1.0) * (gk - f) / (1.0 - f);
        }
        for i in 0..N {
            for j in 0..N {
                let (mut sp, mut sm) = (0.0, 0.0);
                for k in 0..N {
                    let t = chi[k] * p[i][k] * p[j][k];
                    sp += t;
                    sm += if k % 2 == 0 { t } else { -t };
                }
                hp[i][j] = sp;
                hm[i][j] = sm;
            }
        }
        (hp, hm, f)
    }
}

/// A homogeneous layer's transport coefficients.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layer {
    /// Absorption coefficient, per mm.
    pub mu_a: f64,
    /// Scattering coefficient (not reduced), per mm.
    pub mu_s: f64,
    /// Henyey-Greenstein anisotropy, -1 < g < 1.
    pub g: f64,
    /// Thickness, mm; `f64::INFINITY` for a semi-infinite last layer.
    pub thickness_mm: f64,
}

/// The anisotropy a layer may have: HG with |g| up to this (delta-M keeps the solution exact
/// well inside it; g = +-1 is no scattering at all).
pub const MAX_ABS_G: f64 = 0.99;

impl Layer {
    /// A layer from its coefficients (per mm) and thickness (mm; `f64::INFINITY` for a
    /// semi-infinite last layer); [`Layer::validate`] checks them.
    pub const fn new(mu_a: f64, mu_s: f64, g: f64, thickness_mm: f64) -> Layer {
        Layer {
            mu_a,
            mu_s,
            g,
            thickness_mm,
        }
    }

    /// Checks the coefficients: non-negative and finite, |g| <= [`MAX_ABS_G`], thickness at
    /// least 0 (infinite allowed).
    ///
    /// # Errors
    /// The field and value at fault.
    pub fn validate(&self) -> Result<(), InputError> {
        let nonneg = |field: &str, v: f64| {
            InputError::check_range(field, v, 0.0, f64::MAX, "finite and at least 0")
        };
        nonneg("mu_a_per_mm", self.mu_a)?;
        nonneg("mu_s_per_mm", self.mu_s)?;
        InputError::check_range(
            "g",
            self.g,
            -MAX_ABS_G,
            MAX_ABS_G,
            "Henyey-Greenstein anisotropy, -0.99 to 0.99",
        )?;
        if self.thickness_mm.is_nan() || self.thickness_mm < 0.0 {
            return Err(InputError::OutOfRange {
                field: "thickness_mm".into(),
                value: self.thickness_mm,
                expected: "at least 0 mm (inf for a semi-infinite last layer)".into(),
            });
        }
        Ok(())
    }
}

/// Flux reflection and transmission matrices of a slab (a layer, a boundary or a stack).
#[derive(Debug, Clone)]
pub struct Slab<const N: usize> {
    /// Light from above, reflected up.
    pub r: Mat<N>,
    /// Light from above, transmitted down.
    pub t: Mat<N>,
    /// Light from below, reflected down.
    pub r_up: Mat<N>,
    /// Light from below, transmitted up.
    pub t_up: Mat<N>,
}

/// The starting layer of doubling is no thicker than this many times the smallest cosine
/// (Prahl 1995; Wiscombe 1976). The diamond rule attenuates unscattered light by
/// (1 - d/2nu)/(1 + d/2nu) instead of exp(-d/nu); doubling compounds that in weakly scattering
/// layers, to 6e-5 of the transmittance of a clear-ish layer (optical thickness 1.3, albedo 0.4)
/// started at 4 times the smallest cosine, 4e-6 at 1 time.
const START_LIMIT: f64 = 1.0;
/// Transmission below which a doubled layer is taken as opaque and a semi-infinite one as
/// converged: doubling it again changes its reflection by T (1 - R R)^-1 R T, less than
/// T^2 = 1e-14 where it absorbs; in a medium that does not absorb at all, R approaches 1 as
/// 1 - T, so it is then within 1e-7 of 1.
const OPAQUE: f64 = 1e-7;
/// Most doublings of one layer (2^80 times its starting thickness).
const MAX_DOUBLINGS: usize = 80;

fn column_max_sum<const N: usize>(m: &Mat<N>) -> f64 {
    (0..N)
        .map(|j| (0..N).map(|i| m[i][j]).sum::<f64>())
        .fold(0.0, f64::max)
}

impl<const N: usize> Slab<N> {
    /// A slab that transmits everything and reflects nothing.
    pub fn transparent() -> Self {
        Slab {
            r: [[0.0; N]; N],
            t: identity(),
            r_up: [[0.0; N]; N],
            t_up: identity(),
        }
    }

    fn symmetric(r: Mat<N>, t: Mat<N>) -> Self {
        Slab {
            r,
            t,
            r_up: r,
            t_up: t,
        }
    }

    /// The smooth boundary between the stack and air (above or below it: the same matrices).
    pub fn boundary(q: &Quadrature<N>) -> Self {
        let r = diag(&q.fresnel);
        let t = diag(&q.fresnel.map(|v| 1.0 - v));
        Slab::symmetric(r, t)
    }

    /// A homogeneous layer (thickness may be infinite), by diamond start and doubling.
    ///
    /// # Errors
    /// An invalid layer (see [`Layer::validate`]).
    pub fn layer(q: &Quadrature<N>, layer: &Layer) -> Result<Self, InputError> {
        layer.validate()?;
        let ext = layer.mu_a + layer.mu_s;
        if ext == 0.0 || layer.thickness_mm == 0.0 {
            if layer.thickness_mm.is_infinite() {
                // Nothing scatters back; everything leaves downward for ever.
                return Ok(Slab::symmetric([[0.0; N]; N], [[0.0; N]; N]));
            }
            return Ok(Slab::transparent());
        }
        let (hp, hm, f) = q.redistribution(layer.g);
        // Delta-M scaling (Wiscombe 1977): mu_s* = mu_s (1 - f), albedo a* = mu_s* / (mu_a + mu_s*).
        let mu_s_star = layer.mu_s * (1.0 - f);
        let ext_star = layer.mu_a + mu_s_star;
        let a = mu_s_star / ext_star;
        let infinite = layer.thickness_mm.is_infinite();
        if a == 0.0 {
            // No scattering: exact attenuation along each direction.
            let t = if infinite {
                [0.0; N]
            } else {
                q.nu.map(|nu| (-ext_star * layer.thickness_mm / nu).exp())
            };
            return Ok(Slab::symmetric([[0.0; N]; N], diag(&t)));
        }
        let tau = ext_star * layer.thickness_mm; // infinite for a semi-infinite layer
        let (d, doublings) = if infinite {
            (q.nu_min * 0.5, MAX_DOUBLINGS)
        } else {
            let mut d = tau;
            let mut k = 0;
            while d > START_LIMIT * q.nu_min {
                d *= 0.5;
                k += 1;
            }
            (d, k.min(MAX_DOUBLINGS))
        };
        let (mut r, mut t) = Self::diamond(q, &hp, &hm, a, d);
        for _ in 0..doublings {
            let Some((r2, t2)) = Self::double(&r, &t) else {
                break;
            };
            r = r2;
            t = t2;
            if column_max_sum(&t) < OPAQUE {
                break;
            }
        }
        if infinite {
            t = [[0.0; N]; N];
        }
        Ok(Slab::symmetric(r, t))
    }

    /// The diamond-rule start (see the module docs), converted to flux matrices.
    fn diamond(q: &Quadrature<N>, hp: &Mat<N>, hm: &Mat<N>, a: f64, d: f64) -> (Mat<N>, Mat<N>) {
        // X = d/2 (A - B), Y = d/2 (A + B); A = M^-1 (1 - a/2 h+ W), B = M^-1 a/2 h- W.
        let mut x = [[0.0; N]; N];
        let mut y = [[0.0; N]; N];
        for i in 0..N {
            let s = 0.5 * d / q.nu[i];
            for j in 0..N {
                let delta = if i == j { 1.0 } else { 0.0 };
                let am = delta - 0.5 * a * hp[i][j] * q.w[j];
                let bm = 0.5 * a * hm[i][j] * q.w[j];
                x[i][j] = s * (am - bm) + delta;
                y[i][j] = s * (am + bm) + delta;
            }
        }
        let id = identity::<N>();
        let xi = Lu::new(x).expect("1 + X is diagonally dominant").solve(&id);
        let yi = Lu::new(y).expect("1 + Y is diagonally dominant").solve(&id);
        let mut r = [[0.0; N]; N];
        let mut t = [[0.0; N]; N];
        for i in 0..N {
            for j in 0..N {
                let scale = q.c[i] / q.c[j];
                r[i][j] = scale * (xi[i][j] - yi[i][j]);
                let delta = if i == j { 1.0 } else { 0.0 };
                t[i][j] = scale * (xi[i][j] + yi[i][j] - delta);
            }
        }
        (r, t)
    }

    /// One doubling of a homogeneous layer; None when 1 - R R is singular.
    fn double(r: &Mat<N>, t: &Mat<N>) -> Option<(Mat<N>, Mat<N>)> {
        let lu = Lu::new(one_minus(&mul(r, r)))?;
        let x1 = lu.solve(t); // (1 - R R)^-1 T
        let t2 = mul(t, &x1);
        let r2 = add(r, &mul(t, &mul(r, &x1)));
        Some((r2, t2))
    }

    /// This slab over `below` (see the module docs).
    ///
    /// # Panics
    /// Only for slabs with non-finite entries (which [`Slab::layer`] never makes).
    pub fn over(&self, below: &Slab<N>) -> Slab<N> {
        let b = one_minus(&mul(&self.r_up, &below.r));
        let lu = Lu::new(b).expect("1 - R1' R2 is finite");
        let x1 = lu.solve(&self.t);
        let x2 = lu.solve(&mul(&self.r_up, &below.t_up));
        Slab {
            t: mul(&below.t, &x1),
            r: add(&self.r, &mul(&self.t_up, &mul(&below.r, &x1))),
            r_up: add(&below.r_up, &mul(&below.t, &x2)),
            t_up: mul(&self.t_up, &add(&below.t_up, &mul(&below.r, &x2))),
        }
    }

    /// The reflection (from above) of this slab over `below`: the `r` of [`Slab::over`]
    /// alone, half the work.
    pub fn reflection_over(&self, below: &Slab<N>) -> Mat<N> {
        let b = one_minus(&mul(&self.r_up, &below.r));
        let lu = Lu::new(b).expect("1 - R1' R2 is finite");
        let x1 = lu.solve(&self.t);
        add(&self.r, &mul(&self.t_up, &mul(&below.r, &x1)))
    }

    /// Total reflected and transmitted flux for incident fluxes `f_in` (from above).
    pub fn totals(&self, f_in: &[f64; N]) -> (f64, f64) {
        let r = mul_vec(&self.r, f_in).iter().sum();
        let t = mul_vec(&self.t, f_in).iter().sum();
        (r, t)
    }
}

/// What lies under the last layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Below {
    /// Air: the stack is finite, with a Fresnel boundary under its last layer.
    Air,
    /// The last layer goes on for ever.
    SemiInfinite,
}

/// Reflectance and transmittance of a stack at one wavelength.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Solution {
    /// Collimated normal incidence: all reflected light, specular included.
    pub reflectance: f64,
    /// Collimated normal incidence: reflected light without the specular reflection.
    pub reflectance_diffuse: f64,
    /// Collimated normal incidence: all transmitted light.
    pub transmittance: f64,
    /// Diffuse incidence: all reflected light, the surface's own reflection included.
    pub diffuse_reflectance: f64,
    /// Diffuse incidence: all transmitted light.
    pub diffuse_transmittance: f64,
}

/// Checks a stack: every layer valid, only the last infinite and only over `SemiInfinite`,
/// at least one layer.
///
/// # Errors
/// The layer (by its position, from 1 at the top) and field at fault.
pub fn validate_stack(layers: &[Layer], below: Below) -> Result<(), InputError> {
    if layers.is_empty() {
        return Err(InputError::Invalid {
            field: "layers".into(),
            message: "at least one layer is needed".into(),
        });
    }
    for (k, l) in layers.iter().enumerate() {
        l.validate()
            .map_err(|e| e.at(&format!("layer {}", k + 1)))?;
        if l.thickness_mm.is_infinite() && (k + 1 < layers.len() || below != Below::SemiInfinite) {
            return Err(InputError::OutOfRange {
                field: format!("layer {}: thickness_mm", k + 1),
                value: l.thickness_mm,
                expected: "finite: only the last layer of a semi-infinite stack may be infinite"
                    .into(),
            });
        }
    }
    Ok(())
}

/// The whole stack as one slab, boundaries included (air above; air below or nothing).
///
/// # Errors
/// An invalid stack (see [`validate_stack`]).
pub fn stack_slab<const N: usize>(
    q: &Quadrature<N>,
    layers: &[Layer],
    below: Below,
) -> Result<Slab<N>, InputError> {
    validate_stack(layers, below)?;
    let mut s = Slab::boundary(q);
    for (k, l) in layers.iter().enumerate() {
        let layer = Slab::layer(q, l).map_err(|e| e.at(&format!("layer {}", k + 1)))?;
        s = s.over(&layer);
    }
    if below == Below::Air {
        s = s.over(&Slab::boundary(q));
    }
    Ok(s)
}

/// Solves a stack at one wavelength.
///
/// # Errors
/// An invalid stack (see [`validate_stack`]).
pub fn solve<const N: usize>(
    q: &Quadrature<N>,
    layers: &[Layer],
    below: Below,
) -> Result<Solution, InputError> {
    Ok(solution_of(q, &stack_slab(q, layers, below)?))
}

/// The totals of a whole stack's slab (boundaries included).
pub fn solution_of<const N: usize>(q: &Quadrature<N>, s: &Slab<N>) -> Solution {
    let mut normal = [0.0; N];
    normal[N - 1] = 1.0;
    let (r, t) = s.totals(&normal);
    // Diffuse incidence: the surface's own reflection exactly, and the light that enters
    // scaled to 1 minus it (the quadrature's entering fluxes sum to 1 minus its own estimate).
    let (rd_all, td_all) = s.totals(&q.diffuse_in);
    let own: f64 = (0..N).map(|j| q.diffuse_in[j] * q.fresnel[j]).sum();
    let scale = (1.0 - q.diffuse_specular) / (1.0 - own);
    let rd = q.diffuse_specular + scale * (rd_all - own);
    let td = scale * td_all;
    let clamp = |v: f64| v.clamp(0.0, 1.0);
    Solution {
        reflectance: clamp(r),
        reflectance_diffuse: clamp(r - q.specular()),
        transmittance: clamp(t),
        diffuse_reflectance: clamp(rd),
        diffuse_transmittance: clamp(td),
    }
}

/// Fluence rate at the interface between `upper` (air boundary included) and `lower`, per unit
/// irradiance of collimated normal incidence (see the module docs).
pub fn fluence_at<const N: usize>(q: &Quadrature<N>, upper: &Slab<N>, lower: &Slab<N>) -> f64 {
    let mut normal = [0.0; N];
    normal[N - 1] = 1.0;
    let _ = normal;
    let (down, up) = fluxes_at(upper, lower);
    (0..N).map(|i| (down[i] + up[i]) / q.nu[i]).sum()
}

/// The fluxes per direction at the interface between `upper` (air boundary included) and
/// `lower`, per unit irradiance of collimated normal incidence: (going down, going up).
pub fn fluxes_at<const N: usize>(upper: &Slab<N>, lower: &Slab<N>) -> ([f64; N], [f64; N]) {
    let mut normal = [0.0; N];
    normal[N - 1] = 1.0;
    let lu = Lu::new(one_minus(&mul(&upper.r_up, &lower.r))).expect("1 - R1' R2 is finite");
    let down = lu.solve_vec(&mul_vec(&upper.t, &normal));
    let up = mul_vec(&lower.r, &down);
    (down, up)
}

/// The light seen over a layer inserted between a prepared upper part (air boundary included)
/// and a prepared lower part: the total reflectance (specular included) for collimated normal
/// incidence. This is the fast path of a dot in skin: only the inserted layer is doubled, and
/// only the normal-incidence column of the whole stack is formed.
pub fn reflectance_between<const N: usize>(
    upper: &Slab<N>,
    middle: &Slab<N>,
    lower: &Slab<N>,
) -> f64 {
    let rest = middle.reflection_over(lower);
    let lu = Lu::new(one_minus(&mul(&upper.r_up, &rest))).expect("1 - R1' R2 is finite");
    let mut normal = [0.0; N];
    normal[N - 1] = 1.0;
    let down = lu.solve_vec(&mul_vec(&upper.t, &normal));
    let up = mul_vec(&rest, &down);
    let out = mul_vec(&upper.t_up, &up);
    let own: f64 = (0..N).map(|i| upper.r[i][N - 1]).sum();
    (own + out.iter().sum::<f64>()).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Q = Quadrature<DEFAULT_POINTS>;

    use Layer as L;

    #[test]
    fn quadratures_integrate_polynomials_exactly() {
        for n in [1.0, 1.33, 1.4, 1.6] {
            let q = Q::new(n).unwrap();
            // Each rule integrates polynomials of degree up to N/2 exactly on its piece.
            let sum: f64 = q.c.iter().sum();
            assert!((sum - 1.0).abs() < 1e-13, "{n}: {sum}");
            let m3: f64 = (0..DEFAULT_POINTS).map(|i| q.w[i] * q.nu[i].powi(3)).sum();
            assert!((m3 - 0.25).abs() < 1e-13);
            let din: f64 = q.diffuse_in.iter().sum();
            assert!((din - 1.0).abs() < 1e-13, "{n}: {din}");
            assert_eq!(q.nu[DEFAULT_POINTS - 1], 1.0);
            assert!(q.nu.windows(2).all(|w| w[0] < w[1]));
        }
        let (x, w) = gauss_radau(2);
        assert!((x[1] - 1.0 / 3.0).abs() < 1e-15 && (w[1] - 1.5).abs() < 1e-15);
    }

    #[test]
    fn redistribution_conserves_energy() {
        let q = Q::new(1.4).unwrap();
        for g in [-0.9, 0.0, 0.5, 0.9, 0.95] {
            let (hp, hm, _) = q.redistribution(g);
            for j in 0..DEFAULT_POINTS {
                let s: f64 = (0..DEFAULT_POINTS)
                    .map(|i| 0.5 * q.w[i] * (hp[i][j] + hm[i][j]))
                    .sum();
                assert!((s - 1.0).abs() < 1e-12, "g {g}: column {j} sums to {s}");
            }
        }
    }

    #[test]
    fn van_de_hulst_benchmark_slab() {
        // Albedo 0.9, optical thickness 2, g 0.75, index matched: R 0.09739, T 0.66096
        // (van de Hulst 1980; Wang, Jacques & Zheng 1995, MCML, table).
        let q = Q::new(1.0).unwrap();
        let s = solve(&q, &[L::new(1.0, 9.0, 0.75, 0.2)], Below::Air).unwrap();
        assert!((s.reflectance - 0.09739).abs() < 1e-4, "{s:?}");
        assert!((s.transmittance - 0.66096).abs() < 1e-4, "{s:?}");
    }

    #[test]
    fn conserves_energy_without_absorption() {
        for n in [1.0, 1.4, 1.6] {
            let q = Q::new(n).unwrap();
            let s = solve(&q, &[L::new(0.0, 30.0, 0.9, 0.5)], Below::Air).unwrap();
            assert!(
                (s.reflectance + s.transmittance - 1.0).abs() < 1e-9,
                "{n}: {s:?}"
            );
            assert!((s.diffuse_reflectance + s.diffuse_transmittance - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn non_scattering_layer_is_analytic() {
        let (n, mu_a, d) = (1.4, 2.0, 0.5);
        let q = Q::new(n).unwrap();
        let s = solve(&q, &[L::new(mu_a, 0.0, 0.0, d)], Below::Air).unwrap();
        let r0: f64 = ((n - 1.0) / (n + 1.0)).powi(2);
        let e = (-mu_a * d).exp();
        let t = (1.0 - r0).powi(2) * e / (1.0 - r0 * r0 * e * e);
        let r = r0 + (1.0 - r0).powi(2) * r0 * e * e / (1.0 - r0 * r0 * e * e);
        assert!(
            (s.transmittance - t).abs() < 1e-12,
            "{} {t}",
            s.transmittance
        );
        assert!((s.reflectance - r).abs() < 1e-12);
        // Index-matched: exp(-mu_a d) exactly.
        let q = Q::new(1.0).unwrap();
        let s = solve(&q, &[L::new(mu_a, 0.0, 0.3, d)], Below::Air).unwrap();
        assert!((s.transmittance - e).abs() < 1e-14);
    }

    #[test]
    fn splitting_a_layer_changes_nothing() {
        let q = Q::new(1.4).unwrap();
        let whole = solve(&q, &[L::new(0.5, 20.0, 0.8, 0.3)], Below::Air).unwrap();
        let parts = solve(
            &q,
            &[L::new(0.5, 20.0, 0.8, 0.1), L::new(0.5, 20.0, 0.8, 0.2)],
            Below::Air,
        )
        .unwrap();
        // Different starting thicknesses of doubling: the diamond rule's error, about 2e-6.
        assert!((whole.reflectance - parts.reflectance).abs() < 1e-5);
        assert!((whole.transmittance - parts.transmittance).abs() < 1e-5);
    }

    #[test]
    fn semi_infinite_conservative_medium_reflects_everything() {
        let q = Q::new(1.4).unwrap();
        let s = solve(
            &q,
            &[L::new(0.0, 10.0, 0.8, f64::INFINITY)],
            Below::SemiInfinite,
        )
        .unwrap();
        assert!((s.reflectance - 1.0).abs() < 1e-3, "{s:?}");
    }
}
