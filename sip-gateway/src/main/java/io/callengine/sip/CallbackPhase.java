package io.callengine.sip;

import io.callengine.sip.CallSession.Message;
import io.callengine.sip.CallSession.Phase;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;

/**
 * The end of a {@link CallSession} whose caller asked to be called back: the call keeps its place
 * in line as a callback (no longer this session's), and the caller hears goodbye before the BYE.
 */
final class CallbackPhase extends SessionPhase {

  static Behavior<Message> goodbye(CallSession s) {
    return new CallbackPhase(s);
  }

  private CallbackPhase(CallSession s) {
    super(s, Phase.CALLBACK);
  }

  @Override
  ReceiveBuilder<Message> ownMessages(ReceiveBuilder<Message> builder) {
    return builder
        .onMessage(SipIn.RequestIn.class, this::isCallerBye, this::onCallerBye)
        .onMessage(CallbackOffer.GoodbyeHeard.class, m -> {
          s.byeCustomer();
          return s.finish();
        });
  }

  private boolean isCallerBye(SipIn.RequestIn in) {
    return Request.BYE.equals(in.request().getMethod()) && s.sipCallId.equals(CallSession.callIdOf(in.request()));
  }

  /** Hung up during the goodbye: the callback stands. */
  private Behavior<Message> onCallerBye(SipIn.RequestIn in) {
    s.messages.respond(in.transaction(), in.request(), Response.OK, null);
    return s.finish();
  }
}
