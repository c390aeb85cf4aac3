package io.callengine.bench.metrics;

import com.typesafe.config.ConfigFactory;
import io.callengine.core.Tags;
import io.callengine.core.call.CallEntity;
import io.callengine.core.persistence.Database;
import io.callengine.core.statistics.StatisticsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * The H2 file database of the benchmark: 30 days of calls written through the engine's own
 * statistics path ({@link StatisticsWriter}, as the call-record projection runs it), plus the
 * call records, offers, queues and agents' presence a real database of that size holds. A
 * directory already filled with the same calls is reused.
 *
 * <p>{@code java -cp benchmarks.jar io.callengine.bench.metrics.MetricsDatabase} fills (or
 * checks) the directory given by {@code METRICS_BENCH_DB} with {@code METRICS_BENCH_CALLS} calls.
 */
public final class MetricsDatabase {
  static final Instant FROM = Instant.parse("2026-10-01T00:00:00Z");
  static final Instant TO = FROM.plus(Duration.ofDays(30));
  /** Enough for 33,000 calls a day: about 6.75 staffed hours each, occupancy near 90 %. */
  static final int AGENTS = 400;
  static final long SEED = 2026;
  static final long SHORT_ABANDON_MS = 5_000;
  private static final int CALLS_PER_COMMIT = 1_000;
  /** Bump when the generated data changes, so that an old directory is filled again. */
  private static final String FORMAT = "metrics-bench 1";
  private static final long DAY = Duration.ofDays(1).toMillis();
  private static final long HOUR = Duration.ofHours(1).toMillis();
  private static final long MINUTE = Duration.ofMinutes(1).toMillis();

  private MetricsDatabase() {}

  public static void main(String[] args) throws Exception {
    try (Database db = open(directory(), calls())) {
      System.out.println("metrics-bench: database ready in " + directory());
    }
  }

  static Path directory() {
    String dir = System.getenv("METRICS_BENCH_DB");
    return Path.of(dir == null || dir.isBlank() ? "/tmp/callengine-metrics-bench" : dir);
  }

  static int calls() {
    String calls = System.getenv("METRICS_BENCH_CALLS");
    return calls == null || calls.isBlank() ? 1_000_000 : Integer.parseInt(calls.replace("_", ""));
  }

