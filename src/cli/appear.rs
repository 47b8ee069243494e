//! `tinct appear`.

use std::path::PathBuf;

use tinct::appearance::{appear_job, AppearRequest, PigmentDilution, PigmentLoad};
use tinct::colorimetry::spaces::Lch;
use tinct::colorimetry::text::{fmt_num, format_lab, format_lch};
use tinct::colorimetry::Lab;
use tinct::InputError;

use super::{emit, emit_json, swatch, CliError};

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
    /// Also solve the finite dot by the 3-D Monte Carlo, the reference the fast model is checked
    /// against (about 5 s at the default photons; its standard errors are reported), e.g.
    /// --monte-carlo --photons 50000 --seed 7.
    #[arg(long)]
    pub monte_carlo: bool,
    /// Monte Carlo photons per wavelength launched over the dot (at most 1000000); 20000 gives
    /// a standard error of about 0.002 in reflectance.
    #[arg(
        long,
        default_value_t = 20_000,
        value_name = "N",
        requires = "monte_carlo"
    )]
    pub photons: u64,
    /// Monte Carlo seed: the same seed and photons give the same answer on any machine.
    #[arg(
        long,
        default_value_t = 1,
        value_name = "SEED",
        requires = "monte_carlo"
    )]
    pub seed: u64,
    /// Write an SVG swatch of the dot on the skin.
    #[arg(long, value_name = "FILE")]
    pub swatch: Option<PathBuf>,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

fn lab_text(v: [f64; 3]) -> String {
    format_lab(Lab::new(v[0], v[1], v[2]))
}

