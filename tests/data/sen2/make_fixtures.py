#!/usr/bin/env python3
"""Write the synthetic SEN2 releases tests/test_sen2.c reads.

    python3 tests/data/sen2/make_fixtures.py      (from the repository root)

writes r2022/ and r2025/ (each a release folder: data/*.csv and
data-guidance/data-guidance.txt) and r2022.zip, r2025.zip (the same files,
byte for byte, with fixed dates, so the zips only change when the CSVs do).
The output is committed; rerun this after editing it, and test_sen2.c checks
that the zip and the folder of each release read identically.

Eighteen made-up councils in four regions, every series a smooth trend
(2% wiggles) except for these planted traits, each of which a test looks for:

  format  r2025 files start with a UTF-8 byte-order mark; r2022's sen2_mi.csv
          too and has CRLF line ends; empty text fields are written "" (as DfE
          does); "Jarrow, City of" is quoted; suppression codes x, c, z, :,
          low and an empty cell all appear; sen2_estab_caseload.csv has no
          "Further education" rows for the January 2016 census.
  overlap r2022 (activity 2015-2021) and r2025 (2018-2023) overlap in
          2018-2021, where r2022's requests are 7 higher (r2025 wins), but
          Brockton's 2020 requests are "x" in r2025 (r2022's value stays) and
          Gorton's 2021 refused is "c" in r2022 and "x" in r2025 (NaN, "x").
  codes   Carbury (103) is E10000103 in r2022 and E06000103 in r2025; Newtown
          has no old code (keyed on E06000306); Oldshire (303, r2022 only)
          was split in 2021 into a new Oldshire (304) and South Oldshire
          (305), r2025 only, with requests for 2022-2023 only.
  rule 1  r2025 newplans.csv 2022: every South Testshire council carries the
          regional total. Isle is its region's only council: its numbers equal
          the region's, and are not flagged.
  rule 2  Brockton's 2017 requests are a tenth of the trend; Dunmore's 2020
          refused is 0 (both releases); Eastwick's plans at January 2021
          (activity 2020) are 0.6 of the trend in r2025. Tiny's counts swing
          wildly but stay below 20, so are not judged.
  rule 3  Carbury's 2019 new plans are 2.7 times its assessments' plans
          issued; Hexham Vale's 2021 ceased are 2.6 times the trend (in
          sen2_mi.csv's DisothEHC).
  lags    Ickworth's 2020 requests are 0.6 of the trend: assessments exceed
          requests that year.
  other   Kelso's 2017 AssnoneEHC is "low" (assessments then come from
          NewallEHC_AssnoneEHC_sum); Lydford's 2017 DisothEHC is ":" (ceased
          NaN); Kelso's 2016 InreqEHC is empty.
"""
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))

REGIONS = {
    "E12000001": "North Testshire",
    "E12000002": "South Testshire",
    "E12000003": "West Testshire",
    "E12000004": "Isle Testshire",
}

# old code, new code in r2022 (None: not in it), new code in r2025 (None: not
# in it), name, region, requests in 2016, yearly growth; years_of() says which
# activity years each release has
A_YEARS = range(2015, 2022)         # activity years of r2022 (stock: census + 1)
B_YEARS = range(2018, 2024)         # activity years of r2025
COUNCILS = [
    ("101", "E06000101", "E06000101", "Alderley", "E12000001", 300, 1.10),
    ("102", "E06000102", "E06000102", "Brockton", "E12000001", 420, 1.08),
    ("103", "E10000103", "E06000103", "Carbury", "E12000001", 250, 1.12),
    ("104", "E06000104", "E06000104", "Dunmore", "E12000001", 180, 1.09),
    ("105", "E06000105", "E06000105", "Eastwick", "E12000001", 520, 1.11),
    ("201", "E06000201", "E06000201", "Fenwick", "E12000002", 260, 1.10),
    ("202", "E06000202", "E06000202", "Gorton", "E12000002", 350, 1.13),
    ("203", "E06000203", "E06000203", "Hexham Vale", "E12000002", 400, 1.09),
    ("204", "E06000204", "E06000204", "Ickworth", "E12000002", 310, 1.10),
    ("205", "E06000205", "E06000205", "Jarrow, City of", "E12000002", 210, 1.12),
    ("301", "E06000301", "E06000301", "Kelso", "E12000003", 330, 1.10),
    ("302", "E06000302", "E06000302", "Lydford", "E12000003", 280, 1.11),
    ("303", "E10000303", None, "Oldshire", "E12000003", 600, 1.10),
    ("304", None, "E06000304", "Oldshire", "E12000003", 450, 1.10),
    ("305", None, "E06000305", "South Oldshire", "E12000003", 200, 1.10),
    ("", None, "E06000306", "Newtown", "E12000003", 240, 1.09),
    ("307", "E06000307", "E06000307", "Tiny", "E12000003", 8, 1.00),
    ("401", "E06000401", "E06000401", "Isle", "E12000004", 150, 1.10),
]


