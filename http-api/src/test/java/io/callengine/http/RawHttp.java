package io.callengine.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One TCP connection to the test node on 127.0.0.1, for requests that no HTTP client would send
 * (broken request lines, oversized heads, a head sent a line at a time) and for watching when the
 * server closes the connection.
 */
final class RawHttp implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final Socket socket = new Socket();
  private final InputStream in;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  RawHttp(URI base) throws IOException {
    socket.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 5_000);
    in = socket.getInputStream();
  }

  /** What came back: the parsed head and body, and whether the server then closed the connection. */
  record Reply(int status, Map<String, String> headers, String body, boolean closed) {
    String contentType() {
      return headers.getOrDefault("content-type", "");
    }

    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  void send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** Sends the request and reads until the server closes the connection or {@code bound} passes. */
  Reply exchange(String request, Duration bound) throws IOException {
    send(request);
    boolean closed = readUntilClosed(bound);
    return parse(received.toString(StandardCharsets.ISO_8859_1), closed);
  }

  /**
   * Reads what arrives until the server closes the connection (true) or {@code bound} passes
   * (false). A reset counts as closed: the server may close while unread bytes of ours remain.
   */
  boolean readUntilClosed(Duration bound) throws IOException {
    return readUntil(text -> false, bound);
  }

  /**
   * Reads until what has arrived satisfies {@code condition} (false), the server closes the
   * connection (true) or {@code bound} passes (false).
   */
  boolean readUntil(Predicate<String> condition, Duration bound) throws IOException {
    long deadline = System.nanoTime() + bound.toNanos();
    byte[] buffer = new byte[8192];
    while (System.nanoTime() < deadline && !condition.test(received())) {
      socket.setSoTimeout((int) Math.max(1, Math.min(500, (deadline - System.nanoTime()) / 1_000_000)));
      try {
        int n = in.read(buffer);
        if (n < 0) return true;
        received.write(buffer, 0, n);
      } catch (SocketTimeoutException nothingYet) {
        // read again until the bound
      } catch (SocketException reset) {
        return true;
      }
    }
    return false;
  }

  /** Everything the server has sent so far. */
  String received() {
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  private static Reply parse(String text, boolean closed) {
    int headEnd = text.indexOf("\r\n\r\n");
    if (headEnd < 0) return new Reply(-1, Map.of(), text, closed);
    String[] lines = text.substring(0, headEnd).split("\r\n");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    return new Reply(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(headEnd + 4), closed);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
