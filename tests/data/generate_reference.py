#!/usr/bin/env python
"""Generate independent reference data for the colour library's tests.

What it makes (all in the directory of this script):

* ``e308_spectra.csv``   -- 32 reflectance spectra on 360-780 nm at 5 nm
  (24 ColorChecker N Ohta patches from colour-science, extended 360-375 nm
  with their 380 nm value, plus 8 synthetic spectra).
* ``e308_xyz.csv``       -- CIE XYZ (Y=100 scale) and CIELAB of every spectrum
  under D65, D50, A, F2, F11, LED-B3 for the CIE 1931 2 deg and CIE 1964
  10 deg observers, by ASTM E308 at 10 nm (ranges 360-780, 400-700, 380-730)
  and 5 nm (ranges 360-780, 380-780; with tristimulus weighting factors
  ("E308-E2022") and with the 5 nm omission method ("E308-5nm-omission")).
* ``e308_whites.csv``    -- the perfect-reflector whites used for CIELAB.
* ``delta_e_random.csv`` -- 3000 Lab pairs with CIE76, CIE94 (graphic arts and
  textiles), CMC(2:1), CMC(1:1), CIEDE2000 and CIEDE2000 with kL=2.
* ``conversions.csv``    -- 400 Lab colours with XYZ, xy, LCh, Oklab, Oklch,
  linear sRGB and encoded sRGB.

Sources: colour-science 0.4.7 with the numpy printed in each CSV header.
The CIE tables are read from the project's data/cie/ (and checked
to be identical to colour's built-in MSDS_CMFS / SDS_ILLUMINANTS data).

Important: colour's built-in SDS_ILLUMINANTS are declared with
``interpolator=LinearInterpolator``, so when they are aligned to the 1 nm
CMFS they are *linearly* interpolated from 5 nm to 1 nm.  A bare
``SpectralDistribution(values, domain)`` would default to Sprague (1880)
interpolation instead, and give different ASTM E308 10 nm results.  The
illuminants are therefore built here with ``interpolator=LinearInterpolator``
(exactly as colour's datasets do); the whites then reproduce
whitepoints.csv.  The CMFS (already 1 nm) keep colour's default (Sprague).

Deterministic: numpy.random.default_rng with the fixed seeds below.

Rerun (from anywhere):

    python tests/data/generate_reference.py   (with colour-science==0.4.7 installed)

(requires colour-science==0.4.7, numpy, scipy in that venv).
"""

from __future__ import annotations

import csv
import os
import sys
import time
import warnings

warnings.simplefilter("ignore")

import numpy as np  # noqa: E402
import colour  # noqa: E402
from colour.algebra import LinearInterpolator  # noqa: E402
from colour.colorimetry import (  # noqa: E402
    reshape_msds,
    reshape_sd,
    sd_to_XYZ_tristimulus_weighting_factors_ASTME308,
)

T0 = time.perf_counter()

OUT = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(OUT))
# The project's own embedded CIE tables (data/cie/, identical to shared/reference/cie_tables/).
TABLES = os.path.join(REPO, "data", "cie")
# The published white points, beside the checkout when it is there.
WHITEPOINTS = os.path.join(REPO, "..", "shared", "reference", "cie_tables", "whitepoints.csv")
SEED_DELTA_E = 20240601
SEED_CONVERSIONS = 20240602

VERSIONS = (
    f"colour-science {colour.__version__}, numpy {np.__version__}, "
    f"python {sys.version.split()[0]}"
)
assert colour.__version__ == "0.4.7", colour.__version__

SHAPE_E308 = colour.SpectralShape(360, 780, 5)
WL5 = np.arange(360, 781, 5)


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------
def fmt(v):
    if isinstance(v, (str, int, np.integer)) and not isinstance(v, bool):
        return str(v)
    return repr(float(v))


def write_csv(name, comments, header, rows):
    path = os.path.join(OUT, name)
    with open(path, "w", newline="") as f:
        for c in comments:
            for line in c.split("\n"):
                f.write("# " + line + "\n")
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(fmt(v) for v in r) + "\n")
    print(f"wrote {path}: {len(rows)} rows, {os.path.getsize(path)} bytes")
    return len(rows)


