package ventispark.sql;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import ventispark.read.PartitionRef;

/**
 * A Venti archive as Spark SQL tables ({@code spark.read.format("venti")}), read with the job's own
 * loader and readers:
 *
 * <pre>
 * spark.read.format("venti").option("table", "clumps").load("/path/venti.conf")
 * </pre>
 *
 * Options: {@code table} ({@link #TABLE}: clumps, arenas, index or reverse; default clumps), the
 * config as {@code path}, and for the reverse table its directory ({@link #REVERSE_INDEX}). Scans
 * split per arena (clumps, arenas) or per bucket range (index), read only the columns asked for,
 * and push down filters on the arena name.
 */
public final class VentiDataSource implements TableProvider, DataSourceRegister {
  /** The option naming the table. */
  public static final String TABLE = "table";

  public static final String DEFAULT_TABLE = "clumps";

  /** The directory of the reverse index, for table {@code reverse}. */
  public static final String REVERSE_INDEX = "reverse_index";

  @Override
  public String shortName() {
    return "venti";
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return VentiTables.of(options.getOrDefault(TABLE, DEFAULT_TABLE)).schema;
  }

  @Override
  public Table getTable(
      StructType schema, Transform[] partitioning, Map<String, String> properties) {
    CaseInsensitiveStringMap options = new CaseInsensitiveStringMap(properties);
    String path = options.get("path");
    if (path == null) {
      throw new IllegalArgumentException(
          "venti data source: give the venti.conf as load(PATH) or option path");
    }
    // Resolved on the driver: the scan's tasks run in executors with other working directories.
    String reverse = options.get(REVERSE_INDEX);
    return new VentiTable(
        VentiTables.of(options.getOrDefault(TABLE, DEFAULT_TABLE)),
        PartitionRef.absolute(path),
        reverse == null ? null : PartitionRef.absolute(reverse));
  }

  @Override
  public boolean supportsExternalMetadata() {
    return false;
  }

  /** One table of one archive. */
  static final class VentiTable implements SupportsRead {
    private final VentiTables table;
    private final String config;
    private final String reverseDir;

    VentiTable(VentiTables table, String config, String reverseDir) {
      this.table = table;
      this.config = config;
      this.reverseDir = reverseDir;
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
      return new VentiScan(table, config, reverseDir);
    }

    @Override
    public String name() {
      return "venti." + table.name().toLowerCase(Locale.ROOT) + "(" + config + ")";
    }

    @Override
    public StructType schema() {
      return table.schema;
    }

    @Override
    public Set<TableCapability> capabilities() {
      return Set.of(TableCapability.BATCH_READ);
    }
  }
}
