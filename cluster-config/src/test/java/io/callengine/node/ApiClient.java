package io.callengine.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Speaks to a node's HTTP API on 127.0.0.1 as a script would: JSON in, status and JSON out. */
final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI base;

  ApiClient(int port) {
    this.base = URI.create("http://127.0.0.1:" + port);
  }

  /** Where the node's API listens, for requests this client does not make. */
  URI base() {
    return base;
  }

  record Reply(int status, JsonNode json) {}

  Reply call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(15))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) request.header("Content-Type", "application/json");
    if (token != null) request.header("Authorization", "Bearer " + token);
    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body().isBlank() ? null : JSON.readTree(response.body()));
  }

  /** The call's status, or -1 when nothing listens (yet). */
  int statusOf(String path) {
    try {
      return call("GET", path, null, null).status();
    } catch (Exception e) {
      return -1;
    }
  }
}
