package io.callengine.sip.media;

import static io.callengine.sip.media.MonitorMode.Party.AGENT;
import static io.callengine.sip.media.MonitorMode.Party.CUSTOMER;
import static io.callengine.sip.media.MonitorMode.Party.SUPERVISOR;
import static io.callengine.sip.media.Tones.FRAME;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.sip.media.MonitorMode.Party;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The mixing rules checked by content: each party sends its own tone (customer 1 kHz, agent
 * 500 Hz, supervisor 300 Hz) and each listener's output is measured for each tone over
 * 8 frames (whole periods of all three), and against the ideal sum.
 */
class G711MixerTest {

  private static final double CUSTOMER_HZ = 1000;
  private static final double AGENT_HZ = 500;
  private static final double SUPERVISOR_HZ = 300;
  private static final int AMPLITUDE = 8000;
  private static final int FRAMES = 8;
  /** Amplitude a tone must reach to count as heard, and stay under to count as not heard. */
  private static final double HEARD = AMPLITUDE * 0.97;
  private static final double NOT_HEARD = AMPLITUDE * 0.01;

  @Test
  void whoHearsWhomInEachMode() {
    assertEquals(Set.of(CUSTOMER, AGENT), heard(MonitorMode.LISTEN, SUPERVISOR));
    assertEquals(Set.of(AGENT), heard(MonitorMode.LISTEN, CUSTOMER));
    assertEquals(Set.of(CUSTOMER), heard(MonitorMode.LISTEN, AGENT));
    assertEquals(Set.of(CUSTOMER, AGENT), heard(MonitorMode.WHISPER, SUPERVISOR));
    assertEquals(Set.of(AGENT), heard(MonitorMode.WHISPER, CUSTOMER));
    assertEquals(Set.of(CUSTOMER, SUPERVISOR), heard(MonitorMode.WHISPER, AGENT));
    assertEquals(Set.of(CUSTOMER, AGENT), heard(MonitorMode.BARGE, SUPERVISOR));
    assertEquals(Set.of(AGENT, SUPERVISOR), heard(MonitorMode.BARGE, CUSTOMER));
    assertEquals(Set.of(CUSTOMER, SUPERVISOR), heard(MonitorMode.BARGE, AGENT));
  }

  @Test
  void onHoldTheCustomerIsApartAndTheSupervisorStillHearsBoth() {
    for (MonitorMode mode : MonitorMode.values()) {
      assertEquals(Set.of(CUSTOMER, AGENT), heardOnHold(mode, SUPERVISOR), mode + ": the supervisor");
      assertEquals(Set.of(), heardOnHold(mode, CUSTOMER), mode + ": the customer hears the music alone");
    }
    assertEquals(Set.of(), heardOnHold(MonitorMode.LISTEN, AGENT));
    assertEquals(Set.of(SUPERVISOR), heardOnHold(MonitorMode.WHISPER, AGENT));
    assertEquals(Set.of(SUPERVISOR), heardOnHold(MonitorMode.BARGE, AGENT));
  }

  private static Set<Party> heardOnHold(MonitorMode mode, Party listener) {
    Set<Party> heard = EnumSet.noneOf(Party.class);
    for (Party speaker : Party.values()) {
      if (mode.hears(listener, speaker, true)) {
        heard.add(speaker);
      }
    }
    return heard;
  }

  @Test
  void whisperReachesTheAgentOnly() {
    G711Mixer mixer = new G711Mixer(G711Law.PCMU, G711Law.PCMU, G711Law.PCMU);
    assertHearsExactly(mixer, MonitorMode.WHISPER, AGENT, Set.of(CUSTOMER, SUPERVISOR));
    assertHearsExactly(mixer, MonitorMode.WHISPER, CUSTOMER, Set.of(AGENT));
    assertHearsExactly(mixer, MonitorMode.WHISPER, SUPERVISOR, Set.of(CUSTOMER, AGENT));
  }

  @Test
  void listenIsHeardByNobody() {
    G711Mixer mixer = new G711Mixer(G711Law.PCMA, G711Law.PCMA, G711Law.PCMA);
    assertHearsExactly(mixer, MonitorMode.LISTEN, SUPERVISOR, Set.of(CUSTOMER, AGENT));
    assertHearsExactly(mixer, MonitorMode.LISTEN, CUSTOMER, Set.of(AGENT));
    assertHearsExactly(mixer, MonitorMode.LISTEN, AGENT, Set.of(CUSTOMER));
  }

