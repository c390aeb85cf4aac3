package io.callengine.sip;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;

/**
 * Where every SIP message of the gateway is handed to JAIN-SIP ({@link SipMessages} sends through
 * it). A UDP send runs at once on the caller's thread: a datagram handed to the socket does not
 * wait. A send over a connection (TCP, TLS) may have to connect first, and JAIN-SIP connects on
 * the sending thread and waits up to its connect timeout (8 s; its NIO processor 10 s), and
 * sends to one address wait for each other: a phone whose address swallows TCP would hold an
 * actor's thread (or a JAIN-SIP thread) that long. Those sends run on the
 * {@code callengine.sip-send-dispatcher} instead. With JAIN-SIP's NIO transport even making a
 * client transaction opens the connection, so a request's transaction is made inside its
 * {@link Send}, never before it. The sends of one Call-ID stay in order (a
 * CANCEL after its INVITE, a BYE after its 200), also when a UDP send follows a queued one.
 */
final class SipSends {
  /** A send to JAIN-SIP, with the message already built. */
  @FunctionalInterface
  interface Send {
    void run() throws Exception;
  }

  private final Executor connections;
  /** The last queued send of each Call-ID that has one in flight. */
  private final Map<String, CompletableFuture<Void>> queued = new ConcurrentHashMap<>();

  /** {@code connections}: where sends over TCP and TLS run. */
  SipSends(Executor connections) {
    this.connections = connections;
  }

  /**
   * Runs {@code send}, which sends {@code message}; the stage completes when it has been handed
   * to the transport, or fails with what the send threw.
   */
  CompletionStage<Void> send(Message message, Send send) {
    String callId = ((CallIdHeader) message.getHeader(CallIdHeader.NAME)).getCallId();
    ViaHeader via = (ViaHeader) message.getHeader(ViaHeader.NAME);
    boolean datagram = via == null || "UDP".equalsIgnoreCase(via.getTransport());
    if (datagram && !queued.containsKey(callId)) return runNow(send);
    CompletableFuture<Void> next = queued.compute(callId, (id, last) ->
        (last == null ? CompletableFuture.<Void>completedFuture(null) : last.handle((r, e) -> (Void) null))
            .thenRunAsync(() -> runOrThrow(send), connections));
    next.whenComplete((r, e) -> queued.remove(callId, next));
    return next;
  }

  private static CompletionStage<Void> runNow(Send send) {
    try {
      send.run();
      return CompletableFuture.completedFuture(null);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static void runOrThrow(Send send) {
    try {
      send.run();
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }
}
