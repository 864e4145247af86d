package ventispark.gate;

import java.io.Serializable;

/**
 * Bytes as the kernel keeps them: a byte range {@code [lo, hi)} of one backing home, a regular file
 * ({@code file DEV:INO}) or a whole disk ({@code disk MAJ:MIN}), whatever device or name reached
 * it. Two extents share bytes only if they share a home and their ranges meet.
 *
 * <p>A file on a filesystem also lies somewhere in the disk range of that filesystem's device,
 * where exactly is not known: such an extent is {@code somewhere}, and it shares bytes with an
 * exact extent of that range, never with another file's {@code somewhere} extent (two files of one
 * filesystem do not share bytes).
 *
 * @param home the backing file or disk
 * @param display a name of the home for messages (a path, {@code /dev/NAME})
 * @param hi end of the range, {@code Long.MAX_VALUE} for "to the end"
 */
public record Extent(String home, String display, long lo, long hi, boolean somewhere)
    implements Serializable {

  public boolean overlaps(Extent o) {
    return home.equals(o.home) && lo < o.hi && o.lo < hi && !(somewhere && o.somewhere);
  }

  /** The same bytes under another name for messages. */
  public Extent withDisplay(String name) {
    return new Extent(home, name, lo, hi, somewhere);
  }

  @Override
  public String toString() {
    String end = hi == Long.MAX_VALUE ? "end" : "0x" + Long.toHexString(hi);
    return display + " bytes [0x" + Long.toHexString(lo) + ", " + end + ")";
  }
}
