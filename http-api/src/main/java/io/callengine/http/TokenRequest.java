package io.callengine.http;

import io.callengine.core.EngineException;
import io.callengine.core.FieldError;
import io.callengine.core.auth.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The body of POST {@code /api/v1/admin/tokens}: {@code role} is supervisor or agent (any case),
 * {@code agentId} is required for agent tokens only, and the {@code label} (generated when
 * missing) is what DELETE {@code /api/v1/admin/tokens/{label}} revokes.
 */
record TokenRequest(String role, String agentId, String label) {
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** The role to mint, checked together with the label. The admin token is configured, never minted. */
  Role checkedRole() {
    List<FieldError> errors = new ArrayList<>();
    Role parsed = null;
    if (role == null) errors.add(new FieldError("role", "is required: supervisor or agent"));
    else if (role.equalsIgnoreCase("supervisor")) parsed = Role.SUPERVISOR;
    else if (role.equalsIgnoreCase("agent")) parsed = Role.AGENT;
    else if (role.equalsIgnoreCase("admin")) errors.add(new FieldError("role", "cannot be admin: the admin token is configured, not minted"));
    else errors.add(new FieldError("role", "must be supervisor or agent"));
    if (label != null && !LABEL.matcher(label).matches()) errors.add(new FieldError("label", "must be 1 to 64 letters, digits, '.', '_' or '-'"));
    if (!errors.isEmpty()) throw EngineException.invalid(errors);
    return parsed;
  }
}
