package ventispark.read;

import java.util.List;
import ventispark.format.BloomHeader;

/**
 * The index of a config without its arenas ({@link ArchiveLoader#loadIndex}): what a staged rebuild
 * is checked against and written into on the host that owns the index disks, which need not see the
 * arena partitions.
 *
 * @param indexConfig the index config text of the first section (name, block size, section and
 *     arena maps): a staged rebuild is only valid for the same text
 * @param bloom the bloom partition, or null
 * @param arenaPartitions the config's arena partitions, resolved but not opened: they need not
 *     exist here, and where they do, nothing may be written into them
 */
public record IndexLayout(
    String config,
    String indexName,
    List<IndexSection> sections,
    String indexConfig,
    PartitionRef bloom,
    BloomHeader bloomHeader,
    List<PartitionRef> arenaPartitions) {}
