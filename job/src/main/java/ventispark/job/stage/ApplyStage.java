package ventispark.job.stage;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ventispark.job.PartlyWrittenException;
import ventispark.read.ArchiveLoader;
import ventispark.read.IndexLayout;
import ventispark.read.PartitionRef;
import ventispark.write.IndexLocks;
import ventispark.write.PlannedFile;
import ventispark.write.SectionWriter;
import ventispark.write.StageDir;
import ventispark.write.StageManifest;
import ventispark.write.StagedRange;
import ventispark.write.WritePlan;

/**
 * {@code venti-spark stage apply DIR CONF} (and {@code stage verify}): writes a staged rebuild
 * ({@link StageIndex}) into the index, on the host that owns the index disks, in plain Java with no
 * Spark. The stage is read through Hadoop's FileSystem, so it may be on HDFS. Everything is checked
 * first ({@link StageCheck}), the range files read whole, under the same locks a rebuild takes: a
 * bad stage (exit 3) or a rebuild under way (exit 5) leaves the index untouched. Then every range
 * is read again and written positionally, hashed as it goes, and each partition is forced. Applying
 * a stage twice writes the same bytes twice.
 */
public final class ApplyStage {
  private static final Logger LOG = LoggerFactory.getLogger(ApplyStage.class);

  /**
   * What was (or, verifying, would be) written: partitions, range files, bytes, entries, bloom bits
   * (-1: none).
   */
  public record Result(
      List<String> partitions, int ranges, long bytes, long entries, long bloomBits, long millis) {}

  private ApplyStage() {}

  /** Checks the stage in {@code stage} against CONF's index; writes it when {@code write}. */
  public static Result run(String stage, String config, Configuration hadoop, boolean write) {
    long t0 = System.currentTimeMillis();
    IndexLayout index = new ArchiveLoader(hadoop).loadIndex(config);
    StageDir dir = new StageDir(stage, hadoop);
    StageManifest m =
        StageManifest.parse(dir.display() + "/" + StageDir.MANIFEST, dir.read(StageDir.MANIFEST));
    List<StageCheck.Target> targets = StageCheck.layout(m, index, dir);
    WritePlan plan = plan(index, targets, hadoop);
    if (!write) {
      StageCheck.contents(targets, dir);
    } else {
      try (IndexLocks locks =
          IndexLocks.acquire(targets.stream().map(StageCheck.Target::ref).toList())) {
        StageCheck.contents(targets, dir);
        plan.probe();
        List<String> written = new ArrayList<>();
        try {
          for (StageCheck.Target t : targets) {
            write(t, plan.planned(t.ref()), dir, written);
          }
        } catch (RuntimeException e) {
          throw written.isEmpty() ? e : new PartlyWrittenException(written, e);
        }
      }
    }
    long bytes =
        targets.stream().flatMap(t -> t.ranges().stream()).mapToLong(StagedRange::length).sum();
    long entries =
        m.sections().stream().flatMap(s -> s.ranges().stream()).mapToLong(StagedRange::count).sum();
    long bloomBits =
        m.bloom() == null ? -1 : m.bloom().ranges().stream().mapToLong(StagedRange::count).sum();
    return new Result(
        targets.stream().map(StageCheck.Target::what).toList(),
        targets.stream().mapToInt(t -> t.ranges().size()).sum(),
        bytes,
        entries,
        bloomBits,
        System.currentTimeMillis() - t0);
  }

  /**
   * What applying writes, checked like a rebuild's: the targets' sections and bloom filter, and
   * nothing that shares a byte with the config, the other sections' headers, or any arena partition
   * of the config that exists here.
   */
  private static WritePlan plan(
      IndexLayout index, List<StageCheck.Target> targets, Configuration hadoop) {
    List<PartitionRef> written = targets.stream().map(StageCheck.Target::ref).toList();
    WritePlan.Builder b =
        new WritePlan.Builder(hadoop).config(PartitionRef.resolve(index.config(), index.config()));
    for (PartitionRef a : index.arenaPartitions()) {
      if (!a.isLocal() || Files.exists(a.localPath())) {
        b.read("arena partition", a, 0, Long.MAX_VALUE);
      }
    }
    index.sections().forEach(s -> b.section(s, written.contains(s.ref())));
    if (index.bloom() != null) {
      b.bloom(index.bloom(), index.bloomHeader(), written.contains(index.bloom()));
    }
    return b.build();
  }

  /**
   * Writes one partition's ranges, each checked again against its SHA-256 as it is read, and forces
   * them; enters the partition in {@code written} before its first byte.
   */
  private static void write(
      StageCheck.Target t, PlannedFile file, StageDir dir, List<String> written) {
    try (SectionWriter out = new SectionWriter(file, null)) {
      written.add(t.what()); // opened and checked: from here on it may be partly written
      for (StagedRange r : t.ranges()) {
        String sha =
            dir.readThrough(
                r.file(), r.length(), (at, b, n) -> out.write(r.offset() + at, b, 0, n));
        if (!sha.equals(r.sha256())) {
          throw new IllegalStateException(
              dir.display()
                  + "/"
                  + r.file()
                  + ": changed while being applied (its "
                  + "SHA-256 now differs from the manifest's); "
                  + t.what()
                  + " is partly written");
        }
      }
      out.flush();
    }
    LOG.info("{}: {} staged ranges written", t.what(), t.ranges().size());
  }
}
