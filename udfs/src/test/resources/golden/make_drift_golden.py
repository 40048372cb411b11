#!/usr/bin/python3
"""Golden values for the drift library's value-based measures (io.github.sparkdivergence.spark.Drift).

For each case, two samples of one numeric column (reference, current) are written as a table of
distinct values with their counts on each side (drift/<case>.csv: value,n_ref,n_cur; value `\\N` =
NULL, also `NaN`, `Infinity`, `-Infinity`), which is all a drift comparison reads of them. The
expected values (drift_golden.csv: case,measure,exact,scipy) are:

- wasserstein_distance: exact = the area between the two empirical CDFs over the finite values,
  computed in rational arithmetic (fractions.Fraction of every float64 value, rounded once to
  float64 at the end); scipy = scipy.stats.wasserstein_distance(ref, cur) in float64.
- wasserstein_normed: Evidently's normed Wasserstein: wasserstein_distance / max(std_ref, 0.001),
  std_ref = numpy.std(ref) (population, ddof=0) of the finite reference values. exact: the exact
  distance over sqrt of the exact variance (mpmath, 50 digits); scipy: the two float64 values.
- ks_statistic: sup |F_ref - F_cur|; exact from the rational CDFs; scipy = scipy.stats.ks_2samp's
  statistic.
- js_distance_raw (categorical cases only): exact with mpmath at 50 digits; scipy =
  scipy.spatial.distance.jensenshannon of the proportions (natural log).

NULL, NaN and infinities are left out of the value-based measures (they are categories of their
own in the binned ones). Cases from /work/shared/data (see its README; diamonds: ggplot2, MIT
upstream; birdstrikes: vega-datasets, BSD-3-Clause) and seeded synthetic ones.

Run from this directory: /usr/bin/python3 make_drift_golden.py /work/shared/data
"""
import csv
import math
import os
import sys
from collections import Counter
from fractions import Fraction

import mpmath
import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

mpmath.mp.dps = 50
FLOOR = 0.001


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def num(s):
    return None if s == "" else float(s)


