package io.callengine.core.records;

import io.callengine.core.call.Disposition;
import java.time.Instant;

/** Which call records to list; null fields do not filter. At most {@code limit} rows, newest first. */
public record CallRecordFilter(Instant from, Instant to, String queueId, String agentId, Disposition disposition, int limit) {

  public static CallRecordFilter all() {
    return new CallRecordFilter(null, null, null, null, null, 1000);
  }

  public CallRecordFilter forAgent(String id) {
    return new CallRecordFilter(from, to, queueId, id, disposition, limit);
  }
}
