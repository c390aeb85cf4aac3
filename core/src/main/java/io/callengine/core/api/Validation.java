package io.callengine.core.api;

import java.util.stream.Collectors;
import java.util.LinkedHashSet;
import java.util.Arrays;
import io.callengine.core.routing.Strategy;
import io.callengine.core.EngineException;
import io.callengine.core.FieldError;
import io.callengine.core.agent.AgentProfile;
import io.callengine.core.agent.Skill;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.QueueRecording;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns admin input into domain configuration, or fails with every invalid field named. Shared
 * by the Java facades and the HTTP layer, so both refuse exactly the same things.
 */
public final class Validation {
  public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern SIP_URI = Pattern.compile("sips?:([A-Za-z0-9._~!$&'()*+,;=%-]+)@([A-Za-z0-9.\\-\\[\\]:]+)");
  /** The longest a queue's or agent's duration setting may be: a day. */
  public static final int MAX_SECONDS = 86_400;
  public static final Set<String> STRATEGIES =
      Arrays.stream(Strategy.values()).map(Strategy::configName).collect(Collectors.toCollection(LinkedHashSet::new));

  private Validation() {}

  public static QueueConfig queue(QueueSpec s) {
    List<FieldError> errors = new ArrayList<>();
    id(s.id(), errors);
    if (s.sipAddress() != null && !s.sipAddress().matches("[A-Za-z0-9._~!$&'()*+-]{1,64}")) {
      errors.add(new FieldError("sipAddress", "must be the user part of a SIP address, e.g. support"));
    }
    String strategy = s.strategy() == null ? "longest-idle" : s.strategy();
    if (!STRATEGIES.contains(strategy)) errors.add(new FieldError("strategy", "must be one of " + STRATEGIES));
    List<QueueConfig.RequiredSkill> skills = s.requiredSkills() == null ? List.of() : s.requiredSkills();
    for (int i = 0; i < skills.size(); i++) {
      QueueConfig.RequiredSkill r = skills.get(i);
      if (r == null || blank(r.name())) errors.add(new FieldError("requiredSkills[" + i + "].name", "is required"));
      else if (r.minLevel() < 1 || r.minLevel() > 5) errors.add(new FieldError("requiredSkills[" + i + "].minLevel", "must be 1 to 5"));
    }
    nonNegative("priority", s.priority(), errors);
    nonNegative("maxSize", s.maxSize(), errors);
    seconds("maxWaitSeconds", s.maxWaitSeconds(), errors);
    seconds("wrapUpSeconds", s.wrapUpSeconds(), errors);
    seconds("ringTimeoutSeconds", s.ringTimeoutSeconds(), errors);
    seconds("serviceLevelSeconds", s.serviceLevelSeconds(), errors);
    if (s.overflowQueueId() != null && !ID.matcher(s.overflowQueueId()).matches()) {
      errors.add(new FieldError("overflowQueueId", "must be a queue id"));
    }
    if (s.fullStatus() != null && s.fullStatus() != 486 && s.fullStatus() != 480) {
      errors.add(new FieldError("fullStatus", "must be 486 (busy) or 480 (temporarily unavailable)"));
    }
    String noAgent = s.noAgentAction() == null ? QueueConfig.WAIT : s.noAgentAction();
    if (!List.of(QueueConfig.WAIT, QueueConfig.REFUSE, QueueConfig.OVERFLOW).contains(noAgent)) {
      errors.add(new FieldError("noAgentAction", "must be wait, refuse or overflow"));
    }
    seconds("noAgentDelaySeconds", s.noAgentDelaySeconds(), errors);
    if (s.exitKey() != null && !s.exitKey().matches("[0-9*#]")) errors.add(new FieldError("exitKey", "must be one key: 0-9, * or #"));
    seconds("announceEverySeconds", s.announceEverySeconds(), errors);
    QueueRecording recording = recording(s.recording(), errors);
    QueueConfig.Callback callback = QueueCallbackValidation.callback(s.callback(), s.exitKey(), errors);
    if (!errors.isEmpty()) throw EngineException.invalid(errors);
    return new QueueConfig(s.id(), s.name() == null ? s.id() : s.name(), s.sipAddress() == null ? s.id() : s.sipAddress(),
        or(s.priority(), 0), List.copyOf(skills), strategy, or(s.maxSize(), 0), or(s.maxWaitSeconds(), 0),
        s.overflowQueueId(), or(s.wrapUpSeconds(), 0), or(s.ringTimeoutSeconds(), 20), or(s.serviceLevelSeconds(), 20),
        or(s.fullStatus(), 486), noAgent, or(s.noAgentDelaySeconds(), 0), s.exitKey(), or(s.announceEverySeconds(), 0), recording,
        callback);
  }

