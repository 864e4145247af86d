package ventispark.create;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;

/**
 * A discrete distribution written as {@code ITEM[:WEIGHT],ITEM[:WEIGHT],...} (weights default to
 * 1), e.g. block sizes {@code 512:3,4k-8k:1} or types {@code data:90,dir:10}. Items are parsed by
 * the caller into a {@code [low, high]} range; a draw picks an item by weight, then a value
 * uniformly in its range.
 */
public final class WeightedChoice {
  private final long[] low;
  private final long[] high;
  private final double[] cumulative;

  private WeightedChoice(long[] low, long[] high, double[] cumulative) {
    this.low = low;
    this.high = high;
    this.cumulative = cumulative;
  }

  /** A single value. */
  public static WeightedChoice of(long value) {
    return new WeightedChoice(new long[] {value}, new long[] {value}, new double[] {1});
  }

  /**
   * Parses {@code spec}; {@code item} turns one item (the text before the colon) into a value,
   * {@code LO-HI} items into a range of two values.
   */
  public static WeightedChoice parse(String spec, String what, ToLongFunction<String> item) {
    List<long[]> ranges = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      double w = 1;
      int colon = p.lastIndexOf(':');
      if (colon >= 0) {
        try {
          w = Double.parseDouble(p.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(what + ": bad weight in '" + p + "'");
        }
        p = p.substring(0, colon);
      }
      if (!(w > 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException(
            what + ": weight must be positive in '" + part.trim() + "'");
      }
      int dash = p.indexOf('-', 1);
      long lo = item.applyAsLong(dash < 0 ? p : p.substring(0, dash));
      long hi = dash < 0 ? lo : item.applyAsLong(p.substring(dash + 1));
      if (hi < lo) {
        throw new IllegalArgumentException(what + ": empty range '" + p + "'");
      }
      ranges.add(new long[] {lo, hi});
      weights.add(w);
    }
    double total = weights.stream().mapToDouble(Double::doubleValue).sum();
    long[] low = new long[ranges.size()];
    long[] high = new long[ranges.size()];
    double[] cumulative = new double[ranges.size()];
    double sum = 0;
    for (int i = 0; i < low.length; i++) {
      low[i] = ranges.get(i)[0];
      high[i] = ranges.get(i)[1];
      sum += weights.get(i);
      cumulative[i] = sum / total;
    }
    cumulative[low.length - 1] = 1;
    return new WeightedChoice(low, high, cumulative);
  }

  public long draw(SplittableRandom random) {
    double u = random.nextDouble();
    int i = 0;
    while (cumulative[i] < u) {
      i++;
    }
    return low[i] == high[i] ? low[i] : random.nextLong(low[i], high[i] + 1);
  }

  public long max() {
    long m = Long.MIN_VALUE;
    for (long h : high) {
      m = Math.max(m, h);
    }
    return m;
  }

  public long min() {
    long m = Long.MAX_VALUE;
    for (long l : low) {
      m = Math.min(m, l);
    }
    return m;
  }
}
