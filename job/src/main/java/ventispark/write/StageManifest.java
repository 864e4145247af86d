package ventispark.write;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import ventispark.format.BloomHeader;
import ventispark.format.FormatException;
import ventispark.format.ISectHeader;

/**
 * The manifest of a staged rebuild ({@link StageDir#MANIFEST}, JSON), written by the driver once
 * every range is in place: the index it was built for (name and a SHA-256 of its index config text,
 * which holds the section and arena maps), and for each staged section and the bloom filter the
 * header it had and its ranges with lengths and checksums. {@code stage apply} writes nothing
 * unless all of it matches the index it is given and the files in the stage.
 *
 * @param format {@link #FORMAT}
 * @param config the config the stage was built from (for people; not checked)
 * @param entries index entries in the staged ranges
 * @param bloom the staged bloom filter, or null
 */
public record StageManifest(
    String format,
    String index,
    String indexConfigSha256,
    String config,
    String created,
    long entries,
    List<Section> sections,
    Bloom bloom) {

  public static final String FORMAT = "venti-spark stage 1";

  /**
   * A staged section: its position among the index's sections, its partition name in the config
   * (for people), its header, and its ranges in bucket order.
   */
  public record Section(
      int position, String partition, ISectHeader header, List<StagedRange> ranges) {}

  /** The staged bloom filter: partition name (for people), header, ranges in byte order. */
  public record Bloom(String partition, BloomHeader header, List<StagedRange> ranges) {}

  public byte[] toJson() {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Parses and checks that every field is there; anything else is bad input naming {@code where}.
   */
  public static StageManifest parse(String where, byte[] json) {
    StageManifest m;
    try {
      m = new ObjectMapper().readValue(json, StageManifest.class);
    } catch (IOException e) {
      throw new FormatException(
          where
              + ": not a venti-spark stage manifest: "
              + e.getMessage().lines().findFirst().orElse(""));
    }
    String missing = m.missingField();
    if (missing != null) {
      throw new FormatException(where + ": not a venti-spark stage manifest: no " + missing);
    }
    return m;
  }

  private String missingField() {
    if (!FORMAT.equals(format)) {
      return "'format': \"" + FORMAT + "\"";
    }
    if (index == null || indexConfigSha256 == null || sections == null) {
      return index == null ? "index" : indexConfigSha256 == null ? "indexConfigSha256" : "sections";
    }
    for (Section s : sections) {
      if (s == null || s.header() == null || s.ranges() == null || badRanges(s.ranges())) {
        return "complete section (header, ranges with file and sha256)";
      }
    }
    if (bloom != null
        && (bloom.header() == null || bloom.ranges() == null || badRanges(bloom.ranges()))) {
      return "complete bloom (header, ranges with file and sha256)";
    }
    return null;
  }

  private static boolean badRanges(List<StagedRange> ranges) {
    return ranges.stream().anyMatch(r -> r == null || r.file() == null || r.sha256() == null);
  }

  /** SHA-256 of a text (ISO-8859-1, as read from the section), in hex. */
  public static String sha256(String text) {
    return HexFormat.of()
        .formatHex(StageDir.sha256().digest(text.getBytes(StandardCharsets.ISO_8859_1)));
  }
}
