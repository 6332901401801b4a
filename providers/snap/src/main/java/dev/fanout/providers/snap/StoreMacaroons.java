package dev.fanout.providers.snap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.sandbox.Access;
import dev.fanout.sandbox.EmulatorContext;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sandbox's side of the store's macaroon login: the dashboard minting root macaroons
 * ({@code POST /dev/api/acl/}) with a third-party caveat for Ubuntu SSO, the SSO discharging
 * it ({@code POST /api/v2/tokens/discharge}) and refreshing a discharge
 * ({@code POST /api/v2/tokens/refresh}), and the store checking every
 * {@code Authorization: Macaroon root=..., discharge=...} header: the root verified with the
 * store's key, the discharge bound to that root, a discharge past its {@code expires} caveat
 * answered {@code macaroon-needs-refresh}. The SSO derives each caveat's key from its own key
 * and the caveat id, so it needs no table of them (the real SSO decrypts the caveat id).
 */
final class StoreMacaroons {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern HEADER = Pattern.compile("^Macaroon\\s+root=\"?([^\",\\s]+)\"?\\s*,\\s*discharge=\"?([^\",\\s]+)\"?\\s*$");

  /** The store's verdict on a request's credential: its access, or the answer that refuses it. */
  record Verdict(Access access, SandboxResponse refusal) { }

  private final EmulatorContext ctx;
  private final byte[] storeKey;
  private final byte[] ssoKey;
  private final Duration loginLifetime;
  private final Duration refreshedLifetime;

  /**
   * @param loginLifetime how long a discharge from a login stays fresh (a test makes it zero
   *     to stand for a login exported long ago)
   */
  StoreMacaroons(EmulatorContext ctx, Duration loginLifetime) throws IOException {
    this.ctx = ctx;
    this.storeKey = key(ctx.stateDir().resolve("store.key"));
    this.ssoKey = key(ctx.stateDir().resolve("sso.key"));
    this.loginLifetime = loginLifetime;
    this.refreshedLifetime = Duration.ofDays(1);
  }

  /** The SSO's location as the caveat names it: the host of its URL, as craft-store matches it. */
  String ssoHost() {
    return URI.create(ctx.baseUrl()).getAuthority();
  }

  /** {@code POST /dev/api/acl/}: a root macaroon for the requested permissions. */
  SandboxResponse acl(JsonNode body) {
    List<String> permissions = new ArrayList<>();
    body.path("permissions").forEach(p -> permissions.add(p.asText()));
    if (permissions.isEmpty()) {
      return errors(400, "invalid-field", "permissions: this field is required");
    }
    String id = HexFormat.of().formatHex(random(16));
    String cid = HexFormat.of().formatHex(random(16));
    Macaroons.Macaroon root = Macaroons.mint(URI.create(ctx.baseUrl()).getAuthority(), storeKey, id)
        .withFirstParty("snapcraft.io|permissions|" + String.join(",", permissions))
        .withThirdParty(ssoHost(), caveatKey(cid), cid, random(24));
    return SandboxResponse.json(200, Map.of("macaroon", Macaroons.serialize(root)));
  }

  /**
   * {@code POST /api/v2/tokens/discharge}: email, password (the sandbox's token stands for the
   * account's password) and the caveat id of the root macaroon.
   */
  SandboxResponse discharge(JsonNode body) {
    String password = body.path("password").asText("");
    Access access = ctx.access(password);
    if (body.path("email").asText("").isEmpty() || access == Access.NONE || access == Access.INVALID) {
      return sso(401, "INVALID_CREDENTIALS", "Provided email/password is not correct.");
    }
    String cid = body.path("caveat_id").asText("");
    if (cid.isEmpty()) {
      return sso(400, "INVALID_DATA", "caveat_id: This field is required.");
    }
    return SandboxResponse.json(200, Map.of("discharge_macaroon", Macaroons.serialize(dischargeFor(cid, password, loginLifetime))));
  }

  /** {@code POST /api/v2/tokens/refresh}: a fresh discharge for an unbound one this SSO issued. */
  SandboxResponse refresh(JsonNode body) {
    Macaroons.Macaroon old;
    try {
      old = Macaroons.deserialize(body.path("discharge_macaroon").asText(""));
    } catch (IllegalArgumentException e) {
      return sso(400, "INVALID_DATA", "discharge_macaroon: not a macaroon.");
    }
    String why = Macaroons.verify(old, caveatKey(old.identifier()), List.of(), p -> true);
    String account = account(old);
    if (why != null || account == null) {
      return sso(401, "INVALID_CREDENTIALS", "The discharge macaroon is not valid.");
    }
    return SandboxResponse.json(200,
        Map.of("discharge_macaroon", Macaroons.serialize(dischargeFor(old.identifier(), account, refreshedLifetime))));
  }

