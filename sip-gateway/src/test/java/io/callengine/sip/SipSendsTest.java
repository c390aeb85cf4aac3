package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sip.SipFactory;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which thread a send runs on, and in which order: UDP at once on the caller's thread, TCP and
 * TLS on the connection executor, one Call-ID's sends in the order given.
 */
class SipSendsTest {
  private static ExecutorService connections;
  private static SipSends sends;
  private static AddressFactory addresses;
  private static HeaderFactory headers;
  private static MessageFactory messages;

  @BeforeAll
  static void start() throws Exception {
    connections = Executors.newFixedThreadPool(2, r -> new Thread(r, "connection-send"));
    sends = new SipSends(connections);
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    addresses = factory.createAddressFactory();
    headers = factory.createHeaderFactory();
    messages = factory.createMessageFactory();
  }

  @AfterAll
  static void stop() {
    connections.shutdownNow();
  }

  @Test
  void aUdpSendRunsAtOnceOnTheCallersThread() throws Exception {
    List<String> threads = new CopyOnWriteArrayList<>();
    CompletionStage<Void> sent = sends.send(request("a", "UDP"), () -> threads.add(Thread.currentThread().getName()));
    assertTrue(sent.toCompletableFuture().isDone(), "done before send returned");
    assertEquals(List.of(Thread.currentThread().getName()), threads);
  }

  @Test
  void aTcpSendThatHangsHoldsNeitherTheCallerNorAUdpSendOfAnotherCall() throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    CompletionStage<Void> hanging = sends.send(request("b", "TCP"), () -> {
      if (!connected.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("the test never let it go");
    });
    assertTrue(!hanging.toCompletableFuture().isDone(), "the caller is not held by a connect");
    List<String> order = new CopyOnWriteArrayList<>();
    sends.send(request("c", "UDP"), () -> order.add("udp of another call"));
    assertEquals(List.of("udp of another call"), order, "ran at once, the hanging TCP send notwithstanding");
    connected.countDown();
    hanging.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theSendsOfOneCallIdKeepTheirOrderAUdpOneBehindAQueuedTlsOneIncluded() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<String> order = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    sends.send(request("d", "TLS"), () -> {
      release.await(10, TimeUnit.SECONDS);
      order.add("INVITE");
      threads.add(Thread.currentThread().getName());
    });
    CompletionStage<Void> last = sends.send(request("d", "UDP"), () -> order.add("CANCEL"));
    assertEquals(List.of(), order, "the second waits for the first");
    release.countDown();
    last.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(List.of("INVITE", "CANCEL"), order);
    assertNotEquals(Thread.currentThread().getName(), threads.get(0));
  }

  @Test
  void aFailedSendFailsItsStageAndTheNextOneStillRuns() throws Exception {
    CompletionStage<Void> failed = sends.send(request("e", "TCP"), () -> {
      throw new javax.sip.SipException("Could not connect");
    });
    CompletionStage<Void> next = sends.send(request("e", "TCP"), () -> {});
    next.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertTrue(failed.toCompletableFuture().isCompletedExceptionally());
  }

  private static Request request(String callId, String transport) throws Exception {
    var uri = addresses.createURI("sip:agent@127.0.0.1:5070;transport=" + transport.toLowerCase());
    var from = headers.createFromHeader(addresses.createAddress("sip:queue@127.0.0.1"), "f");
    var to = headers.createToHeader(addresses.createAddress("sip:agent@127.0.0.1"), null);
    var via = headers.createViaHeader("127.0.0.1", 5060, transport, "z9hG4bK" + callId);
    return messages.createRequest(uri, Request.INVITE, headers.createCallIdHeader(callId), headers.createCSeqHeader(1L, Request.INVITE),
        from, to, List.of(via), headers.createMaxForwardsHeader(70));
  }
}
