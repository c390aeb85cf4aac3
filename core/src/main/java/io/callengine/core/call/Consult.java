package io.callengine.core.call;

import io.callengine.core.CborSerializable;
import java.time.Instant;

/**
 * An agent's consult on its connected call, part of {@link CallState} while it runs: {@code fromAgentId}
 * put the customer on hold to talk to {@code target} (an agent id, or an outside SIP address), which
 * rings until {@code answered}; {@code conference} once all three hear each other. It ends as an
 * attended transfer (the target takes the call), a cancel, or a target that did not answer or hung up.
 */
public record Consult(String id, String fromAgentId, String target, boolean answered, boolean conference, Instant startedAt)
    implements CborSerializable {

  Consult answer() {
    return new Consult(id, fromAgentId, target, true, conference, startedAt);
  }

  Consult toConference() {
    return new Consult(id, fromAgentId, target, answered, true, startedAt);
  }

  /** How the API names the target: {@code agent:<id>} or the outside address. */
  public String targetLabel() {
    return TransferTarget.isOutside(target) ? target : "agent:" + target;
  }

  /** What the consult is doing now. */
  public ConsultView.State state() {
    return conference ? ConsultView.State.CONFERENCE : answered ? ConsultView.State.TALKING : ConsultView.State.RINGING;
  }

  ConsultView view(String callId) {
    return new ConsultView(callId, id, targetLabel(), state());
  }
}
