#!/usr/bin/env python3
"""Generates the golden CSVs for MultivariateGaussian (kl_mvn) and GaussianMoments.

Run from anywhere:  python3 make_mvn_golden.py     (a few minutes: mpmath at d = 200)
Needs numpy, scipy and mpmath. The Java tests (MultivariateGaussianGoldenTest) only read the CSVs
this writes next to the script; they never need Python.

mvn_golden.csv, one row per case of KL(N(mu1, cov1) || N(mu2, cov2)) with cov + ridge * I:

* ``expected``: the definition 1/2 [tr(S2^-1 S1) + (mu2-mu1)^T S2^-1 (mu2-mu1) - d
  + ln det S2 - ln det S1] evaluated with mpmath at 50 significant digits on the exact float64
  inputs (the ridge is added exactly): the trace and the quadratic form by LU solves
  (mpmath's LU_decomp / L_solve / U_solve, the pieces of lu_solve, factorising S2 once), the
  log-determinants from mpmath's cholesky, checked against ln(mpmath.det(S)) to 1e-30.
* ``ref``: the float64 textbook formula with scipy.linalg.cho_factor / cho_solve
  (tr(cho_solve(S2, S1)) + delta . cho_solve(S2, delta) - d + 2 sum ln diag(L2) - 2 sum ln diag(L1)).
  Where it differs from ``expected`` by more than 1e-12 relative the case is flagged in
  ``ref_deviates`` (cancellation of tr - d against the log-determinants, conditioning) and the
  script prints by how much.
* ``cond1``, ``cond2``: 2-norm condition numbers (numpy) of cov1 + ridge I and cov2 + ridge I,
  from which the Java test scales its tolerance.

mvn_moments_golden.csv, one row per data set X (n vectors of length d, row-major in ``x``):
``mean`` and ``cov`` (sample covariance, n - 1 denominator) exactly with mpmath at 50 digits,
and numpy's float64 ``mean_numpy`` and ``cov_numpy`` = numpy.cov(X, rowvar=False).

Matrices are written row-major and every vector space-separated with Python's round-trip repr.
"""
import csv
import math
import os
import time

import mpmath as mp
import numpy as np
from scipy.linalg import cho_factor, cho_solve

mp.mp.dps = 50
HERE = os.path.dirname(os.path.abspath(__file__))
REL_TOL = 1e-12


def fmt(x):
    return repr(float(x))


def fmt_vec(v):
    return " ".join(fmt(x) for x in np.asarray(v, dtype=np.float64).ravel())


# ------------------------------------------------------------------ KL

def mp_ridged(cov, d, ridge):
    a = mp.matrix(d, d)
    for i in range(d):
        for j in range(d):
            a[i, j] = mp.mpf(float(cov[i, j]))
        a[i, i] += mp.mpf(float(ridge))
    return a


def mp_logdet(a, d):
    chol = mp.cholesky(a)
    logdet = 2 * mp.fsum(mp.log(chol[i, i]) for i in range(d))
    check = mp.log(mp.det(a))
    assert abs(check - logdet) <= mp.mpf("1e-30") * max(1, abs(logdet)), (check, logdet)
    return logdet


def mp_kl(mu1, cov1, mu2, cov2, ridge, base):
    d = len(mu1)
    s1 = mp_ridged(cov1, d, ridge)
    s2 = mp_ridged(cov2, d, ridge)
    # lu_solve itself would factorise S2 again for each of the d columns of S1
    lu, perm = mp.mp.LU_decomp(s2)

    def solve(b):
        return mp.mp.U_solve(lu, mp.mp.L_solve(lu, b.copy(), perm))

    trace = mp.fsum(solve(s1.column(j))[j] for j in range(d))
    delta = mp.matrix([mp.mpf(float(b)) - mp.mpf(float(a)) for a, b in zip(mu1, mu2)])
    z = solve(delta)
    quad = mp.fsum(delta[i] * z[i] for i in range(d))
    kl = (trace + quad - d + mp_logdet(s2, d) - mp_logdet(s1, d)) / 2
    return kl if base == "e" else kl / mp.log(mp.mpf(base))


