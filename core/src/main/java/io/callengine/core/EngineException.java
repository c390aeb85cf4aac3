package io.callengine.core;

import java.util.List;

/**
 * A typed failure of a facade call: what was refused, a sentence a person can act on, and for
 * invalid input the fields at fault.
 */
public final class EngineException extends RuntimeException {
  private final Refusal refusal;
  private final List<FieldError> errors;

  public EngineException(Refusal refusal, String detail) {
    this(refusal, detail, List.of());
  }

  public EngineException(Refusal refusal, String detail, List<FieldError> errors) {
    super(detail);
    this.refusal = refusal;
    this.errors = List.copyOf(errors);
  }

  public static EngineException invalid(List<FieldError> errors) {
    return new EngineException(Refusal.INVALID, "the request has " + errors.size() + " invalid field(s)", errors);
  }

  public Refusal refusal() {
    return refusal;
  }

  public List<FieldError> errors() {
    return errors;
  }
}
