package io.callengine.sip;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How the gateway watches a call's media, from {@code callengine.media}: how often each leg's
 * quality is sampled, how long without any RTP ends a call (longer while on hold, when some
 * phones go quiet; much shorter for a caller who never sent any after the answer), and the MOS
 * under which a sample is a warning.
 */
record MediaSettings(Duration qualityInterval, Duration noRtpTimeout, Duration noRtpTimeoutOnHold, Duration firstRtpTimeout,
    double mosWarning) {

  static MediaSettings from(Config config) {
    Config media = config.getConfig("callengine.media");
    return new MediaSettings(media.getDuration("quality-interval"), media.getDuration("no-rtp-timeout"),
        media.getDuration("no-rtp-timeout-on-hold"), media.getDuration("first-rtp-timeout"), media.getDouble("mos-warning"));
  }
}
