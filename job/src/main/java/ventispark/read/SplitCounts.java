package ventispark.read;

import java.io.Serializable;

/**
 * The C buildindex counters for one split: {@code arenaEntries} non-corrupt directory entries,
 * {@code indexed} entries routed to a section being rebuilt, {@code skipped} corrupt-type entries
 * ("nskip").
 */
public record SplitCounts(int split, long arenaEntries, long indexed, long skipped)
    implements Serializable {}
