package dev.fanout.providers.npm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Secret;
import dev.fanout.model.Withdrawal;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.WithdrawStep;
import dev.fanout.provider.Withdrawing;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Withdrawing from GitHub Packages: its npm registry has no deprecation, so a withdrawn
 * version is deleted through GitHub's REST API (list the package's versions for their ids,
 * then {@code DELETE .../versions/{id}}, https://docs.github.com/rest/packages/packages),
 * after {@code latest} has been moved back with npm's dist-tag. What GitHub refuses is a
 * manual step: the last version of a package, a token without {@code delete:packages}, and a
 * public version downloaded more than 5,000 times, which no API tells before the delete is
 * refused, so the refusal is remembered for the rest of the run.
 */
final class PackageVersionDeletes {

  static final String REGISTRY = "github_packages";
  static final String DEFAULT_API = "https://api.github.com";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OkHttpClient http;
  private final String api;
  private final Secret token;
  private final Set<String> refused;

  /** @param refused versions ({@code @owner/name@version}) GitHub refused to delete in this run; shared and filled here */
  PackageVersionDeletes(OkHttpClient http, String api, Secret token, Set<String> refused) {
    this.http = http;
    this.api = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
    this.token = token;
    this.refused = refused;
  }

  /** One version as GitHub's REST API lists it. */
  record Listed(long id, String version) { }

  /** The package's versions and the path they were found under ({@code /orgs/O} or {@code /users/U}). */
  record Versions(String owner, List<Listed> listed, String scopes) {
    Long id(String version) {
      return listed.stream().filter(l -> l.version().equals(version)).map(Listed::id).findFirst().orElse(null);
    }
  }

  List<WithdrawStep> steps(String main, JsonNode packument, Withdrawal.All withdrawals, String page)
      throws RegistryException {
    List<WithdrawStep> steps = new ArrayList<>();
    List<String> held = new ArrayList<>();
    packument.path("versions").fieldNames().forEachRemaining(held::add);
    String latest = packument.path("dist-tags").path("latest").asText(null);
    String back = Withdrawing.newestKept(held, withdrawals);
    // latest first: it then never names a deleted version, whatever GitHub does with its tags.
    if (latest != null && withdrawals.withdrawn(latest)) {
      steps.add(back == null
          ? WithdrawStep.manual(latest, "every version of " + main + " is withdrawn: latest stays on " + latest, page)
          : WithdrawStep.move(WithdrawStep.Kind.RETAG, "latest", latest, back));
    }
    List<String> doomed = held.stream().filter(withdrawals::withdrawn).toList();
    if (doomed.isEmpty()) {
      return steps;
    }
    Versions versions = versions(main);
    int left = held.size();
    for (String v : doomed) {
      if (refused.contains(main + "@" + v)) {
        steps.add(WithdrawStep.manual(v, "GitHub refused to delete " + main + "@" + v + " (a public version downloaded"
            + " more than 5,000 times): ask GitHub support to remove it", "https://support.github.com"));
      } else if (versions.scopes() != null && !versions.scopes().contains("delete:packages")) {
        steps.add(WithdrawStep.manual(v, "the token has no delete:packages scope: give it that scope, or delete "
            + main + "@" + v + " on the package's page", page));
      } else if (left == 1) {
        steps.add(WithdrawStep.manual(v, "GitHub cannot delete the last version of " + main + ": delete the whole"
            + " package", page));
      } else {
        steps.add(WithdrawStep.of(WithdrawStep.Kind.DELETE, v, null));
        left--;
      }
    }
    return steps;
  }

