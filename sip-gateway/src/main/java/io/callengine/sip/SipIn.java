package io.callengine.sip;

import javax.sip.ClientTransaction;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;

/**
 * What the SIP stack delivered, as messages for the node-local actors. They hold JAIN-SIP
 * objects, so they never leave this node.
 */
public final class SipIn {
  private SipIn() {}

  public record RequestIn(Request request, ServerTransaction transaction)
      implements SipGateway.Command, CallSession.Message, NoSerializationVerificationNeeded {}

  public record ResponseIn(Response response, ClientTransaction transaction)
      implements SipGateway.Command, CallSession.Message, NoSerializationVerificationNeeded {}

  public record TimeoutIn(ClientTransaction transaction)
      implements CallSession.Message, NoSerializationVerificationNeeded {}
}