def write_table(name, ref, cur):
    cr = Counter("\\N" if v is None else repr(float(v)) if not math.isnan(v) else "NaN" for v in ref)
    cc = Counter("\\N" if v is None else repr(float(v)) if not math.isnan(v) else "NaN" for v in cur)
    keys = sorted(set(cr) | set(cc), key=lambda k: (k in ("\\N", "NaN"), float(k) if k not in ("\\N", "NaN") else 0.0))
    with open(os.path.join("drift", name + ".csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["value", "n_ref", "n_cur"])
        for k in keys:
            w.writerow([k.replace("inf", "Infinity"), cr.get(k, 0), cc.get(k, 0)])


def finite(xs):
    return [x for x in xs if x is not None and math.isfinite(x)]


def exact_cdf_measures(ref, cur):
    r = Counter(Fraction(x) for x in ref)
    c = Counter(Fraction(x) for x in cur)
    xs = sorted(set(r) | set(c))
    nr, nc = len(ref), len(cur)
    cr = cc = 0
    area = Fraction(0)
    sup = Fraction(0)
    for i, x in enumerate(xs):
        cr += r.get(x, 0)
        cc += c.get(x, 0)
        gap = abs(Fraction(cr, nr) - Fraction(cc, nc))
        sup = max(sup, gap)
        if i + 1 < len(xs):
            area += gap * (xs[i + 1] - x)
    return area, sup


def exact_std(ref):
    n = len(ref)
    fr = [Fraction(x) for x in ref]
    mean = sum(fr) / n
    var = sum((x - mean) ** 2 for x in fr) / n
    return mpmath.sqrt(mpmath.mpf(var.numerator) / var.denominator)


def numeric_case(name, ref, cur, out):
    write_table(name, ref, cur)
    fr, fc = finite(ref), finite(cur)
    area, sup = exact_cdf_measures(fr, fc)
    w_exact = mpmath.mpf(area.numerator) / area.denominator
    std = exact_std(fr)
    normed_exact = w_exact / max(std, mpmath.mpf(FLOOR))
    w_scipy = stats.wasserstein_distance(fr, fc)
    normed_scipy = w_scipy / max(np.std(fr), FLOOR)
    ks_scipy = stats.ks_2samp(fr, fc).statistic
    out.append((name, "wasserstein_distance", float(w_exact), w_scipy))
    out.append((name, "wasserstein_normed", float(normed_exact), normed_scipy))
    out.append((name, "ks_statistic", float(Fraction(sup)), float(ks_scipy)))


def categorical_case(name, ref, cur, out):
    cr, cc = Counter(ref), Counter(cur)
    keys = sorted(set(cr) | set(cc))
    with open(os.path.join("drift", name + ".csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["value", "n_ref", "n_cur"])
        for k in keys:
            w.writerow([k, cr.get(k, 0), cc.get(k, 0)])
    p = [mpmath.mpf(cr.get(k, 0)) / len(ref) for k in keys]
    q = [mpmath.mpf(cc.get(k, 0)) / len(cur) for k in keys]
    m = [(a + b) / 2 for a, b in zip(p, q)]
    kl = lambda a, b: sum(x * mpmath.log(x / y) for x, y in zip(a, b) if x > 0)
    js = mpmath.sqrt((kl(p, m) + kl(q, m)) / 2)
    pf = np.array([cr.get(k, 0) / len(ref) for k in keys])
    qf = np.array([cc.get(k, 0) / len(cur) for k in keys])
    out.append((name, "js_distance_raw", float(js), float(distance.jensenshannon(pf, qf))))


def main(data):
    out = []
    diamonds = read(os.path.join(data, "diamonds.csv"))
    numeric_case("diamonds_price_ideal_fair", [num(r["price"]) for r in diamonds if r["cut"] == "Ideal"],
                 [num(r["price"]) for r in diamonds if r["cut"] == "Fair"], out)
    numeric_case("diamonds_carat_d_j", [num(r["carat"]) for r in diamonds if r["color"] == "D"],
                 [num(r["carat"]) for r in diamonds if r["color"] == "J"], out)
    numeric_case("diamonds_depth_vs1_if", [num(r["depth"]) for r in diamonds if r["clarity"] == "VS1"],
                 [num(r["depth"]) for r in diamonds if r["clarity"] == "IF"], out)
    categorical_case("diamonds_clarity_ideal_fair", [r["clarity"] for r in diamonds if r["cut"] == "Ideal"],
                     [r["clarity"] for r in diamonds if r["cut"] == "Fair"], out)
    birds = read(os.path.join(data, "birdstrikes.csv"))
    numeric_case("birdstrikes_speed_before_after_1996",
                 [num(r["speed_ias_in_knots"]) for r in birds if r["flight_date"] < "1996"],
                 [num(r["speed_ias_in_knots"]) for r in birds if r["flight_date"] >= "1996"], out)
    numeric_case("birdstrikes_cost_total_before_after_1996",
                 [num(r["cost_total"]) for r in birds if r["flight_date"] < "1996"],
                 [num(r["cost_total"]) for r in birds if r["flight_date"] >= "1996"], out)
    rng = np.random.default_rng(20261202)
    a = rng.normal(0.0, 1.0, 4000)
    b = rng.normal(0.05, 1.1, 3000)
    numeric_case("syn_normal_shift", list(a), list(b), out)
    # nearly identical: where float64 cancellation would show
    c = rng.normal(1e6, 1.0, 3000)
    numeric_case("syn_close_large_offset", list(c), list(c[:2999]) + [c[0]], out)
    numeric_case("syn_constant_reference", [5.0] * 200, [5.0] * 150 + [6.0] * 50, out)
    numeric_case("syn_nonfinite_left_out", [1.0, 2.0, None, float("nan"), float("inf"), 3.0],
                 [2.0, 2.5, float("-inf"), None, 4.0], out)
    with open("drift_golden.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["case", "measure", "exact", "scipy"])
        for case, m, e, s in out:
            w.writerow([case, m, repr(e), repr(float(s))])
    print("numpy", np.__version__, "scipy", scipy.__version__, "mpmath", mpmath.__version__)


if __name__ == "__main__":
    main(sys.argv[1])