def load_table(fname):
    with open(os.path.join(TABLES, fname)) as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    return np.loadtxt(lines[1:], delimiter=",")


# --------------------------------------------------------------------------
# CIE tables from the shared files, checked against colour's built-ins
# --------------------------------------------------------------------------
CMFS_FILES = {
    2: ("cmf_cie1931_2deg_1nm.csv", "CIE 1931 2 Degree Standard Observer"),
    10: ("cmf_cie1964_10deg_1nm.csv", "CIE 1964 10 Degree Standard Observer"),
}
ILLUMINANTS = ["D65", "D50", "A", "F2", "F11", "LED-B3"]
ILL_KEYS = {"D65": "D65", "D50": "D50", "A": "A", "F2": "FL2", "F11": "FL11",
            "LED-B3": "LED-B3"}

CMFS = {}
for obs, (fname, key) in CMFS_FILES.items():
    t = load_table(fname)
    CMFS[obs] = colour.MultiSpectralDistributions(
        t[:, 1:], t[:, 0], labels=("x_bar", "y_bar", "z_bar"), name=f"{fname}"
    )
    ref = colour.MSDS_CMFS[key]
    assert np.array_equal(ref.domain, t[:, 0]), fname
    assert np.array_equal(ref.values, t[:, 1:]), fname
    assert ref.interpolator is CMFS[obs].interpolator  # Sprague, both

ILL = {}
for name in ILLUMINANTS:
    t = load_table(f"illuminant_{name}_5nm.csv")
    ref = colour.SDS_ILLUMINANTS[ILL_KEYS[name]]
    assert np.array_equal(ref.domain, t[:, 0]), name
    assert np.array_equal(ref.values, t[:, 1]), name
    assert ref.interpolator is LinearInterpolator, name
    ILL[name] = colour.SpectralDistribution(
        t[:, 1], t[:, 0], name=name, interpolator=LinearInterpolator
    )
    assert ILL[name].extrapolator is ref.extrapolator
    assert ILL[name].extrapolator_kwargs == ref.extrapolator_kwargs

# Diagnostic: Sprague vs linear 5->1 nm for the (spiky) fluorescent lamps.
for name in ("F2", "F11", "LED-B3"):
    t = load_table(f"illuminant_{name}_5nm.csv")
    spr = reshape_sd(colour.SpectralDistribution(t[:, 1], t[:, 0]),
                     colour.SpectralShape(360, 830, 1))
    lin = reshape_sd(ILL[name], colour.SpectralShape(360, 830, 1))
    print(f"[diag] {name}: 1 nm Sprague min {spr.values.min():.4f} "
          f"({int((spr.values < 0).sum())} negative), linear min "
          f"{lin.values.min():.4f}; max |Sprague-linear| "
          f"{np.abs(spr.values - lin.values).max():.4f}")

TABLE_NOTE = (
    f"Inputs: CMFS from data/cie/cmf_cie1931_2deg_1nm.csv and "
    "cmf_cie1964_10deg_1nm.csv (360-830 nm, 1 nm) as "
    "colour.MultiSpectralDistributions; illuminants from "
    "illuminant_{D65,D50,A,F2,F11,LED-B3}_5nm.csv as "
    "colour.SpectralDistribution(values, wavelengths, "
    "interpolator=LinearInterpolator). Checked (np.array_equal) identical to "
    "colour.MSDS_CMFS['CIE 1931 2 Degree Standard Observer'] / "
    "['CIE 1964 10 Degree Standard Observer'] and "
    "colour.SDS_ILLUMINANTS['D65','D50','A','FL2','FL11','LED-B3'] "
    "(domain and values; the built-in illuminants also use LinearInterpolator "
    "and constant extrapolation, so the 5 nm illuminants are linearly "
    "interpolated to 1 nm, not Sprague)."
)

# --------------------------------------------------------------------------
# 1. Spectra
# --------------------------------------------------------------------------
SPECTRA = {}  # id -> values on 360-780/5
ohta = colour.SDS_COLOURCHECKERS["ColorChecker N Ohta"]
for i, (pname, sd) in enumerate(ohta.items(), start=1):
    assert sd.shape == colour.SpectralShape(380, 780, 5), sd.shape
    v = np.concatenate([np.full(4, sd.values[0]), sd.values])
    assert v.size == 85
    SPECTRA[f"ohta_{i:02d}_{pname.lower().replace(' ', '_')}"] = v

