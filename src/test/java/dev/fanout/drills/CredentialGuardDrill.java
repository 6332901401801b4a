package dev.fanout.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fanout.http.Http;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Dns;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared client's credential guard, on real sockets: credentials never follow a
 * redirect to another origin, and never go over plain HTTP to a host that is not loopback.
 */
class CredentialGuardDrill {

  private final OkHttpClient http = Http.client("drill", Http.Policy.standard());
  private final MockWebServer origin = new MockWebServer();
  private final MockWebServer elsewhere = new MockWebServer();

  @AfterEach
  void stop() throws IOException {
    origin.close();
    elsewhere.close();
  }

  private static Request withCredentials(String url) {
    return new Request.Builder().url(url).header("Authorization", "Bearer drill-secret")
        .header("X-Api-Key", "drill-key").build();
  }

  @Test
  void aRedirectToAnotherHostArrivesWithoutCredentials() throws Exception {
    // given the origin redirects (307) to another host name
    origin.start(InetAddress.getLoopbackAddress(), 0);
    elsewhere.start(InetAddress.getLoopbackAddress(), 0);
    origin.enqueue(new MockResponse.Builder().code(307)
        .setHeader("Location", "http://localhost:" + elsewhere.getPort() + "/landed").build());
    elsewhere.enqueue(new MockResponse.Builder().code(200).body("ok").build());

    // when a request with credentials follows it
    try (Response r = http.newCall(withCredentials("http://127.0.0.1:" + origin.getPort() + "/start")).execute()) {
      assertEquals(200, r.code());
    }

    // then the origin got them and the other host did not
    RecordedRequest first = origin.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest landed = elsewhere.takeRequest(5, TimeUnit.SECONDS);
    assertEquals("Bearer drill-secret", first.getHeaders().get("Authorization"));
    assertNull(landed.getHeaders().get("Authorization"));
    assertNull(landed.getHeaders().get("X-Api-Key"));
    record("redirect to another host", "stripped");
  }

  @Test
  void aRedirectToAnotherPortOfTheSameHostArrivesWithoutCredentials() throws Exception {
    // given the origin redirects to another server on the same address (another origin)
    origin.start(InetAddress.getLoopbackAddress(), 0);
    elsewhere.start(InetAddress.getLoopbackAddress(), 0);
    origin.enqueue(new MockResponse.Builder().code(307)
        .setHeader("Location", "http://127.0.0.1:" + elsewhere.getPort() + "/landed").build());
    elsewhere.enqueue(new MockResponse.Builder().code(200).body("ok").build());

    // when
    try (Response r = http.newCall(withCredentials("http://127.0.0.1:" + origin.getPort() + "/start")).execute()) {
      assertEquals(200, r.code());
    }

    // then
    assertNull(elsewhere.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"));
    record("redirect to another port", "stripped");
  }

  @Test
  void credentialsOverPlainHttpToANonLoopbackHostAreRefused() throws Exception {
    // given a registry named by a host that is not loopback; the name resolves to loopback for
    // this test alone, so no traffic leaves the machine's loopback interface
    elsewhere.start(InetAddress.getLoopbackAddress(), 0);
    elsewhere.enqueue(new MockResponse.Builder().code(200).body("ok").build());
    OkHttpClient viaName = http.newBuilder()
        .dns(host -> host.equals("registry.example") ? List.of(InetAddress.getLoopbackAddress()) : Dns.SYSTEM.lookup(host))
        .build();
    String url = "http://registry.example:" + elsewhere.getPort() + "/";

    // when credentials would go there over plain HTTP
    IOException refused = assertThrows(IOException.class, () -> viaName.newCall(withCredentials(url)).execute().close());

    // then nothing was sent, and the same request without them goes through
    assertTrue(refused.getMessage().contains("refusing to send credentials over plain HTTP"), refused.getMessage());
    assertEquals(0, elsewhere.getRequestCount());
    try (Response r = viaName.newCall(new Request.Builder().url(url).build()).execute()) {
      assertEquals(200, r.code());
    }
    record("credentials over plain http off loopback", "refused");
  }

  private static final Map<String, Object> CHECKS = Collections.synchronizedMap(new LinkedHashMap<>());

  private static void record(String check, String outcome) throws IOException {
    CHECKS.put(check.replace(' ', '_'), outcome);
    Drills.saveFigures("credential-guard", new LinkedHashMap<>(CHECKS));
  }
}
