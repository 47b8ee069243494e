"""tinct's Python package against its peers, side by side in one process (issue 16 item 3).

    python python/benches/peers.py [--pairs 1000000] [--repeats 5]

Times tinct.delta_e against colour-science's colour.delta_E(method="CIE 2000") on the same
random Lab pairs, checks that they agree, and prints the medians and their ratio.
"""

import argparse
import statistics
import time
import warnings

import numpy as np

import tinct

warnings.filterwarnings("ignore")


def median_seconds(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pairs", type=int, default=1_000_000)
    p.add_argument("--repeats", type=int, default=5)
    a = p.parse_args()
    import colour

    rng = np.random.default_rng(12345)
    n = a.pairs

    def labs():
        return np.column_stack([rng.uniform(0, 100, n), rng.uniform(-128, 128, n), rng.uniform(-128, 128, n)])

    lab1, lab2 = labs(), labs()
    mine = tinct.delta_e(lab1, lab2)
    theirs = colour.delta_E(lab1, lab2, method="CIE 2000")
    worst = float(np.max(np.abs(mine - theirs)))
    t_mine = median_seconds(lambda: tinct.delta_e(lab1, lab2), a.repeats)
    t_theirs = median_seconds(lambda: colour.delta_E(lab1, lab2, method="CIE 2000"), a.repeats)
    print(f"delta_e CIEDE2000, {n} pairs (median of {a.repeats}); largest difference {worst:.1e}")
    print(f"  tinct {tinct.__version__}:          {t_mine * 1e3:8.1f} ms")
    print(f"  colour-science {colour.__version__}: {t_theirs * 1e3:8.1f} ms")
    print(f"  ratio: tinct is {t_theirs / t_mine:.1f}x faster")


if __name__ == "__main__":
    main()
