package io.callengine.core.policy;

import io.callengine.core.CborSerializable;

/**
 * A menu played to a caller before the policy's rules decide, so that rules with {@code digits}
 * can match: the {@code prompt} clip, then up to {@code maxDigits} keys collected with
 * {@code timeoutSeconds} of silence ending the input, {@code retries} more tries after an
 * invalid or missing choice, and then the policy's rule without digits.
 */
public record IvrMenu(String prompt, int maxDigits, int timeoutSeconds, int retries) implements CborSerializable {

  public static final String DEFAULT_PROMPT = "please-choose";

  /** 0 (a field left out) takes the default; a negative number is kept, for validation to refuse. */
  public IvrMenu {
    prompt = prompt == null || prompt.isBlank() ? DEFAULT_PROMPT : prompt;
    maxDigits = maxDigits == 0 ? 1 : maxDigits;
    timeoutSeconds = timeoutSeconds == 0 ? 5 : timeoutSeconds;
  }
}
