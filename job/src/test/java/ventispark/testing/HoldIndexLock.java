package ventispark.testing;

import java.util.List;
import ventispark.read.PartitionRef;
import ventispark.write.IndexLocks;

/** A second process for lock tests: takes the lock of one index file, says so, holds it until stdin closes. */
public final class HoldIndexLock {
  private HoldIndexLock() {}

  public static void main(String[] args) throws Exception {
    try (IndexLocks locks = IndexLocks.acquire(List.of(PartitionRef.resolve(args[0], args[0])))) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold until the test closes our stdin
      }
    }
  }
}