  /** The store's check of a request's {@code Authorization}. */
  Verdict check(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return new Verdict(Access.NONE, errors(401, "macaroon-authorization-required", "Authorization Required"));
    }
    Matcher m = HEADER.matcher(authorization.trim());
    if (!m.matches()) {
      return sandboxToken(authorization);
    }
    Macaroons.Macaroon root;
    Macaroons.Macaroon discharge;
    try {
      root = Macaroons.deserialize(m.group(1));
      discharge = Macaroons.deserialize(m.group(2));
    } catch (IllegalArgumentException e) {
      return refused("Invalid macaroon: " + e.getMessage());
    }
    Instant now = Instant.now();
    boolean[] stale = {false};
    String why = Macaroons.verify(root, storeKey, List.of(discharge), predicate -> {
      String[] parts = predicate.split("\\|", 3);
      if (parts.length == 3 && parts[1].equals("expires")) {
        stale[0] |= Instant.parse(parts[2]).isBefore(now);
      }
      return true;
    });
    if (why != null) {
      return refused("Invalid macaroon: " + why);
    }
    if (stale[0]) {
      return new Verdict(Access.INVALID, errors(401, "macaroon-needs-refresh", "Authorization Required")
          .withHeader("WWW-Authenticate", "Macaroon needs_refresh=1"));
    }
    String account = account(discharge);
    Access access = ctx.access(account);
    boolean mayPush = root.caveats().stream().anyMatch(c -> c.cid().startsWith("snapcraft.io|permissions|")
        && List.of(c.cid().substring("snapcraft.io|permissions|".length()).split(",")).contains("package_push"));
    return new Verdict(access == Access.WRITE && !mayPush ? Access.READ : access, null);
  }

  /**
   * The sandbox's own token sent as a bearer (so that {@code --sandbox} runs need no login):
   * not what the real store takes, listed as a known difference in FIDELITY.md.
   */
  private Verdict sandboxToken(String authorization) {
    String token = authorization.startsWith("Bearer ") ? authorization.substring(7).trim() : null;
    Access access = token == null || !token.startsWith("fanout-sandbox-") ? Access.INVALID : ctx.access(token);
    return access == Access.INVALID ? refused("Invalid Authorization header: expected Macaroon root=..., discharge=...")
        : new Verdict(access, null);
  }

  private Macaroons.Macaroon dischargeFor(String cid, String account, Duration lifetime) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String host = ssoHost();
    String accountJson = Base64.getEncoder().encodeToString(("{\"username\":\"fanout\",\"sandbox_account\":\""
        + account + "\"}").getBytes(StandardCharsets.UTF_8));
    return Macaroons.mint(host, caveatKey(cid), cid)
        .withFirstParty(host + "|account|" + accountJson)
        .withFirstParty(host + "|valid_since|" + now)
        .withFirstParty(host + "|last_auth|" + now)
        .withFirstParty(host + "|expires|" + now.plus(lifetime));
  }

  /** The account a discharge names, or null. */
  private static String account(Macaroons.Macaroon discharge) {
    for (Macaroons.Caveat c : discharge.caveats()) {
      String[] parts = c.cid().split("\\|", 3);
      if (parts.length == 3 && parts[1].equals("account")) {
        try {
          return JSON.readTree(Base64.getDecoder().decode(parts[2])).path("sandbox_account").asText(null);
        } catch (IOException | IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }

  private byte[] caveatKey(String cid) {
    return Macaroons.hmac(ssoKey, cid.getBytes(StandardCharsets.UTF_8));
  }

  private static Verdict refused(String message) {
    return new Verdict(Access.INVALID, errors(401, "macaroon-authorization-required", message));
  }

  static SandboxResponse errors(int status, String code, String message) {
    return SandboxResponse.json(status, Map.of("error-list", List.of(Map.of("code", code, "message", message))));
  }

  /** Ubuntu SSO's API v2 error body. */
  private static SandboxResponse sso(int status, String code, String message) {
    return SandboxResponse.json(status, Map.of("code", code, "message", message, "extra", Map.of()));
  }

  private static byte[] key(Path file) throws IOException {
    if (Files.isRegularFile(file)) {
      return HexFormat.of().parseHex(Files.readString(file).trim());
    }
    byte[] key = random(32);
    Files.writeString(file, HexFormat.of().formatHex(key));
    return key;
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
