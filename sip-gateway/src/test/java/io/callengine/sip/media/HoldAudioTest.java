package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped clips, the operator's music setting and the playlists the SIP layer asks for. */
class HoldAudioTest {

  private static final String SETTING = "callengine.media.hold-music";
  private static HoldAudio audio;

  @TempDir
  Path dir;

  @BeforeAll
  static void load() {
    audio = HoldAudio.builtIn();
  }

  @Test
  void everyShippedClipIsEightKilohertzMonoSixteenBitAndTheSetIsSmall() throws Exception {
    List<Path> wavs = shippedWavs();
    Set<String> names = wavs.stream().map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    Set<String> expected = new TreeSet<>();
    expected.add("hold-music.wav");
    Arrays.stream(HoldAudio.Prompt.values()).forEach(p -> expected.add(p.file() + ".wav"));
    for (int n = 1; n <= HoldAudio.MAX_SPOKEN_NUMBER; n++) {
      expected.add("n" + n + ".wav");
    }
    assertEquals(expected, names);

    long total = 0;
    for (Path wav : wavs) {
      AudioFormat format = AudioSystem.getAudioFileFormat(wav.toFile()).getFormat();
      assertEquals(AudioFormat.Encoding.PCM_SIGNED, format.getEncoding(), wav.toString());
      assertEquals(8000f, format.getSampleRate(), wav.toString());
      assertEquals(1, format.getChannels(), wav.toString());
      assertEquals(16, format.getSampleSizeInBits(), wav.toString());
      total += Files.size(wav);
    }
    assertTrue(total < 1_000_000, "shipped audio takes " + total + " bytes");
  }

  @Test
  void everyShippedClipLoads() {
    assertEquals(1000, audio.music().frames(), "20 s of music");
    assertEquals(Duration.ofSeconds(20), audio.music().duration());
    for (HoldAudio.Prompt prompt : HoldAudio.Prompt.values()) {
      int frames = audio.prompt(prompt).frames();
      assertTrue(frames > 10 && frames < 200, prompt + " lasts " + frames + " frames");
    }
    for (int n = 1; n <= HoldAudio.MAX_SPOKEN_NUMBER; n++) {
      assertTrue(audio.number(n).frames() > 10, "n" + n);
    }
  }

  @Test
  void theMusicIsCalmAndTheSpeechIsClear() throws Exception {
    double musicPeak = peak(samples(shipped("hold-music.wav")));
    assertEquals(-12.0, dbfs(musicPeak), 1.0, "music peak in dBFS");
    double speechPeak = peak(samples(shipped("you-are-caller-number.wav")));
    assertEquals(-6.0, dbfs(speechPeak), 1.0, "speech peak in dBFS");
  }

  @Test
  void clipsAreEncodedOnceToBothLawsInWholeFrames() throws Exception {
    short[] pcm = samples(shipped("hold-music.wav"));
    AudioClip music = audio.music();
    for (int frame : new int[] {0, 1, 500, 999}) {
      byte[] ulaw = new byte[AudioClip.FRAME_BYTES];
      byte[] alaw = new byte[AudioClip.FRAME_BYTES];
      for (int i = 0; i < AudioClip.FRAME_BYTES; i++) {
        ulaw[i] = G711.linearToUlaw(pcm[frame * AudioClip.FRAME_BYTES + i]);
        alaw[i] = G711.linearToAlaw(pcm[frame * AudioClip.FRAME_BYTES + i]);
      }
      assertArrayEquals(ulaw, frame(music, false, frame), "PCMU frame " + frame);
      assertArrayEquals(alaw, frame(music, true, frame), "PCMA frame " + frame);
    }
  }

  @Test
  void theLastFrameIsPaddedWithSilence() {
    short[] pcm = new short[AudioClip.FRAME_BYTES + 1];
    Arrays.fill(pcm, (short) 4000);
    AudioClip clip = AudioClip.fromPcm("odd", pcm);

    assertEquals(2, clip.frames());
    byte[] last = frame(clip, false, 1);
    assertEquals(G711.linearToUlaw((short) 4000), last[0]);
    assertEquals(G711.linearToUlaw((short) 0), last[1]);
    assertEquals(G711.linearToAlaw((short) 0), frame(clip, true, 1)[AudioClip.FRAME_BYTES - 1]);
    assertThrows(IllegalArgumentException.class, () -> AudioClip.fromPcm("empty", new short[0]));
  }

  @Test
  void anEmptySettingMeansTheBuiltInMusic() {
    HoldAudio loaded = HoldAudio.load(ConfigFactory.load());

    assertEquals("/audio/hold-music.wav", loaded.music().name());
    assertEquals(audio.music().frames(), loaded.music().frames());
  }

  @Test
  void anOperatorsWavReplacesTheMusic() throws Exception {
    short[] tone = new short[8000];
    for (int i = 0; i < tone.length; i++) {
      tone[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 8000.0));
    }
    Path wav = writeWav("ours.wav", tone, 8000f, 1, 16);

    HoldAudio loaded = HoldAudio.load(withMusic(wav.toString()));

