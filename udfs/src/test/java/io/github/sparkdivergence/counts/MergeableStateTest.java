package io.github.sparkdivergence.counts;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The saved state's format: round trips, merges, and clear errors for what is not a state. */
class MergeableStateTest {
  private static MergeableState contingency(long[][] rows) {
    MergeableState s = MergeableState.contingency("string", "int");
    ContingencyState c = s.counts();
    for (long[] r : rows) {
      byte[] x = ("v" + r[0]).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      c.add(c.x().idOfBytes(x, 0, x.length), c.y().idOfLong(r[1]), r[2]);
    }
    return s;
  }

  @Test
  void roundTripKeepsCountsTypesAndSplits() {
    MergeableState s = contingency(new long[][] {{1, 1, 3}, {1, 2, 1}, {2, 2, 5}});
    MergeableState back = MergeableState.fromBytes(s.toBytes());
    assertEquals(MergeableState.Kind.CONTINGENCY, back.kind());
    assertEquals("string", back.valueType(0));
    assertEquals("int", back.valueType(1));
    assertEquals(9.0, back.counts().totalWeight());
    assertEquals(3, back.counts().cells());
    assertArrayEquals(s.toBytes(), back.toBytes());

    MergeableState d = MergeableState.distribution("double", new double[] {Double.NEGATIVE_INFINITY, 0, 1, Double.POSITIVE_INFINITY});
    d.addBucketed(0.5, false, 2);
    d.addBucketed(Double.NaN, false, 1);
    d.addBucketed(0, true, 1);
    MergeableState db = MergeableState.fromBytes(d.toBytes());
    assertEquals(MergeableState.BUCKET_TYPE, db.valueType(0));
    assertArrayEquals(d.splits(), db.splits());
    assertEquals(3, db.counts().distinctX());
    assertEquals(4.0, db.counts().totalWeight());
  }

  @Test
  void mergeAddsCountsInAnyOrder() {
    MergeableState a = contingency(new long[][] {{1, 1, 3}, {2, 2, 1}});
    MergeableState b = contingency(new long[][] {{1, 1, 2}, {3, 1, 4}});
    MergeableState ab = MergeableState.fromBytes(a.toBytes());
    ab.merge(MergeableState.fromBytes(b.toBytes()));
    MergeableState ba = MergeableState.fromBytes(b.toBytes());
    ba.merge(MergeableState.fromBytes(a.toBytes()));
    assertEquals(10.0, ab.counts().totalWeight());
    assertEquals(3, ab.counts().cells());
    assertEquals(ab.counts().toTable().total(), ba.counts().toTable().total());
  }

  @Test
  void mismatchesAndBadBytesAreErrors() {
    MergeableState c = contingency(new long[][] {{1, 1, 1}});
    MergeableState d = MergeableState.distribution("string", null);
    assertTrue(c.mergeProblem(d).contains("cannot be merged"), c.mergeProblem(d));
    MergeableState s1 = MergeableState.distribution("double", new double[] {0, 1, 2});
    MergeableState s2 = MergeableState.distribution("double", new double[] {0, 1, 3});
    assertTrue(s1.mergeProblem(s2).contains("splits differ"), s1.mergeProblem(s2));
    assertTrue(MergeableState.contingency("string", "int").mergeProblem(MergeableState.contingency("int", "int"))
        .contains("different types"));

    byte[] bytes = c.toBytes();
    IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
        () -> MergeableState.fromBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    assertTrue(foreign.getMessage().contains("magic"), foreign.getMessage());
    for (int i = 6; i < bytes.length; i++) {
      byte[] flipped = bytes.clone();
      flipped[i] ^= 0x10;
      assertThrows(IllegalArgumentException.class, () -> MergeableState.fromBytes(flipped), "byte " + i);
    }
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 1);
    assertThrows(IllegalArgumentException.class, () -> MergeableState.fromBytes(truncated));
    byte[] newer = bytes.clone();
    newer[4] = 2;
    IllegalArgumentException v = assertThrows(IllegalArgumentException.class, () -> MergeableState.fromBytes(newer));
    assertTrue(v.getMessage().contains("newer"), v.getMessage());
  }

  @Test
  void contingencyOfABinnedColumnKeepsItsSplitsAndRefusesOthers() {
    double[] s1 = {Double.NEGATIVE_INFINITY, 0, Double.POSITIVE_INFINITY};
    double[] s2 = {Double.NEGATIVE_INFINITY, 1, Double.POSITIVE_INFINITY};
    ContingencyState c = new ContingencyState();
    c.add(c.x().idOfLong(0), c.y().idOfLong(1), 2);
    MergeableState a = MergeableState.of(MergeableState.Kind.CONTINGENCY,
        new String[] {MergeableState.BUCKET_TYPE, "string"}, new double[][] {s1, null}, c);
    MergeableState back = MergeableState.fromBytes(a.toBytes());
    assertArrayEquals(s1, back.splits(0));
    assertFalse(back.bucketed(1));
    MergeableState b = MergeableState.of(MergeableState.Kind.CONTINGENCY,
        new String[] {MergeableState.BUCKET_TYPE, "string"}, new double[][] {s2, null}, new ContingencyState());
    String problem = back.mergeProblem(b);
    assertNotNull(problem);
    assertTrue(problem.contains("splits of column x differ"), problem);
    assertThrows(IllegalArgumentException.class, () -> MergeableState.of(MergeableState.Kind.CONTINGENCY,
        new String[] {"double", "string"}, new double[][] {s1, null}, new ContingencyState()));
  }

  @Test
  void bucketsFollowBucketizer() {
    double[] s = {0, 1, 2};
    assertEquals(0, Buckets.of(s, 0));
    assertEquals(0, Buckets.of(s, 0.999));
    assertEquals(1, Buckets.of(s, 1));
    assertEquals(1, Buckets.of(s, 2)); // the last split is in the last bucket
    assertEquals(2, Buckets.of(s, Double.NaN));
    assertEquals(-1, Buckets.of(s, -0.1));
    assertEquals(-1, Buckets.of(s, 2.1));
    assertNotNull(Buckets.problem(new double[] {1}));
    assertNotNull(Buckets.problem(new double[] {0, 0}));
    assertNull(Buckets.problem(new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY}));
  }
}
