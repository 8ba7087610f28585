package io.wsgate.auth;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.Vertx;
import io.wsgate.testing.TestTime;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.AfterAll;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token verifier never throws anything but {@link InvalidTokenException}, and no tampering makes it accept a
 * token that says anything but what was signed: arbitrary strings, and valid tokens with bytes changed, inserted
 * or cut.
 */
class LoginTokensFuzzTest {

  private static final Vertx VERTX = Vertx.vertx();
  private static final LoginTokens TOKENS = new LoginTokens(VERTX,
      KeyRing.parse("k1:fuzzing-secret-0123456789abcdef0123456789", new ArrayList<>()), Duration.ofMinutes(5),
      Duration.ofSeconds(30));
  private static final long NOW = TestTime.at("2027-01-15T08:00:00Z").toEpochMilli();
  private static final String VALID = TOKENS.mint("alice", new WorkspaceId("fuzz"), Optional.of("demo"),
      Duration.ofSeconds(60), NOW);

  @AfterAll
  static void close() {
    VERTX.close();
  }

  @FuzzTest(maxDuration = "10s")
  void tamperedTokensSayOnlyWhatWasSigned(FuzzedDataProvider data) {
    String token;
    if (data.consumeBoolean()) {
      token = data.consumeRemainingAsString();
    } else {
      StringBuilder b = new StringBuilder(VALID);
      int edits = data.consumeInt(1, 4);
      for (int i = 0; i < edits && b.length() > 0; i++) {
        int at = data.consumeInt(0, b.length() - 1);
        switch (data.consumeInt(0, 2)) {
          case 0 -> b.setCharAt(at, data.consumeChar());
          case 1 -> b.insert(at, data.consumeChar());
          default -> b.deleteCharAt(at);
        }
      }
      token = b.toString();
    }
    TokenClaims claims;
    try {
      claims = TOKENS.verify(token, NOW);
    } catch (InvalidTokenException refused) {
      return;
    }
    assertThat(claims.user()).isEqualTo("alice");
    assertThat(claims.workspace().value()).isEqualTo("fuzz");
    assertThat(claims.profile()).contains("demo");
  }
}
