package ventispark.plan;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import ventispark.read.Archive;
import ventispark.read.IndexSection;

/**
 * What the fill check found, per rebuilt section: entries, the fullest bucket against the bucket
 * capacity, and the overflowing buckets. Both {@code plan} and the rebuild print it; an overflowing
 * index is refused before anything is written, with {@link #overflowMessage()}.
 */
public record FillReport(List<SectionFill> sections, long indexBuckets) implements Serializable {

  /**
   * One section's fill. {@code overflows} lists up to {@link BucketFill#MAX_LISTED} {bucket, fill}
   * pairs.
   */
  public record SectionFill(
      String name,
      long buckets,
      int capacity,
      int blockSize,
      long entries,
      long nonEmpty,
      int maxFill,
      long maxFillBucket,
      long overflowCount,
      List<long[]> overflows)
      implements Serializable {

    public double meanFill() {
      return buckets == 0 ? 0 : (double) entries / buckets;
    }

    /** {@code isect0.img: 3,706 buckets, 500,483 entries in 3,706 buckets, fullest 182/215}. */
    public String line() {
      return String.format(
          Locale.ROOT,
          "%s: %,d buckets, %,d entries in %,d buckets, fullest %d/%d%s",
          name,
          buckets,
          entries,
          nonEmpty,
          maxFill,
          capacity,
          overflowCount == 0 ? "" : String.format(Locale.ROOT, ", %,d overflowing", overflowCount));
    }
  }

  public static FillReport of(Archive archive, List<Integer> rebuilt, List<BucketFill> fills) {
    List<SectionFill> out = new ArrayList<>();
    for (int s : rebuilt) {
      IndexSection sec = archive.sections().get(s);
      long entries = 0;
      long nonEmpty = 0;
      int maxFill = 0;
      long maxFillBucket = -1;
      long overflowCount = 0;
      List<long[]> overflows = new ArrayList<>();
      for (BucketFill f : fills) {
        if (f.section() != s) {
          continue;
        }
        entries += f.entries();
        nonEmpty += f.nonEmpty();
        if (f.maxFill() > maxFill) {
          maxFill = f.maxFill();
          maxFillBucket = f.maxFillBucket();
        }
        overflowCount += f.overflowCount();
        for (long[] o : f.overflows()) {
          if (overflows.size() < BucketFill.MAX_LISTED) {
            overflows.add(o);
          }
        }
      }
      out.add(
          new SectionFill(
              sec.ref().display(),
              sec.buckets(),
              sec.header().bucketCapacity(),
              sec.header().blockSize(),
              entries,
              nonEmpty,
              maxFill,
              maxFillBucket,
              overflowCount,
              List.copyOf(overflows)));
    }
    return new FillReport(List.copyOf(out), archive.buckets());
  }

  public boolean overflows() {
    return overflowCount() > 0;
  }

  public long overflowCount() {
    return sections.stream().mapToLong(SectionFill::overflowCount).sum();
  }

  /**
   * The fullest bucket over its capacity, over all sections: above 1 the index must grow by this
   * factor.
   */
  public double growthNeeded() {
    return sections.stream().mapToDouble(s -> (double) s.maxFill() / s.capacity()).max().orElse(0);
  }

  /** Names the first overflowing bucket, the fullest, and how much larger the index must be. */
  public String overflowMessage() {
    SectionFill first =
        sections.stream().filter(s -> s.overflowCount() > 0).findFirst().orElseThrow();
    SectionFill worst =
        sections.stream()
            .max(
                (a, b) ->
                    Double.compare(
                        (double) a.maxFill() / a.capacity(), (double) b.maxFill() / b.capacity()))
            .orElseThrow();
    // Fill scales inversely with the bucket count: the fullest bucket must shrink below capacity.
    double factor = growthNeeded();
    long needBuckets = (long) Math.ceil(indexBuckets * factor);
    long[] o = first.overflows().get(0);
    return String.format(
        Locale.ROOT,
        "%s: bucket overflow: bucket %d holds %d entries, capacity %d (%d-byte buckets); %,d buckets "
            + "overflow, the fullest (bucket %d in %s) holds %d. The index must be about %.0f%% larger (at least %,d "
            + "buckets instead of %,d). Nothing was written.",
        first.name(),
        o[0],
        o[1],
        first.capacity(),
        first.blockSize(),
        overflowCount(),
        worst.maxFillBucket(),
        worst.name(),
        worst.maxFill(),
        (factor - 1) * 100,
        needBuckets,
        indexBuckets);
  }
}