w = WL5.astype(float)
SPECTRA["black"] = np.zeros(85)
SPECTRA["white"] = np.ones(85)
SPECTRA["grey18"] = np.full(85, 0.18)
SPECTRA["ramp_up"] = np.linspace(0.02, 0.9, 85)
SPECTRA["ramp_down"] = np.linspace(0.9, 0.02, 85)
SPECTRA["skin_like"] = 0.15 + 0.45 / (1 + np.exp(-(w - 560) / 25))
SPECTRA["narrow_green"] = 0.05 + 0.85 * np.exp(-0.5 * ((w - 540) / 12) ** 2)
SPECTRA["dark_blue_grey"] = 0.04 + 0.03 * np.exp(-0.5 * ((w - 460) / 40) ** 2)

write_csv(
    "e308_spectra.csv",
    [
        f"Source: {VERSIONS}. Generated by generate_reference.py.",
        "ohta_NN_<name>: colour.SDS_COLOURCHECKERS['ColorChecker N Ohta'] "
        "patch NN (380-780 nm/5 nm), extended to 360-375 nm with the 380 nm "
        "value (constant extrapolation); id = name.lower().replace(' ', '_').",
        "Synthetic (w in nm): black=0, white=1, grey18=0.18, "
        "ramp_up=np.linspace(0.02,0.9,85), ramp_down=np.linspace(0.9,0.02,85), "
        "skin_like=0.15+0.45/(1+exp(-(w-560)/25)), "
        "narrow_green=0.05+0.85*exp(-0.5*((w-540)/12)^2), "
        "dark_blue_grey=0.04+0.03*exp(-0.5*((w-460)/40)^2). No RNG used.",
    ],
    ["id"] + [str(x) for x in WL5],
    [[k] + list(v) for k, v in SPECTRA.items()],
)


# --------------------------------------------------------------------------
# 2. ASTM E308 tristimulus values
# --------------------------------------------------------------------------
def make_sd(values5, start, end, interval):
    idx = (np.arange(start, end + 1, interval) - 360) // 5
    wl = np.arange(start, end + 1, interval)
    return colour.SpectralDistribution(values5[idx], wl)


def xyz_e308(sd, obs, ill):
    return colour.sd_to_XYZ(sd, CMFS[obs], ILL[ill], method="ASTM E308")


def xyz_e2022(sd, obs, ill):
    XYZ = colour.sd_to_XYZ(
        sd, CMFS[obs], ILL[ill], method="ASTM E308",
        mi_5nm_omission_method=False,
    )
    return XYZ


# Explicit form of what sd_to_XYZ(..., mi_5nm_omission_method=False) does.
CMFS_TRIM = {o: reshape_msds(c, colour.SpectralShape(360, 780, 1), "Trim")
             for o, c in CMFS.items()}
ILL_ALIGNED = {(o, n): reshape_sd(ILL[n], CMFS[o].shape)
               for o in CMFS for n in ILLUMINANTS}

METHODS = {
    "E308": xyz_e308,
    "E308-E2022": xyz_e2022,
    "E308-5nm-omission": xyz_e308,
}
CASES = [  # (interval, start, end, method)
    (10, 360, 780, "E308"),
    (10, 400, 700, "E308"),
    (10, 380, 730, "E308"),
    (5, 360, 780, "E308-E2022"),
    (5, 360, 780, "E308-5nm-omission"),
    (5, 380, 780, "E308-E2022"),
    (5, 380, 780, "E308-5nm-omission"),
]

# Whites: perfect reflector on 360-780 at the interval, same method.
WHITES = {}
white_rows = []
for obs in (2, 10):
    for ill in ILLUMINANTS:
        for interval, method in ((10, "E308"), (5, "E308-E2022"),
                                 (5, "E308-5nm-omission")):
            ones = make_sd(np.ones(85), 360, 780, interval)
            W = METHODS[method](ones, obs, ill)
            WHITES[(ill, obs, interval, method)] = W
            white_rows.append([ill, obs, interval, method, *W])

