package io.callengine.core.call;

import io.callengine.core.CborSerializable;

/**
 * A transfer to an agent or an outside address while it rings: {@code fromAgentId} handed the call
 * over and still holds it (talked {@code talkSeconds}) until {@code target} answers; when it does
 * not, the call rings {@code fromAgentId} again ({@code ringingBack}). Part of {@link CallState}.
 */
public record CallTransfer(String fromAgentId, String target, int ringTimeoutSeconds, long talkSeconds, boolean ringingBack)
    implements CborSerializable {

  CallTransfer ringBack() {
    return new CallTransfer(fromAgentId, target, ringTimeoutSeconds, talkSeconds, true);
  }
}
