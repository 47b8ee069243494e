"""tinct: how cosmetic-tattoo (SMP) pigment looks in skin, in Python.

Colour functions (``delta_e``, ``convert``, ``sd_to_lab``) take numpy arrays (or anything
``numpy.asarray`` takes) and return numpy arrays. The jobs (``appear``, ``match``, ``plan``,
``fade``, ``schedule``, ``optics``) take the command's flags as keyword arguments or a dict
and return the report the command's ``--json`` prints, as a dict; ``report`` returns the
consultation page's HTML; ``fit`` takes a path or a polars or pandas DataFrame and returns a
polars DataFrame. The work runs in Rust, on all cores where it is parallel, with the GIL
released. Bad input raises ``ValueError`` with the same one-line message the ``tinct``
command prints; a computation that fails (no recipe, nothing fittable), ``RuntimeError``.

>>> import tinct
>>> round(float(tinct.delta_e([50, 2.6772, -79.7751], [50, 0, -82.7485])), 4)
2.0425
"""

from __future__ import annotations

import json
import pathlib

import numpy as np

from . import _tinct

__all__ = [
    "delta_e",
    "convert",
    "sd_to_lab",
    "appear",
    "match",
    "plan",
    "fade",
    "schedule",
    "report",
    "optics",
    "fit",
    "__version__",
]

__version__ = _tinct.version()


def _f64(x, name):
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name}: not an array of numbers ({e})") from None


def delta_e(lab1, lab2, method="ciede2000", k_l=1.0, k_c=1.0, k_h=1.0, cmc_l=None, cmc_c=None):
    """Colour differences between CIELAB colours.

    ``lab1`` and ``lab2`` have shape ``(..., 3)`` (L*, a*, b*) and broadcast together as numpy
    arrays do; the result has their broadcast shape without the last axis. ``method`` is
    ``"ciede2000"`` (CIE 142-2001; ``k_l``, ``k_c``, ``k_h`` its parametric factors),
    ``"cie76"``, ``"cie94"``, ``"cie94-textiles"`` or ``"cmc"`` (``cmc_l``:``cmc_c``, 2:1 unless
    given; ``"cmc-1:1"``). A NaN in a colour gives NaN for its difference.

    >>> import numpy as np, tinct
    >>> lab = np.array([[50, 2.6772, -79.7751], [50, 3.1571, -77.2803]])
    >>> tinct.delta_e(lab, [50, 0, -82.7485]).round(4)
    array([2.0425, 2.8615])
    """
    return _tinct.delta_e(
        _f64(lab1, "lab1"), _f64(lab2, "lab2"), method, k_l, k_c, k_h, cmc_l, cmc_c
    )


def convert(values, source, target, illuminant="D65", observer=2):
    """Colours of shape ``(..., 3)`` converted from space ``source`` to space ``target``.

    Spaces: ``"xyz"`` (Y of the white = 100), ``"xyy"``, ``"lab"``, ``"lch"``, ``"oklab"``,
    ``"oklch"``, ``"srgb"`` (gamma-encoded, 0..1, not clipped: values outside 0..1 are out of
    gamut) and ``"linear-srgb"``. XYZ, Lab and LCh are relative to the white of ``illuminant``
    (D65, D50, A, F2, F11, LED-B3) and ``observer`` (2 or 10 degrees; D65/2 by default, as
    ``tinct convert``); Oklab and sRGB are defined on D65 and reached by Bradford adaptation,
    as ``tinct convert`` does.

    >>> import tinct
    >>> tinct.convert([52, 8, 14], "lab", "lch").round(3)
    array([52.   , 16.125, 60.255])
    """
    return _tinct.convert(_f64(values, "values"), source, target, illuminant, str(observer))


def sd_to_lab(reflectance, wavelengths, illuminant="D65", observer=2):
    """CIELAB of reflectance spectra.

    ``reflectance`` has shape ``(..., bands)`` (factors 0..1), ``wavelengths`` shape
    ``(bands,)`` in nm, increasing. Computed by ASTM E308: with the table of the spectra's own
    interval when they are a regular 1, 5, 10 or 20 nm grid, else with the 10 nm table after
    resampling; D65/2 by default, as ``tinct spectrum``. The result has shape ``(..., 3)``.

    >>> import numpy as np, tinct
    >>> wl = np.arange(360, 781, 10.0)
    >>> tinct.sd_to_lab(np.full(wl.size, 0.5), wl).round(2)
    array([76.07,  0.  ,  0.  ])
    """
    return _tinct.sd_to_lab(
        _f64(reflectance, "reflectance"), _f64(wavelengths, "wavelengths"), illuminant, str(observer)
    )


