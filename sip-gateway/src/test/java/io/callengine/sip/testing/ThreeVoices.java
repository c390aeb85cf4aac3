package io.callengine.sip.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.sip.media.G711Law;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Three phones talk at once, each its own tone, and what each heard is measured frame by frame:
 * how the tests check a mix (monitoring, a conference) by content. A busy machine may leave a tick
 * without someone's frame (silence for that tick), never a tone where none belongs.
 */
public final class ThreeVoices {
  /** The tones of the first, second and third phone to talk. */
  public static final double FIRST = 1000;
  public static final double SECOND = 500;
  public static final double THIRD = 300;
  private static final double[] TONES = {FIRST, SECOND, THIRD};
  private static final int AMPLITUDE = 8000;
  /** A frame with a tone at more than this share of its amplitude carries it; under NOT_HEARD in every frame it is not heard. */
  private static final double HEARD = 0.9;
  private static final double NOT_HEARD = 0.05;

  private ThreeVoices() {}

  /** What each phone heard, in the order they were given to {@link #talk}. */
  public record Heard(Tally first, Tally second, Tally third) {
    public void expect(String phase, Collection<Double> byFirst, Collection<Double> bySecond, Collection<Double> byThird) {
      first.expect(phase + ", first", byFirst);
      second.expect(phase + ", second", bySecond);
      third.expect(phase + ", third", byThird);
    }
  }

  /** Per tone: the frames that carry it and its loudest frame. */
  public record Tally(int frames, int[] framesWith, double[] loudest) {
    /** Each tone of {@code heard} in at least a fifth of the frames; every other in no frame, even faintly. */
    public void expect(String who, Collection<Double> heard) {
      if (!heard.isEmpty()) assertTrue(frames >= 20, who + " received " + frames + " frames");
      for (int i = 0; i < TONES.length; i++) {
        String what = who + " hears " + (int) TONES[i] + " Hz in " + framesWith[i] + " of " + frames + " frames, at most " + Math.round(loudest[i]);
        if (heard.contains(TONES[i])) assertTrue(framesWith[i] >= Math.max(3, frames / 5), what);
        else assertTrue(loudest[i] < NOT_HEARD * AMPLITUDE, what);
      }
    }
  }

  /**
   * Each phone sends its tone for 1.5 s of 20 ms frames, paced as a phone would; then what each
   * received from the 15th frame on (after any switch has taken effect) is measured.
   */
  public static Heard talk(TestPhone first, TestPhone second, TestPhone third) throws Exception {
    for (TestPhone p : List.of(first, second, third)) drain(p);
    byte[] a = tone(FIRST);
    byte[] b = tone(SECOND);
    byte[] c = tone(THIRD);
    for (int frame = 0; frame < 75; frame++) {
      first.rtp.sendAudio(a);
      second.rtp.sendAudio(b);
      third.rtp.sendAudio(c);
      Thread.sleep(20); // the pace of a phone's frames, not a wait for anything
    }
    return new Heard(measure(first), measure(second), measure(third));
  }

  /** One 20 ms frame of a tone (whole periods, so every frame is the same), in PCMU. */
  public static byte[] tone(double hz) {
    byte[] frame = new byte[160];
    for (int i = 0; i < 160; i++) frame[i] = G711Law.PCMU.encode((short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * hz * i / 8000)));
    return frame;
  }

  /** Reads away what arrived before: a mixed stream never pauses, so until no packet comes within 5 ms (a tick is 20 ms). */
  private static void drain(TestPhone phone) throws Exception {
    for (int i = 0; i < 5000 && phone.rtp.receivePacket(5) != null; i++) {
      // earlier audio
    }
  }

  /** The tones in the PCMU frames the phone received: frames 15 to 60 of the 75 sent. */
  private static Tally measure(TestPhone phone) throws Exception {
    List<short[]> frames = new ArrayList<>();
    while (frames.size() < 60) {
      byte[] packet = phone.rtp.receivePacket(300);
      if (packet == null) break;
      if (packet.length != 12 + 160 || (packet[1] & 0x7f) != 0) continue;
      short[] pcm = new short[160];
      for (int s = 0; s < 160; s++) pcm[s] = G711Law.PCMU.decode(packet[12 + s]);
      frames.add(pcm);
    }
    List<short[]> steady = frames.size() > 15 ? frames.subList(15, frames.size()) : List.of();
    int[] framesWith = new int[3];
    double[] loudest = new double[3];
    for (short[] frame : steady) {
      for (int i = 0; i < 3; i++) {
        double level = ToneLevel.amplitude(frame, TONES[i]);
        if (level > HEARD * AMPLITUDE) framesWith[i]++;
        loudest[i] = Math.max(loudest[i], level);
      }
    }
    return new Tally(steady.size(), framesWith, loudest);
  }
}
