package ventispark.job.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;
import ventispark.check.RangeCheck;
import ventispark.plan.BucketFill;
import ventispark.read.SplitCounts;
import ventispark.write.StagedRange;

/**
 * Kryo carries what travels outside the rebuild's shuffle (which has its own {@link
 * BatchSerializer}): the few records that travel as task results are Java records, which Spark's
 * Kryo cannot build field by field, so they go through Java serialization.
 */
public final class VentiKryoRegistrator implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(byte[].class);
    kryo.register(BucketFill.class, new JavaSerializer());
    kryo.register(SplitCounts.class, new JavaSerializer());
    kryo.register(RangeCheck.Result.class, new JavaSerializer());
    kryo.register(StagedRange.class, new JavaSerializer());
  }
}
