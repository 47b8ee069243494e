//! The compiled part of the `tinct` Python package (`tinct._tinct`): thin bindings of the
//! library. Arrays are read in place from numpy and results handed to numpy without a copy;
//! work on many colours runs on all cores with the GIL released. The Python wrappers, their
//! docstrings and the type stubs are in `tinct/`.

use numpy::ndarray::{ArrayD, Axis, IxDyn};
use numpy::{IntoPyArray, PyArrayDyn, PyReadonlyArray1, PyReadonlyArrayDyn};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rayon::prelude::*;

use tinct::colorimetry::spaces::{convert as convert_one, Lab, Space};
use tinct::colorimetry::{Illuminant, Observer, Viewing};
use tinct::difference::DeltaE;
use tinct::spectrum::MeasuredSpectrum;

/// Bad input: the library's one-line message as a `ValueError`.
fn bad(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// The viewing conditions named as the CLI names them.
fn viewing(illuminant: &str, observer: &str) -> PyResult<Viewing> {
    let i: Illuminant = illuminant.parse().map_err(bad)?;
    let o: Observer = observer.parse().map_err(bad)?;
    Ok(Viewing::new(i, o))
}

/// Shape of two arrays' leading axes broadcast together (numpy's rules); both must end in an
/// axis of 3.
fn broadcast_lead(a: &[usize], b: &[usize], names: (&str, &str)) -> PyResult<Vec<usize>> {
    for (shape, name) in [(a, names.0), (b, names.1)] {
        if shape.last() != Some(&3) {
            return Err(bad(format!(
                "{name}: shape {shape:?}, expected (..., 3): one colour per row"
            )));
        }
    }
    let (a, b) = (&a[..a.len() - 1], &b[..b.len() - 1]);
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for (i, o) in out.iter_mut().enumerate() {
        let x = if i + a.len() >= n {
            a[i + a.len() - n]
        } else {
            1
        };
        let y = if i + b.len() >= n {
            b[i + b.len() - n]
        } else {
            1
        };
        *o = match (x, y) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => {
                return Err(bad(format!(
                    "{} and {}: shapes {a:?} and {b:?} do not broadcast together",
                    names.0, names.1
                )))
            }
        };
    }
    Ok(out)
}

/// Colour differences of `lab1` and `lab2` (shapes (..., 3), broadcast together).
#[pyfunction]
#[pyo3(signature = (lab1, lab2, method = "ciede2000", k_l = 1.0, k_c = 1.0, k_h = 1.0, cmc_l = None, cmc_c = None))]
#[allow(clippy::too_many_arguments)]
fn delta_e<'py>(
    py: Python<'py>,
    lab1: PyReadonlyArrayDyn<'py, f64>,
    lab2: PyReadonlyArrayDyn<'py, f64>,
    method: &str,
    k_l: f64,
    k_c: f64,
    k_h: f64,
    cmc_l: Option<f64>,
    cmc_c: Option<f64>,
) -> PyResult<Bound<'py, PyArrayDyn<f64>>> {
    let formula = match DeltaE::from_name(method).map_err(bad)? {
        DeltaE::Ciede2000 { .. } => DeltaE::Ciede2000 { k_l, k_c, k_h },
        DeltaE::Cmc { l, c } => DeltaE::Cmc {
            l: cmc_l.unwrap_or(l),
            c: cmc_c.unwrap_or(c),
        },
        other => other,
    }
    .validated()
    .map_err(bad)?;
    let (a, b) = (lab1.as_array(), lab2.as_array());
    let lead = broadcast_lead(a.shape(), b.shape(), ("lab1", "lab2"))?;
    let lab = |x: &[f64]| Lab::new(x[0], x[1], x[2]);
    let n: usize = lead.iter().product();
    let mut out = vec![0.0; n];
    match (a.as_slice(), b.as_slice()) {
        // Both C-contiguous and of one shape (the common case): read in place, in blocks on
        // all cores, with no copy of the input.
        (Some(sa), Some(sb)) if a.shape() == b.shape() => {
            const BLOCK: usize = 4096;
            py.detach(|| {
                out.par_chunks_mut(BLOCK).enumerate().for_each(|(k, o)| {
                    let base = 3 * k * BLOCK;
                    let pairs: Vec<(Lab, Lab)> = sa[base..base + 3 * o.len()]
                        .chunks_exact(3)
                        .zip(sb[base..base + 3 * o.len()].chunks_exact(3))
                        .map(|(x, y)| (lab(x), lab(y)))
                        .collect();
                    formula.delta_e_slice(&pairs, o);
                })
            });
        }
        _ => {
            let full: Vec<usize> = lead.iter().copied().chain([3]).collect();
            let (av, bv) = (
                a.broadcast(IxDyn(&full)).expect("shapes broadcast"),
                b.broadcast(IxDyn(&full)).expect("shapes broadcast"),
            );
            let last = Axis(full.len() - 1);
            let pairs: Vec<(Lab, Lab)> = av
                .lanes(last)
                .into_iter()
                .zip(bv.lanes(last))
                .map(|(x, y)| (Lab::new(x[0], x[1], x[2]), Lab::new(y[0], y[1], y[2])))
                .collect();
            py.detach(|| formula.delta_e_batch(&pairs, &mut out));
        }
    }
    let arr = ArrayD::from_shape_vec(IxDyn(&lead), out).expect("one difference per pair");
    Ok(arr.into_pyarray(py))
}

