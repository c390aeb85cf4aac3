package io.callengine.http;

import static io.callengine.http.TestNode.ADMIN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Holds {@code docs/openapi.json} and the routes to each other, on a real node.
 *
 * <ul>
 *   <li>Every documented operation is called, with the document's own examples for its path and
 *       query parameters and its body, and must be routed (no 404 of an unknown path, no 405)
 *       with a status the document lists, and ask for a token exactly when the document says so.
 *   <li>Every other method on a documented path is a 405.
 *   <li>Every path segment the route classes match on appears in the document, and every path
 *       one segment away from a documented one (another known segment or an unknown one in any
 *       place, or one more at the end) is either documented or unknown to the routes.
 * </ul>
 *
 * So a route added without its entry in the document fails here, as does a documented route
 * that went away. The document's examples must stay valid requests.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiDriftTest {
  private static final Path DOCUMENT = Path.of("..", "docs", "openapi.json");
  private static final Path ROUTES_SOURCE = Path.of("src", "main", "java", "io", "callengine", "http");
  private static final List<String> METHODS = List.of("get", "post", "put", "delete", "patch");
  /** The directives that match path segments, with a literal first argument. */
  private static final Pattern PATH_LITERAL =
      Pattern.compile("\\b(?:path|pathPrefix|pathSuffix|pathPrefixTest|segment|slash)\\(\\s*\"([^\"]*)\"");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestNode node;
  private static JsonNode doc;
  private static HttpClient client;
  /** The detail of the problem an unknown path gets, read from the node itself. */
  private static String unknownPathDetail;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start();
    doc = JSON.readTree(DOCUMENT.toFile());
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Call unknown = call("GET", "/no-such-path/at-all", ADMIN, null);
    assertEquals(404, unknown.status());
    unknownPathDetail = unknown.detail();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  @Order(1)
  void theDocumentIsServedWithoutATokenAndIsTheOneInDocs() throws Exception {
    HttpResponse<byte[]> served = client.send(HttpRequest.newBuilder(node.base().resolve("/api/v1/openapi.json")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, served.statusCode());
    assertEquals("application/json", served.headers().firstValue("Content-Type").orElse(""));
    assertArrayEquals(Files.readAllBytes(DOCUMENT), served.body(), "the served document is docs/openapi.json");
    assertTrue(doc.path("openapi").asText().startsWith("3."), "an OpenAPI 3 document");
    List<String> dangling = new ArrayList<>();
    refs(doc).filter(ref -> doc.at(ref.substring(1)).isMissingNode()).forEach(dangling::add);
    assertEquals(List.of(), dangling, "every $ref resolves");
  }

  @Test
  @Order(2)
  void everyDocumentedOperationIsRoutedWithADocumentedStatus() throws Exception {
    List<String> failures = new ArrayList<>();
    for (Operation op : operations()) {
      String target = op.target();
      Call reply = call(op.method(), target, ADMIN, op.body());
      String where = op.method().toUpperCase(Locale.ROOT) + " " + target + " -> " + reply.status() + " " + reply.detail();
      if (reply.status() == 405 || reply.status() == 404 && unknownPathDetail.equals(reply.detail())) {
        failures.add(where + ": documented but not routed");
        continue;
      }
      if (!op.responses().has(Integer.toString(reply.status()))) failures.add(where + ": status not in the document");
      if (reply.status() == 400 && !op.responses().has("101")) failures.add(where + ": the document's example is not a valid request");
      String mediaType = reply.contentType().split(";")[0].strip();
      JsonNode content = op.responses().path(Integer.toString(reply.status())).path("content");
      if (!mediaType.isEmpty() && content.isObject() && !content.has(mediaType) && !content.has("*/*")) {
        failures.add(where + ": content type " + mediaType + " not in the document");
      }
      boolean open = op.node().has("security") && op.node().get("security").isEmpty();
      int anonymous = call(op.method(), target, null, op.body()).status();
      if (open && anonymous == 401) failures.add(where + ": documented without a token, but asks for one");
      if (!open && anonymous != 401) failures.add(where + ": documented with a token, but served without one (" + anonymous + ")");
    }
    assertEquals(List.of(), failures);
  }

  @Test
  @Order(3)
  void otherMethodsOnDocumentedPathsAre405() throws Exception {
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : fields(doc.get("paths"))) {
      String target = Operation.concrete(path.getKey(), path.getValue(), null);
      for (String method : METHODS) {
        if (path.getValue().has(method)) continue;
        int status = call(method, target, ADMIN, null).status();
        if (status != 405) failures.add(method.toUpperCase(Locale.ROOT) + " " + target + " -> " + status + ": served but not documented");
      }
    }
    assertEquals(List.of(), failures);
  }

  @Test
  @Order(4)
  void everyPathTheRoutesMatchIsDocumented() throws Exception {
    Set<String> documentedSegments = new TreeSet<>();
    List<List<String>> templates = new ArrayList<>();
    for (String template : names(doc.get("paths"))) {
      List<String> segments = segments(template);
      templates.add(segments);
      segments.stream().filter(s -> !s.startsWith("{")).forEach(documentedSegments::add);
    }
    Set<String> literals = routeLiterals();
    Set<String> undocumented = new TreeSet<>(literals);
    undocumented.removeAll(documentedSegments);
    assertEquals(Set.of(), undocumented, "path segments the routes match but the document never names");

    List<String> alphabet = new ArrayList<>(literals);
    alphabet.add("x-unknown");
    Set<String> probes = new LinkedHashSet<>();
    for (Map.Entry<String, JsonNode> path : fields(doc.get("paths"))) {
      List<String> concrete = segments(Operation.concrete(path.getKey(), path.getValue(), null));
      for (int i = 0; i <= concrete.size(); i++) {
        for (String segment : alphabet) {
          List<String> variant = new ArrayList<>(concrete);
          if (i == concrete.size()) variant.add(segment);
          else variant.set(i, segment);
          probes.add("/" + String.join("/", variant));
        }
        probes.add("/" + String.join("/", concrete.subList(0, i)));
      }
    }
    List<String> failures = new ArrayList<>();
    for (String probe : probes) {
      if (templates.stream().anyMatch(t -> matches(t, segments(probe)))) continue;
      Call reply = call("GET", probe, ADMIN, null);
      if (!(reply.status() == 404 && unknownPathDetail.equals(reply.detail()))) {
        failures.add("GET " + probe + " -> " + reply.status() + ": served but not documented");
      }
    }
    assertEquals(List.of(), failures, probes.size() + " paths probed");
  }

  /** One documented operation and the request its examples make. */
  private record Operation(String path, String method, JsonNode pathItem, JsonNode node) {
    JsonNode responses() {
      return node.get("responses");
    }

    String target() {
      return concrete(path, pathItem, node);
    }

    String body() {
      JsonNode example = node.path("requestBody").path("content").path("application/json").path("example");
      return example.isMissingNode() ? null : example.toString();
    }

    /** Ordered so that collections are filled before their items are read and emptied last. */
    int phase() {
      if (method.equals("post") && !path.contains("{")) return 0;
      return method.equals("delete") ? 2 : 1;
    }

    /** The path with its parameters' examples, and every query parameter that has one. */
    static String concrete(String path, JsonNode pathItem, JsonNode operation) {
      String result = path;
      List<String> query = new ArrayList<>();
      List<JsonNode> parameters = new ArrayList<>();
      pathItem.path("parameters").forEach(parameters::add);
      if (operation != null) operation.path("parameters").forEach(parameters::add);
      else fields(pathItem).forEach(e -> e.getValue().path("parameters").forEach(parameters::add));
      for (JsonNode p : parameters) {
        JsonNode parameter = p.has("$ref") ? doc.at(p.get("$ref").asText().substring(1)) : p;
        String example = parameter.path("example").asText(null);
        if (example == null) continue;
        String name = parameter.get("name").asText();
        if (parameter.get("in").asText().equals("path")) {
          result = result.replace("{" + name + "}", URLEncoder.encode(example, StandardCharsets.UTF_8).replace("+", "%20"));
        } else if (parameter.get("in").asText().equals("query") && operation != null) {
          query.add(name + "=" + URLEncoder.encode(example, StandardCharsets.UTF_8));
        }
      }
      return query.isEmpty() ? result : result + "?" + String.join("&", query);
    }
  }

  private static List<Operation> operations() {
    List<Operation> operations = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : fields(doc.get("paths"))) {
      for (String method : METHODS) {
        if (path.getValue().has(method)) operations.add(new Operation(path.getKey(), method, path.getValue(), path.getValue().get(method)));
      }
    }
    operations.sort(Comparator.comparingInt(Operation::phase).thenComparing(Operation::path).thenComparing(Operation::method));
    return operations;
  }

  /** Every literal the route classes match path segments on, split at slashes. */
  private static Set<String> routeLiterals() throws IOException {
    Set<String> literals = new TreeSet<>();
    try (Stream<Path> sources = Files.list(ROUTES_SOURCE)) {
      for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = PATH_LITERAL.matcher(Files.readString(source));
        while (m.find()) {
          for (String segment : m.group(1).split("/")) if (!segment.isEmpty()) literals.add(segment);
        }
      }
    }
    return literals;
  }

  private static boolean matches(List<String> template, List<String> path) {
    if (template.size() != path.size()) return false;
    for (int i = 0; i < template.size(); i++) {
      if (!template.get(i).startsWith("{") && !template.get(i).equals(path.get(i))) return false;
    }
    return true;
  }

  private static List<String> segments(String path) {
    String bare = path.split("\\?")[0];
    return Stream.of(bare.split("/")).filter(s -> !s.isEmpty()).toList();
  }

  /** A reply whose body is read unless it is an event stream, which is left after its headers. */
  private record Call(int status, String contentType, String detail) {}

  private static Call call(String method, String target, String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(node.base().resolve(target)).timeout(Duration.ofSeconds(20))
        .method(method.toUpperCase(Locale.ROOT), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) request.header("Content-Type", "application/json");
    if (token != null) request.header("Authorization", "Bearer " + token);
    HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    String type = response.headers().firstValue("Content-Type").orElse("");
    try (InputStream in = response.body()) {
      if (type.startsWith("text/event-stream")) return new Call(response.statusCode(), type, "");
      byte[] bytes = in.readAllBytes();
      String detail = type.contains("json") && bytes.length > 0 ? JSON.readTree(bytes).path("detail").asText("") : "";
      return new Call(response.statusCode(), type, detail);
    }
  }

  private static Stream<String> refs(JsonNode node) {
    if (node.isObject()) {
      return fields(node).stream().flatMap(e -> e.getKey().equals("$ref") ? Stream.of(e.getValue().asText()) : refs(e.getValue()));
    }
    if (node.isArray()) {
      List<JsonNode> items = new ArrayList<>();
      node.forEach(items::add);
      return items.stream().flatMap(OpenApiDriftTest::refs);
    }
    return Stream.empty();
  }

  private static List<Map.Entry<String, JsonNode>> fields(JsonNode node) {
    List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) fields.add(it.next());
    return fields;
  }

  private static List<String> names(JsonNode node) {
    return fields(node).stream().map(Map.Entry::getKey).toList();
  }
}
