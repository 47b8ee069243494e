//! The `tinct` command line: argument definitions and output formatting, one file per
//! subcommand. Every subcommand turns its arguments into validated library values, calls the
//! library, and formats the answer; errors come back as [`CliError`] with their exit code.

mod appear;
mod args;
mod calibrate;
mod convert;
mod delta_e;
mod fade;
#[cfg(feature = "tables")]
mod fit;
mod match_cmd;
mod optics;
mod pigments;
mod plan;
mod report;
mod spectrum;

use std::io::Write;
use std::path::Path;

use clap::{Parser, Subcommand};

use tinct::colorimetry::{Illuminant, Observer, Viewing};
use tinct::io::IoError;
use tinct::InputError;

/// Exit code for bad usage or bad input.
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code when the computation itself failed.
pub const EXIT_FAILED: u8 = 1;

/// An error with the exit code it maps to. Its message is one line.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl From<InputError> for CliError {
    fn from(e: InputError) -> Self {
        CliError {
            code: EXIT_BAD_INPUT,
            message: e.to_string(),
        }
    }
}

impl From<IoError> for CliError {
    fn from(e: IoError) -> Self {
        CliError {
            code: EXIT_BAD_INPUT,
            message: e.to_string(),
        }
    }
}

const ABOUT: &str = "Predicts how cosmetic-tattoo (SMP) pigment looks inside skin.\n\n\
Colours are CSS Color 4 text: lab(52 8 14), lch(52 16 60), oklab(0.6 0.02 0.04), \
oklch(0.6 0.05 60), #8a5a44, rgb(138 90 68). Lab and LCh are relative to the white of \
--illuminant and --observer (default D65, 2 degrees).\n\n\
Exit codes: 0 success, 2 bad usage or bad input, 1 the computation failed.";

#[derive(Debug, Parser)]
#[command(name = "tinct", version, about = ABOUT, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert a colour between colour spaces.
    ///
    /// Example: tinct convert "lab(52 8 14)" --to srgb
    Convert(convert::Args),
    /// Colour difference of two colours, or of every row of a CSV of L*a*b* pairs.
    ///
    /// Examples: tinct delta-e "lab(50 2.6772 -79.7751)" "lab(50 0 -82.7485)";
    /// tinct delta-e --input pairs.csv --output out.csv
    #[command(name = "delta-e")]
    DeltaE(delta_e::Args),
    /// XYZ and L*a*b* of reflectance spectra in a CSV (ASTM E308).
    ///
    /// Example: tinct spectrum --input spectra.csv --illuminant D50 --observer 10
    Spectrum(spectrum::Args),
    /// The pigment catalog: list it, or `show ID` with sources and K, S per wavelength.
    ///
    /// Examples: tinct pigments; tinct pigments show carbon-black; tinct pigments --json
    Pigments(pigments::Args),
    /// The pigment mix and dilution that heal to the target in this client's skin.
    ///
    /// Example: tinct match --skin fitzpatrick:III --hair dark-brown
    Match(match_cmd::Args),
    /// The treatment plan: sessions with their ink and dilution, the look after each, and the
    /// first touch-up.
    ///
    /// Example: tinct plan --skin fitzpatrick:II --hair black --sessions 3 --interval 21d
    Plan(plan::Args),
    /// The consultation page: one self-contained HTML page with the client, the ink, the
    /// sessions, the fading and touch-ups, aftercare and the assumptions, to print and hand over.
    ///
    /// Example: tinct report --skin fitzpatrick:II --hair black --client "A. Client"
    /// --first-session 2027-03-15 --output consultation.html
    Report(report::Args),
    /// Exact light transport (adding-doubling) in a layered medium described in a TOML file:
    /// reflectance and transmittance per wavelength, and the colour.
    ///
    /// Example: tinct optics data/examples/skin_black_dot.toml --json
    Optics(optics::Args),
    /// How a pigment dot will look in a client's skin once healed.
    ///
    /// Example: tinct appear --pigment carbon-black:10 --skin fitzpatrick:II --depth 0.3mm
    Appear(appear::Args),
    /// The dot's colour over the years in this client's skin and sun, without touch-ups.
    ///
    /// Example: tinct fade --recipe carbon-black:10 --skin fitzpatrick:III --exposure mixed
    /// --lightfastness carbon-black=8 --years 5
    Fade(fade::FadeArgs),
    /// When touch-ups fall due, with a Monte Carlo over what is uncertain.
    ///
    /// Example: tinct schedule --recipe carbon-black:10 --skin fitzpatrick:III --exposure
    /// outdoor-worker --tolerance 2.0 --runs 1000 --seed 7
    Schedule(fade::ScheduleArgs),
    /// Fit fade kinetics to longitudinal measurements (CSV or Parquet), with 95 % intervals.
    ///
    /// Example: tinct fit measurements.csv --time t_months --value amount --model biexp
    /// --output params.csv
    #[cfg(feature = "tables")]
    Fit(fit::Args),
    /// A supplier's own pigments: optical constants and light fastness from measurements,
    /// written as catalog entries for --catalog.
    #[command(subcommand)]
    Calibrate(calibrate::Calibrate),
    /// Shell completions on stdout: bash, zsh, fish, elvish or powershell.
    ///
    /// Example: tinct completions bash > ~/.local/share/bash-completion/completions/tinct
    Completions {
        /// The shell.
        #[arg(value_name = "SHELL")]
        shell: String,
    },
    /// The manual page (roff) on stdout.
    ///
    /// Example: tinct man > tinct.1 && man ./tinct.1
    Man,
}

