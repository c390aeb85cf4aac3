package io.callengine.http;

import io.callengine.core.FieldError;
import java.util.List;

/**
 * The body of every error response (RFC 9457 problem details, {@code application/problem+json}).
 * {@code type} is {@code about:blank}, so {@code title} is the status phrase; {@code errors}
 * names the invalid fields or query parameters and is left out when there are none.
 */
record Problem(String type, String title, int status, String detail, List<FieldError> errors) {}
