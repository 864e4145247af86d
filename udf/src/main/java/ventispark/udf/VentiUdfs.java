package ventispark.udf;

import java.util.HexFormat;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.immutable.Seq;
import ventispark.format.BlockType;
import ventispark.format.Bucket;
import ventispark.format.ClumpInfo;
import ventispark.format.IEntry;
import ventispark.format.Venti;

/**
 * Spark SQL functions over Venti values, defined by the job's format library so that SQL and the
 * rebuild agree. {@link #register} adds them all to a session:
 *
 * <pre>
 * venti_score_hex(score BINARY) STRING              the 40-digit hex of a 20-byte score
 * venti_score(hex STRING) BINARY                     the score of 40 hex digits (null if malformed)
 * venti_bucket(score BINARY, buckets BIGINT) BIGINT  the global bucket of a score in an index of that many buckets
 * venti_section(score BINARY, buckets BIGINT, starts ARRAY&lt;BIGINT&gt;) INT
 *                                                    the section (0-based) holding the score's bucket, given the
 *                                                    sections' first buckets in config order
 * venti_type_name(code INT) STRING                   data, dir, root, pointer1..7 or corrupt, of an on-disk type code
 * venti_blocks(size INT) INT                         512-byte blocks a clump of that stored size takes with its
 *                                                    38-byte header (an index entry's blocks field)
 * </pre>
 *
 * Every function returns null for a null or malformed argument.
 */
public final class VentiUdfs {
  private VentiUdfs() {}

  /** Registers every function with {@code spark}. */
  public static void register(SparkSession spark) {
    var udf = spark.udf();
    udf.register(
        "venti_score_hex", (UDF1<byte[], String>) VentiUdfs::scoreHex, DataTypes.StringType);
    udf.register("venti_score", (UDF1<String, byte[]>) VentiUdfs::score, DataTypes.BinaryType);
    // Java UDFs get SQL integers as Integer or Long, whichever the caller wrote: take any Number.
    udf.register(
        "venti_bucket",
        (UDF2<byte[], Number, Long>) (s, b) -> bucket(s, asLong(b)),
        DataTypes.LongType);
    udf.register(
        "venti_section",
        (UDF3<byte[], Number, Seq<Number>, Integer>)
            (s, b, starts) ->
                section(
                    s,
                    asLong(b),
                    starts == null
                        ? null
                        : scala.jdk.javaapi.CollectionConverters.asJava(starts).stream()
                            .mapToLong(x -> x == null ? Long.MAX_VALUE : x.longValue())
                            .toArray()),
        DataTypes.IntegerType);
    udf.register(
        "venti_type_name", (UDF1<Number, String>) c -> typeName(asInt(c)), DataTypes.StringType);
    udf.register(
        "venti_blocks", (UDF1<Number, Integer>) n -> blocks(asInt(n)), DataTypes.IntegerType);
  }

  private static Long asLong(Number n) {
    return n == null ? null : n.longValue();
  }

  private static Integer asInt(Number n) {
    return n == null || n.longValue() != n.intValue() ? null : n.intValue();
  }

  public static String scoreHex(byte[] score) {
    return score == null || score.length != Venti.SCORE_SIZE
        ? null
        : HexFormat.of().formatHex(score);
  }

  public static byte[] score(String hex) {
    if (hex == null || hex.length() != 2 * Venti.SCORE_SIZE) {
      return null;
    }
    try {
      return HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public static Long bucket(byte[] score, Long buckets) {
    if (score == null
        || score.length != Venti.SCORE_SIZE
        || buckets == null
        || buckets < 1
        || buckets > 0xFFFFFFFFL) {
      return null;
    }
    return IEntry.hash32(score, 0) / Bucket.divisor(buckets);
  }

  public static Integer section(byte[] score, Long buckets, long[] starts) {
    Long b = bucket(score, buckets);
    if (b == null || starts == null || starts.length == 0) {
      return null;
    }
    int s = -1;
    for (int i = 0; i < starts.length && starts[i] <= b; i++) {
      s = i;
    }
    return s < 0 ? null : s;
  }

  public static String typeName(Integer code) {
    return code == null || code < 0 || code > 255 ? null : BlockType.name(code);
  }

  public static Integer blocks(Integer size) {
    return size == null || size < 0 || size > Venti.MAX_LUMP_SIZE ? null : ClumpInfo.blocks(size);
  }
}
