package io.callengine.sip;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A key sent in SIP INFO, the fallback for phones without RFC 4733: {@code application/dtmf-relay}
 * ({@code Signal=5}, {@code Duration=160}) or {@code application/dtmf} (the key alone).
 */
record DtmfInfo(char digit, int durationMs) {
  private static final Pattern SIGNAL = Pattern.compile("(?im)^\\s*Signal\\s*=\\s*([0-9*#A-Da-d])");
  private static final Pattern DURATION = Pattern.compile("(?im)^\\s*Duration\\s*=\\s*(\\d{1,6})");
  private static final String KEYS = "0123456789*#ABCD";

  static Optional<DtmfInfo> parse(String body) {
    if (body == null) return Optional.empty();
    Matcher signal = SIGNAL.matcher(body);
    if (signal.find()) {
      Matcher duration = DURATION.matcher(body);
      return Optional.of(new DtmfInfo(Character.toUpperCase(signal.group(1).charAt(0)),
          duration.find() ? Integer.parseInt(duration.group(1)) : 0));
    }
    String plain = body.trim().toUpperCase();
    return plain.length() == 1 && KEYS.indexOf(plain.charAt(0)) >= 0 ? Optional.of(new DtmfInfo(plain.charAt(0), 0)) : Optional.empty();
  }
}
