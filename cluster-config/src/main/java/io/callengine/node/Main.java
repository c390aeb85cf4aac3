package io.callengine.node;

/** Starts one call-engine node with the configuration of application.conf and the environment. */
public final class Main {
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
