package io.github.sparkdivergence.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The accumulator's contract; its values against numpy.cov are in {@link MultivariateGaussianGoldenTest}. */
class GaussianMomentsTest {

  private static void invalid(String message, Executable call) {
    InvalidInputException e = assertThrows(InvalidInputException.class, call);
    assertEquals(0, e.argumentIndex());
    assertEquals(message, e.getMessage());
  }

  @Test
  void smallExample() {
    GaussianMoments g = new GaussianMoments().add(new double[] {1, 2}).add(new double[] {3, 6}).add(new double[] {5, 4});
    assertEquals(3, g.count());
    assertEquals(2, g.dimension());
    assertArrayEquals(new double[] {3, 4}, g.mean());
    // numpy.cov([[1, 3, 5], [2, 6, 4]]) = [[4, 2], [2, 4]]
    assertArrayEquals(new double[] {4, 2, 2, 4}, g.covariance());
    assertEquals("GaussianMoments(d = 2, n = 3)", g.toString());
  }

  @Test
  void sparseVectorsAreTheirDenseForm() {
    GaussianMoments dense = new GaussianMoments(4).add(new double[] {0, 1.5, 0, -2}).add(new double[] {3, 0, 0, 0})
        .add(new double[] {0, 0, 0, 0});
    GaussianMoments sparse = new GaussianMoments().add(4, new int[] {1, 3}, new double[] {1.5, -2})
        .add(4, new int[] {0}, new double[] {3}).add(4, new int[0], new double[0]);
    assertArrayEquals(dense.mean(), sparse.mean());
    assertArrayEquals(dense.covariance(), sparse.covariance());
  }

  @Test
  void mergeHandlesEmptySidesAndLeavesTheOtherAlone() {
    GaussianMoments a = new GaussianMoments().add(new double[] {1, 2}).add(new double[] {3, 6});
    GaussianMoments b = new GaussianMoments().add(new double[] {5, 4});
    GaussianMoments all = new GaussianMoments().add(new double[] {1, 2}).add(new double[] {3, 6}).add(new double[] {5, 4});
    double[] bMean = b.mean();
    GaussianMoments merged = new GaussianMoments().merge(a).merge(new GaussianMoments()).merge(new GaussianMoments(2)).merge(b);
    assertEquals(3, merged.count());
    assertArrayEquals(all.mean(), merged.mean(), 1e-15);
    assertArrayEquals(all.covariance(), merged.covariance(), 1e-14);
    assertArrayEquals(bMean, b.mean());
    assertEquals(1, b.count());
    // merging into an empty accumulator copies: later adds do not reach the source
    GaussianMoments copy = new GaussianMoments().merge(a);
    copy.add(new double[] {100, 100});
    assertEquals(2, a.count());
    assertArrayEquals(new double[] {2, 4}, a.mean());
  }

  @Test
  void invalidInput() {
    GaussianMoments g = new GaussianMoments().add(new double[] {1, 2, 3});
    invalid("x has length 2 but the accumulator's dimension is 3", () -> g.add(new double[] {1, 2}));
    invalid("x has size 4 but the accumulator's dimension is 3", () -> g.add(4, new int[] {0}, new double[] {1}));
    invalid("x contains NaN at index 1", () -> g.add(new double[] {1, Double.NaN, 3}));
    invalid("x contains Infinity at index 2", () -> g.add(3, new int[] {2}, new double[] {Double.POSITIVE_INFINITY}));
    invalid("x index 1 at position 1 is not after 2", () -> g.add(3, new int[] {2, 1}, new double[] {1, 1}));
    invalid("x index 3 at position 0 is out of range for size 3", () -> g.add(3, new int[] {3}, new double[] {1}));
    invalid("x has 1 indices but 2 values", () -> g.add(3, new int[] {0}, new double[] {1, 2}));
    invalid("x is null", () -> g.add(null));
    invalid("x is empty", () -> new GaussianMoments().add(new double[0]));
    invalid("d must be >= 1 but was 0", () -> new GaussianMoments(0));
    invalid("other has dimension 2 but this accumulator has dimension 3", () -> g.merge(new GaussianMoments().add(new double[] {1, 2})));
    // a rejected vector changes nothing
    assertEquals(1, g.count());
    assertArrayEquals(new double[] {1, 2, 3}, g.mean());
  }

  @Test
  void tooFewVectors() {
    IllegalStateException none = assertThrows(IllegalStateException.class, () -> new GaussianMoments(2).mean());
    assertEquals("the mean needs at least 1 vector but none was added", none.getMessage());
    GaussianMoments one = new GaussianMoments().add(new double[] {1, 2});
    assertArrayEquals(new double[] {1, 2}, one.mean());
    IllegalStateException e = assertThrows(IllegalStateException.class, one::covariance);
    assertEquals("the sample covariance (denominator n - 1) needs at least 2 vectors but 1 was added", e.getMessage());
    assertEquals(0, new GaussianMoments().dimension());
  }

  /** A Spark aggregation ships its buffer between executors: the state survives, the scratch is rebuilt. */
  @Test
  void serializable() throws Exception {
    GaussianMoments g = new GaussianMoments().add(new double[] {1, 2}).add(new double[] {3, 6}).add(new double[] {5, 4});
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(g);
    }
    GaussianMoments back;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (GaussianMoments) in.readObject();
    }
    assertEquals(3, back.count());
    assertArrayEquals(g.covariance(), back.covariance());
    back.add(new double[] {0, 0}).merge(g);
    g.add(new double[] {0, 0}).merge(new GaussianMoments().add(new double[] {1, 2}).add(new double[] {3, 6}).add(new double[] {5, 4}));
    assertEquals(7, back.count());
    assertArrayEquals(g.mean(), back.mean(), 1e-15);
    assertArrayEquals(g.covariance(), back.covariance(), 1e-14);
    assertTrue(bytes.size() < 1000, bytes.size() + " bytes");
  }

  /** Sample moments feed the KL directly: a fitted Gaussian against itself is 0, against a shifted copy positive. */
  @Test
  void feedsMultivariateGaussian() {
    java.util.Random r = new java.util.Random(3);
    GaussianMoments a = new GaussianMoments(3);
    GaussianMoments b = new GaussianMoments(3);
    for (int k = 0; k < 500; k++) {
      double[] x = {r.nextGaussian(), r.nextGaussian() + 0.5 * r.nextGaussian(), r.nextGaussian() * 2};
      a.add(x);
      b.add(new double[] {x[0] + 1, x[1], x[2]});
    }
    assertEquals(0.0, MultivariateGaussian.kl(a.mean(), a.covariance(), a.mean(), a.covariance()));
    // same covariance, means 1 apart in the first coordinate: KL = (S^-1)_00 / 2
    double kl = MultivariateGaussian.kl(a.mean(), a.covariance(), b.mean(), b.covariance());
    assertTrue(kl > 0.3 && kl < 0.8, "kl = " + kl);
  }
}
