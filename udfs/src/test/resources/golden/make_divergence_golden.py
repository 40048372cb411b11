#!/usr/bin/python3
"""Generates the golden CSVs read by the Java tests of io.github.sparkdivergence.math.

Run from anywhere:  /usr/bin/python3 make_divergence_golden.py
Needs numpy, scipy and mpmath (Debian: python3-scipy, python3-mpmath). The Java tests only read the
CSVs this writes next to the script; they never need Python.

For every case two values are written:

* ``expected``: the exact definition evaluated with mpmath at 60 significant digits on the exact
  float64 inputs (normalization and eps smoothing also done exactly). The Java results must match
  it to 1e-12 relative or 1e-15 absolute.
* ``ref``: the reference library's own float64 evaluation:
    - scipy.special.rel_entr / entr / xlogy, scipy.stats.entropy(pk, qk, base),
      scipy.spatial.distance.jensenshannon(p, q, base), scipy.special.log_softmax / logsumexp;
    - PyTorch is not installed here, so its conventions are evaluated with numpy exactly as
      PyTorch's formulas read:
        F.kl_div(input=b, target=a, reduction='sum', log_target=True) = sum(exp(a) * (a - b)),
        torch.distributions.kl_divergence(Normal, Normal):
            var_ratio = (s1/s2)**2; t1 = ((mu1-mu2)/s2)**2
            0.5 * (var_ratio + t1 - 1 - log(var_ratio)),
        VAE example: -0.5 * sum(1 + logvar - mu**2 - exp(logvar)),
        RLHF k3 (TRL / Schulman): r = exp(ref - lp); (r - 1) - log(r).
  Where the float64 reference differs from ``expected`` by more than the tolerance (the reference
  under/overflows or cancels, e.g. rel_entr(1e-300, 1e300) = -inf, or PyTorch's NaN for a -inf
  target log-prob) the function name is listed in the row's ``ref_deviates`` column and the script
  prints why; the Java tests check ``ref`` for every other function.

For inputs containing +inf the semantics are scipy's (inf/nan results), so ``expected`` is the
scipy value there (mpmath has no rel_entr conventions for infinities).

Vectors are written space-separated with Python's round-trip repr (Infinity/NaN spelled for Java).
"""
import csv
import math
import os

import mpmath as mp
import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.special import entr, log_softmax, logsumexp, rel_entr, xlogy
from scipy.stats import entropy as scipy_entropy

mp.mp.dps = 60
HERE = os.path.dirname(os.path.abspath(__file__))
REL_TOL = 1e-12
ABS_TOL = 1e-15
INF = float("inf")


