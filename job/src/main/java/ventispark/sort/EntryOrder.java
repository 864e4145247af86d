package ventispark.sort;

import java.io.Serializable;
import java.util.Comparator;
import ventispark.format.IEntry;

/**
 * The order of packed entries within a reduce partition, the C order of 9.5: score bytes ascending,
 * on-disk type code ascending, index address descending. Since a bucket is a monotone function of
 * the score's top bits, this order also groups entries by ascending bucket.
 */
public final class EntryOrder implements Comparator<byte[]>, Serializable {
  private static final long serialVersionUID = 1L;

  public static final EntryOrder INSTANCE = new EntryOrder();

  @Override
  public int compare(byte[] a, byte[] b) {
    return IEntry.compare(a, 0, b, 0);
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
