//! Pictures for people: SVG swatches (later: plots and an HTML consultation report). The
//! functions return the document as text; writing it is the caller's business.

/// Escapes text for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A swatch of dots on skin: a large field of the skin's colour with each dot as a disc on it,
/// labelled underneath, at a size that can be judged on a screen (sRGB, clipped colours as
/// displayed). `dots` are (label, `#rrggbb`).
pub fn dots_on_skin_svg(
    title: &str,
    skin_hex: &str,
    skin_label: &str,
    dots: &[(String, String)],
) -> String {
    let n = dots.len().max(1);
    let cell = 220;
    let width = (cell * n + 40).max(560);
    let height = 330;
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
            "<circle cx=\"{cx}\" cy=\"150\" r=\"70\" fill=\"{hex}\"/>\n\
             <text x=\"{cx}\" y=\"284\" text-anchor=\"middle\">{}</text>\n\
             <text x=\"{cx}\" y=\"302\" text-anchor=\"middle\" fill=\"#555555\">{hex}</text>\n",
            esc(label)
        ));
    }
    out.push_str(&format!(
        "<text x=\"20\" y=\"322\" fill=\"#555555\">skin: {} {skin_hex}</text>\n</svg>\n",
        esc(skin_label)
    ));
    out
}
