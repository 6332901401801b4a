package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fanout.providers.github.GithubEmulator;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.Tools;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The same two runners and force-unlock as {@link GitRefLockTest}, with the lock ref in a
 * repository of the sandbox's GitHub, which serves its repositories over git's smart HTTP as
 * github.com does ({@code https://github.com/OWNER/REPO.git}, a token as the password).
 */
class GitRefLockSandboxGithubTest extends GitRefLockTest {

  private Sandbox sandbox;

  @BeforeEach
  @Override
  void start() throws Exception {
    sandbox = Sandbox.start(temp.resolve("github"), "empty", List.of(new GithubEmulator()));
    try (Response r = new OkHttpClient().newCall(new Request.Builder().url(sandbox.url("github") + "/user/repos")
        .header("Authorization", "Bearer " + TokenPolicy.SANDBOX_TOKEN)
        .post(RequestBody.create("{\"name\": \"hello\", \"auto_init\": true}", MediaType.get("application/json")))
        .build()).execute()) {
      assertEquals(201, r.code(), r.body().string());
    }
  }

  @AfterEach
  @Override
  void stop() throws Exception {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Override
  String lockUrl() {
    return sandbox.url("github") + "/git/fanout-sandbox/hello.git";
  }

  @Override
  String lockUser() {
    return "x-access-token";
  }

  @Override
  String lockToken() {
    return TokenPolicy.SANDBOX_TOKEN;
  }

  @Override
  String refValue() throws Exception {
    Tools.Result r = Tools.run(temp, Map.of(), "git", "ls-remote", lockUrl(), REF);
    assertEquals(0, r.exit(), r.output());
    String out = r.output().strip();
    return out.isEmpty() ? "" : out.substring(out.indexOf('\t') + 1);
  }
}
