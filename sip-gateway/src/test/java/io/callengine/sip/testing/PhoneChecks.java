package io.callengine.sip.testing;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** What the call tests ask of their phones: is a voice heard through the engine, did a request come. */
public final class PhoneChecks {
  private PhoneChecks() {}

  /**
   * Whether {@code listener} hears {@code payload} from {@code speaker} within 10 s: it is sent
   * again and again, and the listener reads past anything else (hold music, earlier packets).
   */
  public static boolean heard(TestPhone speaker, String payload, TestPhone listener) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      speaker.rtp.send(payload);
      for (int packets = 0; packets < 500; packets++) {
        String got = listener.rtp.receive(50);
        if (got == null) break;
        if (payload.equals(got)) return true;
      }
    }
    return false;
  }

  /** Whether {@code phone} notes {@code method} (a request it got, or its own event) within 10 s, passing over others. */
  public static boolean got(TestPhone phone, String method) throws InterruptedException {
    for (int i = 0; i < 20; i++) {
      if (method.equals(phone.events.poll(500, TimeUnit.MILLISECONDS))) return true;
    }
    return false;
  }
}
