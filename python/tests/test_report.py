"""The consultation page (issue 17) in a real browser: Chromium (the Debian package CI installs)
renders tinct.report's page headless to PNG and to PDF on A4 and Letter. Checked: the page is
the binary's, not blank, its swatches are the predicted sRGB to 2/255 in the screenshot, nothing
is cut off on either paper, and it loads nothing from the network."""

import os
import pathlib
import re
import shutil
import subprocess

import numpy as np
import pytest

import tinct

ROOT = pathlib.Path(__file__).resolve().parents[2]
REQUEST = dict(skin="fitzpatrick:II", hair="black", client="A. Client <a&b>", first_session="2027-03-15", runs=200)
FLAGS = [
    "report", "--skin", "fitzpatrick:II", "--hair", "black", "--client", "A. Client <a&b>",
    "--first-session", "2027-03-15", "--runs", "200",
]
# What a page needs to look right and no more: no background networking, a fixed scale and
# sRGB output, so that a pixel is the colour the page asks for.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
    "--force-device-scale-factor=1", "--force-color-profile=srgb",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--no-first-run", "--disable-extensions",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--disable-features=Translate,OptimizationHints,MediaRouter,SpellCheck",
]


def chromium():
    exe = os.environ.get("CHROMIUM") or next(
        (e for e in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if e), None
    )
    if not exe:
        assert os.environ.get("CI") != "true", "CI: chromium is not installed"
        pytest.skip("no chromium (apt-get install chromium)")
    return exe


def render(tmp, html_path, *args):
    profile = tmp / f"profile-{len(list(tmp.iterdir()))}"
    subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, html_path.as_uri()],
        check=True, capture_output=True, timeout=180,
    )


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    pytest.importorskip("PIL")
    tmp = tmp_path_factory.mktemp("report")
    html = tinct.report(**REQUEST)
    path = tmp / "consultation.html"
    path.write_text(html, encoding="utf-8")
    return html, path, tmp


def swatches(html):
    """Each swatch of the page: id -> (its colour as (r, g, b), its area in CSS pixels)."""
    out = {}
    for m in re.finditer(r'<svg class="swatch" id="([^"]+)"[^>]*width="(\d+)"[^>]*>(.*?)</svg>', html):
        sid, size, body = m.group(1), int(m.group(2)), m.group(3)
        circle = re.search(r'<circle[^>]*r="([\d.]+)"[^>]*fill="#([0-9a-f]{6})"', body)
        if circle:
            hexa, area = circle.group(2), np.pi * float(circle.group(1)) ** 2
        else:
            hexa, area = re.search(r'fill="#([0-9a-f]{6})"', body).group(1), size * size
        out[sid] = (tuple(int(hexa[i:i + 2], 16) for i in (0, 2, 4)), area)
    return out


def test_the_page_is_the_binarys():
    from test_tinct import binary

    assert binary(*FLAGS) == tinct.report(**REQUEST)


def test_the_swatches_are_the_predicted_colours():
    html = tinct.report(**REQUEST)
    plan = tinct.plan({k: v for k, v in REQUEST.items() if k not in ("client", "first_session")}, start="03-15")
    found = swatches(html)
    assert len(found) >= 12
    for s in plan["sessions"]:
        for look in ("fresh", "healed"):
            lab = s[f"{look}_lab"]
            rgb = np.clip(tinct.convert(lab, "lab", "srgb", observer=10), 0, 1) * 255
            shown = np.array(found[f"session-{s['session']}-{look}"][0])
            assert np.all(np.abs(shown - rgb) <= 0.5 + 1e-9), (s["session"], look, shown, rgb)


def test_chromium_draws_the_swatches_in_their_colours(page):
    from PIL import Image

    html, path, tmp = page
    png = tmp / "page.png"
    render(tmp, path, "--window-size=800,4200", f"--screenshot={png}")
    img = np.asarray(Image.open(png).convert("RGB")).astype(int)
    # Not blank: text, lines and colour.
    assert np.mean(np.any(img < 250, axis=2)) > 0.05
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 100
    for sid, (rgb, area) in swatches(html).items():
        close = np.all(np.abs(img - np.array(rgb)) <= 2, axis=2).sum()
        assert close >= 0.7 * area, f"{sid}: {close} pixels within 2/255 of {rgb}, the swatch has {area:.0f}"


@pytest.mark.parametrize("paper, points", [("A4", (595.3, 841.9)), ("letter", (612.0, 792.0))])
def test_it_prints_on_a4_and_letter_with_nothing_cut_off(page, paper, points):
    pdfium = pytest.importorskip("pypdfium2")
    html, _, tmp = page
    sized = tmp / f"page-{paper}.html"
    sized.write_text(html.replace("@page {", f"@page {{ size: {paper}; ", 1), encoding="utf-8")
    pdf_path = tmp / f"page-{paper}.pdf"
    render(tmp, sized, "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}")
    pdf = pdfium.PdfDocument(str(pdf_path))
    assert 1 <= len(pdf) <= 5, len(pdf)
    text = ""
    for i in range(len(pdf)):
        p = pdf[i]
        w, h = p.get_size()
        assert abs(w - points[0]) < 1 and abs(h - points[1]) < 1, (paper, w, h)
        img = np.asarray(p.render(scale=2).to_pil().convert("RGB")).astype(int)
        strip = int(2 * 72 / 25.4 * 5)  # 5 mm of the 10 mm margin at each side
        for side, band in (("left", img[:, :strip]), ("right", img[:, -strip:]), ("bottom", img[-strip:, :])):
            assert np.all(band >= 245), f"{paper} page {i + 1}: ink in the {side} margin (cut off)"
        text += p.get_textpage().get_text_range()
    flat = " ".join(text.split())
    for heading in ("The client", "The recommended ink", "The sessions", "Fading and touch-ups",
                    "Aftercare", "How this was predicted"):
        assert heading in flat, heading
    assert "A. Client <a&b>" in flat


def test_it_loads_nothing_from_the_network(page):
    html, path, tmp = page
    for load in ("<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import"):
        assert load not in html, load

    def hosts(file):
        log = tmp / f"net-{file.stem}.json"
        render(tmp, file, "--window-size=800,600", f"--log-net-log={log}", f"--screenshot={tmp / 'net.png'}")
        urls = re.findall(r'"url":"(https?://[^"/]+)', log.read_text(encoding="utf-8", errors="replace"))
        return set(urls)

    blank = tmp / "blank.html"
    blank.write_text("<!DOCTYPE html><title>blank</title>", encoding="utf-8")
    browser_own = hosts(blank)  # what Chromium asks for whatever the page
    leak = tmp / "leak.html"
    leak.write_text('<!DOCTYPE html><img src="https://example.com/x.png">', encoding="utf-8")
    assert "https://example.com" in hosts(leak) - browser_own  # the check sees a page's load
    assert hosts(path) - browser_own == set()