def years_of(c, release):
    old, a_code, b_code = c[0], c[1], c[2]
    if release == "A":
        if a_code is None:
            return []
        return [y for y in A_YEARS if old != "303" or y <= 2020]
    if b_code is None:
        return []
    if old in ("304", "305"):
        return [y for y in B_YEARS if y >= 2021]
    return list(B_YEARS)


def wiggle(code, year, role):
    k = (int(code or "306") * 7 + year * 13 + role * 5) % 5
    return 1 + 0.01 * (k - 2)


def trend(c, year):
    """The council's numbers for activity year `year`, before any planted trait."""
    old, _, _, name, _, base, g = c
    key = old or "306"
    t = year - 2016
    req = base * g ** t
    if name == "Tiny":      # small and erratic
        swing = [5, 15, 3, 12, 6, 14, 4, 11, 7][(year - 2015) % 9]
        return {"requests": swing, "refused": swing // 3, "agreed": swing // 2,
                "issued": swing // 2, "not_issued": 1, "plans": 60 + swing,
                "ceased": 3, "plans_prev": 60}
    r = {
        "requests": round(req * wiggle(key, year, 0)),
        "refused": round(0.25 * req * wiggle(key, year, 1)),
        "issued": round(0.68 * req * wiggle(key, year, 2)),
        "not_issued": round(0.04 * req * wiggle(key, year, 3)),
    }
    r["agreed"] = r["requests"] - r["refused"] - round(0.05 * req)
    plans = lambda y: round(8 * base * 1.1 ** (y - 2015) * wiggle(key, y, 4))
    r["plans"] = plans(year)
    r["plans_prev"] = plans(year - 1)
    r["ceased"] = round(0.05 * r["plans_prev"] * wiggle(key, year, 5))
    return r


def settings(plans):
    ms = round(0.40 * plans)
    ms_ind = round(0.01 * plans)
    sp = round(0.35 * plans)
    sp_ind = round(0.05 * plans)
    fe = round(0.15 * plans)
    ap = round(0.02 * plans)
    return {"ms": ms, "ms_ind": ms_ind, "sp": sp, "sp_ind": sp_ind, "fe": fe, "ap": ap,
            "elsewhere": plans - ms - sp - fe - ap}


def numbers(c, year, release):
    """Trend plus the planted traits (see the top of the file)."""
    r = trend(c, year)
    name = c[3]
    if release == "A" and 2018 <= year <= 2021:
        r["requests"] += 7
    if name == "Brockton" and year == 2017:
        r["requests"] = round(r["requests"] / 10)
    if name == "Brockton" and year == 2020 and release == "B":
        r["requests"] = "x"
    if name == "Gorton" and year == 2021:
        r["refused"] = "c" if release == "A" else "x"
    if name == "Dunmore" and year == 2020:
        r["refused"] = 0
    if name == "Eastwick" and year == 2020 and release == "B":
        r["plans"] = round(r["plans"] * 0.6)
    r["new_plans"] = r["issued"]
    if name == "Carbury" and year == 2019:
        r["new_plans"] = round(r["issued"] * 2.7)
    if name == "Hexham Vale" and year == 2021:
        r["ceased"] = round(r["ceased"] * 2.6)
    if name == "Ickworth" and year == 2020:
        r["requests"] = round(trend(c, year)["requests"] * 0.6)
    return r


def write(path, header, rows, bom=True, crlf=False, quote_empty=False):
    """RFC 4180 as DfE writes it: quotes only where needed, except that with
    quote_empty the empty text fields of the identity columns are "" ."""
    def field(f, i, head):
        s = str(f)
        if s == "" and quote_empty and not head and i < len(ID):
            return '""'
        if any(ch in s for ch in ',"\r\n'):
            return '"' + s.replace('"', '""') + '"'
        return s
    eol = "\r\n" if crlf else "\n"
    lines = [",".join(field(f, i, True) for i, f in enumerate(header))]
    lines += [",".join(field(f, i, False) for i, f in enumerate(row)) for row in rows]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(("\ufeff" if bom else "") + eol.join(lines) + eol)


def geo_rows(release, years):
    """(level, region code, region name, old, new, name, council or None, year)
    for every council-year, then each region and England, totals summed."""
    out = []
    for y in years:
        for c in COUNCILS:
            if y in years_of(c, release):
                new = c[1] if release == "A" else c[2]
                out.append(("Local authority", c[4], REGIONS[c[4]], c[0], new, c[3], c, y))
        for code, rname in REGIONS.items():
            out.append(("Regional", code, rname, "", "", "", None, y))
        out.append(("National", "", "", "", "", "", None, y))
    return out


