package io.github.sparkdivergence.counts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JointCountsTest {

  @Test
  void growsAndKeepsEveryCell() {
    JointCounts j = new JointCounts(1);
    Map<Long, Double> ref = new HashMap<>();
    Random r = new Random(3);
    for (int i = 0; i < 1_000_000; i++) {
      int x = r.nextInt(3000);
      int y = r.nextInt(2000);
      double w = r.nextInt(5);
      j.add(x, y, w);
      ref.merge(((long) x << 32) | y, w, Double::sum);
    }
    assertEquals(ref.size(), j.size());
    int[] n = {0};
    j.forEach((x, y, c) -> {
      assertEquals(ref.get(((long) x << 32) | y), c);
      n[0]++;
    });
    assertEquals(ref.size(), n[0]);
    assertEquals(0.0, j.get(3000, 0));
    assertEquals(0.0, j.get(-1, 0));
  }

  @Test
  void extremeIds() {
    JointCounts j = new JointCounts();
    j.add(Integer.MAX_VALUE, Integer.MAX_VALUE, 1);
    j.add(0, Integer.MAX_VALUE, 2);
    j.add(Integer.MAX_VALUE, 0, 3);
    j.add(0, 0, 4);
    assertEquals(4, j.size());
    assertEquals(1, j.get(Integer.MAX_VALUE, Integer.MAX_VALUE));
    assertEquals(2, j.get(0, Integer.MAX_VALUE));
    assertEquals(3, j.get(Integer.MAX_VALUE, 0));
    assertEquals(4, j.get(0, 0));
    assertThrows(IllegalArgumentException.class, () -> j.add(-1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> j.add(0, -5, 1));
  }
}