/// Colours of shape (..., 3) converted from one space to another.
#[pyfunction]
#[pyo3(signature = (values, source, target, illuminant = "D65", observer = "2"))]
fn convert<'py>(
    py: Python<'py>,
    values: PyReadonlyArrayDyn<'py, f64>,
    source: &str,
    target: &str,
    illuminant: &str,
    observer: &str,
) -> PyResult<Bound<'py, PyArrayDyn<f64>>> {
    let from = Space::from_name("source", source).map_err(bad)?;
    let to = Space::from_name("target", target).map_err(bad)?;
    let white = viewing(illuminant, observer)?.white();
    let v = values.as_array();
    let shape = v.shape().to_vec();
    if shape.last() != Some(&3) {
        return Err(bad(format!(
            "values: shape {shape:?}, expected (..., 3): one colour per row"
        )));
    }
    let flat: Vec<[f64; 3]> = v
        .lanes(Axis(shape.len() - 1))
        .into_iter()
        .map(|x| [x[0], x[1], x[2]])
        .collect();
    let out: Vec<f64> = py.detach(|| {
        flat.par_iter()
            .flat_map_iter(|&c| convert_one(c, from, to, white))
            .collect()
    });
    let arr = ArrayD::from_shape_vec(IxDyn(&shape), out).expect("three values per colour");
    Ok(arr.into_pyarray(py))
}

/// CIELAB of reflectance spectra, shape (..., bands), measured at `wavelengths` (bands,) nm,
/// by ASTM E308 (the table of the spectra's own interval when it is a regular 1, 5, 10 or 20 nm
/// grid, otherwise the 10 nm table after resampling, as the CLI does).
#[pyfunction]
#[pyo3(signature = (reflectance, wavelengths, illuminant = "D65", observer = "2"))]
fn sd_to_lab<'py>(
    py: Python<'py>,
    reflectance: PyReadonlyArrayDyn<'py, f64>,
    wavelengths: PyReadonlyArrayDyn<'py, f64>,
    illuminant: &str,
    observer: &str,
) -> PyResult<Bound<'py, PyArrayDyn<f64>>> {
    let view = viewing(illuminant, observer)?;
    let wl: Vec<f64> = wavelengths.as_array().iter().copied().collect();
    let r = reflectance.as_array();
    let shape = r.shape().to_vec();
    if wavelengths.as_array().ndim() != 1 || shape.last() != Some(&wl.len()) {
        return Err(bad(format!(
            "reflectance: shape {shape:?}, expected (..., {}): one value per wavelength",
            wl.len()
        )));
    }
    // Checked once: the wavelengths are the same for every spectrum.
    MeasuredSpectrum::new(wl.clone(), vec![0.0; wl.len()]).map_err(bad)?;
    let rows: Vec<Vec<f64>> = r
        .lanes(Axis(shape.len() - 1))
        .into_iter()
        .map(|x| x.to_vec())
        .collect();
    let labs: Result<Vec<[f64; 3]>, String> = py.detach(|| {
        rows.into_par_iter()
            .enumerate()
            .map(|(i, v)| {
                let m = MeasuredSpectrum::new(wl.clone(), v)
                    .map_err(|e| format!("reflectance row {i}: {e}"))?;
                let (_, lab) = view.measured_to_xyz_lab(&m);
                Ok([lab.l, lab.a, lab.b])
            })
            .collect()
    });
    let labs = labs.map_err(bad)?;
    let mut out_shape = shape[..shape.len() - 1].to_vec();
    out_shape.push(3);
    let arr = ArrayD::from_shape_vec(IxDyn(&out_shape), labs.into_iter().flatten().collect())
        .expect("three values per spectrum");
    Ok(arr.into_pyarray(py))
}

