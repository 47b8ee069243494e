//! `tinct match` as one library call: a [`MatchRequest`] (the command's flags as fields, with
//! its defaults) in, a [`MatchReport`] (exactly what `tinct match --json` prints) out. Also
//! what `match` and `plan` share: the aim ([`AimSpec`]), the pigments a recipe may use
//! ([`PigmentChoice`], kit files included) and the CIE 15 metamerism index ([`metamerism`]).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::target::{build, Aim, Target};
use super::{search, MatchSpec, Recipe, DEFAULT_TOLERANCE};
use crate::appearance::{appear, Component, DotSpec, PackagingReport, SkinRequest, SkinSpec};
use crate::colorimetry::spaces::{bradford_adapt, lab_to_xyz, xyz_to_lab, xyz_to_srgb};
use crate::colorimetry::text::{fmt_num, format_lab};
use crate::colorimetry::{Illuminant, Lab, Observer, Viewing, WeightingTable, Xyz};
use crate::difference::ciede2000;
use crate::fade::job::Durability;
use crate::optics::skin::{DotPigment, DotSite};
use crate::pigment::{Catalog, Deposition, Pigment};
use crate::InputError;

fn default_intent() -> String {
    "follicle".into()
}
fn default_hair_tolerance() -> f64 {
    crate::hair::TRESS_TOLERANCE
}
fn default_coverage() -> f64 {
    0.5
}

/// What a recipe aims at (`--hair`, `--intent`, `--coverage`, `--scar-skin`, `--target`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct AimSpec {
    /// A hair preset (black, dark-brown) or a measured tress colour such as `lab(20 2 2)`.
    #[serde(default)]
    pub hair: Option<String>,
    /// How far (dE00) the hair shaft model may be from a measured hair colour.
    #[serde(default = "default_hair_tolerance")]
    pub hair_tolerance: f64,
    /// `follicle`, `shading` or `scar`.
    #[serde(default = "default_intent")]
    pub intent: String,
    /// Hair coverage for `shading`, area fraction 0..1.
    #[serde(default = "default_coverage")]
    pub coverage: f64,
    /// The scar's skin for `scar` (default: the client's skin without melanin).
    #[serde(default)]
    pub scar_skin: Option<SkinRequest>,
    /// An explicit target colour instead of an intent, e.g. `lab(35 4 6)`.
    #[serde(default)]
    pub target: Option<String>,
}

impl Default for AimSpec {
    fn default() -> Self {
        AimSpec {
            hair: None,
            hair_tolerance: default_hair_tolerance(),
            intent: default_intent(),
            coverage: default_coverage(),
            scar_skin: None,
            target: None,
        }
    }
}

impl AimSpec {
    /// The aim, with a scar's skin fitted as `skin` says.
    ///
    /// # Errors
    /// An unreadable target colour, an unknown intent or hair, a scar skin out of reach.
    pub fn aim(&self, skin: &SkinSpec, table: &WeightingTable) -> Result<Aim, InputError> {
        let colour = match &self.target {
            Some(t) => Some(
                crate::colorimetry::text::parse(t)
                    .map_err(|e| e.at("target"))?
                    .to_lab(table.white()),
            ),
            None => None,
        };
        let scar_skin = match &self.scar_skin {
            Some(s) if self.intent.trim().eq_ignore_ascii_case("scar") => {
                Some(skin.resolve_other(s, table)?.optics)
            }
            _ => None,
        };
        Aim::from_intent(
            &self.intent,
            colour,
            self.hair.as_deref(),
            self.hair_tolerance,
            self.coverage,
            scar_skin,
        )
    }
}

fn default_max_pigments() -> usize {
    3
}
fn default_parts() -> u32 {
    10
}

/// The pigments a recipe may use (`--pigments`, `--kit`, `--max-pigments`, `--parts`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct PigmentChoice {
    /// Catalog ids (empty: the whole catalog, or the kit's).
    #[serde(default)]
    pub pigments: Vec<String>,
    /// A kit file (TOML): `pigments = ["id", ...]` and optional `[[entries]]`.
    #[serde(default)]
    pub kit: Option<PathBuf>,
    /// Most pigments in one recipe, 1 to 4.
    #[serde(default = "default_max_pigments")]
    pub max_pigments: usize,
    /// Whole parts to mix (0 keeps the exact loads).
    #[serde(default = "default_parts")]
    pub parts: u32,
}