# Check against whitepoints.csv (ASTM E308 rows there = default sd_to_XYZ).
n_exact = n_checked = 0
max_rel = 0.0
with open(WHITEPOINTS) as f:
    for r in csv.DictReader(f):
        if r["method"] != "ASTM E308":
            continue
        assert (r["start_nm"], r["end_nm"]) == ("360", "780")
        obs = 2 if r["observer"] == "cie1931_2deg" else 10
        interval = int(r["interval_nm"])
        method = "E308" if interval == 10 else "E308-5nm-omission"
        W = WHITES[(r["illuminant"], obs, interval, method)]
        ref = np.array([float(r["X"]), float(r["Y"]), float(r["Z"])])
        n_checked += 1
        n_exact += bool(np.array_equal(W, ref))
        max_rel = max(max_rel, float(np.max(np.abs(W / ref - 1))))
        # 10 nm (weighting-factor) whites must be bit-identical.  The 5 nm
        # omission whites go through np.dot (BLAS) in sd_to_XYZ_integration,
        # whose summation order can change the last 1-2 ulps between
        # machines / BLAS builds, so those are checked to 1e-14 relative.
        if interval == 10:
            assert np.array_equal(W, ref), (r, W)  # bit-identical
        else:
            assert np.allclose(W, ref, rtol=1e-14, atol=0), (r, W)
print(f"[check] whites vs whitepoints.csv: {n_checked} compared, "
      f"{n_exact} bit-identical, max relative diff {max_rel:.3g}")
assert n_checked == 24

# E308-E2022 == explicit sd_to_XYZ_tristimulus_weighting_factors_ASTME308.
for obs in (2, 10):
    for ill in ILLUMINANTS:
        for start in (360, 380):
            sd = make_sd(SPECTRA["ohta_01_dark_skin"], start, 780, 5)
            a = xyz_e2022(sd, obs, ill)
            b = sd_to_XYZ_tristimulus_weighting_factors_ASTME308(
                sd, CMFS_TRIM[obs], ILL_ALIGNED[(obs, ill)])
            assert np.array_equal(a, b), (obs, ill, a, b)

xyz_rows = []
range_white_diff = 0.0
for sid, v in SPECTRA.items():
    for ill in ILLUMINANTS:
        for obs in (2, 10):
            for interval, start, end, method in CASES:
                sd = make_sd(v, start, end, interval)
                XYZ = METHODS[method](sd, obs, ill)
                W = WHITES[(ill, obs, interval, method)]
                Lab = colour.XYZ_to_Lab(XYZ / 100, colour.XYZ_to_xy(W))
                xyz_rows.append([sid, ill, obs, interval, start, end, method,
                                 *XYZ, *Lab])
                if sid == "white":
                    range_white_diff = max(
                        range_white_diff, float(np.max(np.abs(XYZ - W))))
print(f"[diag] max |XYZ(ones on sub-range) - XYZ(ones 360-780)| = "
      f"{range_white_diff:.3g}")

