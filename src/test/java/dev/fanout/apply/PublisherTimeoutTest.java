package dev.fanout.apply;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.provider.RegistryException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/** Which failed writes make the walker wait for a registry that may still be working on them. */
class PublisherTimeoutTest {

  @Test
  void aSilentRegistryBehindARegistryExceptionCountsAsTimedOut() {
    RegistryException e = new RegistryException("oci", "publish", 0, "connection failed during the write", true,
        "it is retried", new SocketTimeoutException("Read timed out"));

    assertTrue(Publisher.timedOut(e));
  }

  @Test
  void okHttpsCallTimeoutCountsAsTimedOut() {
    assertTrue(Publisher.timedOut(new IOException("wrapped", new InterruptedIOException("timeout"))));
  }

  @Test
  void aResetOrAnHttpStatusIsNoTimeout() {
    assertFalse(Publisher.timedOut(new RegistryException("npm", "publish", 0, "reset", true, null,
        new IOException("Connection reset"))));
    assertFalse(Publisher.timedOut(new RegistryException("npm", "publish", 503, "unavailable", true, null, null)));
  }
}
