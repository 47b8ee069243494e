//! Optical properties of the components of skin, per wavelength of the internal grid, as the
//! transport coefficients mu_a, mu_s and g of [`super::transport`].
//!
//! Every constant names its source and how sure that source is. "Read" means the number was read
//! in the cited work (or a verbatim copy of it); "secondary" means it was read in third-party
//! material that cites the work, the work itself not having been available. All are adjustable
//! through [`TissueConstants`].
//!
//! | quantity | formula, value | source |
//! |---|---|---|
//! | eumelanin (melanosome interior) | mu_a = 6.6e11 lambda^-3.33 cm^-1 | Jacques (1998) OMLC "Skin optics"; secondary (read in code citing it, as the issue gives it). Jacques' melanosome page (read) gives 1.70e12 lambda^-3.48, within 3% at 400-700 nm |
//! | pheomelanin | mu_a = 2.9e15 lambda^-4.75 cm^-1 | Jacques (1998), secondary; the 2.9e14 sometimes quoted is the same law in mm^-1 |
//! | baseline (bloodless) skin | mu_a = 0.244 + 85.3 exp(-(lambda - 154)/66.2) cm^-1 | Jacques (1998) OMLC "Skin optics"; read |
//! | haemoglobin | mu_a = ln(10) e(lambda) x / 64500 cm^-1, x = 150 g/L (Prahl writes 2.303 for ln 10) | Prahl, OMLC tabulated molar extinction (Gratzer, Kollias); read (data/skin/hemoglobin_prahl.csv) |
//! | reduced scattering | mu_s' = a' (f_Ray (lambda/500)^-4 + (1 - f_Ray)(lambda/500)^-b_Mie) | Jacques (2013) Phys. Med. Biol. 58 R37, eq. 2 and Table 2; secondary |
//! | epidermis scattering | a' = 66.7 cm^-1, f_Ray = 0.29, b_Mie = 0.689 | Jacques (2013) Table 2; secondary |
//! | dermis scattering (a skin's default; fitted per skin, [`super::fit`]) | mu_s' = a (lambda/500)^-b, a = 45.3 cm^-1, b = 1.292 (f_Ray = 0) | Salomatina et al. (2006) J. Biomed. Opt. 11, 064026, human dermis in vitro, as fitted in Jacques (2013) Table 1; read (Jacques 2013, in full). The same data's two-term fit, a' = 43.6, f_Ray 0.41, b_Mie 0.562 (Table 2), was the default before the fit needed an amplitude and a power; the two differ by under 5 % over 400-700 nm |
//! | beta-carotene (epidermis) | mu_a = ln(10) e(lambda) C, C in mol/L (1 nmol/g taken as 1 umol/L) | PhotochemCAD 041 in hexane (Du et al. 1998, Photochem. Photobiol. 68, 141; Dixon et al. 2005, 81, 212) via Prahl, OMLC, 139500 cm^-1 M^-1 at 451 nm; read (data/skin/beta_carotene.csv, 10 nm band means). The term is Jacques (2013) eq. 12 (read), who notes the in-vivo spectrum "is expected to differ slightly" from hexane's |
//! | anisotropy of epidermis and dermis | g = 0.8 (uncertain: 0.75-0.92) | Prahl (1988, PhD thesis, sec. 5 conclusions; read on OMLC): human dermis at 633 nm fits a Henyey-Greenstein g_HG = 0.92 with an average cosine of 0.87; Jacques, Alter & Prahl (1987, Lasers Life Sci. 1, 309): dermis g about 0.81 at 633 nm (secondary); Bruls & van der Leun (1984, Photochem. Photobiol. 40, 231): epidermal layers forward-scatter with g about 0.7-0.8 (secondary). 0.8 is a round value inside that range |
//!
//! # From the reduced to the full scattering coefficient
//! The sources give the reduced scattering coefficient mu_s' = mu_s (1 - g), which is what the
//! diffuse light in a thick layer depends on; the transport solution needs mu_s itself, so
//! mu_s = mu_s' / (1 - g). With mu_s' fixed, g changes only how forward the first few
//! scatterings are: g = 0.9 instead of 0.8 moves the skin and a black dot's colour by 0.05 to
//! 0.30 dE00 (types II and V, dots 0.1 and 0.3 mm deep; the test
//! `g_of_tissue_matters_little_at_fixed_reduced_scattering` in src/optics/skin.rs). g is
//! adjustable.

use std::sync::OnceLock;

use crate::spectrum::{grid_wavelengths, linear_interpolate, GRID_LEN};