def _plain(x):
    """numpy values and arrays, and paths, as JSON-ready Python values."""
    if isinstance(x, pathlib.PurePath):
        return str(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(f"{type(x).__name__} is not a JSON value")


def _catalogs(catalog):
    """Extra catalog entries: paths of TOML files, read here."""
    if isinstance(catalog, (str, pathlib.Path)):
        catalog = [catalog]
    out = []
    for path in catalog:
        p = pathlib.Path(path)
        try:
            out.append((p.read_text(encoding="utf-8"), str(p)))
        except OSError as e:
            raise ValueError(f"{p}: {e.strerror or e}") from None
    return out


def appear(request=None, *, catalog=(), **fields):
    """How a dot of pigment looks in a client's skin: ``tinct appear`` as one call.

    Give the request as a dict, as keyword arguments, or both (keywords win). Its fields are
    ``tinct appear``'s flags: ``skin`` (``"fitzpatrick:II"``, a colour such as
    ``"lab(62 11 17)"``, or ``{"wavelengths_nm": [...], "reflectance": [...]}``),
    ``pigments`` (``{"carbon-black": 1.0}``, healed loads in g/m^2, or a list of
    ``{"pigment", "load_g_m2"}``), ``dilutions`` (``{"carbon-black": "1:6"}``), ``depth_mm``,
    ``thickness_mm``, ``dot_diameter_mm`` (``None`` for an infinite sheet), ``trace_dot``
    (trace the Monte Carlo's correction of the fast finite-dot model for this skin and dot,
    about 3 s; built in for the Fitzpatrick presets at the default dot and four depths, and
    borrowed by like skins and dots of 0.18-1 mm), ``cluster_um``,
    ``cluster_fill``, ``spacing_mm`` or ``coverage``, ``skin_tolerance``, ``skin_specular``,
    ``illuminant`` and ``observer``, and ``monte_carlo=True`` (with ``photons`` and ``seed``)
    to solve the finite dot by the 3-D Monte Carlo as well (``r["finite"]["monte_carlo"]``,
    about 5 s); ``catalog`` adds pigment entries from TOML files. Returns the report as a
    dict, the same as ``tinct appear --json`` prints.

    >>> import tinct
    >>> r = tinct.appear(skin="fitzpatrick:II", pigments={"carbon-black": 1.0})
    >>> [round(v, 2) for v in r["finite"]["close_up"]["lab"]]
    [66.6, 2.88, 16.45]
    >>> r["as_dilution"], r["skin"]["ita_class"]
    ('1:15.9', 'light')
    """
    req = dict(request or {})
    req.update(fields)
    for key, inner in (("pigments", "load_g_m2"), ("dilutions", "dilution")):
        if isinstance(req.get(key), dict):
            req[key] = [{"pigment": k, inner: v} for k, v in req[key].items()]
    text = json.dumps(req, default=_plain)
    return json.loads(_tinct.appear(text, _catalogs(catalog)))


def _job(request, fields):
    """A request from a dict and keyword arguments (keywords win), with the conveniences the
    jobs share: a recipe or loads as ``{id: load}``, grades as ``{id: grade}``, paths."""
    req = dict(request or {})
    req.update(fields)
    if isinstance(req.get("recipe"), dict):
        req["recipe"] = [{"pigment": k, "load_g_m2": v} for k, v in req["recipe"].items()]
    if isinstance(req.get("lightfastness"), dict):
        req["lightfastness"] = [f"{k}={v}" for k, v in req["lightfastness"].items()]
    if isinstance(req.get("pigments"), str):
        req["pigments"] = [p.strip() for p in req["pigments"].split(",")]
    if isinstance(req.get("illuminants"), str):
        req["illuminants"] = [p.strip() for p in req["illuminants"].split(",")]
    for key in ("observer",):
        if isinstance(req.get(key), int):
            req[key] = str(req[key])
    return json.dumps(req, default=_plain)


def match(request=None, *, catalog=(), **fields):
    """The pigment mix and dilution that heal to the target: ``tinct match`` as one call.

    The request's fields are ``tinct match``'s flags: ``skin`` (as in :func:`appear`),
    ``hair`` (``"black"``, ``"dark-brown"`` or a tress colour such as ``"lab(20 2 2)"``),
    ``intent`` (``"follicle"``, ``"shading"`` with ``coverage``, ``"scar"`` with
    ``scar_skin``), or ``target`` (a colour); ``pigments`` (ids; default the whole catalog),
    ``kit`` (a kit file), ``max_pigments``, ``parts``; the dot (``depth_mm``,
    ``thickness_mm``, ``dot_diameter_mm``, ``trace_dot``, ``cluster_um``, ``cluster_fill``);
    ``illuminants`` (the first primary), ``observer``, ``top``, ``tolerance``; ``years``,
    ``exposure``, ``lightfastness`` (``{id: grade}``) and ``rank`` (``"closest"`` or
    ``"durable"``) to fade the recipes; ``monte_carlo=True`` (with ``photons``, default 5000,
    and ``seed``) reads each shown recipe by the 3-D Monte Carlo and ranks by it. Returns the
    report as a dict, the same as ``tinct match --json`` prints; RuntimeError when no pigment
    brings the dot closer to the target than the bare skin.

    >>> import tinct
    >>> r = tinct.match(skin="fitzpatrick:III", hair="dark-brown", top=1)
    >>> best = r["recipes"][0]
    >>> [(c["pigment"], c["parts"]) for c in best["components"] if c["parts"]]
    [('carbon-black', 2), ('iron-oxide-red', 8)]
    >>> best["diluent_parts"], round(best["delta_e"], 2), r["target"]["what"]
    (0.0, 2.05, 'a shaved dark-brown follicle in this skin')
    """
    return json.loads(_tinct.match_(_job(request, fields), _catalogs(catalog)))


def plan(request=None, *, catalog=(), **fields):
    """The treatment plan: ``tinct plan`` as one call.

    The fields of :func:`match` (skin, hair or target, pigments, the dot), the fading of
    :func:`schedule` (``exposure``, ``lightfastness``, ``age``, ``epidermal_share``,
    ``clearance``, ``aftercare``, ``uv_acceleration``), and ``sessions``, ``interval``
    (``"21d"``, ``"3w"``), ``build`` (per cent after each session), ``tolerance``,
    ``touch_up_tolerance``, ``start`` (``"MM-DD"``), ``years``, ``runs``, ``seed``,
    ``illuminant``, ``observer``. Returns the report as a dict, the same as ``tinct plan
    --json`` prints: the recipe, each session's ink, dilution and looks, the first touch-up
    and its Monte Carlo spread.

    >>> import tinct
    >>> p = tinct.plan(skin="fitzpatrick:II", hair="black", runs=200)
    >>> [round(s["delta_e"], 1) for s in p["sessions"]], p["sessions_to_target"]
    ([12.1, 4.8, 1.8], 3)
    >>> p["first_touch_up_day"], p["monte_carlo"]["p10_day"], p["monte_carlo"]["p90_day"]
    (1709, 1305.7, 2232.3)
    """
    return json.loads(_tinct.plan(_job(request, fields), _catalogs(catalog)))


def fade(request=None, *, catalog=(), **fields):
    """The dot's colour day by day over the years, without touch-ups: ``tinct fade`` as one call.

    ``recipe`` is the healed dot's pigments (``{id: load in g/m^2}``); ``skin``, the dot and
    the fading fields as in :func:`plan`; ``target`` (a colour, dE00 from it reported too),
    ``start`` (``"MM-DD"``), ``years``, ``tolerance``, ``illuminant``, ``observer``. Returns
    the report as a dict, the same as ``tinct fade --json`` prints; ``samples`` holds every
    day.

    >>> import tinct
    >>> f = tinct.fade(recipe={"carbon-black": 1.0}, skin="fitzpatrick:III", years=2)
    >>> len(f["samples"]), round(f["samples"][-1]["delta_e"], 2)
    (732, 0.3)
    """
    return json.loads(_tinct.fade(_job(request, fields), _catalogs(catalog)))


def schedule(request=None, *, catalog=(), **fields):
    """When touch-ups fall due: ``tinct schedule`` as one call.

    The fields of :func:`fade`, with ``tolerance`` the drift (dE00) from the freshly healed
    look at which a touch-up falls due, and ``runs`` and ``seed`` for a Monte Carlo over
    the uncertain inputs. Returns the report as a dict, the same as ``tinct schedule --json``
    prints.

    >>> import tinct
    >>> s = tinct.schedule(recipe={"carbon-black": 1.69, "iron-oxide-red": 15.2},
    ...                    skin="fitzpatrick:III", exposure="outdoor-worker", runs=200)
    >>> s["first_touch_up_day"], s["monte_carlo"]["p10_days"], s["monte_carlo"]["p90_days"]
    (1533, 1154.9, 1973.3)
    """
    return json.loads(_tinct.schedule(_job(request, fields), _catalogs(catalog)))


def report(request=None, *, catalog=(), **fields):
    """The consultation page: ``tinct report`` as one call; returns the HTML text.

    The fields of :func:`plan`, and ``client`` (the name the page shows), ``first_session``
    (``"YYYY-MM-DD"``: sessions and touch-ups get dates) and ``spacing_mm`` (dots this far
    apart for the look from reading distance, default 1). The page is self-contained (inline
    CSS and SVG, no script, nothing loaded) and prints on A4 and Letter; save it with
    ``pathlib.Path("consultation.html").write_text(html, encoding="utf-8")``.

    >>> import tinct
    >>> html = tinct.report(skin="fitzpatrick:II", hair="black", client="A. Client", runs=100)
    >>> html.startswith("<!DOCTYPE html>"), "A. Client" in html
    (True, True)
    >>> any(s in html for s in ("<script", "src=", "href=", "url(", "@import"))
    False
    """
    return _tinct.report(_job(request, fields), _catalogs(catalog))


def optics(medium, *, method="fast", photons=None, seed=1, illuminant="D65", observer=2):
    """Light transport in a layered medium: ``tinct optics`` as one call.

    ``medium`` is a medium file (a path) or its TOML text: ``wavelengths_nm``, ``index``,
    ``below`` and ``[[layers]]`` (see the README), optionally a ``[dot]``. ``method`` solves the
    dot with the fast model (``"fast"``; ``r["dot"]["correction"]`` says whether tinct's
    built-in Monte Carlo tables correct it), the fast model corrected by tables traced for this
    medium (``"traced"``, ``photons`` per traced band and level, default 8000, and ``seed``;
    seconds) or the 3-D Monte Carlo (``"monte-carlo"``, ``photons`` per wavelength, default
    20000, and ``seed``). Returns the report as a dict, the same as
    ``tinct optics --json`` prints: reflectance and transmittance per wavelength, diffuse
    incidence, the colour, and the dot's mean and radial profile.

    >>> import tinct
    >>> text = "\\n".join([
    ...     "wavelengths_nm = [550]", "index = 1.4", 'below = "semi-infinite"',
    ...     "[[layers]]", 'name = "dermis"', 'thickness_mm = "inf"',
    ...     "mu_a_per_mm = 0.1", "mu_s_per_mm = 20", "g = 0.9"])
    >>> round(tinct.optics(text)["reflectance_diffuse"][0], 4)
    0.3597
    """
    p = pathlib.Path(medium) if isinstance(medium, (str, pathlib.Path)) else None
    if p is not None and "\n" not in str(medium) and p.exists():
        try:
            text, origin = p.read_text(encoding="utf-8"), str(p)
        except OSError as e:
            raise ValueError(f"{p}: {e.strerror or e}") from None
    elif isinstance(medium, str) and ("\n" in medium or "=" in medium):
        text, origin = medium, "medium"
    else:
        raise ValueError(f"medium: {medium!r} is neither a medium file nor TOML text")
    req = dict(
        medium=text,
        origin=origin,
        method=method,
        seed=seed,
        illuminant=illuminant,
        observer=str(observer),
    )
    if photons is not None:
        req["photons"] = photons
    return json.loads(_tinct.optics(json.dumps(req, default=_plain)))


def _as_polars(data):
    """``data`` (a path to CSV or Parquet, a polars or pandas DataFrame) as a polars
    DataFrame, and a name for messages."""
    import polars as pl

    if isinstance(data, pl.DataFrame):
        return data, "data"
    if isinstance(data, (str, pathlib.Path)):
        path = pathlib.Path(data)
        if not path.is_file():
            raise ValueError(f"{path}: no such file")
        try:
            if path.suffix.lower() in (".parquet", ".pq"):
                return pl.read_parquet(path), str(path)
            return pl.read_csv(path, infer_schema_length=10000), str(path)
        except Exception as e:  # polars' own errors: one line, as the CLI reports them
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise ValueError(f"{path}: {first}") from None
    if hasattr(data, "columns") and hasattr(data, "to_dict"):  # pandas, without pyarrow
        cols = {}
        for name in data.columns:
            col = data[name]
            values = col.tolist() if col.dtype == object else col.to_numpy()
            cols[str(name)] = pl.Series(str(name), values)
        return pl.DataFrame(cols), "data"
    raise ValueError(
        f"data: a path, a polars DataFrame or a pandas DataFrame, not {type(data).__name__}"
    )


def _column(df, origin, name):
    if name not in df.columns:
        shown = ", ".join(df.columns[:12]) + (
            f" and {len(df.columns) - 12} more" if len(df.columns) > 12 else ""
        )
        raise ValueError(f'{origin}: column "{name}": missing (columns: {shown})')
    return df[name]


def _numbers(df, origin, name):
    import polars as pl

    col = _column(df, origin, name)
    try:
        col = col.cast(pl.Float64)
    except Exception:
        raise ValueError(f'{origin}: column "{name}": not numbers ({col.dtype})') from None
    return np.ascontiguousarray(col.fill_null(np.nan).to_numpy(), dtype=np.float64)


def fit(
    data,
    *,
    id="series",
    time="day",
    value="amount",
    dose=None,
    model="biexp",
    pooled=False,
    bootstrap=0,
    seed=7,
):
    """Fade kinetics fitted to longitudinal measurements: ``tinct fit`` as one call.

    ``data`` is long (one row per measurement): a path to a CSV or Parquet file, or a polars
    or pandas DataFrame, with a series ``id`` column, a ``time`` column and the relative
    amount (``value``, 1 at the freshly healed point); ``dose`` names a per-series dose-rate
    column for ``model="biexp-dose"``. ``model`` is ``"mono"``, ``"biexp"`` (A exp(-k1 t) +
    (1 - A) exp(-k2 t), k1 >= k2), ``"biexp-dose"`` or ``"auto"`` (the better of mono and
    biexp by AIC, per series); ``pooled`` shares the rates across series; ``bootstrap`` runs
    give percentile intervals instead of the Jacobian's (``seed`` fixes them). Every series
    is fitted in Rust on all cores, with the GIL released.

    Returns a polars DataFrame with the columns ``tinct fit`` writes: the id and the other
    input columns (each series' first row), then for each parameter P the columns P, P_lo,
    P_hi (95 % interval), then sse, n, converged, error (why a series could not be fitted),
    model, rmse, aic, bic, reason. Bad input raises ValueError; data of which no series
    could be fitted, RuntimeError.

    >>> import polars as pl, numpy as np, tinct
    >>> t = np.array([0, 1, 3, 6, 12, 18, 24, 36.0])
    >>> y = 0.4 * np.exp(-0.3 * t) + 0.6 * np.exp(-0.01 * t)
    >>> df = pl.DataFrame({"series": ["a"] * 8, "month": t, "amount": y})
    >>> p = tinct.fit(df, time="month")
    >>> [round(p[c][0], 4) for c in ("A", "k1", "k2")]
    [0.4, 0.3, 0.01]
    """
    import polars as pl

    df, origin = _as_polars(data)
    if df.height == 0:
        raise ValueError(f"{origin}: no rows")
    keys = _column(df, origin, id).cast(pl.String).fill_null("").to_list()
    t = _numbers(df, origin, time)
    y = _numbers(df, origin, value)
    d = _numbers(df, origin, dose) if dose is not None else None
    req = {"model": model, "pooled": bool(pooled), "bootstrap": bootstrap, "seed": seed}
    out = _tinct.fit(keys, t, y, d, json.dumps(req, default=_plain))
    used = {id, time, value} | ({dose} if dose is not None else set())
    carried = [id] + [c for c in df.columns if c not in used]
    table = df.select(carried)[out["first_rows"]]
    dtypes = {"float": pl.Float64, "count": pl.UInt32, "flag": pl.Boolean, "text": pl.String}
    for name, kind, values in out["columns"]:
        if name in table.columns:
            raise ValueError(
                f'{origin}: column "{name}": an input column has the name of an output '
                "column; rename it"
            )
        table = table.with_columns(pl.Series(name, values, dtype=dtypes[kind]))
    return table
