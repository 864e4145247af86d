package ventispark.testing;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/** The JVM's direct buffers, as its "direct" buffer pool counts them. */
public final class DirectBuffers {
  private DirectBuffers() {}

  /** Bytes of direct buffers in use in this JVM, the JDK's temporary I/O buffers included. */
  public static long used() {
    return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(b -> b.getName().equals("direct"))
        .mapToLong(BufferPoolMXBean::getMemoryUsed)
        .sum();
  }
}
