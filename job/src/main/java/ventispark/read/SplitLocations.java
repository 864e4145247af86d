package ventispark.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a read task should run: the hosts that hold its split's bytes. For arenas on a distributed
 * filesystem (hdfs://), the hosts storing the blocks of the split's byte range, those holding at
 * least half as many of its bytes as the best one; for local files, the host configured for the
 * arena partition ({@link #ARENA_HOSTS}), since only the user knows which machine's disk a local
 * path is on. An empty list lets Spark run the task anywhere.
 */
public final class SplitLocations {
  /**
   * Spark conf key: comma-separated {@code FILE=HOST} pairs, the executor host (as Spark names it)
   * whose local disk holds each local arena partition FILE (as written in venti.conf, relative
   * paths against the working directory). Default: none (no preference).
   */
  public static final String ARENA_HOSTS = "spark.venti.arenaHosts";

  private final Configuration conf;
  private final Map<String, String> localHosts;

  /**
   * Each remote file's blocks, asked for once: one call per split took 7 s for 10,000 splits on
   * HDFS here.
   */
  private final Map<String, BlockLocation[]> blocks = new HashMap<>();

  public SplitLocations(Configuration conf, String arenaHosts) {
    this.conf = conf;
    this.localHosts = parse(arenaHosts);
  }

  /** {@link #ARENA_HOSTS}'s value as absolute file → host. */
  static Map<String, String> parse(String arenaHosts) {
    Map<String, String> out = new HashMap<>();
    if (arenaHosts == null || arenaHosts.isBlank()) {
      return out;
    }
    for (String pair : arenaHosts.split(",")) {
      int eq = pair.lastIndexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        throw new IllegalArgumentException(
            ARENA_HOSTS + ": '" + pair.trim() + "' is not FILE=HOST");
      }
      out.put(PartitionRef.absolute(pair.substring(0, eq).trim()), pair.substring(eq + 1).trim());
    }
    return out;
  }

  /** The preferred hosts of {@code split}'s read task, best first. */
  public List<String> hosts(ArenaSplit split) {
    String location = split.partition().location();
    String scheme = URI.create(location.replace(" ", "%20")).getScheme();
    if (scheme == null || scheme.equals("file")) {
      String host = localHosts.get(scheme == null ? location : URI.create(location).getPath());
      return host == null ? List.of() : List.of(host);
    }
    long lo = split.partition().name().lo(); // a file:lo-hi partition's offsets start at lo
    long start = lo + split.arenas().get(0).start();
    long stop = lo + split.arenas().get(split.arenas().size() - 1).stop();
    return holders(blocksOf(location), start, stop);
  }

  private BlockLocation[] blocksOf(String location) {
    BlockLocation[] b = blocks.get(location);
    if (b == null) {
      try {
        Path path = new Path(location);
        FileSystem fs = path.getFileSystem(conf);
        org.apache.hadoop.fs.FileStatus status = fs.getFileStatus(path);
        b = fs.getFileBlockLocations(status, 0, status.getLen());
      } catch (IOException e) {
        throw new UncheckedIOException(location + ": block locations: " + e.getMessage(), e);
      }
      blocks.put(location, b);
    }
    return b;
  }

  /**
   * The hosts holding at least half as many bytes of {@code [start, stop)} as the host holding
   * most, most first.
   */
  static List<String> holders(BlockLocation[] blocks, long start, long stop) {
    Map<String, Long> bytes = new LinkedHashMap<>();
    for (BlockLocation b : blocks) {
      long overlap = Math.min(stop, b.getOffset() + b.getLength()) - Math.max(start, b.getOffset());
      if (overlap <= 0) {
        continue;
      }
      for (String h : hostsOf(b)) {
        bytes.merge(h, overlap, Long::sum);
      }
    }
    long most = bytes.values().stream().mapToLong(Long::longValue).max().orElse(0);
    List<String> out = new ArrayList<>();
    bytes.entrySet().stream()
        .filter(e -> e.getValue() * 2 >= most)
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(e -> out.add(e.getKey()));
    return out;
  }

  private static String[] hostsOf(BlockLocation b) {
    try {
      return b.getHosts();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
