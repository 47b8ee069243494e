//! Pictures for people: SVG swatches and plots, and the HTML consultation page
//! ([`consultation`]). The functions return the document as text; writing it is the caller's
//! business.

pub mod consultation;

/// Escapes text for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A swatch of dots on skin: a large field of the skin's colour with each dot as a disc on it,
/// labelled underneath, at a size that can be judged on a screen (sRGB, clipped colours as
/// displayed). `dots` are (label, `#rrggbb`); a label's lines are split at `\n`.
pub fn dots_on_skin_svg(
    title: &str,
    skin_hex: &str,
    skin_label: &str,
    dots: &[(String, String)],
) -> String {
    let n = dots.len().max(1);
    let cell = 220;
    let width = (cell * n + 40).max(560);
    let lines = dots
        .iter()
        .map(|(l, _)| l.lines().count())
        .max()
        .unwrap_or(1)
        .max(1);
    let height = 312 + 18 * lines;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"14\">\n\
         <title>{}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <text x=\"20\" y=\"26\" font-size=\"16\">{}</text>\n\
         <rect x=\"20\" y=\"40\" width=\"{}\" height=\"220\" fill=\"{skin_hex}\"/>\n",
        esc(title),
        esc(title),
        width - 40
    );
    let left = 20 + (width - 40 - cell * n) / 2;
    for (i, (label, hex)) in dots.iter().enumerate() {
        let cx = left + cell * i + cell / 2;
        out.push_str(&format!(
            "<circle cx=\"{cx}\" cy=\"150\" r=\"70\" fill=\"{hex}\"/>\n"
        ));
        let mut y = 284;
        for line in label.lines() {
            out.push_str(&format!(
                "<text x=\"{cx}\" y=\"{y}\" text-anchor=\"middle\">{}</text>\n",
                esc(line)
            ));
            y += 18;
        }
        out.push_str(&format!(
            "<text x=\"{cx}\" y=\"{y}\" text-anchor=\"middle\" fill=\"#555555\">{hex}</text>\n"
        ));
    }
    out.push_str(&format!(
        "<text x=\"20\" y=\"{}\" fill=\"#555555\">skin: {} {skin_hex}</text>\n</svg>\n",
        height - 8,
        esc(skin_label)
    ));
    out
}

