package io.github.sparkdivergence.report;

import java.util.List;

/**
 * What a mutual-information page shows: either a target's features ranked by one measure
 * (ranking mode), or that measure between every pair of columns (matrix mode). Lists given as null
 * are taken as empty; lists and the matrix are copied.
 *
 * @param measure the name of the measure shown (e.g. "ami", "p_value"), used for the axis and the
 *     colour scale
 * @param ranking ranking mode: the features in the order to show them (the caller ranks)
 * @param matrixColumns matrix mode: the names on both axes
 * @param matrix matrix mode: square, {@code matrixColumns.size()} on each side, NaN where nothing
 *     was computed (the diagonal); null in ranking mode
 */
public record MutualInfoReport(String title, String measure, List<Ranked> ranking,
    List<String> matrixColumns, double[][] matrix, List<String> notes) {

  public MutualInfoReport {
    ranking = Lists.copyNonNull(ranking, "ranking");
    matrixColumns = Lists.copy(matrixColumns);
    notes = Lists.copy(notes);
    int n = matrixColumns.size();
    if (n == 0 && matrix != null && matrix.length > 0) {
      throw new IllegalArgumentException("a matrix of " + matrix.length + " rows without matrixColumns");
    }
    if (n > 0) {
      if (matrix == null || matrix.length != n) {
        throw new IllegalArgumentException(n + " matrixColumns need a " + n + " x " + n + " matrix, got "
            + (matrix == null ? "null" : matrix.length + " rows"));
      }
      double[][] copy = new double[n][];
      for (int i = 0; i < n; i++) {
        if (matrix[i] == null || matrix[i].length != n) {
          throw new IllegalArgumentException("matrix row " + i + " has " + (matrix[i] == null ? "no" : matrix[i].length)
              + " entries; " + n + " expected (one per matrixColumns)");
        }
        copy[i] = matrix[i].clone();
      }
      matrix = copy;
    } else {
      matrix = null;
    }
  }

  /** Ranking mode: {@code ranking} in the order given. */
  public static MutualInfoReport ranking(String title, String measure, List<Ranked> ranking, List<String> notes) {
    return new MutualInfoReport(title, measure, ranking, List.of(), null, notes);
  }

  /** Matrix mode: {@code matrix[i][j]} between {@code columns[i]} and {@code columns[j]}. */
  public static MutualInfoReport matrix(String title, String measure, List<String> columns, double[][] matrix,
      List<String> notes) {
    return new MutualInfoReport(title, measure, List.of(), columns, matrix, notes);
  }

  public boolean isMatrix() { return !matrixColumns.isEmpty(); }

  /** ranking mode (a target's features); empty list in matrix mode */
  public record Ranked(String feature, double value) {}
}
