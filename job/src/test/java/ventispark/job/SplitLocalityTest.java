package ventispark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.ArenaSplit;
import ventispark.read.HadoopConf;
import ventispark.read.SplitLocations;
import ventispark.testing.Fixtures;
import ventispark.testing.LocalSpark;

/**
 * Read tasks prefer the hosts holding their split's bytes: an arena partition on a real in-process
 * HDFS of two DataNodes (named host0 and host1), its first blocks written to host0 and the rest to
 * host1, so which host holds which bytes is known; and local partitions on configured hosts.
 */
class SplitLocalityTest {
  static final long BLOCK = 8L << 20;

  /** The first {@link #FIRST_BLOCKS} blocks are on host0, the rest on host1. */
  static final int FIRST_BLOCKS = 3;

  static MiniDFSCluster cluster;

  @TempDir static Path base;

  @BeforeAll
  static void startHdfs() throws IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.resolve("hdfs").toString());
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.setBoolean("dfs.namenode.datanode.registration.ip-hostname-check", false);
    conf.setLong("dfs.blocksize", BLOCK);
    cluster =
        new MiniDFSCluster.Builder(conf)
            .numDataNodes(2)
            .hosts(new String[] {"host0", "host1"})
            .build();
    cluster.waitActive();
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void readTasksPreferTheDataNodesHoldingTheirSplit() throws IOException {
    Path work = Fixtures.workingCopy("basic", base.resolve("work"));
    Path arenas = work.resolve("arenas0.img");
    long size = Files.size(arenas);
    long cut = FIRST_BLOCKS * BLOCK;
    DistributedFileSystem fs = cluster.getFileSystem();
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path("/venti/arenas0.img");
    org.apache.hadoop.fs.Path rest = new org.apache.hadoop.fs.Path("/venti/rest");
    try (InputStream in = Files.newInputStream(arenas)) {
      copy(in, cut, fs, file, 0);
      copy(in, size - cut, fs, rest, 1);
    }
    fs.concat(file, new org.apache.hadoop.fs.Path[] {rest});
    assertEquals(size, fs.getFileStatus(file).getLen());
    String conf =
        Files.readString(work.resolve("venti.conf"))
            .replace("arenas arenas0.img", "arenas " + fs.getUri() + "/venti/arenas0.img");
    Files.writeString(work.resolve("hdfs.conf"), conf);

    Archive archive = new ArchiveLoader(fs.getConf()).load(work.resolve("hdfs.conf").toString());
    // One arena per read task, so some tasks lie on one host, one on both.
    RebuildPlan plan =
        RebuildPlan.make(
            archive, new BuildIndexOptions(List.of(), false, 64 << 20, 0, 1), 2, Long.MAX_VALUE);
    assertTrue(plan.splits().size() >= 4, plan.splits().size() + " splits");
    EntryShuffle shuffle = new EntryShuffle(LocalSpark.get(), plan, new HadoopConf(fs.getConf()));
    org.apache.spark.rdd.RDD<Integer> rdd = shuffle.splitIds().rdd();
    int onBoth = 0;
    for (ArenaSplit split : plan.splits()) {
      long start = split.arenas().get(0).start();
      long stop = split.arenas().get(split.arenas().size() - 1).stop();
      long on0 = Math.max(0, Math.min(stop, cut) - start);
      long on1 = Math.max(0, stop - Math.max(start, cut));
      List<String> want = new ArrayList<>();
      if (on0 * 2 >= Math.max(on0, on1)) {
        want.add("host0");
      }
      if (on1 * 2 >= Math.max(on0, on1)) {
        want.add(on1 > on0 ? 0 : want.size(), "host1");
      }
      onBoth += want.size() == 2 ? 1 : 0;
      List<String> got =
          CollectionConverters.asJava(rdd.preferredLocations(rdd.partitions()[split.id()]));
      assertEquals(want, got, split.describe() + " [" + start + ", " + stop + ")");
    }
    assertTrue(
        plan.splits().stream().anyMatch(s -> s.arenas().get(0).stop() <= cut),
        "a split on host0 only");
    assertTrue(
        plan.splits().stream().anyMatch(s -> s.arenas().get(0).start() >= cut),
        "a split on host1 only");
    assertTrue(onBoth <= 1, onBoth + " splits on both");
  }

  @Test
  void localPartitionsPreferTheirConfiguredHost() throws IOException {
    Path work = Fixtures.workingCopy("multi", base.resolve("local"));
    Archive archive =
        new ArchiveLoader(new Configuration()).load(work.resolve("venti.conf").toString());
    RebuildPlan plan = RebuildPlan.make(archive, BuildIndexOptions.defaults(), 2, Long.MAX_VALUE);
    Path here = Path.of("").toAbsolutePath();
    // One path as written in a venti.conf relative to the working directory, one absolute; B has no
    // host.
    SplitLocations where =
        new SplitLocations(
            new Configuration(),
            here.relativize(work.resolve("arenasA.img"))
                + "=diskhost-a, /elsewhere/arenasB.img=other");
    for (ArenaSplit split : plan.splits()) {
      boolean a = split.partition().location().endsWith("arenasA.img");
      assertEquals(a ? List.of("diskhost-a") : List.of(), where.hosts(split), split.describe());
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SplitLocations(new Configuration(), "arenasA.img"));
    assertEquals("spark.venti.arenaHosts: 'arenasA.img' is not FILE=HOST", e.getMessage());
  }

  /**
   * Writes {@code n} bytes of {@code in} as a new file with its blocks on DataNode {@code node}.
   */
  private static void copy(
      InputStream in, long n, DistributedFileSystem fs, org.apache.hadoop.fs.Path to, int node)
      throws IOException {
    InetSocketAddress dn = cluster.getDataNodes().get(node).getXferAddress();
    try (FSDataOutputStream out =
        fs.create(
            to,
            FsPermission.getFileDefault(),
            true,
            1 << 16,
            (short) 1,
            BLOCK,
            null,
            new InetSocketAddress[] {dn})) {
      byte[] buf = new byte[1 << 16];
      for (long left = n; left > 0; ) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, left));
        out.write(buf, 0, r);
        left -= r;
      }
    }
  }
}
