//! tinct against published and independently computed values (tests/data; each file's header
//! names its source).

use crate::common::Table;
use palette::color_difference::Ciede2000;
use tinct::colorimetry::spaces::{
    lab_to_lch, lab_to_xyz, oklab_to_oklch, srgb_encode, xyz_to_oklab, xyz_to_srgb, xyz_to_xyy,
};
use tinct::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
use tinct::difference::{ciede2000, ciede2000_textbook, DeltaE};
use tinct::{Lab, MeasuredSpectrum};

fn lab(t: &Table, r: &[String], l: &str, a: &str, b: &str) -> Lab {
    Lab::new(t.f(r, l), t.f(r, a), t.f(r, b))
}

#[test]
fn ciede2000_matches_sharma_2005_table_1_including_pair_14() {
    let t = Table::load("ciede2000_sharma.csv");
    assert_eq!(t.rows.len(), 34);
    for (i, r) in t.rows.iter().enumerate() {
        let (l1, l2) = (lab(&t, r, "L1", "a1", "b1"), lab(&t, r, "L2", "a2", "b2"));
        let published = t.f(r, "dE00");
        let d = ciede2000(l1, l2, 1.0, 1.0, 1.0);
        assert!(
            (d - published).abs() <= 5e-5,
            "pair {}: {d} vs published {published}",
            i + 1
        );
        // Symmetric, including on the discontinuity.
        let back = ciede2000(l2, l1, 1.0, 1.0, 1.0);
        assert!((d - back).abs() < 1e-12, "pair {}: {d} vs {back}", i + 1);
    }
    // Pair 14 sits exactly on |h1' - h2'| = 180 degrees: the published branch, deliberately.
    let r = &t.rows[13];
    let d = ciede2000(
        lab(&t, r, "L1", "a1", "b1"),
        lab(&t, r, "L2", "a2", "b2"),
        1.0,
        1.0,
        1.0,
    );
    assert_eq!(format!("{d:.4}"), "4.8045");
}

#[test]
fn ciede2000_matches_colour_science_on_sharma_pairs_to_1e9() {
    let t = Table::load("ciede2000_sharma_intermediates.csv");
    for r in &t.rows {
        let (l1, l2) = (lab(&t, r, "L1", "a1", "b1"), lab(&t, r, "L2", "a2", "b2"));
        let expected = t.f(r, "dE00_colour");
        let d = ciede2000(l1, l2, 1.0, 1.0, 1.0);
        assert!(
            (d - expected).abs() < 1e-9,
            "pair {}: {d} vs {expected}",
            t.s(r, "pair")
        );
        let tb = ciede2000_textbook(l1, l2, 1.0, 1.0, 1.0);
        assert!(
            (tb - expected).abs() < 1e-9,
            "textbook pair {}",
            t.s(r, "pair")
        );
    }
}

#[test]
fn the_rotation_term_left_out_under_112_degrees_changes_nothing() {
    // Pairs all round the hue circle at several chromas: the fast form (which skips R_T for
    // mean hues under 112.5 degrees, where it is below 1e-17) against the textbook form, which
    // always computes it.
    let mut worst: f64 = 0.0;
    for i in 0..720 {
        let h1 = (f64::from(i) * 0.5).to_radians();
        for (c1, c2, dh) in [(30.0, 35.0, 0.3), (5.0, 60.0, -0.8), (80.0, 79.0, 0.05)] {
            let h2: f64 = h1 + dh;
            let a = Lab::new(50.0, c1 * h1.cos(), c1 * h1.sin());
            let b = Lab::new(55.0, c2 * h2.cos(), c2 * h2.sin());
            let fast = ciede2000(a, b, 1.0, 1.0, 1.0);
            let tb = ciede2000_textbook(a, b, 1.0, 1.0, 1.0);
            worst = worst.max((fast - tb).abs() / tb);
        }
    }
    assert!(worst < 1e-13, "worst relative difference {worst:e}");
}

