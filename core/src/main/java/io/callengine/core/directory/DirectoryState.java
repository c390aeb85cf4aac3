package io.callengine.core.directory;

import io.callengine.core.CborSerializable;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Who owns which name: agent id to SIP user and queue id to dialed address, with the reverse
 * maps (keyed in lower case) kept beside them so that every lookup is O(1).
 */
public record DirectoryState(
    Map<String, String> agentSipUsers,
    Map<String, String> agentsBySipUser,
    Map<String, String> queueAddresses,
    Map<String, String> queuesByAddress)
    implements CborSerializable {

  public static DirectoryState empty() {
    return new DirectoryState(Map.of(), Map.of(), Map.of(), Map.of());
  }

  public String agentForSipUser(String sipUser) {
    return agentsBySipUser.get(sipUser.toLowerCase(Locale.ROOT));
  }

  public String queueForAddress(String address) {
    return queuesByAddress.get(address.toLowerCase(Locale.ROOT));
  }

  DirectoryState withAgent(String agentId, String sipUser) {
    Map<String, String> forward = new HashMap<>(agentSipUsers);
    Map<String, String> reverse = new HashMap<>(agentsBySipUser);
    rebind(forward, reverse, agentId, sipUser);
    return new DirectoryState(Map.copyOf(forward), Map.copyOf(reverse), queueAddresses, queuesByAddress);
  }

  DirectoryState withQueue(String queueId, String address) {
    Map<String, String> forward = new HashMap<>(queueAddresses);
    Map<String, String> reverse = new HashMap<>(queuesByAddress);
    rebind(forward, reverse, queueId, address);
    return new DirectoryState(agentSipUsers, agentsBySipUser, Map.copyOf(forward), Map.copyOf(reverse));
  }

  private static void rebind(Map<String, String> forward, Map<String, String> reverse, String id, String name) {
    String old = forward.remove(id);
    if (old != null) reverse.remove(old.toLowerCase(Locale.ROOT));
    if (name != null) {
      forward.put(id, name);
      reverse.put(name.toLowerCase(Locale.ROOT), id);
    }
  }
}