/// `tinct appear` as one call: the request as JSON (the fields of
/// `tinct::appearance::AppearRequest`), extra catalog entries as (TOML text, origin) pairs; the
/// report as JSON, exactly what `tinct appear --json` prints.
#[pyfunction]
fn appear(py: Python<'_>, request: &str, catalogs: Vec<(String, String)>) -> PyResult<String> {
    let req: tinct::appearance::AppearRequest =
        tinct::request::from_json(request, "appear").map_err(bad)?;
    let catalog = catalog_with(catalogs)?;
    let report = py
        .detach(|| tinct::appearance::appear_job(&req, &catalog))
        .map_err(bad)?;
    report_json(&report)
}

/// `tinct optics` as one call: the request as JSON (the fields of
/// `tinct::optics::medium::OpticsRequest`, the medium as TOML text); the report as JSON,
/// exactly what `tinct optics --json` prints.
#[pyfunction]
fn optics(py: Python<'_>, request: &str) -> PyResult<String> {
    let req: tinct::optics::medium::OpticsRequest =
        serde_json::from_str(request).map_err(|e| bad(format!("request: {e}")))?;
    let report = py
        .detach(|| tinct::optics::medium::optics_job(&req))
        .map_err(bad)?;
    report_json(&report)
}

/// `tinct fit` on long columns: each row's series key, time, amount and (for `biexp-dose`) dose;
/// the request as JSON (the fields of `tinct::fit::job::FitRequest`). Returns a dict: the row of
/// each series' first measurement (`first_rows`), the parameter table's own columns in order
/// (`columns`, (name, kind, values) with kind float, count, flag or text), `summary`, `fitted`,
/// and the shared fit (`pooled`, JSON) when pooled. Bad input raises ValueError; data of which
/// no series could be fitted, RuntimeError (the CLI's exit 1).
#[pyfunction]
#[pyo3(signature = (keys, t, y, dose, request))]
fn fit<'py>(
    py: Python<'py>,
    keys: Vec<String>,
    t: PyReadonlyArray1<'py, f64>,
    y: PyReadonlyArray1<'py, f64>,
    dose: Option<PyReadonlyArray1<'py, f64>>,
    request: &str,
) -> PyResult<Bound<'py, PyDict>> {
    use tinct::fit::job::{fit_amounts, group_amounts, parameter_columns, FitError, Values};
    let req: tinct::fit::job::FitRequest =
        serde_json::from_str(request).map_err(|e| bad(format!("request: {e}")))?;
    let (t, y) = (t.as_slice()?, y.as_slice()?);
    let dose = match &dose {
        Some(d) => Some(d.as_slice()?),
        None => None,
    };
    let done = py.detach(|| {
        let g = group_amounts(&keys, t, y, dose)?;
        let out = fit_amounts(&g.series, &g.problems, &req, &|_| {})?;
        let n: Vec<usize> = g.series.iter().map(|s| s.t.len()).collect();
        Ok::<_, FitError>((g.first_rows, parameter_columns(&out.rows, &n), out))
    });
    let (first_rows, columns, out) = done.map_err(|e| match e {
        FitError::Input(e) => bad(e),
        FitError::NothingFitted(_) => PyRuntimeError::new_err(e.to_string()),
    })?;
    let cols = PyList::empty(py);
    for (name, values) in columns {
        let item = match values {
            Values::Float(v) => (name, "float", v.into_pyobject(py)?.into_any()),
            Values::Count(v) => (name, "count", v.into_pyobject(py)?.into_any()),
            Values::Flag(v) => (name, "flag", v.into_pyobject(py)?.into_any()),
            Values::Text(v) => (name, "text", v.into_pyobject(py)?.into_any()),
        };
        cols.append(item)?;
    }
    let d = PyDict::new(py);
    d.set_item("first_rows", first_rows)?;
    d.set_item("columns", cols)?;
    d.set_item("summary", &out.summary)?;
    d.set_item("fitted", out.fitted)?;
    let pooled = out
        .pooled
        .map(|p| serde_json::to_string(&p))
        .transpose()
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    d.set_item("pooled", pooled)?;
    Ok(d)
}

