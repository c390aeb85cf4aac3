package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/** The built-in hold music as the engine sends it in PCMU, one hex string per 20 ms frame: to tell it from other audio by content. */
public final class HoldMusicFrames {
  private HoldMusicFrames() {}

  public static Set<String> pcmu() {
    AudioClip music = HoldAudio.builtIn().music();
    Set<String> frames = new HashSet<>();
    ByteBuf frame = Unpooled.buffer(AudioClip.FRAME_BYTES);
    for (int i = 0; i < music.frames(); i++) {
      frame.clear();
      music.writeFrame(false, i, frame);
      byte[] bytes = new byte[AudioClip.FRAME_BYTES];
      frame.readBytes(bytes);
      frames.add(HexFormat.of().formatHex(bytes));
    }
    return frames;
  }
}
