package ventispark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import ventispark.job.BuildIndexOptions;
import ventispark.job.RebuildPlan;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.ArenaSplit;
import ventispark.read.SplitLocations;
import ventispark.testing.MiniHdfs;

/**
 * The driver's cost before the first task: loading the archive (every arena's head and trailer) and
 * planning, with the read tasks' block locations, for an archive on the local disk and the same
 * partitions copied into an in-process HDFS. A measurement, not a test:
 *
 * <pre>java -cp ... ventispark.bench.PlanScale DIR [hdfs]</pre>
 *
 * DIR holds a generated archive ({@code venti-spark generate --arenas N ...}).
 */
public final class PlanScale {
  private PlanScale() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]).toAbsolutePath();
    boolean hdfs = args.length > 1 && args[1].equals("hdfs");
    Path conf = dir.resolve("venti.conf");
    Configuration hadoop = new Configuration();
    MiniDFSCluster cluster = null;
    if (hdfs) {
      cluster = MiniHdfs.start(dir.resolve("hdfs-base"));
      FileSystem fs = cluster.getFileSystem();
      String text = Files.readString(conf);
      for (String line : text.lines().filter(l -> l.startsWith("arenas ")).toList()) {
        String file = line.substring(7).trim();
        long t = System.nanoTime();
        fs.copyFromLocalFile(
            new org.apache.hadoop.fs.Path(dir.resolve(file).toString()),
            new org.apache.hadoop.fs.Path("/venti/" + file));
        System.out.printf("copied %s into HDFS in %.1f s%n", file, (System.nanoTime() - t) / 1e9);
        text = text.replace(line, "arenas " + fs.getUri() + "/venti/" + file);
      }
      conf = dir.resolve("hdfs.conf");
      Files.writeString(conf, text);
      hadoop = fs.getConf();
    }
    try {
      for (int run = 0; run < 3; run++) {
        long t0 = System.nanoTime();
        Archive archive = new ArchiveLoader(hadoop).load(conf.toString());
        long t1 = System.nanoTime();
        // The worst case for the driver: one read task (and one block-location call) per arena.
        RebuildPlan plan =
            RebuildPlan.make(
                archive,
                new BuildIndexOptions(java.util.List.of(), false, 64 << 20, 0, 1),
                16,
                Long.MAX_VALUE);
        long t2 = System.nanoTime();
        SplitLocations where = new SplitLocations(hadoop, null);
        long hosts = 0;
        for (ArenaSplit s : plan.splits()) {
          hosts += where.hosts(s).size();
        }
        long t3 = System.nanoTime();
        System.out.printf(
            "%s: %,d arenas in %d partitions: load %.2f s, plan %.2f s (%d splits), block locations"
                + " %.2f s (%d hosts); total %.2f s%n",
            hdfs ? "hdfs" : "local",
            archive.arenas().size(),
            archive.partitions().size(),
            (t1 - t0) / 1e9,
            (t2 - t1) / 1e9,
            plan.splits().size(),
            (t3 - t2) / 1e9,
            hosts,
            (t3 - t0) / 1e9);
      }
    } finally {
      if (cluster != null) {
        cluster.shutdown();
      }
    }
  }
}