/// A job's report as JSON.
fn report_json(report: &impl serde::Serialize) -> PyResult<String> {
    serde_json::to_string(report).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// `tinct match` as one call: the request as JSON (the fields of
/// `tinct::formulate::job::MatchRequest`), extra catalog entries as (TOML text, origin); the
/// report as JSON, exactly what `tinct match --json` prints. No recipe closer than the bare
/// skin raises RuntimeError (the CLI's exit 1).
#[pyfunction]
#[pyo3(name = "match_")]
fn match_(py: Python<'_>, request: &str, catalogs: Vec<(String, String)>) -> PyResult<String> {
    use tinct::formulate::job::{match_job, MatchError, MatchRequest};
    let req: MatchRequest = tinct::request::from_json(request, "match").map_err(bad)?;
    let catalog = catalog_with(catalogs)?;
    let report = py
        .detach(|| match_job(&req, &catalog))
        .map_err(|e| match e {
            MatchError::Input(e) => bad(e),
            other => PyRuntimeError::new_err(other.to_string()),
        })?;
    report_json(&report)
}

/// `tinct plan` as one call (request: the fields of `tinct::plan::PlanRequest`); the report
/// as JSON, exactly what `tinct plan --json` prints.
#[pyfunction]
fn plan(py: Python<'_>, request: &str, catalogs: Vec<(String, String)>) -> PyResult<String> {
    use tinct::plan::{plan_job, PlanError, PlanRequest};
    let req: PlanRequest = tinct::request::from_json(request, "plan").map_err(bad)?;
    let catalog = catalog_with(catalogs)?;
    let report = py
        .detach(|| plan_job(&req, &catalog))
        .map_err(|e| match e {
            PlanError::Input(e) => bad(e),
            other => PyRuntimeError::new_err(other.to_string()),
        })?;
    report_json(&report)
}

/// `tinct fade` as one call (request: the fields of `tinct::fade::job::FadeRequest`); the
/// report as JSON, exactly what `tinct fade --json` prints.
#[pyfunction]
fn fade(py: Python<'_>, request: &str, catalogs: Vec<(String, String)>) -> PyResult<String> {
    use tinct::fade::job::{fade_job, FadeRequest};
    let req: FadeRequest = tinct::request::from_json(request, "fade").map_err(bad)?;
    let catalog = catalog_with(catalogs)?;
    let report = py.detach(|| fade_job(&req, &catalog)).map_err(bad)?;
    report_json(&report)
}

/// `tinct schedule` as one call (request: the fields of
/// `tinct::fade::job::ScheduleRequest`); the report as JSON, exactly what `tinct schedule
/// --json` prints.
#[pyfunction]
fn schedule(py: Python<'_>, request: &str, catalogs: Vec<(String, String)>) -> PyResult<String> {
    use tinct::fade::job::{schedule_job, ScheduleRequest};
    let req: ScheduleRequest = tinct::request::from_json(request, "schedule").map_err(bad)?;
    let catalog = catalog_with(catalogs)?;
    let report = py
        .detach(|| schedule_job(&req, &catalog, &|_| {}))
        .map_err(bad)?;
    report_json(&report)
}

/// `tinct report` as one call (request: the fields of
/// `tinct::report::consultation::ConsultationRequest`); the page, the same HTML `tinct report`
/// writes.
#[pyfunction]
fn report(py: Python<'_>, request: &str, catalogs: Vec<(String, String)>) -> PyResult<String> {
    use tinct::plan::PlanError;
    use tinct::report::consultation::{consultation_job, ConsultationRequest};
    let req: ConsultationRequest = tinct::request::from_json(request, "report").map_err(bad)?;
    let catalog = catalog_with(catalogs)?;
    let page = py
        .detach(|| consultation_job(&req, &catalog))
        .map_err(|e| match e {
            PlanError::Input(e) => bad(e),
            other => PyRuntimeError::new_err(other.to_string()),
        })?;
    Ok(page.html)
}

/// The built-in catalog with extra entries (TOML text, origin).
fn catalog_with(extra: Vec<(String, String)>) -> PyResult<tinct::pigment::Catalog> {
    let mut c = tinct::pigment::Catalog::builtin().clone();
    for (text, origin) in extra {
        c = c.with(tinct::pigment::Pigment::from_toml(&text, &origin).map_err(bad)?);
    }
    Ok(c)
}

/// tinct's version.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[pymodule]
fn _tinct(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(delta_e, m)?)?;
    m.add_function(wrap_pyfunction!(convert, m)?)?;
    m.add_function(wrap_pyfunction!(sd_to_lab, m)?)?;
    m.add_function(wrap_pyfunction!(appear, m)?)?;
    m.add_function(wrap_pyfunction!(optics, m)?)?;
    m.add_function(wrap_pyfunction!(fit, m)?)?;
    m.add_function(wrap_pyfunction!(match_, m)?)?;
    m.add_function(wrap_pyfunction!(plan, m)?)?;
    m.add_function(wrap_pyfunction!(fade, m)?)?;
    m.add_function(wrap_pyfunction!(schedule, m)?)?;
    m.add_function(wrap_pyfunction!(report, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    Ok(())
}