  @Test
  void bargeIsHeardByEveryone() {
    G711Mixer mixer = new G711Mixer(G711Law.PCMU, G711Law.PCMU, G711Law.PCMU);
    assertHearsExactly(mixer, MonitorMode.BARGE, SUPERVISOR, Set.of(CUSTOMER, AGENT));
    assertHearsExactly(mixer, MonitorMode.BARGE, CUSTOMER, Set.of(AGENT, SUPERVISOR));
    assertHearsExactly(mixer, MonitorMode.BARGE, AGENT, Set.of(CUSTOMER, SUPERVISOR));
  }

  @Test
  void partiesOnDifferentLawsMixIntoEachListenersLaw() {
    G711Mixer mixer = new G711Mixer(G711Law.PCMA, G711Law.PCMU, G711Law.PCMA);
    assertHearsExactly(mixer, MonitorMode.BARGE, SUPERVISOR, Set.of(CUSTOMER, AGENT));
    assertHearsExactly(mixer, MonitorMode.BARGE, CUSTOMER, Set.of(AGENT, SUPERVISOR));
    assertHearsExactly(mixer, MonitorMode.BARGE, AGENT, Set.of(CUSTOMER, SUPERVISOR));
  }

  @Test
  void loudSidesClipInsteadOfWrappingAround() {
    for (G711Law law : G711Law.values()) {
      G711Mixer mixer = new G711Mixer(law, law, law);
      short[] loud = Tones.tone(CUSTOMER_HZ, 30000, 0);
      ByteBuf out = Unpooled.buffer(FRAME);
      mixer.mix(MonitorMode.LISTEN, SUPERVISOR, Tones.encode(law, loud), Tones.encode(law, loud), null, out);
      short[] mixed = Tones.decode(law, out);
      short fullScale = law.decode(law.encode(Short.MAX_VALUE));
      int clipped = 0;
      for (int i = 0; i < FRAME; i++) {
        int ideal = 2 * law.decode(law.encode(loud[i]));
        assertTrue(Integer.signum(ideal) == Integer.signum(mixed[i]), law + " sample " + i + " changed sign");
        if (Math.abs(ideal) > Short.MAX_VALUE) {
          assertEquals(fullScale, Math.abs(mixed[i]), law + " sample " + i + " of " + ideal);
          clipped++;
        }
      }
      assertTrue(clipped > FRAME / 3, "the test drives the sum past full scale: " + clipped);
    }
  }

  @Test
  void aPartyThatSentNothingIsSilence() {
    G711Mixer mixer = new G711Mixer(G711Law.PCMU, G711Law.PCMA, G711Law.PCMU);
    ByteBuf customer = Tones.encode(G711Law.PCMU, Tones.tone(CUSTOMER_HZ, AMPLITUDE, 0));
    ByteBuf out = Unpooled.buffer(FRAME);
    mixer.mix(MonitorMode.BARGE, SUPERVISOR, customer, null, null, out);
    assertArrayEquals(Tones.decode(G711Law.PCMU, customer), Tones.decode(G711Law.PCMU, out),
        "the customer alone, unchanged");
    assertEquals(FRAME, customer.readableBytes(), "the input is left unread");

    out.clear();
    mixer.mix(MonitorMode.BARGE, AGENT, null, null, null, out);
    assertEquals(FRAME, out.readableBytes());
    for (int i = 0; i < FRAME; i++) {
      assertEquals((byte) 0xD5, out.getByte(i), "A-law silence for the agent");
    }
  }

  @Test
  void aShortPayloadIsSilenceAfterItsEndAndALongOneIsCut() {
    G711Mixer mixer = new G711Mixer(G711Law.PCMU, G711Law.PCMU, G711Law.PCMU);
    short[] tone = Tones.tone(CUSTOMER_HZ, AMPLITUDE, 0);
    ByteBuf half = Tones.encode(G711Law.PCMU, tone).writerIndex(FRAME / 2);
    ByteBuf out = Unpooled.buffer(FRAME);
    mixer.mix(MonitorMode.LISTEN, AGENT, half, null, null, out);
    short[] mixed = Tones.decode(G711Law.PCMU, out);
    assertEquals(FRAME, mixed.length);
    for (int i = 0; i < FRAME; i++) {
      short expected = i < FRAME / 2 ? G711Law.PCMU.decode(G711Law.PCMU.encode(tone[i])) : 0;
      assertEquals(expected, mixed[i], "sample " + i);
    }
    ByteBuf longer = Unpooled.buffer().writeBytes(Tones.encode(G711Law.PCMU, tone)).writeBytes(new byte[40]);
    out.clear();
    mixer.mix(MonitorMode.LISTEN, AGENT, longer, null, null, out);
    assertEquals(FRAME, out.readableBytes(), "one whole frame, whatever came in");
  }