#[test]
fn ciede2000_agrees_with_palette_on_sharma_pairs() {
    // palette's f64 CIEDE2000, an independent implementation (it takes D65 Lab, but the
    // formula does not depend on the white).
    let t = Table::load("ciede2000_sharma.csv");
    for (i, r) in t.rows.iter().enumerate() {
        let p = |l: &str, a: &str, b: &str| {
            palette::Lab::<palette::white_point::D65, f64>::new(t.f(r, l), t.f(r, a), t.f(r, b))
        };
        let theirs = p("L1", "a1", "b1").difference(p("L2", "a2", "b2"));
        let ours = ciede2000(
            lab(&t, r, "L1", "a1", "b1"),
            lab(&t, r, "L2", "a2", "b2"),
            1.0,
            1.0,
            1.0,
        );
        if i == 13 {
            continue; // on the discontinuity; palette's branch depends on atan2's last bit
        }
        assert!(
            (theirs - ours).abs() < 1e-9,
            "pair {}: palette {theirs} vs {ours}",
            i + 1
        );
    }
}

#[test]
fn every_method_matches_colour_science_on_3000_pairs_to_1e9() {
    let t = Table::load("delta_e_random.csv");
    assert_eq!(t.rows.len(), 3000);
    let methods: [(&str, DeltaE); 7] = [
        ("cie76", DeltaE::Cie76),
        ("cie94", DeltaE::Cie94 { textiles: false }),
        ("cie94_textiles", DeltaE::Cie94 { textiles: true }),
        ("cmc_2_1", DeltaE::Cmc { l: 2.0, c: 1.0 }),
        ("cmc_1_1", DeltaE::Cmc { l: 1.0, c: 1.0 }),
        ("ciede2000", DeltaE::default()),
        (
            "ciede2000_kl2",
            DeltaE::Ciede2000 {
                k_l: 2.0,
                k_c: 1.0,
                k_h: 1.0,
            },
        ),
    ];
    for (col, m) in methods {
        let mut worst = 0.0f64;
        for r in &t.rows {
            let d = m.delta_e(lab(&t, r, "L1", "a1", "b1"), lab(&t, r, "L2", "a2", "b2"));
            worst = worst.max((d - t.f(r, col)).abs());
        }
        assert!(worst < 1e-9, "{col}: worst difference {worst:e}");
    }
}

fn spectra() -> Vec<(String, Vec<f64>, Vec<f64>)> {
    let t = Table::load("e308_spectra.csv");
    let w: Vec<f64> = t.header[1..].iter().map(|h| h.parse().unwrap()).collect();
    t.rows
        .iter()
        .map(|r| {
            let v = r[1..].iter().map(|x| x.parse().unwrap()).collect();
            (r[0].clone(), w.clone(), v)
        })
        .collect()
}

fn slice(w: &[f64], v: &[f64], start: f64, end: f64, step: f64) -> MeasuredSpectrum {
    let (ws, vs): (Vec<f64>, Vec<f64>) = w
        .iter()
        .zip(v)
        .filter(|(&x, _)| x >= start && x <= end && ((x - start) / step).fract() == 0.0)
        .map(|(a, b)| (*a, *b))
        .unzip();
    MeasuredSpectrum::new(ws, vs).unwrap()
}