def scipy_kl(mu1, cov1, mu2, cov2, ridge, base):
    d = len(mu1)
    s1 = cov1 + ridge * np.eye(d)
    s2 = cov2 + ridge * np.eye(d)
    c1 = cho_factor(s1, lower=True)
    c2 = cho_factor(s2, lower=True)
    delta = np.asarray(mu2) - np.asarray(mu1)
    kl = 0.5 * (np.trace(cho_solve(c2, s1)) + delta @ cho_solve(c2, delta) - d
                + 2 * np.sum(np.log(np.diag(c2[0]))) - 2 * np.sum(np.log(np.diag(c1[0]))))
    return kl if base == "e" else kl / math.log(float(base))


def rotation(rng, d):
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def with_spectrum(rng, eigenvalues):
    """Q diag(eigenvalues) Q^T in float64, made exactly symmetric."""
    q = rotation(rng, len(eigenvalues))
    s = (q * eigenvalues) @ q.T
    return (s + s.T) / 2


def integer_spd(rng, d):
    """B B^T + d I with small integer B: exact, short entries, condition number ~ 30."""
    b = rng.integers(-4, 5, size=(d, d)).astype(np.float64)
    return b @ b.T + d * np.eye(d)


def float_spd(rng, d):
    a = rng.standard_normal((d, d))
    s = a @ a.T / d + 0.5 * np.eye(d)
    return (s + s.T) / 2


def short_mean(rng, d, scale=1.0):
    return np.round(rng.normal(0, scale, d), 3)


def kl_cases(rng):
    cases = []

    def add(name, mu1, cov1, mu2, cov2, ridge=0.0, base="e"):
        mu1 = np.asarray(mu1, dtype=np.float64).ravel()
        mu2 = np.asarray(mu2, dtype=np.float64).ravel()
        d = len(mu1)
        cov1 = np.asarray(cov1, dtype=np.float64).reshape(d, d)
        cov2 = np.asarray(cov2, dtype=np.float64).reshape(d, d)
        assert np.array_equal(cov1, cov1.T) and np.array_equal(cov2, cov2.T), name
        cases.append((name, mu1, cov1, mu2, cov2, float(ridge), base))

    add("d1", [0.5], [[2.0]], [-1.0], [[0.5]])
    add("d1_identical", [3.0], [[0.25]], [3.0], [[0.25]])
    add("d2", [0.0, 1.0], [[2.0, 0.3], [0.3, 0.5]], [1.0, -1.0], [[1.0, -0.2], [-0.2, 1.5]])
    add("d2_base2", [0.0, 1.0], [[2.0, 0.3], [0.3, 0.5]], [1.0, -1.0],
        [[1.0, -0.2], [-0.2, 1.5]], base="2")
    add("d2_same_cov", [0.0, 0.0], [[1.0, 0.5], [0.5, 1.0]], [1.0, 1.0],
        [[1.0, 0.5], [0.5, 1.0]])
    add("d5_int", short_mean(rng, 5), integer_spd(rng, 5), short_mean(rng, 5), integer_spd(rng, 5))
    s = integer_spd(rng, 5)
    m = short_mean(rng, 5)
    add("d5_identical", m, s, m, s)
    add("d5_float_base10", rng.normal(0, 1, 5), float_spd(rng, 5), rng.normal(0, 1, 5),
        float_spd(rng, 5), base="10")
    add("d50_float", rng.normal(0, 1, 50), float_spd(rng, 50), rng.normal(0, 1, 50),
        float_spd(rng, 50))
    add("d200_int", short_mean(rng, 200, 3.0), integer_spd(rng, 200), short_mean(rng, 200, 3.0),
        integer_spd(rng, 200))
    # ill-conditioned: eigenvalues spread over 6 and 10 decades, independent rotations
    add("ill_d5_cond1e6", rng.normal(0, 1, 5), with_spectrum(rng, np.logspace(0, -6, 5)),
        rng.normal(0, 1, 5), with_spectrum(rng, np.logspace(1, -5, 5)))
    add("ill_d10_cond1e10", rng.normal(0, 1, 10), with_spectrum(rng, np.logspace(0, -10, 10)),
        rng.normal(0, 1, 10), with_spectrum(rng, np.logspace(0, -10, 10)))
    add("ill_cov1_only_d10", rng.normal(0, 1, 10), with_spectrum(rng, np.logspace(2, -6, 10)),
        rng.normal(0, 1, 10), float_spd(rng, 10))
    # nearly equal distributions: KL ~ 1e-15, where tr - d and the log-determinants cancel
    s = float_spd(rng, 5)
    p = with_spectrum(rng, 1 + 1e-7 * rng.standard_normal(5))
    s2 = s @ p
    s2 = (s2 + s2.T) / 2
    m = rng.normal(0, 1, 5)
    add("near_identical_d5", m, s, m + 1e-8, s2)
    # rank-deficient sample covariances (3 vectors in 5 dimensions): PD only with the ridge
    x1 = rng.normal(0, 1, (3, 5))
    x2 = rng.normal(0.5, 2, (3, 5))
    add("ridge_rank_deficient_d5", x1.mean(axis=0), np.cov(x1, rowvar=False),
        x2.mean(axis=0), np.cov(x2, rowvar=False), ridge=1e-3)
    add("ridge_d5_int_base2", short_mean(rng, 5), integer_spd(rng, 5), short_mean(rng, 5),
        integer_spd(rng, 5), ridge=0.5, base="2")
    return cases


