package ventispark.job.progress;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import scala.jdk.javaapi.CollectionConverters;
import ventispark.job.RebuildPlan;
import ventispark.plan.BucketRangePartitioner;
import ventispark.read.ArenaSplit;
import ventispark.read.IndexSection;

/**
 * What a rebuild has done so far, counted on the driver from Spark's task-end events against the
 * plan's totals: the arenas and entries of the read tasks done (each read task is one split, whose
 * memstats clumps the plan knows), the shuffle bytes they wrote, and per section the buckets and
 * bytes of the write tasks done (each is one bucket range). A task counts once however often it is
 * recomputed. Also keeps every stage's time and task counts for the run report. Stages are told
 * apart by the job descriptions the rebuild sets ({@code venti: read ...}, {@code venti: sort and
 * write ...}) and by their RDDs: every later job has its own (skipped, or when shuffle output was
 * lost, recomputing) copy of the read stage, over the read job's RDDs; the write stage is the one
 * of a {@code sort and ...} job that reads the read stage's shuffle.
 */
final class ProgressCounts extends SparkListener {
  /**
   * One stage attempt, for the run report; {@code spilledBytes} is what its sorts wrote to local
   * disk because they did not fit in memory (the reduce side's sort, when a write task's entries
   * outgrow its share of the heap).
   */
  record StageTimes(
      int stage,
      int attempt,
      String job,
      int tasks,
      int failedTasks,
      long millis,
      long spilledBytes) {}

  private final Consumer<String> phaseDone;
  private final Map<Integer, String> stageJob = new HashMap<>();
  private final Set<Integer> readStages = new HashSet<>();
  private final Set<Integer> readRdds = new HashSet<>();
  private String readJob = "";
  private final Set<Integer> writeStages = new HashSet<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private final List<StageTimes> stages = new ArrayList<>();
  private RebuildPlan plan;
  private BitSet splitsDone = new BitSet();
  private BitSet rangesDone = new BitSet();
  private long arenasRead;
  private long entriesRead;
  private long shuffleBytes;
  private long[] bucketsWritten = new long[0];
  private long[] bucketsPlanned = new long[0];
  private long readStart;
  private long writeStart;

  /** {@code phaseDone} gets one line when the read or the write is complete. */
  ProgressCounts(Consumer<String> phaseDone) {
    this.phaseDone = phaseDone;
  }

  synchronized void plan(RebuildPlan plan) {
    this.plan = plan;
    splitsDone = new BitSet();
    rangesDone = new BitSet();
    arenasRead = entriesRead = shuffleBytes = 0;
    bucketsWritten = new long[plan.archive().sections().size()];
    bucketsPlanned = new long[plan.archive().sections().size()];
    BucketRangePartitioner part = plan.partitioner();
    for (int p = 0; p < part.numPartitions(); p++) {
      bucketsPlanned[part.section(p)] += part.stop(p) - part.start(p);
    }
    readStart = writeStart = 0;
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart job) {
    String d =
        job.properties() == null ? null : job.properties().getProperty("spark.job.description");
    String what = d == null ? "" : d.startsWith("venti: ") ? d.substring(7) : d;
    List<StageInfo> infos = CollectionConverters.asJava(job.stageInfos());
    for (StageInfo s : infos) {
      List<Integer> rdds =
          CollectionConverters.asJava(s.rddInfos()).stream().map(r -> r.id()).toList();
      if (what.startsWith("read ")) {
        readRdds.addAll(rdds);
        readJob = what;
      }
      if (rdds.stream().anyMatch(readRdds::contains)) {
        readStages.add(s.stageId());
        stageJob.putIfAbsent(s.stageId(), readJob);
      }
      stageJob.putIfAbsent(s.stageId(), what);
    }
    if (what.startsWith("sort and ")) {
      for (StageInfo s : infos) {
        boolean readsTheShuffle =
            CollectionConverters.asJava(s.parentIds()).stream()
                .anyMatch(p -> readStages.contains((Integer) p));
        if (readsTheShuffle && !readStages.contains(s.stageId())) {
          writeStages.add(s.stageId());
        }
      }
    }
  }

