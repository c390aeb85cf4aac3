package io.callengine.node;

/** Starts one call-engine node with the configuration of application.conf and the environment. */
public final class Main {
  private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  /**
   * On two cores the JDK's common pool has one thread, and CompletableFuture then starts a new
   * thread for every asynchronous step, which Pekko's and Scala's completion stages take many
   * of per call. Two threads at least keep those steps on the pool. Set before anything uses it.
   */
  static {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(COMMON_POOL_PARALLELISM, String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
    }
  }

  private Main() {}

  public static void main(String[] args) throws Exception {
    try {
      Node.start(NodeConfig.load());
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(Main.class).error("call-engine could not start: {}", e.getMessage(), e);
      System.exit(1);
    }
  }
}