  /** The database in {@code dir} holding {@code calls} calls, filled first unless it already is. */
  static Database open(Path dir, int calls) throws IOException, SQLException {
    Files.createDirectories(dir);
    Path marker = dir.resolve("filled.txt");
    String expected = FORMAT + ", seed " + SEED + ", calls " + calls + ", agents " + AGENTS;
    boolean filled = Files.exists(marker) && Files.readString(marker).strip().equals(expected);
    if (!filled) {
      Files.deleteIfExists(marker);
      Files.deleteIfExists(dir.resolve("callengine.mv.db"));
      Files.deleteIfExists(dir.resolve("callengine.trace.db"));
    }
    // The URL of cluster-config's persistence.conf: what a node runs with.
    String url = "jdbc:h2:file:" + dir.toAbsolutePath() + "/callengine;DATABASE_TO_UPPER=false;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    if (filled) {
      System.out.println("metrics-bench: reusing " + dir + " (" + expected + ")");
      return database(url);
    }
    long started = System.nanoTime();
    try (Database db = database(url); Connection c = db.dataSource().getConnection()) {
      db.createSchema();
      queues(c);
      presence(c);
    }
    new Calls(calls).fill(url);
    System.out.printf("metrics-bench: filled %,d calls in %.1f s, file %,.0f MiB%n", calls, (System.nanoTime() - started) / 1e9,
        Files.size(dir.resolve("callengine.mv.db")) / 1048576.0);
    Files.writeString(marker, expected + "\n");
    return database(url);
  }

  private static Database database(String url) {
    return new Database(ConfigFactory.parseMap(Map.of("url", url, "user", "sa", "password", "", "kind", "h2", "max-connections", 2)));
  }

  private static void queues(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO call_queues (id, name, strategy, max_wait_seconds, "
        + "wrap_up_seconds, ring_timeout_seconds, service_level_seconds, updated_at) VALUES (?, ?, 'longest-idle', ?, 30, 20, ?, ?)")) {
      for (int q = 0; q < CallMix.QUEUES.size(); q++) {
        s.setString(1, CallMix.QUEUES.get(q));
        s.setString(2, CallMix.QUEUES.get(q));
        s.setInt(3, CallMix.MAX_WAIT_SECONDS);
        s.setInt(4, CallMix.SERVICE_LEVEL_SECONDS[q]);
        s.setLong(5, FROM.toEpochMilli());
        s.addBatch();
      }
      s.executeBatch();
    }
    c.commit();
  }

  /**
   * Each agent's day: a shift of about 7.5 hours starting between 06:00 and 17:00 (UTC), two
   * breaks, offline until the next shift; the last offline period is still open.
   */
  private static void presence(Connection c) throws SQLException {
    Random rnd = new Random(SEED + 1);
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO agent_presence_log (agent_id, presence, reason, started_at, ended_at) VALUES (?, ?, ?, ?, ?)")) {
      for (int a = 0; a < AGENTS; a++) {
        String agent = CallMix.agentId(a);
        long shift = (6 + a % 12) * HOUR;
        long offlineSince = -1;
        for (int day = 0; day < 30; day++) {
          long t = FROM.toEpochMilli() + day * DAY + shift + rnd.nextInt(30) * MINUTE;
          if (offlineSince >= 0) period(s, agent, "OFFLINE", null, offlineSince, t);
          long[] lengths = {(120 + rnd.nextInt(30)) * MINUTE, 15 * MINUTE, 120 * MINUTE, (30 + rnd.nextInt(15)) * MINUTE,
              (120 + rnd.nextInt(60)) * MINUTE};
          for (int p = 0; p < lengths.length; p++) {
            boolean working = p % 2 == 0;
            period(s, agent, working ? "AVAILABLE" : "BREAK", working ? null : p == 1 ? "coffee" : "lunch", t, t + lengths[p]);
            t += lengths[p];
          }
          offlineSince = t;
        }
        period(s, agent, "OFFLINE", null, offlineSince, null);
        s.executeBatch();
      }
    }
    c.commit();
  }

  private static void period(PreparedStatement s, String agent, String presence, String reason, long from, Long to)
      throws SQLException {
    s.setString(1, agent);
    s.setString(2, presence);
    s.setString(3, reason);
    s.setLong(4, from);
    if (to == null) s.setNull(5, Types.BIGINT);
    else s.setLong(5, to);
    s.addBatch();
  }

  /**
   * Every call through the statistics writer, in order of arrival; records and offers in batches.
   * Written in segments, each followed by a compaction: a bulk fill writes in minutes what a node
   * writes in a month, far faster than H2 reclaims the pages it replaced (the file would grow to
   * some 30 times its data), and compacting gives the file a month-old node would have.
   */
  private static final class Calls {
    private static final int SEGMENT = 100_000;
    private final int calls;
    private final long[] arrivals;
    private final CallMix mix = new CallMix(SEED, AGENTS);
    private final StatisticsWriter writer = new StatisticsWriter(SHORT_ABANDON_MS);

    Calls(int calls) {
      this.calls = calls;
      this.arrivals = arrivals(calls);
    }

    void fill(String url) throws SQLException {
      long started = System.nanoTime();
      for (int from = 0; from < calls; from += SEGMENT) {
        try (Database db = database(url); Connection c = db.dataSource().getConnection()) {
          write(c, from, Math.min(calls, from + SEGMENT));
        }
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
          s.execute("SHUTDOWN COMPACT");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        int done = Math.min(calls, from + SEGMENT);
        System.out.printf("metrics-bench: %,d calls written, %.0f s, %,.0f calls/s%n", done, seconds, done / seconds);
      }
    }

    private void write(Connection c, int from, int to) throws SQLException {
      try (PreparedStatement records = c.prepareStatement("INSERT INTO call_records (call_id, queue_id, agent_id, caller, "
          + "dialed, status, disposition, end_reason, enqueued_at, answered_at, ended_at, wait_seconds, talk_seconds, queues, "
          + "offered_at, offers, ring_seconds, wrap_up_seconds) VALUES (?, ?, ?, ?, ?, 'ENDED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
          PreparedStatement offers = c.prepareStatement(
              "INSERT INTO call_offers (call_id, agent_id, offered_at, ended_at, outcome, reason) VALUES (?, ?, ?, ?, ?, ?)")) {
        for (int i = from; i < to; i++) {
          CallMix.Call call = mix.next(arrivals[i]);
          int slice = Math.floorMod(call.callId().hashCode(), Tags.CALL_SLICES);
          for (CallEntity.Event event : call.events()) writer.apply(c, slice, call.callId(), event);
          record(records, call);
          offer(offers, call);
          if ((i + 1 - from) % CALLS_PER_COMMIT == 0 || i + 1 == to) {
            records.executeBatch();
            offers.executeBatch();
            c.commit();
          }
        }
      }
    }
  }

  /**
   * Arrival times over the 30 days, sorted: four in five between 08:00 and 20:00, the rest at
   * any hour.
   */
  private static long[] arrivals(int calls) {
    Random rnd = new Random(SEED + 2);
    long[] at = new long[calls];
    for (int i = 0; i < calls; i++) {
      long day = FROM.toEpochMilli() + rnd.nextInt(30) * DAY;
      at[i] = rnd.nextInt(5) < 4 ? day + 8 * HOUR + (long) (rnd.nextDouble() * 12 * HOUR) : day + (long) (rnd.nextDouble() * DAY);
    }
    Arrays.sort(at);
    return at;
  }

  private static void record(PreparedStatement s, CallMix.Call call) throws SQLException {
    CallMix.Row r = call.row();
    Object[] values = {call.callId(), r.queueId(), r.agentId(), r.caller(), r.dialed(), r.disposition().name(), r.endReason(),
        r.enqueuedAt(), r.answeredAt(), r.endedAt(), r.waitSeconds(), r.talkSeconds(), r.queues(), r.offeredAt(), r.offers(),
        r.ringSeconds(), r.wrapUpSeconds()};
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) s.setNull(i + 1, Types.NULL);
      else s.setObject(i + 1, values[i]);
    }
    s.addBatch();
  }

  /** One offer per call that rang an agent: answered, or cancelled when the caller hung up first. */
  private static void offer(PreparedStatement s, CallMix.Call call) throws SQLException {
    CallMix.Row r = call.row();
    if (r.offeredAt() == null) return;
    boolean answered = r.answeredAt() != null;
    s.setString(1, call.callId());
    s.setString(2, answered ? r.agentId() : offeredAgent(call));
    s.setLong(3, r.offeredAt());
    s.setLong(4, answered ? r.answeredAt() : r.endedAt());
    s.setString(5, answered ? "ANSWERED" : "CANCELLED");
    if (answered) s.setNull(6, Types.VARCHAR);
    else s.setString(6, r.endReason());
    s.addBatch();
  }

  private static String offeredAgent(CallMix.Call call) {
    for (CallEntity.Event event : call.events()) {
      if (event instanceof CallEntity.CallOffered o) return o.agentIds().get(0);
    }
    throw new IllegalStateException("call " + call.callId() + " has an offer time but no offer");
  }
}
