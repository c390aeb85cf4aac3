package io.callengine.core.policy;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Decides where a call goes from a set of {@link RoutingPolicy routing policies}: policies by
 * order then id, rules in list order, first match wins. Pure and immutable: built once per
 * version of the policies (regular expressions and time zones compiled then), it can then
 * route any number of calls from any thread. Every node keeps one for its copy of the policies ({@code Lookups}).
 */
public final class PolicyMatcher {
  /** The evaluation order: by {@code order}, then by id. */
  public static final Comparator<RoutingPolicy> ORDER =
      Comparator.comparingInt(RoutingPolicy::order).thenComparing(RoutingPolicy::id);

  private final List<Compiled> policies;

  private record Compiled(String id, ZoneId zone, List<Rule> rules, IvrMenu ivr, io.callengine.core.queue.QueueRecording recording) {}

  /** A rule with its dialed user part lower-cased and its caller pattern compiled (null when it has none). */
  private record Rule(RoutingRule rule, String dialed, Pattern pattern, boolean broken) {}

  private PolicyMatcher(List<Compiled> policies) {
    this.policies = policies;
  }

  public static PolicyMatcher of(Collection<RoutingPolicy> policies) {
    Map<String, Pattern> patterns = new HashMap<>();
    return new PolicyMatcher(policies.stream().sorted(ORDER)
        .map(p -> new Compiled(p.id(), zone(p.timeZone()),
            p.rules() == null ? List.of() : p.rules().stream().map(r -> compile(r, patterns)).toList(), p.ivr(), p.recording()))
        .toList());
  }

  /** Evaluates {@code policies} once; build a matcher with {@link #of} to route many calls. */
  public static Optional<RouteDecision> route(Collection<RoutingPolicy> policies, RouteRequest request) {
    return of(policies).route(request);
  }

  public Optional<RouteDecision> route(RouteRequest request) {
    String dialed = request.dialed() == null ? null : userPart(request.dialed()).toLowerCase(Locale.ROOT);
    Caller caller = request.caller() == null ? null : Caller.of(request.caller());
    for (Compiled policy : policies) {
      LocalDateTime local = null;
      for (Rule rule : policy.rules()) {
        RoutingRule r = rule.rule();
        if (rule.broken()) continue;
        if (rule.dialed() != null && !rule.dialed().equals(dialed)) continue;
        if (r.digits() != null && !r.digits().equals(request.digits())) continue;
        if (r.caller() != null && (caller == null || !caller.matches(r.caller(), rule.pattern()))) continue;
        if (r.windows() != null && !r.windows().isEmpty()) {
          if (request.at() == null) continue;
          if (local == null) local = LocalDateTime.ofInstant(request.at(), policy.zone());
          if (!inAny(r.windows(), local)) continue;
        }
        return Optional.of(new RouteDecision(r.queueId(), r.priority() == null ? 0 : r.priority(),
            r.extraSkills() == null ? List.of() : r.extraSkills(), policy.id(), policy.ivr(), policy.recording()));
      }
    }
    return Optional.empty();
  }

  /** The user part of a SIP or tel URI ({@code sip:alice@host;transport=tcp} gives alice), or the text itself. */
  public static String userPart(String address) {
    String a = bare(address);
    int colon = a.indexOf(':');
    if (colon > 0 && a.substring(0, colon).toLowerCase(Locale.ROOT).matches("sips?|tel")) a = a.substring(colon + 1);
    int at = a.indexOf('@');
    if (at >= 0) a = a.substring(0, at);
    int semi = a.indexOf(';');
    return semi >= 0 ? a.substring(0, semi) : a;
  }

  /** The URI inside a name-addr ({@code "Bob" <sip:bob@host>}), trimmed. */
  private static String bare(String address) {
    String a = address.strip();
    int lt = a.indexOf('<');
    if (lt < 0) return a;
    int gt = a.indexOf('>', lt);
    return a.substring(lt + 1, gt < 0 ? a.length() : gt).strip();
  }

  /** The caller's user part and whole URI, each compared in turn. */
  private record Caller(String user, String uri) {
    static Caller of(String address) {
      return new Caller(userPart(address), bare(address));
    }

    boolean matches(CallerMatch match, Pattern pattern) {
      if (match.exact() != null) return user.equalsIgnoreCase(match.exact()) || uri.equalsIgnoreCase(match.exact());
      if (match.prefix() != null) return startsWith(user, match.prefix()) || startsWith(uri, match.prefix());
      return pattern != null && (pattern.matcher(user).matches() || pattern.matcher(uri).matches());
    }

    private static boolean startsWith(String s, String prefix) {
      return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }
  }

  static boolean inAny(List<TimeWindow> windows, LocalDateTime local) {
    for (TimeWindow w : windows) {
      if (contains(w, local)) return true;
    }
    return false;
  }

  /** Across midnight (from not before to), the part after midnight belongs to the day before. */
  static boolean contains(TimeWindow w, LocalDateTime local) {
    LocalTime time = local.toLocalTime();
    DayOfWeek day = local.getDayOfWeek();
    if (w.from().isBefore(w.to())) return on(w, day) && !time.isBefore(w.from()) && time.isBefore(w.to());
    if (!time.isBefore(w.from())) return on(w, day);
    return time.isBefore(w.to()) && on(w, day.minus(1));
  }

  private static boolean on(TimeWindow w, DayOfWeek day) {
    return w.days() == null || w.days().isEmpty() || w.days().contains(day);
  }

  /** Saved policies were validated; should one still not compile, its rule never matches rather than failing every call. */
  private static Rule compile(RoutingRule rule, Map<String, Pattern> patterns) {
    String dialed = rule.dialed() == null ? null : userPart(rule.dialed()).toLowerCase(Locale.ROOT);
    String regex = rule.caller() == null ? null : rule.caller().pattern();
    if (regex == null) return new Rule(rule, dialed, null, false);
    try {
      return new Rule(rule, dialed, patterns.computeIfAbsent(regex, Pattern::compile), false);
    } catch (PatternSyntaxException e) {
      return new Rule(rule, dialed, null, true);
    }
  }

  private static ZoneId zone(String timeZone) {
    try {
      return timeZone == null ? ZoneOffset.UTC : ZoneId.of(timeZone);
    } catch (java.time.DateTimeException e) {
      return ZoneOffset.UTC;
    }
  }
}
