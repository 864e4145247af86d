package ventispark.sql;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.unsafe.types.UTF8String;
import ventispark.format.ArenaTrailer;
import ventispark.format.BlockType;
import ventispark.format.ClumpInfo;
import ventispark.format.IEntry;
import ventispark.format.Venti;
import ventispark.read.Arena;
import ventispark.read.ClumpDirectory;
import ventispark.read.HadoopConf;
import ventispark.read.IndexSection;
import ventispark.read.PartitionRef;
import ventispark.reverse.IndexChecksum;
import ventispark.reverse.ReverseIndexFile;

/** The input partitions of the venti data source and their readers. */
final class VentiPartitions {
  private VentiPartitions() {}

  /** An input partition that makes its own reader. */
  interface Part extends InputPartition {
    PartitionReader<InternalRow> reader();
  }

  /** One arena: its clumps (walked as buildindex walks them, last first) or its trailer. */
  record ArenaPart(
      VentiTables table,
      Arena arena,
      PartitionRef partition,
      long div,
      long[] sectionStarts,
      HadoopConf conf,
      int[] columns)
      implements Part {

    @Override
    public PartitionReader<InternalRow> reader() {
      ventispark.read.PartitionReader in =
          ventispark.read.PartitionReader.open(partition, conf.get());
      Iterator<Object[]> rows = table == VentiTables.ARENAS ? trailer(in) : clumps(in);
      return new Rows(rows, columns, in);
    }

    private Iterator<Object[]> trailer(ventispark.read.PartitionReader in) {
      long at = arena.stop() - arena.blockSize();
      ArenaTrailer t = ArenaTrailer.decode(in.display(), at, in.read(at, 512), 0);
      var m = arena.memStats();
      Object[] row = {
        str(arena.name()),
        str(partition.display()),
        arena.version(),
        (long) m.clumps(),
        (long) m.cclumps(),
        m.used(),
        m.uncsize(),
        m.sealed(),
        micros(t.ctime()),
        micros(t.wtime())
      };
      return java.util.Collections.singletonList(row).iterator();
    }

    private Iterator<Object[]> clumps(ventispark.read.PartitionReader in) {
      ClumpDirectory dir = new ClumpDirectory(in, arena);
      return new Iterator<>() {
        long clump = arena.memStats().clumpCount();
        long addr = arena.indexStart() + arena.memStats().used();

        @Override
        public boolean hasNext() {
          return clump > 0;
        }

        @Override
        public Object[] next() {
          if (clump == 0) {
            throw new NoSuchElementException();
          }
          clump--;
          int off = dir.locate(clump);
          byte[] b = dir.buffer();
          int code = ClumpInfo.type(b, off);
          int size = ClumpInfo.size(b, off);
          int uncsize = ClumpInfo.uncsize(b, off);
          addr -= size + Venti.CLUMP_SIZE;
          int s = ClumpInfo.scoreOffset(off);
          byte[] score = java.util.Arrays.copyOfRange(b, s, s + Venti.SCORE_SIZE);
          long bucket = IEntry.hash32(b, s) / div;
          int section = 0;
          while (section + 1 < sectionStarts.length && sectionStarts[section + 1] <= bucket) {
            section++;
          }
          return new Object[] {
            str(partition.display()),
            str(arena.name()),
            clump,
            addr,
            str(BlockType.name(code)),
            code,
            size,
            uncsize,
            size < uncsize,
            ClumpInfo.blocks(size),
            score,
            bucket,
            section
          };
        }
      };
    }
  }