def members(level, code, release, y):
    if level == "Local authority":
        return None
    return [c for c in COUNCILS if y in years_of(c, release) and (level == "National" or c[4] == code)]


def total(cs, release, y, key, fn=None):
    vals = []
    for c in cs:
        v = numbers(c, y, release)
        v = fn(v) if fn else v[key]
        if isinstance(v, str):
            return "x"
        vals.append(v)
    return sum(vals)


ID = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name",
      "region_code", "region_name", "old_la_code", "new_la_code", "la_name"]


def id_cells(time_period, ident, level, rcode, rname, old, new, name):
    return [time_period, ident, level, "E92000001", "England", rcode if level != "National" else "",
            rname if level != "National" else "", old, new, name]


def release_a():
    base = os.path.join(HERE, "r2022", "data")
    # sen2_mi.csv: activity calendar years
    cols = ["NewallEHC", "NewallEHC_pc", "NewallEHC_AssnoneEHC_sum", "AssnoneEHC",
            "AssRefusedEHC", "Dislea", "Dismet", "Disoth", "Disleft", "DisleaEHC", "DismetEHC",
            "DisothEHC", "DisleftEHC", "InreqEHC", "PersonalBudgets"]

    def mi(v, y, where):
        req = "z" if y == 2015 else v["requests"]
        ceased = v["ceased"]
        st = round(ceased * 0.4) if y <= 2017 else "z"          # statements still ending
        ehc = ceased - (st if isinstance(st, int) else 0)
        parts = [ehc // 4, ehc // 4, ehc // 4, ehc - 3 * (ehc // 4)]
        row = [v["new_plans"], 94.1, v["issued"] + v["not_issued"], v["not_issued"],
               v["refused"],
               st if st == "z" else st // 2, st if st == "z" else st - st // 2, "z" if st == "z" else 0,
               "z" if st == "z" else 0] + parts + [req, 12]
        if where == "Kelso" and y == 2017:
            row[3] = "low"
        if where == "Lydford" and y == 2017:
            row[11] = ":"
        if where == "Kelso" and y == 2016:
            row[13] = ""
        return row

    rows = []
    for level, rcode, rname, old, new, name, c, y in geo_rows("A", range(2015, 2022)):
        if c:
            v = numbers(c, y, "A")
        else:
            cs = members(level, rcode, "A", y)
            v = {k: total(cs, "A", y, k) for k in
                 ("requests", "refused", "issued", "not_issued", "new_plans", "ceased")}
        rows.append(id_cells(y, "Calendar year", level, rcode, rname, old, new, name)
                    + mi(v, y, name))
    write(os.path.join(base, "sen2_mi.csv"), ID + cols, rows, bom=True, crlf=True,
          quote_empty=True)

    # sen2_estab_caseload.csv: January census T = activity year T - 1
    kinds = [("Total", "Total", "plans"), ("Total", "Mainstream school", "ms"),
             ("Mainstream - LA maintained", "Mainstream school", None),
             ("Mainstream - Independent", "Mainstream school", "ms_ind"),
             ("Total", "Special school", "sp"), ("Special - Independent", "Special school", "sp_ind"),
             ("Total", "Further education", "fe"),
             ("Total", "Alternative provision/Pupil referral unit", "ap"),
             ("Total", "Educated elsewhere", "elsewhere")]
    rows = []
    for level, rcode, rname, old, new, name, c, y in geo_rows("A", range(2015, 2022)):
        census = y + 1
        if c:
            plans = numbers(c, y, "A")["plans"]
            s = settings(plans)
        else:
            cs = members(level, rcode, "A", y)
            plans = total(cs, "A", y, "plans")
            s = {k: total(cs, "A", y, k, lambda v, k=k: settings(v["plans"])[k])
                 for k in settings(100)}
        s["plans"] = plans
        for etype, group, key in kinds:
            if group == "Further education" and census == 2016:
                continue
            val = s[key] if key else s["ms"] - s["ms_ind"]
            st = round(val * 0.3) if census <= 2017 else "z"
            ehc = val - (st if st != "z" else 0)
            rows.append(id_cells(census, "Calendar year", level, rcode, rname, old, new, name)
                        + [etype, group, st, ehc, val])
    write(os.path.join(base, "sen2_estab_caseload.csv"),
          ID + ["establishment_type", "establishment_group", "Total_st", "Total_ehc", "Total_all"],
          rows, bom=False, quote_empty=True)


def release_b():
    base = os.path.join(HERE, "r2025", "data")
    ID_B = ID[:7] + ["new_la_code", "old_la_code", "la_name", "breakdown_topic", "breakdown"]

    def ids(tp, ident, level, rcode, rname, old, new, name, topic, breakdown):
        cells = id_cells(tp, ident, level, rcode, rname, old, new, name)
        return cells[:7] + [new, old, name, topic, breakdown]

    def table(fname, total_label, years, cols, value, census=False, extra=True):
        rows = []
        for level, rcode, rname, old, new, name, c, y in geo_rows("B", years):
            if fname == "requests.csv" and c and c[0] in ("304", "305") and y == 2021:
                continue
            tp = f"{y}{(y + 1) % 100:02d}" if census else y
            ident = "Academic year" if census else "Calendar year"
            if c:
                v = numbers(c, y, "B")
                cells = value(v)
            else:
                cs = members(level, rcode, "B", y)
                cs = [k for k in cs if not (fname == "requests.csv" and k[0] in ("304", "305")
                                            and y == 2021)]
                per = [value(numbers(k, y, "B")) for k in cs]
                cells = ["x" if any(isinstance(p[i], str) for p in per) else sum(p[i] for p in per)
                         for i in range(len(cols))]
            rows.append(ids(tp, ident, level, rcode, rname, old, new, name, total_label,
                            total_label) + cells)
            if extra and c:     # a breakdown row the reader must skip
                rows.append(ids(tp, ident, level, rcode, rname, old, new, name, "Sex", "Female")
                            + [round(x / 3) if not isinstance(x, str) else x for x in cells])
        return rows

    def paste_region_total(rows, year, region, col):
        """r2025 newplans 2022: the region's total in each of its councils' rows."""
        reg = [r for r in rows if r[0] == year and r[2] == "Regional" and r[5] == region][0]
        for r in rows:
            if r[0] == year and r[2] == "Local authority" and r[5] == region \
                    and r[11] == r[10]:
                r[col] = reg[col]

    req_cols = ["requests_received_in_year", "requests_decided_to_assess",
                "requests_decided_not_to_assess", "request_assess_pc"]
    write(os.path.join(base, "requests.csv"), ID_B + req_cols,
          table("requests.csv", "All requests for EHC needs assessments", B_YEARS, req_cols,
                lambda v: [v["requests"], v["agreed"] if v["requests"] != "x" else "x",
                           v["refused"], "x"]))
    ass_cols = ["assess_in_year", "assess_issued", "assess_not_issued"]
    write(os.path.join(base, "assessments.csv"), ID_B + ass_cols,
          table("assessments.csv", "All EHC needs assessments", B_YEARS, ass_cols,
                lambda v: ["x", v["issued"], v["not_issued"]]))
    new_cols = ["new_ehc_plans", "mainstream_total"]
    rows = table("newplans.csv", "New EHC plans", B_YEARS, new_cols,
                 lambda v: [v["new_plans"], round(v["new_plans"] * 0.6)])
    paste_region_total(rows, 2022, "E12000002", 12)
    write(os.path.join(base, "newplans.csv"), ID_B + new_cols, rows)
    ceased_cols = ["transfer", "total_ceased"]
    write(os.path.join(base, "ceased_plans.csv"), ID_B + ceased_cols,
          table("ceased_plans.csv", "All ceased EHC plans", range(2022, 2024), ceased_cols,
                lambda v: [round(v["ceased"] / 4), v["ceased"]]))
    case_cols = ["ehcplans", "mainstream_la_maintained", "mainstream_independent",
                 "mainstream_total", "special_independent", "special_total", "ap_pru_total",
                 "fe_total", "ed_elsewhere"]

    def caseload(v):
        s = settings(v["plans"])
        return [v["plans"], s["ms"] - s["ms_ind"], s["ms_ind"], s["ms"], s["sp_ind"], s["sp"],
                s["ap"], s["fe"], s["elsewhere"]]
    write(os.path.join(base, "caseload.csv"), ID_B + case_cols,
          table("caseload.csv", "All EHC plans", B_YEARS, case_cols, caseload, census=True))


def guidance(folder):
    path = os.path.join(HERE, folder, "data-guidance", "data-guidance.txt")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("Synthetic SEN2 release for sendcast's tests (tests/data/sen2/make_fixtures.py).\n")


def zip_folder(folder):
    root = os.path.join(HERE, folder)
    names = []
    for d, _, files in os.walk(root):
        for f in files:
            names.append(os.path.relpath(os.path.join(d, f), root))
    with zipfile.ZipFile(os.path.join(HERE, folder + ".zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for n in sorted(names):
            info = zipfile.ZipInfo(n.replace(os.sep, "/"), date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(os.path.join(root, n), "rb") as f:
                z.writestr(info, f.read())


if __name__ == "__main__":
    release_a()
    release_b()
    for folder in ("r2022", "r2025"):
        guidance(folder)
        zip_folder(folder)