CALLS_2 = (
    "E308 (10 nm): colour.sd_to_XYZ(sd, cmfs, illuminant, method='ASTM E308'); "
    "E308-E2022 (5 nm): colour.sd_to_XYZ(sd, cmfs, illuminant, "
    "method='ASTM E308', mi_5nm_omission_method=False) (keyword exists in "
    "0.4.7; asserted bit-identical to colour.colorimetry."
    "sd_to_XYZ_tristimulus_weighting_factors_ASTME308(sd, "
    "reshape_msds(cmfs, SpectralShape(360,780,1), 'Trim'), "
    "reshape_sd(illuminant, cmfs.shape))); E308-5nm-omission (5 nm): "
    "colour.sd_to_XYZ(sd, cmfs, illuminant, method='ASTM E308') (default, "
    "5 nm CMFS obtained by colour interpolating the 1 nm table, plain "
    "summation). cmfs = the 1 nm 360-830 table; sd = the 5 nm spectrum from "
    "e308_spectra.csv sampled at interval_nm on [start_nm, end_nm]."
)
write_csv(
    "e308_xyz.csv",
    [
        f"Source: {VERSIONS}. Generated by generate_reference.py (no RNG).",
        TABLE_NOTE,
        CALLS_2,
        "X,Y,Z on the Y=100 scale. L,a,b = colour.XYZ_to_Lab(XYZ/100, "
        "colour.XYZ_to_xy(W)) with W the e308_whites.csv row of the same "
        "illuminant, observer, interval_nm and method (perfect reflector, "
        "all ones on 360-780 nm at interval_nm).",
    ],
    ["id", "illuminant", "observer", "interval_nm", "start_nm", "end_nm",
     "method", "X", "Y", "Z", "L", "a", "b"],
    xyz_rows,
)
write_csv(
    "e308_whites.csv",
    [
        f"Source: {VERSIONS}. Generated by generate_reference.py (no RNG).",
        TABLE_NOTE,
        "White = XYZ (Y=100 scale) of SpectralDistribution(ones, 360-780 nm "
        "at interval_nm) by the method's call (see e308_xyz.csv). " + CALLS_2,
        f"E308 10 nm and E308-5nm-omission rows checked against "
        f"shared/reference/cie_tables/whitepoints.csv ('ASTM E308' rows): {n_exact}/{n_checked} "
        f"bit-identical (all 12 E308 10 nm rows asserted bit-identical; the "
        f"5 nm omission rows differ by <=2 ulp, np.dot/BLAS summation "
        f"order), max relative difference {max_rel:.3g}.",
    ],
    ["illuminant", "observer", "interval_nm", "method", "X", "Y", "Z"],
    white_rows,
)

# Sanity check: naive 10 nm integration vs ASTM E308 10 nm under F11.
worst = (0.0, None)
for sid, v in SPECTRA.items():
    for obs in (2, 10):
        sd = make_sd(v, 360, 780, 10)
        ones = make_sd(np.ones(85), 360, 780, 10)
        shape10 = colour.SpectralShape(360, 780, 10)
        naive = colour.sd_to_XYZ(sd, CMFS[obs], ILL["F11"],
                                 method="Integration", shape=shape10)
        naive_w = colour.sd_to_XYZ(ones, CMFS[obs], ILL["F11"],
                                   method="Integration", shape=shape10)
        e308 = xyz_e308(sd, obs, "F11")
        e308_w = WHITES[("F11", obs, 10, "E308")]
        lab_n = colour.XYZ_to_Lab(naive / 100, colour.XYZ_to_xy(naive_w))
        lab_e = colour.XYZ_to_Lab(e308 / 100, colour.XYZ_to_xy(e308_w))
        de = float(colour.delta_E(lab_e, lab_n, method="CIE 2000"))
        if de > worst[0]:
            worst = (de, f"{sid}, observer {obs}")
print(f"[sanity] F11, 10 nm, 360-780: max CIEDE2000(ASTM E308 vs naive "
      f"Integration at 10 nm) = {worst[0]:.4f} ({worst[1]}); each Lab "
      f"relative to its own method's white")

# --------------------------------------------------------------------------
# 3. Delta E
# --------------------------------------------------------------------------
rng = np.random.default_rng(SEED_DELTA_E)


def uniform_lab(n, ab=128.0):
    return np.column_stack([rng.uniform(0, 100, n), rng.uniform(-ab, ab, n),
                            rng.uniform(-ab, ab, n)])


g1 = (uniform_lab(2000), uniform_lab(2000))
g2 = (uniform_lab(500, 3.0), uniform_lab(500, 3.0))
A = uniform_lab(300)
theta = np.radians(rng.uniform(-0.5, 0.5, 300))
scale = rng.uniform(0.5, 2.0, 300)
ca, sa = np.cos(theta), np.sin(theta)
a2 = -scale * (A[:, 1] * ca - A[:, 2] * sa)
b2 = -scale * (A[:, 1] * sa + A[:, 2] * ca)
B = np.column_stack([rng.uniform(0, 100, 300), a2, b2])
g3 = (A, B)
N1, N2 = uniform_lab(200), uniform_lab(200)
N1[:100, 1:] = 0.0  # first 100: sample 1 neutral
N2[100:, 1:] = 0.0  # last 100: sample 2 neutral
g4 = (N1, N2)
LAB1 = np.vstack([g1[0], g2[0], g3[0], g4[0]])
LAB2 = np.vstack([g1[1], g2[1], g3[1], g4[1]])
assert LAB1.shape == (3000, 3)

