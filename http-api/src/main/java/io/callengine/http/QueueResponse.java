package io.callengine.http;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.QueueView;

/**
 * A queue as the admin API shows it: every field of its configuration (unwrapped, so a new
 * setting shows without touching this class) and how many calls wait in it now.
 */
record QueueResponse(@JsonUnwrapped QueueConfig config, int waiting) {

  static QueueResponse from(QueueView view) {
    return new QueueResponse(view.config(), view.waiting().size());
  }
}
