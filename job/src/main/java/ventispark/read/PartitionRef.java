package ventispark.read;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import ventispark.format.PartitionName;

/**
 * A partition named in venti.conf, resolved to a location. Relative names resolve against the
 * directory of the config file (so a config and its partitions can move together); a name without a
 * URI scheme is a local file or device.
 *
 * @param name the parsed partition name (display string, file, byte range)
 * @param location an absolute local path, or a URI with a scheme
 */
public record PartitionRef(PartitionName name, String location) implements Serializable {

  public static PartitionRef resolve(String configured, String configLocation) {
    PartitionName pn = PartitionName.parse(configured);
    return new PartitionRef(pn, resolveFile(pn.file(), configLocation));
  }

  /** A config location made independent of the working directory (URIs are already). */
  public static String absolute(String location) {
    return hasScheme(location)
        ? location
        : Path.of(location).toAbsolutePath().normalize().toString();
  }

  static String resolveFile(String file, String configLocation) {
    if (hasScheme(file)) {
      return file;
    }
    if (file.startsWith("/")) {
      return file;
    }
    if (hasScheme(configLocation)) {
      return URI.create(configLocation).resolve(file).toString();
    }
    Path parent = Path.of(configLocation).toAbsolutePath().getParent();
    return parent.resolve(file).normalize().toString();
  }

  static boolean hasScheme(String s) {
    return s.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !s.matches("[a-zA-Z]:\\\\.*");
  }

  public boolean isLocal() {
    return !hasScheme(location) || location.startsWith("file:");
  }

  public Path localPath() {
    return location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
  }

  public String display() {
    return name.display();
  }
}
