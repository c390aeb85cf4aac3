package io.callengine.core.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The outside SIP addresses a call may be transferred to, from {@code callengine.transfer.allowed-destinations}:
 * patterns where {@code *} stands for any run of characters, each matched against the whole
 * address, case-insensitive. Empty allows nothing. Used by {@link CallTransfers} for the API and REFER alike.
 */
public final class TransferAllowlist {
  private final List<Pattern> patterns;

  TransferAllowlist(List<String> globs) {
    this.patterns = globs.stream().map(String::trim).filter(g -> !g.isEmpty()).map(TransferAllowlist::compile).toList();
  }

  /** A list, or (from an environment variable) one comma-separated string. */
  static TransferAllowlist of(Config config) {
    String path = "callengine.transfer.allowed-destinations";
    if (!config.hasPath(path)) return new TransferAllowlist(List.of());
    if (config.getValue(path).valueType() == ConfigValueType.STRING) {
      return new TransferAllowlist(Arrays.asList(config.getString(path).split(",")));
    }
    return new TransferAllowlist(config.getStringList(path));
  }

  public boolean allows(String address) {
    String lower = address.toLowerCase(Locale.ROOT);
    return patterns.stream().anyMatch(p -> p.matcher(lower).matches());
  }

  private static Pattern compile(String glob) {
    String[] parts = glob.toLowerCase(Locale.ROOT).split("\\*", -1);
    StringBuilder regex = new StringBuilder(Pattern.quote(parts[0]));
    for (int i = 1; i < parts.length; i++) regex.append(".*").append(Pattern.quote(parts[i]));
    return Pattern.compile(regex.toString());
  }
}