/// A finite dot on the skin (`tinct appear --dot-diameter ... --swatch`): close up, the dot
/// drawn at its size with its radial profile (`profile`: (radius mm, `#rrggbb`), each ring out to
/// the next radius) beside the infinite sheet of the same pigment; and, given `pattern`
/// (spacing mm, coverage, `#rrggbb` of the blended look), a 6 x 6 mm patch of such dots at that
/// spacing and the single colour the patch averages to from afar.
#[allow(clippy::too_many_arguments)]
pub fn finite_dot_svg(
    title: &str,
    skin_hex: &str,
    skin_label: &str,
    diameter_mm: f64,
    profile: &[(f64, String)],
    close_up_hex: &str,
    sheet_hex: &str,
    pattern: Option<(f64, f64, &str)>,
) -> String {
    let (width, height) = (760, 360);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"13\">\n\
         <title>{}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <text x=\"20\" y=\"24\" font-size=\"15\">{}</text>\n",
        esc(title),
        esc(title)
    );
    // Close up: the profile's reach (twice the radius) fills 200 px.
    let reach = profile.last().map_or(diameter_mm, |p| p.0).max(diameter_mm);
    let scale = 100.0 / reach; // px per mm
    let (cx, cy) = (130.0, 150.0);
    out.push_str(&format!(
        "<rect x=\"20\" y=\"40\" width=\"220\" height=\"220\" fill=\"{skin_hex}\"/>\n"
    ));
    // Rings from the outside in: ring k spans up to the midpoint to the next radius.
    let edges: Vec<f64> = (0..profile.len())
        .map(|k| {
            if k + 1 < profile.len() {
                0.5 * (profile[k].0 + profile[k + 1].0)
            } else {
                profile[k].0
            }
        })
        .collect();
    for k in (0..profile.len()).rev() {
        out.push_str(&format!(
            "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{:.2}\" fill=\"{}\"/>\n",
            edges[k] * scale,
            profile[k].1
        ));
    }
    out.push_str(&format!(
        "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{:.2}\" fill=\"none\" stroke=\"#ffffff\" \
         stroke-dasharray=\"3 3\" stroke-width=\"0.8\"/>\n\
         <text x=\"130\" y=\"282\" text-anchor=\"middle\">close up: {} mm dot (dashed edge)</text>\n\
         <text x=\"130\" y=\"300\" text-anchor=\"middle\" fill=\"#555555\">mean over it {close_up_hex}</text>\n",
        0.5 * diameter_mm * scale,
        fmt_short(diameter_mm)
    ));
    // The sheet of the same pigment, for comparison.
    out.push_str(&format!(
        "<rect x=\"270\" y=\"40\" width=\"160\" height=\"220\" fill=\"{skin_hex}\"/>\n\
         <circle cx=\"350\" cy=\"150\" r=\"60\" fill=\"{sheet_hex}\"/>\n\
         <text x=\"350\" y=\"282\" text-anchor=\"middle\">as an infinite sheet</text>\n\
         <text x=\"350\" y=\"300\" text-anchor=\"middle\" fill=\"#555555\">{sheet_hex}</text>\n"
    ));
    if let Some((spacing, coverage, blended_hex)) = pattern {
        // 6 x 6 mm at 36 px per mm.
        let px = 216.0 / 6.0;
        out.push_str(&format!(
            "<rect x=\"460\" y=\"40\" width=\"216\" height=\"216\" fill=\"{skin_hex}\"/>\n"
        ));
        let n = ((6.0 / spacing).floor() as usize).max(1);
        let offset = 0.5 * (6.0 - spacing * (n - 1) as f64);
        for i in 0..n {
            for j in 0..n {
                let (x, y) = (
                    460.0 + px * (offset + spacing * i as f64),
                    40.0 + px * (offset + spacing * j as f64),
                );
                out.push_str(&format!(
                    "<circle cx=\"{x:.2}\" cy=\"{y:.2}\" r=\"{:.2}\" fill=\"{close_up_hex}\"/>\n",
                    0.5 * diameter_mm * px
                ));
            }
        }
        out.push_str(&format!(
            "<rect x=\"686\" y=\"40\" width=\"54\" height=\"216\" fill=\"{blended_hex}\"/>\n\
             <text x=\"568\" y=\"282\" text-anchor=\"middle\">6 x 6 mm, dots {} mm apart ({} %)</text>\n\
             <text x=\"600\" y=\"300\" text-anchor=\"middle\" fill=\"#555555\">from afar (right strip) {blended_hex}</text>\n",
            fmt_short(spacing),
            fmt_short(100.0 * coverage)
        ));
    }
    out.push_str(&format!(
        "<text x=\"20\" y=\"340\" fill=\"#555555\">skin: {} {skin_hex}</text>\n</svg>\n",
        esc(skin_label)
    ));
    out
}

/// One session of a plan plot ([`plan_svg`]).
#[derive(Debug, Clone)]
pub struct PlanSwatch {
    /// `session 1 (day 0)`.
    pub label: String,
    /// The ink, as mixed, one line each (e.g. `ink : diluent 1:2`, `9 carbon-black`).
    pub ink: Vec<String>,
    /// The dot right after the session and healed, `#rrggbb`.
    pub fresh_hex: String,
    pub healed_hex: String,
    /// A line under the swatches (`healed: dE00 3.1 to the target`).
    pub caption: String,
}

