"""Writes tests/data/nist_skin_reflectance.csv from the NIST reference data set of human skin
reflectance (Cooksey, Allen & Tsai, J. Res. NIST 122:26, 2017, doi:10.6028/jres.122.026; data
doi:10.18434/M38597; a work of the US government, public domain): 100 volunteers, inner forearm,
directional-hemispherical reflectance factor (8 degree incidence, specular included, so an SCI
reading), 250-2500 nm at 3 nm, three measurements per subject and their average.

The data file M38597.csv is the one shipped in iadpython (S. Prahl, github.com/scottprahl/iadpython,
iadpython/data/M38597.csv, MIT licence for the package; the data are NIST's). This script keeps the
average of each subject from 352 to 790 nm (enough to cover tinct's 360-780 nm grid) in tinct's
spectra CSV layout: one row per subject, the columns the wavelengths.

    python3 tests/data/generate_nist_skin.py /path/to/M38597.csv > tests/data/nist_skin_reflectance.csv
"""
import csv
import sys

rows = list(csv.reader(open(sys.argv[1], encoding="latin1")))
header = rows[6]
data = [r for r in rows[8:] if r and r[0].strip()]
keep = [r for r in data if 352.0 <= float(r[0]) <= 790.0]
subjects = [h for h in header if h.startswith("Subject")]
assert len(subjects) == 100, len(subjects)
print("# NIST reference data set of human skin reflectance: Cooksey, Allen & Tsai, J. Res. NIST 122:26 (2017),")
print("# doi:10.6028/jres.122.026, data doi:10.18434/M38597 (public domain). Inner forearm of 100 volunteers,")
print("# directional-hemispherical reflectance factor (8 deg, specular included), average of 3 readings,")
print("# 352-790 nm at 3 nm. Made by tests/data/generate_nist_skin.py from the copy in iadpython.")
print("subject," + ",".join(str(int(float(r[0]))) for r in keep))
for s in range(100):
    col = 1 + 4 * s + 3  # R1, R2, R3, Average
    assert rows[7][col] == "Average"
    print(f"nist_{s + 1}," + ",".join(r[col] for r in keep))