#[test]
fn astm_e308_matches_colour_science_for_every_illuminant_and_observer() {
    let specs = spectra();
    let t = Table::load("e308_xyz.csv");
    let mut checked = 0;
    let mut worst_de = 0.0f64;
    for r in &t.rows {
        let method = t.s(r, "method");
        if method == "E308-5nm-omission" {
            continue; // colour's 5 nm shortcut; tinct builds its 5 nm tables by ASTM E2022
        }
        let ill: Illuminant = t.s(r, "illuminant").parse().unwrap();
        let obs: Observer = t.s(r, "observer").parse().unwrap();
        let viewing = Viewing::new(ill, obs);
        let interval = t.f(r, "interval_nm");
        let (_, w, v) = specs.iter().find(|s| s.0 == t.s(r, "id")).unwrap();
        let m = slice(w, v, t.f(r, "start_nm"), t.f(r, "end_nm"), interval);
        let table = viewing.table_for(&m);
        assert_eq!(f64::from(table.interval_nm()), interval);
        let (xyz, got) = viewing.measured_to_xyz_lab(&m);
        for (ours, col) in [(xyz.x, "X"), (xyz.y, "Y"), (xyz.z, "Z")] {
            let theirs = t.f(r, col);
            assert!(
                (ours - theirs).abs() <= 1e-9 * theirs.abs().max(1.0),
                "{} {viewing} {method} {}-{}: {col} {ours} vs {theirs}",
                t.s(r, "id"),
                t.s(r, "start_nm"),
                t.s(r, "end_nm")
            );
        }
        let de = ciede2000(got, lab(&t, r, "L", "a", "b"), 1.0, 1.0, 1.0);
        worst_de = worst_de.max(de);
        checked += 1;
    }
    assert_eq!(checked, 32 * 6 * 2 * 5);
    assert!(worst_de < 1e-6, "worst dE00 {worst_de}"); // the issue asks for 0.01
}

#[test]
fn table_whites_match_colour_science() {
    let t = Table::load("e308_whites.csv");
    for r in &t.rows {
        let method = t.s(r, "method");
        if method == "E308-5nm-omission" {
            continue;
        }
        let viewing = Viewing::new(
            t.s(r, "illuminant").parse().unwrap(),
            t.s(r, "observer").parse().unwrap(),
        );
        let table = WeightingTable::get(viewing, t.f(r, "interval_nm") as u32).unwrap();
        let w = table.white();
        for (ours, col) in [(w.x, "X"), (w.y, "Y"), (w.z, "Z")] {
            assert!(
                (ours - t.f(r, col)).abs() < 1e-10,
                "{viewing} {method} {col}"
            );
        }
    }
}

#[test]
fn weighting_by_astm_e2022_catches_the_f11_lines_that_naive_sampling_misses() {
    // Naive 10 nm sampling of the 1 nm CMF and illuminant is off by up to 4 dE00 under F11
    // (shared/reference/cie_tables/whitepoints.csv: white Z 51.54 instead of 64.27).
    let viewing = Viewing::new(Illuminant::F11, Observer::Cie1931);
    let white = WeightingTable::for_grid(viewing).white();
    assert!((white.z - 64.2668574117353).abs() < 1e-9, "{white:?}");
    let one_nm = WeightingTable::get(viewing, 1).unwrap().white();
    assert!((one_nm.x - white.x).abs() < 1e-3 && (one_nm.z - white.z).abs() < 1e-3);
}