/// A treatment plan on the client's skin: per session, the dot right after it (top) and healed
/// (bottom), with its ink and caption, and the target at the end of the row.
pub fn plan_svg(title: &str, skin_hex: &str, target_hex: &str, sessions: &[PlanSwatch]) -> String {
    let cell = 230;
    let n = sessions.len() + 1;
    let width = cell * n + 40;
    let lines = sessions.iter().map(|s| s.ink.len()).max().unwrap_or(1);
    let height = 470 + 18 * lines;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"13\">\n\
         <title>{t}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <text x=\"20\" y=\"26\" font-size=\"15\">{t}</text>\n\
         <rect x=\"20\" y=\"60\" width=\"{}\" height=\"300\" fill=\"{skin_hex}\"/>\n\
         <text x=\"14\" y=\"135\" text-anchor=\"end\" transform=\"rotate(-90 14 135)\">fresh</text>\n\
         <text x=\"14\" y=\"285\" text-anchor=\"end\" transform=\"rotate(-90 14 285)\">healed</text>\n",
        width - 40,
        t = esc(title)
    );
    for (i, s) in sessions.iter().enumerate() {
        let cx = 20 + cell * i + cell / 2;
        out.push_str(&format!(
            "<text x=\"{cx}\" y=\"50\" text-anchor=\"middle\">{}</text>\n\
             <circle cx=\"{cx}\" cy=\"135\" r=\"60\" fill=\"{}\"/>\n\
             <circle cx=\"{cx}\" cy=\"285\" r=\"60\" fill=\"{}\"/>\n\
             <text x=\"{cx}\" y=\"385\" text-anchor=\"middle\" fill=\"#555555\">{}</text>\n\
             <text x=\"{cx}\" y=\"405\" text-anchor=\"middle\" fill=\"#555555\">{} / {}</text>\n",
            esc(&s.label),
            s.fresh_hex,
            s.healed_hex,
            esc(&s.caption),
            s.fresh_hex,
            s.healed_hex
        ));
        for (k, line) in s.ink.iter().enumerate() {
            out.push_str(&format!(
                "<text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                430 + 18 * k,
                esc(line)
            ));
        }
    }
    let cx = 20 + cell * sessions.len() + cell / 2;
    out.push_str(&format!(
        "<text x=\"{cx}\" y=\"50\" text-anchor=\"middle\">target</text>\n\
         <circle cx=\"{cx}\" cy=\"285\" r=\"60\" fill=\"{target_hex}\"/>\n\
         <text x=\"{cx}\" y=\"405\" text-anchor=\"middle\" fill=\"#555555\">{target_hex}</text>\n\
         <text x=\"20\" y=\"{}\" fill=\"#555555\">skin {skin_hex}; fresh: right after the session; healed: about a month later</text>\n</svg>\n",
        height - 12
    ));
    out
}

fn fmt_short(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// What a fade plot shows ([`fade_plot_svg`]).
#[derive(Debug, Clone)]
pub struct FadePlot<'a> {
    pub title: &'a str,
    /// (day, dE00 from the freshly healed look).
    pub curve: &'a [(f64, f64)],
    /// The touch-up tolerance, dE00 (a dashed line).
    pub tolerance: f64,
    /// Touch-up days (labelled vertical lines).
    pub sessions: &'a [f64],
    /// The dot at yearly intervals: (label, `#rrggbb`).
    pub swatches: &'a [(String, String)],
    /// The freshly healed dot and the client's skin, `#rrggbb`.
    pub fresh_hex: &'a str,
    pub skin_hex: &'a str,
    /// A Monte Carlo's first touch-up day: (p10, p50, p90), drawn as a band.
    pub first_touch_up_band: Option<(f64, f64, f64)>,
}