DE = np.column_stack([
    colour.delta_E(LAB1, LAB2, method="CIE 1976"),
    colour.delta_E(LAB1, LAB2, method="CIE 1994", textiles=False),
    colour.delta_E(LAB1, LAB2, method="CIE 1994", textiles=True),
    colour.delta_E(LAB1, LAB2, method="CMC", l=2, c=1),
    colour.delta_E(LAB1, LAB2, method="CMC", l=1, c=1),
    colour.delta_E(LAB1, LAB2, method="CIE 2000"),
    colour.delta_E(LAB1, LAB2, method="CIE 2000", textiles=True),
])
# Spot check the vectorised call against per-pair calls.
for i in range(0, 3000, 97):
    assert np.array_equal(
        DE[i, 5], colour.delta_E(LAB1[i], LAB2[i], method="CIE 2000"))
ok = np.all(np.isfinite(DE), axis=1) & np.all(np.isfinite(LAB1), axis=1) \
    & np.all(np.isfinite(LAB2), axis=1)
n_skip = int((~ok).sum())
print(f"[delta_e] skipped {n_skip} non-finite pairs")
de_rows = [[*LAB1[i], *LAB2[i], *DE[i]] for i in range(3000) if ok[i]]
write_csv(
    "delta_e_random.csv",
    [
        f"Source: {VERSIONS}. Generated by generate_reference.py, "
        f"rng = numpy.random.default_rng({SEED_DELTA_E}).",
        "Rows (in order): 2000 uniform (L U[0,100], a,b U[-128,128] for both "
        "samples); 500 near-neutral (L U[0,100], a,b U[-3,3]); 300 near-"
        "opposite hue (sample 1 uniform as above; sample 2: L U[0,100], "
        "(a2,b2) = -s*R(t)(a1,b1), t U[-0.5,0.5] deg, s U[0.5,2]); 200 with "
        "a=b=0 exactly (first 100: sample 1 neutral; last 100: sample 2 "
        "neutral; other sample uniform).",
        "Sample 1 (L1,a1,b1) is the reference. Columns = colour.delta_E(Lab1, "
        "Lab2, method=...): cie76 'CIE 1976'; cie94 'CIE 1994', "
        "textiles=False; cie94_textiles 'CIE 1994', textiles=True; cmc_2_1 "
        "'CMC', l=2, c=1; cmc_1_1 'CMC', l=1, c=1; ciede2000 'CIE 2000'; "
        "ciede2000_kl2 'CIE 2000', textiles=True (colour's only kL switch: "
        "kL=2, kC=kH=1).",
        f"Pairs skipped for a non-finite result: {n_skip}.",
    ],
    ["L1", "a1", "b1", "L2", "a2", "b2", "cie76", "cie94", "cie94_textiles",
     "cmc_2_1", "cmc_1_1", "ciede2000", "ciede2000_kl2"],
    de_rows,
)

