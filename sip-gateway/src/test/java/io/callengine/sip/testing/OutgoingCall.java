package io.callengine.sip.testing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.message.Response;

/** A call a {@link TestPhone} placed: its final response, and CANCEL or BYE. */
public final class OutgoingCall {
  private final TestPhone phone;
  private final ClientTransaction invite;
  private final CompletableFuture<Response> finalResponse;

  OutgoingCall(TestPhone phone, ClientTransaction invite, CompletableFuture<Response> finalResponse) {
    this.phone = phone;
    this.invite = invite;
    this.finalResponse = finalResponse;
  }

  public Response awaitFinal() throws Exception {
    return finalResponse.get(10, TimeUnit.SECONDS);
  }

  /** The engine's SDP answer: points this phone's RTP peer at the engine's port. */
  public void useAnswer() throws Exception {
    String sdp = new String(awaitFinal().getRawContent(), java.nio.charset.StandardCharsets.UTF_8);
    phone.rtp.remote(TestPhone.value(sdp, "c=IN IP4 "), Integer.parseInt(TestPhone.value(sdp, "m=audio ").split(" ")[0]));
  }

  public void cancel() throws Exception {
    phone.cancel(invite);
  }

  /** Sends SIP INFO inside the call with a body such as {@code Signal=5\r\nDuration=160}. */
  public Response info(String contentSubtype, String body) throws Exception {
    return phone.info(invite.getDialog(), contentSubtype, body);
  }

  /** A session refresh from the caller: {@code INVITE} (a re-INVITE with SDP) or {@code UPDATE}, with {@code headers}. */
  public Response refresh(String method, java.util.Map<String, String> headers) throws Exception {
    return phone.inDialog(invite.getDialog(), method, headers);
  }

  /** A re-INVITE from the caller whose SDP says {@code direction} ({@code sendonly} holds the engine). */
  public Response reInvite(String direction) throws Exception {
    return phone.inDialog(invite.getDialog(), javax.sip.message.Request.INVITE, java.util.Map.of(), direction);
  }

  /** A REFER in this call with {@code Refer-To: referTo}; returns the final response. */
  public Response refer(String referTo) throws Exception {
    return phone.inDialog(invite.getDialog(), "REFER", java.util.Map.of("Refer-To", referTo));
  }

  /** This call's Call-ID and tags as a {@code Replaces} header names them (RFC 3891: to-tag the answerer's, from-tag this phone's). */
  public String replaces() {
    javax.sip.Dialog dialog = invite.getDialog();
    return dialog.getCallId().getCallId() + ";to-tag=" + dialog.getRemoteTag() + ";from-tag=" + dialog.getLocalTag();
  }

  public Response hangUp() throws Exception {
    return phone.bye(invite.getDialog());
  }
}