/// Illuminant and observer flags shared by the subcommands.
#[derive(Debug, clap::Args)]
pub struct ViewingArgs {
    /// Illuminant: D65, D50, A, F2, F11 or LED-B3.
    #[arg(long, default_value = "D65", value_name = "NAME")]
    pub illuminant: String,
    /// Standard observer: 2 (CIE 1931) or 10 (CIE 1964).
    #[arg(long, default_value = "2", value_name = "DEGREES")]
    pub observer: String,
}

impl ViewingArgs {
    pub fn viewing(&self) -> Result<Viewing, InputError> {
        Ok(Viewing::new(
            self.illuminant.parse::<Illuminant>()?,
            self.observer.parse::<Observer>()?,
        ))
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Convert(a) => convert::run(a),
        Command::DeltaE(a) => delta_e::run(a),
        Command::Spectrum(a) => spectrum::run(a),
        Command::Pigments(a) => pigments::run(a),
        Command::Appear(a) => appear::run(a),
        Command::Optics(a) => optics::run(a),
        Command::Fade(a) => fade::run_fade(a),
        Command::Schedule(a) => fade::run_schedule(a),
        #[cfg(feature = "tables")]
        Command::Fit(a) => fit::run(a),
        Command::Calibrate(c) => calibrate::run(c),
        Command::Match(a) => match_cmd::run(a),
        Command::Plan(a) => plan::run(a),
        Command::Report(a) => report::run(a),
        Command::Completions { shell } => completions(&shell),
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut out)
                .map_err(|e| CliError {
                    code: EXIT_FAILED,
                    message: format!("man page: {e}"),
                })?;
            emit(&out)
        }
    }
}

/// Shell completions for `shell`, generated from the argument definitions.
fn completions(shell: &str) -> Result<(), CliError> {
    use clap_complete::Shell;
    let sh: Shell = shell.parse().map_err(|_| InputError::Unknown {
        field: "shell".into(),
        kind: "shell",
        value: shell.to_string(),
        known: "bash, zsh, fish, elvish, powershell".into(),
    })?;
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(sh, &mut cmd, "tinct", &mut out);
    emit(&out)
}

/// Writes to stdout; a closed pipe (`tinct ... | head`) is not an error.
pub fn emit(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError {
            code: EXIT_FAILED,
            message: format!("stdout: {e}"),
        }),
    }
}

/// Writes a table to `--output` atomically, or to stdout. The output may not be an input.
pub fn write_table(output: Option<&Path>, inputs: &[&Path], bytes: &[u8]) -> Result<(), CliError> {
    match output.filter(|p| *p != Path::new("-")) {
        Some(path) => {
            tinct::io::check_not_input(path, inputs)?;
            tinct::io::write_atomic(path, bytes)?;
            Ok(())
        }
        None => emit(bytes),
    }
}

