package io.callengine.core.call;

import io.callengine.core.CborSerializable;

/**
 * Where an agent sends a connected call: exactly one of a queue, an agent or an outside SIP
 * address. For a queue, {@code keepPlace} (null: true) keeps the caller's first entry time in line
 * and {@code priority} (null: the call's own) replaces his priority. Checked by
 * {@link io.callengine.core.api.CallTransfers} before the CallEntity sees it.
 */
public record TransferTarget(String queueId, String agentId, String address, Boolean keepPlace, Integer priority)
    implements CborSerializable {

  public static TransferTarget queue(String queueId, boolean keepPlace, Integer priority) {
    return new TransferTarget(queueId, null, null, keepPlace, priority);
  }

  public static TransferTarget agent(String agentId) {
    return new TransferTarget(null, agentId, null, null, null);
  }

  public static TransferTarget outside(String address) {
    return new TransferTarget(null, null, address, null, null);
  }

  /** How events and the API name the target: {@code queue:<id>}, {@code agent:<id>} or the address itself. */
  public String label() {
    if (queueId != null) return "queue:" + queueId;
    if (agentId != null) return "agent:" + agentId;
    return address;
  }

  /** Whether a party of the call's offer is an outside address rather than an agent (agent ids hold no ':'). */
  public static boolean isOutside(String partyId) {
    return partyId != null && partyId.indexOf(':') >= 0;
  }
}
