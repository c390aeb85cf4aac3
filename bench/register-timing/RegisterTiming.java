import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times the registrar's 401 to a digest answer made with a wrong password, for a real user and
 * for an unknown one, tries interleaved: the two medians must not tell which user exists. Plain
 * JDK, run as a source file by bench/register-timing.sh:
 *
 * <pre>java RegisterTiming.java HOST PORT REAL_USER UNKNOWN_USER TRIES WARM_UP</pre>
 *
 * Per try: a REGISTER without Authorization (its 401 carries a fresh nonce, not timed), then the
 * REGISTER with the answer, timed from its send to its 401. Prints p10/p50/p90 per user and the
 * ratio of the medians; exits 1 if a timed answer got anything but 401.
 */
public final class RegisterTiming {
  private static final Pattern CHALLENGE = Pattern.compile(
      "(?im)^WWW-Authenticate:\\s*Digest\\s+(.*algorithm=MD5.*)$");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DatagramSocket socket;
  private final InetAddress host;
  private final int port;
  private final byte[] buffer = new byte[65536];
  private int cseq = 1;

  private RegisterTiming(String host, int port) throws Exception {
    this.host = InetAddress.getByName(host);
    this.port = port;
    this.socket = new DatagramSocket(0, this.host);
    socket.setSoTimeout(5000);
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: java RegisterTiming.java HOST PORT REAL_USER UNKNOWN_USER TRIES WARM_UP");
      System.exit(2);
    }
    RegisterTiming client = new RegisterTiming(args[0], Integer.parseInt(args[1]));
    String real = args[2];
    String unknown = args[3];
    int tries = Integer.parseInt(args[4]);
    int warmUp = Integer.parseInt(args[5]);
    for (int i = 0; i < warmUp; i++) {
      client.wrongAnswerNanos(real);
      client.wrongAnswerNanos(unknown);
    }
    long[] realNanos = new long[tries];
    long[] unknownNanos = new long[tries];
    for (int i = 0; i < tries; i++) {
      realNanos[i] = client.wrongAnswerNanos(real);
      unknownNanos[i] = client.wrongAnswerNanos(unknown);
    }
    double realMedian = percentile(realNanos, 50);
    double unknownMedian = percentile(unknownNanos, 50);
    System.out.printf("%-32s %8s %8s %8s %6s%n", "401 to a wrong answer", "p10 ms", "p50 ms", "p90 ms", "tries");
    print("real user, wrong password", realNanos);
    print("unknown user", unknownNanos);
    System.out.printf("median real / unknown: %.3f (%+.1f %%)%n", realMedian / unknownMedian,
        (realMedian / unknownMedian - 1) * 100);
  }

  private static void print(String label, long[] nanos) {
    System.out.printf("%-32s %8.3f %8.3f %8.3f %6d%n", label, percentile(nanos, 10) / 1e6, percentile(nanos, 50) / 1e6,
        percentile(nanos, 90) / 1e6, nanos.length);
  }

  /** Nearest rank. */
  private static double percentile(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.max(0, (p * sorted.length + 99) / 100 - 1)];
  }

  private long wrongAnswerNanos(String user) throws Exception {
    String challenge = exchange(user, null);
    Matcher m = CHALLENGE.matcher(challenge);
    if (!status(challenge).equals("401") || !m.find()) throw new IllegalStateException("no MD5 challenge in:\n" + challenge);
    String params = m.group(1);
    String realm = param(params, "realm");
    String nonce = param(params, "nonce");
    String opaque = param(params, "opaque");
    String uri = "sip:" + host.getHostAddress() + ":" + port;
    String cnonce = hex(8);
    String ha1 = md5(user + ":" + realm + ":not-the-password-" + hex(4));
    String ha2 = md5("REGISTER:" + uri);
    String response = md5(ha1 + ":" + nonce + ":00000001:" + cnonce + ":auth:" + ha2);
    String authorization = "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri
        + "\", response=\"" + response + "\", algorithm=MD5, cnonce=\"" + cnonce + "\", qop=auth, nc=00000001, opaque=\""
        + opaque + "\"";
    long start = System.nanoTime();
    String answer = exchange(user, authorization);
    long elapsed = System.nanoTime() - start;
    if (!status(answer).equals("401")) {
      System.err.println("a wrong answer for " + user + " got:\n" + answer);
      System.exit(1);
    }
    return elapsed;
  }

  /** Sends one REGISTER and returns the final response to it (skipping anything else that arrives). */
  private String exchange(String user, String authorization) throws Exception {
    String callId = hex(12) + "@" + host.getHostAddress();
    String local = host.getHostAddress() + ":" + socket.getLocalPort();
    String request = "REGISTER sip:" + host.getHostAddress() + ":" + port + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + local + ";branch=z9hG4bK" + hex(10) + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:" + user + "@" + host.getHostAddress() + ">;tag=" + hex(6) + "\r\n"
        + "To: <sip:" + user + "@" + host.getHostAddress() + ">\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: " + cseq++ + " REGISTER\r\n"
        + "Contact: <sip:" + user + "@" + local + ">\r\n"
        + "Expires: 600\r\n"
        + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
        + "Content-Length: 0\r\n\r\n";
    byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
    socket.send(new DatagramPacket(bytes, bytes.length, host, port));
    for (int i = 0; i < 10; i++) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        throw new IllegalStateException("no answer within 5 s to a REGISTER for " + user, e);
      }
      String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
      if (text.contains(callId) && !status(text).startsWith("1")) return text;
    }
    throw new IllegalStateException("no final answer among 10 messages for " + user);
  }

  private static String status(String response) {
    String[] first = response.split("\r\n", 2)[0].split(" ");
    return first.length > 1 ? first[1] : "";
  }

  private static String param(String params, String name) {
    Matcher m = Pattern.compile("(?i)\\b" + name + "=\"([^\"]*)\"").matcher(params);
    if (!m.find()) throw new IllegalStateException("no " + name + " in " + params);
    return m.group(1);
  }

  private static String md5(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