  @Test
  void mixingAllocatesNothingPerFrame() {
    G711Mixer mixer = new G711Mixer(G711Law.PCMU, G711Law.PCMA, G711Law.PCMU);
    ByteBuf customer = Tones.encode(G711Law.PCMU, Tones.tone(CUSTOMER_HZ, AMPLITUDE, 0));
    ByteBuf agent = Tones.encode(G711Law.PCMA, Tones.tone(AGENT_HZ, AMPLITUDE, 0));
    ByteBuf supervisor = Tones.encode(G711Law.PCMU, Tones.tone(SUPERVISOR_HZ, AMPLITUDE, 0));
    ByteBuf out = Unpooled.buffer(FRAME);
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    Party[] listeners = Party.values(); // values() copies its array on every call
    int frames = 20_000;
    for (int i = 0; i < frames; i++) { // warm-up: class loading and the first compilations
      out.clear();
      mixer.mix(MonitorMode.BARGE, listeners[i % 3], customer, agent, supervisor, out);
    }
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < frames; i++) {
      out.clear();
      mixer.mix(MonitorMode.BARGE, listeners[i % 3], customer, agent, supervisor, out);
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    // A frame that allocated even its smallest object (16 bytes) would add up to 320,000.
    assertTrue(allocated < 32_000, allocated + " bytes allocated for " + frames + " frames");
  }

  @Test
  void theLawTablesAgreeWithTheSegmentRuleForEveryValue() {
    for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
      assertEquals(G711.linearToUlaw((short) x), G711Law.PCMU.encode((short) x), "μ-law of " + x);
      assertEquals(G711.linearToAlaw((short) x), G711Law.PCMA.encode((short) x), "A-law of " + x);
    }
    for (int code = 0; code < 256; code++) {
      assertEquals(G711.ulawToLinear((byte) code), G711Law.PCMU.decode((byte) code));
      assertEquals(G711.alawToLinear((byte) code), G711Law.PCMA.decode((byte) code));
    }
  }

  @Test
  void onlyG711CanBeMixed() {
    assertEquals(G711Law.PCMU, G711Law.of(Codec.PCMU));
    assertEquals(G711Law.PCMA, G711Law.of(new Codec(8, "pcma", 8000)));
    String message = assertThrows(IllegalArgumentException.class,
        () -> G711Law.of(new Codec(9, "G722", 8000))).getMessage();
    assertTrue(message.contains("G722/8000"), message);
  }

  private static Set<Party> heard(MonitorMode mode, Party listener) {
    Set<Party> heard = EnumSet.noneOf(Party.class);
    for (Party speaker : Party.values()) {
      if (mode.hears(listener, speaker)) {
        heard.add(speaker);
      }
    }
    return heard;
  }

  /** Mixes 8 frames for {@code listener} and checks which parties' tones are in the output. */
  private static void assertHearsExactly(G711Mixer mixer, MonitorMode mode, Party listener, Set<Party> speakers) {
    G711Law[] laws = {mixer.law(CUSTOMER), mixer.law(AGENT), mixer.law(SUPERVISOR)};
    short[][] output = new short[FRAMES][];
    int[] ideal = new int[FRAMES * FRAME];
    for (int f = 0; f < FRAMES; f++) {
      short[][] sent = {
          Tones.tone(CUSTOMER_HZ, AMPLITUDE, f), Tones.tone(AGENT_HZ, AMPLITUDE, f),
          Tones.tone(SUPERVISOR_HZ, AMPLITUDE, f)};
      ByteBuf out = Unpooled.buffer(FRAME);
      mixer.mix(mode, listener, Tones.encode(laws[0], sent[0]), Tones.encode(laws[1], sent[1]),
          Tones.encode(laws[2], sent[2]), out);
      output[f] = Tones.decode(laws[listener.ordinal()], out);
      for (Party speaker : speakers) {
        for (int i = 0; i < FRAME; i++) {
          ideal[f * FRAME + i] += sent[speaker.ordinal()][i];
        }
      }
    }
    short[] heard = Tones.concat(output);
    double[] hz = {CUSTOMER_HZ, AGENT_HZ, SUPERVISOR_HZ};
    for (Party speaker : Party.values()) {
      double amplitude = Tones.amplitude(heard, hz[speaker.ordinal()]);
      String what = mode + ": " + listener + " hears " + speaker + " at amplitude " + Math.round(amplitude);
      assertTrue(speakers.contains(speaker) ? amplitude > HEARD && amplitude < AMPLITUDE * 1.03
          : amplitude < NOT_HEARD, what);
    }
    // G.711 keeps about 38 dB of signal to noise; decoding two inputs and encoding the sum adds up three.
    double error = Tones.errorDb(heard, ideal);
    assertTrue(error < -30, mode + ": " + listener + " output differs from the ideal sum by " + error + " dB");
  }
}
