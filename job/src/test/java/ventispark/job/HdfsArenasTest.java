package ventispark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.job.build.BuildIndex;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexBytes;
import ventispark.testing.IndexDiff;
import ventispark.testing.LocalSpark;
import ventispark.testing.MiniHdfs;

/** Arena partitions read from a real in-process HDFS through Hadoop's positional reads. */
class HdfsArenasTest {
  static MiniDFSCluster cluster;

  @TempDir static Path hdfsBase;

  @TempDir Path tmp;

  @BeforeAll
  static void startHdfs() throws IOException {
    cluster = MiniHdfs.start(hdfsBase);
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void rebuildsFromArenasOnHdfs() throws IOException {
    Path work = Fixtures.workingCopy("multi", tmp);
    FileSystem fs = cluster.getFileSystem();
    String uri = fs.getUri().toString();
    for (String a : new String[] {"arenasA.img", "arenasB.img"}) {
      fs.copyFromLocalFile(
          new org.apache.hadoop.fs.Path(work.resolve(a).toString()),
          new org.apache.hadoop.fs.Path("/venti/" + a));
      Files.delete(work.resolve(a));
    }
    // The checker reads local files: keep a local conf naming local arenas for it.
    String conf = Files.readString(work.resolve("venti.conf"));
    Files.writeString(
        work.resolve("hdfs.conf"),
        conf.replace("arenas arenasA.img", "arenas " + uri + "/venti/arenasA.img")
            .replace("arenas arenasB.img", "arenas " + uri + "/venti/arenasB.img"));

    BuildSummary s =
        new BuildIndex(LocalSpark.get(), BuildIndexOptions.defaults())
            .run(work.resolve("hdfs.conf").toString());
    assertEquals(8807, s.indexed());

    for (String a : new String[] {"arenasA.img", "arenasB.img"}) {
      fs.copyToLocalFile(
          new org.apache.hadoop.fs.Path("/venti/" + a),
          new org.apache.hadoop.fs.Path(work.resolve(a).toString()));
    }
    IndexDiff.Result cmp =
        IndexDiff.compare(
            Fixtures.reference("multi").resolve("venti.conf"), work.resolve("venti.conf"));
    assertEquals("0", cmp.field("mismatched_buckets"), cmp.output());
    for (String sec : new String[] {"isect0.img", "isect1.img", "isect2.img"}) {
      assertNull(IndexBytes.firstDirtyBucket(work.resolve(sec)));
    }
  }
}
