package ventispark.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/**
 * A map task's sort buffer is kept for the next task of the same buffer size, not for another size.
 * (That a reused buffer's old contents change no batch is {@link EntryBatchesTest}'s: its splits
 * run one after another on one buffer.)
 */
class SortBufferTest {
  @Test
  void aGivenBufferServesTheNextTakeOfItsSize() {
    SortBuffer a = SortBuffer.take(1000, 250);
    assertEquals(1000, a.capacity());
    assertEquals(1000 * ShuffleEntry.SIZE, a.entries().length);
    assertEquals(2000, a.keys().length);
    assertEquals(500, a.partKeys().length);
    a.give();
    assertSame(a, SortBuffer.take(1000, 250));
    a.give();
    assertNotSame(a, SortBuffer.take(1000, 500));
    a.give();
    SortBuffer b = SortBuffer.take(999, 999);
    assertNotSame(a, b);
    assertEquals(999, b.capacity());
    // a was dropped, not kept for another size
    assertNotSame(a, SortBuffer.take(1000, 250));
  }
}
