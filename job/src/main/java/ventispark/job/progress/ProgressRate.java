package ventispark.job.progress;

import java.util.Locale;

/** The rate and the time left of a progress line, and byte counts for humans. */
final class ProgressRate {
  private ProgressRate() {}

  /**
   * {@code 410,000 entries/s, 7.0 s left}, or when finished {@code in 3.2 s, 410,000 entries/s}.
   */
  static String of(long done, long total, long millis, String unit, boolean finished) {
    double perSecond = millis <= 0 ? 0 : done * 1000.0 / millis;
    return line(
        String.format(Locale.ROOT, "%,.0f %s/s", perSecond, unit),
        done,
        total,
        perSecond,
        millis,
        finished);
  }

  static String ofBytes(long done, long total, long millis, boolean finished) {
    double perSecond = millis <= 0 ? 0 : done * 1000.0 / millis;
    return line(bytes((long) perSecond) + "/s", done, total, perSecond, millis, finished);
  }

  private static String line(
      String rate, long done, long total, double perSecond, long millis, boolean finished) {
    if (finished) {
      return "in " + seconds(millis) + ", " + rate;
    }
    return rate
        + ", "
        + (done == 0 || perSecond <= 0
            ? "time left unknown"
            : seconds((long) ((total - done) * 1000 / perSecond)) + " left");
  }

  static String seconds(long millis) {
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long s = millis / 1000;
    return s < 3600
        ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60)
        : String.format(Locale.ROOT, "%d h %02d min", s / 3600, s / 60 % 60);
  }

  /** Decimal units, as Spark's UI shows them: {@code 45.1 MB}. */
  static String bytes(long n) {
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
    double v = n;
    int u = 0;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
