//! `tinct appear`.

use std::path::PathBuf;

use serde_json::json;

use tinct::appearance::{appear, finite_look, Component};
use tinct::colorimetry::spaces::lab_to_lch;
use tinct::colorimetry::text::{fmt_num, format_lab, format_lch};
use tinct::colorimetry::{Illuminant, Lab, Observer, Viewing, WeightingTable};
use tinct::pigment::{Deposition, Dilution};
use tinct::InputError;

use super::pigments::load_catalog;
use super::{emit, emit_json, skin_json, swatch, CliError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A pigment and its healed load in g/m^2, e.g. carbon-black:10; repeatable for a mix.
    #[arg(long = "pigment", value_name = "ID:LOAD")]
    pub pigments: Vec<String>,
    /// A pigment and its dilution, e.g. carbon-black:1:6 (1 part ink to 6 parts diluent);
    /// converted to a healed load by the deposition model (see `tinct pigments --help`).
    #[arg(long = "dilution", value_name = "ID:P:D")]
    pub dilutions: Vec<String>,
    #[command(flatten)]
    pub skin: super::SkinArgs,
    #[command(flatten)]
    pub packaging: super::PackagingArgs,
    #[command(flatten)]
    pub dot: super::DotArgs,
    /// Illuminant: D65, D50, A, F2, F11 or LED-B3.
    #[arg(long, default_value = "D65", value_name = "NAME")]
    pub illuminant: String,
    /// Standard observer: 10 (CIE 1964, usual for skin colour) or 2.
    #[arg(long, default_value = "10", value_name = "DEGREES")]
    pub observer: String,
    /// Extra catalog entries (TOML); repeatable.
    #[arg(long, value_name = "FILE")]
    pub catalog: Vec<PathBuf>,
    /// Centre-to-centre spacing of the dots (square grid), e.g. 1mm: adds the look of skin and
    /// dots from reading distance. SMP places dots about 1 mm apart (Rassman et al. 2015,
    /// second-hand).
    #[arg(long, value_name = "LENGTH", conflicts_with = "coverage")]
    pub spacing: Option<String>,
    /// The share of the skin the dots cover (0 to 0.785, a square grid of touching dots), an
    /// alternative to --spacing.
    #[arg(long, value_name = "SHARE")]
    pub coverage: Option<f64>,
    /// Write an SVG swatch of the dot on the skin.
    #[arg(long, value_name = "FILE")]
    pub swatch: Option<PathBuf>,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

/// A length such as `0.3mm`, `300um`, `0.3` (mm).
pub fn parse_mm(field: &str, text: &str) -> Result<f64, InputError> {
    let t = text.trim().to_ascii_lowercase();
    let (num, scale) = if let Some(v) = t.strip_suffix("mm") {
        (v, 1.0)
    } else if let Some(v) = t.strip_suffix("um").or_else(|| t.strip_suffix("µm")) {
        (v, 1e-3)
    } else {
        (t.as_str(), 1.0)
    };
    let v: f64 = num.trim().parse().map_err(|_| InputError::Malformed {
        field: field.into(),
        value: text.to_string(),
        expected: "a length such as 0.3mm or 300um".into(),
    })?;
    if !(v.is_finite() && v >= 0.0) {
        return Err(InputError::OutOfRange {
            field: field.into(),
            value: v,
            expected: "a length of at least 0".into(),
        });
    }
    Ok(v * scale)
}

fn lab_text(v: [f64; 3]) -> String {
    format_lab(Lab::new(v[0], v[1], v[2]))
}

pub fn run(a: Args) -> Result<(), CliError> {
    let viewing = Viewing::new(
        a.illuminant.parse::<Illuminant>()?,
        a.observer.parse::<Observer>()?,
    );
    let table = WeightingTable::for_grid(viewing);
    if let Some(out) = &a.swatch {
        super::guard_outputs(&[out.as_path()], &a.catalog, &[&a.skin.skin])?;
        super::check_svg("swatch", out)?;
    }
    let catalog = load_catalog(&a.catalog)?;
    if a.pigments.is_empty() && a.dilutions.is_empty() {
        return Err(InputError::Invalid {
            field: "pigment".into(),
            message: "give at least one --pigment ID:LOAD or --dilution ID:1:N".into(),
        }
        .into());
    }
    let mut components = Vec::new();
    for spec in &a.pigments {
        let (id, load) = spec.rsplit_once(':').ok_or_else(|| InputError::Malformed {
            field: "pigment".into(),
            value: spec.clone(),
            expected: "ID:LOAD with LOAD in g/m^2, e.g. carbon-black:10".into(),
        })?;
        let load: f64 = load.trim().parse().map_err(|_| InputError::Malformed {
            field: format!("pigment {id}"),
            value: load.to_string(),
            expected: "a load in g/m^2".into(),
        })?;
        if !(load.is_finite() && load >= 0.0) {
            return Err(InputError::OutOfRange {
                field: format!("load of {id}"),
                value: load,
                expected: "g/m^2, finite and at least 0".into(),
            }
            .into());
        }
        components.push(Component {
            pigment: catalog.get(id)?,
            load_g_m2: load,
        });
    }
    let deposition = Deposition::default();
    for spec in &a.dilutions {
        let mut parts = spec.splitn(2, ':');
        let id = parts.next().unwrap_or("");
        let ratio = parts.next().ok_or_else(|| InputError::Malformed {
            field: "dilution".into(),
            value: spec.clone(),
            expected: "ID:PIGMENT_PARTS:DILUENT_PARTS, e.g. carbon-black:1:6".into(),
        })?;
        components.push(Component {
            pigment: catalog.get(id).map_err(|e| e.at("dilution"))?,
            load_g_m2: deposition.healed_load(Dilution::parse(ratio)?),
        });
    }
    let (depth, thickness) = a.dot.depth_and_thickness()?;
    let diameter = a.dot.diameter_mm()?;
    if diameter.is_none() && (a.spacing.is_some() || a.coverage.is_some()) {
        return Err(InputError::Invalid {
            field: "spacing".into(),
            message: "--spacing and --coverage need a finite dot, not --dot-diameter sheet".into(),
        }
        .into());
    }
    let skin = a.skin.resolve(table)?;
    let site = a.packaging.apply(skin.optics.site(depth, thickness)?)?;
    let r = appear(&skin.optics, &site, &components, table)?;
    let finite = match diameter {
        None => None,
        Some(d) => {
            let spacing = match (&a.spacing, a.coverage) {
                (Some(t), _) => Some(parse_mm("spacing", t)?),
                (None, Some(c)) => {
                    let max = std::f64::consts::FRAC_PI_4;
                    if !(c.is_finite() && c > 0.0 && c <= max) {
                        return Err(InputError::OutOfRange {
                            field: "coverage".into(),
                            value: c,
                            expected: "above 0, at most 0.785 (touching dots)".into(),
                        }
                        .into());
                    }
                    Some((std::f64::consts::PI * (0.5 * d).powi(2) / c).sqrt())
                }
                (None, None) => None,
            };
            Some(finite_look(
                &skin.optics,
                &site,
                &components,
                d,
                spacing,
                table,
            )?)
        }
    };
    let model = site.medium(&tinct::appearance::pigment_optics(&components)?)?;
    let mix: Vec<String> = components
        .iter()
        .map(|c| format!("{} {} g/m^2", c.pigment.id, fmt_num(c.load_g_m2, 3)))
        .collect();
    // The whole mix as one ink: the dilution whose healed load is the total (when one exists).
    let total: f64 = components.iter().map(|c| c.load_g_m2).sum();
    // Past a million parts of diluent a dilution means nothing (and a subnormal load gives
    // infinite parts).
    let as_dilution = deposition
        .dilution_for(total)
        .ok()
        .filter(|d| d.diluent_parts.is_finite() && d.diluent_parts <= 1e6);
    if let Some(path) = &a.swatch {
        let title = format!("{} at {} mm, {viewing}", mix.join(" + "), fmt_num(depth, 3));
        let svg = match &finite {
            Some(f) => tinct::report::finite_dot_svg(
                &title,
                &r.skin.srgb,
                &skin.description,
                f.diameter_mm,
                &f.profile_radius_mm
                    .iter()
                    .cloned()
                    .zip(f.profile_srgb.iter().cloned())
                    .collect::<Vec<_>>(),
                &f.close_up.srgb,
                &f.sheet.srgb,
                f.blended
                    .as_ref()
                    .map(|b| (b.spacing_mm, b.coverage, b.seen.srgb.as_str())),
            ),
            None => tinct::report::dots_on_skin_svg(
                &title,
                &r.skin.srgb,
                &skin.description,
                &[(lab_text(r.dot.lab), r.dot.srgb.clone())],
            ),
        };
        tinct::io::write_atomic(path, svg.as_bytes())?;
    }
    let dot_lab = Lab::new(r.dot.lab[0], r.dot.lab[1], r.dot.lab[2]);
    let lch = lab_to_lch(dot_lab);
    if a.json {
        let (skin_parameters, skin_fit) = skin_json(&skin);
        return emit_json(&json!({
            "wavelengths_nm": tinct::spectrum::grid_wavelengths().to_vec(),
            "dot": {"lab": r.dot.lab, "lch": [lch.l, lch.c, lch.h], "srgb": r.dot.srgb,
                    "in_srgb_gamut": r.dot.in_srgb_gamut,
                    "reflectance": r.dot_spectrum.values().to_vec()},
            "skin": {
                "lab": r.skin.lab, "srgb": r.skin.srgb, "ita": r.ita,
                "ita_class": r.ita_class.name(), "source": skin.description,
                "parameters": skin_parameters, "fit": skin_fit,
                "reflectance": r.skin_spectrum.values().to_vec(),
            },
            "model": model,
            "contrast_delta_e": r.contrast_delta_e,
            "finite": finite.as_ref().map(|f| {
                let mut v = serde_json::to_value(f).unwrap_or_default();
                v["reflectance"] = json!(f.close_up_spectrum.values().to_vec());
                v
            }),
            "cool_cast": r.cool_cast,
            "components": components.iter().map(|c| json!({"pigment": c.pigment.id, "load_g_m2": c.load_g_m2})).collect::<Vec<_>>(),
            "depth_mm": depth, "thickness_mm": thickness, "packaging": a.packaging.json(),
            "total_load_g_m2": total,
            "as_dilution": as_dilution.map(|d| format!("1:{}", fmt_num(d.diluent_parts, 1))),
            "illuminant": viewing.illuminant.name(), "observer": viewing.observer.degrees(),
        }));
    }
    let mut s = String::new();
    s.push_str(&format!(
        "dot       {}{}  {}  {}\n",
        swatch(&r.dot.srgb),
        lab_text(r.dot.lab),
        format_lch(lch),
        r.dot.srgb
    ));
    if let Some(f) = &finite {
        s.push_str(&format!(
            "close up  {}{}  {}  mean over a {} mm dot, dE00 {} from the skin (the line above is an infinite sheet)\n",
            swatch(&f.close_up.srgb),
            lab_text(f.close_up.lab),
            f.close_up.srgb,
            fmt_num(f.diameter_mm, 3),
            fmt_num(f.close_up_contrast_delta_e, 2)
        ));
        if let Some(b) = &f.blended {
            s.push_str(&format!(
                "afar      {}{}  {}  dots {} mm apart ({} % covered), dE00 {} from the skin; a dot among them close up {}\n",
                swatch(&b.seen.srgb),
                lab_text(b.seen.lab),
                b.seen.srgb,
                fmt_num(b.spacing_mm, 3),
                fmt_num(100.0 * b.coverage, 1),
                fmt_num(b.contrast_delta_e, 2),
                lab_text(b.dot.lab)
            ));
        }
    }
    s.push_str(&format!(
        "skin      {}{}  {}  ITA {}° ({}){}\n",
        swatch(&r.skin.srgb),
        lab_text(r.skin.lab),
        r.skin.srgb,
        fmt_num(r.ita, 1),
        r.ita_class.name(),
        skin.fit
            .as_ref()
            .map(|f| format!(
                ", model fitted within dE00 {}{}",
                fmt_num(f.delta_e, 2),
                f.spectral_rms
                    .map(|r| format!(" and reflectance RMS {}", fmt_num(r, 4)))
                    .unwrap_or_default()
            ))
            .unwrap_or_default()
    ));
    s.push_str(&format!(
        "contrast  dE00 {}\n",
        fmt_num(r.contrast_delta_e, 2)
    ));
    s.push_str(&format!(
        "cool cast {} b* bluer than the skin darkened grey to the dot's lightness \
         (difference toward hue {}°, dE00 {})\n",
        fmt_num(r.cool_cast.bluer_b, 2),
        fmt_num(r.cool_cast.hue_angle_deg, 0),
        fmt_num(r.cool_cast.delta_e, 2)
    ));
    s.push_str(&format!(
        "model     {}{} at {} mm below the dermo-epidermal junction, {} mm thick; skin {}; {viewing}\n",
        mix.join(" + "),
        as_dilution
            .map(|d| format!(" (ink 1:{} by the deposition model)", fmt_num(d.diluent_parts, 1)))
            .unwrap_or_default(),
        fmt_num(depth, 3),
        fmt_num(thickness, 3),
        skin.description
    ));
    emit(s.as_bytes())
}
