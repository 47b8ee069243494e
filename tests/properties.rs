//! Properties that must hold for any input (proptest): round trips between colour spaces,
//! symmetry and identity of colour differences, batch = one by one, resampling invariants.

use proptest::prelude::*;
use tinct::colorimetry::spaces::{
    lab_to_lch, lab_to_xyz, lch_to_lab, oklab_to_xyz, srgb_to_xyz, xyz_to_lab, xyz_to_oklab,
    xyz_to_srgb,
};
use tinct::colorimetry::text::{format_lab, parse};
use tinct::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
use tinct::difference::{ciede2000, ciede2000_slice, ciede2000_textbook, DeltaE};
use tinct::spectrum::{grid_wavelengths, Spectrum, GRID_LEN};
use tinct::{Lab, MeasuredSpectrum};

fn lab() -> impl Strategy<Value = Lab> {
    (0.0..100.0f64, -128.0..128.0f64, -128.0..128.0f64).prop_map(|(l, a, b)| Lab::new(l, a, b))
}

fn viewing() -> impl Strategy<Value = Viewing> {
    (0..Illuminant::ALL.len(), 0..2usize)
        .prop_map(|(i, o)| Viewing::new(Illuminant::ALL[i], Observer::ALL[o]))
}

fn methods() -> [DeltaE; 6] {
    [
        DeltaE::Cie76,
        DeltaE::Cie94 { textiles: false },
        DeltaE::Cie94 { textiles: true },
        DeltaE::Cmc { l: 2.0, c: 1.0 },
        DeltaE::default(),
        DeltaE::Ciede2000 {
            k_l: 2.0,
            k_c: 1.0,
            k_h: 1.0,
        },
    ]
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

proptest! {
    #[test]
    fn lab_xyz_lch_round_trips(lab in lab(), v in viewing()) {
        let w = v.white();
        let back = xyz_to_lab(lab_to_xyz(lab, w), w);
        prop_assert!(close(back.l, lab.l, 1e-10) && close(back.a, lab.a, 1e-10) && close(back.b, lab.b, 1e-10), "{lab:?} -> {back:?}");
        let back = lch_to_lab(lab_to_lch(lab));
        prop_assert!(close(back.a, lab.a, 1e-10) && close(back.b, lab.b, 1e-10));
    }

    #[test]
    fn xyz_oklab_round_trips(lab in lab(), v in viewing()) {
        let w = v.white();
        let xyz = lab_to_xyz(lab, w);
        let back = oklab_to_xyz(xyz_to_oklab(xyz, w), w);
        prop_assert!(close(back.x, xyz.x, 1e-8) && close(back.y, xyz.y, 1e-8) && close(back.z, xyz.z, 1e-8), "{xyz:?} -> {back:?}");
    }

    #[test]
    fn srgb_round_trips_inside_the_gamut(r in 0.0..1.0f64, g in 0.0..1.0f64, b in 0.0..1.0f64, v in viewing()) {
        let w = v.white();
        let s = xyz_to_srgb(srgb_to_xyz([r, g, b], w), w);
        prop_assert!(s.in_gamut);
        for (got, want) in s.encoded.iter().zip([r, g, b]) {
            prop_assert!((got - want).abs() < 1e-9);
        }
    }

    #[test]
    fn css_text_round_trips(lab in lab()) {
        let parsed = parse(&format_lab(lab)).unwrap().to_lab(Viewing::default().white());
        prop_assert!((parsed.l - lab.l).abs() <= 5e-5 && (parsed.a - lab.a).abs() <= 5e-5 && (parsed.b - lab.b).abs() <= 5e-5);
    }

    #[test]
    fn differences_are_zero_for_identical_colours_and_never_negative(a in lab(), b in lab()) {
        for m in methods() {
            prop_assert_eq!(m.delta_e(a, a), 0.0, "{}", m);
            let d = m.delta_e(a, b);
            prop_assert!(d.is_finite() && d >= 0.0, "{}: {}", m, d);
        }
    }

    #[test]
    fn cie76_and_ciede2000_are_symmetric(a in lab(), b in lab()) {
        prop_assert_eq!(DeltaE::Cie76.delta_e(a, b), DeltaE::Cie76.delta_e(b, a));
        let (x, y) = (ciede2000(a, b, 1.0, 1.0, 1.0), ciede2000(b, a, 1.0, 1.0, 1.0));
        prop_assert!((x - y).abs() < 1e-12, "{} vs {}", x, y);
    }

    #[test]
    fn ciede2000_fast_form_equals_the_textbook_form(a in lab(), b in lab()) {
        let fast = ciede2000(a, b, 1.0, 1.0, 1.0);
        let tb = ciede2000_textbook(a, b, 1.0, 1.0, 1.0);
        prop_assert!((fast - tb).abs() < 1e-9, "{} vs {}", fast, tb);
    }

    #[test]
    fn batch_equals_one_by_one(pairs in proptest::collection::vec((lab(), lab()), 0..300)) {
        for m in methods() {
            let mut out = vec![0.0; pairs.len()];
            m.delta_e_batch(&pairs, &mut out);
            for ((a, b), o) in pairs.iter().zip(&out) {
                prop_assert_eq!(*o, m.delta_e(*a, *b));
            }
        }
        let mut out = vec![0.0; pairs.len()];
        ciede2000_slice(&pairs, 1.0, 1.0, 1.0, &mut out);
        for ((a, b), o) in pairs.iter().zip(&out) {
            prop_assert_eq!(*o, ciede2000(*a, *b, 1.0, 1.0, 1.0));
        }
    }

    #[test]
    fn resampling_keeps_measured_values_and_stays_within_their_range(
        start in 340u32..420, step in 1u32..25, n in 2usize..60,
        seed in proptest::collection::vec(0.0..1.0f64, 60)
    ) {
        let w: Vec<f64> = (0..n).map(|i| f64::from(start + step * i as u32)).collect();
        let v: Vec<f64> = seed[..n].to_vec();
        let m = MeasuredSpectrum::new(w.clone(), v.clone()).unwrap();
        let s = m.to_spectrum();
        let (lo, hi) = v.iter().fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
        for (wl, r) in grid_wavelengths().iter().zip(s.values()) {
            prop_assert!(*r >= lo && *r <= hi);
            if let Some(i) = w.iter().position(|x| x == wl) {
                prop_assert_eq!(*r, v[i]);
            }
            if *wl < w[0] { prop_assert_eq!(*r, v[0]); }
            if *wl > w[n - 1] { prop_assert_eq!(*r, v[n - 1]); }
        }
    }

    #[test]
    fn neutral_spectra_are_neutral_and_xyz_is_linear(k in 0.0..1.0f64, v in viewing()) {
        let t = WeightingTable::for_grid(v);
        let lab = t.lab(&Spectrum::constant(k));
        prop_assert!(lab.a.abs() < 1e-9 && lab.b.abs() < 1e-9, "{lab:?}");
        let mut vals = [0.0; GRID_LEN];
        for (i, x) in vals.iter_mut().enumerate() { *x = (i as f64 * 0.37).sin().abs(); }
        let s1 = Spectrum::new(vals).unwrap();
        let s2 = Spectrum::new(vals.map(|x| x * k)).unwrap();
        let (a, b) = (t.xyz(&s1), t.xyz(&s2));
        prop_assert!(close(b.x, a.x * k, 1e-12) && close(b.y, a.y * k, 1e-12) && close(b.z, a.z * k, 1e-12));
    }
}

#[test]
fn the_perfect_white_is_l_100_under_every_viewing() {
    for i in Illuminant::ALL {
        for o in Observer::ALL {
            let t = WeightingTable::for_grid(Viewing::new(i, o));
            let lab = t.lab(&Spectrum::constant(1.0));
            assert!((lab.l - 100.0).abs() < 1e-9 && lab.a.abs() < 1e-9 && lab.b.abs() < 1e-9);
            assert!((t.white().y - 100.0).abs() < 1e-9);
        }
    }
}

mod kubelka_munk {
    use proptest::prelude::*;
    use tinct::optics::km::{
        layer_rt, r_infinity, reflectance_over, stack, Saunderson, Slab, Specular,
    };

    fn coeff() -> impl Strategy<Value = f64> {
        prop_oneof![Just(0.0), 1e-9..1e-3f64, 1e-3..10.0f64, 10.0..1e5f64]
    }
    fn thickness() -> impl Strategy<Value = f64> {
        prop_oneof![
            Just(0.0),
            1e-9..1e-3f64,
            1e-3..1.0f64,
            1.0..1e4f64,
            Just(f64::INFINITY)
        ]
    }

    proptest! {
        #[test]
        fn r_and_t_are_fractions_and_energy_is_conserved(k in coeff(), s in coeff(), x in thickness()) {
            let (r, t) = layer_rt(k, s, x);
            prop_assert!((0.0..=1.0).contains(&r) && (0.0..=1.0).contains(&t), "{r} {t}");
            prop_assert!(r + t <= 1.0 + 1e-12, "{r} + {t}");
            if k == 0.0 && x.is_finite() {
                prop_assert!((r + t - 1.0).abs() < 1e-9, "no absorption: {r} + {t}");
            }
        }

        #[test]
        fn more_absorption_never_lightens(k in coeff(), dk in 1e-6..10.0f64, s in coeff(), x in thickness(), rg in 0.0..1.0f64) {
            let r0 = reflectance_over(k, s, x, rg);
            let r1 = reflectance_over(k + dk, s, x, rg);
            prop_assert!(r1 <= r0 + 1e-12, "{r0} -> {r1}");
            prop_assert!((0.0..=1.0).contains(&r0));
        }

        #[test]
        fn reflectance_lies_between_background_and_r_infinity(k in coeff(), s in coeff(), x in thickness(), rg in 0.0..1.0f64) {
            prop_assume!(k + s > 0.0);
            let r = reflectance_over(k, s, x, rg);
            let ri = r_infinity(k, s);
            let (lo, hi) = if rg < ri { (rg, ri) } else { (ri, rg) };
            prop_assert!(r >= lo - 1e-12 && r <= hi + 1e-12, "{rg} .. {ri}: {r}");
        }

        #[test]
        fn splitting_a_layer_changes_nothing(k in 1e-3..50.0f64, s in 1e-3..500.0f64, x in 1e-4..0.5f64, f in 0.05..0.95f64) {
            let both = stack(Slab::layer(k, s, x * f), Slab::layer(k, s, x * (1.0 - f)));
            let (rw, tw) = layer_rt(k, s, x);
            prop_assert!((both.r - rw).abs() < 1e-12 && (both.t - tw).abs() < 1e-12);
            prop_assert!((both.r_below - rw).abs() < 1e-12);
        }

        #[test]
        fn saunderson_round_trips(ri in 0.0..1.0f64, k1 in 0.0..0.1f64, k2 in 0.0..0.7f64, sce in any::<bool>()) {
            let sd = Saunderson { k1, k2, specular: if sce { Specular::Excluded } else { Specular::Included } };
            let back = sd.internal(sd.measured(ri));
            prop_assert!((back - ri).abs() < 1e-12);
        }
    }
}

mod robustness {
    use proptest::prelude::*;
    use tinct::colorimetry::text::parse;
    use tinct::difference::DeltaE;
    use tinct::io::{delta_e_csv, read_spectra_csv};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn colour_text_never_panics(s in ".{0,40}") {
            let _ = parse(&s);
        }

        #[test]
        fn colour_text_like_input_never_panics(
            f in prop_oneof![Just("lab"), Just("lch"), Just("oklab"), Just("oklch"), Just("rgb"), Just("color")],
            body in "[0-9a-z%. ,/+-]{0,30}"
        ) {
            let _ = parse(&format!("{f}({body})"));
            let _ = parse(&format!("#{body}"));
        }

        #[test]
        fn csv_readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = delta_e_csv(&bytes, DeltaE::default());
            let _ = read_spectra_csv(&bytes, false);
        }

        #[test]
        fn pair_csv_like_input_never_panics(rows in proptest::collection::vec("[0-9a-z.,\" -]{0,40}", 0..6)) {
            let text = format!("L1,a1,b1,L2,a2,b2,x\n{}", rows.join("\n"));
            if let Ok(out) = delta_e_csv(text.as_bytes(), DeltaE::default()) {
                // Whatever is accepted comes out with a finite difference on every row.
                for line in String::from_utf8(out).unwrap().lines().skip(1) {
                    let v: f64 = line.rsplit(',').next().unwrap().parse().unwrap();
                    prop_assert!(v.is_finite() && v >= 0.0);
                }
            }
        }
    }
}