/// Refuses every output that is one of the inputs: the files named in `inputs` and the texts
/// in `maybe_files` that name an existing file (flags that take a preset or a file).
pub fn guard_outputs(
    outputs: &[&Path],
    inputs: &[std::path::PathBuf],
    maybe_files: &[&str],
) -> Result<(), CliError> {
    let mut all: Vec<std::path::PathBuf> = inputs.to_vec();
    all.extend(
        maybe_files
            .iter()
            .map(std::path::PathBuf::from)
            .filter(|p| p.exists()),
    );
    let refs: Vec<&Path> = all.iter().map(std::path::PathBuf::as_path).collect();
    for out in outputs {
        tinct::io::check_not_input(out, &refs)?;
    }
    Ok(())
}

/// A picture's path must name an SVG file: tinct draws SVG, and SVG text in a `.png` would be
/// a broken file under a promising name.
pub fn check_svg(flag: &str, path: &Path) -> Result<(), InputError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("svg") => Ok(()),
        _ => Err(InputError::Invalid {
            field: flag.into(),
            message: format!(
                "{}: tinct draws SVG; name the file .svg (convert it with any SVG tool, e.g. \
                 rsvg-convert, for a bitmap)",
                path.display()
            ),
        }),
    }
}

/// `--output -` means standard output, as the tools users know have it: the option is cleared
/// so that the command prints where it would without one.
pub fn dash_is_stdout(output: &mut Option<std::path::PathBuf>) {
    if output.as_deref() == Some(Path::new("-")) {
        *output = None;
    }
}

/// A JSON document on stdout.
pub fn emit_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    let mut s = serde_json::to_string_pretty(value).expect("JSON of plain values");
    s.push('\n');
    emit(s.as_bytes())
}

/// A block of the colour `#rrggbb` in 24-bit ANSI colour, when stdout is a terminal and
/// NO_COLOR is not set (https://no-color.org); otherwise nothing.
pub fn swatch(hex: &str) -> String {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || std::env::var_os("NO_COLOR").is_some() {
        return String::new();
    }
    let h = hex.trim_start_matches('#');
    let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
    format!(
        "\x1b[48;2;{};{};{}m      \x1b[0m ",
        byte(0),
        byte(2),
        byte(4)
    )
}

/// The client's skin and how a measured one is fitted; shared by appear, match and fade.
#[derive(clap::Args, Debug, Clone)]
pub struct SkinArgs {
    /// The client's skin: fitzpatrick:I .. fitzpatrick:VI, a measured colour such as
    /// "lab(62 11 17)", or a CSV file with a measured reflectance spectrum (first row). A measured
    /// skin is fitted: melanin, carotene, epidermis, blood and dermal scattering within their
    /// published ranges, to the spectrum's shape and colour (or the colour alone).
    #[arg(long, value_name = "SKIN", allow_hyphen_values = true)]
    pub skin: String,
    /// How far (dE00) a fitted measured skin may be from the measurement.
    #[arg(long, default_value_t = tinct::appearance::DEFAULT_SKIN_TOLERANCE, value_name = "DE00")]
    pub skin_tolerance: f64,
    /// How the measured skin was read: sce (specular excluded, d/8 SCE; the default) or sci
    /// (specular included, as integrating spheres with the specular port closed and NIST's skin
    /// set read). Predictions are specular excluded either way.
    #[arg(long, default_value = "sce", value_name = "SCE|SCI")]
    pub skin_specular: String,
}

impl SkinArgs {
    /// The library's skin spec (a spectrum file read here).
    pub fn spec(&self) -> Result<tinct::appearance::SkinSpec, CliError> {
        Ok(tinct::appearance::SkinSpec {
            skin: skin_request(&self.skin)?,
            skin_tolerance: self.skin_tolerance,
            skin_specular: self.skin_specular.clone(),
        })
    }
}

