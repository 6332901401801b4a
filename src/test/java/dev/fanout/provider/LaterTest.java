package dev.fanout.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.http.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class LaterTest {

  private static final OkHttpClient HTTP = new OkHttpClient();

  @AfterAll
  static void stop() {
    HTTP.dispatcher().executorService().shutdown();
  }

  @Test
  void readsThatNeedNoAnswerFromEachOtherAreInFlightTogether() throws Exception {
    // Each read waits until both have started: run one after another, neither would finish.
    CountDownLatch both = new CountDownLatch(2);
    Later.Read<String> read = () -> {
      both.countDown();
      try {
        return both.await(10, TimeUnit.SECONDS) ? "answered" : "alone";
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    };
    Later<String> first = Later.start(HTTP, read);
    Later<String> second = Later.start(HTTP, read);
    assertEquals("answered", first.get());
    assertEquals("answered", second.get());
  }

  @Test
  void parallelismOneMakesEveryReadOnTheCallersThreadInOrder() throws Exception {
    List<String> order = new ArrayList<>();
    Thread caller = Thread.currentThread();
    try (Http.Notices serial = Later.oneAtATime()) {
      Later<Thread> a = Later.start(HTTP, () -> {
        order.add("a");
        return Thread.currentThread();
      });
      order.add("between");
      Later<Thread> b = Later.start(HTTP, () -> {
        order.add("b");
        return Thread.currentThread();
      });
      assertSame(caller, a.get());
      assertSame(caller, b.get());
    }
    assertEquals(List.of("a", "between", "b"), order);
    // Outside the handle, reads go to the client's threads again.
    assertNotEquals(caller, Later.start(HTTP, Thread::currentThread).get());
  }

  @Test
  void aReadsFailureIsThrownByGetAsTheReadThrewIt() {
    RegistryException refused = new RegistryException("npm", "read x", 500, "down", "try later");
    Later<String> failed = Later.start(HTTP, () -> {
      throw refused;
    });
    assertSame(refused, assertThrows(RegistryException.class, failed::get));
    Later<String> broken = Later.start(HTTP, () -> {
      throw new IllegalArgumentException("bad answer");
    });
    assertTrue(assertThrows(IllegalArgumentException.class, broken::get).getMessage().contains("bad answer"));
  }

  @Test
  void aRetriedReadOnTheClientsThreadsStillTellsItsTarget() throws Exception {
    try (mockwebserver3.MockWebServer registry = new mockwebserver3.MockWebServer()) {
      registry.enqueue(new mockwebserver3.MockResponse.Builder().code(503).build());
      registry.enqueue(new mockwebserver3.MockResponse.Builder().code(200).body("ok").build());
      registry.start();
      OkHttpClient http = Http.client("test", new Http.Policy(3, java.time.Duration.ofSeconds(2), java.util.Map.of(),
          java.time.Duration.ofSeconds(5)));
      List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
      String body;
      try (Http.Notices notices = Http.retryNotices(heard::add)) {
        body = Later.start(http, () -> {
          try (okhttp3.Response r = http.newCall(new okhttp3.Request.Builder().url(registry.url("/pkg")).build()).execute()) {
            return r.body().string();
          } catch (java.io.IOException e) {
            throw new RegistryException("npm", "read pkg", 0, e.getMessage(), "try again");
          }
        }).get();
      }
      assertEquals("ok", body, "requests: " + registry.getRequestCount());
      assertEquals(2, registry.getRequestCount());
      assertEquals(1, heard.size(), heard.toString());
      assertTrue(heard.get(0).startsWith("GET "), heard.get(0));
    }
  }
}
