package io.callengine.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DigestUpgradesTest {
  private final DigestUpgrades upgrades = new DigestUpgrades(List.of(Algorithm.MD5));

  @Test
  void aStaleNonceIsAnsweredWithSha256AloneUntilThePhoneShowsItCannot() {
    assertEquals(List.of(Algorithm.SHA_256), upgrades.staleChallenge("alice"));
    upgrades.seen("alice", Algorithm.SHA_256);
    assertEquals(List.of(Algorithm.SHA_256), upgrades.staleChallenge("alice"), "it answered: again next time");

    upgrades.seen("alice", null);
    assertEquals(List.of(Algorithm.MD5), upgrades.staleChallenge("alice"), "it came back without an answer");
    upgrades.seen("alice", Algorithm.SHA_256);
    assertEquals(List.of(Algorithm.MD5), upgrades.staleChallenge("alice"), "MD5-only stays");
  }

  @Test
  void anMd5AnswerAfterTheUpgradeMarksThePhoneMd5Only() {
    upgrades.staleChallenge("bob");
    upgrades.seen("bob", Algorithm.MD5);
    assertEquals(List.of(Algorithm.MD5), upgrades.staleChallenge("bob"));
  }

  @Test
  void usersNeverChallengedStaleAreNotRemembered() {
    upgrades.seen("carol", null);
    upgrades.seen("carol", Algorithm.MD5);
    assertEquals(List.of(Algorithm.SHA_256), upgrades.staleChallenge("carol"));
  }
}
