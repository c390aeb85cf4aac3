package io.callengine.core;

import org.apache.pekko.pattern.StatusReply;

/**
 * Why an entity refused a command. Carried inside {@link StatusReply} errors as text
 * ({@code "not-found: ..."}) because a plain message crosses nodes without a custom
 * exception serializer; the facades turn it back into an {@link EngineException}.
 */
public enum Refusal {
  NOT_FOUND("not-found"),
  CONFLICT("conflict"),
  INVALID("invalid"),
  UNAVAILABLE("unavailable"),
  /** Beyond what the engine's configuration allows (an outside transfer address off the allowlist). */
  FORBIDDEN("forbidden");

  private final String code;

  Refusal(String code) {
    this.code = code;
  }

  public <T> StatusReply<T> reply(String detail) {
    return StatusReply.error(code + ": " + detail);
  }

  /** The refusal a StatusReply error message carries, or UNAVAILABLE for anything else. */
  public static EngineException toException(Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
    if (cause instanceof EngineException engineException) return engineException;
    String message = String.valueOf(cause.getMessage());
    for (Refusal refusal : values()) {
      String prefix = refusal.code + ": ";
      if (message.startsWith(prefix)) return new EngineException(refusal, message.substring(prefix.length()));
    }
    return new EngineException(UNAVAILABLE, "the engine did not answer in time (" + message + ")");
  }
}
