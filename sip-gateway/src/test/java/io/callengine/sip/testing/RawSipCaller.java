package io.callengine.sip.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Customers placing calls over one UDP socket on 127.0.0.1 (or another loopback address) with hand-written SIP, as SIPp does:
 * a reader thread ACKs every final answer to an INVITE the moment it arrives (before anything
 * else is done with it), and keeps every response per Call-ID, so that a test can count what the
 * engine sent and when. The calls' hold audio goes to a second socket that nobody reads, so that
 * it never delays the reader nor crowds the SIP answers out of the socket's buffer. Every wait is
 * bounded.
 */
public final class RawSipCaller implements AutoCloseable {
  private static final Pattern CALL_ID = Pattern.compile("(?im)^(?:Call-ID|i)[ \\t]*:[ \\t]*(\\S+)");
  private static final Pattern CSEQ = Pattern.compile("(?im)^CSeq[ \\t]*:[ \\t]*(\\d+)[ \\t]+(\\S+)");
  private static final Pattern TO_TAG = Pattern.compile("(?im)^(?:To|t)[ \\t]*:.*;[ \\t]*tag=([^;\\s]+)");
  private static final Pattern CONTACT = Pattern.compile("(?im)^(?:Contact|m)[ \\t]*:[^<\\r\\n]*<([^>]+)>");