impl Default for PigmentChoice {
    fn default() -> Self {
        PigmentChoice {
            pigments: Vec::new(),
            kit: None,
            max_pigments: default_max_pigments(),
            parts: default_parts(),
        }
    }
}

impl PigmentChoice {
    /// `catalog` with the kit's entries, and the ids chosen (empty: all).
    ///
    /// # Errors
    /// An unreadable or invalid kit.
    pub fn catalog(&self, catalog: &Catalog) -> Result<(Catalog, Vec<String>), InputError> {
        let mut catalog = catalog.clone();
        let mut ids: Vec<String> = self.pigments.iter().map(|s| s.trim().to_string()).collect();
        if let Some(k) = &self.kit {
            let (c, kit_ids) = load_kit(k, catalog)?;
            catalog = c;
            ids.extend(kit_ids);
        }
        Ok((catalog, ids))
    }

    /// The chosen pigments of `catalog` (each once), or all of them.
    ///
    /// # Errors
    /// An unknown id.
    pub fn chosen<'c>(
        catalog: &'c Catalog,
        ids: &[String],
    ) -> Result<Vec<&'c Pigment>, InputError> {
        if ids.is_empty() {
            return Ok(catalog.pigments().iter().collect());
        }
        let mut v: Vec<&Pigment> = Vec::new();
        for id in ids {
            let p = catalog.get(id).map_err(|e| e.at("pigments"))?;
            if !v.iter().any(|q| q.id == p.id) {
                v.push(p);
            }
        }
        Ok(v)
    }
}

/// A kit file: `pigments = ["id", ...]` (catalog ids) and optional `[[entries]]` (catalog
/// entries of its own); `catalog` with the entries, and the kit's ids.
///
/// # Errors
/// An unreadable file, bad TOML, an unknown id, a bad entry, or no pigment at all.
pub fn load_kit(path: &Path, catalog: Catalog) -> Result<(Catalog, Vec<String>), InputError> {
    let name = path.display().to_string();
    let text = crate::io::read_text(path)?;
    let v: toml::Table = toml::from_str(&text).map_err(|e| InputError::Invalid {
        field: name.clone(),
        message: e.message().to_string(),
    })?;
    let mut catalog = catalog;
    let mut ids = Vec::new();
    if let Some(entries) = v.get("entries").and_then(|e| e.as_array()) {
        for (i, e) in entries.iter().enumerate() {
            let t = toml::to_string(e).map_err(|err| InputError::Invalid {
                field: format!("{name}: entries[{i}]"),
                message: err.to_string(),
            })?;
            let p = Pigment::from_toml(&t, &format!("{name}: entries[{i}]"))?;
            ids.push(p.id.clone());
            catalog = catalog.with(p);
        }
    }
    if let Some(list) = v.get("pigments").and_then(|e| e.as_array()) {
        for x in list {
            let id = x.as_str().ok_or_else(|| InputError::Invalid {
                field: format!("{name}: pigments"),
                message: "a list of catalog ids (strings)".into(),
            })?;
            catalog
                .get(id)
                .map_err(|e| e.at(&format!("{name}: pigments")))?;
            ids.push(id.to_string());
        }
    }
    if ids.is_empty() {
        return Err(InputError::Invalid {
            field: name,
            message: "no pigments (give pigments = [\"id\", ...] or [[entries]])".into(),
        });
    }
    Ok((catalog, ids))
}