/// A quantity per wavelength of the internal grid.
pub type Bands = [f64; GRID_LEN];

/// Reduced-scattering law of a tissue layer: mu_s'(lambda) = a' (f_Ray (lambda/500 nm)^-4 +
/// (1 - f_Ray)(lambda/500 nm)^-b_Mie), a' in cm^-1 (Jacques 2013, eq. 2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScatteringLaw {
    /// mu_s' at 500 nm, cm^-1.
    pub a_prime_per_cm: f64,
    /// Rayleigh fraction at 500 nm.
    pub f_rayleigh: f64,
    /// Mie power.
    pub b_mie: f64,
}

impl ScatteringLaw {
    /// mu_s' in cm^-1 at `nm`.
    pub fn mu_s_prime(&self, nm: f64) -> f64 {
        let r = nm / 500.0;
        self.a_prime_per_cm
            * (self.f_rayleigh * r.powi(-4) + (1.0 - self.f_rayleigh) * r.powf(-self.b_mie))
    }
}

/// The published constants of the tissue model (see the module table for sources).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TissueConstants {
    /// Eumelanin: mu_a = coefficient * lambda^-exponent, cm^-1 (lambda in nm).
    pub eumelanin: (f64, f64),
    /// Pheomelanin: mu_a = coefficient * lambda^-exponent, cm^-1.
    pub pheomelanin: (f64, f64),
    /// Haemoglobin concentration of whole blood, g/L (Prahl: 150).
    pub haemoglobin_g_per_l: f64,
    /// Epidermis reduced scattering.
    pub epidermis_scattering: ScatteringLaw,
    /// Dermis reduced scattering.
    pub dermis_scattering: ScatteringLaw,
    /// Henyey-Greenstein anisotropy of the epidermis.
    pub epidermis_g: f64,
    /// Henyey-Greenstein anisotropy of the dermis.
    pub dermis_g: f64,
}

impl Default for TissueConstants {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl TissueConstants {
    /// The published constants (the module table).
    pub const DEFAULT: TissueConstants = TissueConstants {
        eumelanin: (6.6e11, 3.33),
        pheomelanin: (2.9e15, 4.75),
        haemoglobin_g_per_l: 150.0,
        epidermis_scattering: ScatteringLaw {
            a_prime_per_cm: 66.7,
            f_rayleigh: 0.29,
            b_mie: 0.689,
        },
        dermis_scattering: ScatteringLaw {
            a_prime_per_cm: 45.3,
            f_rayleigh: 0.0,
            b_mie: 1.292,
        },
        epidermis_g: 0.8,
        dermis_g: 0.8,
    };
}

/// Haemoglobin molar mass used with Prahl's table, g/mol.
const HB_MOLAR_MASS: f64 = 64_500.0;

const HEMOGLOBIN_TABLE: &str = include_str!("../../data/skin/hemoglobin_prahl.csv");

const CAROTENE_TABLE: &str = include_str!("../../data/skin/beta_carotene.csv");

/// Beta-carotene's decadic molar extinction on the grid, cm^-1/(mol/L) (the table is on the grid).
fn carotene_extinction() -> &'static Bands {
    static E: OnceLock<Bands> = OnceLock::new();
    E.get_or_init(|| {
        let mut out = [0.0; GRID_LEN];
        let rows: Vec<(f64, f64)> = CAROTENE_TABLE
            .lines()
            .filter(|l| !l.starts_with('#'))
            .skip(1)
            .map(|line| {
                let (w, e) = line
                    .split_once(',')
                    .expect("embedded table has two columns");
                (
                    w.trim().parse().expect("embedded table is numeric"),
                    e.trim().parse().expect("embedded table is numeric"),
                )
            })
            .collect();
        for (o, nm) in out.iter_mut().zip(grid_wavelengths()) {
            *o = rows
                .iter()
                .find(|r| r.0 == nm)
                .expect("the carotene table is on the grid")
                .1;
        }
        out
    })
}

