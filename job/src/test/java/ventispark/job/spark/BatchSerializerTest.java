package ventispark.job.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The shuffle's records through the serializer as Spark's serialized shuffle uses it: written one
 * at a time into a reset buffer, moved as bytes in another order, read back as keys and values.
 */
class BatchSerializerTest {
  private static final ClassTag<Object> ANY = ClassTag$.MODULE$.Any();

  private static byte[] record(SerializerInstance ser, int key, byte[] value) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    SerializationStream out = ser.serializeStream(buf);
    out.writeKey(key, ANY);
    out.writeValue(value, ANY);
    out.flush();
    return buf.toByteArray();
  }

  @Test
  void recordsMovedAsBytesReadBackWhole() {
    BatchSerializer serializer = new BatchSerializer();
    assertTrue(serializer.supportsRelocationOfSerializedObjects());
    SerializerInstance ser = serializer.newInstance();
    Random random = new Random(19);
    List<byte[]> written = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      byte[] v = new byte[i == 7 ? 0 : random.nextInt(3000)];
      random.nextBytes(v);
      values.add(v);
      written.add(record(ser, i * 40_000 - 7, v));
    }
    // Relocated: concatenated in reverse order, as a sort by partition may.
    ByteArrayOutputStream moved = new ByteArrayOutputStream();
    for (int i = written.size() - 1; i >= 0; i--) {
      moved.writeBytes(written.get(i));
    }
    Iterator<Tuple2<Object, Object>> read =
        ser.deserializeStream(new ByteArrayInputStream(moved.toByteArray())).asKeyValueIterator();
    for (int i = written.size() - 1; i >= 0; i--) {
      Tuple2<Object, Object> r = read.next();
      assertEquals(i * 40_000 - 7, r._1());
      assertArrayEquals(values.get(i), (byte[]) r._2());
    }
    assertFalse(read.hasNext());
  }

  @Test
  void aRecordIsItsKeyLengthAndBytes() {
    byte[] r = record(new BatchSerializer().newInstance(), 258, new byte[] {9, 8, 7});
    assertArrayEquals(new byte[] {0, 0, 1, 2, 0, 0, 0, 3, 9, 8, 7}, r);
  }

  @Test
  void aStreamCutShortIsAnError() {
    SerializerInstance ser = new BatchSerializer().newInstance();
    byte[] whole = record(ser, 5, new byte[] {1, 2, 3, 4, 5, 6});
    for (int cut = 1; cut < whole.length; cut++) {
      byte[] two = new byte[whole.length + cut];
      System.arraycopy(whole, 0, two, 0, whole.length);
      System.arraycopy(whole, 0, two, whole.length, cut);
      Iterator<Tuple2<Object, Object>> read =
          ser.deserializeStream(new ByteArrayInputStream(two)).asKeyValueIterator();
      assertEquals(5, read.next()._1());
      IOException e = assertThrows(IOException.class, read::hasNext, "cut after " + cut);
      assertEquals("a shuffle record cut short", e.getMessage());
    }
  }

  @Test
  void otherRecordsAreRefused() {
    SerializationStream out =
        new BatchSerializer().newInstance().serializeStream(new ByteArrayOutputStream());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> out.writeValue("entries", ANY));
    assertEquals("a shuffle record of java.lang.String", e.getMessage());
  }
}
