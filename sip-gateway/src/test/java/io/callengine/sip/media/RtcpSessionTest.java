package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.sip.media.RtcpPacket.ReceiverReport;
import io.callengine.sip.media.RtcpPacket.ReportBlock;
import io.callengine.sip.media.RtcpPacket.SenderInfo;
import io.callengine.sip.media.RtcpPacket.SenderReport;
import io.callengine.sip.media.RtcpPacket.SourceDescription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One leg's RTCP in memory, on embedded channels, with the clock in the test's hands. */
class RtcpSessionTest {

  private static final InetSocketAddress CUSTOMER = new InetSocketAddress("127.0.0.1", 41000);
  private static final InetSocketAddress CUSTOMER_RTCP = new InetSocketAddress("127.0.0.1", 41001);
  private static final InetSocketAddress CUSTOMER_BEHIND_NAT = new InetSocketAddress("127.0.0.1", 51001);
  private static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.1", 41999);
  private static final InetSocketAddress AGENT = new InetSocketAddress("127.0.0.1", 42000);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 20000);
  private static final long AGENT_SSRC = 0x5151_5151L;
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long SECOND = 0x1_0000L;

  private RtpEndpoint customerLeg;
  private RtpEndpoint agentLeg;
  private EmbeddedChannel customerRtp;
  private EmbeddedChannel customerRtcp;
  private EmbeddedChannel agentRtp;

  @BeforeEach
  void openTwoLegs() {
    customerLeg = new RtpEndpoint(20000, port -> {}, Duration.ofHours(1));
    agentLeg = new RtpEndpoint(20002, port -> {}, Duration.ofHours(1));
    customerRtp = new EmbeddedChannel(new RtpRelayHandler(customerLeg));
    customerRtcp = new EmbeddedChannel(new RtcpHandler(customerLeg.rtcp(), 20001));
    agentRtp = new EmbeddedChannel(new RtpRelayHandler(agentLeg));
    customerLeg.attach(customerRtp, customerRtcp);
    agentLeg.attach(agentRtp);
    customerLeg.expectRemote(CUSTOMER);
    agentLeg.expectRemote(AGENT);
  }

  @AfterEach
  void closeChannels() {
    customerRtp.finishAndReleaseAll();
    customerRtcp.finishAndReleaseAll();
    agentRtp.finishAndReleaseAll();
  }

  @Test
  void sendingAndHearingNothingTheLegReportsAnEmptyRrAndItsCname() {
    customerLeg.rtcp().report(System.nanoTime());

    long ownSsrc = customerLeg.player().ssrc() & 0xFFFFFFFFL;
    List<RtcpPacket> report = nextReport(CUSTOMER_RTCP);
    assertEquals(List.of(new ReceiverReport(ownSsrc, List.of()),
        new SourceDescription(ownSsrc, customerLeg.rtcp().cname())), report);
    assertEquals(16, customerLeg.rtcp().cname().length());
    assertEquals(1, customerLeg.rtcp().packetsSent());
  }

  @Test
  void theReportBlockDescribesThePhonesStreamSinceTheLastReport() {
    for (int seq = 100; seq < 110; seq++) {
      if (seq != 105) {
        fromCustomer(seq);
      }
    }
    long now = System.nanoTime();
    customerLeg.rtcp().report(now);
    customerLeg.rtcp().report(now + 5000 * MS);

    ReportBlock first = onlyBlock(nextReport(CUSTOMER_RTCP));
    assertEquals(RtpBytes.SSRC, first.ssrc());
    assertEquals(256 / 10, first.fractionLost());
    assertEquals(1, first.cumulativeLost());
    assertEquals(109, first.highestSequence());
    assertEquals(0, first.lastSr());
    assertEquals(0, first.delaySinceLastSr());
    ReportBlock second = onlyBlock(nextReport(CUSTOMER_RTCP));
    assertEquals(0, second.fractionLost(), "nothing lost since the first report");
    assertEquals(1, second.cumulativeLost());
  }

  @Test
  void whileThePeersAudioGoesOutTheReportIsAnSrInThePeersName() {
    RtpEndpoint.bridge(customerLeg, agentLeg);
    for (int seq = 1; seq <= 5; seq++) {
      fromAgent(seq, 8000 + 160L * seq);
    }
    customerRtp.releaseOutbound();
    customerLeg.rtcp().report(System.nanoTime());

    List<RtcpPacket> report = nextReport(CUSTOMER_RTCP);
    SenderReport sr = assertInstanceOf(SenderReport.class, report.get(0));
    assertEquals(AGENT_SSRC, sr.ssrc());
    assertEquals(5, sr.sender().packets());
    assertEquals(5 * 160, sr.sender().octets());
    long rtpAhead = sr.sender().rtpTimestamp() - (8000 + 160 * 5);
    assertTrue(rtpAhead >= 0 && rtpAhead < 8000, "RTP time runs on from the last packet: " + rtpAhead);
    long ntpAge = NtpTime.middle32(NtpTime.at(System.nanoTime())) - NtpTime.middle32(sr.sender().ntpTimestamp());
    assertTrue(ntpAge >= 0 && ntpAge < SECOND, "NTP time is now: " + ntpAge);
    assertEquals(List.of(), sr.reports(), "the customer has sent nothing to report on");
    assertEquals(new SourceDescription(AGENT_SSRC, customerLeg.rtcp().cname()), report.get(1));
  }

  @Test
  void aReportEchoingOneOfOurSrsGivesTheRoundTripAndLowersTheScore() {
    RtpEndpoint.bridge(customerLeg, agentLeg);
    fromAgent(1, 160);
    customerRtp.releaseOutbound();
    for (int seq = 1; seq <= 50; seq++) {
      fromCustomer(seq);
    }
    agentRtp.releaseOutbound();
    long sentAt = System.nanoTime();
    customerLeg.rtcp().report(sentAt);
    SenderReport sr = (SenderReport) nextReport(CUSTOMER_RTCP).get(0);
    assertTrue(Double.isNaN(customerLeg.quality().rttMs()));
    double scoreWithoutRtt = customerLeg.quality().mos();

    // The phone held our SR for 30 ms; its report arrives 130 ms after the SR left.
    long lastSr = NtpTime.middle32(sr.sender().ntpTimestamp());
    customerLeg.rtcp().onDatagram(receiverReport(lastSr, NtpTime.shortUnits(30 * MS)), CUSTOMER_RTCP, sentAt + 130 * MS);

    StreamQuality q = customerLeg.quality();
    assertEquals(100, q.rttMs(), 0.1);
    assertEquals(Mos.g711(q.lossPercent(), q.jitterMs(), q.rttMs()), q.mos(), 0);
    assertTrue(q.mos() < scoreWithoutRtt, q.mos() + " < " + scoreWithoutRtt);
  }

  @Test
  void reportsThatEchoNoSrOfOursLeaveTheRoundTripUnknown() {
    customerLeg.rtcp().report(System.nanoTime()); // an RR: nothing sent, so no SR to echo
    nextReport(CUSTOMER_RTCP);

    customerLeg.rtcp().onDatagram(receiverReport(0x1234_5678L, 0), CUSTOMER_RTCP, System.nanoTime());
    customerLeg.rtcp().onDatagram(receiverReport(0, 0), CUSTOMER_RTCP, System.nanoTime());

    assertTrue(Double.isNaN(customerLeg.quality().rttMs()));
    assertEquals(2, customerLeg.rtcp().packetsReceived());
  }

  @Test
  void thePhonesSrIsEchoedWithItsAgeUntilThePhoneSaysBye() {
    fromCustomer(1);
    long phoneNtp = 0xE9A1_B2C3_4000_0000L;
    long heardAt = System.nanoTime();
    ByteBuf phoneSr = Unpooled.buffer();
    RtcpCodec.writeSenderReport(phoneSr, RtpBytes.SSRC, new SenderInfo(phoneNtp, 0, 1, 160), List.of());
    RtcpCodec.writeSourceDescription(phoneSr, RtpBytes.SSRC, "phone");
    customerLeg.rtcp().onDatagram(phoneSr, CUSTOMER_RTCP, heardAt);

    customerLeg.rtcp().report(heardAt + 250 * MS);
    ReportBlock block = onlyBlock(nextReport(CUSTOMER_RTCP));
    assertEquals(0xB2C3_4000L, block.lastSr());
    assertEquals(SECOND / 4, block.delaySinceLastSr(), 1);

    ByteBuf bye = Unpooled.buffer();
    RtcpCodec.writeReceiverReport(bye, RtpBytes.SSRC, List.of());
    RtcpCodec.writeGoodbye(bye, List.of(RtpBytes.SSRC));
    customerLeg.rtcp().onDatagram(bye, CUSTOMER_RTCP, heardAt + 300 * MS);
    customerLeg.rtcp().report(heardAt + 400 * MS);
    assertEquals(0, onlyBlock(nextReport(CUSTOMER_RTCP)).lastSr());
  }

  @Test
  void rtcpLatchesOnItsRealSourceAndCountsMalformedAndStrangersAsDropped() {
    fromCustomerRtcp(CUSTOMER_BEHIND_NAT, "not RTCP at all".getBytes(StandardCharsets.US_ASCII));
    byte[] truncated = bytes(receiverReport(0, 0));
    fromCustomerRtcp(CUSTOMER_BEHIND_NAT, Arrays.copyOf(truncated, truncated.length - 3));
    assertEquals(CUSTOMER_RTCP, customerLeg.rtcp().remoteAddress(), "garbage latches nothing");

    fromCustomerRtcp(CUSTOMER_BEHIND_NAT, bytes(receiverReport(0, 0)));
    fromCustomerRtcp(STRANGER, bytes(receiverReport(0, 0)));
    customerLeg.rtcp().report(System.nanoTime());

    assertEquals(3, customerLeg.rtcp().packetsDropped());
    assertEquals(1, customerLeg.rtcp().packetsReceived());
    nextReport(CUSTOMER_BEHIND_NAT);
    customerRtcp.checkException();
    assertTrue(customerRtcp.isActive());
  }

  @Test
  void anRtcpAddressFromTheSdpWinsOverThePortAbove() {
    InetSocketAddress elsewhere = new InetSocketAddress("127.0.0.1", 45678);
    customerLeg.expectRemote(CUSTOMER, elsewhere);
    customerLeg.rtcp().report(System.nanoTime());

    nextReport(elsewhere);
  }

  @Test
  void closingTheRtpChannelClosesTheRtcpOneAndReleasesThePortOnce() throws Exception {
    List<Integer> released = new ArrayList<>();
    RtpEndpoint leg = new RtpEndpoint(20004, released::add, Duration.ofHours(1));
    EmbeddedChannel rtp = new EmbeddedChannel(new RtpRelayHandler(leg));
    EmbeddedChannel rtcp = new EmbeddedChannel(new RtcpHandler(leg.rtcp(), 20005));
    leg.attach(rtp, rtcp);

    leg.close().get(5, TimeUnit.SECONDS);
    leg.close().get(5, TimeUnit.SECONDS);

    assertTrue(!rtp.isOpen() && !rtcp.isOpen());
    assertEquals(List.of(20004), released);
  }

  private List<RtcpPacket> nextReport(InetSocketAddress expectedRecipient) {
    DatagramPacket out = customerRtcp.readOutbound();
    try {
      assertEquals(expectedRecipient, out.recipient());
      return RtcpCodec.parse(out.content()).orElseThrow();
    } finally {
      out.release();
    }
  }

  private static ReportBlock onlyBlock(List<RtcpPacket> report) {
    List<ReportBlock> blocks = report.get(0) instanceof SenderReport sr ? sr.reports()
        : ((ReceiverReport) report.get(0)).reports();
    assertEquals(1, blocks.size());
    return blocks.get(0);
  }

  private static ByteBuf receiverReport(long lastSr, long delaySinceLastSr) {
    ByteBuf rr = Unpooled.buffer();
    RtcpCodec.writeReceiverReport(rr, RtpBytes.SSRC,
        List.of(new ReportBlock(AGENT_SSRC, 0, 0, 1, 0, lastSr, delaySinceLastSr)));
    RtcpCodec.writeSourceDescription(rr, RtpBytes.SSRC, "phone");
    return rr;
  }

  private static byte[] bytes(ByteBuf buf) {
    return ByteBufUtil.getBytes(buf);
  }

  private void fromCustomer(int sequence) {
    customerRtp.writeInbound(new DatagramPacket(
        Unpooled.wrappedBuffer(RtpBytes.audio(sequence, 160L * sequence)), LOCAL, CUSTOMER));
  }

  private void fromAgent(int sequence, long timestamp) {
    byte[] audio = RtpBytes.rtp(false, RtpBytes.PCMU, sequence, timestamp, AGENT_SSRC, new byte[160]);
    agentRtp.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(audio), LOCAL, AGENT));
  }

  private void fromCustomerRtcp(InetSocketAddress from, byte[] datagram) {
    customerRtcp.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(datagram), LOCAL, from));
  }
}
