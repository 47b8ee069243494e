"""Makes data/skin/beta_carotene.csv, beta-carotene's molar extinction on tinct's 10 nm grid.

Source: PhotochemCAD compound 041, beta-carotene in hexane (Du H, Fuh RA, Li J, Corkan A, Lindsey
JS, Photochem Photobiol 1998;68:141-142; Dixon JM, Taniguchi M, Lindsey JS, Photochem Photobiol
2005;81:212-213), decadic molar extinction in cm^-1 M^-1, 139500 at 451 nm, as redistributed by
S. Prahl at OMLC (omlc.org/spectra/PhotochemCAD/data/041-abs.txt). The copy used is
beta_carotene_photochemcad041_raw.txt beside this script, taken from github.com/swirkert/ipcai2016
(mc/data/beta_carotin.txt), read by a helper of this project; not rescaled.

Each grid value is the mean of the source's samples within +-5 nm (a 10 nm band). Past 530 nm the
source holds only its baseline (2-4 % of the peak, scattered, some samples negative): carotene does not
absorb there, so those bands are 0.

    python3 data/skin/make_beta_carotene.py > data/skin/beta_carotene.csv
"""
import os

here = os.path.dirname(os.path.abspath(__file__))
rows = []
for line in open(os.path.join(here, "beta_carotene_photochemcad041_raw.txt")):
    p = line.split()
    try:
        rows.append((float(p[0]), float(p[1])))
    except (ValueError, IndexError):
        continue
print("# beta-carotene in hexane, decadic molar extinction (cm^-1 M^-1) on 360-780 nm at 10 nm: PhotochemCAD 041")
print("# (Du et al. 1998; Dixon et al. 2005) via Prahl/OMLC, 10 nm band means; 0 past 530 nm (the source's")
print("# baseline). Made by data/skin/make_beta_carotene.py from beta_carotene_photochemcad041_raw.txt.")
print("wavelength_nm,molar_extinction")
for nm in range(360, 790, 10):
    if nm > 530:
        v = 0.0
    else:
        s = [e for w, e in rows if nm - 5 <= w < nm + 5]
        v = max(0.0, sum(s) / len(s))
    print(f"{nm},{v:.0f}")
