package io.github.sparkdivergence.math;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the CSVs written by golden/make_divergence_golden.py and compares with tolerance. */
final class Golden {
  private Golden() {}

  static final double REL_TOL = 1e-12;
  static final double ABS_TOL = 1e-15;

  static List<Map<String, String>> rows(String file) {
    try (InputStream in = Golden.class.getResourceAsStream("/golden/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing resource golden/" + file);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String[] header = r.readLine().split(",", -1);
      List<Map<String, String>> out = new ArrayList<>();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] cells = line.split(",", -1); // the generator never writes commas inside cells
        Map<String, String> row = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
          row.put(header[i], cells[i]);
        }
        out.add(row);
      }
      assertTrue(out.size() > 0, file + " is empty");
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static double num(String s) {
    return Double.parseDouble(s);
  }

  static double[] vec(String s) {
    if (s.isEmpty()) {
      return new double[0];
    }
    return Arrays.stream(s.split(" ")).mapToDouble(Double::parseDouble).toArray();
  }

  static double base(String s) {
    return s.equals("e") ? Math.E : Double.parseDouble(s);
  }

  /** A longer buffer whose tail is garbage, to prove that only the first n entries are read. */
  static double[] padded(double[] v) {
    double[] b = Arrays.copyOf(v, v.length + 3);
    b[v.length] = Double.NaN;
    b[v.length + 1] = -1.0;
    b[v.length + 2] = Double.NEGATIVE_INFINITY;
    return b;
  }

  static boolean close(double expected, double actual) {
    if (Double.isNaN(expected) || Double.isNaN(actual)) {
      return Double.isNaN(expected) && Double.isNaN(actual);
    }
    if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
      return expected == actual;
    }
    return Math.abs(actual - expected) <= Math.max(REL_TOL * Math.abs(expected), ABS_TOL);
  }

  static void assertClose(double expected, double actual, String what) {
    if (!close(expected, actual)) {
      fail(what + ": expected " + expected + " but was " + actual + " (diff "
          + Math.abs(actual - expected) + ")");
    }
  }

  /** Purely relative (for values computed without cancellation, however small). */
  static void assertRelClose(double expected, double actual, String what) {
    boolean ok = Double.isNaN(expected) || Double.isInfinite(expected) || expected == 0
        ? Double.compare(expected, actual) == 0 || expected == actual
        : Math.abs(actual - expected) <= REL_TOL * Math.abs(expected);
    if (!ok) {
      fail(what + ": expected " + expected + " but was " + actual);
    }
  }
}
