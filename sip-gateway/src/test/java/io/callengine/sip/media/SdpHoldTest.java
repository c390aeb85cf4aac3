package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.sip.media.SessionDescription.Direction;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SDP of hold: which offers hold, the direction that answers each, and the engine's SDP with a new direction and version. */
class SdpHoldTest {

  private static SessionDescription offer(String address, String direction) throws SdpException {
    return Sdp.parse(String.join("\r\n", "v=0", "o=- 7 7 IN IP4 10.0.0.1", "s=-", "c=IN IP4 " + address, "t=0 0",
        "m=audio 5000 RTP/AVP 0", direction == null ? "a=ptime:20" : "a=" + direction, ""));
  }

  @ParameterizedTest
  @CsvSource(nullValues = "none", value = {
      "10.0.0.1, sendonly, true,  RECVONLY",
      "10.0.0.1, inactive, true,  INACTIVE",
      "10.0.0.1, sendrecv, false, SENDRECV",
      "10.0.0.1, none,     false, SENDRECV",
      "10.0.0.1, recvonly, false, SENDONLY",
      "0.0.0.0,  sendrecv, true,  RECVONLY",
      "0.0.0.0,  none,     true,  RECVONLY",
      "0.0.0.0,  inactive, true,  INACTIVE"})
  void anOfferHoldsWithSendonlyInactiveOrTheZeroAddressAndIsAnsweredMirrored(String address, String direction, boolean holds,
      Direction answer) throws SdpException {
    SessionDescription offer = offer(address, direction);
    assertEquals(holds, offer.holds());
    assertEquals(answer, offer.answerDirection());
  }

  @Test
  void theEnginesSdpTakesANewDirectionAndVersionAndKeepsItsPortAndCodecs() throws SdpException {
    String answer = Sdp.answer("192.0.2.10", 43010, new Negotiation(List.of(Codec.PCMU), Optional.empty()), 1000);
    assertEquals(1000, Sdp.version(answer));
    String held = Sdp.withDirection(answer, Direction.RECVONLY, 1001);
    SessionDescription parsed = Sdp.parse(held);
    assertEquals(Optional.of(Direction.RECVONLY), parsed.direction());
    assertEquals(43010, parsed.audioPort());
    assertEquals(List.of(Codec.PCMU), parsed.codecs());
    assertEquals(1001, Sdp.version(held));
    assertTrue(held.contains("o=call-engine 1000 1001 IN IP4 192.0.2.10\r\n"), "the session id stays, the version moves: " + held);
    assertFalse(held.contains("a=sendrecv"));
    assertEquals(answer, Sdp.withDirection(answer, Direction.SENDRECV, 1000), "the same direction and version: the same SDP");
  }
}
