package dev.fanout.providers.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Publication;
import dev.fanout.model.Secret;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.RegistryAnswer;
import dev.fanout.provider.RegistryException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The GitHub REST API as the GitHub-based providers use it (releases, Homebrew taps, Scoop
 * buckets): one place for the headers GitHub asks for, the token and the error messages.
 * Public: every GitHub-based provider's package uses it.
 */
public final class GithubApi {

  /** The REST API of github.com; GitHub Enterprise Server and the sandbox set {@code api_url}. */
  public static final String DEFAULT_URL = "https://api.github.com";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  /** 1000 pages of 100: far more than a filtered list holds, and a stop for a server that pages for ever. */
  private static final int MAX_PAGES = 1000;

  private final OkHttpClient http;
  private final String apiUrl;
  private final Secret token;
  private final String registry;

  /** An answer: status, parsed JSON body (null when empty or not JSON) and headers. */
  public record Answer(int status, JsonNode json, Headers headers) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The {@code message} of a GitHub error body, or the status. */
    public String message() {
      if (json != null && json.hasNonNull("message")) {
        String m = json.get("message").asText();
        JsonNode errors = json.get("errors");
        return errors != null && errors.isArray() && !errors.isEmpty() ? m + " " + errors : m;
      }
      return "HTTP " + status;
    }

    /**
     * Whether GitHub turned the request away for a rate limit, not for a permission: a 429, or
     * a 403 with {@code Retry-After}, with {@code x-ratelimit-remaining: 0}, or whose message
     * names a rate limit ("You have exceeded a secondary rate limit", "API rate limit exceeded").
     */
    public boolean rateLimited() {
      return status == 429 || status == 403 && (headers.get("Retry-After") != null
          || "0".equals(headers.get("x-ratelimit-remaining"))
          || message().toLowerCase(java.util.Locale.ROOT).contains("rate limit"));
    }

    /** How long GitHub asks to wait, in words: from {@code Retry-After} or {@code x-ratelimit-reset}. */
    String waitAsked() {
      String after = headers.get("Retry-After");
      if (after != null && after.trim().matches("\\d+")) {
        return after.trim() + " s";
      }
      String reset = headers.get("x-ratelimit-reset");
      if (reset != null && reset.trim().matches("\\d+")) {
        return "until " + java.time.Instant.ofEpochSecond(Long.parseLong(reset.trim()));
      }
      return "a minute or more";
    }

