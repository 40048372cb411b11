package io.github.sparkdivergence.spark;

import java.util.ArrayList;
import java.util.List;
import scala.collection.Iterator;
import scala.collection.immutable.List$;

/**
 * Java lists to and from Scala sequences with calls that exist in Scala 2.12 and 2.13 alike (the
 * converters moved between them: {@code scala.collection.JavaConverters} is deprecated in 2.13 and
 * {@code scala.jdk.javaapi.CollectionConverters} is missing in 2.12), so one source serves both.
 * Internal to spark-divergence; public only for its jobs module.
 */
public final class ScalaSeqs {
  private ScalaSeqs() {}

  /** A copy of {@code seq} as a Java list. */
  public static <T> List<T> asJava(scala.collection.Seq<T> seq) {
    List<T> out = new ArrayList<>(seq.size());
    for (Iterator<T> it = seq.iterator(); it.hasNext(); ) out.add(it.next());
    return out;
  }

  /** {@code list} as an immutable Scala list: a {@code Seq} in Scala 2.12 and 2.13 alike. */
  public static <T> scala.collection.immutable.List<T> asScala(List<? extends T> list) {
    scala.collection.immutable.List<T> out = List$.MODULE$.empty();
    for (int i = list.size() - 1; i >= 0; i--) out = out.$colon$colon(list.get(i));
    return out;
  }

  /** {@code seq} as an immutable Scala list (itself when it is one). */
  public static <T> scala.collection.immutable.List<T> immutable(scala.collection.Seq<T> seq) {
    return seq.toList();
  }
}
