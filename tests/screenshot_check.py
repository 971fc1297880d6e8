"""Check a headless-Chromium screenshot of the HTML report (make report-test).

argv: SCREENSHOT.png WIDTH HEIGHT. The page must have rendered: the image has
the window's size, a good share of non-white pixels (text, tables, charts),
many distinct colours, and the fan charts' blues (PLplot's bands, drawn from
inline SVG) — a blank or broken page fails on each of these.
"""
import sys
from PIL import Image

path, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
im = Image.open(path).convert("RGB")
fails = []
if im.size != (width, height):
    fails.append("size %s, expected %dx%d" % (im.size, width, height))
px = list(im.getdata())
ink = sum(1 for r, g, b in px if min(r, g, b) < 235) / len(px)
colours = len(set(px))
# The 30% band (66,130,196) and the 90% band (198,219,239) of the fan charts.
def near(c, t, tol=12):
    return all(abs(a - b) <= tol for a, b in zip(c, t))
band30 = sum(1 for c in px if near(c, (66, 130, 196)))
band90 = sum(1 for c in px if near(c, (198, 219, 239)))
if ink < 0.08:
    fails.append("only %.1f%% of pixels are not blank" % (100 * ink))
if colours < 200:
    fails.append("only %d distinct colours" % colours)
if band30 < 2000 or band90 < 2000:
    fails.append("fan-chart bands not visible (%d, %d pixels)" % (band30, band90))
for f in fails:
    print("report-test: " + f)
print("report-test: %dx%d, %.1f%% non-blank, %d colours, fan bands %d/%d pixels"
      % (im.size[0], im.size[1], 100 * ink, colours, band30, band90))
print("report-test: %d passed, %d failed" % (4 - len(fails), len(fails)))
sys.exit(1 if fails else 0)
