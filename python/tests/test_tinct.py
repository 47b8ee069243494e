"""The Python package against the references tinct's Rust tests use (tests/data: Sharma et
al.'s CIEDE2000 pairs, and colour-science 0.4.7 values made by tests/data/generate_reference.py),
and against the binary's own answers."""

import os
import pathlib

import numpy as np
import pytest

import tinct

DATA = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data"


def table(name):
    """A reference CSV as a structured array (its leading # lines skipped)."""
    import io

    lines = [line for line in (DATA / name).read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return np.genfromtxt(io.StringIO("\n".join(lines)), delimiter=",", names=True, dtype=None, encoding="utf-8")


def test_sharma_pairs_to_their_published_four_decimals():
    t = table("ciede2000_sharma.csv")
    lab1 = np.column_stack([t["L1"], t["a1"], t["b1"]])
    lab2 = np.column_stack([t["L2"], t["a2"], t["b2"]])
    d = tinct.delta_e(lab1, lab2)
    assert d.shape == (34,)
    assert np.max(np.abs(d - t["dE00"])) < 5e-5


@pytest.mark.parametrize(
    "column, kwargs",
    [
        ("cie76", dict(method="cie76")),
        ("cie94", dict(method="cie94")),
        ("cie94_textiles", dict(method="cie94-textiles")),
        ("cmc_2_1", dict(method="cmc")),
        ("cmc_1_1", dict(method="cmc", cmc_l=1.0, cmc_c=1.0)),
        ("ciede2000", dict()),
        ("ciede2000_kl2", dict(k_l=2.0)),
    ],
)
def test_every_formula_agrees_with_colour_science(column, kwargs):
    t = table("delta_e_random.csv")
    lab1 = np.column_stack([t["L1"], t["a1"], t["b1"]])
    lab2 = np.column_stack([t["L2"], t["a2"], t["b2"]])
    d = tinct.delta_e(lab1, lab2, **kwargs)
    np.testing.assert_allclose(d, t[column], rtol=1e-9, atol=1e-9)


def test_arrays_broadcast_and_keep_their_leading_shape():
    rng = np.random.default_rng(1)
    lab = np.column_stack([rng.uniform(0, 100, 24), rng.uniform(-60, 60, 24), rng.uniform(-60, 60, 24)])
    grid = lab.reshape(2, 3, 4, 3)
    one = tinct.delta_e(grid, lab[0])
    assert one.shape == (2, 3, 4)
    assert one[0, 0, 0] == 0.0
    pairwise = tinct.delta_e(lab[:, None, :], lab[None, :, :])
    assert pairwise.shape == (24, 24)
    np.testing.assert_allclose(pairwise, pairwise.T, atol=1e-12)
    # Non-contiguous views are read in place as they are.
    np.testing.assert_array_equal(tinct.delta_e(lab[::2], lab[1::2]), tinct.delta_e(lab[::2].copy(), lab[1::2].copy()))
    assert tinct.convert(grid, "lab", "xyz").shape == (2, 3, 4, 3)


def test_conversions_agree_with_colour_science():
    t = table("conversions.csv")
    for ill, obs in [("D65", 2), ("D50", 2), ("A", 10), ("F11", 2)]:
        rows = (t["illuminant"] == ill) & (t["observer"] == obs)
        r = t[rows]
        lab = np.column_stack([r["L"], r["a"], r["b"]])
        conv = lambda to: tinct.convert(lab, "lab", to, illuminant=ill, observer=obs)  # noqa: E731
        np.testing.assert_allclose(conv("xyz"), np.column_stack([r["X"], r["Y"], r["Z"]]), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(conv("xyy")[:, :2], np.column_stack([r["x"], r["y"]]), rtol=1e-9, atol=1e-9)
        lch = conv("lch")
        np.testing.assert_allclose(lch[:, 1], r["C"], rtol=1e-9, atol=1e-9)
        # Oklab: CSS Color 4's M1 against colour-science's 2020 M1, within 2e-4 (see
        # tests/reference.rs); sRGB: matrices from the primaries against IEC's 4 decimals.
        np.testing.assert_allclose(conv("oklab"), np.column_stack([r["ok_L"], r["ok_a"], r["ok_b"]]), atol=2e-4)
        lin = np.column_stack([r["lin_r"], r["lin_g"], r["lin_b"]])
        np.testing.assert_allclose(conv("linear-srgb"), lin, rtol=3e-4, atol=3e-4)
        inside = np.all((lin >= 0) & (lin <= 1), axis=1)
        srgb = np.column_stack([r["srgb_r"], r["srgb_g"], r["srgb_b"]])
        # (Encoding multiplies a linear difference by up to 12.92 near black.)
        np.testing.assert_allclose(conv("srgb")[inside], srgb[inside], atol=1e-3)
        # And back.
        for space in ["xyz", "xyy", "lch", "oklab", "oklch", "srgb", "linear-srgb"]:
            back = tinct.convert(conv(space), space, "lab", illuminant=ill, observer=obs)
            np.testing.assert_allclose(back, lab, atol=1e-8)


def test_spectra_to_lab_agree_with_astm_e308_by_colour_science():
    spectra = table("e308_spectra.csv")
    ref = table("e308_xyz.csv")
    wl5 = np.array([float(n) for n in spectra.dtype.names[1:]])
    values = np.column_stack([spectra[n] for n in spectra.dtype.names[1:]])
    ids = list(spectra["id"])
    checked = 0
    for ill in ["D65", "D50", "A", "F11"]:
        for obs in [2, 10]:
            rows = ref[(ref["illuminant"] == ill) & (ref["observer"] == obs) & (ref["method"] == "E308") & (ref["interval_nm"] == 10)]
            for start, end in {(int(a), int(b)) for a, b in zip(rows["start_nm"], rows["end_nm"])}:
                sel = rows[(rows["start_nm"] == start) & (rows["end_nm"] == end)]
                keep = (wl5 >= start) & (wl5 <= end) & (wl5 % 10 == 0)
                r = values[[ids.index(i) for i in sel["id"]]][:, keep]
                lab = tinct.sd_to_lab(r, wl5[keep], illuminant=ill, observer=obs)
                np.testing.assert_allclose(lab, np.column_stack([sel["L"], sel["a"], sel["b"]]), atol=1e-9)
                checked += len(sel)
    assert checked >= 100


def binary_json(*args):
    """What the tinct binary of this checkout prints with --json (skips without one)."""
    import json

    return json.loads(binary(*args, "--json"))


def binary(*args):
    """What the tinct binary of this checkout prints (skips without one)."""
    import os
    import shutil
    import subprocess

    exe = os.environ.get("TINCT_BIN") or shutil.which("tinct")
    if not exe:
        built = [DATA.parents[1] / "target" / p / "tinct" for p in ("release", "debug")]
        found = [b for b in built if b.exists()]
        if not found:
            pytest.skip("no tinct binary built")
        exe = str(max(found, key=lambda b: b.stat().st_mtime))
    run = subprocess.run([exe, *args], capture_output=True, text=True, check=True)
    return run.stdout


def test_the_binary_and_the_package_give_the_same_colour():
    out = binary_json("convert", "lab(52 8 14)", "--to", "oklch")
    mine = tinct.convert([52, 8, 14], "lab", "oklch")
    np.testing.assert_allclose(mine, out["value"], atol=1e-12)


@pytest.mark.parametrize(
    "call, says",
    [
        (lambda: tinct.delta_e([1, 2], [1, 2, 3]), "lab1: shape [2], expected (..., 3)"),
        (lambda: tinct.delta_e(np.zeros((2, 3)), np.zeros((3, 3))), "do not broadcast together"),
        (lambda: tinct.delta_e([1, 2, 3], [1, 2, 3], method="cie2001"), 'unknown colour-difference method "cie2001"'),
        (lambda: tinct.delta_e([1, 2, 3], [1, 2, 3], k_l=0), "kL: 0 is out of range"),
        (lambda: tinct.delta_e(["a", 2, 3], [1, 2, 3]), "lab1: not an array of numbers"),
        (lambda: tinct.convert([1, 2, 3], "lab", "hsv"), 'target: unknown colour space "hsv"'),
        (lambda: tinct.convert([1, 2, 3], "lab", "xyz", illuminant="D99"), "D99"),
        (lambda: tinct.convert([1, 2, 3], "lab", "xyz", observer=5), "observer"),
        (lambda: tinct.sd_to_lab(np.ones((2, 5)), np.arange(4.0) + 400), "reflectance: shape [2, 5], expected (..., 4)"),
        (lambda: tinct.sd_to_lab(np.ones(3), [400, 390, 410]), "wavelengths"),
        (lambda: tinct.sd_to_lab([0.5, np.nan, 0.5], [400, 410, 420]), "reflectance row 0"),
    ],
)
def test_bad_input_is_a_value_error_with_the_clis_message(call, says):
    with pytest.raises(ValueError) as e:
        call()
    assert says in str(e.value)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize(
    "flags, request_",
    [
        (
            ["--pigment", "carbon-black:1", "--skin", "fitzpatrick:II", "--spacing", "1mm"],
            dict(skin="fitzpatrick:II", pigments={"carbon-black": 1.0}, spacing_mm=1.0),
        ),
        (
            ["--dilution", "carbon-black:1:6", "--pigment", "iron-oxide-red:0.5", "--skin", "lab(62 11 17)", "--dot-diameter", "sheet", "--depth", "0.1mm"],
            dict(skin="lab(62 11 17)", dilutions={"carbon-black": "1:6"}, pigments=[{"pigment": "iron-oxide-red", "load_g_m2": 0.5}], dot_diameter_mm=None, depth_mm=0.1),
        ),
        (
            ["--pigment", "carbon-black:0.3", "--skin", "fitzpatrick:I", "--monte-carlo", "--photons", "500", "--seed", "3"],
            dict(skin="fitzpatrick:I", pigments={"carbon-black": 0.3}, monte_carlo=True, photons=500, seed=3),
        ),
    ],
)
def test_appear_is_the_clis_report(flags, request_):
    # The package and the binary make the same library call: the same report, to the bit.
    mine = tinct.appear(request_)
    theirs = binary_json("appear", *flags)
    assert mine == theirs


def test_appear_takes_a_measured_spectrum_and_refuses_what_the_cli_refuses():
    wl = np.arange(400, 701, 10.0)
    skin = tinct.appear(skin="fitzpatrick:III", pigments={"carbon-black": 0.0}, dot_diameter_mm=None)
    r = np.interp(wl, skin["wavelengths_nm"], skin["skin"]["reflectance"])
    fitted = tinct.appear(skin={"wavelengths_nm": wl, "reflectance": r}, pigments={"carbon-black": 1.0})
    assert fitted["skin"]["fit"]["delta_e"] < 0.5
    assert fitted["skin"]["source"].startswith("fitted to a measured spectrum")
    for bad, says in [
        (dict(skin="fitzpatrick:VII", pigments={"carbon-black": 1}), "unknown Fitzpatrick phototype"),
        (dict(skin="fitzpatrick:II"), "give at least one pigment"),
        (dict(skin="fitzpatrick:II", pigments={"carbon-black": -1}), "load of carbon-black"),
        (dict(skin="fitzpatrick:II", pigments={"carbon-black": 1}, depht_mm=0.1), 'unknown field "depht_mm" (known: skin,'),
        (dict(skin="fitzpatrick:II", pigments={"carbon-black": 1}, dot_diameter_mm=None, spacing_mm=1), "needs a finite dot"),
    ]:
        with pytest.raises(ValueError) as e:
            tinct.appear(bad)
        assert says in str(e.value)
    with pytest.raises(ValueError) as e:
        tinct.appear(skin="fitzpatrick:II", pigments={"carbon-black": 1}, catalog="no/such.toml")
    assert "no/such.toml" in str(e.value)


@pytest.mark.parametrize(
    "flags, kwargs",
    [
        ([], {}),
        (["--monte-carlo", "--photons", "300", "--seed", "5", "--observer", "10"], dict(method="monte-carlo", photons=300, seed=5, observer=10)),
    ],
)
def test_optics_is_the_clis_report(flags, kwargs):
    path = "data/examples/skin_black_dot_finite.toml"
    root = DATA.parents[1]
    theirs = binary_json("optics", str(root / path), *flags)
    mine = tinct.optics(root / path, **kwargs)
    assert mine == theirs
    # The text of the file gives the same answer as the file.
    assert tinct.optics((root / path).read_text(), **kwargs)["dot"] == mine["dot"]


def test_optics_refuses_what_the_cli_refuses():
    path = DATA.parents[1] / "data/examples/skin_black_dot_finite.toml"
    for call, says in [
        (lambda: tinct.optics(path, method="exact"), 'unknown dot method "exact"'),
        (lambda: tinct.optics(path, method="monte-carlo", photons=0), "photons"),
        (lambda: tinct.optics("no-such-file.toml"), "neither a medium file nor TOML text"),
        (lambda: tinct.optics("index = 1.4\n"), "medium"),
    ]:
        with pytest.raises(ValueError) as e:
            call()
        assert says in str(e.value), str(e.value)


@pytest.mark.parametrize(
    "flags, call",
    [
        (
            ["match", "--skin", "fitzpatrick:III", "--hair", "dark-brown", "--top", "3"],
            lambda: tinct.match(skin="fitzpatrick:III", hair="dark-brown", top=3),
        ),
        (
            ["match", "--skin", "lab(62 11 17)", "--target", "lab(45 5 8)", "--pigments",
             "carbon-black,iron-oxide-red", "--parts", "0", "--illuminants", "D65,A",
             "--observer", "2", "--dot-diameter", "sheet", "--years", "3", "--rank", "durable",
             "--exposure", "outdoor-worker", "--lightfastness", "carbon-black=8"],
            lambda: tinct.match(skin="lab(62 11 17)", target="lab(45 5 8)",
                                pigments="carbon-black,iron-oxide-red", parts=0,
                                illuminants="D65,A", observer=2, dot_diameter_mm=None, years=3,
                                rank="durable", exposure="outdoor-worker",
                                lightfastness={"carbon-black": 8}),
        ),
        (
            ["match", "--skin", "fitzpatrick:V", "--hair", "black", "--intent", "shading",
             "--coverage", "0.3", "--depth", "0.05mm", "--cluster-um", "5"],
            lambda: tinct.match({"skin": "fitzpatrick:V", "hair": "black", "intent": "shading"},
                                coverage=0.3, depth_mm=0.05, cluster_um=5),
        ),
        (
            ["match", "--skin", "fitzpatrick:II", "--hair", "black", "--top", "2",
             "--monte-carlo", "--photons", "300", "--seed", "9"],
            lambda: tinct.match(skin="fitzpatrick:II", hair="black", top=2, monte_carlo=True,
                                photons=300, seed=9),
        ),
        (
            ["plan", "--skin", "fitzpatrick:II", "--hair", "black", "--runs", "100",
             "--interval", "3w", "--exposure", "outdoor-worker", "--aftercare", "poor"],
            lambda: tinct.plan(skin="fitzpatrick:II", hair="black", runs=100, interval="3w",
                               exposure="outdoor-worker", aftercare="poor"),
        ),
        (
            ["plan", "--skin", "fitzpatrick:IV", "--hair", "dark-brown", "--build", "50,100",
             "--runs", "0", "--epidermal-share", "0.2", "--start", "06-21"],
            lambda: tinct.plan(skin="fitzpatrick:IV", hair="dark-brown", build=[50, 100], runs=0,
                               epidermal_share=0.2, start="06-21"),
        ),
        (
            ["fade", "--recipe", "carbon-black:1", "--skin", "fitzpatrick:III", "--years", "1",
             "--target", "lab(50 2 5)"],
            lambda: tinct.fade(recipe={"carbon-black": 1}, skin="fitzpatrick:III", years=1,
                               target="lab(50 2 5)"),
        ),
        (
            ["schedule", "--recipe", "carbon-black:1.69,iron-oxide-red:15.2", "--skin",
             "fitzpatrick:III", "--exposure", "outdoor-worker", "--runs", "50", "--seed", "3",
             "--lightfastness", "carbon-black=7", "--age", "60"],
            lambda: tinct.schedule(recipe={"carbon-black": 1.69, "iron-oxide-red": 15.2},
                                   skin="fitzpatrick:III", exposure="outdoor-worker", runs=50,
                                   seed=3, lightfastness={"carbon-black": 7}, age=60),
        ),
    ],
)
def test_the_jobs_give_the_clis_report(flags, call):
    assert call() == binary_json(*flags)


@pytest.mark.parametrize(
    "call, error, says",
    [
        (lambda: tinct.match(skin="fitzpatrick:III", hiar="black"), ValueError,
         'match request: unknown field "hiar" (known: skin, skin_tolerance,'),
        (lambda: tinct.match(skin="fitzpatrick:III", hair="ginger"), ValueError, "ginger"),
        (lambda: tinct.match(skin="fitzpatrick:III", target="lab(97 0 0)", pigments=["carbon-black"]),
         RuntimeError, "no recipe: the bare skin"),
        (lambda: tinct.plan(skin="fitzpatrick:II", hair="black", interval="3x"), ValueError,
         'interval: cannot read "3x"'),
        (lambda: tinct.plan(skin="fitzpatrick:II", hair="black", runs=10**6), ValueError,
         "runs: 1000000 is out of range (0 to 100000)"),
        (lambda: tinct.fade(recipe={"carbon-black": -1}, skin="fitzpatrick:II"), ValueError,
         "recipe: load of carbon-black: -1 is out of range"),
        (lambda: tinct.fade(recipe={"carbon-black": 1}, skin="fitzpatrick:II", exposure="beach"),
         ValueError, 'exposure: unknown exposure preset or profile file "beach"'),
        (lambda: tinct.schedule(recipe={"carbon-black": 1}, skin="fitzpatrick:II",
                                lightfastness={"carbon-black": 9}), ValueError,
         "lightfastness of carbon-black: 9 is out of range"),
        (lambda: tinct.schedule(skin="fitzpatrick:II"), ValueError, "missing field `recipe`"),
    ],
)
def test_the_jobs_refuse_what_the_cli_refuses(call, error, says):
    with pytest.raises(error) as e:
        call()
    assert says in str(e.value), str(e.value)


FADE = DATA / "fade_series_1000_long.csv"


def test_fit_is_the_clis_table():
    import io

    pl = pytest.importorskip("polars")

    mine = tinct.fit(FADE, time="t_months", model="auto")
    cli = pl.read_csv(io.StringIO(binary("fit", str(FADE), "--time", "t_months", "--model", "auto")))
    assert mine.columns == cli.columns and mine.height == cli.height == 1000
    for c in mine.columns:
        if mine[c].dtype == pl.Float64:
            np.testing.assert_array_equal(mine[c].fill_null(np.nan).to_numpy(), cli[c].cast(pl.Float64).fill_null(np.nan).to_numpy(), err_msg=c)
        else:
            assert mine[c].cast(pl.String).fill_null("").to_list() == cli[c].cast(pl.String).fill_null("").to_list(), c
    assert mine["n"].dtype == pl.UInt32 and mine["converged"].dtype == pl.Boolean


def test_fit_takes_polars_and_pandas_frames_as_the_file():
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")

    df = pl.read_csv(FADE).filter(pl.col("series") <= 40)
    df = df.with_columns(pl.format("client-{}", pl.col("series")).alias("client"))
    from_polars = tinct.fit(df, id="client", time="t_months", bootstrap=200, seed=3)
    frame = pd.DataFrame({c: df[c].to_list() for c in df.columns})  # without pyarrow
    from_pandas = tinct.fit(frame, id="client", time="t_months", bootstrap=200, seed=3)
    assert from_polars.equals(from_pandas)
    # The id first, then the carried column, then the parameters.
    assert from_polars.columns[:3] == ["client", "series", "A"]
    assert from_polars["client"].to_list()[:2] == ["client-1", "client-2"]
    # Rows of a series need not be together: shuffled rows give the same fits (to rounding:
    # the points are summed in another order), in the order of each series' first row.
    shuffled = df.sample(fraction=1.0, shuffle=True, seed=11)
    again = tinct.fit(shuffled, id="client", time="t_months")
    order = shuffled["client"].unique(maintain_order=True).to_list()
    assert again["client"].to_list() == order
    plain = tinct.fit(df, id="client", time="t_months")
    joined = again.join(plain, on="client", suffix="_plain")
    np.testing.assert_allclose(joined["k1"].to_numpy(), joined["k1_plain"].to_numpy(), rtol=1e-5)


def test_fit_pooled_shares_the_rates():
    pytest.importorskip("polars")
    p = tinct.fit(FADE, time="t_months", pooled=True)
    assert p["k1"].n_unique() == 1 and p["k2"].n_unique() == 1
    assert p["A"].n_unique() > 100


@pytest.mark.parametrize(
    "kwargs, error, says",
    [
        (dict(time="month"), ValueError, 'column "month": missing (columns: series, t_months, amount)'),
        (dict(time="t_months", model="quadratic"), ValueError, 'model: unknown model "quadratic"'),
        (dict(time="t_months", model="auto", pooled=True), ValueError, "pooled: --pooled needs"),
        (dict(time="t_months", model="biexp-dose"), ValueError, "dose: --model biexp-dose needs"),
        (dict(time="t_months", bootstrap=20001), ValueError, "bootstrap: 20001 is out of range"),
    ],
)
def test_fit_refuses_what_the_cli_refuses(kwargs, error, says):
    pytest.importorskip("polars")
    with pytest.raises(error) as e:
        tinct.fit(FADE, **kwargs)
    assert says in str(e.value), str(e.value)


def test_fit_of_nothing_fittable_is_a_runtime_error_and_of_no_file_a_value_error():
    pl = pytest.importorskip("polars")

    two_points = pl.DataFrame({"series": [1, 1], "day": [0.0, 1.0], "amount": [1.0, 0.9]})
    with pytest.raises(RuntimeError, match="no series could be fitted"):
        tinct.fit(two_points)
    with pytest.raises(ValueError, match="no such file"):
        tinct.fit("no/such/file.csv")
    with pytest.raises(ValueError, match="row 2, time: 1e12"):
        tinct.fit(pl.DataFrame({"series": [1, 1], "day": [0.0, 1e12], "amount": [1.0, 0.9]}))


def test_docstring_examples_run():
    import doctest

    # tinct.fit's example builds a polars DataFrame (CI installs polars; elsewhere it may not be).
    if os.environ.get("CI") != "true":
        pytest.importorskip("polars")
    failures, tried = doctest.testmod(tinct, verbose=False)
    assert tried >= 8 and failures == 0


def test_the_readmes_python_example_prints_what_the_readme_shows():
    import contextlib
    import io
    import os

    root = DATA.parents[1]
    blocks = (root / "README.md").read_text(encoding="utf-8").split("```")
    at = next(i for i, b in enumerate(blocks) if b.startswith("python\n") and "import tinct" in b)
    code, expected = blocks[at][len("python\n"):], blocks[at + 2].strip()
    out = io.StringIO()
    cwd, printing = os.getcwd(), np.get_printoptions()
    try:
        os.chdir(root)
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
        np.set_printoptions(**printing)
    assert out.getvalue().strip() == expected


def test_the_readmes_notebook_example_prints_and_plots_what_the_readme_shows(tmp_path):
    import contextlib
    import io
    import os

    pytest.importorskip("matplotlib")
    pytest.importorskip("polars")
    root = DATA.parents[1]
    blocks = (root / "README.md").read_text(encoding="utf-8").split("```")
    at = next(i for i, b in enumerate(blocks) if b.startswith("python\n") and "matplotlib" in b)
    code, expected = blocks[at][len("python\n"):], blocks[at + 2].strip()
    code = code.replace('"tests/data/', '"' + DATA.as_posix() + "/")
    out = io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    assert out.getvalue().strip() == expected
    png = (tmp_path / "fade_fit.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
