package ventispark.sql;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The tables of the {@code venti} data source and their schemas. */
enum VentiTables {
  /** One row per clump directory entry of the indexed arenas (corrupt ones included). */
  CLUMPS(
      new StructType()
          .add("arena_partition", DataTypes.StringType, false)
          .add("arena", DataTypes.StringType, false)
          .add("clump", DataTypes.LongType, false)
          .add("address", DataTypes.LongType, false)
          .add("type", DataTypes.StringType, false)
          .add("type_code", DataTypes.IntegerType, false)
          .add("size", DataTypes.IntegerType, false)
          .add("uncompressed_size", DataTypes.IntegerType, false)
          .add("compressed", DataTypes.BooleanType, false)
          .add("blocks", DataTypes.IntegerType, false)
          .add("score", DataTypes.BinaryType, false)
          .add("bucket", DataTypes.LongType, false)
          .add("section", DataTypes.IntegerType, false)),
  /** One row per arena of the index's arena map, from its trailer. */
  ARENAS(
      new StructType()
          .add("name", DataTypes.StringType, false)
          .add("partition", DataTypes.StringType, false)
          .add("version", DataTypes.IntegerType, false)
          .add("clumps", DataTypes.LongType, false)
          .add("compressed_clumps", DataTypes.LongType, false)
          .add("used", DataTypes.LongType, false)
          .add("uncompressed_size", DataTypes.LongType, false)
          .add("sealed", DataTypes.BooleanType, false)
          .add("created", DataTypes.TimestampType, true)
          .add("modified", DataTypes.TimestampType, true)),
  /** One row per entry of the index sections, as stored. */
  INDEX(
      new StructType()
          .add("section", DataTypes.StringType, false)
          .add("bucket", DataTypes.LongType, false)
          .add("slot", DataTypes.IntegerType, false)
          .add("score", DataTypes.BinaryType, false)
          .add("type", DataTypes.StringType, false)
          .add("size", DataTypes.IntegerType, false)
          .add("address", DataTypes.LongType, false)
          .add("blocks", DataTypes.IntegerType, false)),
  /**
   * One row per record of the index's reverse index (option {@code reverse_index}: its directory),
   * log order.
   */
  REVERSE(
      new StructType()
          .add("rank", DataTypes.LongType, false)
          .add("address", DataTypes.LongType, false)
          .add("arena", DataTypes.StringType, true)
          .add("bucket", DataTypes.LongType, false)
          .add("slot", DataTypes.IntegerType, false));

  final StructType schema;

  VentiTables(StructType schema) {
    this.schema = schema;
  }

  static VentiTables of(String name) {
    for (VentiTables t : values()) {
      if (t.name().equalsIgnoreCase(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "venti data source: option table="
            + name
            + " is not one of clumps, arenas, index, reverse");
  }
}
