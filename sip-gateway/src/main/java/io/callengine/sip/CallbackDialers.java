package io.callengine.sip;

import io.callengine.core.call.CallbackDialer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * This node's {@link CallbackDialer}: spawns a {@link CallbackCall} for each callback attempt a
 * CallEntity on this node starts, and registers its Call-IDs with the gateway's routing map like
 * any call session. {@link SipService} starts it and registers it with the extension.
 */
final class CallbackDialers {
  private CallbackDialers() {}

  static Behavior<CallbackDialer.Dial> create(GatewayParts parts, OutboundProxy proxy) {
    return Behaviors.receive((ctx, dial) -> {
      ctx.spawnAnonymous(CallbackCall.create(parts, proxy, dial.callId(), dial.number(), dial.queueId(), dial.replyTo()));
      return Behaviors.same();
    });
  }
}
