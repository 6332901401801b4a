package dev.fanout.providers.chocolatey;

import dev.fanout.model.Secret;
import dev.fanout.model.Withdrawal;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryAnswer;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.WithdrawStep;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Withdrawing from the Chocolatey community repository: NuGet's delete
 * ({@code DELETE /api/v2/package/ID/VERSION} with the API key), which the gallery takes as an
 * unlist (chocolatey/chocolatey.org ApiController.DeletePackage): the version leaves search and
 * {@code latest}, and still installs by exact version. A version still in moderation is
 * unlisted already and would be listed once approved: a manual step to reject it.
 */
final class ChocolateyUnlisting {

  private static final String REGISTRY = "chocolatey";
  private final ProviderContext ctx;

  ChocolateyUnlisting(ProviderContext ctx) {
    this.ctx = ctx;
  }

  /** One version as {@code FindPackagesById()} shows it. */
  record Listing(String version, Moderation state, boolean listed) { }

  List<WithdrawStep> steps(String id, Withdrawal.All withdrawals) throws RegistryException {
    List<WithdrawStep> steps = new ArrayList<>();
    for (Listing l : listings(id)) {
      if (!withdrawals.withdrawn(l.version()) || l.state() == Moderation.REJECTED) {
        continue;
      }
      if (l.state().submitted()) {
        steps.add(WithdrawStep.manual(l.version(), l.version() + " waits in moderation, and the gallery lists it once it"
            + " is approved: reject it on its page", page(id, l.version())));
      } else if (l.listed()) {
        steps.add(WithdrawStep.of(WithdrawStep.Kind.UNLIST, l.version(), null));
      }
    }
    return steps;
  }

  String unlist(String id, WithdrawStep step, Secret key) throws RegistryException {
    String url = ctx.endpoint("source") + "/api/v2/package/" + id + "/" + step.subject();
    String operation = "unlist " + id + " " + step.subject();
    try (Response response = ctx.http().newCall(new Request.Builder().url(url)
        .header("X-NuGet-ApiKey", key.reveal()).delete().build()).execute()) {
      if (response.isSuccessful()) {
        return "unlisted " + id + " " + step.subject() + " (DELETE " + url + ")";
      }
      String reason = response.message().isEmpty() ? response.body().string() : response.message();
      throw new RegistryException(REGISTRY, operation, response.code(), reason, switch (response.code()) {
        case 401, 403 -> "the API key in " + key.source() + " may not change " + id + ": use a maintainer's key from"
            + " https://community.chocolatey.org/account";
        case 404 -> "the gallery does not hold " + id + " " + step.subject() + "; run plan again";
        default -> response.code() >= 500 || response.code() == 429 ? "the gallery is failing; try again later" : null;
      });
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, operation, 0, String.valueOf(e.getMessage()), true,
          "check the connection to " + url + "; run plan to see whether the unlist landed", e);
    }
  }

  /**
   * Every version with its moderation state and whether it is listed: the feed's {@code Listed},
   * or where a gallery leaves it out, its {@code Published} date (1900 for an unlisted version,
   * as NuGet clients read it).
   */
  List<Listing> listings(String id) throws RegistryException {
    HttpUrl url = HttpUrl.get(ctx.endpoint("feed") + "/api/v2/FindPackagesById()").newBuilder()
        .addQueryParameter("id", "'" + ChocolateyProvider.odata(id) + "'").build();
    String operation = "read versions of " + id;
    try (Response response = ctx.http().newCall(new Request.Builder().url(url)
        .header("Accept", "application/atom+xml").get().build()).execute()) {
      if (response.code() == 404) {
        return List.of();
      }
      if (!response.isSuccessful()) {
        throw new RegistryException(REGISTRY, operation, response.code(), response.message(),
            response.code() >= 500 || response.code() == 429 ? "the feed is failing; try again later" : null);
      }
      NodeList entries = RegistryAnswer.xml(REGISTRY, operation, response, "feed")
          .getElementsByTagNameNS(ChocolateyProvider.ATOM, "entry");
      List<Listing> out = new ArrayList<>();
      for (int i = 0; i < entries.getLength(); i++) {
        Element e = (Element) entries.item(i);
        String listed = ChocolateyProvider.text(e, "Listed");
        String published = ChocolateyProvider.text(e, "Published");
        out.add(new Listing(ChocolateyProvider.text(e, "Version"), Moderation.of(ChocolateyProvider.text(e,
            "PackageStatus"), ChocolateyProvider.text(e, "PackageSubmittedStatus")), listed != null
            ? Boolean.parseBoolean(listed) : published != null && !published.startsWith("1900-")));
      }
      return out;
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, operation, 0, String.valueOf(e.getMessage()), true,
          "check the connection to " + ctx.endpoint("feed"), e);
    }
  }

  private String page(String id, String version) {
    String feed = ctx.endpoint("feed");
    return (feed.equals(ChocolateyProviderFactory.DEFAULT_FEED) ? "https://community.chocolatey.org" : feed)
        + "/packages/" + id + "/" + version;
  }
}