pub fn run(a: Args) -> Result<(), CliError> {
    if let Some(out) = &a.swatch {
        super::guard_outputs(&[out.as_path()], &a.catalog, &[&a.skin.skin])?;
        super::check_svg("swatch", out)?;
    }
    let catalog = tinct::pigment::Catalog::with_files(&a.catalog)?;
    let req = AppearRequest {
        skin: a.skin.spec()?,
        pigments: a
            .pigments
            .iter()
            .map(|spec| parse_pigment(spec))
            .collect::<Result<_, _>>()?,
        dilutions: a
            .dilutions
            .iter()
            .map(|spec| {
                let (id, ratio) = spec.split_once(':').ok_or_else(|| InputError::Malformed {
                    field: "dilution".into(),
                    value: spec.clone(),
                    expected: "ID:PIGMENT_PARTS:DILUENT_PARTS, e.g. carbon-black:1:6".into(),
                })?;
                Ok(PigmentDilution {
                    pigment: id.to_string(),
                    dilution: ratio.to_string(),
                })
            })
            .collect::<Result<_, InputError>>()?,
        dot: a.dot.spec(&a.packaging)?,
        spacing_mm: a
            .spacing
            .as_deref()
            .map(|t| super::args::parse_mm("spacing", t))
            .transpose()?,
        coverage: a.coverage,
        illuminant: a.illuminant.clone(),
        observer: a.observer.clone(),
        monte_carlo: a.monte_carlo,
        photons: a.photons,
        seed: a.seed,
    };
    let r = appear_job(&req, &catalog)?;
    let mix: Vec<String> = r
        .components
        .iter()
        .map(|c| format!("{} {} g/m^2", c.pigment, fmt_num(c.load_g_m2, 3)))
        .collect();
    let viewing = format!("{}/{}°", r.illuminant, r.observer);
    if let Some(path) = &a.swatch {
        let title = format!(
            "{} at {} mm, {viewing}",
            mix.join(" + "),
            fmt_num(r.depth_mm, 3)
        );
        let svg = match &r.finite {
            Some(f) => tinct::report::finite_dot_svg(
                &title,
                &r.skin.srgb,
                &r.skin.source,
                f.look.diameter_mm,
                &f.look
                    .profile_radius_mm
                    .iter()
                    .cloned()
                    .zip(f.look.profile_srgb.iter().cloned())
                    .collect::<Vec<_>>(),
                &f.look.close_up.srgb,
                &f.look.sheet.srgb,
                f.look
                    .blended
                    .as_ref()
                    .map(|b| (b.spacing_mm, b.coverage, b.seen.srgb.as_str())),
            ),
            None => tinct::report::dots_on_skin_svg(
                &title,
                &r.skin.srgb,
                &r.skin.source,
                &[(lab_text(r.dot.lab), r.dot.srgb.clone())],
            ),
        };
        tinct::io::write_atomic(path, svg.as_bytes())?;
    }
    if a.json {
        return emit_json(&r);
    }
    let lch = Lch {
        l: r.dot.lch[0],
        c: r.dot.lch[1],
        h: r.dot.lch[2],
    };
    let mut s = String::new();
    s.push_str(&format!(
        "dot       {}{}  {}  {}\n",
        swatch(&r.dot.srgb),
        lab_text(r.dot.lab),
        format_lch(lch),
        r.dot.srgb
    ));
    if let Some(f) = r.finite.as_ref().map(|f| &f.look) {
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
    if let Some(m) = r.finite.as_ref().and_then(|f| f.monte_carlo.as_ref()) {
        let sd = m.close_up_lab_std_error;
        s.push_str(&format!(
            "3-D MC    {}{}  {}  close up by the Monte Carlo ({} photons a band, seed {}; standard error L* {}, a* {}, b* {}): dE00 {} from the fast model's\n",
            swatch(&m.close_up.srgb),
            lab_text(m.close_up.lab),
            m.close_up.srgb,
            m.photons,
            m.seed,
            fmt_num(sd[0], 2),
            fmt_num(sd[1], 2),
            fmt_num(sd[2], 2),
            fmt_num(m.fast_delta_e, 2)
        ));
        if let Some(b) = &m.blended {
            s.push_str(&format!(
                "3-D MC    {}{}  {}  afar by the Monte Carlo: dE00 {} from the fast model's; a dot among them close up {} (dE00 {})\n",
                swatch(&b.seen.srgb),
                lab_text(b.seen.lab),
                b.seen.srgb,
                fmt_num(b.fast_delta_e, 2),
                lab_text(b.dot.lab),
                fmt_num(b.dot_fast_delta_e, 2)
            ));
        }
    }
    let fit = r.skin.fit.as_object().map(|f| {
        let n = |k: &str| f.get(k).and_then(serde_json::Value::as_f64);
        format!(
            ", model fitted within dE00 {}{}",
            fmt_num(n("delta_e").unwrap_or(f64::NAN), 2),
            n("spectral_rms")
                .map(|v| format!(" and reflectance RMS {}", fmt_num(v, 4)))
                .unwrap_or_default()
        )
    });
    s.push_str(&format!(
        "skin      {}{}  {}  ITA {}° ({}){}\n",
        swatch(&r.skin.srgb),
        lab_text(r.skin.lab),
        r.skin.srgb,
        fmt_num(r.skin.ita, 1),
        r.skin.ita_class,
        fit.unwrap_or_default()
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
        r.as_dilution
            .as_ref()
            .map(|d| format!(" (ink {d} by the deposition model)"))
            .unwrap_or_default(),
        fmt_num(r.depth_mm, 3),
        fmt_num(r.thickness_mm, 3),
        r.skin.source
    ));
    emit(s.as_bytes())
}

/// `ID:LOAD`, the load in g/m^2.
fn parse_pigment(spec: &str) -> Result<PigmentLoad, InputError> {
    let (id, load) = spec.rsplit_once(':').ok_or_else(|| InputError::Malformed {
        field: "pigment".into(),
        value: spec.to_string(),
        expected: "ID:LOAD with LOAD in g/m^2, e.g. carbon-black:10".into(),
    })?;
    let load: f64 = load.trim().parse().map_err(|_| InputError::Malformed {
        field: format!("pigment {id}"),
        value: load.to_string(),
        expected: "a load in g/m^2".into(),
    })?;
    Ok(PigmentLoad {
        pigment: id.to_string(),
        load_g_m2: load,
    })
}
