package io.callengine.examples;

import java.nio.charset.StandardCharsets;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * A customer's SIP phone on 127.0.0.1: calls an address of the engine (INVITE with its SDP, ACK
 * to the 200), sends its tone over RTP to the engine's media address once answered, and hangs up
 * (BYE). A BYE from the engine ends the call too. One call at a time.
 */
final class SipCaller extends SipUserAgent {
  /** The tone a customer's phone sends; agents' phones listen for it. */
  static final int TONE_HZ = 400;

  private volatile Dialog dialog;
  private volatile boolean ended;

  SipCaller(String user, String engineHost, int enginePort) throws Exception {
    super(user, engineHost, enginePort, new RtpStream(user, TONE_HZ, SipPhone.TONE_HZ));
  }

  /**
   * Calls {@code sip:<target>@engine} and returns the final response. The engine answers 200 once
   * the call waits in a queue (the caller hears hold music), long before an agent picks it up.
   */
  Response call(String target) throws Exception {
    String address = "sip:" + target + "@" + engineHost;
    Request invite = request(Request.INVITE, address + ":" + enginePort, address, 1, null);
    invite.setContent(rtp.sdp(), headers.createContentTypeHeader("application", "sdp"));
    ended = false;
    Response answer = await(send(invite));
    if (answer.getStatusCode() == Response.OK) rtp.sendTo(new String(answer.getRawContent(), StandardCharsets.UTF_8));
    return answer;
  }

  @Override
  void onFinalResponse(ResponseEvent event) {
    Response response = event.getResponse();
    CSeqHeader cseq = (CSeqHeader) response.getHeader(CSeqHeader.NAME);
    if (!Request.INVITE.equals(cseq.getMethod()) || response.getStatusCode() / 100 != 2) return;
    try {
      dialog = event.getDialog();
      dialog.sendAck(dialog.createAck(cseq.getSeqNumber()));
    } catch (Exception e) {
      throw new IllegalStateException("could not ACK the 200", e);
    }
  }

  /** Hangs up (BYE) and returns the engine's answer to it. */
  Response hangUp() throws Exception {
    rtp.stopSending();
    Request bye = dialog.createRequest(Request.BYE);
    ClientTransaction transaction = provider.getNewClientTransaction(bye);
    ended = true;
    return await(track(transaction, dialog::sendRequest));
  }

  /** Whether the call is over: hung up here, or by the engine. */
  boolean ended() {
    return ended;
  }

  @Override
  public void processRequest(RequestEvent event) {
    Request request = event.getRequest();
    if (Request.ACK.equals(request.getMethod())) return;
    try {
      ServerTransaction transaction = event.getServerTransaction();
      if (transaction == null) transaction = provider.getNewServerTransaction(request);
      if (Request.BYE.equals(request.getMethod())) {
        ended = true;
        rtp.stopSending();
      }
      transaction.sendResponse(messages.createResponse(Response.OK, request));
    } catch (Exception e) {
      throw new IllegalStateException("could not answer " + request.getMethod(), e);
    }
  }
}
