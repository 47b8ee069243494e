//! The consultation page (`tinct report`): one self-contained HTML page a practitioner prints
//! and hands to the client. It is made from the plan ([`crate::plan::plan_job`]), the match's
//! alternatives ([`crate::formulate::job::match_job`]), the dot close up and from reading
//! distance ([`crate::appearance::appear_job`]) and the plan once more with the other
//! aftercare; inline CSS and SVG only (no script, nothing loaded), print CSS for A4 and
//! Letter, one column on a phone. Colour appears only in the swatches, each the sRGB of a
//! predicted CIELAB colour (D65-adapted sRGB; out-of-gamut colours clipped).

use serde::{Deserialize, Serialize};

use crate::appearance::{appear_job, AppearReport, AppearRequest, PigmentLoad};
use crate::colorimetry::text::fmt_num;
use crate::dates::{civil_from_days, days_from_civil};
use crate::formulate::job::{match_job, MatchError, MatchRequest, RecipeReport};
use crate::pigment::Catalog;
use crate::plan::{plan_job, PlanError, PlanReport, PlanRequest};
use crate::InputError;

/// Dots this far apart for the look from reading distance unless told otherwise: SMP dots sit
/// "about 1 mm apart (like follicular units of a shaved scalp)" (Rassman et al., J. Clin.
/// Aesthet. Dermatol. 2015;8(3):35-42, read in a summary: second-hand).
pub const DEFAULT_SPACING_MM: f64 = 1.0;

fn default_spacing() -> f64 {
    DEFAULT_SPACING_MM
}

/// `tinct report`: the plan's request, and who and when it is for.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ConsultationRequest {
    #[serde(flatten)]
    pub plan: PlanRequest,
    /// The client's name as the page shows it.
    #[serde(default)]
    pub client: Option<String>,
    /// The first session's date, `YYYY-MM-DD`: the sessions and touch-ups get dates, and the
    /// season of the fading follows it (it replaces `start`).
    #[serde(default)]
    pub first_session: Option<String>,
    /// Dots this far apart, mm, for the look from reading distance.
    #[serde(default = "default_spacing")]
    pub spacing_mm: f64,
}

/// What [`consultation_job`] answers: the page and what it was made from.
#[derive(Debug, Clone, Serialize)]
pub struct Consultation {
    /// The page: one self-contained HTML document.
    #[serde(skip)]
    pub html: String,
    pub plan: PlanReport,
    /// The match's next best recipes (up to two).
    pub alternatives: Vec<RecipeReport>,
    /// The recommended recipe once healed, close up and from reading distance.
    pub healed: AppearReport,
    /// The dot right after the last session (its dermal pigment), likewise.
    pub fresh: AppearReport,
    /// The plan with the other aftercare (good for poor, poor for good or a file).
    pub other_aftercare: PlanReport,
    /// Every swatch of the page: (what, #rrggbb).
    pub swatches: Vec<(String, String)>,
}

/// `YYYY-MM-DD` as (days since 1970-01-01, `MM-DD`).
///
/// # Errors
/// Anything else, or a day the month does not have.
pub fn parse_date(text: &str) -> Result<(i64, String), InputError> {
    let bad = || InputError::Malformed {
        field: "first-session".into(),
        value: text.to_string(),
        expected: "a date YYYY-MM-DD such as 2027-03-15".into(),
    };
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let (y, m, d): (i64, i64, i64) = (
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    );
    if !(1900..=2200).contains(&y) || !(1..=12).contains(&m) || d < 1 {
        return Err(bad());
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if d > month_days[(m - 1) as usize] {
        return Err(bad());
    }
    // The fading's seasons run on a 365-day year: 29 February counts as 28 February.
    let mmdd = if m == 2 && d == 29 {
        "02-28".to_string()
    } else {
        format!("{m:02}-{d:02}")
    };
    Ok((days_from_civil(y, m, d), mmdd))
}

/// Text safe inside HTML elements and attributes.
fn esc(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            c => s.push(c),
        }
    }
    s
}