/// Where the dot sits and how big it is; shared by appear, match and fade. The defaults are
/// `tinct::optics::skin::DEFAULT_DOT_DEPTH_MM` and its neighbours, whose docs give the sources.
#[derive(clap::Args, Debug, Clone)]
pub struct DotArgs {
    /// Depth of the dot's top below the dermo-epidermal junction, e.g. 0mm or 50um. The default
    /// puts it at the top of the papillary dermis, where SMP aims (no measured SMP depth in mm
    /// was found: the least certain default; deeper dots read lighter and bluer).
    #[arg(long, default_value = DEFAULT_DEPTH, value_name = "DEPTH")]
    pub depth: String,
    /// Thickness of the pigmented layer (an assumption; the healed load sets the pigment).
    #[arg(long, default_value = DEFAULT_THICKNESS, value_name = "THICKNESS")]
    pub thickness: String,
    /// Diameter of the healed dot (`--needle` says the same: the needle's width taken as the
    /// dot's); every colour is the mean over a dot of that size, with the light that spreads
    /// under it from the skin around. `sheet`: an infinite sheet, the layered model. SMP needles
    /// are 0.18-0.30 mm, the default 0.25 mm the most used (suppliers' pages, second-hand).
    #[arg(long = "dot-diameter", visible_alias = "needle", default_value = DEFAULT_DIAMETER, value_name = "LENGTH|sheet")]
    pub dot_diameter: String,
    /// Trace the 3-D Monte Carlo's correction of the fast finite-dot model for this skin and
    /// dot (about 3 s). Built in for fitzpatrick:I-VI with 0.25 and 1 mm dots 0-0.3 mm deep,
    /// and borrowed from them by like measured skins, other depths and dots of 0.18-1 mm (the
    /// JSON's correction says which); without it, right under the epidermis, the fast model
    /// reads dots up to about 2.5 dE00 darker than the Monte Carlo.
    #[arg(long = "trace-dot")]
    pub trace_dot: bool,
}

/// The defaults of [`DotArgs`], as typed (the library's constants; a test ties them).
const DEFAULT_DEPTH: &str = "0mm";
const DEFAULT_THICKNESS: &str = "0.1mm";
const DEFAULT_DIAMETER: &str = "0.25mm";

impl DotArgs {
    /// Depth and thickness, mm.
    pub fn depth_and_thickness(&self) -> Result<(f64, f64), InputError> {
        Ok((
            args::parse_mm("depth", &self.depth)?,
            args::parse_mm("thickness", &self.thickness)?,
        ))
    }

    /// The dot's diameter, mm, or None for an infinite sheet.
    pub fn diameter_mm(&self) -> Result<Option<f64>, InputError> {
        if self.dot_diameter.trim().eq_ignore_ascii_case("sheet") {
            return Ok(None);
        }
        args::parse_mm("dot-diameter", &self.dot_diameter).map(Some)
    }

    /// The library's dot spec, packed as `packaging` says.
    pub fn spec(
        &self,
        packaging: &PackagingArgs,
    ) -> Result<tinct::appearance::DotSpec, InputError> {
        let (depth_mm, thickness_mm) = self.depth_and_thickness()?;
        Ok(tinct::appearance::DotSpec {
            depth_mm,
            thickness_mm,
            dot_diameter_mm: self.diameter_mm()?,
            cluster_um: packaging.cluster_um,
            cluster_fill: packaging.cluster_fill,
            trace_dot: self.trace_dot,
        })
    }

    /// The library's dot spec, packed by default (for `fit --lab`, which has no packaging
    /// flags).
    pub fn spec_with_default_packaging(&self) -> Result<tinct::appearance::DotSpec, InputError> {
        let (depth_mm, thickness_mm) = self.depth_and_thickness()?;
        Ok(tinct::appearance::DotSpec {
            depth_mm,
            thickness_mm,
            dot_diameter_mm: self.diameter_mm()?,
            trace_dot: self.trace_dot,
            ..tinct::appearance::DotSpec::default()
        })
    }
}

