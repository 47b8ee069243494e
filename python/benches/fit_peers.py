"""tinct.fit against scipy's curve_fit loop, side by side in one process (issue 16 item 3).

    python python/benches/fit_peers.py [--data ../shared/reference/fade_series_long.csv]
                                       [--scipy-series 10000] [--repeats 5]

The data: the 10,000 bi-exponential series of 8 points of ../shared/peers/peer_fit.py (long
format: series, t_months, amount). The peer is that script's baseline, scipy.optimize.curve_fit
with bounds (method 'trf', finite-difference Jacobian, p0 = (0.5, 0.2, 0.005)) in a Python
loop, one series at a time; tinct.fit gets the same rows as a polars DataFrame (from the file
read once, outside the timing) and fits every series with its 95 % intervals on all cores.
Both fit the same model; the script checks that tinct's fit is as good, series by series (its
SSE at most scipy's plus 1e-9), and prints the medians and their ratio.
"""

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import scipy
from scipy.optimize import curve_fit

import tinct
from peers import median_seconds  # the delta_e script beside this one: warm-up, then the median

warnings.filterwarnings("ignore")

P0 = (0.5, 0.2, 0.005)
LB, UB = [0.0, 0.0, 0.0], [1.0, 5.0, 1.0]


def model(t, a, k1, k2):
    return a * np.exp(-k1 * t) + (1 - a) * np.exp(-k2 * t)


def scipy_loop(series):
    out = []
    for t, y in series:
        try:
            p, _ = curve_fit(model, t, y, p0=P0, bounds=(LB, UB))
            out.append(float(np.sum((model(t, *p) - y) ** 2)))
        except (RuntimeError, ValueError):
            out.append(np.nan)
    return out


def main():
    here = Path(__file__).resolve()
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=str(here.parents[3] / "shared/reference/fade_series_long.csv"))
    p.add_argument("--scipy-series", type=int, default=10_000)
    p.add_argument("--repeats", type=int, default=5)
    a = p.parse_args()
    df = pl.read_csv(a.data)
    ids = df["series"].unique(maintain_order=True).to_list()
    groups = df.partition_by("series", maintain_order=True)
    series = [(g["t_months"].to_numpy(), g["amount"].to_numpy()) for g in groups]
    n = len(series)

    t_tinct = median_seconds(lambda: tinct.fit(df, time="t_months"), a.repeats)
    mine = tinct.fit(df, time="t_months")

    m = min(a.scipy_series, n)
    scipy_loop(series[:20])  # warm-up
    t0 = time.perf_counter()
    theirs = scipy_loop(series[:m])
    t_scipy = (time.perf_counter() - t0) * n / m

    sse = mine["sse"].to_numpy()[:m]
    theirs = np.array(theirs)
    ok = np.isfinite(theirs)
    worse = int(np.sum(sse[ok] > theirs[ok] + 1e-9))
    better = int(np.sum(sse[ok] < theirs[ok] - 1e-9))
    print(f"fit biexp with 95 % intervals, {n} series of 8 points ({len(ids)} ids)")
    print(f"  tinct {tinct.__version__} (median of {a.repeats}): {t_tinct * 1e3:9.1f} ms")
    scaled = "" if m == n else f" (from {m} series, scaled to {n})"
    print(f"  scipy {scipy.__version__} curve_fit loop:    {t_scipy * 1e3:9.1f} ms{scaled}")
    print(f"  ratio: tinct is {t_scipy / t_tinct:.0f}x faster")
    print(
        f"  fits: tinct's SSE lower than scipy's on {better}, higher on {worse} of {int(ok.sum())}"
        f" series; scipy failed on {int((~ok).sum())}"
    )


if __name__ == "__main__":
    main()
