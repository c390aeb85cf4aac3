package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Test access to what a clip sounds like on the wire: one 20 ms frame in μ-law, as the player sends it. */
public final class ClipFrames {
  private ClipFrames() {}

  public static byte[] ulaw(HoldAudio.Prompt prompt, int frame) {
    return ulaw(prompt.file(), frame);
  }

  /** Frame {@code frame} of the shipped clip {@code /audio/<file>.wav}, e.g. {@code n5}. */
  public static byte[] ulaw(String file, int frame) {
    AudioClip clip = AudioClip.resource(file);
    ByteBuf out = Unpooled.buffer(AudioClip.FRAME_BYTES);
    clip.writeFrame(false, frame, out);
    byte[] bytes = new byte[AudioClip.FRAME_BYTES];
    out.readBytes(bytes);
    return bytes;
  }
}