def write_kl(rng):
    rows = []
    deviations = []
    for name, mu1, cov1, mu2, cov2, ridge, base in kl_cases(rng):
        start = time.time()
        d = len(mu1)
        e = float(mp_kl(mu1, cov1, mu2, cov2, ridge, base))
        r = float(scipy_kl(mu1, cov1, mu2, cov2, ridge, base))
        cond1 = np.linalg.cond(cov1 + ridge * np.eye(d))
        cond2 = np.linalg.cond(cov2 + ridge * np.eye(d))
        dev = "" if abs(r - e) <= REL_TOL * abs(e) else "ref"
        if dev:
            deviations.append(f"{name}: expected {fmt(e)} scipy {fmt(r)} (relative error "
                              f"{abs(r - e) / abs(e) if e else float('inf'):.1e})")
        rows.append([name, d, fmt(ridge), base, fmt_vec(mu1), fmt_vec(cov1), fmt_vec(mu2),
                     fmt_vec(cov2), fmt(e), fmt(r), f"{cond1:.3e}", f"{cond2:.3e}", dev])
        print(f"  {name}: d = {d}, {time.time() - start:.1f} s")
    header = ["case", "d", "ridge", "base", "mu1", "cov1", "mu2", "cov2", "expected", "ref",
              "cond1", "cond2", "ref_deviates"]
    write("mvn_golden.csv", header, rows)
    return deviations


# ------------------------------------------------------------------ moments

def moment_cases(rng):
    return [
        ("n2_d1", rng.normal(0, 1, (2, 1))),
        ("n10_d1", rng.normal(5, 2, (10, 1))),
        ("n3_d2", rng.normal(0, 1, (3, 2))),
        ("n50_d3", rng.normal(0, 1, (50, 3)) @ rng.normal(0, 1, (3, 3))),
        ("n200_d5", rng.normal(10, 3, (200, 5))),
        ("n100_d20", rng.normal(0, 1, (100, 20)) @ rng.normal(0, 1, (20, 20))),
        # the mean 1e3 times the spread: sum(x x^T) - n mean mean^T would keep ~10 digits
        ("n300_d4_offset", 1000.0 + rng.normal(0, 1, (300, 4))),
        ("n4_d6_rank_deficient", rng.normal(0, 1, (4, 6))),
    ]


def write_moments(rng):
    rows = []
    for name, x in moment_cases(rng):
        n, d = x.shape
        xs = [[mp.mpf(float(v)) for v in row] for row in x]
        mean = [mp.fsum(row[i] for row in xs) / n for i in range(d)]
        cov = [mp.fsum((row[i] - mean[i]) * (row[j] - mean[j]) for row in xs) / (n - 1)
               for i in range(d) for j in range(d)]
        rows.append([name, d, n, fmt_vec(x), fmt_vec([float(v) for v in mean]),
                     fmt_vec([float(v) for v in cov]), fmt_vec(np.mean(x, axis=0)),
                     fmt_vec(np.atleast_2d(np.cov(x, rowvar=False)))])
    header = ["case", "d", "n", "x", "mean", "cov", "mean_numpy", "cov_numpy"]
    write("mvn_moments_golden.csv", header, rows)


def write(name, header, rows):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"wrote {name}: {len(rows)} rows")


def main():
    rng = np.random.default_rng(20260710)
    devs = write_kl(rng)
    print(f"kl: {len(devs)} scipy float64 values deviate from the exact value by more than "
          f"{REL_TOL} relative:")
    for d in devs:
        print("  " + d)
    write_moments(rng)


if __name__ == "__main__":
    main()
