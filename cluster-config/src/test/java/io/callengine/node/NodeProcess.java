package io.callengine.node;

import io.callengine.core.testing.TestEngines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A node in a JVM of its own, started like the README does, stopped like an orchestrator's SIGTERM or killed like kill -9. */
final class NodeProcess implements AutoCloseable {
  private final Process process;
  final ApiClient api;

  private NodeProcess(Process process, int httpPort) {
    this.process = process;
    this.api = new ApiClient(httpPort);
  }

  /** The environment of a node on loopback: its admin token, SIP port, RTP range and a free remoting port. */
  static Map<String, String> loopbackEnv(String adminToken, int sipPort, String rtpPorts) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("CALLENGINE_ADMIN_TOKEN", adminToken);
    env.put("CALLENGINE_SIP_HOST", "127.0.0.1");
    env.put("CALLENGINE_SIP_PORT", Integer.toString(sipPort));
    env.put("CALLENGINE_HTTP_HOST", "127.0.0.1");
    env.put("CALLENGINE_RTP_PORTS", rtpPorts);
    env.put("CALLENGINE_CLUSTER_PORT", Integer.toString(TestEngines.freePort()));
    // The test phones send no RTP, and some calls here outlast the default first-RTP limit.
    env.put("CALLENGINE_MEDIA_FIRST_RTP_TIMEOUT", "10m");
    return env;
  }

  static NodeProcess start(Path dataDir, Map<String, String> env, int httpPort, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // A test node lives for seconds: the quick compiler alone and the serial collector start it
    // sooner and leave more of the machine to the tests running beside it.
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), Main.class.getName());
    builder.environment().putAll(env);
    builder.environment().put("CALLENGINE_DATA_DIR", dataDir.toString());
    builder.environment().put("CALLENGINE_HTTP_PORT", Integer.toString(httpPort));
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    NodeProcess node = new NodeProcess(builder.start(), httpPort);
    TestEngines.eventually(Duration.ofSeconds(60), "the node is ready (log: " + log + ")",
        () -> node.api.statusOf("/health/ready") == 200);
    return node;
  }

  /** SIGTERM, as an orchestrator stops a node; returns at once, the node drains and exits on its own. */
  void terminate() {
    process.destroy();
  }

  /** Whether the process has exited within {@code limit}. */
  boolean exitsWithin(Duration limit) throws InterruptedException {
    return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGKILL: no shutdown hook, no flush, exactly what a crash does. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) kill();
    }
  }
}
