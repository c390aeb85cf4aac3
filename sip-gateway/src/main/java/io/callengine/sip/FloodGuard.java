package io.callengine.sip;

import io.callengine.core.security.Limit;
import com.github.benmanes.caffeine.cache.Ticker;
import gov.nist.javax.sip.message.SIPMessage;
import io.callengine.core.security.SecurityLog;
import io.callengine.sip.security.SecuritySettings;
import io.callengine.sip.security.SourceRateLimiter;
import java.net.InetAddress;
import java.time.Duration;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;

/**
 * Per-source rate limits at the SIP front door: {@link SipEventListener} asks here, on the stack's
 * thread and before any transaction or actor exists, about every new INVITE (no To tag) and every
 * REGISTER. Within its source's limit the request goes on; over it, an INVITE is answered 503 with
 * Retry-After statelessly (no transaction is kept for it) and a REGISTER is dropped. Trusted
 * sources pass untouched. Why 503 and not 429: in SIP, 429 is "Provide Referrer Identity" (RFC
 * 3892); 503 with Retry-After is SIP's "not now, try later" (RFC 3261 21.5.4), which phones and
 * proxies act on. A REGISTER is dropped rather than answered because a REGISTER flood is
 * typically a scanner enumerating accounts: silence tells it nothing and reflects no traffic to a
 * spoofed source, while a real phone far below the limit retransmits and refreshes as usual.
 */
final class FloodGuard {
  private final SecuritySettings settings;
  private final SecurityLog securityLog;
  private final SourceRateLimiter invites;
  private final SourceRateLimiter registers;
  private final SipMessages messages;

  FloodGuard(SecuritySettings settings, SecurityLog securityLog, Ticker ticker, SipMessages messages) {
    this.settings = settings;
    this.securityLog = securityLog;
    Duration idle = Duration.ofMinutes(1);
    this.invites = limiter(settings.invite(), idle, settings.maxTrackedSources(), ticker);
    this.registers = limiter(settings.register(), idle, settings.maxTrackedSources(), ticker);
    this.messages = messages;
  }

  private static SourceRateLimiter limiter(Limit limit, Duration idle, int max, Ticker ticker) {
    return limit == null ? null : new SourceRateLimiter(limit, idle, max, ticker);
  }

  /** Whether the request was refused here (answered or dropped); false: it goes on as usual. */
  boolean refuses(Request request) {
    String method = request.getMethod();
    SourceRateLimiter limiter = Request.REGISTER.equals(method) ? registers
        : Request.INVITE.equals(method) && ((ToHeader) request.getHeader(ToHeader.NAME)).getTag() == null ? invites : null;
    if (limiter == null) return false;
    InetAddress source = sourceOf(request);
    if (source == null || settings.trusted().contains(source) || limiter.allow(source.getHostAddress())) return false;
    securityLog.rateLimited(method, source, limiter.limit());
    if (Request.INVITE.equals(method)) messages.serviceUnavailableStatelessly(request, settings.retryAfter());
    return true;
  }

  /** The source whose share of the calls in set-up a new call takes ({@link CallAdmission}); null for a trusted one. */
  String admissionSource(Request request) {
    InetAddress source = sourceOf(request);
    return source == null || settings.trusted().contains(source) ? null : source.getHostAddress();
  }

  /** Where the packet came from (not what its Via says). */
  static InetAddress sourceOf(Request request) {
    if (!(request instanceof SIPMessage message)) return null;
    InetAddress packet = message.getPeerPacketSourceAddress();
    return packet != null ? packet : message.getRemoteAddress();
  }
}
