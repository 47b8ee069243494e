//! `tinct report`.

use std::path::PathBuf;

use tinct::report::consultation::{consultation_job, ConsultationRequest, DEFAULT_SPACING_MM};

use super::plan::{plan_error, PlanFlags};
use super::{emit, CliError};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub plan: PlanFlags,
    /// The client's name as the page shows it.
    #[arg(long, value_name = "NAME")]
    pub client: Option<String>,
    /// The first session's date, YYYY-MM-DD: the sessions and touch-ups get dates, and the
    /// season of the fading follows it (it replaces --start).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub first_session: Option<String>,
    /// Dots this far apart for the look from reading distance (SMP: about 1 mm).
    #[arg(long, default_value_t = DEFAULT_SPACING_MM, value_name = "MM")]
    pub spacing: f64,
    /// The page (HTML); without it the page goes to stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(mut a: Args) -> Result<(), CliError> {
    super::dash_is_stdout(&mut a.output);
    if let Some(out) = &a.output {
        let (files, maybe) = a.plan.inputs();
        super::guard_outputs(&[out.as_path()], &files, &maybe)?;
        check_html(out)?;
    }
    let req = ConsultationRequest {
        plan: a.plan.request()?,
        client: a.client.clone(),
        first_session: a.first_session.clone(),
        spacing_mm: a.spacing,
    };
    let catalog = tinct::pigment::Catalog::with_files(&a.plan.choice.catalog)?;
    let page = consultation_job(&req, &catalog).map_err(plan_error)?;
    match &a.output {
        Some(out) => {
            tinct::io::write_atomic(out, page.html.as_bytes())?;
            emit(
                format!(
                    "wrote {} ({} sessions, first touch-up {})\n",
                    out.display(),
                    page.plan.plan.sessions.len(),
                    page.plan
                        .plan
                        .first_touch_up_day
                        .map_or("none within the horizon".to_string(), |d| format!(
                            "on day {d}"
                        ))
                )
                .as_bytes(),
            )
        }
        None => emit(page.html.as_bytes()),
    }
}

/// The page's path must name an HTML file.
fn check_html(path: &std::path::Path) -> Result<(), tinct::InputError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html" | "htm") => Ok(()),
        _ => Err(tinct::InputError::Invalid {
            field: "output".into(),
            message: format!("{}: the page is HTML; name the file .html", path.display()),
        }),
    }
}