/// The special metamerism index for a change of illuminant (CIE 015:2004, with a
/// multiplicative correction of the reference mismatch), evaluated with CIEDE2000: the dot
/// under the test illuminant, its XYZ scaled by target/dot under the reference, against the
/// target under the test illuminant: from its spectrum where it has one (`target_test`), else
/// its corresponding colour by Bradford adaptation. Returns (dE00 under the test illuminant
/// without correction, the index).
pub fn metamerism(
    dot_ref: Xyz,
    dot_test: Xyz,
    target_ref: Xyz,
    target_test: Option<Xyz>,
    white_ref: Xyz,
    white_test: Xyz,
) -> (f64, f64) {
    let target_test =
        target_test.unwrap_or_else(|| bradford_adapt(target_ref, white_ref, white_test));
    let corrected = Xyz::new(
        dot_test.x * target_ref.x / dot_ref.x,
        dot_test.y * target_ref.y / dot_ref.y,
        dot_test.z * target_ref.z / dot_ref.z,
    );
    let t = xyz_to_lab(target_test, white_test);
    (
        ciede2000(t, xyz_to_lab(dot_test, white_test), 1.0, 1.0, 1.0),
        ciede2000(t, xyz_to_lab(corrected, white_test), 1.0, 1.0, 1.0),
    )
}

/// What the CIE 15 index in the report is, in words.
pub const METAMERISM_INDEX: &str = "CIE 015:2004 special metamerism index (change in illuminant), multiplicative correction, CIEDE2000; target under the test illuminant from its spectrum (follicle, shading, scar) or, for a --target colour, by Bradford adaptation";

fn default_illuminants() -> Vec<String> {
    vec!["D65".into(), "A".into(), "F11".into()]
}
fn default_observer() -> String {
    "10".into()
}
fn default_top() -> usize {
    5
}
fn default_exposure() -> String {
    "mixed".into()
}
fn default_rank() -> String {
    "closest".into()
}

/// `tinct match` as one library call ([`match_job`]): the mix and dilution that heal to the
/// target in this client's skin.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct MatchRequest {
    #[serde(flatten)]
    pub skin: SkinSpec,
    #[serde(flatten)]
    pub dot: DotSpec,
    #[serde(flatten)]
    pub aim: AimSpec,
    #[serde(flatten)]
    pub choice: PigmentChoice,
    /// Illuminants, the first primary.
    #[serde(default = "default_illuminants")]
    pub illuminants: Vec<String>,
    /// Standard observer: `10` or `2`.
    #[serde(default = "default_observer")]
    pub observer: String,
    /// How many recipes to show.
    #[serde(default = "default_top")]
    pub top: usize,
    /// How close (dE00) a recipe must heal to the target to reach it (default 3).
    #[serde(default)]
    pub tolerance: Option<f64>,
    /// Also predict each recipe after this many years of fading in the `exposure` sun.
    #[serde(default)]
    pub years: Option<f64>,
    #[serde(default = "default_exposure")]
    pub exposure: String,
    /// `ID=GRADE` Blue Wool grades where the catalog has none (for `years`).
    #[serde(default)]
    pub lightfastness: Vec<String>,
    /// `closest` or `durable` (the worst dE00 over `years`).
    #[serde(default = "default_rank")]
    pub rank: String,
    /// Also read each shown recipe's dot by the 3-D Monte Carlo, and rank by it.
    #[serde(default)]
    pub monte_carlo: bool,
    /// Its photons per band and seed.
    #[serde(default = "default_photons")]
    pub photons: u64,
    #[serde(default = "default_seed")]
    pub seed: u64,
}

/// `match --monte-carlo`'s photons per band: 5,000 give L* within about 0.1 (one standard
/// error) and take about 2 s a recipe on 2 cores.
fn default_photons() -> u64 {
    5_000
}
fn default_seed() -> u64 {
    1
}

impl MatchRequest {
    /// A request for `skin` (text) with every other field at its default.
    pub fn new(skin: &str) -> MatchRequest {
        MatchRequest {
            skin: SkinSpec::text(skin),
            dot: DotSpec::default(),
            aim: AimSpec::default(),
            choice: PigmentChoice::default(),
            illuminants: default_illuminants(),
            observer: default_observer(),
            top: default_top(),
            tolerance: None,
            years: None,
            exposure: default_exposure(),
            lightfastness: Vec::new(),
            rank: default_rank(),
            monte_carlo: false,
            photons: default_photons(),
            seed: default_seed(),
        }
    }
}

