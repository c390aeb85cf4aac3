package io.callengine.core.api;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Decides where a new customer call goes, for a JVM service that embeds the engine or joins its
 * cluster: register one with {@link CallCenterEngine#registerCallHandler}. Every node of the
 * cluster asks a registered handler (the one on its own node first, else one on another node)
 * for each INVITE it takes, before the routing policies. When the decision does not come within
 * {@code callengine.call-handler.timeout} (500 ms), fails, or names a queue or IVR menu the engine
 * does not have, the routing policies decide the call as they do without a handler. With no
 * handler registered anywhere, calls are routed by the policies without asking anyone.
 *
 * <p>{@link #decide} runs on an actor of the engine's dispatcher: it must return at once and
 * never block (no JDBC, no remote call, no {@code join()}); do slow work asynchronously and
 * complete the stage later. A decision may be for a call on another node, so it is sent there
 * as CBOR: the records of {@link CallDecision} are all it may hold.
 */
@FunctionalInterface
public interface CallHandler {

  CompletionStage<CallDecision> decide(IncomingCall call);

  /** A registered handler; {@link #close} (or {@link #unregister}) takes it out of every node's choice. */
  interface Registration extends AutoCloseable {

    /**
     * Completes once this node asks the handler: every call this node takes from then on goes to
     * it first. Fails with a {@code TimeoutException} should that take more than 10 s.
     */
    CompletionStage<Done> whenActive();

    /** Unregisters; completes once this node no longer asks the handler (other nodes follow within seconds). */
    CompletionStage<Done> unregister();

    @Override
    default void close() {
      unregister();
    }
  }
}
