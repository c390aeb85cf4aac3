package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.sip.media.SessionDescription.Direction;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SdpTest {

  private static final String SOFTPHONE_OFFER = String.join("\r\n",
      "v=0",
      "o=- 3912345678 3912345678 IN IP4 192.168.1.20",
      "s=Softphone",
      "c=IN IP4 192.168.1.20",
      "t=0 0",
      "m=audio 40376 RTP/AVP 9 111 0 8 101",
      "a=rtpmap:9 G722/8000",
      "a=rtpmap:111 opus/48000/2",
      "a=fmtp:111 useinbandfec=1",
      "a=rtpmap:0 PCMU/8000",
      "a=rtpmap:8 PCMA/8000",
      "a=rtpmap:101 telephone-event/8000",
      "a=fmtp:101 0-16",
      "a=ptime:20",
      "a=sendrecv",
      "m=video 0 RTP/AVP 96",
      "a=rtpmap:96 VP8/90000",
      "a=inactive",
      "");

  @Test
  void parsesATypicalSoftphoneOffer() throws SdpException {
    SessionDescription offer = Sdp.parse(SOFTPHONE_OFFER);

    assertEquals("192.168.1.20", offer.connectionAddress());
    assertEquals(40376, offer.audioPort());
    assertEquals("RTP/AVP", offer.transport());
    assertEquals(List.of(
        new Codec(9, "G722", 8000), new Codec(111, "opus", 48000), Codec.PCMU, Codec.PCMA,
        new Codec(101, "telephone-event", 8000)), offer.codecs());
    assertEquals(Optional.of(Direction.SENDRECV), offer.direction());
    assertEquals(new InetSocketAddress("192.168.1.20", 40376), offer.audioTarget());
  }

  @Test
  void negotiatesG711InOfferOrderPlusTelephoneEvent() throws SdpException {
    Negotiation n = Sdp.negotiate(Sdp.parse(SOFTPHONE_OFFER)).orElseThrow();

    assertEquals(List.of(Codec.PCMU, Codec.PCMA), n.audio());
    assertEquals(Optional.of(new Codec(101, "telephone-event", 8000)), n.telephoneEvent());
  }

  @Test
  void staticPayloadTypesNeedNoRtpmapAndOrderIsKept() throws SdpException {
    SessionDescription offer = Sdp.parse(
        "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 5000 RTP/AVP 8 0\n");

    assertEquals(List.of(Codec.PCMA, Codec.PCMU), offer.codecs());
    assertEquals(Optional.empty(), offer.direction());
    Negotiation n = Sdp.negotiate(offer).orElseThrow();
    assertEquals(List.of(Codec.PCMA, Codec.PCMU), n.codecs());
  }

  @Test
  void anOfferWithOnlyG729CannotBeNegotiated() throws SdpException {
    SessionDescription offer = Sdp.parse(String.join("\r\n",
        "v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "c=IN IP4 10.0.0.1", "t=0 0",
        "m=audio 5000 RTP/AVP 18 101", "a=rtpmap:18 G729/8000",
        "a=rtpmap:101 telephone-event/8000", ""));

    assertEquals(Optional.empty(), Sdp.negotiate(offer));
  }

  @Test
  void refusedOrSecureAudioCannotBeNegotiated() throws SdpException {
    String refused = "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 0 RTP/AVP 0\n";
    String srtp = "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 5000 RTP/SAVP 0\n";

    assertEquals(Optional.empty(), Sdp.negotiate(Sdp.parse(refused)));
    assertEquals(Optional.empty(), Sdp.negotiate(Sdp.parse(srtp)));
  }

  @Test
  void answerCarriesTheChosenPayloadTypesAndDtmfFormat() throws SdpException {
    Negotiation n = Sdp.negotiate(Sdp.parse(SOFTPHONE_OFFER)).orElseThrow();

    String answer = Sdp.answer("203.0.113.5", 20000, n, 42);

    assertTrue(answer.startsWith("v=0\r\no=call-engine 42 42 IN IP4 203.0.113.5\r\n"), answer);
    assertTrue(answer.contains("\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\n"), answer);
    assertTrue(answer.contains("\r\nm=audio 20000 RTP/AVP 0 8 101\r\n"), answer);
    assertTrue(answer.contains("\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"), answer);
    assertTrue(answer.contains("\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"), answer);
    assertTrue(answer.endsWith("\r\na=ptime:20\r\na=sendrecv\r\n"), answer);
    assertFalse(answer.contains("G722") || answer.contains("opus"), answer);
  }

  @Test
  void theEngineReadsItsOwnAnswerAndAgentOffer() throws SdpException {
    Negotiation n = Sdp.negotiate(Sdp.parse(SOFTPHONE_OFFER)).orElseThrow();

    SessionDescription answer = Sdp.parse(Sdp.answer("203.0.113.5", 20000, n, 42));
    SessionDescription agentOffer = Sdp.parse(Sdp.offer("203.0.113.5", 20002, n.codecs(), 43));

    assertEquals(n.codecs(), answer.codecs());
    assertEquals(n.codecs(), agentOffer.codecs());
    assertEquals(20002, agentOffer.audioPort());
    assertEquals(Optional.of(Direction.SENDRECV), agentOffer.direction());
  }

  @Test
  void rtcpGoesToThePortAboveUnlessTheAudioSectionNamesOne() throws SdpException {
    String head = "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\n";

    assertEquals(new InetSocketAddress("192.168.1.20", 40377), Sdp.parse(SOFTPHONE_OFFER).rtcpTarget());
    assertEquals(new InetSocketAddress("10.0.0.1", 5001),
        Sdp.parse(head + "m=audio 5000 RTP/AVP 0\n").rtcpTarget());
    assertEquals(new InetSocketAddress("10.0.0.1", 5003),
        Sdp.parse(head + "m=audio 5000 RTP/AVP 0\na=rtcp:5003\n").rtcpTarget());
    assertEquals(new InetSocketAddress("192.0.2.7", 6001),
        Sdp.parse(head + "m=audio 5000 RTP/AVP 0\na=rtcp:6001 IN IP4 192.0.2.7\n").rtcpTarget());
    assertEquals(new InetSocketAddress("2001:db8::7", 6001),
        Sdp.parse(head + "m=audio 5000 RTP/AVP 0\na=rtcp:6001 IN IP6 2001:db8::7\n").rtcpTarget());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a=rtcp:0", "a=rtcp:70000", "a=rtcp:x", "a=rtcp:6001 IN IP4 phone.example",
      "a=rtcp:6001 IN IP4", "a=rtcp-mux", "a=rtcp-fb:0 nack"})
  void anRtcpAttributeThatCannotBeReadIsIgnored(String attribute) throws SdpException {
    SessionDescription offer = Sdp.parse(
        "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 5000 RTP/AVP 0\n" + attribute + "\n");

    assertEquals(Optional.empty(), offer.rtcp());
    assertEquals(new InetSocketAddress("10.0.0.1", 5001), offer.rtcpTarget());
  }

  @Test
  void ipv6ConnectionLines() throws SdpException {
    SessionDescription offer = Sdp.parse(String.join("\r\n",
        "v=0", "o=- 1 1 IN IP6 2001:db8::1", "s=-", "t=0 0",
        "m=audio 6000 RTP/AVP 0", "c=IN IP6 2001:db8::1", "a=recvonly", ""));

    assertEquals("2001:db8::1", offer.connectionAddress());
    assertEquals(Optional.of(Direction.RECVONLY), offer.direction());
    assertEquals(new InetSocketAddress("2001:db8::1", 6000), offer.audioTarget());

    String answer = Sdp.answer("2001:db8::5", 20000, Sdp.negotiate(offer).orElseThrow(), 7);
    assertTrue(answer.contains("\r\no=call-engine 7 7 IN IP6 2001:db8::5\r\n"), answer);
    assertTrue(answer.contains("\r\nc=IN IP6 2001:db8::5\r\n"), answer);
  }

  @Test
  void mediaLevelConnectionAndDirectionWinOverSessionLevel() throws SdpException {
    SessionDescription offer = Sdp.parse(String.join("\n",
        "v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "c=IN IP4 10.0.0.1", "t=0 0", "a=sendonly",
        "m=audio 5000 RTP/AVP 0", "c=IN IP4 10.0.0.9", "a=inactive"));

    assertEquals("10.0.0.9", offer.connectionAddress());
    assertEquals(Optional.of(Direction.INACTIVE), offer.direction());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "hello world",
      "<html><body>not sdp</body></html>",
      "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nt=0 0\n",
      "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nt=0 0\nm=audio 5000 RTP/AVP 0\n",
      "v=0\ns=-\nc=IN IP4 10.0.0.1\nm=audio port RTP/AVP 0\n",
      "v=0\ns=-\nc=IN IP4 10.0.0.1\nm=audio 70000 RTP/AVP 0\n",
      "v=0\ns=-\nc=IN IP4 10.0.0.1\nm=audio 5000 RTP/AVP 0 x\n",
      "v=0\ns=-\nc=IN IP4 10.0.0.1\nm=audio 5000\n",
      "v=0\ns=-\nc=IN IP4 pbx.example.com\nm=audio 5000 RTP/AVP 0\n",
      "v=0\ns=-\nc=IN IP4 300.1.1.1\nm=audio 5000 RTP/AVP 0\n",
      "v=0\ns=-\nc=IN IP4\nm=audio 5000 RTP/AVP 0\n",
      "v=0\ns=-\nc=IN IP4 10.0.0.1\nm=audio 5000 RTP/AVP 96\na=rtpmap:96\n",
      "v=0\ns=-\nc=IN IP4 10.0.0.1\nm=audio 5000 RTP/AVP 0\nthis is not a line\n"
  })
  void garbageIsAnSdpException(String garbage) {
    assertThrows(SdpException.class, () -> Sdp.parse(garbage));
  }

  @Test
  void nullIsAnSdpException() {
    assertThrows(SdpException.class, () -> Sdp.parse(null));
  }
}