    assertEquals(50, loaded.music().frames());
    assertEquals(G711.linearToUlaw(tone[AudioClip.FRAME_BYTES + 3]), frame(loaded.music(), false, 1)[3]);
    assertSame(loaded.music(), loaded.holdMusic().loop().orElseThrow());
  }

  @Test
  void aWavInAnotherFormatStopsTheStartWithAClearError() throws Exception {
    short[] pcm = new short[1600];
    List<Path> wrong = List.of(
        writeWav("sixteen-khz.wav", pcm, 16000f, 1, 16),
        writeWav("stereo.wav", pcm, 8000f, 2, 16),
        writeWav("eight-bit.wav", pcm, 8000f, 1, 8),
        Files.writeString(dir.resolve("notes.wav"), "not audio at all"),
        dir.resolve("missing.wav"));

    for (Path file : wrong) {
      var error = assertThrows(IllegalArgumentException.class, () -> HoldAudio.load(withMusic(file.toString())));
      String message = error.getMessage();
      assertTrue(message.startsWith(SETTING + ": "), message);
      assertTrue(message.contains(file.toString()), message);
      assertTrue(message.contains("8 kHz, mono, 16-bit PCM"), message);
    }
  }

  @Test
  void callerNumberPlaylistsSayTheNumberThenLoopTheMusic() {
    Playlist third = audio.callerNumber(3);
    assertEquals(List.of(audio.prompt(HoldAudio.Prompt.YOU_ARE_CALLER_NUMBER), audio.number(3)), third.clips());
    assertEquals(Optional.of(audio.music()), third.loop());

    Playlist far = audio.callerNumber(21);
    assertEquals(List.of(audio.prompt(HoldAudio.Prompt.THANK_YOU_FOR_HOLDING)), far.clips());
    assertEquals(Optional.of(audio.music()), far.loop());

    assertThrows(IllegalArgumentException.class, () -> audio.callerNumber(0));
    assertThrows(IllegalArgumentException.class, () -> audio.number(21));
  }

  @Test
  void expectedWaitPlaylistsRoundToTheNearestMinute() {
    AudioClip intro = audio.prompt(HoldAudio.Prompt.YOUR_EXPECTED_WAIT_IS_ABOUT);
    assertEquals(List.of(intro, audio.prompt(HoldAudio.Prompt.LESS_THAN_A_MINUTE)),
        audio.expectedWait(Duration.ofSeconds(45)).clips());
    assertEquals(List.of(intro, audio.number(1), audio.prompt(HoldAudio.Prompt.MINUTE)),
        audio.expectedWait(Duration.ofSeconds(80)).clips());
    assertEquals(List.of(intro, audio.number(3), audio.prompt(HoldAudio.Prompt.MINUTES)),
        audio.expectedWait(Duration.ofSeconds(150)).clips());
    assertEquals(List.of(audio.prompt(HoldAudio.Prompt.THANK_YOU_FOR_HOLDING)),
        audio.expectedWait(Duration.ofMinutes(45)).clips());
    assertEquals(Optional.of(audio.music()), audio.expectedWait(Duration.ofMinutes(5)).loop());
  }

  @Test
  void playlistsComposeWithoutCopyingClips() {
    AudioClip a = audio.number(1);
    AudioClip b = audio.number(2);

    Playlist playlist = Playlist.of(a).then(b).thenLoop(audio.music());

    assertSame(a, playlist.clips().get(0));
    assertSame(b, playlist.clips().get(1));
    assertTrue(Playlist.of().isEmpty());
    assertTrue(Playlist.of(a).loop().isEmpty());
  }

  private Config withMusic(String path) {
    return ConfigFactory.load().withValue(SETTING, ConfigValueFactory.fromAnyRef(path));
  }

  private Path writeWav(String name, short[] pcm, float rate, int channels, int bits) throws IOException {
    AudioFormat format = new AudioFormat(rate, bits, channels, bits > 8, false);
    int bytesPerSample = bits / 8;
    ByteBuffer data = ByteBuffer.allocate(pcm.length * bytesPerSample * channels).order(ByteOrder.LITTLE_ENDIAN);
    for (short sample : pcm) {
      for (int c = 0; c < channels; c++) {
        if (bits == 8) {
          data.put((byte) (sample >> 8));
        } else {
          data.putShort(sample);
        }
      }
    }
    Path file = dir.resolve(name);
    try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(data.array()), format, pcm.length)) {
      AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
    }
    return file;
  }

  private static List<Path> shippedWavs() throws IOException, URISyntaxException {
    Path folder = Path.of(HoldAudioTest.class.getResource("/audio").toURI());
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
    }
  }

  private static Path shipped(String name) throws URISyntaxException {
    return Path.of(HoldAudioTest.class.getResource("/audio/" + name).toURI());
  }

  /** The samples as the JDK's own WAV reader sees them, independent of the engine's reader. */
  private static short[] samples(Path wav) throws IOException, UnsupportedAudioFileException {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
      ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
      short[] pcm = new short[bytes.remaining() / 2];
      bytes.asShortBuffer().get(pcm);
      return pcm;
    }
  }

  private static double peak(short[] pcm) {
    int max = 0;
    for (short s : pcm) {
      max = Math.max(max, Math.abs(s));
    }
    return max / 32768.0;
  }

  private static double dbfs(double amplitude) {
    return 20 * Math.log10(amplitude);
  }

  private static byte[] frame(AudioClip clip, boolean aLaw, int index) {
    ByteBuf out = Unpooled.buffer(AudioClip.FRAME_BYTES);
    clip.writeFrame(aLaw, index, out);
    return Arrays.copyOf(out.array(), AudioClip.FRAME_BYTES);
  }
}
