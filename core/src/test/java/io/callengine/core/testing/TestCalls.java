package io.callengine.core.testing;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallLegs;
import io.callengine.core.call.CallView;
import io.callengine.core.call.Disposition;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Calls made straight on the Call entity, for tests that need a call to exist without SIP. */
public final class TestCalls {
  private TestCalls() {}

  /** A call that has begun (in the IVR, no queue yet); its legs are an actor that ignores what it is told. */
  public static CallView started(CallCenterEngine engine, String callId) throws Exception {
    ActorRef<CallLegs.Command> legs = engine.system().systemActorOf(Behaviors.ignore(), "test-legs-" + callId, Props.empty());
    return engine.asks().<CallEntity.Command, CallView>ask(engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId),
            r -> new CallEntity.Start("sip:" + callId + "@example.com", "support", null, 0, List.of(), legs, r))
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** A call that began and ended. */
  public static CallView ended(CallCenterEngine engine, String callId) throws Exception {
    started(engine, callId);
    return engine.asks().<CallEntity.Command, CallView>ask(engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId),
            r -> new CallEntity.End(Disposition.ABANDONED, "test: caller hung up", r))
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
