//! The consultation page (`tinct report`, issue 17) through the binary and the library: what
//! it shows, that it is one self-contained page, and that bad input leaves nothing written. The
//! page in a real browser (screenshot, A4 and Letter PDF, network) is python/tests/test_report.py.

use crate::common::{fails_with, tinct};

use tinct::pigment::Catalog;
use tinct::plan::PlanRequest;
use tinct::report::consultation::{consultation_job, ConsultationRequest};

fn request(client: &str) -> ConsultationRequest {
    let mut plan: PlanRequest = tinct::request::from_json(
        r#"{"skin": "fitzpatrick:II", "hair": "black", "runs": 100}"#,
        "plan",
    )
    .unwrap();
    plan.seed = 3;
    ConsultationRequest {
        plan,
        client: Some(client.into()),
        first_session: Some("2027-03-15".into()),
        spacing_mm: 1.0,
    }
}

#[test]
fn the_page_holds_the_plan_its_dates_and_its_looks() {
    let c = consultation_job(&request("Jo <Smith> & \"Co\""), Catalog::builtin()).unwrap();
    let html = &c.html;
    assert!(html.starts_with("<!DOCTYPE html>"));
    for section in [
        "client",
        "recommendation",
        "sessions",
        "fading",
        "aftercare",
        "assumptions",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{section}\">")),
            "{section}"
        );
    }
    // The client's name escaped, never as markup.
    assert!(html.contains("Jo &lt;Smith&gt; &amp; &quot;Co&quot;"));
    assert!(!html.contains("<Smith>"));
    // Self-contained: nothing to load, no script.
    for load in [
        "<script", "<link", "<img", "src=", "href=", "url(", "@import",
    ] {
        assert!(!html.contains(load), "{load}");
    }
    // Sessions dated from the first one, 21 days apart.
    for date in ["2027-03-15", "2027-04-05", "2027-04-26"] {
        assert!(html.contains(date), "{date}");
    }
    // The first touch-up's date is the plan's day from the first session.
    let day = c
        .plan
        .plan
        .first_touch_up_day
        .expect("a touch-up within ten years") as i64;
    let (d0, _) = tinct::report::consultation::parse_date("2027-03-15").unwrap();
    let (d1, _) = tinct::report::consultation::parse_date("2031-11-21").unwrap();
    assert_eq!(d1 - d0, day, "the README's client");
    assert!(html.contains("2031-11-21"));
    // Every swatch colour in the list is on the page, and the session looks are the plan's.
    assert!(c.swatches.len() >= 20);
    for (what, hex) in &c.swatches {
        assert!(html.contains(hex.as_str()), "{what} {hex}");
    }
    for s in &c.plan.plan.sessions {
        assert!(html.contains(&c.plan.hex(s.healed_lab)));
    }
    // Right after the last session the dot is darker than healed, close up and from afar;
    // from afar both are between the dot and the bare skin.
    let close =
        |a: &tinct::appearance::AppearReport| a.finite.as_ref().unwrap().look.close_up.lab[0];
    let far = |a: &tinct::appearance::AppearReport| {
        a.finite
            .as_ref()
            .unwrap()
            .look
            .blended
            .as_ref()
            .unwrap()
            .seen
            .lab[0]
    };
    assert!(close(&c.fresh) < close(&c.healed));
    assert!(far(&c.fresh) < far(&c.healed));
    assert!(close(&c.healed) < far(&c.healed) && far(&c.healed) < c.plan.skin.lab[0]);
    // Two alternatives, each further from the target than the recommendation.
    assert_eq!(c.alternatives.len(), 2);
    for a in &c.alternatives {
        assert!(a.delta_e >= c.plan.plan.recipe.delta_e - 1e-9);
    }
    // The other aftercare is poor, and it loses more in healing.
    assert_eq!(c.other_aftercare.plan.aftercare.name, "poor");
    assert!(c.other_aftercare.plan.aftercare.healing_loss > c.plan.plan.aftercare.healing_loss);
}

#[test]
fn the_same_request_gives_the_same_page() {
    let a = consultation_job(&request("A"), Catalog::builtin()).unwrap();
    let b = consultation_job(&request("A"), Catalog::builtin()).unwrap();
    assert_eq!(a.html, b.html);
}

#[test]
fn the_binary_writes_the_page_whole_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("page.html");
    tinct()
        .args([
            "report",
            "--skin",
            "fitzpatrick:IV",
            "--hair",
            "dark-brown",
            "--runs",
            "50",
        ])
        .arg("--output")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::starts_with("wrote "));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.ends_with("</html>\n") && html.contains("fitzpatrick:IV"));
    // Without dates the sessions are days.
    assert!(html.contains("<td>day 21</td>"));
    for (args, says) in [
        (
            vec!["--first-session", "2027-02-30"],
            "first-session: cannot read \"2027-02-30\"",
        ),
        (vec!["--spacing", "0"], "spacing: 0 is out of range"),
        (
            vec!["--dot-diameter", "sheet"],
            "dot-diameter: the page shows dots of their real size",
        ),
        (vec!["--interval", "3x"], "interval: cannot read \"3x\""),
    ] {
        let bad = dir.path().join("bad.html");
        let mut cmd = tinct();
        cmd.args([
            "report",
            "--skin",
            "fitzpatrick:II",
            "--hair",
            "black",
            "--runs",
            "0",
        ])
        .args(&args)
        .arg("--output")
        .arg(&bad);
        fails_with(&mut cmd, says);
        assert!(!bad.exists(), "{args:?} left a file");
    }
    let mut cmd = tinct();
    cmd.args([
        "report",
        "--skin",
        "fitzpatrick:II",
        "--hair",
        "black",
        "--output",
    ])
    .arg(dir.path().join("page.pdf"));
    fails_with(&mut cmd, "output: ");
}
