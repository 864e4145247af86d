package ventispark.read;

import java.io.Serializable;
import java.util.List;

/** A loaded arena partition: its location, block size and the arenas of its map, in map order. */
public record ArenaPartition(
    PartitionRef ref, long size, int blockSize, long arenaBase, List<Arena> arenas)
    implements Serializable {}