  /** Deletes one version; a refusal for its downloads is remembered and said, not thrown. */
  String delete(String main, String version) throws RegistryException {
    Versions versions = versions(main);
    Long id = versions.id(version);
    if (id == null) {
      return main + "@" + version + " was already deleted";
    }
    String path = versions.owner() + "/packages/npm/" + bare(main) + "/versions/" + id;
    Answer a = send("delete " + main + "@" + version, new Request.Builder().url(api + path).delete());
    if (a.status() == 400 && a.message().contains("5000 downloads")) {
      refused.add(main + "@" + version);
      return "GitHub refused to delete " + main + "@" + version + ": " + a.message();
    }
    if (a.status() != 204 && a.status() != 200) {
      throw failure("delete " + main + "@" + version, a);
    }
    return "deleted " + main + "@" + version + " (version " + id + ")";
  }

  /** Every version, under the owner as an organization, else as a user (GitHub answers 404 on the other). */
  Versions versions(String main) throws RegistryException {
    String owner = main.substring(1, main.indexOf('/'));
    for (String prefix : List.of("/orgs/" + owner, "/users/" + owner)) {
      List<Listed> all = new ArrayList<>();
      String scopes = null;
      for (int page = 1; ; page++) {
        Answer a = send("read of " + main + "'s versions", new Request.Builder().url(api + prefix + "/packages/npm/"
            + bare(main) + "/versions?per_page=100&page=" + page).get());
        if (a.status() == 404 && page == 1) {
          break;
        }
        if (a.status() != 200 || a.body() == null || !a.body().isArray()) {
          throw failure("read of " + main + "'s versions", a);
        }
        scopes = a.scopes();
        a.body().forEach(v -> all.add(new Listed(v.path("id").asLong(), v.path("name").asText())));
        if (a.body().size() < 100) {
          return new Versions(prefix, all, scopes);
        }
      }
    }
    throw new RegistryException(REGISTRY, "read of " + main + "'s versions", 404, "GitHub's REST API knows no npm package "
        + bare(main) + " of " + owner, "check that the token has read:packages and that " + api + " is the API of the"
        + " registry's GitHub");
  }

  /** GitHub names an npm package without its scope: {@code @owner/tool} is {@code tool} under {@code owner}. */
  private static String bare(String main) {
    return main.substring(main.indexOf('/') + 1);
  }

  private record Answer(int status, JsonNode body, String scopes) {
    String message() {
      return body == null ? "no message" : body.path("message").asText(body.toString());
    }
  }

  private Answer send(String operation, Request.Builder builder) throws RegistryException {
    builder.header("Accept", "application/vnd.github+json").header("X-GitHub-Api-Version", "2022-11-28");
    if (token != null && token.isSet()) {
      builder.header("Authorization", "Bearer " + token.reveal());
    }
    try (Response response = http.newCall(builder.build()).execute()) {
      byte[] bytes = response.body().bytes();
      JsonNode body = null;
      try {
        body = bytes.length == 0 ? null : JSON.readTree(bytes);
      } catch (IOException notJson) {
        // a proxy's page: the status says enough
      }
      return new Answer(response.code(), body, response.header("X-OAuth-Scopes"));
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, operation, 0, "no answer from " + api + ": " + e.getMessage(), true,
          "check the network and the github block's api_url", e);
    }
  }

  private RegistryException failure(String operation, Answer a) {
    String hint = switch (a.status()) {
      case 401 -> "GitHub refused the token: make a new one and set it in " + token.source();
      case 403 -> "the token may not delete this package: it needs read:packages and delete:packages, and admin rights"
          + " on the package";
      case 400 -> "delete it on the package's page, or ask GitHub support";
      default -> a.status() >= 500 || a.status() == 429 ? "GitHub failed: try again later" : null;
    };
    return new RegistryException(REGISTRY, operation, a.status(), a.message(), hint);
  }

  /** The package's page on github.com, or the registry's own URL for another API (the sandbox, Enterprise). */
  static String page(String api, String registryUrl, String main) {
    if (api.replaceAll("/$", "").equals(DEFAULT_API)) {
      return "https://github.com/users/" + main.substring(1, main.indexOf('/')) + "/packages/npm/package/" + bare(main);
    }
    return registryUrl + "/" + main;
  }
}