/// The target in a report.
#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    pub lab: [f64; 3],
    pub what: String,
    pub built: serde_json::Value,
    /// Its sRGB (for pictures; not in the JSON).
    #[serde(skip)]
    pub srgb: String,
}

/// The client's skin in a report.
#[derive(Debug, Clone, Serialize)]
pub struct SkinBrief {
    pub lab: [f64; 3],
    pub source: String,
    pub parameters: serde_json::Value,
    pub fit: serde_json::Value,
    /// Its sRGB (for pictures; not in the JSON).
    #[serde(skip)]
    pub srgb: String,
}

/// A pigment of a shown recipe: its healed load and, mixed, its parts.
#[derive(Debug, Clone, Serialize)]
pub struct RecipeComponent {
    pub pigment: String,
    pub load_g_m2: f64,
    pub parts: Option<u32>,
}

/// A pigment whose fading by light is not modelled, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Unmodelled {
    pub pigment: String,
    pub why: String,
}

/// A recipe after years of fading.
#[derive(Debug, Clone, Serialize)]
pub struct AfterYears {
    pub years: Option<f64>,
    pub delta_e: f64,
    pub worst_delta_e: f64,
    pub exposure: String,
    pub light_not_modelled: Vec<Unmodelled>,
}

/// A shown recipe.
#[derive(Debug, Clone, Serialize)]
pub struct RecipeReport {
    pub after_years: Option<AfterYears>,
    pub components: Vec<RecipeComponent>,
    pub diluent_parts: Option<f64>,
    pub lab: [f64; 3],
    pub srgb: String,
    pub delta_e: f64,
    pub delta_e_exact_loads: f64,
    /// dE00 to the target under each further illuminant, by name.
    pub delta_e_under: serde_json::Map<String, serde_json::Value>,
    /// The CIE 15 special metamerism index under each further illuminant, by name.
    pub metamerism: serde_json::Map<String, serde_json::Value>,
    pub cool_cast_bluer_b: f64,
    /// The same dot by the 3-D Monte Carlo, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monte_carlo: Option<RecipeMonteCarlo>,
}

/// A shown recipe's dot by the 3-D Monte Carlo ([`crate::appearance::monte_carlo_spectra`]):
/// the mean over the finite dot, what the fast model approximates.
#[derive(Debug, Clone, Serialize)]
pub struct RecipeMonteCarlo {
    pub lab: [f64; 3],
    /// Standard errors of L*, a*, b*.
    pub lab_std_error: [f64; 3],
    pub srgb: String,
    /// dE00 to the target.
    pub delta_e: f64,
}

/// How the Monte Carlo of `match --monte-carlo` ran.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MonteCarloRun {
    pub photons: u64,
    pub seed: u64,
}

/// What [`match_job`] answers: exactly what `tinct match --json` prints. The fields skipped
/// in the JSON are what the text and the swatch add.
#[derive(Debug, Clone, Serialize)]
pub struct MatchReport {
    pub target: TargetReport,
    pub skin: SkinBrief,
    pub recipes: Vec<RecipeReport>,
    pub reached: bool,
    pub tolerance: f64,
    pub evaluations: u64,
    pub metamerism_index: &'static str,
    pub illuminants: Vec<String>,
    pub observer: u32,
    pub depth_mm: f64,
    pub dot_diameter_mm: Option<f64>,
    /// Whether the finite dot's fast model is corrected by the 3-D Monte Carlo's tables, which
    /// tinct holds for its built-in skins at the default dot and borrows for like skins and
    /// other needles (`tinct::optics::dot_exact`); where that correction comes from (null for
    /// a sheet).
    pub dot_corrected: bool,
    pub dot_correction: Option<String>,
    pub packaging: PackagingReport,
    /// With `monte_carlo`: the recipes are ranked, and `reached` judged, by the Monte Carlo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monte_carlo: Option<MonteCarloRun>,
    #[serde(skip)]
    pub thickness_mm: f64,
    /// The primary viewing conditions.
    #[serde(skip)]
    pub viewing: Viewing,
    /// Pigment subsets searched and distinct recipes found.
    #[serde(skip)]
    pub subsets: usize,
    #[serde(skip)]
    pub recipes_found: usize,
    /// Ranked by durability over `years`.
    #[serde(skip)]
    pub durable: bool,
    /// Pigments of the shown recipes whose fading by light is not modelled.
    #[serde(skip)]
    pub light_not_modelled: Vec<Unmodelled>,
}

