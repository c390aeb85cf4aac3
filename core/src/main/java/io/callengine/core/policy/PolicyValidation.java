package io.callengine.core.policy;

import io.callengine.core.EngineException;
import io.callengine.core.FieldError;
import io.callengine.core.queue.QueueConfig;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a routing policy as an admin sent it and returns it in its stored form (defaults
 * filled in, lists never null), or fails with every invalid field named by its path
 * ({@code rules[0].caller.pattern}). The admin facade calls it before anything is saved;
 * whether each rule's queue exists is the facade's check.
 */
public final class PolicyValidation {
  /** The same shape as queue and agent ids. */
  public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern DIGITS = Pattern.compile("[0-9*#A-Da-d]{1,32}");
  private static final int MAX_PRIORITY = 100;

  private PolicyValidation() {}

  public static RoutingPolicy policy(RoutingPolicy p) {
    List<FieldError> errors = new ArrayList<>();
    if (p.id() == null) errors.add(new FieldError("id", "is required"));
    else if (!ID.matcher(p.id()).matches()) errors.add(new FieldError("id", "must match [a-z0-9][a-z0-9_-]{0,63}"));
    String zone = zone(p.timeZone(), errors);
    List<RoutingRule> rules = p.rules() == null ? List.of() : p.rules();
    if (rules.isEmpty()) errors.add(new FieldError("rules", "needs at least one rule"));
    List<RoutingRule> valid = new ArrayList<>();
    int firstDefault = -1;
    for (int i = 0; i < rules.size(); i++) {
      String path = "rules[" + i + "]";
      RoutingRule rule = rules.get(i);
      if (rule == null) {
        errors.add(new FieldError(path, "must be a rule, not null"));
        continue;
      }
      if (firstDefault >= 0) {
        errors.add(new FieldError(path, "is never reached: rules[" + firstDefault + "] before it has no condition and takes every call"));
      } else if (rule.matchesAnyCall()) {
        firstDefault = i;
      }
      valid.add(rule(rule, path, errors));
    }
    IvrMenu ivr = p.ivr();
    if (ivr != null && (ivr.maxDigits() < 1 || ivr.maxDigits() > 32 || ivr.timeoutSeconds() < 1 || ivr.timeoutSeconds() > 60
        || ivr.retries() < 0 || ivr.retries() > 10)) {
      errors.add(new FieldError("ivr", "maxDigits 1 to 32, timeoutSeconds 1 to 60, retries 0 to 10"));
    }
    io.callengine.core.queue.QueueRecording recording = p.recording();
    if (recording != null && recording.mode() == null) errors.add(new FieldError("recording.mode", "is required: NONE, ALL or PERCENT"));
    if (recording != null && (recording.percent() < 0 || recording.percent() > 100)) {
      errors.add(new FieldError("recording.percent", "must be 0 to 100"));
    }
    if (!errors.isEmpty()) throw EngineException.invalid(errors);
    return new RoutingPolicy(p.id(), p.name() == null || p.name().isBlank() ? p.id() : p.name(), p.order(), List.copyOf(valid), zone,
        p.ivr(), recording);
  }

  /** As {@link #policy}, for a PUT: an id in the body, if any, must be the one in the path. */
  public static RoutingPolicy policy(String id, RoutingPolicy p) {
    if (p.id() != null && !p.id().equals(id)) throw EngineException.invalid(List.of(new FieldError("id", "must match the id in the path")));
    return policy(new RoutingPolicy(id, p.name(), p.order(), p.rules(), p.timeZone(), p.ivr(), p.recording()));
  }

  private static RoutingRule rule(RoutingRule r, String path, List<FieldError> errors) {
    if (r.dialed() != null && (r.dialed().isBlank() || r.dialed().length() > 256)) {
      errors.add(new FieldError(path + ".dialed", "must be a dialed address such as support or sip:support@example.com"));
    }
    if (r.caller() != null) caller(r.caller(), path + ".caller", errors);
    List<TimeWindow> windows = r.windows() == null ? List.of() : r.windows();
    for (int j = 0; j < windows.size(); j++) window(windows.get(j), path + ".windows[" + j + "]", errors);
    if (r.digits() != null && !DIGITS.matcher(r.digits()).matches()) {
      errors.add(new FieldError(path + ".digits", "must be 1 to 32 DTMF digits (0-9, *, #, A-D)"));
    }
    if (r.queueId() == null) errors.add(new FieldError(path + ".queueId", "is required"));
    else if (!ID.matcher(r.queueId()).matches()) errors.add(new FieldError(path + ".queueId", "must be a queue id"));
    int priority = r.priority() == null ? 0 : r.priority();
    if (priority < 0 || priority > MAX_PRIORITY) errors.add(new FieldError(path + ".priority", "must be 0 to " + MAX_PRIORITY));
    List<QueueConfig.RequiredSkill> skills = r.extraSkills() == null ? List.of() : r.extraSkills();
    for (int k = 0; k < skills.size(); k++) {
      QueueConfig.RequiredSkill s = skills.get(k);
      String at = path + ".extraSkills[" + k + "]";
      if (s == null || s.name() == null || s.name().isBlank()) errors.add(new FieldError(at + ".name", "is required"));
      else if (s.minLevel() < 1 || s.minLevel() > 5) errors.add(new FieldError(at + ".minLevel", "must be 1 to 5"));
    }
    return new RoutingRule(r.dialed(), r.caller(), copy(windows).stream().map(PolicyValidation::window).toList(), r.digits(), r.queueId(), priority, copy(skills));
  }

  private static void caller(CallerMatch c, String path, List<FieldError> errors) {
    long set = java.util.stream.Stream.of(c.exact(), c.prefix(), c.pattern()).filter(Objects::nonNull).count();
    if (set != 1) {
      errors.add(new FieldError(path, "needs exactly one of exact, prefix or pattern"));
      return;
    }
    if (c.exact() != null && c.exact().isBlank()) errors.add(new FieldError(path + ".exact", "must not be blank"));
    if (c.prefix() != null && c.prefix().isBlank()) errors.add(new FieldError(path + ".prefix", "must not be blank"));
    if (c.pattern() != null) {
      try {
        Pattern.compile(c.pattern());
      } catch (PatternSyntaxException e) {
        errors.add(new FieldError(path + ".pattern", "is not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex()));
      }
    }
  }

  private static void window(TimeWindow w, String path, List<FieldError> errors) {
    if (w == null) {
      errors.add(new FieldError(path, "must be a window, not null"));
      return;
    }
    if (w.from() == null) errors.add(new FieldError(path + ".from", "is required, e.g. 08:00"));
    if (w.to() == null) errors.add(new FieldError(path + ".to", "is required, e.g. 18:00 (exclusive; before from means across midnight)"));
    if (w.days() != null && w.days().stream().anyMatch(Objects::isNull)) errors.add(new FieldError(path + ".days", "must list days such as MONDAY"));
  }

  private static TimeWindow window(TimeWindow w) {
    return new TimeWindow(w.days() == null ? List.of() : copy(w.days()), w.from(), w.to());
  }

  private static String zone(String timeZone, List<FieldError> errors) {
    if (timeZone == null) return "UTC";
    try {
      return ZoneId.of(timeZone).getId();
    } catch (DateTimeException e) {
      errors.add(new FieldError("timeZone", "must be a time zone such as Europe/Paris or UTC"));
      return timeZone;
    }
  }

  private static <T> List<T> copy(List<T> list) {
    return list.stream().filter(Objects::nonNull).toList();
  }
}