/// A fade plot: CIEDE2000 from the freshly healed look over time, the tolerance as a dashed
/// line, each touch-up a labelled vertical line, a Monte Carlo's 10th-90th percentile of the
/// first touch-up as a shaded band with its median, and below it the dot at yearly intervals on
/// a patch of the client's skin, each beside the freshly healed dot (the ring) for reference.
pub fn fade_plot_svg(p: &FadePlot<'_>) -> String {
    let FadePlot {
        title,
        curve,
        tolerance,
        sessions,
        swatches,
        fresh_hex,
        skin_hex,
        first_touch_up_band,
    } = p.clone();
    let (w, h) = (760.0, 300.0);
    let (left, right, top, bottom) = (60.0, 20.0, 40.0, 40.0);
    let pw = w - left - right;
    let ph = h - top - bottom;
    let max_day = curve.iter().map(|p| p.0).fold(1.0, f64::max);
    let max_de = curve
        .iter()
        .map(|p| p.1)
        .fold(tolerance * 1.25, f64::max)
        .max(0.5);
    let x = |d: f64| left + pw * d / max_day;
    let y = |e: f64| top + ph * (1.0 - e / max_de);
    let strip = if swatches.is_empty() { 0.0 } else { 150.0 };
    let total_h = h + strip;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{total_h}\" \
         viewBox=\"0 0 {w} {total_h}\" font-family=\"sans-serif\" font-size=\"13\">\n\
         <title>{t}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <text x=\"{left}\" y=\"24\" font-size=\"15\">{t}</text>\n",
        t = esc(title)
    );
    // Axes, ticks every year and every 1 dE00 (or 5 when the range is large).
    out.push_str(&format!(
        "<path d=\"M{left} {top} V{b} H{r}\" stroke=\"#333333\" fill=\"none\"/>\n",
        b = top + ph,
        r = left + pw
    ));
    let years = (max_day / 365.25).floor() as usize;
    let every = 1 + years / 12;
    for yr in (0..=years).step_by(every) {
        let xx = x(yr as f64 * 365.25);
        out.push_str(&format!(
            "<line x1=\"{xx:.1}\" y1=\"{b}\" x2=\"{xx:.1}\" y2=\"{b2}\" stroke=\"#333333\"/>\
             <text x=\"{xx:.1}\" y=\"{ty}\" text-anchor=\"middle\">{yr}</text>\n",
            b = top + ph,
            b2 = top + ph + 5.0,
            ty = top + ph + 19.0
        ));
    }
    out.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">years</text>\n",
        left + pw / 2.0,
        top + ph + 34.0
    ));
    let step = if max_de > 10.0 { 5.0 } else { 1.0 };
    let mut e = 0.0;
    while e <= max_de + 1e-9 {
        let yy = y(e);
        out.push_str(&format!(
            "<line x1=\"{l5}\" y1=\"{yy:.1}\" x2=\"{left}\" y2=\"{yy:.1}\" stroke=\"#333333\"/>\
             <text x=\"{l8}\" y=\"{ty:.1}\" text-anchor=\"end\">{e}</text>\n",
            l5 = left - 5.0,
            l8 = left - 8.0,
            ty = yy + 4.0
        ));
        e += step;
    }
    out.push_str(&format!(
        "<text x=\"16\" y=\"{}\" transform=\"rotate(-90 16 {})\" text-anchor=\"middle\">dE00 \
         from the fresh look</text>\n",
        top + ph / 2.0,
        top + ph / 2.0
    ));
    let ty = y(tolerance);
    out.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{ty:.1}\" x2=\"{r}\" y2=\"{ty:.1}\" stroke=\"#c0392b\" \
         stroke-dasharray=\"6 4\"/><text x=\"{r}\" y=\"{t2:.1}\" text-anchor=\"end\" \
         fill=\"#c0392b\">tolerance {tolerance}</text>\n",
        r = left + pw,
        t2 = ty - 5.0
    ));
    if let Some((p10, p50, p90)) = first_touch_up_band {
        let (x0, x1) = (x(p10.min(max_day)), x(p90.min(max_day)));
        out.push_str(&format!(
            "<rect x=\"{x0:.1}\" y=\"{top}\" width=\"{bw:.1}\" height=\"{ph}\" fill=\"#2471a3\" \
             fill-opacity=\"0.12\"/><line x1=\"{xm:.1}\" y1=\"{top}\" x2=\"{xm:.1}\" y2=\"{b}\" \
             stroke=\"#2471a3\" stroke-opacity=\"0.5\"/><text x=\"{x0:.1}\" y=\"{ly}\" \
             fill=\"#2471a3\" font-size=\"11\">first touch-up: 80 % of Monte Carlo runs \
             in the band, the line their median</text>\n",
            bw = (x1 - x0).max(1.0),
            xm = x(p50.min(max_day)),
            b = top + ph,
            ly = top - 4.0
        ));
    }
    for (i, s) in sessions.iter().enumerate() {
        let xx = x(*s);
        // Labels near the right edge run leftward, so that they stay on the page.
        let (tx, anchor) = if xx > left + 0.75 * pw {
            (xx - 3.0, "end")
        } else {
            (xx + 3.0, "start")
        };
        out.push_str(&format!(
            "<line x1=\"{xx:.1}\" y1=\"{top}\" x2=\"{xx:.1}\" y2=\"{b}\" stroke=\"#2471a3\" \
             stroke-dasharray=\"2 3\"/><text x=\"{tx:.1}\" y=\"{ty:.1}\" fill=\"#2471a3\" \
             font-size=\"11\" text-anchor=\"{anchor}\">touch-up {n}, year {yr}</text>\n",
            b = top + ph,
            ty = top + 12.0 + 13.0 * (i % 3) as f64,
            n = i + 1,
            yr = fmt_short(*s / 365.25)
        ));
    }
    if !curve.is_empty() {
        let mut d = String::new();
        for (i, (day, de)) in curve.iter().enumerate() {
            d.push_str(&format!(
                "{}{:.1} {:.1}",
                if i == 0 { "M" } else { " L" },
                x(*day),
                y(de.min(max_de))
            ));
        }
        out.push_str(&format!(
            "<path d=\"{d}\" stroke=\"#111111\" stroke-width=\"2\" fill=\"none\"/>\n"
        ));
    }
    if !swatches.is_empty() {
        let n = swatches.len() as f64;
        let cell = (pw / n).min(110.0);
        let sy = h + 10.0;
        out.push_str(&format!(
            "<text x=\"{left}\" y=\"{sy}\">the dot each year on the client's skin (ring: \
             freshly healed)</text>\n<rect x=\"{left}\" y=\"{ry}\" width=\"{rw:.1}\" \
             height=\"{rh}\" fill=\"{skin_hex}\"/>\n",
            ry = sy + 8.0,
            rw = cell * n,
            rh = 118.0
        ));
        for (i, (label, hex)) in swatches.iter().enumerate() {
            let cx = left + cell * (i as f64 + 0.5);
            let r = (cell * 0.4).min(40.0);
            out.push_str(&format!(
                "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"{r2:.1}\" fill=\"{fresh_hex}\"/>\
                 <circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"{r:.1}\" fill=\"{hex}\"/>\
                 <text x=\"{cx:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\">{}</text>\n",
                esc(label),
                cy = sy + 20.0 + r + 6.0,
                r2 = r + 6.0,
                ly = sy + 20.0 + 2.0 * r + 30.0
            ));
        }
    }
    out.push_str("</svg>\n");
    out
}

