package io.wsgate.auth;

import io.wsgate.workspace.WorkspaceId;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a verified LMS login token says.
 *
 * @param user        {@code sub}: the LMS user id
 * @param workspace   {@code wsid}: the one workspace the token opens
 * @param profile     {@code profile}: the profile to launch it with, if the LMS chose one
 * @param jti         {@code jti}: unique id; a token is accepted once
 * @param expiresAtMs {@code exp}, in milliseconds
 */
public record TokenClaims(String user, WorkspaceId workspace, Optional<String> profile, String jti, long expiresAtMs) {

  /** LMS user ids: what Redis keys and cookies can carry without escaping. */
  public static final Pattern USER = Pattern.compile("[A-Za-z0-9._@+-]{1,128}");
  public static final Pattern JTI = Pattern.compile("[A-Za-z0-9._~-]{8,128}");
  public static final Pattern PROFILE = Pattern.compile("[a-z][a-z0-9]{0,30}");

  public TokenClaims {
    Objects.requireNonNull(workspace, "workspace");
    if (!USER.matcher(user).matches()) {
      throw new IllegalArgumentException("user: '" + user + "' (expected: " + USER.pattern() + ")");
    }
    if (!JTI.matcher(jti).matches()) {
      throw new IllegalArgumentException("jti (expected: " + JTI.pattern() + ")");
    }
    if (profile.isPresent() && !PROFILE.matcher(profile.get()).matches()) {
      throw new IllegalArgumentException("profile: '" + profile.get() + "' (expected: " + PROFILE.pattern() + ")");
    }
  }
}