fn pigment_name(catalog: &Catalog, id: &str) -> String {
    catalog
        .get(id)
        .map_or_else(|_| id.to_string(), |p| p.name.clone())
}

/// An ink as a practitioner reads it: "9 parts carbon black + 1 part iron oxide red".
fn parts_text(catalog: &Catalog, parts: &[(String, u32)]) -> String {
    parts
        .iter()
        .filter(|(_, k)| *k > 0)
        .map(|(id, k)| {
            format!(
                "{k} part{} {}",
                if *k == 1 { "" } else { "s" },
                pigment_name(catalog, id)
            )
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// A dilution as a practitioner reads it.
fn dilution_text(n: f64) -> String {
    if n == 0.0 {
        "undiluted".into()
    } else {
        format!("1 part ink to {} parts diluent", fmt_num(n, 1))
    }
}

fn lab_text(lab: [f64; 3]) -> String {
    format!(
        "L* {} a* {} b* {}",
        fmt_num(lab[0], 1),
        fmt_num(lab[1], 1),
        fmt_num(lab[2], 1)
    )
}

/// A swatch: the dot (a disc) on the skin (a square), or a flat patch when `dot` is None.
fn swatch_svg(id: &str, skin: &str, dot: Option<&str>, size: u32, title: &str) -> String {
    let mut s = format!(
        "<svg class=\"swatch\" id=\"{id}\" role=\"img\" width=\"{size}\" height=\"{size}\" \
         viewBox=\"0 0 {size} {size}\"><title>{}</title>",
        esc(title)
    );
    match dot {
        Some(dot) => {
            let r = f64::from(size) * 0.3;
            let c = f64::from(size) / 2.0;
            s.push_str(&format!(
                "<rect width=\"{size}\" height=\"{size}\" fill=\"{skin}\"/>\
                 <circle cx=\"{c}\" cy=\"{c}\" r=\"{r}\" fill=\"{dot}\"/>"
            ));
        }
        None => s.push_str(&format!(
            "<rect width=\"{size}\" height=\"{size}\" fill=\"{skin}\"/>"
        )),
    }
    s.push_str("</svg>");
    s
}

const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #111; font: 11pt/1.45 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 180mm; margin: 0 auto; padding: 10mm 6mm; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 1px solid #999; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; }
p, ul, dl { margin: 0 0 2mm; }
.meta { color: #444; font-size: 9.5pt; }
dl.client { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 4mm; }
dl.client dt { font-weight: bold; }
dl.client dd { margin: 0; }
.ink { font-size: 14pt; font-weight: bold; margin: 2mm 0; }
.looks { display: flex; flex-wrap: wrap; gap: 4mm; margin: 3mm 0; }
figure { margin: 0; text-align: center; font-size: 9pt; color: #333; break-inside: avoid; }
figure svg.swatch { display: block; margin: 0 auto 1mm; border: 1px solid #999; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; margin: 2mm 0; break-inside: avoid; }
th, td { border-bottom: 1px solid #ccc; padding: 1mm 1.5mm; text-align: left; vertical-align: middle; }
th { font-weight: bold; border-bottom: 1px solid #666; }
td svg.swatch { display: block; border: 1px solid #999; }
.chart svg { width: 100%; height: auto; display: block; }
section { break-inside: avoid-page; }
.small { font-size: 8.5pt; color: #333; }
pre { white-space: pre-wrap; word-break: break-all; font-size: 7.5pt; background: #f4f4f4; padding: 2mm; }
@media (max-width: 600px) {
  main { padding: 4mm 3mm; }
  table { font-size: 8.5pt; }
  th, td { padding: 1mm; }
}
@page { margin: 12mm 10mm; }
@media print {
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  .chart, table, figure, .looks { break-inside: avoid; }
}
"#;

/// `tinct report` as one call: the plan, its alternatives, its looks, and the page.
///
/// # Errors
/// [`PlanError::Input`] for bad input (a date, a spacing, anything the plan refuses);
/// [`PlanError::NoRecipe`] when no pigment brings the dot closer to the target than the skin.
pub fn consultation_job(
    req: &ConsultationRequest,
    catalog: &Catalog,
) -> Result<Consultation, PlanError> {
    InputError::check_range("spacing", req.spacing_mm, 0.01, 100.0, "0.01 to 100 mm")?;
    if req.plan.dot.dot_diameter_mm.is_none() {
        return Err(InputError::Invalid {
            field: "dot-diameter".into(),
            message: "the page shows dots of their real size: give a diameter, not a sheet".into(),
        }
        .into());
    }
    let mut plan_req = req.plan.clone();
    let first_day = match &req.first_session {
        Some(d) => {
            let (day, mmdd) = parse_date(d)?;
            plan_req.start = mmdd;
            Some(day)
        }
        None => None,
    };
    plan_req.curve_every_days = Some(14);
    let plan = plan_job(&plan_req, catalog)?;
    let other_aftercare = {
        let mut r = plan_req.clone();
        r.fading.aftercare = if r.fading.aftercare == "good" {
            "poor".into()
        } else {
            "good".into()
        };
        r.runs = 0;
        r.curve_every_days = None;
        plan_job(&r, catalog)?
    };
    // The alternatives: the same search as the plan's, its next two recipes.
    let alternatives = {
        let mut m = MatchRequest::new("");
        m.skin = plan_req.skin.clone();
        m.dot = plan_req.dot;
        m.aim = plan_req.aim.clone();
        m.choice = plan_req.choice.clone();
        m.illuminants = vec![plan_req.illuminant.clone()];
        m.observer = plan_req.observer.clone();
        m.top = 3;
        match match_job(&m, catalog) {
            Ok(r) => r.recipes.into_iter().skip(1).collect(),
            Err(MatchError::Input(e)) => return Err(e.into()),
            Err(MatchError::NoRecipe { .. }) => Vec::new(),
        }
    };
    // The recipe healed, and the last session's dermal pigment right after it.
    let ids: Vec<String> = plan
        .plan
        .recipe
        .ink
        .parts
        .iter()
        .map(|p| p.pigment.clone())
        .collect();
    let last = plan.plan.sessions.last().expect("a plan has a session");
    let look = |loads: &[f64]| -> Result<AppearReport, InputError> {
        appear_job(
            &AppearRequest {
                skin: plan_req.skin.clone(),
                pigments: ids
                    .iter()
                    .zip(loads)
                    .map(|(id, w)| PigmentLoad {
                        pigment: id.clone(),
                        load_g_m2: *w,
                    })
                    .collect(),
                dilutions: Vec::new(),
                dot: plan_req.dot,
                spacing_mm: Some(req.spacing_mm),
                coverage: None,
                illuminant: plan_req.illuminant.clone(),
                observer: plan_req.observer.clone(),
                monte_carlo: false,
                photons: 0,
                seed: 0,
            },
            catalog,
        )
    };
    let healed = look(&last.healed_loads_g_m2)?;
    let fresh_loads: Vec<f64> = last
        .healed_loads_g_m2
        .iter()
        .zip(&last.deposit_g_m2)
        .map(|(h, d)| {
            h + d
                * (1.0 - plan.plan.kinetics.epidermal_share)
                * (1.0 - plan.plan.kinetics.healing_retained)
        })
        .collect();
    let fresh = look(&fresh_loads)?;
    let mut page = Page {
        req,
        catalog,
        plan: &plan,
        other: &other_aftercare,
        alternatives: &alternatives,
        healed: &healed,
        fresh: &fresh,
        first_day,
        swatches: Vec::new(),
    };
    let html = page.html();
    let swatches = page.swatches;
    Ok(Consultation {
        html,
        plan,
        alternatives,
        healed,
        fresh,
        other_aftercare,
        swatches,
    })
}

struct Page<'a> {
    req: &'a ConsultationRequest,
    catalog: &'a Catalog,
    plan: &'a PlanReport,
    other: &'a PlanReport,
    alternatives: &'a [RecipeReport],
    healed: &'a AppearReport,
    fresh: &'a AppearReport,
    first_day: Option<i64>,
    swatches: Vec<(String, String)>,
}

impl Page<'_> {
    /// A day from the first session as a date, or as "day N".
    fn when(&self, day: f64) -> String {
        match self.first_day {
            Some(d0) => civil_from_days(d0 + day.round() as i64),
            None => format!("day {}", fmt_num(day, 0)),
        }
    }

    fn swatch(&mut self, id: &str, what: &str, dot: Option<&str>, size: u32) -> String {
        let skin = self.plan.skin.srgb.clone();
        let (fill, shown) = match dot {
            Some(d) => (Some(d.to_string()), d.to_string()),
            None => (None, skin.clone()),
        };
        self.swatches.push((what.to_string(), shown));
        swatch_svg(id, &skin, fill.as_deref(), size, what)
    }

    fn patch(&mut self, id: &str, what: &str, colour: &str, size: u32) -> String {
        self.swatches.push((what.to_string(), colour.to_string()));
        swatch_svg(id, colour, None, size, what)
    }

    fn html(&mut self) -> String {
        let mut s = String::new();
        let client = self.req.client.as_deref().unwrap_or("");
        let title = if client.is_empty() {
            "Scalp micropigmentation plan".to_string()
        } else {
            format!("Scalp micropigmentation plan for {client}")
        };
        s.push_str(&format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"tinct {}\">\n<title>{}</title>\n<style>{CSS}</style>\n\
             </head>\n<body>\n<main>\n",
            env!("CARGO_PKG_VERSION"),
            esc(&title)
        ));
        s.push_str(&format!("<header><h1>{}</h1>", esc(&title)));
        s.push_str(&format!(
            "<p class=\"meta\">Predicted with tinct {} from a model of light in this client's \
             skin; the colours are predictions, not photographs.{}</p></header>\n",
            env!("CARGO_PKG_VERSION"),
            self.first_day.map_or(String::new(), |d| format!(
                " First session {}.",
                civil_from_days(d)
            ))
        ));
        s.push_str(&self.client_section());
        s.push_str(&self.recommendation());
        s.push_str(&self.sessions());
        s.push_str(&self.fading());
        s.push_str(&self.aftercare());
        s.push_str(&self.assumptions());
        s.push_str("</main>\n</body>\n</html>\n");
        s
    }

    fn client_section(&mut self) -> String {
        let p = self.plan;
        let skin = &self.healed.skin;
        let aim = &self.req.plan.aim;
        let intent = match aim.target.as_deref() {
            Some(t) => format!("a given colour, {t}"),
            None => match aim.intent.trim().to_ascii_lowercase().as_str() {
                "shading" => format!(
                    "shading: added density, the hair covering {} % of the scalp",
                    fmt_num(100.0 * aim.coverage, 0)
                ),
                "scar" => "a scar pigmented to match the skin around it".into(),
                _ => "follicles: dots that read as shaved hair".into(),
            },
        };
        let mut s = String::from("<section id=\"client\"><h2>The client</h2><dl class=\"client\">");
        if let Some(c) = &self.req.client {
            s.push_str(&format!("<dt>Client</dt><dd>{}</dd>", esc(c)));
        }
        s.push_str(&format!(
            "<dt>Skin</dt><dd>{}: {}, ITA {}° ({})</dd>",
            esc(&skin.source),
            lab_text(skin.lab),
            fmt_num(skin.ita, 0),
            esc(skin.ita_class)
        ));
        s.push_str(&format!(
            "<dt>Hair</dt><dd>{}</dd>",
            esc(aim.hair.as_deref().unwrap_or("not given"))
        ));
        s.push_str(&format!(
            "<dt>Aim</dt><dd>{}; the target: {}, {}</dd>",
            esc(&intent),
            esc(&p.target.what),
            lab_text(p.target.lab)
        ));
        let t = &p.annual;
        s.push_str(&format!(
            "<dt>Sun</dt><dd>{}: {} SED a year received, {} SED on the treated skin</dd>",
            esc(&p.exposure),
            fmt_num(t.personal_sed, 0),
            fmt_num(t.scalp_sed, 0)
        ));
        s.push_str(&format!(
            "<dt>Aftercare</dt><dd>{} (healing takes {} % of each deposit)</dd>",
            esc(&p.plan.aftercare.name),
            fmt_num(100.0 * p.plan.aftercare.healing_loss, 0)
        ));
        s.push_str("</dl></section>\n");
        s
    }

    fn recommendation(&mut self) -> String {
        let p = self.plan;
        let r = &p.plan.recipe;
        let parts: Vec<(String, u32)> = r
            .ink
            .parts
            .iter()
            .map(|x| (x.pigment.clone(), x.parts))
            .collect();
        let mut s = String::from("<section id=\"recommendation\"><h2>The recommended ink</h2>");
        s.push_str(&format!(
            "<p class=\"ink\">{}</p><p>The mix, diluted for each session as the sessions \
             below say. Built up over {} sessions, it heals to {}, {} dE00 from the target \
             (under 1 hardly visible, under 3 a close match).</p>",
            esc(&parts_text(self.catalog, &parts)),
            p.plan.sessions.len(),
            lab_text(r.healed_lab),
            fmt_num(r.delta_e, 1)
        ));
        let dot_mm = self
            .healed
            .finite
            .as_ref()
            .map_or(0.0, |f| f.look.diameter_mm);
        let far = |a: &AppearReport| {
            a.finite
                .as_ref()
                .and_then(|f| f.look.blended.as_ref())
                .map(|b| (b.seen.srgb.clone(), b.coverage))
        };
        let close = |a: &AppearReport| {
            a.finite
                .as_ref()
                .map_or(a.dot.srgb.clone(), |f| f.look.close_up.srgb.clone())
        };
        s.push_str("<div class=\"looks\">");
        let target = p.target.srgb.clone();
        let fresh_close = close(self.fresh);
        let healed_close = close(self.healed);
        let items = [
            (
                "look-target",
                "the target, close up".to_string(),
                Some(target),
            ),
            (
                "look-fresh-close",
                "right after the last session, close up".to_string(),
                Some(fresh_close),
            ),
            (
                "look-healed-close",
                "healed, close up".to_string(),
                Some(healed_close),
            ),
        ];
        for (id, what, dot) in items {
            let svg = self.swatch(id, &what, dot.as_deref(), 120);
            s.push_str(&format!(
                "<figure>{svg}<figcaption>{}</figcaption></figure>",
                esc(&what)
            ));
        }
        let skin_hex = p.skin.srgb.clone();
        let svg = self.patch("look-skin", "the bare skin", &skin_hex, 120);
        s.push_str(&format!(
            "<figure>{svg}<figcaption>the bare skin</figcaption></figure>"
        ));
        let mut coverage = 0.0;
        for (id, what, a) in [
            (
                "look-fresh-far",
                "right after, from reading distance",
                self.fresh,
            ),
            (
                "look-healed-far",
                "healed, from reading distance",
                self.healed,
            ),
        ] {
            if let Some((hex, c)) = far(a) {
                coverage = c;
                let svg = self.patch(id, what, &hex, 120);
                s.push_str(&format!(
                    "<figure>{svg}<figcaption>{}</figcaption></figure>",
                    esc(what)
                ));
            }
        }
        s.push_str("</div>");
        s.push_str(&format!(
            "<p class=\"small\">Close up: one dot {} mm across (the needle's width) on the \
             client's skin, its colour the mean over the dot. From reading distance: the skin \
             with dots {} mm apart, covering {} % of it, blended as the eye sees it from about \
             a metre. Right after: the dermal pigment of the last session before healing takes \
             its share.</p>",
            fmt_num(dot_mm, 2),
            fmt_num(self.req.spacing_mm, 2),
            fmt_num(100.0 * coverage, 0)
        ));
        if !self.alternatives.is_empty() {
            s.push_str(
                "<h3>Alternatives</h3><p>The next best mixes, with the dilution that would heal \
                 to them in a single session:</p><table><thead><tr><th></th><th>ink</th>\
                 <th>dilution</th><th>healed</th><th>dE00 to the target</th></tr></thead><tbody>",
            );
            let alternatives = self.alternatives;
            for (i, a) in alternatives.iter().enumerate() {
                let parts: Vec<(String, u32)> = a
                    .components
                    .iter()
                    .map(|c| (c.pigment.clone(), c.parts.unwrap_or(0)))
                    .collect();
                let what = format!("alternative {}, healed (sheet colour)", i + 2);
                let svg = self.swatch(&format!("alt-{}", i + 2), &what, Some(&a.srgb), 36);
                s.push_str(&format!(
                    "<tr><td>{svg}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&parts_text(self.catalog, &parts)),
                    esc(&dilution_text(a.diluent_parts.unwrap_or(0.0))),
                    lab_text(a.lab),
                    fmt_num(a.delta_e, 1)
                ));
            }
            s.push_str("</tbody></table>");
        }
        s.push_str("</section>\n");
        s
    }

    fn sessions(&mut self) -> String {
        let p = self.plan;
        let mut s = String::from("<section id=\"sessions\"><h2>The sessions</h2>");
        s.push_str(&format!(
            "<p>{} sessions {} days apart, each building the dots to a share of the final \
             pigment. The ink is the same mix each time; the dilution sets the shade.</p>",
            p.plan.sessions.len(),
            p.plan.interval_days
        ));
        s.push_str(
            "<table><thead><tr><th>#</th><th>when</th><th>dilution</th><th>right after</th>\
             <th>healed</th><th>dE00 to the target</th></tr></thead><tbody>",
        );
        let sessions = &p.plan.sessions;
        for x in sessions {
            let fresh = self.plan.hex(x.fresh_lab);
            let healed = self.plan.hex(x.healed_lab);
            let a = self.swatch(
                &format!("session-{}-fresh", x.session),
                &format!("session {} right after", x.session),
                Some(&fresh),
                36,
            );
            let b = self.swatch(
                &format!("session-{}-healed", x.session),
                &format!("session {} healed", x.session),
                Some(&healed),
                36,
            );
            s.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{a}</td><td>{b} healed by {}</td><td>{}</td></tr>",
                x.session,
                self.when(x.day as f64),
                esc(&dilution_text(x.recipe.diluent_parts)),
                self.when(x.healed_day as f64),
                fmt_num(x.delta_e, 1)
            ));
        }
        s.push_str("</tbody></table>");
        s.push_str(&match p.plan.sessions_to_target {
            Some(n) => format!(
                "<p>The healed dots reach the target (within {} dE00) after session {n}.</p>",
                fmt_num(p.plan.reach_tolerance, 1)
            ),
            None => format!(
                "<p>No session reaches the target within {} dE00; the recipe itself heals {} \
                 dE00 from it.</p>",
                fmt_num(p.plan.reach_tolerance, 1),
                fmt_num(p.plan.recipe.delta_e, 1)
            ),
        });
        s.push_str("</section>\n");
        s
    }

    fn fading(&mut self) -> String {
        let p = self.plan;
        let healed_day = p.plan.healed_day as f64;
        let mut s = String::from("<section id=\"fading\"><h2>Fading and touch-ups</h2>");
        let curve: Vec<(f64, f64)> = p
            .plan
            .fading_curve
            .iter()
            .map(|x| (x.day as f64, x.delta_e))
            .collect();
        let years = p.plan.horizon_days as f64 / 365.25;
        let mut swatches = Vec::new();
        let mut y = 0usize;
        while (y as f64) <= years {
            let d = (y as f64 * 365.25).round() as usize;
            if let Some(x) = p.plan.fading_curve.iter().min_by_key(|x| x.day.abs_diff(d)) {
                swatches.push((format!("year {y}"), p.hex(x.lab)));
            }
            y += 1;
        }
        let sessions: Vec<f64> = p
            .plan
            .touch_ups
            .iter()
            .map(|d| *d as f64 - healed_day)
            .collect();
        let band = p.plan.monte_carlo.as_ref().and_then(|m| {
            let f = &m.from_healed;
            match (f.p10_days, f.p50_days) {
                (Some(a), Some(b)) => {
                    Some((a, b, f.p90_days.unwrap_or(p.plan.horizon_days as f64)))
                }
                _ => None,
            }
        });
        let healed_hex = p.hex(p.plan.healed_lab);
        let svg = crate::report::fade_plot_svg(&crate::report::FadePlot {
            title: "how far the dots drift from their healed look (dE00), years after healing",
            curve: &curve,
            tolerance: p.plan.touch_up_tolerance,
            sessions: &sessions,
            swatches: &swatches,
            fresh_hex: &healed_hex,
            skin_hex: &p.skin.srgb,
            first_touch_up_band: band,
        });
        for (what, hex) in &swatches {
            self.swatches.push((format!("fading, {what}"), hex.clone()));
        }
        s.push_str(&format!("<div class=\"chart\">{svg}</div>"));
        match (&p.plan.first_touch_up, &p.plan.monte_carlo) {
            (Some(t), mc) => {
                let parts: Vec<(String, u32)> = t
                    .recipe
                    .parts
                    .iter()
                    .map(|x| (x.pigment.clone(), x.parts))
                    .collect();
                s.push_str(&format!(
                    "<p><strong>First touch-up: {}</strong> (about {} years after the last \
                     session has healed), when the dots have drifted {} dE00 from their healed \
                     look; ink {}, {}.",
                    self.when(t.day as f64),
                    fmt_num((t.day as f64 - healed_day) / 365.25, 1),
                    fmt_num(p.plan.touch_up_tolerance, 1),
                    esc(&parts_text(self.catalog, &parts)),
                    esc(&dilution_text(t.recipe.diluent_parts))
                ));
                if let Some(m) = mc {
                    let d = |v: Option<f64>| {
                        v.map_or("beyond the horizon".to_string(), |x| self.when(x))
                    };
                    s.push_str(&format!(
                        " Over {} runs of what is uncertain (the client's sun, the inks' light \
                         fastness, how fast the skin clears pigment), the first touch-up fell \
                         between {} and {} in eight runs of ten (middle: {}).",
                        m.runs,
                        d(m.p10_day),
                        d(m.p90_day),
                        d(m.p50_day)
                    ));
                }
                s.push_str("</p>");
                if p.plan.touch_ups.len() > 1 {
                    s.push_str(&format!(
                        "<p>Then: {}.</p>",
                        p.plan.touch_ups[1..]
                            .iter()
                            .map(|d| self.when(*d as f64))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
            (None, _) => s.push_str(&format!(
                "<p>No touch-up falls due within {} years.</p>",
                fmt_num(years, 0)
            )),
        }
        s.push_str("</section>\n");
        s
    }

    fn aftercare(&mut self) -> String {
        let p = self.plan;
        let o = self.other;
        let mut s = String::from("<section id=\"aftercare\"><h2>Aftercare</h2>");
        s.push_str("<p>While each session heals (about four weeks):</p><ul>");
        for a in &p.plan.aftercare_advice {
            s.push_str(&format!("<li>{}</li>", esc(a)));
        }
        s.push_str("</ul>");
        let reach = |r: &PlanReport| {
            r.plan
                .sessions_to_target
                .map_or("no session".to_string(), |n| format!("session {n}"))
        };
        let first = |r: &PlanReport| {
            r.plan
                .first_touch_up_day
                .map_or("none within the horizon".to_string(), |d| {
                    format!(
                        "{} years after the first session",
                        fmt_num(d as f64 / 365.25, 1)
                    )
                })
        };
        let last_de = |r: &PlanReport| {
            r.plan
                .sessions
                .last()
                .map_or(String::new(), |x| fmt_num(x.delta_e, 1))
        };
        s.push_str(&format!(
            "<p>What it changes in this prediction: with {} aftercare healing takes {} % of \
             each deposit, the dots reach the target at {} (healed {} dE00 from it) and the \
             first touch-up falls {}; with {} aftercare ({} %), at {} ({} dE00) and {}. The \
             advice is SMP clinics' (second-hand); no study measures its effect, and the \
             {} % for poor aftercare is an assumption.</p>",
            esc(&p.plan.aftercare.name),
            fmt_num(100.0 * p.plan.aftercare.healing_loss, 0),
            reach(p),
            last_de(p),
            first(p),
            esc(&o.plan.aftercare.name),
            fmt_num(100.0 * o.plan.aftercare.healing_loss, 0),
            reach(o),
            last_de(o),
            first(o),
            fmt_num(100.0 * crate::fade::aftercare::POOR_HEALING_LOSS, 0)
        ));
        s.push_str("</section>\n");
        s
    }

    fn assumptions(&mut self) -> String {
        let p = self.plan;
        let mut s = String::from(
            "<section id=\"assumptions\"><h2>How this was predicted</h2><ul class=\"small\">",
        );
        let items = [
            format!(
                "The dots: {} mm across, their top {} mm below the junction of epidermis and \
                 dermis, {} mm thick (SMP needles 0.18-0.30 mm; depth: the top of the papillary \
                 dermis, where SMP aims, the least certain input).",
                fmt_num(p.dot.diameter_mm.unwrap_or(0.0), 2),
                fmt_num(p.dot.depth_mm, 3),
                fmt_num(p.dot.thickness_mm, 2)
            ),
            format!(
                "Light in the skin: exact transport through a layered skin model (epidermis \
                 with melanin, papillary and reticular dermis with blood), the dot's finite size \
                 included{}.",
                if crate::optics::dot::near_surface(
                    p.dot.diameter_mm,
                    p.dot.depth_mm,
                    p.dot.corrected,
                ) {
                    format!(
                        " by a fast model; {} (tinct match --monte-carlo reads the recipes by it)",
                        crate::optics::dot::NEAR_SURFACE_CAVEAT
                    )
                } else {
                    String::new()
                }
            ),
            "Healing: a third of each deposit leaves while the skin heals (Bäumler 2015; Lea & \
             Pawlowski 1987); the sessions build 30, 70, 100 % of the pigment (after Liu et al. \
             2025)."
                .to_string(),
            "Fading: sunlight by the client's sun profile and the inks' light fastness, and a \
             slow clearance calibrated so that a typical client's first touch-up falls at 4.5 \
             years, the middle of what SMP clinics report (3-6 years); no study measures it."
                .to_string(),
            format!(
                "Colours: CIELAB under {} with the {}° observer, shown as sRGB; a screen or a \
                 printer shows them only as well as it is calibrated.",
                p.illuminant, p.observer
            ),
        ];
        for i in items {
            s.push_str(&format!("<li>{}</li>", esc(&i)));
        }
        s.push_str("</ul>");
        let inputs = serde_json::to_string(self.req).unwrap_or_default();
        s.push_str(&format!(
            "<p class=\"small\">Made by tinct {} from these inputs (give them to \
             <code>tinct.report</code> in Python, or the same flags to <code>tinct report</code>, \
             for the same page):</p><pre>{}</pre>",
            env!("CARGO_PKG_VERSION"),
            esc(&inputs)
        ));
        s.push_str("</section>\n");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_bad_ones_are_refused() {
        let (d, mmdd) = parse_date("2027-03-15").unwrap();
        assert_eq!(civil_from_days(d), "2027-03-15");
        assert_eq!(mmdd, "03-15");
        assert_eq!(civil_from_days(d + 21), "2027-04-05");
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(parse_date("2028-02-29").unwrap().1, "02-28");
        for bad in ["2027-02-29", "2027-13-01", "27-03-15", "2027/03/15", ""] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<b>\"Jo\" & 'Al'</b>"),
            "&lt;b&gt;&quot;Jo&quot; &amp; &#39;Al&#39;&lt;/b&gt;"
        );
    }
}
