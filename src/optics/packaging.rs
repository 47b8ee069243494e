//! Pigment as it sits in healed skin: packed into particles' clusters inside dermal cells, not
//! dissolved.
//!
//! After healing, tattoo pigment lies only in dermal cells, fibroblasts and macrophages (Lea &
//! Pawlowski 1987, Int. J. Dermatol. 26, 453; abstract read), held and passed on by macrophages
//! (Baranska et al. 2018, J. Exp. Med. 215, 1115; abstract read), and OCT shows it as clusters
//! (Morsy et al. 2007, Skin Res. Technol. 13, 444; abstract read). Pigment packed into clusters
//! absorbs less than the same pigment spread evenly: light that meets a dense cluster loses
//! nearly all it can lose to the cluster's front, and the pigment behind it is wasted, while
//! light between clusters passes untouched (the flattening or sieve effect).
//!
//! **The model.** Duysens' flattening for randomly placed spheres (Duysens 1956, Biochim.
//! Biophys. Acta 19, 1; the formula as in Morel & Bricaud 1981, Deep-Sea Res. 28A, 1375, and
//! re-derived here, [`flattening`]): a sphere of diameter d with absorption coefficient alpha
//! inside absorbs, of the light falling on its cross-section, Q_a = 1 - (2/x^2)(1 - (1+x)e^-x),
//! x = alpha d, where the same pigment dispersed would absorb 2x/3; packaging multiplies the
//! pigment's absorption by Q* = 3 Q_a / (2x), 1 for small x and 3/(2x) for large. Inside a
//! cluster the pigment fills a volume fraction phi, so alpha is phi times the absorption
//! coefficient of the solid pigment, which is its mass absorption times its density; a mix
//! packs together, its solid absorption the mix's by volume. The clusters' number follows the
//! load, so the absorption stays proportional to the load (more pigment never lightens, none is
//! the skin); only its size per gram changes. Scattering is left as dispersed (a limit: clusters
//! scatter as larger particles).
//!
//! Packed pigment interacts with light by a cluster's cross-section, not by its mass: the
//! flattening applies to the pigment's extinction (absorption and scattering alike, each by the
//! factor of the solid's transport extinction, absorption plus reduced scattering; g unchanged). Scattering must be flattened with absorption:
//! left dispersed, the nanometre carbon's scattering would whiten a dot whose absorption the
//! clusters had cut.
//!
//! **What is not known.** No readable source gives the size of pigment clusters in healed
//! skin or how densely they are packed (searched: electron microscopy of tattoos, laser-removal
//! studies; see data/research/PACKAGING.md), nor whether dilution leaves fewer loaded cells or
//! less pigment in each (this model: fewer). The default ([`Packaging::DEFAULT`]) is therefore a
//! stated assumption calibrated to practice, adjustable (`--cluster-um`, `--cluster-fill`), with
//! its range.

use crate::error::InputError;

/// Duysens' flattening factor for spheres of absorption optical diameter `x` (module docs): the
/// packaged absorption over the dispersed. 1 at 0, decreasing, 3/(2x) for large x.
pub fn flattening(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return 1.0;
    }
    if x.is_infinite() {
        return 0.0;
    }
    if x < 1e-3 {
        // Series: Q* = 1 - 3x/8 + x^2/10 - ...
        return 1.0 - 0.375 * x + 0.1 * x * x;
    }
    let qa = 1.0 - 2.0 / (x * x) * (1.0 - (1.0 + x) * (-x).exp());
    1.5 * qa / x
}

/// How pigment is packed in healed skin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Packaging {
    /// Diameter of a cluster, micrometres (0: dispersed).
    pub cluster_um: f64,
    /// Volume fraction of pigment inside a cluster, 0..1.
    pub fill: f64,
}

impl Packaging {
    /// Pigment spread evenly (no flattening).
    pub const DISPERSED: Packaging = Packaging {
        cluster_um: 0.0,
        fill: 1.0,
    };

    /// The default: a cluster is a pigment-laden dermal cell, 10 um across, half its volume
    /// pigment. Both numbers are assumptions, not measurements (module docs): 10 um is the size of
    /// a cell (the pigment lies in fibroblasts and macrophages), and the fill is unknown. They are
    /// a calibration to stated practice, marked as such: SMP dilutes 20 parts of water and more to
    /// one of pigment for light skin and hair and little or none for dark (training material,
    /// second-hand; data/research/PACKAGING.md), which presumes a healed shade that answers to
    /// dilution over 1:0 to 1:20; dispersed, the model's carbon black is opaque beyond about a
    /// fiftieth of the undiluted load and does not answer. With these clusters undiluted and 1:10
    /// carbon black heal 5.8 L* apart in type II skin at 0.3 mm, 1:20 8.8 L*. Uncertainty: the
    /// cluster's optical size (diameter x fill) from about 2 um (dilution barely matters) to
    /// 10 um (it matters more than practice suggests); adjustable.
    pub const DEFAULT: Packaging = Packaging {
        cluster_um: 10.0,
        fill: 0.5,
    };

    /// Checks the values.
    ///
    /// # Errors
    /// A diameter or fill out of range.
    pub fn validate(&self) -> Result<(), InputError> {
        InputError::check_range(
            "cluster diameter (um)",
            self.cluster_um,
            0.0,
            100.0,
            "0 (dispersed) to 100 um",
        )?;
        InputError::check_range(
            "cluster fill",
            self.fill,
            f64::MIN_POSITIVE,
            1.0,
            "a volume fraction above 0, at most 1",
        )
    }

    /// The factor on the absorption and scattering of pigment whose solid extinguishes
    /// `alpha_solid_per_m` (1/m).
    pub fn factor(&self, alpha_solid_per_m: f64) -> f64 {
        flattening(alpha_solid_per_m * self.fill * self.cluster_um * 1e-6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattening_has_its_limits_and_falls() {
        assert_eq!(flattening(0.0), 1.0);
        // Small x: the series and the closed form agree where both hold.
        let x: f64 = 2e-3;
        let closed = 1.5 * (1.0 - 2.0 / (x * x) * (1.0 - (1.0 + x) * (-x).exp())) / x;
        assert!((closed - (1.0 - 0.375 * x + 0.1 * x * x)).abs() < 1e-6);
        // Large x: 3/(2x).
        assert!((flattening(1e4) * 1e4 / 1.5 - 1.0).abs() < 1e-3);
        let mut last = 1.0;
        for k in 1..400 {
            let q = flattening(k as f64 * 0.1);
            assert!(q < last && q > 0.0);
            last = q;
        }
        // Against a direct integral over the sphere's cross-section: the absorbed share of light
        // through a chord at impact b is 1 - exp(-x sqrt(1 - (2b/d)^2)); its mean over the disc
        // (midpoint rule in the impact) is Q_a = x Q* 2/3.
        for x in [0.05, 0.5, 2.0, 7.0, 40.0] {
            let n = 200_000;
            let mut qa = 0.0;
            for k in 0..n {
                let u = (k as f64 + 0.5) / n as f64; // (2b/d)^2, uniform over the disc's area
                qa += 1.0 - (-x * (1.0 - u).sqrt()).exp();
            }
            qa /= n as f64;
            let want = x * flattening(x) * 2.0 / 3.0;
            assert!((qa - want).abs() < 1e-6, "x {x}: {qa} vs {want}");
        }
        // The absorbed share of the sphere's cross-section, x Q* 2/3, never exceeds 1.
        for k in 1..400 {
            let x = k as f64 * 0.25;
            assert!(x * flattening(x) * 2.0 / 3.0 <= 1.0 + 1e-12);
        }
    }
}
