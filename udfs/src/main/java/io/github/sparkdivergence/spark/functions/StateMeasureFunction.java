package io.github.sparkdivergence.spark.functions;

import io.github.sparkdivergence.counts.ContingencyState;
import io.github.sparkdivergence.counts.MergeableState;
import io.github.sparkdivergence.math.AverageMethod;
import io.github.sparkdivergence.math.ContingencyTable;
import io.github.sparkdivergence.math.LogBase;
import io.github.sparkdivergence.spark.input.Representation;
import java.util.Locale;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The readers of saved states: {@code contingency_mutual_info(state[, base])} and the other
 * measures of the two-column aggregates, and {@code distribution_entropy(state[, base])}. Each
 * gives what the aggregate of that name gives on the rows the state counted (the same code, {@link
 * InformationAggregate.Bound#measureOf}); an empty state gives NULL, as the aggregate of no rows.
 */
public final class StateMeasureFunction extends SqlFunction implements ReadsStates {
  private final InformationAggregate.Measure measure;
  private final MergeableState.Kind kind;

  StateMeasureFunction(InformationAggregate.Measure measure, String usage) {
    super(nameOf(measure), usage);
    this.measure = measure;
    this.kind = measure.columns == 1 ? MergeableState.Kind.DISTRIBUTION : MergeableState.Kind.CONTINGENCY;
  }

  /** {@code distribution_entropy}, {@code contingency_mutual_info}, ...: the kind's prefix and the aggregate's name. */
  static String nameOf(InformationAggregate.Measure m) {
    return (m.columns == 1 ? MergeableState.Kind.DISTRIBUTION : MergeableState.Kind.CONTINGENCY).sqlPrefix() + "_" + m.sqlName;
  }

  @Override
  public BoundFunction bind(StructType input) {
    var f = input.fields();
    String option = measure.option == InformationAggregate.Option.METHOD ? "method"
        : measure.option == InformationAggregate.Option.BASE ? "base" : null;
    int max = option == null ? 1 : 2;
    if (f.length < 1 || f.length > max) {
      throw Representation.unsupported(name, usage, input, "expects 1" + (max == 2 ? " or 2" : "") + " arguments but got " + f.length);
    }
    if (!StateArguments.isBinary(f[0].dataType())) {
      throw Representation.unsupported(name, usage, input, "argument `state` must be BINARY (what " + kind.sqlPrefix()
          + "_agg returns) but was " + f[0].dataType().simpleString());
    }
    DataType[] types = new DataType[f.length];
    types[0] = DataTypes.BinaryType;
    if (f.length == 2) {
      DataType t = f[1].dataType();
      boolean method = "method".equals(option);
      if (method ? !Representation.isString(t) : !Representation.isNumeric(t)) {
        throw Representation.unsupported(name, usage, input, "argument `" + option + "` must be "
            + (method ? "a string" : "numeric") + " but was " + t.simpleString());
      }
      types[1] = method ? DataTypes.StringType : DataTypes.DoubleType;
    }
    return new Bound(name, measure, kind, input, types, option == null ? new String[] {"state"} : new String[] {"state", option});
  }

  public static final class Bound extends BoundScalar<Object> {
    private final String name;
    private final InformationAggregate.Measure measure;
    private final MergeableState.Kind kind;

    Bound(String name, InformationAggregate.Measure measure, MergeableState.Kind kind, StructType input, DataType[] types,
        String[] params) {
      super(name, "binary", input, types, resultTypeOf(measure), params);
      this.name = name;
      this.measure = measure;
      this.kind = kind;
    }

    private static DataType resultTypeOf(InformationAggregate.Measure m) {
      return switch (m) {
        case G_TEST -> InformationAggregate.G_TEST_TYPE;
        case SUMMARY -> InformationAggregate.SUMMARY_TYPE;
        default -> DataTypes.DoubleType;
      };
    }

    @Override
    public Object produceResult(InternalRow row) {
      for (int i = 0; i < row.numFields(); i++) if (row.isNullAt(i)) return null;
      double base = Math.E;
      String method = "arithmetic";
      if (row.numFields() == 2) {
        if (measure.option == InformationAggregate.Option.METHOD) {
          String m = row.getUTF8String(1).toString();
          if (AverageMethod.of(m) == null) return invalid(1, AverageMethod.problem(m));
          method = m.toLowerCase(Locale.ROOT);
        } else {
          base = row.getDouble(1);
          if (!LogBase.isValid(base)) return invalid(1, LogBase.problem(base));
        }
      }
      ContingencyState counts = StateArguments.read(name, "`state`", row.getBinary(0), kind).counts();
      if (counts.totalWeight() == 0) return null;
      ContingencyTable t = counts.toTable();
      return InformationAggregate.Bound.measureOf(measure, counts, t, base, method);
    }
  }
}
