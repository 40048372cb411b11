#!/usr/bin/python3
"""Golden values for io.github.sparkdivergence.math.InformationMeasures.

Run once, by hand, with Debian's python3-sklearn / python3-scipy (the Java tests only read
the files this writes):

    cd udfs/src/test/resources/golden && /usr/bin/python3 make_info_golden.py /work/shared/data

Outputs (all committed):
  tables/<case>.csv   the contingency table of one case: x,y,count (one line per non-zero cell).
                      A null category is written as \\N. Never the raw data.
  cases.csv           case,x_kind,y_kind,n,description   (kind: bytes = UTF-8 string,
                      long = integer, double = float64 category, read with Double.parseDouble)
  expected.csv        case,metric,value   (value is repr(float), i.e. round-trips exactly)

Expected values come from the public APIs on label vectors rebuilt from each table
(np.repeat of the cell counts), so sklearn's own special-case branches are exercised:
  mi          sklearn.metrics.mutual_info_score(x, y)                            (nats)
  nmi_<m>     sklearn.metrics.normalized_mutual_info_score(x, y, average_method=m)
  ami_<m>     sklearn.metrics.adjusted_mutual_info_score(x, y, average_method=m)
  emi         sklearn.metrics.cluster._expected_mutual_info_fast.expected_mutual_information
  hx, hy, hxy scipy.stats.entropy(counts)                                        (nats)
  hx_given_y  hxy - hy;  vi  hx + hy - 2 mi
  g, dof, p   scipy.stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
  *_exact     the same quantity from the exact integer counts with 50-digit decimal logs, to
              tell the error of the reference apart from ours where the value is tiny.
  emi_exact   EMI with 40-digit mpmath log-gammas (python3-mpmath; skipped if missing), summing
              every n_ij whose hypergeometric probability is above 1e-52.
  ami_<m>_exact  sklearn's AMI formula (same special cases and eps clamp) on the exact parts.
"""
import csv
import decimal
import os
import sys

import numpy as np
import pandas as pd
import scipy
import scipy.stats
import sklearn
from sklearn.metrics import (adjusted_mutual_info_score, mutual_info_score,
                             normalized_mutual_info_score)
from sklearn.metrics.cluster._expected_mutual_info_fast import expected_mutual_information

NULL = "\\N"
METHODS = ["arithmetic", "geometric", "min", "max"]
decimal.getcontext().prec = 50
D = decimal.Decimal


def read(path):
    # Only an empty field is missing in these files; strings such as "None" are values.
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def fmt(v, kind):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return NULL
    if kind == "long":
        return str(int(v))
    if kind == "double":
        return repr(float(v))
    return str(v)


def table_of(df, xcol, ycol, xkind, ykind):
    g = df.groupby([xcol, ycol], dropna=False, sort=True).size()
    return [(fmt(x, xkind), fmt(y, ykind), int(c)) for (x, y), c in g.items() if c > 0]


def exact_entropy(counts):
    n = sum(counts)
    if n == 0:
        return D(0)
    N = D(n)
    return -sum((D(c) / N) * (D(c) / N).ln() for c in counts if c > 0)