  /** One response as it came off the socket, with when it came ({@link System#nanoTime()}). */
  public record Received(int status, String method, String text, long atNanos) {
    public String header(String name) {
      Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + "[ \\t]*:[ \\t]*(.*?)\\s*$").matcher(text);
      return m.find() ? m.group(1) : null;
    }
  }

  private final String host;
  private final DatagramSocket socket;
  private final DatagramSocket media;
  private final InetSocketAddress engine;
  private final String target;
  private final Map<String, List<Received>> responses = new ConcurrentHashMap<>();
  private final Object arrivals = new Object();
  private long lastArrivalNanos = System.nanoTime();
  private final Thread reader;

  /** Calls go to {@code sip:<target>@127.0.0.1:<enginePort>}. */
  public RawSipCaller(int enginePort, String target) throws SocketException {
    this(InetAddress.getLoopbackAddress(), enginePort, target);
  }

  /** As {@link #RawSipCaller(int, String)}, sending from {@code local} (e.g. 127.0.0.2, a second source). */
  public RawSipCaller(InetAddress local, int enginePort, String target) throws SocketException {
    this.host = local.getHostAddress();
    this.socket = new DatagramSocket(new InetSocketAddress(local, 0));
    this.media = new DatagramSocket(new InetSocketAddress(local, 0));
    this.engine = new InetSocketAddress(InetAddress.getLoopbackAddress(), enginePort);
    this.target = target;
    this.reader = new Thread(this::read, "raw-sip-caller-" + socket.getLocalPort());
    reader.setDaemon(true);
    reader.start();
  }

  /** Sends an INVITE with a PCMU offer whose media port is the unread socket; the answer is ACKed by the reader. */
  public void invite(String callId) throws IOException {
    String sdp = "v=0\r\no=caller 1 1 IN IP4 " + host + "\r\ns=-\r\nc=IN IP4 " + host + "\r\nt=0 0\r\n"
        + "m=audio " + media.getLocalPort() + " RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
        + "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";
    send("INVITE " + requestUri() + " SIP/2.0\r\n" + via(callId + "-1") + dialogHeaders(callId, null) + "CSeq: 1 INVITE\r\n"
        + "Contact: <sip:caller@" + host + ":" + socket.getLocalPort() + ">\r\nContent-Type: application/sdp\r\n"
        + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp);
  }

  /**
   * Sends a REGISTER for {@code user} (To and From), with {@code authorization} as its
   * Authorization header value when not null; its answers are kept under {@code callId}.
   */
  public void register(String callId, String user, String authorization) throws IOException {
    String uri = "sip:127.0.0.1:" + engine.getPort();
    send("REGISTER " + uri + " SIP/2.0\r\n" + via(callId + "-r") + "From: <sip:" + user + "@127.0.0.1>;tag=f-" + callId + "\r\n"
        + "To: <sip:" + user + "@127.0.0.1>\r\nCall-ID: " + callId + "\r\nCSeq: 1 REGISTER\r\n"
        + "Contact: <sip:" + user + "@" + host + ":" + socket.getLocalPort() + ">\r\nExpires: 600\r\n"
        + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "Content-Length: 0\r\n\r\n");
  }

  /**
   * Hangs up an answered call and returns the status of the BYE's answer (0 when none came within
   * {@code limit}). Over UDP the BYE is sent again until answered, as RFC 3261 17.1.2.2 has it:
   * after T1 (500 ms), then twice as long each time, up to T2 (4 s).
   */
  public int bye(String callId, Duration limit) throws Exception {
    Received ok = first(callId, 200, "INVITE");
    if (ok == null) throw new IllegalStateException(callId + " was not answered");
    String bye = "BYE " + contactOf(ok) + " SIP/2.0\r\n" + via(callId + "-2") + dialogHeaders(callId, toTag(ok.text()))
        + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n";
    long deadline = System.nanoTime() + limit.toNanos();
    long interval = Duration.ofMillis(500).toNanos();
    while (true) {
      send(bye);
      long left = deadline - System.nanoTime();
      Received answer = awaitFinal(callId, "BYE", Duration.ofNanos(Math.max(0, Math.min(interval, left))));
      if (answer != null) return answer.status();
      if (System.nanoTime() >= deadline) return 0;
      interval = Math.min(interval * 2, Duration.ofSeconds(4).toNanos());
    }
  }

  /** The final answer to the call's INVITE (or BYE), waiting for it up to {@code limit}; null when none came. */
  public Received awaitFinal(String callId, String method, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (arrivals) {
      while (true) {
        for (Received r : received(callId)) if (r.status() >= 200 && r.method().equals(method)) return r;
        long left = deadline - System.nanoTime();
        if (left <= 0) return null;
        arrivals.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /**
   * Waits until nothing has arrived for {@code quiet}, or {@code limit} passed; returns whether
   * the socket went quiet. What came meanwhile is kept, as everything else.
   */
  public boolean awaitQuiet(Duration quiet, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (arrivals) {
      while (true) {
        long now = System.nanoTime();
        long quietUntil = lastArrivalNanos + quiet.toNanos();
        if (now >= quietUntil) return true;
        if (now >= deadline) return false;
        arrivals.wait(Math.max(1, (Math.min(quietUntil, deadline) - now) / 1_000_000));
      }
    }
  }

  /** Every response to this call so far, in arrival order. */
  public List<Received> received(String callId) {
    List<Received> list = responses.get(callId);
    if (list == null) return List.of();
    synchronized (list) {
      return List.copyOf(list);
    }
  }

  public long count(String callId, int status, String method) {
    return received(callId).stream().filter(r -> r.status() == status && r.method().equals(method)).count();
  }

  private Received first(String callId, int status, String method) {
    return received(callId).stream().filter(r -> r.status() == status && r.method().equals(method)).findFirst().orElse(null);
  }

  private void read() {
    byte[] buffer = new byte[65535];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (IOException closed) {
        return;
      }
      long at = System.nanoTime();
      String text = new String(buffer, 0, packet.getLength(), StandardCharsets.ISO_8859_1);
      if (!text.startsWith("SIP/2.0 ")) continue;
      int status = Integer.parseInt(text.substring(8, 11));
      Matcher cseq = CSEQ.matcher(text);
      Matcher callId = CALL_ID.matcher(text);
      if (!cseq.find() || !callId.find()) continue;
      if (status >= 200 && cseq.group(2).equals("INVITE")) ack(callId.group(1), status, text);
      Received received = new Received(status, cseq.group(2), text, at);
      List<Received> list = responses.computeIfAbsent(callId.group(1), id -> new ArrayList<>());
      synchronized (list) {
        list.add(received);
      }
      synchronized (arrivals) {
        lastArrivalNanos = at;
        arrivals.notifyAll();
      }
    }
  }

  /** RFC 3261 17.1.1.3 for a non-2xx (same branch, the INVITE's Request-URI), 13.2.2.4 for a 2xx (a new branch, to the Contact). */
  private void ack(String callId, int status, String response) {
    boolean accepted = status / 100 == 2;
    String uri = accepted ? contactOf(response) : requestUri();
    try {
      send("ACK " + uri + " SIP/2.0\r\n" + via(callId + (accepted ? "-ack" : "-1")) + dialogHeaders(callId, toTag(response))
          + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
    } catch (IOException e) {
      // The socket is closing: the test is over.
    }
  }

  private String contactOf(Received response) {
    return contactOf(response.text());
  }

  private String contactOf(String response) {
    Matcher m = CONTACT.matcher(response);
    return m.find() ? m.group(1) : requestUri();
  }

  private static String toTag(String response) {
    Matcher m = TO_TAG.matcher(response);
    return m.find() ? m.group(1) : null;
  }

  private String requestUri() {
    return "sip:" + target + "@127.0.0.1:" + engine.getPort();
  }

  private String via(String branch) {
    return "Via: SIP/2.0/UDP " + host + ":" + socket.getLocalPort() + ";branch=z9hG4bK-" + branch + ";rport\r\nMax-Forwards: 70\r\n";
  }

  private String dialogHeaders(String callId, String toTag) {
    return "From: <sip:caller@" + host + ":" + socket.getLocalPort() + ">;tag=f-" + callId + "\r\n"
        + "To: <" + requestUri() + ">" + (toTag == null ? "" : ";tag=" + toTag) + "\r\nCall-ID: " + callId + "\r\n";
  }

  private void send(String message) throws IOException {
    byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
    socket.send(new DatagramPacket(bytes, bytes.length, engine));
  }

  @Override
  public void close() throws InterruptedException {
    media.close();
    socket.close();
    reader.join(2000);
  }
}
