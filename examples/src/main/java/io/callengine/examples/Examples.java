package io.callengine.examples;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How every example runs: its body within a time limit, {@code OK} and a normal return when its
 * checks hold (the JVM then exits by itself, with status 0, once the engine is shut down), or
 * {@code FAILED} and status 1. Plus the bounded waits the bodies use.
 */
final class Examples {
  /** How long one facade call may take before the example gives up on it. */
  static final Duration CALL_LIMIT = Duration.ofSeconds(15);

  /** An example's body: throws when something did not happen as it should. */
  interface Body {
    void run() throws Exception;
  }

  private Examples() {}

  static void run(String name, Duration limit, Body body) {
    // A daemon timer: it never keeps the JVM alive itself, and it ends one that something else does.
    CompletableFuture.runAsync(() -> timedOut(name, limit), CompletableFuture.delayedExecutor(limit.toMillis(), TimeUnit.MILLISECONDS));
    try {
      body.run();
    } catch (Throwable e) {
      System.out.println("FAILED: " + name + ": " + e);
      e.printStackTrace();
      System.exit(1);
    }
    System.out.println("OK: " + name);
  }

  private static void timedOut(String name, Duration limit) {
    List<String> alive = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon() && !t.getName().equals("DestroyJavaVM")).map(Thread::getName).sorted().toList();
    System.out.println("FAILED: " + name + " still running after " + limit.toSeconds() + " s; threads that keep the JVM alive: " + alive);
    System.exit(2);
  }

  /** Polls {@code condition} every 50 ms until it holds; throws naming {@code what} once {@code timeout} has passed. */
  static void await(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(condition.call())) return;
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("not within " + timeout.toSeconds() + " s: " + what, last);
  }

  /** The result of a facade call, waited for at most {@link #CALL_LIMIT}; its failure (an EngineException) is thrown as it is. */
  static <T> T get(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(CALL_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer within " + CALL_LIMIT.toSeconds() + " s", e);
    }
  }

  static void check(boolean condition, String what) {
    if (!condition) throw new IllegalStateException("check failed: " + what);
  }
}
