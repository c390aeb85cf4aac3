package io.callengine.core.api;

import io.callengine.core.FieldError;
import io.callengine.core.queue.QueueConfig;
import java.util.List;

/** Checks a queue's callback offer for {@link Validation#queue}, naming each bad field {@code callback.<field>}. */
final class QueueCallbackValidation {
  static final int DEFAULT_OFFER_AFTER_SECONDS = 60;
  static final int DEFAULT_MAX_ATTEMPTS = 3;
  static final int DEFAULT_RETRY_AFTER_SECONDS = 300;
  static final int MAX_ATTEMPTS = 10;

  private QueueCallbackValidation() {}

  /** The offer, or null without one (or with errors, which are added to {@code errors}). */
  static QueueConfig.Callback callback(QueueSpec.CallbackSpec c, String exitKey, List<FieldError> errors) {
    if (c == null) return null;
    int before = errors.size();
    // The offer speaks the key with the recorded numbers one to nine.
    if (c.key() == null || !c.key().matches("[1-9]")) errors.add(new FieldError("callback.key", "must be one key: 1-9"));
    else if (c.key().equals(exitKey)) errors.add(new FieldError("callback.key", "must differ from exitKey"));
    Validation.seconds("callback.offerAfterSeconds", c.offerAfterSeconds(), errors);
    if (c.maxAttempts() != null && (c.maxAttempts() < 1 || c.maxAttempts() > MAX_ATTEMPTS)) {
      errors.add(new FieldError("callback.maxAttempts", "must be 1 to " + MAX_ATTEMPTS));
    }
    Validation.seconds("callback.retryAfterSeconds", c.retryAfterSeconds(), errors);
    if (errors.size() > before) return null;
    return new QueueConfig.Callback(c.key(), or(c.offerAfterSeconds(), DEFAULT_OFFER_AFTER_SECONDS),
        c.allowOtherNumber() != null && c.allowOtherNumber(), or(c.maxAttempts(), DEFAULT_MAX_ATTEMPTS),
        or(c.retryAfterSeconds(), DEFAULT_RETRY_AFTER_SECONDS));
  }

  private static int or(Integer value, int fallback) {
    return value == null ? fallback : value;
  }
}
