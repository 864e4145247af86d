package ventispark.job;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/** Counts the shuffle bytes written by the tasks that end while it is registered (every attempt). */
final class ShuffleMeter extends SparkListener {
  private final AtomicLong bytes = new AtomicLong();

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.taskMetrics() != null) {
      bytes.addAndGet(end.taskMetrics().shuffleWriteMetrics().bytesWritten());
    }
  }

  long bytes() {
    return bytes.get();
  }
}
