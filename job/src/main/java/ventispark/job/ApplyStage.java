package ventispark.job;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ventispark.read.ArchiveLoader;
import ventispark.read.IndexLayout;
import ventispark.write.IndexLocks;
import ventispark.write.SectionWriter;
import ventispark.write.StageDir;
import ventispark.write.StageManifest;
import ventispark.write.StagedRange;

/**
 * {@code venti-spark stage apply DIR CONF} (and {@code stage verify}): writes a staged rebuild
 * ({@link StageIndex}) into the index, on the host that owns the index disks, in plain Java with
 * no Spark. The stage is read through Hadoop's FileSystem, so it may be on HDFS. Everything is
 * checked first ({@link StageCheck}), the range files read whole, under the same locks a rebuild
 * takes: a bad stage (exit 3) or a rebuild under way (exit 5) leaves the index untouched. Then
 * every range is read again and written positionally, hashed as it goes, and each partition is
 * forced. Applying a stage twice writes the same bytes twice.
 */
public final class ApplyStage {
  private static final Logger LOG = LoggerFactory.getLogger(ApplyStage.class);

  /** What was (or, verifying, would be) written: partitions, range files, bytes, entries, bloom bits (-1: none). */
  public record Result(List<String> partitions, int ranges, long bytes, long entries, long bloomBits, long millis) {}

  private ApplyStage() {}

  /** Checks the stage in {@code stage} against CONF's index; writes it when {@code write}. */
  public static Result run(String stage, String config, Configuration hadoop, boolean write) {
    long t0 = System.currentTimeMillis();
    IndexLayout index = new ArchiveLoader(hadoop).loadIndex(config);
    StageDir dir = new StageDir(stage, hadoop);
    StageManifest m = StageManifest.parse(dir.display() + "/" + StageDir.MANIFEST, dir.read(StageDir.MANIFEST));
    List<StageCheck.Target> targets = StageCheck.layout(m, index, dir);
    if (!write) {
      StageCheck.contents(targets, dir);
    } else {
      try (IndexLocks locks = IndexLocks.acquire(targets.stream().map(StageCheck.Target::ref).toList())) {
        StageCheck.contents(targets, dir);
        targets.forEach(t -> write(t, dir));
      }
    }
    long bytes = targets.stream().flatMap(t -> t.ranges().stream()).mapToLong(StagedRange::length).sum();
    long entries = m.sections().stream().flatMap(s -> s.ranges().stream()).mapToLong(StagedRange::count).sum();
    long bloomBits = m.bloom() == null ? -1 : m.bloom().ranges().stream().mapToLong(StagedRange::count).sum();
    return new Result(targets.stream().map(StageCheck.Target::what).toList(),
        targets.stream().mapToInt(t -> t.ranges().size()).sum(), bytes, entries, bloomBits,
        System.currentTimeMillis() - t0);
  }

  /** Writes one partition's ranges, each checked again against its SHA-256 as it is read, and forces them. */
  private static void write(StageCheck.Target t, StageDir dir) {
    try (SectionWriter out = new SectionWriter(t.ref())) {
      for (StagedRange r : t.ranges()) {
        String sha = dir.readThrough(r.file(), r.length(), (at, b, n) -> out.write(r.offset() + at, b, 0, n));
        if (!sha.equals(r.sha256())) {
          throw new IllegalStateException(dir.display() + "/" + r.file() + ": changed while being applied (its "
              + "SHA-256 now differs from the manifest's); " + t.what() + " is partly written");
        }
      }
      out.flush();
    }
    LOG.info("{}: {} staged ranges written", t.what(), t.ranges().size());
  }
}