    /** Whether this is GitHub's 422 with {@code errors[].code == "already_exists"}. */
    public boolean alreadyExists() {
      if (status != 422 || json == null || !json.has("errors")) {
        return false;
      }
      for (JsonNode e : json.get("errors")) {
        if ("already_exists".equals(e.path("code").asText())
            || e.path("message").asText().contains("already exists")) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * @param registry the name used in error messages, such as {@code github_release}
   */
  public GithubApi(OkHttpClient http, String apiUrl, Secret token, String registry) {
    this.http = http;
    this.apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
    this.token = token;
    this.registry = registry;
  }

  public String apiUrl() {
    return apiUrl;
  }

  public Answer get(String path, String operation) throws RegistryException {
    return send("GET", path, null, null, operation);
  }

  /**
   * Every item of a list, following the {@code Link} header's {@code rel="next"} page by page
   * (GitHub pages every list, 100 at most per page); null when the list answers 404.
   */
  public List<JsonNode> list(String path, String operation) throws RegistryException {
    String next = path + (path.contains("?") ? "&" : "?") + "per_page=100";
    List<JsonNode> all = new java.util.ArrayList<>();
    for (int page = 0; next != null; page++) {
      if (page >= MAX_PAGES) {
        throw new RegistryException(registry, operation, 0, "more than " + MAX_PAGES + " pages of " + path, false,
            "narrow the list (a filter such as head= or state=)", null);
      }
      Answer a = get(next, operation);
      if (a.status() == 404 && page == 0) {
        return null;
      }
      if (!a.ok() || a.json() == null || !a.json().isArray()) {
        throw failure(operation, a);
      }
      a.json().forEach(all::add);
      next = nextPage(a.headers().get("Link"));
    }
    return all;
  }

  /** The {@code rel="next"} URL of an RFC 8288 {@code Link} header, or null. */
  static String nextPage(String link) {
    if (link == null) {
      return null;
    }
    for (String part : link.split(",")) {
      String[] pieces = part.split(";");
      for (int i = 1; i < pieces.length; i++) {
        if (pieces[i].trim().replace(" ", "").equals("rel=\"next\"")) {
          String url = pieces[0].trim();
          return url.startsWith("<") && url.endsWith(">") ? url.substring(1, url.length() - 1) : null;
        }
      }
    }
    return null;
  }

  public Answer send(String method, String path, Object jsonBody, String operation) throws RegistryException {
    return send(method, path, jsonBody == null ? null : json(jsonBody), JSON_TYPE, operation);
  }

  /** Sends raw bytes (a release asset) to a full URL or an API path. */
  public Answer send(String method, String pathOrUrl, byte[] body, MediaType type, String operation)
      throws RegistryException {
    String url = pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://") ? pathOrUrl : apiUrl + pathOrUrl;
    Request.Builder b = new Request.Builder().url(url)
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28");
    if (token != null && token.isSet()) {
      b.header("Authorization", "Bearer " + token.reveal());
    }
    RequestBody rb = body == null ? (method.equals("GET") || method.equals("DELETE") ? null : RequestBody.create(new byte[0]))
        : RequestBody.create(body, type);
    b.method(method, rb);
    try (Response r = http.newCall(b.build()).execute()) {
      byte[] bytes = r.body().bytes();
      JsonNode node = null;
      if (r.isSuccessful() && bytes.length > 0) {
        // Every API answer is JSON: a 2xx that is not is a proxy's page, never an empty result.
        node = RegistryAnswer.json(registry, operation, r.code(), r.header("Content-Type"), bytes);
      } else if (bytes.length > 0 && (bytes[0] == '{' || bytes[0] == '[')) {
        try {
          node = JSON.readTree(bytes);
        } catch (IOException notJson) {
          node = null;
        }
      }
      return new Answer(r.code(), node, r.headers());
    } catch (IOException e) {
      throw new RegistryException(registry, operation, 0, "no answer from " + hostOf(url) + ": " + e.getMessage(),
          true, "check the network and try again", e);
    }
  }

  /**
   * A release asset's bytes, from its API URL with {@code Accept: application/octet-stream}
   * ("Get a release asset": GitHub then redirects to the file or streams it). Through the API
   * rather than the download URL, because a draft's assets are downloadable only with a token.
   */
  public byte[] downloadAsset(String assetUrl, String operation) throws RegistryException {
    Request.Builder b = new Request.Builder().url(assetUrl.startsWith("http") ? assetUrl : apiUrl + assetUrl)
        .header("Accept", "application/octet-stream")
        .header("X-GitHub-Api-Version", "2022-11-28");
    if (token != null && token.isSet()) {
      b.header("Authorization", "Bearer " + token.reveal());
    }
    try (Response r = http.newCall(b.build()).execute()) {
      byte[] bytes = r.body().bytes();
      if (!r.isSuccessful()) {
        throw failure(operation, new Answer(r.code(), null, r.headers()));
      }
      return bytes;
    } catch (IOException e) {
      throw new RegistryException(registry, operation, 0, "no answer from " + hostOf(assetUrl) + ": " + e.getMessage(),
          true, "check the network and try again", e);
    }
  }

  /** An error for an unexpected answer, with the usual fix for its status. */
  public RegistryException failure(String operation, Answer a) {
    if (a.rateLimited()) {
      // Longer than the run's --rate-limit-wait, or Retry had no attempts left: not a permission problem.
      return new RegistryException(registry, operation, a.status(), a.message(), true,
          "GitHub's rate limit: wait " + a.waitAsked() + " and run again, or allow a longer --rate-limit-wait", null);
    }
    String hint = switch (a.status()) {
      case 401 -> "the token is not valid: create a new one and set it";
      case 403 -> "the token may not do this: grant it the repo (contents: write) permission";
      case 404 -> "check the repository name and that the token can see it";
      case 409 -> "the branch moved while writing: run again";
      default -> a.status() >= 500 ? "GitHub is failing: try again later" : null;
    };
    return new RegistryException(registry, operation, a.status(), a.message(), hint);
  }

  /**
   * {@code GET /user}: classic tokens list their scopes in {@code X-OAuth-Scopes}; a token
   * needs {@code repo} or {@code public_repo} to write releases and contents.
   */
  public CredentialCheck checkCredentials() {
    if (token == null || !token.isSet()) {
      return new CredentialCheck(CredentialCheck.Status.MISSING,
          "no GitHub token: set " + (token == null ? "the token setting" : token.source()));
    }
    Answer a;
    try {
      a = get("/user", "credential check");
    } catch (RegistryException e) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, e.getMessage());
    }
    if (a.status() == 401) {
      return new CredentialCheck(CredentialCheck.Status.INVALID,
          "GitHub does not know the token from " + token.source() + " (401 Bad credentials): create a new one");
    }
    if (a.status() == 403 && !a.rateLimited()) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, NO_USER + " (403 " + a.message() + "): " + tokenKind()
          + " from " + token.source() + "; its permissions are checked on the repository");
    }
    if (!a.ok()) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, "GET /user answered " + a.status() + ": " + a.message());
    }
    String login = a.json() == null ? "?" : a.json().path("login").asText("?");
    String scopes = a.headers().get("X-OAuth-Scopes");
    if (scopes == null) {
      return CredentialCheck.ok("authenticated as " + login + "; " + tokenKind()
          + ": contents permission is checked at publish");
    }
    List<String> granted = Arrays.stream(scopes.split(",")).map(String::trim).toList();
    if (granted.contains("repo") || granted.contains("public_repo")) {
      return CredentialCheck.ok("authenticated as " + login + " with " + tokenKind() + " (scopes: " + scopes + ")");
    }
    return new CredentialCheck(CredentialCheck.Status.NO_WRITE, "the token of " + login + " has scopes ["
        + scopes + "] but needs repo (or public_repo): add the scope or use a token that has it");
  }

  /**
   * The account check, then the repository's own: GitHub answers 404 for a repository that does
   * not exist and for one the token may not see, so either blocks the target with the
   * repository's name (a mistyped tap is found by the plan, not by the first write). With
   * {@code push}, the repository's {@code permissions.push} must be true too.
   */
  public CredentialCheck checkCredentials(String repository, boolean push) {
    RepositoryCheck check = repositoryCheck(repository,
        "check the repository name, create the repository, or grant the token access to it");
    if (check.verdict() != null) {
      return check.verdict();
    }
    CredentialCheck account = check.account();
    boolean installation = check.installation();
    Answer a = check.repository();
    if (!a.ok() || a.json() == null) {
      return account;
    }
    JsonNode permissions = a.json().path("permissions");
    if (installation) {
      // GITHUB_TOKEN and App tokens get 403 on GET /user: the repository's permissions say what they may do.
      boolean may = permissions.path(push ? "push" : "pull").asBoolean(false);
      String kind = tokenKind() + " from " + token.source();
      return may ? CredentialCheck.ok(kind + (push ? ": may push to " : ": can see ") + repository)
          : new CredentialCheck(CredentialCheck.Status.NO_WRITE, kind + " may not push to " + repository
              + ": give the workflow 'permissions: contents: write' or the App write access to the repository");
    }
    if (push && permissions.has("push") && !permissions.path("push").asBoolean()) {
      return new CredentialCheck(CredentialCheck.Status.NO_WRITE, "the token may read " + repository
          + " but not push to it: grant it write access (contents: write) to the repository");
    }
    return account.status() == CredentialCheck.Status.OK
        ? CredentialCheck.ok(account.detail() + (push ? "; may push to " : "; can see ") + repository) : account;
  }

  /**
   * For a pull request into an upstream the token's owner does not own (winget-pkgs, nixpkgs,
   * flathub): the account check, the upstream's existence, and the kind of token. An
   * installation token ({@code GITHUB_TOKEN}, a GitHub App's) acts only on the repositories its
   * installation covers, so it can neither fork the upstream nor open a pull request there
   * (https://docs.github.com/actions/security-for-github-actions/security-guides/automatic-token-authentication#permissions-for-the-github_token):
   * the plan blocks it with that reason instead of the fork failing at apply.
   */
  public CredentialCheck checkPullRequestCredentials(String upstream) {
    RepositoryCheck check = repositoryCheck(upstream, "check the upstream's name");
    if (check.verdict() != null) {
      return check.verdict();
    }
    CredentialCheck account = check.account();
    if (check.installation()) {
      return new CredentialCheck(CredentialCheck.Status.NO_WRITE, tokenKind() + " from " + token.source()
          + " acts only on the repositories it is installed on: it can neither fork " + upstream
          + " nor open a pull request there. Use a personal access token (classic with public_repo, or fine-grained"
          + " with contents and pull requests: write) for pull requests to " + upstream);
    }
    return account.status() == CredentialCheck.Status.OK
        ? CredentialCheck.ok(account.detail() + "; forks " + upstream + " and opens a pull request there") : account;
  }

  /**
   * Where both repository checks start: the account, whether the token is an installation's,
   * and the repository as the token sees it; {@code verdict} ends the check early (a refused
   * account, a repository GitHub does not show, or no answer: then the account's check stands).
   */
  private record RepositoryCheck(CredentialCheck account, boolean installation, Answer repository, CredentialCheck verdict) { }

  private RepositoryCheck repositoryCheck(String repository, String whenMissing) {
    CredentialCheck account = checkCredentials();
    if (account.refuses()) {
      return new RepositoryCheck(account, false, null, account);
    }
    boolean installation = account.status() == CredentialCheck.Status.ERROR && account.detail().startsWith(NO_USER);
    Answer a;
    try {
      a = get("/repos/" + repository, "read repository " + repository);
    } catch (RegistryException e) {
      return new RepositoryCheck(account, installation, null, account);
    }
    if (a.status() == 404) {
      return new RepositoryCheck(account, installation, a, new CredentialCheck(CredentialCheck.Status.NO_WRITE,
          "GitHub has no repository " + repository + " that this token can see (404): " + whenMissing));
    }
    return new RepositoryCheck(account, installation, a, null);
  }

  /** What {@code GET /user} says for a token that acts for no user. */
  private static final String NO_USER = "GET /user is not for this token";

  /**
   * The kind of token, from the prefix GitHub gives each kind
   * (https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/).
   */
  String tokenKind() {
    String t = token == null || !token.isSet() ? "" : token.reveal();
    if (t.startsWith("ghs_")) {
      return "an installation token (GITHUB_TOKEN in Actions, or a GitHub App's)";
    }
    if (t.startsWith("github_pat_")) {
      return "a fine-grained personal access token";
    }
    if (t.startsWith("ghp_")) {
      return "a classic personal access token";
    }
    if (t.startsWith("gho_") || t.startsWith("ghu_")) {
      return "an OAuth token";
    }
    return "a token";
  }

  /** {@code owner/repo} split in two, or an exception naming the bad value. */
  public static String[] ownerRepo(Publication publication) {
    String repository = publication.string("repository");
    if (repository == null || !repository.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException(publication + ": repository must be \"owner/repo\", not '" + repository + "'");
    }
    return repository.split("/");
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON-serialisable", e);
    }
  }

  private static String hostOf(String url) {
    okhttp3.HttpUrl u = okhttp3.HttpUrl.parse(url);
    return u == null ? url : u.host();
  }
}
