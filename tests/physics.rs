//! The skin-and-pigment model against the physics it must show (issue 3, item 9).

use proptest::prelude::*;
use tinct::appearance::{appear, Component};
use tinct::colorimetry::{Illuminant, Observer, Viewing, WeightingTable};
use tinct::optics::skin::{SkinOptics, SkinParams, FITZPATRICK};
use tinct::pigment::Catalog;

fn table() -> &'static WeightingTable {
    WeightingTable::for_grid(Viewing::new(Illuminant::D65, Observer::Cie1964))
}

fn skin(phototype: &str) -> SkinOptics {
    SkinOptics::new(SkinParams::fitzpatrick(phototype).unwrap()).unwrap()
}

fn dot(skin: &SkinOptics, pigment: &str, load: f64, depth: f64) -> tinct::appearance::Appearance {
    let p = Catalog::builtin().get(pigment).unwrap();
    let site = skin.site(depth, 0.1).unwrap();
    appear(
        skin,
        &site,
        &[Component {
            pigment: p,
            load_g_m2: load,
        }],
        table(),
    )
    .unwrap()
}

#[test]
fn zero_load_gives_the_skin_itself() {
    for (pt, _) in FITZPATRICK {
        let s = skin(pt);
        for depth in [0.0, 0.2, 1.0] {
            let a = dot(&s, "carbon-black", 0.0, depth);
            for (x, y) in a.dot_spectrum.values().iter().zip(s.reflectance().values()) {
                assert!((x - y).abs() < 1e-12, "{pt} at {depth} mm: {x} vs {y}");
            }
            assert!(a.contrast_delta_e < 1e-9);
        }
    }
}

#[test]
fn carbon_black_heals_bluer_than_grey_darkening_and_more_so_deeper() {
    // Tyndall: the dermis above the pigment returns blue light before the pigment absorbs it.
    let s = skin("II");
    let mut previous_ratio = 0.0;
    for depth in [0.1, 0.3, 0.6, 1.0] {
        let a = dot(&s, "carbon-black", 10.0, depth);
        assert!(a.cool_cast.bluer_b > 0.0, "{depth} mm: {:?}", a.cool_cast);
        let darkening = a.skin.lab[0] - a.dot.lab[0];
        let ratio = a.cool_cast.bluer_b / darkening;
        assert!(
            ratio > previous_ratio,
            "{depth} mm: cast/darkening {ratio} after {previous_ratio}"
        );
        previous_ratio = ratio;
    }
}

#[test]
fn a_deeper_dot_has_less_contrast() {
    for (pt, _) in FITZPATRICK {
        let s = skin(pt);
        let mut previous = f64::INFINITY;
        for depth in [0.0, 0.1, 0.2, 0.4, 0.8, 1.5] {
            let c = dot(&s, "carbon-black", 5.0, depth).contrast_delta_e;
            assert!(c < previous, "{pt} at {depth} mm: {c} after {previous}");
            previous = c;
        }
    }
}

#[test]
fn darker_skin_gives_less_contrast_for_the_same_dot() {
    for pigment in ["carbon-black", "iron-oxide-black", "iron-oxide-red"] {
        let mut previous = f64::INFINITY;
        for (pt, _) in FITZPATRICK {
            let c = dot(&skin(pt), pigment, 5.0, 0.3).contrast_delta_e;
            assert!(c < previous, "{pigment} in {pt}: {c} after {previous}");
            previous = c;
        }
    }
}

#[test]
fn unreachable_depth_and_bad_loads_are_errors() {
    let s = skin("III");
    assert!(s.site(2.5, 0.1).is_err());
    assert!(s.site(-0.1, 0.1).is_err());
    let p = Catalog::builtin().get("carbon-black").unwrap();
    let site = s.site(0.3, 0.1).unwrap();
    assert!(appear(
        &s,
        &site,
        &[Component {
            pigment: p,
            load_g_m2: -1.0
        }],
        table()
    )
    .is_err());
    assert!(appear(
        &s,
        &site,
        &[Component {
            pigment: p,
            load_g_m2: f64::NAN
        }],
        table()
    )
    .is_err());
}

proptest! {
    #[test]
    fn more_load_never_lightens_the_dot(
        pt in 0..6usize, which in 0..4usize, load in 0.0..60.0f64, extra in 0.001..30.0f64, depth in 0.0..1.5f64,
        cluster_um in 0.0..30.0f64, fill in 0.05..=1.0f64
    ) {
        // However the pigment is packed (src/optics/packaging.rs), from dispersed to clusters
        // three cells wide.
        let s = skin(FITZPATRICK[pt].0);
        let p = &Catalog::builtin().pigments()[which];
        let site = s
            .site(depth, 0.1)
            .unwrap()
            .with_packaging(tinct::optics::packaging::Packaging { cluster_um, fill })
            .unwrap();
        let a = appear(&s, &site, &[Component { pigment: p, load_g_m2: load }], table()).unwrap();
        let b = appear(&s, &site, &[Component { pigment: p, load_g_m2: load + extra }], table()).unwrap();
        if p.k_m2_g.iter().any(|&k| k > 0.0) {
            // An absorbing pigment: more of it never visibly lightens. Not strictly: once the
            // dot is opaque, more pigment only makes the dot layer's own backscatter that of
            // the pigment (lower albedo, but a less forward g than tissue's): carbon black at
            // 55 -> 69 g/m^2 in type V skin brightens by 0.0016 L*, at 7.5 -> 30.5 g/m^2 right
            // under a type I epidermis by 0.027 L* (the same with 12, 16 and 32 directions:
            // transport, not discretisation). Far below what an eye sees.
            prop_assert!(b.dot.lab[0] <= a.dot.lab[0] + 0.05, "{}: {} -> {}", p.id, a.dot.lab[0], b.dot.lab[0]);
        }
        for r in b.dot_spectrum.values() {
            prop_assert!((0.0..=1.0).contains(r));
        }
    }
}