# --------------------------------------------------------------------------
# 4. Conversions
# --------------------------------------------------------------------------
rng = np.random.default_rng(SEED_CONVERSIONS)
SRGB = colour.RGB_COLOURSPACES["sRGB"]
XY_SRGB = np.array([0.3127, 0.3290])
assert np.array_equal(SRGB.whitepoint, XY_SRGB)
conv_rows = []
max_cat_diff = 0.0
for ill, obs in (("D65", 2), ("D50", 2), ("A", 10), ("F11", 2)):
    Lab = np.column_stack([rng.uniform(1, 99, 100), rng.uniform(-80, 80, 100),
                           rng.uniform(-80, 80, 100)])
    xy_w = colour.XYZ_to_xy(WHITES[(ill, obs, 10, "E308")])
    XYZ1 = colour.Lab_to_XYZ(Lab, xy_w)
    XYZ = XYZ1 * 100
    xy = colour.XYZ_to_xy(XYZ)
    LCh = colour.Lab_to_LCHab(Lab)
    XYZ_a = colour.chromatic_adaptation(
        XYZ1, colour.xy_to_XYZ(xy_w), colour.xy_to_XYZ(XY_SRGB),
        method="Von Kries", transform="Bradford")
    ok_lab = colour.XYZ_to_Oklab(XYZ_a)
    ok_lch = colour.Oklab_to_Oklch(ok_lab)
    lin = colour.XYZ_to_RGB(XYZ1, SRGB, illuminant=xy_w,
                            chromatic_adaptation_transform="Bradford",
                            apply_cctf_encoding=False)
    enc = colour.XYZ_to_RGB(XYZ1, SRGB, illuminant=xy_w,
                            chromatic_adaptation_transform="Bradford",
                            apply_cctf_encoding=True)
    # Agreement of the two Bradford routes.
    lin2 = colour.XYZ_to_RGB(XYZ_a, SRGB, illuminant=XY_SRGB,
                             chromatic_adaptation_transform=None)
    max_cat_diff = max(max_cat_diff, float(np.max(np.abs(lin - lin2))))
    assert np.allclose(lin, lin2, rtol=0, atol=1e-12)
    assert np.all((LCh[:, 2] >= 0) & (LCh[:, 2] < 360))
    assert np.all((ok_lch[:, 2] >= 0) & (ok_lch[:, 2] < 360))
    for i in range(100):
        conv_rows.append([ill, obs, *Lab[i], *XYZ[i], *xy[i], *LCh[i, 1:],
                          *ok_lab[i], *ok_lch[i, 1:], *lin[i], *enc[i]])
print(f"[check] XYZ_to_RGB Bradford vs explicit chromatic_adaptation: "
      f"max |d lin_rgb| = {max_cat_diff:.3g}")
write_csv(
    "conversions.csv",
    [
        f"Source: {VERSIONS}. Generated by generate_reference.py, "
        f"rng = numpy.random.default_rng({SEED_CONVERSIONS}); 100 colours per "
        "(illuminant, observer) in order (D65,2),(D50,2),(A,10),(F11,2); "
        "for each: L=rng.uniform(1,99,100), a=rng.uniform(-80,80,100), "
        "b=rng.uniform(-80,80,100).",
        "xy_w = colour.XYZ_to_xy(W), W = ASTM E308 10 nm 360-780 white of "
        "e308_whites.csv (method E308, interval 10).",
        "X,Y,Z = colour.Lab_to_XYZ(Lab, xy_w)*100; x,y = colour.XYZ_to_xy(XYZ); "
        "C,h = colour.Lab_to_LCHab(Lab)[1:] (h degrees [0,360)).",
        "ok_L,ok_a,ok_b = colour.XYZ_to_Oklab(colour.chromatic_adaptation("
        "XYZ/100, colour.xy_to_XYZ(xy_w), colour.xy_to_XYZ([0.3127, 0.3290]), "
        "method='Von Kries', transform='Bradford')); ok_C,ok_h = "
        "colour.Oklab_to_Oklch(Oklab)[1:] (h degrees [0,360)).",
        "lin_r,lin_g,lin_b = colour.XYZ_to_RGB(XYZ/100, "
        "colour.RGB_COLOURSPACES['sRGB'], illuminant=xy_w, "
        "chromatic_adaptation_transform='Bradford', apply_cctf_encoding=False) "
        "(unclipped); srgb_r,srgb_g,srgb_b = the same call with "
        "apply_cctf_encoding=True (colour's sRGB eotf_inverse, unclipped; "
        "negative inputs give negative outputs as colour computes them).",
        f"Check: XYZ_to_RGB(..., 'Bradford') equals XYZ_to_RGB(adapted XYZ, "
        f"sRGB, illuminant=(0.3127,0.3290), chromatic_adaptation_transform="
        f"None) within {max_cat_diff:.3g} (abs).",
    ],
    ["illuminant", "observer", "L", "a", "b", "X", "Y", "Z", "x", "y", "C", "h",
     "ok_L", "ok_a", "ok_b", "ok_C", "ok_h", "lin_r", "lin_g", "lin_b",
     "srgb_r", "srgb_g", "srgb_b"],
    conv_rows,
)

print(f"[time] wall time {time.perf_counter() - T0:.1f} s")