  @Override
  public synchronized void onStageSubmitted(SparkListenerStageSubmitted e) {
    long now = System.currentTimeMillis();
    if (readStages.contains(e.stageInfo().stageId()) && readStart == 0) {
      readStart = now;
    }
    if (writeStages.contains(e.stageInfo().stageId()) && writeStart == 0) {
      writeStart = now;
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
    if (!(e.reason() instanceof Success$)) {
      failures.merge(e.stageId() + "." + e.stageAttemptId(), 1, Integer::sum);
      return;
    }
    int p = e.taskInfo().partitionId();
    if (plan == null) {
      return;
    }
    if (readStages.contains(e.stageId())) {
      shuffleBytes +=
          e.taskMetrics() == null ? 0 : e.taskMetrics().shuffleWriteMetrics().bytesWritten();
      if (p < plan.splits().size() && !splitsDone.get(p)) {
        splitsDone.set(p);
        ArenaSplit split = plan.splits().get(p);
        arenasRead += split.arenas().size();
        entriesRead += split.clumps();
      }
    } else if (writeStages.contains(e.stageId())) {
      // A write task's partition is its index: it built all its ranges.
      BucketRangePartitioner part = plan.partitioner();
      if (p < part.tasks()) {
        for (int r = part.firstRange(p); r < part.firstRange(p + 1); r++) {
          if (!rangesDone.get(r)) {
            rangesDone.set(r);
            bucketsWritten[part.section(r)] += part.stop(r) - part.start(r);
          }
        }
      }
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted e) {
    String done = null;
    synchronized (this) {
      StageInfo s = e.stageInfo();
      long millis =
          s.submissionTime().isDefined() && s.completionTime().isDefined()
              ? (Long) s.completionTime().get() - (Long) s.submissionTime().get()
              : 0;
      stages.add(
          new StageTimes(
              s.stageId(),
              s.attemptNumber(),
              stageJob.getOrDefault(s.stageId(), ""),
              s.numTasks(),
              failures.getOrDefault(s.stageId() + "." + s.attemptNumber(), 0),
              millis,
              s.taskMetrics() == null ? 0 : s.taskMetrics().diskBytesSpilled()));
      if (plan != null && s.failureReason().isEmpty()) {
        if (readStages.contains(s.stageId())
            && splitsDone.cardinality() == plan.splits().size()
            && !writing()) {
          done = readLine(true);
        } else if (writeStages.contains(s.stageId()) && !writeLeft()) {
          done = writeLine(true);
        }
      }
    }
    if (done != null) {
      phaseDone.accept(done);
    }
  }

  private boolean writeLeft() {
    return rangesDone.cardinality() < plan.partitioner().numPartitions();
  }

  private boolean writing() {
    return writeStart != 0;
  }

  /** The current phase's line, or null before the read and after the write. */
  synchronized String line() {
    if (plan == null || readStart == 0) {
      return null;
    }
    if (writing()) {
      return writeLeft() ? writeLine(false) : null;
    }
    return splitsDone.cardinality() == plan.splits().size() ? null : readLine(false);
  }

  /** Every stage attempt's job, time and task counts, for the run report. */
  synchronized List<Map<String, Object>> stageReport() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (StageTimes s : stages) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("stage", s.stage());
      m.put("attempt", s.attempt());
      m.put("job", s.job());
      m.put("tasks", s.tasks());
      m.put("failedTasks", s.failedTasks());
      m.put("millis", s.millis());
      m.put("spilledBytes", s.spilledBytes());
      out.add(m);
    }
    return out;
  }

  private String readLine(boolean done) {
    long total = plan.splits().stream().mapToLong(ArenaSplit::clumps).sum();
    long arenas = plan.splits().stream().mapToLong(x -> x.arenas().size()).sum();
    long millis = System.currentTimeMillis() - readStart;
    String counts =
        String.format(
            Locale.ROOT,
            "%,d/%,d arenas, %,d/%,d entries, %s shuffled",
            arenasRead,
            arenas,
            entriesRead,
            total,
            ProgressRate.bytes(shuffleBytes));
    return (done ? "read done: " : "read: ")
        + counts
        + "; "
        + ProgressRate.of(entriesRead, total, millis, "entries", done);
  }

  private String writeLine(boolean done) {
    StringBuilder b = new StringBuilder(done ? "write done: " : "write: ");
    long doneBytes = 0;
    long totalBytes = 0;
    for (int i : plan.sections()) {
      IndexSection s = plan.archive().sections().get(i);
      long size = s.header().blockSize();
      doneBytes += bucketsWritten[i] * size;
      totalBytes += bucketsPlanned[i] * size;
      b.append(
          String.format(
              Locale.ROOT,
              "%s %,d/%,d buckets %s/%s, ",
              s.ref().display(),
              bucketsWritten[i],
              bucketsPlanned[i],
              ProgressRate.bytes(bucketsWritten[i] * size),
              ProgressRate.bytes(bucketsPlanned[i] * size)));
    }
    b.setLength(b.length() - 2);
    long millis = System.currentTimeMillis() - writeStart;
    return b.append("; ")
        .append(ProgressRate.ofBytes(doneBytes, totalBytes, millis, done))
        .toString();
  }
}
