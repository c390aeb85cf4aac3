package io.callengine.sip;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Response;

/**
 * Counts the SIP traffic of this node: requests received by method, and responses received and
 * sent by method and status. Methods outside the known set count as {@code OTHER}, so a peer
 * inventing methods cannot grow the number of series. Also the front door's admission control
 * ({@link CallAdmission}): calls in set-up, set-up times, INVITEs refused for overload.
 */
final class SipMetrics {
  static final SipMetrics NONE = new SipMetrics(new SimpleMeterRegistry());

  private static final Set<String> METHODS = Set.of("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "INFO", "UPDATE",
      "PRACK", "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PUBLISH");

  private final MeterRegistry registry;
  private final Counter overloadRefusals;
  private final Timer setups;

  SipMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.overloadRefusals = Counter.builder("callengine.sip.overload.refusals")
        .description("New INVITEs answered 503 because the node had as many calls in set-up as callengine.sip.max-calls-in-setup")
        .register(registry);
    this.setups = Timer.builder("callengine.sip.setup")
        .description("A customer call's set-up: INVITE taken to the 200 that answers it (the call is queued, or in the IVR)")
        .publishPercentileHistogram()
        .register(registry);
  }

  void callsInSetup(AtomicInteger count) {
    Gauge.builder("callengine.sip.calls.in.setup", count, AtomicInteger::get)
        .description("Calls whose INVITE this node took and has not answered yet").register(registry);
  }

  /** RTP ports held now: a port held by a caller who sends nothing is what a media-less flood takes. */
  void rtpPortsInUse(java.util.function.IntSupplier inUse) {
    Gauge.builder("callengine.sip.rtp.ports.in.use", inUse, java.util.function.IntSupplier::getAsInt)
        .description("RTP ports (each with its RTCP port) held by call legs now").strongReference(true).register(registry);
  }

  void connections(SipStackHolder stack) {
    Gauge.builder("callengine.sip.connections", stack, SipStackHolder::openConnections)
        .description("Inbound SIP connections (TCP and TLS) open now").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("callengine.sip.connections.refused", stack, SipStackHolder::refusedConnections)
        .description("Inbound SIP connections closed at once because callengine.sip.max-connections(-per-address) was reached")
        .register(registry);
  }

  void overloadRefusal() {
    overloadRefusals.increment();
  }

  void callAnswered(long setupNanos) {
    setups.record(setupNanos, TimeUnit.NANOSECONDS);
  }

  void requestReceived(String method) {
    Counter.builder("callengine.sip.requests").description("SIP requests received, by method")
        .tag("method", method(method)).register(registry).increment();
  }

  void responseReceived(Response response) {
    CSeqHeader cseq = (CSeqHeader) response.getHeader(CSeqHeader.NAME);
    response("in", cseq == null ? null : cseq.getMethod(), response.getStatusCode());
  }

  void responseSent(String method, int status) {
    response("out", method, status);
  }

  private void response(String direction, String method, int status) {
    Counter.builder("callengine.sip.responses").description("SIP responses received (in) and sent (out), by method and status")
        .tags("direction", direction, "method", method(method), "status", status >= 100 && status < 700 ? Integer.toString(status) : "other")
        .register(registry).increment();
  }

  private static String method(String method) {
    if (method == null) return "OTHER";
    String upper = method.toUpperCase(Locale.ROOT);
    return METHODS.contains(upper) ? upper : "OTHER";
  }
}