def exact_emi(a, b):
    try:
        import mpmath as mp
    except ImportError:
        return None
    mp.mp.dps = 40
    n = int(sum(a))
    if len(a) <= 1 or len(b) <= 1:
        return 0.0
    lg = {}

    def lgam(k):  # log(k!) memoised: the same arguments recur across cells
        v = lg.get(k)
        if v is None:
            v = lg[k] = mp.loggamma(k + 1)
        return v

    # The exact walk costs ~50 standard deviations of the hypergeometric per cell: skip tables
    # where that is hours of mpmath (flights origin x destination); sklearn's EMI is still compared.
    work = sum(50 * (ai * bj / n) ** 0.5 + 1 for ai in a for bj in b)
    if work > 3e6:
        return None
    total = mp.mpf(0)
    for ai in a:
        for bj in b:
            lo, hi = max(1, ai + bj - n), min(ai, bj)
            mode = max(lo, min(hi, (ai + 1) * (bj + 1) // (n + 2)))
            fixed = lgam(ai) + lgam(bj) + lgam(n - ai) + lgam(n - bj) - lgam(n)
            for ks in (range(mode, hi + 1), range(mode - 1, lo - 1, -1)):
                for k in ks:
                    g = fixed - lgam(k) - lgam(ai - k) - lgam(bj - k) - lgam(n - ai - bj + k)
                    if g < -120:
                        break
                    total += mp.mpf(k) / n * mp.log(mp.mpf(k) * n / (mp.mpf(ai) * bj)) * mp.exp(g)
    return float(total)


def golden(cells):
    xs = sorted({x for x, _, _ in cells})
    ys = sorted({y for _, y, _ in cells})
    xi = {v: i for i, v in enumerate(xs)}
    yi = {v: i for i, v in enumerate(ys)}
    m = np.zeros((len(xs), len(ys)), dtype=np.int64)
    for x, y, c in cells:
        m[xi[x], yi[y]] += c
    n = int(m.sum())
    rows, cols = np.nonzero(m)
    reps = m[rows, cols]
    lx = np.repeat(rows, reps)
    ly = np.repeat(cols, reps)
    a = m.sum(axis=1)
    b = m.sum(axis=0)

    out = {}
    if n > 0:
        out["mi"] = mutual_info_score(lx, ly)
    for meth in METHODS:
        out["nmi_" + meth] = normalized_mutual_info_score(lx, ly, average_method=meth)
        out["ami_" + meth] = adjusted_mutual_info_score(lx, ly, average_method=meth)
    if n > 0:
        out["emi"] = expected_mutual_information(m.astype(np.float64), n)
    out["hx"] = float(scipy.stats.entropy(a))
    out["hy"] = float(scipy.stats.entropy(b))
    out["hxy"] = float(scipy.stats.entropy(reps))
    out["hx_given_y"] = out["hxy"] - out["hy"]
    if n > 0:
        out["vi"] = out["hx"] + out["hy"] - 2 * out["mi"]
        # chi2_contingency drops nothing itself: every row/column here has a non-zero total.
        g, p, dof, _ = scipy.stats.chi2_contingency(m, correction=False, lambda_="log-likelihood")
        out["g"] = float(g)
        out["dof"] = float(dof)
        out["p"] = float(p)

    # 50-digit references.
    N = D(n)
    hx, hy, hxy = exact_entropy(a.tolist()), exact_entropy(b.tolist()), exact_entropy(reps.tolist())
    mi = D(0)
    for i, j, c in zip(rows.tolist(), cols.tolist(), reps.tolist()):
        mi += (D(c) / N) * (D(c) * N / (D(int(a[i])) * D(int(b[j])))).ln()
    out["mi_exact"] = float(mi)
    out["hx_exact"] = float(hx)
    out["hy_exact"] = float(hy)
    out["hxy_exact"] = float(hxy)
    out["hx_given_y_exact"] = float(hxy - hy)
    out["vi_exact"] = float(hxy + hxy - hx - hy) if n > 0 else 0.0
    out["g_exact"] = float(2 * N * mi)
    emi = exact_emi([int(v) for v in a if v > 0], [int(v) for v in b if v > 0])
    if emi is not None and n > 0:
        out["emi_exact"] = emi
        if not (len(a) == 1 and len(b) == 1):  # else sklearn returns 1.0
            u, v = float(hx), float(hy)
            for meth in METHODS:
                avg = {"arithmetic": (u + v) / 2, "geometric": (u * v) ** 0.5,
                       "min": min(u, v), "max": max(u, v)}[meth]
                den = avg - emi
                eps = np.finfo("float64").eps
                den = min(den, -eps) if den < 0 else max(den, eps)
                out["ami_%s_exact" % meth] = (float(mi) - emi) / den
    return out


def main(data):
    cases = []  # (name, xkind, ykind, description, cells)

    t = read(os.path.join(data, "titanic.csv"))
    for xc, yc in [("Class", "Survived"), ("Sex", "Survived"), ("Age", "Survived"),
                   ("Class", "Sex"), ("Class", "Age"), ("Sex", "Age")]:
        cases.append(("titanic_%s_%s" % (xc, yc), "bytes", "bytes",
                      "titanic.csv %s x %s" % (xc, yc), table_of(t, xc, yc, "bytes", "bytes")))

    u = read(os.path.join(data, "ucb_admissions.csv"))
    for xc, yc in [("Admit", "Gender"), ("Admit", "Dept"), ("Gender", "Dept")]:
        cases.append(("ucb_%s_%s" % (xc, yc), "bytes", "bytes",
                      "ucb_admissions.csv %s x %s" % (xc, yc), table_of(u, xc, yc, "bytes", "bytes")))

    b = read(os.path.join(data, "birdstrikes.csv"))
    for xc, xk, yc, yk in [
            ("phase_of_flight", "bytes", "effect_amount_of_damage", "bytes"),
            ("wildlife_size", "bytes", "effect_amount_of_damage", "bytes"),
            ("time_of_day", "bytes", "phase_of_flight", "bytes"),
            ("wildlife_species", "bytes", "wildlife_size", "bytes"),
            ("aircraft_make_model", "bytes", "airport_name", "bytes"),
            ("origin_state", "bytes", "aircraft_airline_operator", "bytes"),
            ("speed_ias_in_knots", "long", "phase_of_flight", "bytes"),    # 2,836 empty -> null
            ("speed_ias_in_knots", "long", "wildlife_size", "bytes"),      # null category
            ("cost_total", "long", "effect_amount_of_damage", "bytes"),
            ("flight_date", "bytes", "time_of_day", "bytes")]:             # 5,798 cells
        cases.append(("bird_%s_%s" % (xc, yc), xk, yk,
                      "birdstrikes.csv %s x %s (empty field = null category)" % (xc, yc),
                      table_of(b, xc, yc, xk, yk)))

    d = read(os.path.join(data, "diamonds.csv"))
    # price_q10: pandas.qcut(price, 10, labels=False) -> decile index 0..9 (long)
    d["price_q10"] = pd.qcut(d["price"], 10, labels=False)
    # carat_bin: pandas.cut(carat, bins=[0, 0.5, 1, 1.5, 2, 3, 6], right=True, labels=False)
    #            -> interval index 0..5 of (0,0.5], (0.5,1], (1,1.5], (1.5,2], (2,3], (3,6] (long)
    d["carat_bin"] = pd.cut(d["carat"], bins=[0, 0.5, 1, 1.5, 2, 3, 6], right=True, labels=False)
    for xc, xk, yc, yk in [
            ("cut", "bytes", "color", "bytes"),
            ("cut", "bytes", "clarity", "bytes"),
            ("color", "bytes", "clarity", "bytes"),
            ("price_q10", "long", "carat_bin", "long"),
            ("price_q10", "long", "clarity", "bytes"),
            ("carat_bin", "long", "cut", "bytes"),
            ("carat", "double", "cut", "bytes"),      # raw float64 categories, 273 levels
            ("depth", "double", "color", "bytes")]:   # raw float64 categories, 184 levels
        cases.append(("diamonds_%s_%s" % (xc, yc), xk, yk,
                      "diamonds.csv %s x %s" % (xc, yc), table_of(d, xc, yc, xk, yk)))

    # flights: 3M rows (Jan-Jun 2001). origin x destination as categories (~230 levels each), and
    # delay / distance binned with pandas.qcut(col, 10, labels=False, duplicates="drop") (long).
    f = pd.read_csv(os.path.join(data, "flights_3m.csv.gz"), keep_default_na=False, na_values=[""])
    f["delay_q10"] = pd.qcut(f["delay"], 10, labels=False, duplicates="drop")
    f["distance_q10"] = pd.qcut(f["distance"], 10, labels=False, duplicates="drop")
    for xc, xk, yc, yk in [("origin", "bytes", "destination", "bytes"),
                           ("delay_q10", "long", "distance_q10", "long"),
                           ("origin", "bytes", "delay_q10", "long")]:
        cases.append(("flights_%s_%s" % (xc, yc), xk, yk,
                      "flights_3m.csv.gz %s x %s" % (xc, yc), table_of(f, xc, yc, xk, yk)))

    rng = np.random.default_rng(20240611)
    syn = [
        ("syn_empty", [], "no rows (sklearn mutual_info_score raises; NMI/AMI 1.0)"),
        ("syn_single_cell", [("a", "p", 5)], "one category on each side"),
        ("syn_single_sample", [("a", "p", 1)], "one row"),
        ("syn_one_row", [("a", "p", 3), ("a", "q", 4), ("a", "r", 5)], "X constant, Y 3 levels"),
        ("syn_one_col", [("a", "p", 3), ("b", "p", 4)], "Y constant, X 2 levels"),
        ("syn_two_samples", [("a", "p", 1), ("b", "q", 1)], "two rows, perfectly dependent"),
        ("syn_identical", [("a", "a", 1), ("b", "b", 2), ("c", "c", 3), ("d", "d", 10)],
         "identical labelings"),
        ("syn_permuted", [("a", "3", 7), ("b", "1", 7), ("c", "2", 9)],
         "identical up to renaming"),
        ("syn_independent", [(x, y, cx * cy) for x, cx in [("a", 1), ("b", 2), ("c", 3)]
                             for y, cy in [("p", 2), ("q", 5)]],
         "exact outer product: MI = 0"),
        ("syn_near_independent", [("a", "p", 1000000), ("a", "q", 1000001),
                                  ("b", "p", 1000001), ("b", "q", 1000000)],
         "MI ~ 1e-13: limited by the reference's rounding, see *_exact"),
        ("syn_null_x", [(NULL, "p", 4), (NULL, "q", 6)], "X always null"),
        ("syn_nulls", [(NULL, NULL, 3), (NULL, "p", 1), ("a", NULL, 2), ("a", "p", 5),
                       ("b", "q", 4)], "null is its own category on both sides"),
    ]
    for name, cells, desc in syn:
        cases.append((name, "bytes", "bytes", desc, cells))
    # 200 x 150 sparse random table (Poisson, ~45% zero cells), for growth and merge.
    lam = rng.gamma(0.5, 2.0, size=(200, 150))
    cnt = rng.poisson(lam)
    cells = [("x%d" % i, "y%d" % j, int(cnt[i, j])) for i in range(200) for j in range(150)
             if cnt[i, j] > 0]
    cases.append(("syn_random_200x150", "bytes", "bytes",
                  "Poisson(Gamma(0.5, 2)) counts, numpy default_rng(20240611)", cells))

    os.makedirs("tables", exist_ok=True)
    with open("cases.csv", "w", newline="") as cf, open("expected.csv", "w", newline="") as ef:
        cw = csv.writer(cf, lineterminator="\n")
        ew = csv.writer(ef, lineterminator="\n")
        cw.writerow(["case", "x_kind", "y_kind", "n", "description"])
        ew.writerow(["case", "metric", "value"])
        for name, xk, yk, desc, cells in cases:
            with open(os.path.join("tables", name + ".csv"), "w", newline="") as tf:
                tw = csv.writer(tf, lineterminator="\n")
                tw.writerow(["x", "y", "count"])
                for row in cells:
                    tw.writerow(row)
            n = sum(c for _, _, c in cells)
            cw.writerow([name, xk, yk, n, desc])
            for metric, value in golden(cells).items():
                ew.writerow([name, metric, repr(float(value))])
    print("sklearn", sklearn.__version__, "scipy", scipy.__version__, "numpy", np.__version__,
          "pandas", pd.__version__, "cases", len(cases))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data")