#[test]
fn colour_space_conversions_match_colour_science() {
    let t = Table::load("conversions.csv");
    assert_eq!(t.rows.len(), 400);
    let close = |a: f64, b: f64, what: &str| {
        assert!(
            (a - b).abs() <= 1e-9 * b.abs().max(1.0),
            "{what}: {a} vs {b}"
        );
    };
    for r in &t.rows {
        let viewing = Viewing::new(
            t.s(r, "illuminant").parse().unwrap(),
            t.s(r, "observer").parse().unwrap(),
        );
        let white = viewing.white();
        let lab = lab(&t, r, "L", "a", "b");
        let xyz = lab_to_xyz(lab, white);
        close(xyz.x, t.f(r, "X"), "X");
        close(xyz.y, t.f(r, "Y"), "Y");
        close(xyz.z, t.f(r, "Z"), "Z");
        let xyy = xyz_to_xyy(xyz, white);
        close(xyy.x, t.f(r, "x"), "x");
        close(xyy.y, t.f(r, "y"), "y");
        let lch = lab_to_lch(lab);
        close(lch.c, t.f(r, "C"), "C");
        close(lch.h, t.f(r, "h"), "h");
        // tinct's Oklab is CSS Color 4's (through palette): Ottosson's M1 recomputed for the
        // exact sRGB white; colour-science 0.4.7 keeps Ottosson's 2020 M1. They differ by up to
        // 1e-4 on saturated colours (their M1 entries differ by up to 9e-5), far below a visible difference (a JND in Oklab is about 0.02).
        let ok = xyz_to_oklab(xyz, white);
        let near = |a: f64, b: f64, what: &str| assert!((a - b).abs() < 2e-4, "{what}: {a} vs {b}");
        near(ok.l, t.f(r, "ok_L"), "ok_L");
        near(ok.a, t.f(r, "ok_a"), "ok_a");
        near(ok.b, t.f(r, "ok_b"), "ok_b");
        let okc = oklab_to_oklch(ok);
        near(okc.c, t.f(r, "ok_C"), "ok_C");
        if okc.c > 0.05 {
            let dh = (okc.h - t.f(r, "ok_h") + 540.0).rem_euclid(360.0) - 180.0;
            assert!(dh.abs() < 0.5, "ok_h: {} vs {}", okc.h, t.f(r, "ok_h"));
        }
        // colour-science uses the 4-decimal matrix printed in IEC 61966-2-1; tinct derives it
        // from the primaries (as CSS Color 4 does; see spaces::srgb_matrices, whose values are
        // tested against colour's normalised_primary_matrix to 1e-14). They differ by < 3e-4 relative.
        let rgb = xyz_to_srgb(xyz, white);
        for (i, c) in ["r", "g", "b"].iter().enumerate() {
            let theirs = t.f(r, &format!("lin_{c}"));
            assert!(
                (rgb.linear[i] - theirs).abs() < 3e-4 * theirs.abs().max(1.0),
                "linear {c}: {} vs {theirs}",
                rgb.linear[i]
            );
        }
        // The transfer function itself agrees to rounding.
        let lin: Vec<f64> = ["r", "g", "b"]
            .iter()
            .map(|c| t.f(r, &format!("lin_{c}")))
            .collect();
        if lin.iter().all(|v| (0.0..=1.0).contains(v)) {
            let enc = srgb_encode([lin[0], lin[1], lin[2]]);
            for (i, c) in ["r", "g", "b"].iter().enumerate() {
                close(enc[i], t.f(r, &format!("srgb_{c}")), "sRGB encoding");
            }
        }
    }
}

#[test]
fn oklab_of_the_srgb_white_is_exactly_neutral_as_css_color_4_defines_it() {
    use tinct::colorimetry::spaces::srgb_white;
    let ok = xyz_to_oklab(srgb_white(), srgb_white());
    // M2 is given to 10 digits, so neutral to about 1e-8.
    assert!(
        (ok.l - 1.0).abs() < 1e-7 && ok.a.abs() < 1e-7 && ok.b.abs() < 1e-7,
        "{ok:?}"
    );
}