  /** A range of buckets of one section: its entries as stored. */
  record IndexRange(IndexSection section, long start, long stop, HadoopConf conf, int[] columns)
      implements Part {

    @Override
    public PartitionReader<InternalRow> reader() {
      int bs = section.header().blockSize();
      byte[] blocks = new byte[(int) ((stop - start) * bs)];
      try (ventispark.read.PartitionReader in =
          ventispark.read.PartitionReader.open(section.ref(), conf.get())) {
        in.readFully(section.offsetOf(start), blocks, 0, blocks.length);
      }
      UTF8String name = str(section.ref().display());
      int magic = section.header().bucketMagic();
      Iterator<Object[]> rows =
          new Iterator<>() {
            long bucket = start;
            int slot;
            int n = -1;

            @Override
            public boolean hasNext() {
              while (bucket < stop) {
                if (n < 0) {
                  n = IndexChecksum.entries(blocks, (int) ((bucket - start) * bs), bs, magic);
                  slot = 0;
                }
                if (slot < n) {
                  return true;
                }
                bucket++;
                n = -1;
              }
              return false;
            }

            @Override
            public Object[] next() {
              if (!hasNext()) {
                throw new NoSuchElementException();
              }
              int e = (int) ((bucket - start) * bs) + Venti.BUCKET_HEAD_SIZE + slot * IEntry.SIZE;
              Object[] row = {
                name,
                bucket,
                slot,
                java.util.Arrays.copyOfRange(blocks, e, e + Venti.SCORE_SIZE),
                str(BlockType.name(IEntry.type(blocks, e))),
                IEntry.size(blocks, e),
                IEntry.addr(blocks, e),
                IEntry.blocks(blocks, e)
              };
              slot++;
              return row;
            }
          };
      return new Rows(rows, columns, null);
    }
  }

  /** Records {@code [first, stop)} of a reverse index file, with the arena of each address. */
  record ReverseRange(
      String file,
      long first,
      long stop,
      String[] arenas,
      long[] starts,
      long[] ends,
      int[] columns)
      implements Part {

    @Override
    public PartitionReader<InternalRow> reader() {
      ReverseIndexFile rev = new ReverseIndexFile(java.nio.file.Path.of(file));
      Iterator<Object[]> rows =
          new Iterator<>() {
            static final int CHUNK = 1 << 16;
            final byte[] buf = new byte[CHUNK * ReverseIndexFile.RECORD_SIZE];
            long r = first;
            long bufFirst = -1;
            int arena = 0;

            @Override
            public boolean hasNext() {
              return r < stop;
            }

            @Override
            public Object[] next() {
              if (r >= stop) {
                throw new NoSuchElementException();
              }
              if (bufFirst < 0 || r >= bufFirst + CHUNK) {
                bufFirst = r;
                rev.readRecords(r, (int) Math.min(CHUNK, stop - r), buf);
              }
              int off = (int) (r - bufFirst) * ReverseIndexFile.RECORD_SIZE;
              long addr = ventispark.format.Bytes.u64(buf, off);
              long bucket = ventispark.format.Bytes.u32L(buf, off + 8);
              int slot = ventispark.format.Bytes.u16(buf, off + 12);
              // Records ascend, so the arena only moves forward.
              while (arena < arenas.length && addr >= ends[arena]) {
                arena++;
              }
              UTF8String name =
                  arena < arenas.length && addr >= starts[arena] ? str(arenas[arena]) : null;
              return new Object[] {r++, addr, name, bucket, slot};
            }
          };
      return new Rows(rows, columns, rev);
    }
  }

  private static UTF8String str(String s) {
    return UTF8String.fromString(s);
  }

  /** Unix seconds as Spark's timestamp (microseconds); 0 (never written) as null. */
  private static Long micros(int seconds) {
    return seconds == 0 ? null : (seconds & 0xFFFFFFFFL) * 1_000_000L;
  }

  /** Rows of the full schema, projected onto the columns asked for. */
  static final class Rows implements PartitionReader<InternalRow> {
    private final Iterator<Object[]> rows;
    private final int[] columns;
    private final AutoCloseable resource;
    private InternalRow current;

    Rows(Iterator<Object[]> rows, int[] columns, AutoCloseable resource) {
      this.rows = rows;
      this.columns = columns;
      this.resource = resource;
    }

    @Override
    public boolean next() {
      if (!rows.hasNext()) {
        return false;
      }
      Object[] full = rows.next();
      Object[] out = new Object[columns.length];
      for (int i = 0; i < columns.length; i++) {
        out[i] = full[columns[i]];
      }
      current = new GenericInternalRow(out);
      return true;
    }

    @Override
    public InternalRow get() {
      return current;
    }

    @Override
    public void close() throws java.io.IOException {
      if (resource != null) {
        try {
          resource.close();
        } catch (Exception e) {
          throw new java.io.IOException(e);
        }
      }
    }
  }
}
