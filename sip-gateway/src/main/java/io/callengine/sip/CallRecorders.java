package io.callengine.sip;

import com.typesafe.config.Config;
import io.callengine.core.recording.Recordings;
import io.callengine.sip.media.StereoWavRecorder;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * What the call recordings of one node share: the node's {@link Recordings} store (where the
 * files go), the writer threads (the {@code callengine.recording-dispatcher}), the agent's pause
 * key, the draw for settings that record a percentage of the calls, and the node's cluster
 * address that the call records name. Built once by {@link SipService}; each
 * {@link CallRecording} opens its file through it.
 */
final class CallRecorders {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private final Recordings store;
  private final Executor writer;
  private final String node;
  private final String pauseKey;
  private final int queueFrames;
  private final int headerEveryFrames;
  private final IntSupplier draw;

  /** {@code draw} gives 0 to 99, once per call of a PERCENT setting. */
  CallRecorders(Recordings store, Executor writer, String node, String pauseKey, int queueFrames, int headerEveryFrames,
      IntSupplier draw) {
    this.store = store;
    this.writer = writer;
    this.node = node;
    this.pauseKey = pauseKey;
    this.queueFrames = queueFrames;
    this.headerEveryFrames = headerEveryFrames;
    this.draw = draw;
  }

  /** From {@code callengine.recording}, with a random draw; the files go where {@code store} keeps them. */
  static CallRecorders from(Config config, Recordings store, Executor writer, String node) {
    Config r = config.getConfig("callengine.recording");
    String key = r.getString("pause-key").trim();
    if (!key.matches("[0-9*#]{0,4}")) {
      throw new IllegalArgumentException("callengine.recording.pause-key (CALLENGINE_RECORDING_PAUSE_KEY) must be up to 4 keys "
          + "of 0-9, * and #, or empty; got " + key);
    }
    return new CallRecorders(store, writer, node, key, r.getInt("queue-frames"), r.getInt("header-every-frames"),
        () -> ThreadLocalRandom.current().nextInt(100));
  }

  /** The same recorders with another draw: a test's fixed one. */
  CallRecorders withDraw(IntSupplier fixed) {
    return new CallRecorders(store, writer, node, pauseKey, queueFrames, headerEveryFrames, fixed);
  }

  /** The file's name below the recordings folder: {@code <yyyy-MM-dd UTC>/<callId>.wav}, as {@link Recordings#fileFor} lays them out. */
  static String fileName(String callId, Instant startedAt) {
    return DAY.format(startedAt) + "/" + callId + ".wav";
  }

  Path path(String fileName) {
    return store.root().resolve(fileName);
  }

  /**
   * A recorder of the call's file in the store. The store makes the file's day folder
   * ({@link Recordings#fileFor}, which touches the disk) on the writer, before the first write.
   */
  StereoWavRecorder open(String callId, Instant startedAt) {
    Executor makingFolder = new Executor() {
      private volatile boolean made;

      @Override
      public void execute(Runnable write) {
        writer.execute(() -> {
          if (!made) {
            try {
              store.fileFor(callId, startedAt);
              made = true;
            } catch (RuntimeException e) {
              // The recorder's own open then fails, and its close reports that.
            }
          }
          write.run();
        });
      }
    };
    return new StereoWavRecorder(path(fileName(callId, startedAt)), makingFolder, queueFrames, headerEveryFrames);
  }

  String node() {
    return node;
  }

  String pauseKey() {
    return pauseKey;
  }

  int draw() {
    return draw.getAsInt();
  }
}
