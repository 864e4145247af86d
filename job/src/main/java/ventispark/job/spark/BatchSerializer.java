package ventispark.job.spark;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.spark.serializer.DeserializationStream;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import scala.reflect.ClassTag;
import ventispark.format.Bytes;

/**
 * The serializer of the rebuild's shuffle, whose records are all {@code (Integer, byte[])}: a batch
 * of entries, fill counts or bloom filter bits, keyed by its partition's key. A record is
 *
 * <pre>
 * record = key[4] length[4] bytes[length]     (big-endian)
 * </pre>
 *
 * with no class name, reference table or per-record reset, which is what Spark's Kryo spent a
 * record's time on when records are small (about 26 entries at Venti's largest index, 4M records at
 * 100M clumps). A record stands alone, so Spark's serialized shuffle may move and concatenate
 * records as bytes without reading them.
 */
public final class BatchSerializer extends Serializer implements Serializable {
  private static final long serialVersionUID = 1L;

  @Override
  public SerializerInstance newInstance() {
    return new Instance();
  }

  @Override
  public boolean supportsRelocationOfSerializedObjects() {
    return true;
  }

  private static final class Instance extends SerializerInstance {
    @Override
    public SerializationStream serializeStream(OutputStream s) {
      return new Out(s);
    }

    @Override
    public DeserializationStream deserializeStream(InputStream s) {
      return new In(s);
    }

    @Override
    public <T> ByteBuffer serialize(T t, ClassTag<T> tag) {
      throw new UnsupportedOperationException("only streams of (Integer, byte[]) records");
    }

    @Override
    public <T> T deserialize(ByteBuffer bytes, ClassTag<T> tag) {
      throw new UnsupportedOperationException("only streams of (Integer, byte[]) records");
    }

    @Override
    public <T> T deserialize(ByteBuffer bytes, ClassLoader loader, ClassTag<T> tag) {
      throw new UnsupportedOperationException("only streams of (Integer, byte[]) records");
    }
  }

  /** Writes a key as its 4 bytes, a value as its length and bytes. */
  private static final class Out extends SerializationStream {
    private final OutputStream out;
    private final byte[] head = new byte[4];

    Out(OutputStream out) {
      this.out = out;
    }

    @Override
    public <T> SerializationStream writeObject(T t, ClassTag<T> tag) {
      try {
        if (t instanceof Integer key) {
          writeInt(key);
        } else if (t instanceof byte[] value) {
          writeInt(value.length);
          out.write(value);
        } else {
          throw new IllegalArgumentException(
              "a shuffle record of " + (t == null ? "null" : t.getClass().getName()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    private void writeInt(int v) throws IOException {
      Bytes.put32(head, 0, v);
      out.write(head);
    }

    @Override
    public void flush() {
      try {
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Reads keys and values in turn. The end of the stream before a key ends the records, as {@link
   * EOFException}, which Spark's iterators take for the end; anywhere else it is an error, so a
   * truncated stream loses no record unnoticed.
   */
  private static final class In extends DeserializationStream {
    private final DataInputStream in;
    private final byte[] head = new byte[4];

    In(InputStream in) {
      this.in = new DataInputStream(in);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T readKey(ClassTag<T> tag) {
      try {
        int first = in.read();
        if (first < 0) {
          throw sneaky(new EOFException());
        }
        head[0] = (byte) first;
        readFully(head, 1, 3);
        return (T) Integer.valueOf(Bytes.u32(head, 0));
      } catch (IOException e) {
        throw sneaky(e);
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T readValue(ClassTag<T> tag) {
      try {
        readFully(head, 0, 4);
        byte[] b = new byte[Bytes.u32(head, 0)];
        readFully(b, 0, b.length);
        return (T) b;
      } catch (IOException e) {
        throw sneaky(e);
      }
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
      try {
        in.readFully(b, off, len);
      } catch (EOFException e) {
        throw new IOException("a shuffle record cut short", e);
      }
    }

    @Override
    public <T> T readObject(ClassTag<T> tag) {
      throw new UnsupportedOperationException("records are read as keys and values");
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Rethrows {@code e} unwrapped: Spark ends a stream of records on an {@link EOFException} itself,
   * not on one inside another exception, and Scala's methods declare no exceptions.
   */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
    throw (E) e;
  }
}
