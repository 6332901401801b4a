package dev.fanout.providers.aur;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.jgit.transport.RemoteRefUpdate.Status;
import org.junit.jupiter.api.Test;

/** Which refused pushes mean another run pushed first (cloned again and compared), and which never are. */
class AurLostRaceTest {

  @Test
  void theRefMovingBetweenAdvertisementAndUpdateIsALostRace() {
    // JGit's receive-pack, as the sandbox's AUR runs it, when the other run's push landed first.
    assertTrue(AurProvider.lostRace(Status.REJECTED_OTHER_REASON, "invalid old id sent"));
    assertTrue(AurProvider.lostRace(Status.REJECTED_OTHER_REASON, "failed to lock"));
    assertTrue(AurProvider.lostRace(Status.REJECTED_NONFASTFORWARD, null));
  }

  @Test
  void aHooksRefusalIsNeverARace() {
    assertFalse(AurProvider.lostRace(Status.REJECTED_OTHER_REASON, "pre-receive hook declined"));
    assertFalse(AurProvider.lostRace(Status.REJECTED_OTHER_REASON, "the .SRCINFO is missing"));
  }
}