  /** Absent: null (no call recorded). {@code percent} is required with PERCENT and must be 0 to 100 when given. */
  private static QueueRecording recording(QueueSpec.Recording r, List<FieldError> errors) {
    if (r == null) return null;
    QueueRecording.Mode mode = null;
    if (r.mode() == null) errors.add(new FieldError("recording.mode", "is required: NONE, ALL or PERCENT"));
    else {
      try {
        mode = QueueRecording.Mode.valueOf(r.mode());
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError("recording.mode", "must be NONE, ALL or PERCENT"));
      }
    }
    if (r.percent() != null && (r.percent() < 0 || r.percent() > 100)) errors.add(new FieldError("recording.percent", "must be 0 to 100"));
    if (mode == QueueRecording.Mode.PERCENT && r.percent() == null) errors.add(new FieldError("recording.percent", "is required with PERCENT"));
    return mode == null ? null : new QueueRecording(mode, or(r.percent(), 0), r.announce() != null && r.announce());
  }

  /** Validates an agent; {@code creating} requires a password. */
  public static AgentProfile agent(AgentSpec s, boolean creating) {
    List<FieldError> errors = new ArrayList<>();
    id(s.id(), errors);
    String sipUser = null;
    if (blank(s.sipUri())) errors.add(new FieldError("sipUri", "is required, e.g. sip:alice@example.com"));
    else {
      var m = SIP_URI.matcher(s.sipUri());
      if (m.matches()) sipUser = m.group(1);
      else errors.add(new FieldError("sipUri", "must be a SIP URI such as sip:alice@example.com"));
    }
    if (blank(s.displayName())) errors.add(new FieldError("displayName", "is required"));
    if (creating && blank(s.password())) errors.add(new FieldError("password", "is required"));
    if (s.password() != null && s.password().length() < 4) errors.add(new FieldError("password", "must have at least 4 characters"));
    List<Skill> skills = skills(s.skills(), "skills", errors);
    int max = or(s.maxConcurrentCalls(), 1);
    if (max < 1 || max > 100) errors.add(new FieldError("maxConcurrentCalls", "must be 1 to 100"));
    List<String> queues = s.queues() == null ? List.of() : s.queues();
    for (int i = 0; i < queues.size(); i++) {
      if (queues.get(i) == null || !ID.matcher(queues.get(i)).matches()) errors.add(new FieldError("queues[" + i + "]", "must be a queue id"));
    }
    seconds("wrapUpSeconds", s.wrapUpSeconds(), errors);
    if (!errors.isEmpty()) throw EngineException.invalid(errors);
    return new AgentProfile(s.id(), s.sipUri(), sipUser, s.displayName(), skills, max, s.department(), s.extension(),
        List.copyOf(queues), s.wrapUpSeconds());
  }

  public static List<Skill> skills(List<Skill> skills, String field, List<FieldError> errors) {
    List<Skill> list = skills == null ? List.of() : skills;
    for (int i = 0; i < list.size(); i++) {
      Skill skill = list.get(i);
      if (skill == null || blank(skill.name())) errors.add(new FieldError(field + "[" + i + "].name", "is required"));
      else if (skill.level() < 1 || skill.level() > 5) errors.add(new FieldError(field + "[" + i + "].level", "must be 1 to 5"));
    }
    return List.copyOf(list.stream().filter(java.util.Objects::nonNull).toList());
  }

  private static void id(String id, List<FieldError> errors) {
    if (id == null) errors.add(new FieldError("id", "is required"));
    else if (!ID.matcher(id).matches()) errors.add(new FieldError("id", "must match [a-z0-9][a-z0-9_-]{0,63}"));
  }

  private static void nonNegative(String field, Integer value, List<FieldError> errors) {
    if (value != null && value < 0) errors.add(new FieldError(field, "must not be negative"));
  }

  /** A duration the engine arms a timer with (the scheduler refuses delays beyond about 248 days). */
  static void seconds(String field, Integer value, List<FieldError> errors) {
    nonNegative(field, value, errors);
    if (value != null && value > MAX_SECONDS) errors.add(new FieldError(field, "must be at most " + MAX_SECONDS + " (a day)"));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static int or(Integer value, int fallback) {
    return value == null ? fallback : value;
  }
}
