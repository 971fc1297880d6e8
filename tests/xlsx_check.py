"""Check a `sendcast export --xlsx` workbook against its result (issue 16, item 4).

argv: RESULT.h5 WORKBOOK.xlsx. Reads the workbook's XML itself (a zip) and the
result with h5py, independently of the engine's reader and writer:

- every sheet prints A4 landscape, one page wide (fitToPage, fitToHeight 0),
  over a print area; each sheet with one long table repeats its header row;
- every header cell's column is at least as wide as the header's longest word,
  and a header row that wraps is made tall enough;
- no number is written as text: on the sheets of numbers no string cell reads
  as a number (ids, the seed and the model version are labels and allowed
  where noted), and every "year" column holds "2024/25" labels only;
- the Targets sheet lists every target of the file, each year it has one,
  with its metric, direction, unit, target and P(met) equal to the file's;
- the Parameters sheet's stored numbers equal the file's, and its mean and
  sd equal those the scenario gave (a Beta written as mean and sd);
- each fan chart draws its median, and the charts draw every target on a
  charted metric (the Safety Valve's on the in-year balance) and the
  council's own projection where the scenario gives one.

Exit 0 and "xlsx_check: ok (N sheets, M target rows)" on success.
"""
import math, re, sys, zipfile
import h5py

h5, path = sys.argv[1], sys.argv[2]
f = h5py.File(h5, "r")
z = zipfile.ZipFile(path)
book = z.read("xl/workbook.xml").decode()
names = re.findall(r'<sheet name="([^"]+)"', book)
sst = [re.sub(r"<[^>]+>", "", m) for m in
       re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S)]
sst = [s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
       .replace("&quot;", '"').replace("&apos;", "'") for s in sst]
NUMBER = re.compile(r"^\s*[-+]?(\d[\d,]*\.?\d*|\.\d+)([eE][-+]?\d+)?\s*%?$")
YEAR = re.compile(r"^\d{4}/\d{2}$")
failures = []


def fail(msg):
    failures.append(msg)


def col_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def cells(xml):
    """{(row, col): (kind, value, style)} of a sheet."""
    out = {}
    for ref, attrs, body in re.findall(r'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>(.*?)</c>)', xml, re.S):
        m = re.match(r"([A-Z]+)(\d+)", ref)
        v = re.search(r"<v>(.*?)</v>", body or "")
        if v is None:
            continue
        kind = "s" if 't="s"' in attrs else "str" if 't="str"' in attrs else "n"
        val = sst[int(v.group(1))] if kind == "s" else v.group(1)
        out[(int(m.group(2)), col_index(m.group(1)))] = (kind, val)
    return out


def defined(name):
    return {int(i): ref for i, ref in
            re.findall(r'<definedName name="%s" localSheetId="(\d+)"[^>]*>([^<]*)<' % name, book)}


areas, titles = defined("_xlnm.Print_Area"), defined("_xlnm.Print_Titles")
table_sheets = {"Summary", "Targets", "District", "Areas", "Clusters", "Inputs", "Parameters",
                "Sensitivity", "Stress", "Budgets"}
# string cells that may read as numbers: ids and labels, by sheet and header
LABELS = {"area or cluster", "cluster", "item", "component", "area", "input"}
NUMBER_SHEETS = {"Targets", "Charts", "Sensitivity", "Layers", "Stress", "District", "Areas",
                 "Clusters", "Parameters", "Budgets", "Summary"}
sheets = {}
for i, name in enumerate(names):
    xml = z.read("xl/worksheets/sheet%d.xml" % (i + 1)).decode()
    sheets[name] = c = cells(xml)
    page = re.search(r"<pageSetup([^>]*)/>", xml)
    attrs = page.group(1) if page else ""
    for want in ('orientation="landscape"', 'paperSize="9"', 'fitToHeight="0"'):
        if want not in attrs:
            fail("%s: pageSetup lacks %s (%s)" % (name, want, attrs))
    if '<pageSetUpPr fitToPage="1"/>' not in xml:
        fail("%s: not fitted to the page width" % name)
    if c and i not in areas:
        fail("%s: no print area" % name)
    base = name.split(" (")[0]
    if base in table_sheets and i not in titles:
        fail("%s: no header row repeated on each page" % name)
    # the header row: the repeated one, else none to check
    head_row = int(re.search(r"\$(\d+):", titles[i]).group(1)) if i in titles else None
    widths = {}
    for lo, hi, w in re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', xml):
        for k in range(int(lo), int(hi) + 1):
            widths[k] = float(w)
    heads = {}
    if head_row:   # a table's header (the Summary repeats its title line instead)
        heads = {col: v for (row, col), (kind, v) in c.items() if row == head_row and kind == "s"}
        if len(heads) < 2:
            heads = {}
    # the table under the header: its rows up to the first empty one, and
    # its columns (a note beside the header, past them, is no header)
    used = {row for row, col in c}
    end = head_row or 0
    while end + 1 in used:
        end += 1
    data_cols = {col for row, col in c if head_row and head_row < row <= end}
    heads = {col: h for col, h in heads.items() if col in data_cols}
    for col, h in heads.items():
        word = max(len(w) for w in h.split(" "))
        if widths.get(col, 8.43) < word + 1:
            fail("%s: column %d (%.1f wide) cuts header %r" % (name, col, widths.get(col, 8.43), h))
        if widths.get(col, 8.43) < len(h) + 1:
            ht = re.search(r'<row r="%d"[^>]*? ht="([0-9.]+)"' % head_row, xml)
            if not ht or float(ht.group(1)) < 29:
                fail("%s: header %r wraps but its row (%d) is not made taller" % (name, h, head_row))
    # numbers as numbers, years as 2024/25
    for (row, col), (kind, v) in c.items():
        header = heads.get(col, "") if head_row and head_row < row <= end else ""
        if kind == "str":
            fail("%s: formula string at row %d col %d" % (name, row, col))
        if kind == "s" and re.match(r"^(19|20)\d\d$", v):
            fail("%s: bare year %r at row %d col %d" % (name, v, row, col))
        if header == "year" and not (kind == "s" and YEAR.match(v)):
            fail("%s: year column holds %r at row %d" % (name, v, row))
        if (base in NUMBER_SHEETS and kind == "s" and NUMBER.match(v) and header not in LABELS
                and not (base == "Summary" and col == 2 and
                         c.get((row, 1), ("", ""))[1] in ("seed", "model version"))
                and not (base == "Budgets" and col == 1)):
            fail("%s: number written as text %r at row %d col %d" % (name, v, row, col))