#[test]
fn kubelka_munk_matches_197_cases_at_60_digits_to_1e12() {
    use tinct::optics::km::{
        km_a, km_b, ks_of_r_infinity, r_infinity, reflectance_over, Saunderson, Specular,
    };
    let t = Table::load("km_cases.csv");
    assert_eq!(t.rows.len(), 197);
    let rel = |ours: f64, theirs: f64, what: &str, case: &str| {
        let ok = if theirs == 0.0 {
            ours.abs() < 1e-300
        } else if theirs.is_infinite() {
            ours == theirs
        } else {
            ((ours - theirs) / theirs).abs() <= 1e-12
        };
        assert!(ok, "case {case}: {what} {ours:e} vs {theirs:e}");
    };
    for r in &t.rows {
        let case = t.s(r, "case");
        let (k, s, x, rg) = (t.f(r, "K"), t.f(r, "S"), t.f(r, "X"), t.f(r, "Rg"));
        let sd = Saunderson {
            k1: t.f(r, "k1"),
            k2: t.f(r, "k2"),
            specular: Specular::Included,
        };
        rel(k / s, t.f(r, "KS"), "K/S", case);
        rel(km_a(k, s), t.f(r, "a"), "a", case);
        rel(km_b(k, s), t.f(r, "b"), "b", case);
        let rinf = r_infinity(k, s);
        rel(rinf, t.f(r, "Rinf"), "Rinf", case);
        let refl = reflectance_over(k, s, x, rg);
        rel(refl, t.f(r, "R"), "R", case);
        rel(sd.measured(rinf), t.f(r, "Rm_of_Rinf"), "Rm(Rinf)", case);
        rel(sd.measured(refl), t.f(r, "Rm_of_R"), "Rm(R)", case);
        // The inverse subtracts k1 from Rm: an f64 Rm (1 ulp) moves Ri by about
        // eps Rm / |Rm - k1| relative (2e-11 in case 176, where Rm - k1 is 5e-7).
        for (rm, col) in [
            (sd.measured(refl), "Ri_of_Rm_of_R"),
            (t.f(r, "Rm_meas"), "Ri_of_Rm_meas"),
        ] {
            let (ours, theirs) = (sd.internal(rm), t.f(r, col));
            let cond = 4.0 * f64::EPSILON * rm.abs() / (rm - sd.k1).abs();
            assert!(
                ours == theirs || ((ours - theirs) / theirs).abs() <= 1e-12 + cond,
                "case {case}: {col} {ours:e} vs {theirs:e}"
            );
        }
        // K/S from R-infinity is ill-conditioned near R = 1: an f64 R-infinity (1 ulp) moves it
        // by about 2 eps / (1 - R) relative (3e-10 for K/S = 1e-13). Four cases (166, 167, 169,
        // 173) sit there; the bound below is that conditioning, not a looser formula.
        let theirs = t.f(r, "KS_of_Rinf");
        let ours = ks_of_r_infinity(rinf);
        let cond = 4.0 * f64::EPSILON * (1.0 + rinf) / (1.0 - rinf);
        assert!(
            ours == theirs || ((ours - theirs) / theirs).abs() <= 1e-12 + cond,
            "case {case}: KS(Rinf) {ours:e} vs {theirs:e}"
        );
    }
}

#[test]
fn mie_efficiencies_match_a_40_digit_evaluation_and_bohren_huffman() {
    use tinct::optics::mie::mie;
    let t = Table::load("mie_reference.csv");
    assert_eq!(t.rows.len(), 91);
    for r in &t.rows {
        let case = t.s(r, "case");
        let x = t.f(r, "x");
        let e = mie(t.f(r, "n"), t.f(r, "k"), x).unwrap();
        // Upward recurrence of psi_n loses about 1/x^2 ulps when x << 1, and quantities made of
        // small differences of terms (g, q_back) carry it: 1e-11 / x^2 (1e-7 at x = 0.01).
        let tol = (1e-11 / (x * x)).max(1e-10);
        for (ours, col) in [
            (e.q_ext, "qext"),
            (e.q_sca, "qsca"),
            (e.q_back, "qback"),
            (e.g, "g"),
        ] {
            let theirs = t.f(r, col);
            assert!(
                (ours - theirs).abs() <= tol * theirs.abs(),
                "{case}: {col} {ours:e} vs {theirs:e}"
            );
        }
        // And miepython, an independent code, where it does not approximate (x > 0.1).
        if x > 0.1 {
            assert!(
                (e.q_ext - t.f(r, "mp_qext")).abs() <= 1e-9 * e.q_ext,
                "{case}: miepython"
            );
        }
    }
    // Bohren & Huffman (1983) appendix A, as printed: QSCA 3.10543, QBACK 2.92534.
    let e = mie(1.55, 0.0, 2.0 * std::f64::consts::PI * 0.525 / 0.6328).unwrap();
    assert_eq!(format!("{:.5} {:.5}", e.q_sca, e.q_back), "3.10543 2.92534");
}