/// Molar extinction coefficients of oxy- and deoxyhaemoglobin on the grid, cm^-1/(mol/L)
/// (Prahl's table is at 2 nm from 350 nm, so the grid's wavelengths are rows of it).
fn hemoglobin_extinction() -> &'static (Bands, Bands) {
    static E: OnceLock<(Bands, Bands)> = OnceLock::new();
    E.get_or_init(|| {
        let (mut w, mut oxy, mut deoxy) = (Vec::new(), Vec::new(), Vec::new());
        for line in HEMOGLOBIN_TABLE
            .lines()
            .filter(|l| !l.starts_with('#'))
            .skip(1)
        {
            let v: Vec<f64> = line
                .split(',')
                .map(|x| x.trim().parse().expect("embedded table is numeric"))
                .collect();
            w.push(v[0]);
            oxy.push(v[1]);
            deoxy.push(v[2]);
        }
        let g = grid_wavelengths();
        let to_bands = |v: Vec<f64>| -> Bands {
            let mut b = [0.0; GRID_LEN];
            b.copy_from_slice(&linear_interpolate(&w, &v, &g));
            b
        };
        (to_bands(oxy), to_bands(deoxy))
    })
}

/// Absorption and scattering spectra of the tissue components, cm^-1, on the grid.
#[derive(Debug, Clone)]
pub struct TissueSpectra {
    pub eumelanin: Bands,
    pub pheomelanin: Bands,
    pub baseline: Bands,
    pub oxy_blood: Bands,
    pub deoxy_blood: Bands,
    /// Beta-carotene's absorption per mol/L, cm^-1 (ln 10 times the decadic molar extinction).
    pub carotene: Bands,
    pub epidermis_mu_s_prime: Bands,
    /// The dermis's default scattering law (each skin has its own amplitude and power,
    /// [`crate::optics::skin::SkinParams`]).
    pub dermis_scattering: ScatteringLaw,
    /// The grid's wavelengths, nm.
    pub wavelengths: Bands,
    pub epidermis_g: f64,
    pub dermis_g: f64,
}

impl TissueSpectra {
    /// Evaluates the constants on the internal grid.
    pub fn new(c: &TissueConstants) -> Self {
        let w = grid_wavelengths();
        let each = |f: &dyn Fn(f64) -> f64| -> Bands { w.map(f) };
        let (oxy_e, deoxy_e) = hemoglobin_extinction();
        let blood = |e: &Bands| -> Bands {
            e.map(|e| std::f64::consts::LN_10 * e * c.haemoglobin_g_per_l / HB_MOLAR_MASS)
        };
        TissueSpectra {
            eumelanin: each(&|l| c.eumelanin.0 * l.powf(-c.eumelanin.1)),
            pheomelanin: each(&|l| c.pheomelanin.0 * l.powf(-c.pheomelanin.1)),
            baseline: each(&|l| 0.244 + 85.3 * (-(l - 154.0) / 66.2).exp()),
            oxy_blood: blood(oxy_e),
            deoxy_blood: blood(deoxy_e),
            carotene: carotene_extinction().map(|e| std::f64::consts::LN_10 * e),
            epidermis_mu_s_prime: each(&|l| c.epidermis_scattering.mu_s_prime(l)),
            dermis_scattering: c.dermis_scattering,
            wavelengths: w,
            epidermis_g: c.epidermis_g,
            dermis_g: c.dermis_g,
        }
    }

    /// The spectra of the published constants, computed once.
    pub fn standard() -> &'static TissueSpectra {
        static T: OnceLock<TissueSpectra> = OnceLock::new();
        T.get_or_init(|| TissueSpectra::new(&TissueConstants::default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_values_at_their_wavelengths() {
        let t = TissueSpectra::standard();
        let i = |nm: usize| (nm - 360) / 10;
        // Prahl: e_HbO2(420) = 480360, e_Hb(660) = 3226.56 cm^-1/M; x = 150 g/L.
        let mu = |e: f64| std::f64::consts::LN_10 * e * 150.0 / 64500.0;
        assert!((t.oxy_blood[i(420)] - mu(480360.0)).abs() < 1e-9);
        assert!((t.deoxy_blood[i(660)] - mu(3226.56)).abs() < 1e-9);
        // Jacques 2013: mu_s'(500 nm) = a'.
        assert!((t.dermis_scattering.mu_s_prime(500.0) - 45.3).abs() < 1e-12);
        // PhotochemCAD: beta-carotene's peak band, 139500 at 451 nm (band mean 136507).
        assert!((t.carotene[i(450)] / std::f64::consts::LN_10 - 136_507.0).abs() < 1.0);
        assert_eq!(t.carotene[i(600)], 0.0);
        assert!((t.epidermis_mu_s_prime[i(500)] - 66.7).abs() < 1e-12);
        // Melanin: about 680 cm^-1 at 500 nm (both of Jacques' forms).
        assert!(
            (t.eumelanin[i(500)] - 681.0).abs() < 5.0,
            "{}",
            t.eumelanin[i(500)]
        );
    }
}
