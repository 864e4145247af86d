package ventispark.job;

import java.util.LinkedHashMap;
import java.util.Map;

/** Wall time of each phase of a run, in the order run. */
public final class Phases {
  private final long start = System.currentTimeMillis();
  private long last = start;
  private final Map<String, Long> millis = new LinkedHashMap<>();

  public void lap(String phase) {
    long now = System.currentTimeMillis();
    millis.put(phase, now - last);
    last = now;
  }

  public Map<String, Long> millis() {
    return millis;
  }

  public long total() {
    return last - start;
  }
}
