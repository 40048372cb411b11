package io.github.sparkdivergence.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

final class Lists {
  private Lists() {}

  /**
   * An unmodifiable copy; null is an empty list. Unlike {@code List.copyOf}, null elements are
   * kept: a category seen on one side only may be SQL NULL.
   */
  static <T> List<T> copy(List<T> l) {
    return l == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(l));
  }

  /** {@link #copy} of a list whose elements must be there (columns, buckets, ranked features). */
  static <T> List<T> copyNonNull(List<T> l, String what) {
    List<T> c = copy(l);
    for (int i = 0; i < c.size(); i++) {
      if (c.get(i) == null) throw new IllegalArgumentException(what + " holds a null element at " + i);
    }
    return c;
  }
}
