//! The skin model fitted to measured skin (issue 13): the NIST reference set of 100 in-vivo
//! spectra (tests/data/nist_skin_reflectance.csv, made by generate_nist_skin.py), which nothing
//! in the model was tuned to, and the fit end to end through `tinct appear`.

use std::fs;

use tinct::appearance::DEFAULT_SKIN_TOLERANCE;
use tinct::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
use tinct::optics::fit::{fit_skin, SkinTarget, FREE};
use tinct::optics::km::Specular;
use tinct::optics::skin::{SkinOptics, SkinParams};

use crate::common::{fails_with, json_of, tinct};

fn nist() -> tinct::io::SpectraTable {
    let bytes = fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/nist_skin_reflectance.csv"
    ))
    .unwrap();
    tinct::io::read_spectra_csv(&bytes, false).unwrap()
}

fn d65() -> &'static WeightingTable {
    WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964))
}

/// NIST's instrument read the specular reflection with the rest (8 degrees, hemispherical).
fn start() -> SkinParams {
    SkinParams {
        specular: Specular::Included,
        ..SkinParams::fitzpatrick("III").unwrap()
    }
}

#[test]
fn every_nist_skin_is_fitted_by_shape_and_colour() {
    // The acceptance: all 100 accepted at the default tolerance, at least 95 within
    // 0.5 dE00, the median spectral RMS (400-700 nm) at most 0.015; every parameter inside its
    // published range.
    let table = d65();
    let mut rms = Vec::new();
    let mut within = 0;
    for row in &nist().rows {
        let s = row.spectrum.to_spectrum();
        let fit = fit_skin(start(), SkinTarget::Spectrum(&s, table)).unwrap();
        assert!(
            fit.delta_e <= DEFAULT_SKIN_TOLERANCE,
            "{}: dE00 {}",
            row.id,
            fit.delta_e
        );
        if fit.delta_e <= 0.5 {
            within += 1;
        }
        for f in &FREE {
            let v = f.of(&fit.params);
            assert!(
                v >= f.range.0 && v <= f.range.1,
                "{}: {} {v}",
                row.id,
                f.name
            );
        }
        rms.push(fit.spectral_rms.unwrap());
    }
    rms.sort_by(f64::total_cmp);
    let median = 0.5 * (rms[49] + rms[50]);
    assert!(within >= 95, "{within} of 100 within 0.5 dE00");
    assert!(median <= 0.015, "median spectral RMS {median}");
}

#[test]
fn a_modelled_skin_is_fitted_back_to_its_own_spectrum() {
    // A skin inside every range: its own spectrum is reached (the parameters themselves trade
    // against each other, so only the spectrum and colour are checked).
    let table = d65();
    let truth = SkinParams {
        melanosome_fraction: 0.05,
        eumelanin_share: 0.8,
        epidermis_mm: 0.09,
        blood_fraction: 0.01,
        oxygen_saturation: 0.8,
        dermis_scattering_per_cm: 55.0,
        dermis_scattering_power: 1.0,
        carotene_nmol_per_g: 2.0,
        ..start()
    };
    let s = SkinOptics::new(truth).unwrap().reflectance();
    let fit = fit_skin(start(), SkinTarget::Spectrum(&s, table)).unwrap();
    assert!(fit.spectral_rms.unwrap() < 0.003, "{fit:?}");
    assert!(fit.delta_e < 0.2, "{fit:?}");
    assert!(fit.at_bounds.is_empty(), "{:?}", fit.at_bounds);
}

#[test]
fn appear_reports_the_fit_of_a_measured_spectrum() {
    let dir = tempfile::tempdir().unwrap();
    let table = nist();
    let row = &table.rows[20];
    let input = dir.path().join("forearm.csv");
    let header: Vec<String> = table.wavelengths.iter().map(|w| format!("{w}")).collect();
    let values: Vec<String> = row
        .spectrum
        .values()
        .iter()
        .map(|v| format!("{v}"))
        .collect();
    fs::write(
        &input,
        format!("id,{}\n{},{}\n", header.join(","), row.id, values.join(",")),
    )
    .unwrap();
    let v = json_of(
        tinct()
            .args(["appear", "--pigment", "carbon-black:1", "--json"])
            .args(["--skin-specular", "sci", "--skin"])
            .arg(&input),
    );
    let fit = &v["skin"]["fit"];
    assert!(fit["delta_e"].as_f64().unwrap() <= 0.5, "{fit}");
    assert!(fit["spectral_rms"].as_f64().unwrap() <= 0.015, "{fit}");
    for f in &FREE {
        assert!(fit["parameters"][f.name].as_f64().is_some(), "{}", f.name);
        assert!(v["skin"]["parameters"][f.name].as_f64().is_some());
    }
    assert!(fit["at_bounds"].is_array());
    // Read as if the specular reflection were excluded, the same spectrum fits differently.
    let sce = json_of(
        tinct()
            .args(["appear", "--pigment", "carbon-black:1", "--json"])
            .args(["--skin-tolerance", "5", "--skin"])
            .arg(&input),
    );
    assert_ne!(sce["skin"]["fit"]["parameters"], fit["parameters"]);
    // A preset has parameters and no fit.
    let preset = json_of(tinct().args([
        "appear",
        "--pigment",
        "carbon-black:1",
        "--skin",
        "fitzpatrick:II",
        "--json",
    ]));
    assert!(preset["skin"]["fit"].is_null());
    assert_eq!(
        preset["skin"]["parameters"]["melanosome_fraction"].as_f64(),
        Some(0.014)
    );
    fails_with(
        tinct()
            .args(["appear", "--pigment", "carbon-black:1", "--skin"])
            .arg(&input)
            .args(["--skin-specular", "glossy"]),
        "skin-specular",
    );
}