def fmt(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return repr(x)


def fmt_vec(v):
    return " ".join(fmt(x) for x in v)


def close(actual, expected):
    actual = float(actual)
    expected = float(expected)
    if math.isnan(expected) or math.isnan(actual):
        return math.isnan(expected) and math.isnan(actual)
    if math.isinf(expected) or math.isinf(actual):
        return actual == expected
    return abs(actual - expected) <= max(REL_TOL * abs(expected), ABS_TOL)


def to_float(x):
    """mpf -> float64, correctly rounded (mpmath's float() rounds to nearest)."""
    if isinstance(x, float):
        return x
    return float(x)


# ------------------------------------------------------------------ discrete divergences

def mp_transform(v, normalize, eps):
    xs = [mp.mpf(float(x)) for x in v]
    if normalize:
        s = mp.fsum(xs)
        xs = [x / s for x in xs]
    if eps:
        e = mp.mpf(eps)
        d = 1 + len(xs) * e
        xs = [(x + e) / d for x in xs]
    return xs


def mp_rel_entr(x, y):
    if x == 0:
        return mp.mpf(0)
    if y == 0:
        return mp.inf
    return x * mp.log(x / y)


def mp_all(p, q, base, normalize, eps):
    x = mp_transform(p, normalize, eps)
    y = mp_transform(q, normalize, eps)
    ln_base = mp.log(mp.mpf(base)) if base != "e" else mp.mpf(1)
    kl = mp.fsum(mp_rel_entr(a, b) for a, b in zip(x, y))
    kl_rev = mp.fsum(mp_rel_entr(b, a) for a, b in zip(x, y))
    ce = mp.fsum(mp.mpf(0) if a == 0 else (mp.inf if b == 0 else -a * mp.log(b))
                 for a, b in zip(x, y))
    js = mp.fsum((mp_rel_entr(a, (a + b) / 2) + mp_rel_entr(b, (a + b) / 2)) / 2
                 for a, b in zip(x, y))
    ent = mp.fsum(mp.mpf(0) if a == 0 else -a * mp.log(a) for a in x)
    js_b = js / ln_base
    # measures without a log base (base ignored)
    hellinger = mp.sqrt(mp.fsum((mp.sqrt(a) - mp.sqrt(b)) ** 2 for a, b in zip(x, y)) / 2)
    total_variation = mp.fsum(abs(a - b) for a, b in zip(x, y)) / 2
    linf = max(abs(a - b) for a, b in zip(x, y))
    return {
        "hellinger_distance": hellinger,
        "total_variation": total_variation,
        "linf_distance": linf,
        "kl": kl / ln_base,
        "cross_entropy": ce / ln_base,
        "js_divergence": js_b,
        "js_distance": mp.sqrt(js_b) if js_b >= 0 else mp.nan,
        "jeffreys": (kl + kl_rev) / ln_base,
        "entropy": ent / ln_base,
    }


def np_transform(v, normalize, eps):
    v = np.asarray(v, dtype=np.float64)
    if normalize:
        v = v / np.sum(v)
    if eps:
        v = (v + eps) / (1 + len(v) * eps)
    return v


def scipy_all(p, q, base, normalize, eps):
    """The scipy float64 evaluation of each definition."""
    sb = None if base == "e" else float(base)
    ln_base = 1.0 if base == "e" else np.log(float(base))
    x = np_transform(p, normalize, eps)
    y = np_transform(q, normalize, eps)
    with np.errstate(all="ignore"):
        if normalize and not eps:
            kl = scipy_entropy(np.asarray(p, float), np.asarray(q, float), base=sb)
            ent = scipy_entropy(np.asarray(p, float), base=sb)
        else:
            kl = np.sum(rel_entr(x, y)) / ln_base
            ent = np.sum(entr(x)) / ln_base
        # jensenshannon's own expression, m = (p + q) / 2 (it returns sqrt(js), NaN for base < 1)
        m = (x + y) / 2.0
        js = (np.sum(rel_entr(x, m)) + np.sum(rel_entr(y, m))) / 2.0 / ln_base
        jsd = jensenshannon(x, y, base=sb) if normalize else np.sqrt(js)
        return {
            # no scipy function: numpy on the definitions
            "hellinger_distance": np.sqrt(np.sum((np.sqrt(x) - np.sqrt(y)) ** 2) / 2),
            "total_variation": np.sum(np.abs(x - y)) / 2,
            "linf_distance": np.max(np.abs(x - y)),
            "kl": kl,
            "cross_entropy": -np.sum(xlogy(x, y)) / ln_base,
            "js_divergence": js,
            "js_distance": jsd,
            "jeffreys": (np.sum(rel_entr(x, y)) + np.sum(rel_entr(y, x))) / ln_base,
            "entropy": ent,
        }


DIV_FUNCS = ["kl", "cross_entropy", "js_divergence", "js_distance", "jeffreys", "entropy",
             "hellinger_distance", "total_variation", "linf_distance"]


def divergence_cases(rng):
    cases = []

    def add(name, p, q, base="e", normalize=False, eps=0.0):
        cases.append((name, [float(v) for v in p], [float(v) for v in q], base, normalize, eps))

    for n in (1, 2, 64, 1024):
        p = rng.dirichlet(np.ones(n))
        q = rng.dirichlet(np.ones(n))
        add(f"dirichlet_n{n}", p, q)
        add(f"dirichlet_n{n}_base2", p, q, base="2")
        add(f"dirichlet_n{n}_norm_base10", p, q, base="10", normalize=True)
        add(f"dirichlet_n{n}_eps", p, q, normalize=True, eps=1e-6)
    for n in (2, 64, 1024):
        p = rng.uniform(0, 10, n)
        q = rng.uniform(0, 10, n)
        add(f"counts_n{n}_norm", p, q, normalize=True)
        add(f"counts_n{n}_norm_base2", p, q, base="2", normalize=True)
        add(f"counts_n{n}_raw", p, q)  # unnormalized inputs used as given
        add(f"counts_n{n}_norm_eps", p, q, base="2", normalize=True, eps=1e-3)
        # sparse-looking vectors: about half the entries 0 in p, a quarter in q
        ps = np.where(rng.uniform(size=n) < 0.5, 0.0, p)
        qs = np.where(rng.uniform(size=n) < 0.25, 0.0, q)
        ps[0] = 1.0
        qs[0] = 2.0
        add(f"zeros_n{n}_norm", ps, qs, normalize=True)
        add(f"zeros_n{n}_norm_eps", ps, qs, normalize=True, eps=1e-9)
        add(f"zeros_n{n}_eps_base10", ps, qs, base="10", eps=0.01)
        # q has zeros only where p has zeros too: finite KL
        add(f"q_zeros_where_p_zero_n{n}", ps, np.where(ps == 0, 0.0, q), normalize=True)
        # nearly identical distributions: divergences ~1e-18, ill-conditioned in float64
        p2 = rng.dirichlet(np.ones(n))
        q2 = p2 * (1 + 1e-9 * rng.standard_normal(n))
        add(f"near_identical_n{n}", p2, q2, normalize=True)
        add(f"identical_n{n}", p2, p2, normalize=True)
    add("length1", [0.3], [0.7])
    add("length1_norm", [0.3], [0.7], normalize=True)
    add("length1_eps", [0.3], [0.7], base="2", eps=0.5)
    add("zero_in_q", [0.5, 0.5], [1.0, 0.0])
    add("zero_in_q_norm_base2", [1, 2, 3], [4, 0, 6], base="2", normalize=True)
    add("zero_in_q_eps", [1, 2, 3], [4, 0, 6], normalize=True, eps=1e-12)
    add("zero_in_p", [0.0, 1.0], [0.5, 0.5])
    add("all_zero_raw", [0.0, 0.0, 0.0], [0.0, 0.0, 0.0])
    add("subnormal_p", [5e-324, 1.0], [1.0, 1.0])
    add("subnormal_q", [1.0, 1.0], [5e-324, 1.0])
    add("subnormal_both", [5e-324, 1e-320], [1e-320, 5e-324])
    add("subnormal_vs_zero", [5e-324, 0.0], [0.0, 5e-324])
    add("subnormal_norm", [5e-324, 1e-323, 2.5e-322], [1e-322, 5e-324, 5e-324], normalize=True)
    add("subnormal_mixed_norm", [5e-324, 1.0, 2.0], [3.0, 5e-324, 1.0], normalize=True)
    add("huge_ratio", [1e-300, 1.0], [1e300, 1.0])
    add("huge_ratio_rev", [1e300, 1.0], [1e-300, 1.0])
    add("huge_ratio_norm", [1e-300, 1.0], [1.0, 1e-300], normalize=True)
    add("huge_values_raw", [1e300, 3e300], [2e300, 1e300])
    add("overflowing_pair_raw", [1e308, 1.5e308, 1.0], [1.7e308, 1e308, 2.0])
    add("overflowing_sum_norm", [1e308, 1e308, 1.0], [1.0, 1e308, 1e308], normalize=True)
    add("tiny_values_norm", [1e-310, 3e-310], [2e-310, 1e-310], normalize=True)
    add("inf_in_p", [INF, 1.0], [1.0, 1.0])
    add("inf_in_q", [1.0, 1.0], [INF, 1.0])
    add("inf_in_both", [INF, 1.0], [INF, 1.0])
    add("inf_in_p_zero_q", [INF, 1.0], [0.0, 1.0])
    add("inf_norm", [INF, 1.0], [1.0, 1.0], normalize=True)
    add("inf_eps", [INF, 1.0], [1.0, 1.0], eps=0.1)
    add("base_half", [0.2, 0.8], [0.6, 0.4], base="0.5")
    add("base_half_norm", [1.0, 4.0], [3.0, 2.0], base="0.5", normalize=True)
    add("base_2_exact", [0.5, 0.25, 0.25], [0.25, 0.25, 0.5], base="2")
    return cases


def write_divergence(rng):
    rows = []
    deviations = []
    for name, p, q, base, normalize, eps in divergence_cases(rng):
        ref = scipy_all(p, q, base, normalize, eps)
        has_inf = any(math.isinf(v) for v in p + q)
        exp_mp = None if has_inf else mp_all(p, q, base, normalize, eps)
        row = [name, base, "true" if normalize else "false", fmt(eps), fmt_vec(p), fmt_vec(q)]
        dev = []
        for f in DIV_FUNCS:
            e = ref[f] if has_inf else to_float(exp_mp[f])
            row += [fmt(e), fmt(ref[f])]
            if not close(ref[f], e):
                dev.append(f)
                deviations.append(f"{name}.{f}: expected {fmt(e)} scipy {fmt(ref[f])}")
        row.append(" ".join(dev))
        rows.append(row)
    header = ["case", "base", "normalize", "eps", "p", "q"]
    for f in DIV_FUNCS:
        header += [f, f + "_ref"]
    header.append("ref_deviates")
    write("divergence_golden.csv", header, rows)
    return deviations


# ------------------------------------------------------------------ log space

def mp_log_softmax(v):
    v = [mp.mpf(float(x)) for x in v]
    m = max(v)
    s = mp.fsum(mp.exp(x - m) for x in v)
    return [(x - m) - mp.log(s) for x in v]


def mp_kl_log(a, b):
    total = mp.mpf(0)
    for x, y in zip(a, b):
        x = mp.mpf(float(x)) if not isinstance(x, mp.mpf) else x
        y = mp.mpf(float(y)) if not isinstance(y, mp.mpf) else y
        if x == -mp.inf or x < -1e5:
            continue  # exp(x) * (x - y) is below 1e-40000 here: exactly 0 in float64
        if y == -mp.inf:
            return mp.inf
        total += mp.exp(x) * (x - y)
    return total


def torch_kl_div(a, b):
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    with np.errstate(all="ignore"):
        return float(np.sum(np.exp(a) * (a - b)))


def write_logspace(rng):
    rows = []
    deviations = []

    def add(name, func, x, y, base="e"):
        x = [float(v) for v in x]
        y = [float(v) for v in y]
        ln_base = mp.mpf(1) if base == "e" else mp.log(mp.mpf(base))
        np_ln_base = 1.0 if base == "e" else math.log(float(base))
        if func == "kl_logprobs":
            e = mp_kl_log(x, y) / ln_base
            r = torch_kl_div(x, y) / np_ln_base
        elif func == "kl_logits":
            e = mp_kl_log(mp_log_softmax(x), mp_log_softmax(y)) / ln_base
            with np.errstate(all="ignore"):
                r = torch_kl_div(log_softmax(np.asarray(x)), log_softmax(np.asarray(y))) / np_ln_base
        else:
            xs = [mp.mpf(v) for v in x if v != -INF]
            e = mp.log(mp.fsum(mp.exp(v) for v in xs)) if xs else -mp.inf
            r = float(logsumexp(np.asarray(x)))
        e = to_float(e)
        dev = "" if close(r, e) else func
        if dev:
            deviations.append(f"{name}: expected {fmt(e)} reference {fmt(r)}")
        rows.append([name, func, base, fmt_vec(x), fmt_vec(y), fmt(e), fmt(r), dev])

    for n in (1, 2, 64, 1024):
        p = rng.dirichlet(np.ones(n))
        q = rng.dirichlet(np.ones(n))
        add(f"logprobs_n{n}", "kl_logprobs", np.log(p), np.log(q))
        add(f"logprobs_n{n}_base2", "kl_logprobs", np.log(p), np.log(q), base="2")
        x = rng.normal(0, 3, n)
        y = rng.normal(0, 3, n)
        add(f"logits_n{n}", "kl_logits", x, y)
        add(f"logits_n{n}_base10", "kl_logits", x, y, base="10")
        add(f"logits_big_n{n}", "kl_logits", x * 1e4 / 3, y * 1e4 / 3)
        add(f"logits_shifted_n{n}", "kl_logits", x + 1e4, y - 1e4)
        add(f"logsumexp_n{n}", "logsumexp", x, [])
        add(f"logsumexp_big_n{n}", "logsumexp", x * 1e3, [])
    add("logprobs_neg_inf_target", "kl_logprobs", [-INF, 0.0], [math.log(0.5), math.log(0.5)])
    add("logprobs_neg_inf_both", "kl_logprobs", [-INF, 0.0], [-INF, 0.0])
    add("logprobs_neg_inf_input", "kl_logprobs", [math.log(0.5)] * 2, [-INF, 0.0])
    add("logprobs_underflow", "kl_logprobs", [-800.0, 0.0], [-1e300, 0.0])
    add("logprobs_big_diff", "kl_logprobs", [-1.0, -2.0], [-1e300, -3.0])
    add("logprobs_unnormalized", "kl_logprobs", [1.0, 2.0, -3.0], [0.5, 0.0, 1.0])
    add("logprobs_tiny_diff", "kl_logprobs",
        [math.log(0.25), math.log(0.75)], [math.log(0.25 + 1e-12), math.log(0.75 - 1e-12)])
    add("logits_1e300", "kl_logits", [0.0, 1e300], [1e300, 0.0])
    add("logits_1e300_same", "kl_logits", [0.0, 1e300], [0.0, 1e300])
    add("logits_pm1e4", "kl_logits", [1e4, -1e4, 0.0], [-1e4, 1e4, 0.0])
    add("logits_masked", "kl_logits", [1.0, -INF, 2.0], [0.5, 0.0, 0.5])
    add("logits_masked_q", "kl_logits", [1.0, 3.0, 2.0], [0.5, -INF, 0.5])
    add("logits_identical", "kl_logits", [1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    add("logits_shift_invariant", "kl_logits", [1.0, 2.0, 3.0], [101.0, 102.0, 103.0])
    add("logsumexp_neg_inf", "logsumexp", [-INF, -INF], [])
    add("logsumexp_some_neg_inf", "logsumexp", [-INF, 0.0, 1.0], [])
    add("logsumexp_pos_inf", "logsumexp", [INF, 0.0], [])
    add("logsumexp_one", "logsumexp", [3.5], [])
    add("logsumexp_huge", "logsumexp", [1e308, 1e308], [])
    add("logsumexp_tiny_tail", "logsumexp", [0.0, -40.0, -50.0], [])
    header = ["case", "function", "base", "x", "y", "expected", "ref", "ref_deviates"]
    write("logspace_golden.csv", header, rows)
    return deviations


# ------------------------------------------------------------------ Gaussian

def mp_kl_gauss(m1, s1, m2, s2):
    m1, s1, m2, s2 = (mp.mpf(float(v)) for v in (m1, s1, m2, s2))
    return mp.log(s2 / s1) + (s1 ** 2 + (m1 - m2) ** 2) / (2 * s2 ** 2) - mp.mpf(1) / 2


def torch_kl_gauss(m1, s1, m2, s2):
    with np.errstate(all="ignore"):
        m1, s1, m2, s2 = (np.asarray(v, float) for v in (m1, s1, m2, s2))
        var_ratio = (s1 / s2) ** 2
        t1 = ((m1 - m2) / s2) ** 2
        return float(np.sum(0.5 * (var_ratio + t1 - 1 - np.log(var_ratio))))


def mp_kl_std(mu, lv):
    mu, lv = mp.mpf(float(mu)), mp.mpf(float(lv))
    return -(1 + lv - mu ** 2 - mp.exp(lv)) / 2


def torch_kl_std(mu, lv):
    with np.errstate(all="ignore"):
        mu, lv = np.asarray(mu, float), np.asarray(lv, float)
        return float(-0.5 * np.sum(1 + lv - mu ** 2 - np.exp(lv)))


def write_gaussian(rng):
    rows = []
    deviations = []

    def add(name, func, a, b, c=(), d=(), base="e"):
        ln_base = mp.mpf(1) if base == "e" else mp.log(mp.mpf(base))
        np_ln_base = 1.0 if base == "e" else math.log(float(base))
        a, b, c, d = ([float(v) for v in np.atleast_1d(t)] for t in (a, b, c, d))
        if func in ("kl_gaussian", "kl_gaussian_diagonal"):
            e = mp.fsum(mp_kl_gauss(*t) for t in zip(a, b, c, d)) / ln_base
            r = torch_kl_gauss(a, b, c, d) / np_ln_base
        else:
            e = mp.fsum(mp_kl_std(*t) for t in zip(a, b)) / ln_base
            r = torch_kl_std(a, b) / np_ln_base
        e = to_float(e)
        dev = "" if close(r, e) else func
        if dev:
            deviations.append(f"{name}: expected {fmt(e)} reference {fmt(r)}")
        rows.append([name, func, base, fmt_vec(a), fmt_vec(b), fmt_vec(c), fmt_vec(d),
                     fmt(e), fmt(r), dev])

    add("standard_vs_shifted", "kl_gaussian", 0.0, 1.0, 1.0, 1.0)
    add("wider", "kl_gaussian", 0.0, 2.0, 0.0, 1.0)
    add("narrower_base2", "kl_gaussian", 0.5, 0.5, -0.5, 3.0, base="2")
    add("identical", "kl_gaussian", 1.5, 0.7, 1.5, 0.7)
    add("near_equal_sigma", "kl_gaussian", 0.0, 1.0, 0.0, 1.0 + 1e-9)
    add("near_equal_sigma_mu", "kl_gaussian", 1e-8, 1.0 - 1e-7, 0.0, 1.0)
    add("huge_sigma", "kl_gaussian", 0.0, 1e200, 1.0, 2e200)
    add("tiny_sigma", "kl_gaussian", 0.0, 1e-200, 1e-201, 3e-200)
    add("sigma_ratio_1e6", "kl_gaussian", 3.0, 1e-3, -2.0, 1e3, base="10")
    add("huge_mu", "kl_gaussian", 1e300, 1e300, -1e300, 1e300)
    for n in (1, 2, 64, 1024):
        add(f"diag_n{n}", "kl_gaussian_diagonal", rng.normal(0, 2, n),
            rng.uniform(0.1, 3, n), rng.normal(0, 2, n), rng.uniform(0.1, 3, n))
        add(f"std_normal_vec_n{n}", "kl_std_normal_vec", rng.normal(0, 1, n),
            rng.normal(0, 1, n))
    add("diag_base2", "kl_gaussian_diagonal", [0.0, 1.0], [1.0, 2.0], [1.0, 0.0],
        [2.0, 1.0], base="2")
    add("std_normal_zero", "kl_std_normal", 0.0, 0.0)
    add("std_normal_tiny_logvar", "kl_std_normal", 0.0, 1e-6)
    add("std_normal_tiny_both", "kl_std_normal", 1e-9, -1e-9)
    add("std_normal_mu", "kl_std_normal", 2.0, 0.0)
    add("std_normal_neg_logvar", "kl_std_normal", 0.3, -5.0, base="2")
    add("std_normal_big_logvar", "kl_std_normal", -1.0, 50.0)
    add("std_normal_vec_small", "kl_std_normal_vec", [1e-5, -2e-5, 0.0], [1e-4, -1e-4, 1e-6])
    header = ["case", "function", "base", "a", "b", "c", "d", "expected", "ref", "ref_deviates"]
    write("gaussian_golden.csv", header, rows)
    return deviations


# ------------------------------------------------------------------ RLHF estimators

def mp_token(est, lp, ref):
    lp, ref = mp.mpf(float(lp)), mp.mpf(float(ref))
    d = lp - ref
    if est == "k1":
        return d
    if est == "k2":
        return d * d / 2
    return mp.expm1(-d) + d  # r - 1 - ln r with r = exp(ref - lp)


def np_token(est, lp, ref):
    with np.errstate(all="ignore"):
        lp, ref = np.asarray(lp, float), np.asarray(ref, float)
        if est == "k1":
            return lp - ref
        if est == "k2":
            return 0.5 * (lp - ref) ** 2
        r = np.exp(ref - lp)
        return (r - 1) - np.log(r)


def write_rlhf(rng):
    rows = []
    deviations = []

    def add(name, est, lp, ref, mask):
        lp = [float(v) for v in lp]
        ref = [float(v) for v in ref]
        per = [mp_token(est, a, b) if (mask is None or m == 1) else mp.mpf(0)
               for a, b, m in zip(lp, ref, mask if mask is not None else [1] * len(lp))]
        count = len(lp) if mask is None else int(sum(mask))
        total = mp.fsum(per)
        mean = total / count if count else mp.nan
        per_np = np_token(est, lp, ref)
        if mask is not None:
            per_np = np.where(np.asarray(mask) == 1, per_np, 0.0)
        ref_sum = float(np.sum(per_np))
        e = to_float(total)
        dev = "" if close(ref_sum, e) else "sum"
        if dev:
            deviations.append(f"{name}: expected sum {fmt(e)} reference {fmt(ref_sum)}")
        rows.append([name, est, fmt_vec(lp), fmt_vec(ref),
                     "" if mask is None else fmt_vec(mask),
                     fmt_vec(to_float(v) for v in per), fmt(e), fmt(to_float(mean)),
                     fmt(ref_sum), dev])

    for n in (1, 2, 64, 1024):
        lp = -rng.exponential(2.0, n)
        ref = lp + rng.normal(0, 0.3, n)
        mask = (rng.uniform(size=n) < 0.8).astype(float)
        mask[0] = 1.0
        for est in ("k1", "k2", "k3"):
            add(f"tokens_n{n}_{est}", est, lp, ref, None)
            add(f"tokens_n{n}_{est}_masked", est, lp, ref, mask)
    for est in ("k1", "k2", "k3"):
        add(f"tiny_diff_{est}", est, [-1.0, -2.0, -0.5], [-1.0 - 1e-9, -2.0 + 3e-7, -0.5],
            None)
        add(f"big_diff_{est}", est, [-1.0, -800.0], [-800.0, -1.0], None)
        add(f"all_masked_{est}", est, [-1.0, -2.0], [-1.5, -2.5], [0.0, 0.0])
    header = ["case", "estimator", "lp", "ref", "mask", "per_token", "sum", "mean", "ref_sum",
              "ref_deviates"]
    write("rlhf_golden.csv", header, rows)
    return deviations


def write(name, header, rows):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"wrote {name}: {len(rows)} rows")


def main():
    rng = np.random.default_rng(20250601)
    for title, devs in (("divergence", write_divergence(rng)),
                        ("log space", write_logspace(rng)),
                        ("gaussian", write_gaussian(rng)),
                        ("rlhf", write_rlhf(rng))):
        print(f"{title}: {len(devs)} reference values deviate from the exact value:")
        for d in devs:
            print("  " + d)


if __name__ == "__main__":
    main()
