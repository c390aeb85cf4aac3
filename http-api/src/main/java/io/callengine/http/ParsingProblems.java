package io.callengine.http;

import java.util.regex.Pattern;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers requests that Pekko HTTP's parser refuses before any route sees them (a request line
 * that is not HTTP, a URI or headers over the limits, an HTTP version other than 1.0 and 1.1) as
 * {@code application/problem+json}, like every other error. Pekko creates it by its class name,
 * with the no-argument constructor, from {@code pekko.http.server.parsing.error-handler}
 * (http-api's reference.conf); it answers and then closes the connection.
 */
public final class ParsingProblems extends ParsingErrorHandler {
  /** An RFC 9110 token: what a method name may be made of. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final String TOO_MANY_HEADERS = "HTTP message contains more than the configured limit of";
  private static final Logger log = LoggerFactory.getLogger(ParsingProblems.class);

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter pekkoLog, ServerSettings settings) {
    HttpResponse response = problem(status, info, settings);
    // INFO, not Pekko's WARN: a broken request is the client's doing, and a WARN means the node needs a look.
    log.info("Refused a request that could not be parsed ({}): {}", response.status(), info.formatPretty());
    return response;
  }

  private static HttpResponse problem(StatusCode status, ErrorInfo info, ServerSettings settings) {
    String summary = info.summary();
    if (status.intValue() == 414) {
      return Problems.response(status, "the request target (path and query) is longer than the "
          + settings.parserSettings().maxUriLength() + " characters this server reads");
    }
    // Pekko answers too many header lines with 400; RFC 6585 has 431 for headers too large in total.
    if (status.intValue() == 431 || summary.startsWith(TOO_MANY_HEADERS)) {
      return Problems.response(StatusCodes.REQUEST_HEADER_FIELDS_TOO_LARGE, "the request headers are too large: " + summary);
    }
    if (status.intValue() == 505) {
      return Problems.response(status, "the request's HTTP version is not supported; send HTTP/1.1 (or HTTP/1.0)");
    }
    if (summary.equals("Unsupported HTTP method")) return method(status, info.detail());
    return Problems.response(status, "the request could not be read: " + (summary.isBlank() ? status.defaultMessage() : summary));
  }

  /** A name that could be a method is a 501; bytes that cannot, or too many of them, are no HTTP request line at all. */
  private static HttpResponse method(StatusCode status, String name) {
    if (status.intValue() == 501 && TOKEN.matcher(name).matches()) {
      return Problems.response(status, "the method " + name + " is not supported");
    }
    return Problems.response(StatusCodes.BAD_REQUEST, "the request line is not HTTP: it must read like GET /path HTTP/1.1");
  }
}