/// Why a match could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MatchError {
    #[error(transparent)]
    Input(#[from] InputError),
    /// Every pigment only moves the dot away from the target: the bare skin is closest.
    #[error("no recipe: the bare skin, {bare}, is closest to {target} (dE00 {delta_e}); no pigment brings the dot closer")]
    NoRecipe {
        target: String,
        bare: String,
        delta_e: String,
    },
}

/// A shown recipe, evaluated once: its spectrum, its colour under every illuminant and its
/// cool cast from one transport solution.
fn evaluate(
    r: &Recipe<'_>,
    skin: &crate::optics::skin::SkinOptics,
    site: &DotSite,
    tables: &[(Illuminant, &WeightingTable)],
    target: Lab,
    target_spectrum: Option<&crate::spectrum::Spectrum>,
) -> Result<RecipeReport, InputError> {
    type Used<'p> = (Vec<(&'p Pigment, f64)>, Option<Vec<u32>>, Option<f64>);
    let (loads_used, parts, n): Used<'_> = match &r.mixed {
        Some(m) => (
            m.loads.clone(),
            Some(m.parts.iter().map(|(_, k)| *k).collect()),
            Some(m.diluent_parts),
        ),
        None => (r.loads.clone(), None, None),
    };
    let comps: Vec<Component<'_>> = loads_used
        .iter()
        .map(|(p, w)| Component {
            pigment: p,
            load_g_m2: *w,
        })
        .collect();
    let (_, ref_table) = tables[0];
    let a = appear(skin, site, &comps, ref_table)?;
    let spectrum = a.dot_spectrum;
    let white_ref = ref_table.white();
    let dot_ref = ref_table.xyz(&spectrum);
    let lab = xyz_to_lab(dot_ref, white_ref);
    let target_ref = lab_to_xyz(target, white_ref);
    let mut delta_e_under = serde_json::Map::new();
    let mut index = serde_json::Map::new();
    for (ill, t) in &tables[1..] {
        let target_test = target_spectrum.map(|r| t.xyz(r));
        let (d, m) = metamerism(
            dot_ref,
            t.xyz(&spectrum),
            target_ref,
            target_test,
            white_ref,
            t.white(),
        );
        delta_e_under.insert(ill.name().to_string(), serde_json::json!(d));
        index.insert(ill.name().to_string(), serde_json::json!(m));
    }
    Ok(RecipeReport {
        after_years: None,
        components: loads_used
            .iter()
            .enumerate()
            .map(|(i, (p, w))| RecipeComponent {
                pigment: p.id.clone(),
                load_g_m2: *w,
                parts: parts.as_ref().map(|v| v[i]),
            })
            .collect(),
        diluent_parts: n,
        lab: [lab.l, lab.a, lab.b],
        srgb: xyz_to_srgb(dot_ref, white_ref).hex(),
        delta_e: ciede2000(lab, target, 1.0, 1.0, 1.0),
        delta_e_exact_loads: r.delta_e,
        delta_e_under,
        metamerism: index,
        cool_cast_bluer_b: a.cool_cast.bluer_b,
        monte_carlo: None,
    })
}