# the Targets sheet against the file's /targets
years = [int(y) for y in f["/axes/year"][()]]
t = sheets.get("Targets", {})
rows = {}
for (row, col), (kind, v) in t.items():
    rows.setdefault(row, {})[col] = v
listed = {}
for row, r in rows.items():
    if r.get(1) and r.get(5) and YEAR.match(r.get(5, "")):
        listed[(r[1], r[5])] = r
ntarget = 0
for gname in (f["/targets"] if "/targets" in f else []):
    g = f["/targets/" + gname]
    sv = gname == "safety_valve_balance"
    name = "Safety Valve" if sv else gname
    metric = "hnb_balance" if sv else g.attrs["metric"]
    at_least = sv or g.attrs["direction"] == "at_least"
    unit = g.attrs["unit"]
    unit = unit.decode() if isinstance(unit, bytes) else unit
    for k, y in enumerate(years):
        tv, pm = float(g["target"][k]), float(g["p_met"][k])
        lab = "%d/%02d" % (y, (y + 1) % 100)
        r = listed.get((name, lab))
        if math.isnan(tv):
            if r:
                fail("Targets: %s has a row for %s without a target" % (name, lab))
            continue
        ntarget += 1
        if not r:
            fail("Targets: no row for %s in %s" % (name, lab))
            continue
        if r.get(2) != metric or r.get(4) != unit or \
                r.get(3) != ("at least the target" if at_least else "at most the target"):
            fail("Targets: %s %s: metric, direction or unit wrong: %r" % (name, lab, r))
        for col, want in ((6, tv), (7, pm)):
            got = float(r.get(col, "nan"))
            if not abs(got - want) <= 1e-12 * max(1, abs(want)):
                fail("Targets: %s %s column %d: %r, the file has %r" % (name, lab, col, got, want))

# the charts: every fan has a median; targets and the projection are drawn
series = []
for n in sorted(x for x in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", x)):
    series += re.findall(r"<c:ser>.*?<c:tx><c:v>([^<]*)</c:v>", z.read(n).decode(), re.S)
fans = [s for s in series if s == "median"]
charted = {"hnb_spend", "hnb_balance", "topup_spend", "plans_total", "cumulative_deficit"} \
    if "/district/hnb_spend" in f or "/district/topup_spend" in f \
    else {"requests", "new_plans", "plans_total"}
if not fans:
    fail("charts: no median series")
for gname in (f["/targets"] if "/targets" in f else []):
    g = f["/targets/" + gname]
    sv = gname == "safety_valve_balance"
    metric = "hnb_balance" if sv else g.attrs["metric"]
    if metric in charted and "/district/" + metric in f:
        want = ("Safety Valve" if sv else gname) + " target ("
        if not any(s.startswith(want) for s in series):
            fail("charts: no line for the target %s" % want)
inputs = [n.decode() for n in f["/inputs/name"][()]]
if "finance.council_projection.topup_spend" in inputs and \
        "council's own projection" not in series:
    fail("charts: no line for the council's own projection")

# the Parameters sheet: a distribution's stored numbers beside its mean and
# sd, which equal the mean and sd the scenario gave where it gave them
reg = {}
for n, v in zip(f["/inputs/name"][()], f["/inputs/value"][()]):
    reg.setdefault(n.decode(), []).append(float(v))
nparam = 0
for r in {row: {col: v for (rr, col), (kind, v) in sheets["Parameters"].items() if rr == row}
          for (row, col) in sheets["Parameters"] if row > 1}.values():
    name, comp = r.get(1), r.get(2, "")
    if not name or comp:
        continue
    g = f["/parameters/" + name]
    for col, key in ((7, r.get(7)), (9, r.get(9))):
        if key and not math.isclose(float(r[col + 1]), float(g[key][()]), rel_tol=1e-12):
            fail("Parameters: %s %s is %s, the file has %r" % (name, key, r[col + 1], g[key][()]))
    for col, key in ((5, "mean"), (6, "sd")):
        given = reg.get("parameters.%s.%s" % (name, key))
        if given and len(given) == 1:
            nparam += 1
            if not math.isclose(float(r.get(col, "nan")), given[0], rel_tol=1e-9, abs_tol=1e-15):
                fail("Parameters: %s %s is %s, the scenario gave %r" % (name, key, r.get(col), given[0]))

if failures:
    print("\n".join(failures[:40]))
    sys.exit(1)
print("xlsx_check: ok (%d sheets, %d target rows, %d fans, %d means and sds as given)"
      % (len(names), ntarget, len(fans), nparam))
