package io.callengine.sip.security;

import io.callengine.sip.media.IpLiteral;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses the flood and brute-force guards leave alone: a list of IP addresses and CIDR
 * blocks ({@code 10.0.0.5}, {@code 192.0.2.0/24}, {@code 2001:db8::/32}), such as a Kamailio or
 * an SBC in front of the cluster, which sends the traffic of many callers from one address.
 */
public final class TrustedSources {
  private record Block(byte[] network, int prefix) {}

  private final List<Block> blocks;

  private TrustedSources(List<Block> blocks) {
    this.blocks = blocks;
  }

  public static final TrustedSources NONE = new TrustedSources(List.of());

  /** Parses entries such as {@code 127.0.0.1} or {@code 10.1.0.0/16}; anything else is an error naming {@code setting}. */
  public static TrustedSources parse(List<String> entries, String setting) {
    List<Block> blocks = new ArrayList<>();
    for (String raw : entries) {
      String entry = raw.strip();
      if (entry.isEmpty()) continue;
      int slash = entry.indexOf('/');
      String host = slash < 0 ? entry : entry.substring(0, slash);
      if (!IpLiteral.isLiteral(host)) throw invalid(setting, raw);
      byte[] network = address(host).getAddress();
      int prefix;
      try {
        prefix = slash < 0 ? network.length * 8 : Integer.parseInt(entry.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw invalid(setting, raw);
      }
      if (prefix < 0 || prefix > network.length * 8) throw invalid(setting, raw);
      blocks.add(new Block(network, prefix));
    }
    return new TrustedSources(List.copyOf(blocks));
  }

  public boolean contains(InetAddress address) {
    if (address == null) return false;
    byte[] bytes = address.getAddress();
    for (Block block : blocks) {
      if (block.network().length == bytes.length && matches(block, bytes)) return true;
    }
    return false;
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  private static boolean matches(Block block, byte[] bytes) {
    int bits = block.prefix();
    for (int i = 0; bits > 0; i++, bits -= 8) {
      int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if ((block.network()[i] & mask) != (bytes[i] & mask)) return false;
    }
    return true;
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: no DNS
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static IllegalArgumentException invalid(String setting, String entry) {
    return new IllegalArgumentException(setting + ": '" + entry + "' is not an IP address or CIDR block such as 10.0.0.0/8");
  }
}
