//! Elementary functions the hot paths need, inlinable where the platform's libm is an opaque
//! call. Each is a port of the FreeBSD/musl implementation (fdlibm heritage) and is tested in
//! tests against the standard library to within 1 ulp.
//!
//! Origin: musl libc src/math/atan.c, atan2.c and cbrt.c (MIT licence), from FreeBSD msun
//! (Copyright (C) 1993 by Sun Microsystems, Inc. Developed at SunPro, a Sun Microsystems, Inc.
//! business. Permission to use, copy, modify, and distribute this software is freely granted,
//! provided that this notice is preserved.)

#![allow(clippy::excessive_precision)]

const ATANHI: [f64; 4] = [
    4.63647609000806093515e-01,  // atan(0.5)hi
    std::f64::consts::FRAC_PI_4, // atan(1.0)hi = 7.85398163397448278999e-01
    9.82793723247329054082e-01,  // atan(1.5)hi
    std::f64::consts::FRAC_PI_2, // atan(inf)hi = 1.57079632679489655800e+00
];
const ATANLO: [f64; 4] = [
    2.26987774529616870924e-17,
    3.06161699786838301793e-17,
    1.39033110312309984516e-17,
    6.12323399573676603587e-17,
];
const AT: [f64; 11] = [
    3.33333333333329318027e-01,
    -1.99999999998764832476e-01,
    1.42857142725034663711e-01,
    -1.11111104054623557880e-01,
    9.09088713343650656196e-02,
    -7.69187620504482999495e-02,
    6.66107313738753120669e-02,
    -5.83357013379057348645e-02,
    4.97687799461593236017e-02,
    -3.65315727442169155270e-02,
    1.62858201153657823623e-02,
];

/// atan(x) for finite x >= 0 (error < 1 ulp).
#[inline(always)]
fn atan_nonneg(x: f64) -> f64 {
    let ix = (x.to_bits() >> 32) as u32;
    let (id, x) = if ix >= 0x4410_0000 {
        // |x| >= 2^66
        return ATANHI[3] + ATANLO[3];
    } else if ix < 0x3fdc_0000 {
        // |x| < 0.4375
        if ix < 0x3e40_0000 {
            return x;
        }
        (-1i32, x)
    } else if ix < 0x3ff3_0000 {
        if ix < 0x3fe6_0000 {
            (0, (2.0 * x - 1.0) / (2.0 + x)) // 7/16 <= x < 11/16
        } else {
            (1, (x - 1.0) / (x + 1.0)) // 11/16 <= x < 19/16
        }
    } else if ix < 0x4003_8000 {
        (2, (x - 1.5) / (1.0 + 1.5 * x)) // 19/16 <= x < 39/16
    } else {
        (3, -1.0 / x) // 39/16 <= x < 2^66
    };
    let z = x * x;
    let w = z * z;
    let s1 = z * (AT[0] + w * (AT[2] + w * (AT[4] + w * (AT[6] + w * (AT[8] + w * AT[10])))));
    let s2 = w * (AT[1] + w * (AT[3] + w * (AT[5] + w * (AT[7] + w * AT[9]))));
    if id < 0 {
        return x - x * (s1 + s2);
    }
    let i = id as usize;
    ATANHI[i] - ((x * (s1 + s2) - ATANLO[i]) - x)
}

/// atan2(y, x) for finite arguments, in radians (-pi, pi]; atan2(0, 0) = 0 (error < 1 ulp).
#[inline(always)]
pub(crate) fn atan2(y: f64, x: f64) -> f64 {
    const PI: f64 = std::f64::consts::PI;
    const PI_LO: f64 = 1.2246467991473531772e-16;
    if x == 1.0 {
        return atan_nonneg(y.abs()).copysign(y);
    }
    let ix = (x.to_bits() >> 32) as u32 & 0x7fff_ffff;
    let iy = (y.to_bits() >> 32) as u32 & 0x7fff_ffff;
    let lx = x.to_bits() as u32;
    let ly = y.to_bits() as u32;
    let m = ((y.to_bits() >> 63) as u32 & 1) | ((x.to_bits() >> 62) as u32 & 2);
    if iy | ly == 0 {
        return match m {
            0 | 1 => y,
            2 => PI,
            _ => -PI,
        };
    }
    if ix | lx == 0 {
        return if m & 1 != 0 { -PI / 2.0 } else { PI / 2.0 };
    }
    let z = if ix.wrapping_add(64 << 20) < iy {
        return if m & 1 != 0 { -PI / 2.0 } else { PI / 2.0 };
    } else if m & 2 != 0 && iy.wrapping_add(64 << 20) < ix {
        0.0
    } else {
        atan_nonneg((y / x).abs())
    };
    match m {
        0 => z,
        1 => -z,
        2 => PI - (z - PI_LO),
        _ => (z - PI_LO) - PI,
    }
}

