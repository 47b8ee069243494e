//! Student's t distribution, for confidence intervals from few points.
//!
//! The CDF is written with the regularised incomplete beta function,
//! F(t; nu) = 1 - I_x(nu/2, 1/2) / 2 for t > 0 with x = nu / (nu + t^2), evaluated by its
//! continued fraction (modified Lentz; Press et al., Numerical Recipes, 3rd ed., section 6.4),
//! and inverted by bisection to full double precision.

/// ln Gamma(x) for x > 0 (Lanczos, g = 7, n = 9; Numerical Recipes' coefficients).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Continued fraction of the incomplete beta function.
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..400 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

/// Regularised incomplete beta I_x(a, b).
pub fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

/// CDF of Student's t with `nu` degrees of freedom.
pub fn t_cdf(t: f64, nu: f64) -> f64 {
    let x = nu / (nu + t * t);
    let tail = 0.5 * incomplete_beta(0.5 * nu, 0.5, x);
    if t > 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// The quantile of Student's t with `nu` degrees of freedom at probability `p` in (0, 1).
///
/// Found by bisection on the CDF (about fifty incomplete beta functions), so each thread keeps
/// the last few it computed: a fit of ten thousand series asks for the same one or two.
pub fn t_quantile(p: f64, nu: f64) -> f64 {
    use std::cell::RefCell;
    thread_local! {
        static LAST: RefCell<Vec<((u64, u64), f64)>> = const { RefCell::new(Vec::new()) };
    }
    let key = (p.to_bits(), nu.to_bits());
    if let Some(q) = LAST.with(|c| c.borrow().iter().find(|(k, _)| *k == key).map(|e| e.1)) {
        return q;
    }
    let q = t_quantile_uncached(p, nu);
    LAST.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 8 {
            c.remove(0);
        }
        c.push((key, q));
    });
    q
}

fn t_quantile_uncached(p: f64, nu: f64) -> f64 {
    if p == 0.5 {
        return 0.0;
    }
    if p < 0.5 {
        return -t_quantile_uncached(1.0 - p, nu);
    }
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while t_cdf(hi, nu) < p {
        hi *= 2.0;
        if hi > 1e12 {
            return f64::INFINITY;
        }
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, nu) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-15 * hi {
            break;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_tables() {
        // Two-sided 95 % critical values: scipy.stats.t.ppf(0.975, nu), scipy 1.17.1.
        for (nu, t) in [
            (1.0, 12.706204736174694),
            (2.0, 4.302652729749462),
            (5.0, 2.5705818356363146),
            (10.0, 2.228138851986274),
            (30.0, 2.0422724563012378),
            (1000.0, 1.9623390808264083),
        ] {
            let got = t_quantile(0.975, nu);
            assert!((got - t).abs() < 1e-9 * t, "nu {nu}: {got} vs {t}");
        }
        assert!((t_cdf(0.0, 4.0) - 0.5).abs() < 1e-15);
        assert!((t_quantile(0.025, 5.0) + 2.5705818356363146).abs() < 1e-9);
    }
}