/// The worst CIEDE2000 between a site's coarse and full colours over the built-in pigments
/// and loads from trace to undiluted; each within 0.6.
fn coarse_vs_full(site: &tinct::optics::skin::DotSite, what: &str) -> f64 {
    let mut worst: f64 = 0.0;
    for p in Catalog::builtin().pigments() {
        for load in [0.05, 0.5, 3.0, 17.0] {
            let d = tinct::appearance::pigment_optics(&[Component {
                pigment: p,
                load_g_m2: load,
            }])
            .unwrap();
            let full = table().lab(&site.reflectance(&d).unwrap());
            let coarse = table().lab(&site.reflectance_coarse(&d).unwrap());
            let de = tinct::difference::ciede2000(full, coarse, 1.0, 1.0, 1.0);
            worst = worst.max(de);
            assert!(de < 0.6, "{what}: {} {load}: {de}", p.id);
        }
    }
    worst
}

#[test]
fn coarse_solutions_steer_close_to_the_full_ones() {
    // The search steers by DotSite::reflectance_coarse (fewer directions, every other band)
    // and reports DotSite::reflectance. Over the presets, the built-in pigments, loads from
    // trace to undiluted and depths 0-1 mm, the two colours stay within 0.6 dE00 (measured
    // worst 0.5 when this was written); in the colour of the dot a practitioner would look at,
    // that is below what the eye separates side by side.
    let mut worst: f64 = 0.0;
    for (pt, _) in FITZPATRICK {
        let s = skin(pt);
        for depth in [0.0, 0.3, 1.0] {
            let site = s.site(depth, 0.1).unwrap();
            worst = worst.max(coarse_vs_full(&site, &format!("{pt} at {depth}")));
        }
    }
    eprintln!("coarse vs full: worst dE00 {worst}");
}

#[test]
fn coarse_finite_dots_steer_close_to_the_full_ones() {
    // The same for a finite dot 0.25 mm across: the coarse model (8 directions, every other
    // band, on the full model's Monte Carlo kernels) against the full one, within 0.6 dE00.
    let mut worst: f64 = 0.0;
    for pt in ["I", "III", "V"] {
        let s = skin(pt);
        for depth in [0.05, 0.3] {
            let site = s.site(depth, 0.1).unwrap().with_dot_diameter(0.25).unwrap();
            worst = worst.max(coarse_vs_full(&site, &format!("{pt} at {depth}")));
        }
    }
    eprintln!("finite coarse vs full: worst dE00 {worst}");
}

#[test]
fn the_default_finite_dot_keeps_the_physics() {
    // Issue 13 item 9 at the defaults (a 0.25 mm dot with its top at the dermo-epidermal
    // junction), where light from beside the dot comes up through it: zero load is the skin;
    // deeper, less contrast; black bluer than a grey darkening. Darker skin: the sheet's
    // contrast falls steadily (38.6 dE00 in type I to 13.9 in VI for 5 g/m^2), the finite dot's
    // stays near 14 from I to IV and then falls (10.4, 6.9): in light skin more of the light
    // that comes up under the dot has entered beside it, which offsets the lighter skin around
    // it. So: never more than 0.5 dE00 more contrast in darker skin, and clearly less in V.
    use tinct::optics::skin::{DEFAULT_DOT_DIAMETER_MM, DEFAULT_DOT_THICKNESS_MM};
    let black = Catalog::builtin().get("carbon-black").unwrap();
    let look = |s: &SkinOptics, load: f64, depth: f64| {
        let site = s
            .site(depth, DEFAULT_DOT_THICKNESS_MM)
            .unwrap()
            .with_dot_diameter(DEFAULT_DOT_DIAMETER_MM)
            .unwrap();
        appear(
            s,
            &site,
            &[Component {
                pigment: black,
                load_g_m2: load,
            }],
            table(),
        )
        .unwrap()
    };
    let mut previous_skin = f64::INFINITY;
    let mut first = 0.0;
    for pt in ["I", "III", "V"] {
        let s = skin(pt);
        let none = look(&s, 0.0, 0.0);
        assert!(
            none.contrast_delta_e < 1e-6,
            "{pt}: {}",
            none.contrast_delta_e
        );
        let mut previous = f64::INFINITY;
        for depth in [0.0, 0.1, 0.3] {
            let a = look(&s, 5.0, depth);
            assert!(a.contrast_delta_e < previous, "{pt} at {depth} mm");
            assert!(
                a.cool_cast.bluer_b > 0.0,
                "{pt} at {depth} mm: {:?}",
                a.cool_cast
            );
            previous = a.contrast_delta_e;
        }
        let c = look(&s, 5.0, 0.0).contrast_delta_e;
        assert!(c < previous_skin + 0.5, "{pt}: {c} after {previous_skin}");
        if pt == "I" {
            first = c;
        }
        if pt == "V" {
            assert!(c < first - 2.0, "V: {c}, I: {first}");
        }
        previous_skin = c;
    }
}