/// Cube root of a finite x (error < 0.667 ulp).
#[inline(always)]
pub(crate) fn cbrt(x: f64) -> f64 {
    const B1: u32 = 715_094_163; // (1023 - 1023/3 - 0.03306235651) * 2^20
    const B2: u32 = 696_219_795; // (1023 - 1023/3 - 54/3 - 0.03306235651) * 2^20
                                 // |1/cbrt(x) - p(x)| < 2^-23.5
    const P0: f64 = 1.87595182427177009643;
    const P1: f64 = -1.88497979543377169875;
    const P2: f64 = 1.621429720105354466140;
    const P3: f64 = -0.758397934778766047437;
    const P4: f64 = 0.145996192886612446982;
    let mut hx = ((x.to_bits() >> 32) as u32) & 0x7fff_ffff;
    if hx >= 0x7ff0_0000 {
        return x + x; // NaN, inf
    }
    let mut ui;
    if hx < 0x0010_0000 {
        // zero or subnormal
        ui = (x * f64::from_bits(0x4350_0000_0000_0000)).to_bits(); // x * 2^54
        hx = ((ui >> 32) as u32) & 0x7fff_ffff;
        if hx == 0 {
            return x;
        }
        hx = hx / 3 + B2;
    } else {
        hx = hx / 3 + B1;
    }
    ui = x.to_bits() & (1u64 << 63);
    ui |= u64::from(hx) << 32;
    let mut t = f64::from_bits(ui);
    // First step: a polynomial to 23 bits.
    let r = (t * t) * (t / x);
    t *= (P0 + r * (P1 + r * P2)) + ((r * r) * r) * (P3 + r * P4);
    // Round t away from zero to 23 bits, so that t*t is exact.
    t = f64::from_bits((t.to_bits().wrapping_add(0x8000_0000)) & 0xffff_ffff_c000_0000);
    // One Newton step to 53 bits.
    let s = t * t;
    let mut r = x / s;
    let w = t + t;
    r = (r - t) / (w + r);
    t + t * r
}

/// sin(x) for x in [0, pi/3] (CIEDE2000's rotation, 2 dtheta at most 60 degrees), by its Taylor
/// series to x^19 in Horner form: the first term left out, x^21/21!, is below 6e-20 there, so
/// the error is that of the arithmetic, within an ulp or two of the correctly rounded sine
/// (the tests check 4e-16 against the library's on a fine grid). About a third of the time
/// of a general sine, which must first reduce its argument.
#[inline(always)]
pub(crate) fn sin_to_60_degrees(x: f64) -> f64 {
    const C3: f64 = -1.0 / 6.0;
    const C5: f64 = 1.0 / 120.0;
    const C7: f64 = -1.0 / 5040.0;
    const C9: f64 = 1.0 / 362_880.0;
    const C11: f64 = -1.0 / 39_916_800.0;
    const C13: f64 = 1.0 / 6_227_020_800.0;
    const C15: f64 = -1.0 / 1_307_674_368_000.0;
    const C17: f64 = 1.0 / 355_687_428_096_000.0;
    const C19: f64 = -1.0 / 121_645_100_408_832_000.0;
    let x2 = x * x;
    let p = C17 + x2 * C19;
    let p = C15 + x2 * p;
    let p = C13 + x2 * p;
    let p = C11 + x2 * p;
    let p = C9 + x2 * p;
    let p = C7 + x2 * p;
    let p = C5 + x2 * p;
    let p = C3 + x2 * p;
    x + x * x2 * p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn atan2_within_one_ulp_of_std() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut worst = 0;
        for i in 0..2_000_000 {
            let scale = [1e-3, 1.0, 100.0, 1e5][i % 4];
            let (x, y) = ((next() - 0.5) * scale, (next() - 0.5) * scale);
            worst = worst.max(ulps(atan2(y, x), y.atan2(x)));
        }
        assert!(worst <= 1, "worst {worst} ulp");
        for (y, x) in [
            (0.0, 1.0),
            (1.0, 0.0),
            (-1.0, 0.0),
            (0.0, -1.0),
            (-0.0, -1.0),
            (1e-300, -1.0),
            (1.0, 1e-300),
        ] {
            assert!(ulps(atan2(y, x), f64::atan2(y, x)) <= 1, "{y} {x}");
        }
        assert_eq!(atan2(0.0, 0.0), 0.0);
    }

    #[test]
    fn cbrt_within_one_ulp_of_std() {
        let mut worst = 0;
        for i in 0..1_000_000 {
            let x = (i as f64 * 0.618_033_988_749_895).fract() * [1e-6, 1e-2, 1.0, 3.0][i % 4];
            for v in [x, -x] {
                worst = worst.max(ulps(cbrt(v), v.cbrt()));
            }
        }
        assert!(worst <= 1, "worst {worst} ulp");
        for v in [0.0, -0.0, 1.0, 8.0, 27.0, 1e-310, 1e300] {
            assert!(ulps(cbrt(v), v.cbrt()) <= 1, "{v}");
        }
    }

    #[test]
    fn the_short_sine_is_the_sine_to_60_degrees() {
        let mut worst: f64 = 0.0;
        for i in 0..=200_000 {
            let x = std::f64::consts::FRAC_PI_3 * f64::from(i) / 200_000.0;
            worst = worst.max((super::sin_to_60_degrees(x) - x.sin()).abs());
        }
        assert!(worst <= 4e-16, "worst {worst:e}");
    }
}