/// A point of a fitted curve: (time, value, 95 % band).
pub type CurvePoint = (f64, f64, Option<(f64, f64)>);

/// One series of a fit plot.
#[derive(Debug, Clone)]
pub struct FitPanel {
    pub title: String,
    /// Measured (time, value).
    pub points: Vec<(f64, f64)>,
    /// Fitted (time, value, 95 % band); empty when the fit is not of the plotted value.
    pub curve: Vec<CurvePoint>,
}

/// Small multiples: per series the data points, the fitted curve and its 95 % band.
pub fn fit_plot_svg(panels: &[FitPanel], x_label: &str, y_label: &str) -> String {
    let (pw, ph) = (340.0, 220.0);
    let cols = panels.len().clamp(1, 2);
    let rows = panels.len().div_ceil(2).max(1);
    let legend = 26.0;
    let (w, h) = (pw * cols as f64 + 20.0, ph * rows as f64 + 20.0 + legend);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <circle cx=\"24\" cy=\"17\" r=\"3.5\" fill=\"#c0392b\"/>\
         <text x=\"32\" y=\"21\">measured</text>\n\
         <path d=\"M100 17 H124\" stroke=\"#1b4f72\" stroke-width=\"2\"/>\
         <text x=\"130\" y=\"21\">fitted model</text>\n\
         <rect x=\"220\" y=\"11\" width=\"24\" height=\"12\" fill=\"#aed6f1\"/>\
         <text x=\"250\" y=\"21\">95 % band of the fitted curve</text>\n"
    );
    for (i, p) in panels.iter().enumerate() {
        let ox = 10.0 + pw * (i % 2) as f64;
        let oy = 10.0 + legend + ph * (i / 2) as f64;
        let (l, r, t, b) = (ox + 50.0, ox + pw - 15.0, oy + 25.0, oy + ph - 35.0);
        let xs = p
            .points
            .iter()
            .map(|q| q.0)
            .chain(p.curve.iter().map(|c| c.0));
        let x_max = xs.fold(0.0f64, f64::max).max(1e-12);
        let ys: Vec<f64> = p
            .points
            .iter()
            .map(|q| q.1)
            .chain(p.curve.iter().flat_map(|c| {
                let (lo, hi) = c.2.unwrap_or((c.1, c.1));
                [c.1, lo, hi]
            }))
            .filter(|v| v.is_finite())
            .collect();
        let y_min = ys.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
        let y_max = ys
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
            .max(y_min + 1e-9);
        let x = |v: f64| l + (r - l) * v / x_max;
        let y = |v: f64| b - (b - t) * (v - y_min) / (y_max - y_min);
        out.push_str(&format!(
            "<text x=\"{l}\" y=\"{}\" font-size=\"13\">{}</text>\n\
             <path d=\"M{l} {t} V{b} H{r}\" stroke=\"#333333\" fill=\"none\"/>\n\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n\
             <text x=\"{}\" y=\"{}\" transform=\"rotate(-90 {} {})\" text-anchor=\"middle\">{}</text>\n",
            oy + 15.0,
            esc(&p.title),
            (l + r) / 2.0,
            b + 28.0,
            esc(x_label),
            ox + 12.0,
            (t + b) / 2.0,
            ox + 12.0,
            (t + b) / 2.0,
            esc(y_label)
        ));
        // Round-number ticks on both axes, with faint grid lines.
        for v in nice_ticks(0.0, x_max) {
            let xx = x(v);
            out.push_str(&format!(
                "<line x1=\"{xx:.1}\" y1=\"{t}\" x2=\"{xx:.1}\" y2=\"{b}\" stroke=\"#eeeeee\"/>\
                 <line x1=\"{xx:.1}\" y1=\"{b}\" x2=\"{xx:.1}\" y2=\"{}\" stroke=\"#333333\"/>\
                 <text x=\"{xx:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                b + 4.0,
                b + 15.0,
                fmt_tick(v)
            ));
        }
        for v in nice_ticks(y_min, y_max) {
            let yy = y(v);
            out.push_str(&format!(
                "<line x1=\"{l}\" y1=\"{yy:.1}\" x2=\"{r}\" y2=\"{yy:.1}\" stroke=\"#eeeeee\"/>\
                 <line x1=\"{}\" y1=\"{yy:.1}\" x2=\"{l}\" y2=\"{yy:.1}\" stroke=\"#333333\"/>\
                 <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
                l - 4.0,
                l - 6.0,
                yy + 4.0,
                fmt_tick(v)
            ));
        }
        let band: Vec<(f64, f64, f64)> = p
            .curve
            .iter()
            .filter_map(|c| c.2.map(|(lo, hi)| (c.0, lo, hi)))
            .collect();
        if band.len() > 1 {
            let mut d = String::new();
            for (k, (tx, _, hi)) in band.iter().enumerate() {
                d.push_str(&format!(
                    "{}{:.1} {:.1} ",
                    if k == 0 { "M" } else { "L" },
                    x(*tx),
                    y(*hi)
                ));
            }
            for (tx, lo, _) in band.iter().rev() {
                d.push_str(&format!("L{:.1} {:.1} ", x(*tx), y(*lo)));
            }
            out.push_str(&format!(
                "<path d=\"{d}Z\" fill=\"#aed6f1\" stroke=\"none\"/>\n"
            ));
        }
        if p.curve.len() > 1 {
            let mut d = String::new();
            for (k, c) in p.curve.iter().enumerate() {
                d.push_str(&format!(
                    "{}{:.1} {:.1} ",
                    if k == 0 { "M" } else { "L" },
                    x(c.0),
                    y(c.1)
                ));
            }
            out.push_str(&format!(
                "<path d=\"{d}\" stroke=\"#1b4f72\" stroke-width=\"2\" fill=\"none\"/>\n"
            ));
        }
        for (px, py) in &p.points {
            if px.is_finite() && py.is_finite() {
                out.push_str(&format!(
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"#c0392b\"/>\n",
                    x(*px),
                    y(*py)
                ));
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

fn fmt_tick(v: f64) -> String {
    crate::colorimetry::text::fmt_num(v, 3)
}

/// Round-number ticks from `lo` to `hi`: steps of 1, 2, 2.5 or 5 times a power of ten, about
/// five of them.
fn nice_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return vec![lo];
    }
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(nice_ticks(0.0, 36.0), vec![0.0, 10.0, 20.0, 30.0]);
        assert_eq!(
            nice_ticks(0.0, 1.0),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
        assert_eq!(nice_ticks(0.0, 1.023), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(nice_ticks(5.0, 5.0), vec![5.0]);
        assert_eq!(nice_ticks(0.0, f64::NAN), vec![0.0]);
        for (lo, hi) in [(0.0, 7.3), (-2.0, 3.0), (0.0, 1e-3), (0.0, 3650.0)] {
            let t = nice_ticks(lo, hi);
            assert!((3..=11).contains(&t.len()), "{lo} {hi}: {t:?}");
            assert!(t.iter().all(|v| *v >= lo - 1e-12 && *v <= hi + 1e-9));
        }
    }

    #[test]
    fn fit_plots_have_a_legend_and_ticks() {
        let panel = FitPanel {
            title: "1 (mono)".into(),
            points: vec![(0.0, 1.0), (12.0, 0.5), (36.0, 0.2)],
            curve: (0..=10)
                .map(|k| {
                    let x = 3.6 * f64::from(k);
                    (
                        x,
                        (-0.05 * x).exp(),
                        Some((0.9 * (-0.05 * x).exp(), 1.1 * (-0.05 * x).exp())),
                    )
                })
                .collect(),
        };
        let svg = fit_plot_svg(&[panel], "t_months", "amount");
        for needle in [
            "measured",
            "fitted model",
            "95 % band",
            ">30</text>",
            ">0.5</text>",
        ] {
            assert!(svg.contains(needle), "{needle}");
        }
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }
}