/// How pigment sits in healed skin; shared by appear, match and fade.
#[derive(clap::Args, Debug, Clone)]
pub struct PackagingArgs {
    /// Diameter of the clusters pigment sits in once healed, in micrometres (0: spread evenly).
    /// The default, 10, is a pigment-laden dermal cell: an assumption, calibrated so that
    /// dilution matters as SMP practice says it does (README, "Pigment in healed skin").
    #[arg(long, default_value_t = tinct::optics::packaging::Packaging::DEFAULT.cluster_um, value_name = "UM", allow_hyphen_values = true)]
    pub cluster_um: f64,
    /// Volume fraction of pigment inside a cluster (an assumption, like --cluster-um).
    #[arg(long, default_value_t = tinct::optics::packaging::Packaging::DEFAULT.fill, value_name = "FRACTION", allow_hyphen_values = true)]
    pub cluster_fill: f64,
}

/// The `--skin` argument as a library request: the text itself, or the spectrum read from the
/// CSV file it names.
pub fn skin_request(text: &str) -> Result<tinct::appearance::SkinRequest, CliError> {
    use tinct::appearance::{SkinInput, SkinRequest};
    Ok(match skin_input(text)? {
        SkinInput::Spectrum(m) => SkinRequest::Spectrum {
            wavelengths_nm: m.wavelengths().to_vec(),
            reflectance: m.values().to_vec(),
        },
        SkinInput::Preset(_) | SkinInput::Colour(_) => SkinRequest::Text(text.to_string()),
    })
}

/// The `--skin` argument: a preset, a colour, or a spectrum CSV file (its first row).
pub fn skin_input(text: &str) -> Result<tinct::appearance::SkinInput, CliError> {
    if let Some(i) = tinct::appearance::SkinInput::parse(text)? {
        return Ok(i);
    }
    let path = std::path::PathBuf::from(text);
    if !path.exists() {
        return Err(InputError::Malformed {
            field: "skin".into(),
            value: text.to_string(),
            expected: "fitzpatrick:I..VI, a colour such as lab(62 11 17), or a spectrum CSV file"
                .into(),
        }
        .into());
    }
    let bytes = tinct::io::read_file(&path)?;
    let t = tinct::io::read_spectra_csv(&bytes, false)
        .map_err(|e| e.at(&path.display().to_string()))?;
    Ok(tinct::appearance::SkinInput::Spectrum(
        t.rows[0].spectrum.clone(),
    ))
}

/// A recipe written `ID:LOAD[,ID:LOAD...]`, loads in g/m^2 (finite, at least 0).
pub fn parse_loads(text: &str) -> Result<Vec<(String, f64)>, InputError> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let (id, load) = part.rsplit_once(':').ok_or_else(|| InputError::Malformed {
            field: "recipe".into(),
            value: part.to_string(),
            expected: "ID:LOAD[,ID:LOAD...] with loads in g/m^2".into(),
        })?;
        let id = id.trim();
        let load: f64 = load.trim().parse().map_err(|_| InputError::Malformed {
            field: format!("recipe: load of {id}"),
            value: load.to_string(),
            expected: "a load in g/m^2".into(),
        })?;
        if !(load.is_finite() && load >= 0.0) {
            return Err(InputError::OutOfRange {
                field: format!("recipe: load of {id}"),
                value: load,
                expected: "g/m^2, finite and at least 0".into(),
            });
        }
        out.push((id.to_string(), load));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_defaults_are_the_librarys() {
        use tinct::optics::skin::{
            DEFAULT_DOT_DEPTH_MM, DEFAULT_DOT_DIAMETER_MM, DEFAULT_DOT_THICKNESS_MM,
        };
        let d = DotArgs {
            depth: DEFAULT_DEPTH.into(),
            thickness: DEFAULT_THICKNESS.into(),
            dot_diameter: DEFAULT_DIAMETER.into(),
            trace_dot: false,
        };
        assert_eq!(
            d.depth_and_thickness().unwrap(),
            (DEFAULT_DOT_DEPTH_MM, DEFAULT_DOT_THICKNESS_MM)
        );
        assert_eq!(d.diameter_mm().unwrap(), Some(DEFAULT_DOT_DIAMETER_MM));
        let sheet = DotArgs {
            dot_diameter: " Sheet ".into(),
            ..d
        };
        assert_eq!(sheet.diameter_mm().unwrap(), None);
    }
}
