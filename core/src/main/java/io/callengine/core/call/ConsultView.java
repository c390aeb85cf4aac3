package io.callengine.core.call;

import io.callengine.core.CborSerializable;

/** A consult as its agent sees it: the call, the consult's id, its target ({@code agent:<id>} or an address) and its state. */
public record ConsultView(String callId, String consultId, String target, State state) implements CborSerializable {

  /** RINGING until the target answers, TALKING (agent and target; the customer on hold), CONFERENCE, then COMPLETED or ENDED. */
  public enum State { RINGING, TALKING, CONFERENCE, COMPLETED, ENDED }

  ConsultView with(State next) {
    return new ConsultView(callId, consultId, target, next);
  }
}
