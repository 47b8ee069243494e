//! Interpolation of sampled spectral data.

/// Piecewise-linear interpolation of `(x, y)` (x strictly increasing) at `targets`, with the
/// nearest end value outside `[x[0], x[n-1]]` (ASTM E308 extrapolation). Values at `x` are
/// returned exactly.
pub fn linear_interpolate(x: &[f64], y: &[f64], targets: &[f64]) -> Vec<f64> {
    debug_assert_eq!(x.len(), y.len());
    debug_assert!(!x.is_empty());
    let n = x.len();
    let mut j = 0usize;
    targets
        .iter()
        .map(|&t| {
            if t <= x[0] {
                return y[0];
            }
            if t >= x[n - 1] {
                return y[n - 1];
            }
            // Targets are usually increasing: walk forward, restart if not.
            if x[j] > t {
                j = 0;
            }
            while x[j + 1] < t {
                j += 1;
            }
            if x[j + 1] == t {
                return y[j + 1];
            }
            if x[j] == t {
                return y[j];
            }
            let f = (t - x[j]) / (x[j + 1] - x[j]);
            y[j] + f * (y[j + 1] - y[j])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_keeps_nodes_and_clamps() {
        let x = [400.0, 410.0, 430.0];
        let y = [0.1, 0.2, 0.6];
        let v = linear_interpolate(&x, &y, &[390.0, 400.0, 405.0, 420.0, 430.0, 500.0]);
        assert_eq!(v, vec![0.1, 0.1, 0.15000000000000002, 0.4, 0.6, 0.6]);
    }
}