/// `tinct match` as one call: the target built (a follicle of the client's hair seen
/// through their skin, a shading blend, a scar's surroundings, or a colour), every subset of
/// the chosen pigments searched, the best `top` recipes evaluated under every illuminant
/// and, with `years`, faded.
///
/// # Errors
/// [`MatchError::Input`] for bad input; [`MatchError::NoRecipe`] when no pigment brings the
/// dot closer to the target than the bare skin.
pub fn match_job(req: &MatchRequest, catalog: &Catalog) -> Result<MatchReport, MatchError> {
    if let Some(t) = req.tolerance {
        InputError::check_range("tolerance", t, 1e-9, 1e9, "a dE00 above 0")?;
    }
    if req.illuminants.is_empty() {
        return Err(InputError::Invalid {
            field: "illuminants".into(),
            message: "give at least one".into(),
        }
        .into());
    }
    if req.monte_carlo {
        if req.dot.dot_diameter_mm.is_none() {
            return Err(InputError::Invalid {
                field: "monte_carlo".into(),
                message: "the Monte Carlo reads a finite dot, not an infinite sheet".into(),
            }
            .into());
        }
        let max = crate::appearance::MAX_LOOK_PHOTONS;
        InputError::check_range(
            "photons",
            req.photons as f64,
            1.0,
            max as f64,
            &format!("1 to {max} a band"),
        )?;
    }
    let observer: Observer = req.observer.parse()?;
    let mut tables = Vec::new();
    for name in &req.illuminants {
        let ill: Illuminant = name.parse()?;
        tables.push((ill, WeightingTable::for_grid(Viewing::new(ill, observer))));
    }
    let (primary, table) = tables[0];
    let durable = match req.rank.as_str() {
        "closest" => false,
        "durable" => true,
        other => {
            return Err(InputError::Unknown {
                field: "rank".into(),
                kind: "ranking",
                value: other.to_string(),
                known: "closest, durable".into(),
            }
            .into())
        }
    };
    if durable && req.years.is_none() {
        return Err(InputError::Invalid {
            field: "rank".into(),
            message: "--rank durable needs --years N (and --exposure)".into(),
        }
        .into());
    }
    let (catalog, ids) = req.choice.catalog(catalog)?;
    let pigments = PigmentChoice::chosen(&catalog, &ids)?;
    let skin = req.skin.resolve(table)?;
    let skin_lab = table.lab(&skin.optics.reflectance());
    let aim = req.aim.aim(&req.skin, table)?;
    let Target {
        lab: target,
        what,
        spectrum: target_spectrum,
        dot_skin,
        built,
    } = build(&skin.optics, &aim, table)?;
    let site = req.dot.site(&dot_skin)?;
    let spec = MatchSpec {
        site: &site,
        table,
        target,
        pigments,
        max_pigments: req.choice.max_pigments,
        parts: req.choice.parts,
        deposition: Deposition::default(),
    };
    let found = search(&spec)?;
    let recipes = found.recipes;
    if recipes.is_empty() {
        let bare = table.lab(&site.reflectance(&DotPigment::none())?);
        return Err(MatchError::NoRecipe {
            target: format_lab(target),
            bare: format_lab(bare),
            delta_e: fmt_num(ciede2000(bare, target, 1.0, 1.0, 1.0), 2),
        });
    }
    let evaluations = found.evaluations;
    let top = req.top.max(1);
    // Fading: each recipe (as mixed) over the years, against the target.
    let mut order: Vec<usize> = (0..recipes.len()).collect();
    let mut aged: Vec<Option<(f64, f64)>> = vec![None; recipes.len()];
    let mut unmodelled: Vec<(String, String)> = Vec::new();
    if let Some(years) = req.years {
        let d = Durability::new(&catalog, &req.exposure, &req.lightfastness, years)?;
        unmodelled = d.unmodelled(
            recipes
                .iter()
                .take(top)
                .flat_map(|r| r.mixed.as_ref().map_or(&r.loads, |m| &m.loads).iter())
                .map(|(p, _)| p.id.as_str()),
        );
        let considered = if durable { recipes.len() } else { top };
        for (i, r) in recipes.iter().enumerate().take(considered) {
            let loads = r.mixed.as_ref().map_or(&r.loads, |m| &m.loads);
            aged[i] = Some(d.evaluate(&site, table, loads, target)?);
        }
        if durable {
            order.sort_by(|&i, &j| {
                let w = |k: usize| aged[k].map_or(f64::INFINITY, |x| x.1);
                w(i).total_cmp(&w(j))
            });
        }
    }
    let mut shown = Vec::new();
    for &i in order.iter().take(top) {
        let mut e = evaluate(
            &recipes[i],
            &dot_skin,
            &site,
            &tables,
            target,
            target_spectrum.as_ref(),
        )?;
        e.after_years = aged[i].map(|(after, worst)| AfterYears {
            years: req.years,
            delta_e: after,
            worst_delta_e: worst,
            exposure: req.exposure.clone(),
            light_not_modelled: unmodelled
                .iter()
                .filter(|(id, _)| e.components.iter().any(|c| &c.pigment == id))
                .map(|(id, why)| Unmodelled {
                    pigment: id.clone(),
                    why: why.clone(),
                })
                .collect(),
        });
        shown.push(e);
    }
    if req.monte_carlo {
        let d = site.dot_diameter_mm().expect("checked: a finite dot");
        for e in &mut shown {
            let comps = e
                .components
                .iter()
                .map(|c| {
                    Ok(Component {
                        pigment: catalog.get(&c.pigment)?,
                        load_g_m2: c.load_g_m2,
                    })
                })
                .collect::<Result<Vec<_>, InputError>>()?;
            let spectra = crate::appearance::monte_carlo_spectra(
                &site,
                &comps,
                d,
                None,
                req.photons,
                req.seed,
            )?;
            let xyz = table.xyz(&crate::spectrum::Spectrum::new(spectra.mean)?);
            let lab = xyz_to_lab(xyz, table.white());
            e.monte_carlo = Some(RecipeMonteCarlo {
                lab: [lab.l, lab.a, lab.b],
                lab_std_error: crate::appearance::lab_std_error(
                    &spectra.mean,
                    &spectra.std_error,
                    table,
                )?,
                srgb: xyz_to_srgb(xyz, table.white()).hex(),
                delta_e: ciede2000(lab, target, 1.0, 1.0, 1.0),
            });
        }
        if !durable {
            let mc = |e: &RecipeReport| e.monte_carlo.as_ref().map_or(f64::INFINITY, |m| m.delta_e);
            shown.sort_by(|a, b| mc(a).total_cmp(&mc(b)));
        }
    }
    let tolerance = req.tolerance.unwrap_or(DEFAULT_TOLERANCE);
    let ranked = |e: &RecipeReport| e.monte_carlo.as_ref().map_or(e.delta_e, |m| m.delta_e);
    let (parameters, fit) = crate::appearance::skin_json(&skin);
    let packaging = site.packaging();
    Ok(MatchReport {
        target: TargetReport {
            lab: [target.l, target.a, target.b],
            what,
            built,
            srgb: table.srgb_hex(target),
        },
        skin: SkinBrief {
            lab: [skin_lab.l, skin_lab.a, skin_lab.b],
            source: skin.description.clone(),
            parameters,
            fit,
            srgb: table.srgb_hex(skin_lab),
        },
        reached: ranked(&shown[0]) <= tolerance,
        recipes: shown,
        monte_carlo: req.monte_carlo.then_some(MonteCarloRun {
            photons: req.photons,
            seed: req.seed,
        }),
        tolerance,
        evaluations,
        metamerism_index: METAMERISM_INDEX,
        illuminants: req.illuminants.clone(),
        observer: observer.degrees(),
        depth_mm: req.dot.depth_mm,
        dot_diameter_mm: site.dot_diameter_mm(),
        dot_corrected: site.dot_corrected(),
        dot_correction: site.dot_correction().map(str::to_string),
        packaging: PackagingReport {
            cluster_um: packaging.cluster_um,
            fill: packaging.fill,
        },
        thickness_mm: req.dot.thickness_mm,
        viewing: Viewing::new(primary, observer),
        subsets: found.subsets,
        recipes_found: recipes.len(),
        durable,
        light_not_modelled: unmodelled
            .into_iter()
            .map(|(pigment, why)| Unmodelled { pigment, why })
            .collect(),
    })
}
