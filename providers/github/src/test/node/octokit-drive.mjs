// GitHub's own REST client (@octokit/rest) driving the sandbox's GitHub the way a release
// script on github.com would. Every step checks what it got; the first failure exits 1 with
// the step, the status and GitHub's message. Prints one JSON object of what it saw.
// Usage: node octokit-drive.mjs BASE_URL TOKEN
import { Octokit } from "@octokit/rest";

const [baseUrl, token] = process.argv.slice(2);
const octokit = new Octokit({ auth: token, baseUrl, request: { retries: 0 } });
const seen = {};
let step = "start";

function check(condition, what) {
  if (!condition) {
    throw new Error(what);
  }
}

async function at(name, fn) {
  step = name;
  return fn();
}

try {
  const { data: me } = await at("users.getAuthenticated", () => octokit.rest.users.getAuthenticated());
  const owner = me.login;
  seen.login = owner;

  await at("repos.createForAuthenticatedUser", () =>
    octokit.rest.repos.createForAuthenticatedUser({ name: "octo-release", auto_init: true }));

  // A draft, an asset sent to the upload URL the release gives, then publish.
  const { data: draft } = await at("repos.createRelease", () => octokit.rest.repos.createRelease({
    owner, repo: "octo-release", tag_name: "v1.0.0", name: "v1.0.0", draft: true }));
  check(draft.draft === true && typeof draft.upload_url === "string", "createRelease: not a draft with an upload_url");
  const bytes = Buffer.from("octokit asset bytes\n");
  const { data: asset } = await at("repos.uploadReleaseAsset", () => octokit.rest.repos.uploadReleaseAsset({
    owner, repo: "octo-release", release_id: draft.id, url: draft.upload_url, name: "tool-linux.tar.gz",
    data: bytes, headers: { "content-type": "application/gzip", "content-length": bytes.length } }));
  check(asset.name === "tool-linux.tar.gz" && asset.size === bytes.length, "uploadReleaseAsset: " + JSON.stringify(asset));
  seen.uploadedTo = draft.upload_url;
  const { data: published } = await at("repos.updateRelease", () => octokit.rest.repos.updateRelease({
    owner, repo: "octo-release", release_id: draft.id, draft: false }));
  check(published.draft === false && published.published_at, "updateRelease: not published");

  const download = await at("download", () => fetch(asset.browser_download_url));
  check(download.status === 200, "download: " + download.status);
  check(Buffer.from(await download.arrayBuffer()).equals(bytes), "download: other bytes");

  // Enough releases for three pages of ten; paginate must follow the Link headers.
  for (let i = 1; i <= 24; i++) {
    await at("repos.createRelease " + i, () => octokit.rest.repos.createRelease({
      owner, repo: "octo-release", tag_name: `v1.0.${i}`, name: `v1.0.${i}` }));
  }
  let pages = 0;
  const all = await at("paginate repos.listReleases", () => octokit.paginate(octokit.rest.repos.listReleases,
    { owner, repo: "octo-release", per_page: 10 }, (response) => { pages++; return response.data; }));
  seen.releases = all.length;
  seen.pages = pages;
  seen.newest = all[0].tag_name;
  seen.oldest = all[all.length - 1].tag_name;

  const { data: byTag } = await at("repos.getReleaseByTag", () =>
    octokit.rest.repos.getReleaseByTag({ owner, repo: "octo-release", tag: "v1.0.0" }));
  seen.byTagAssets = byTag.assets.map((a) => a.name);

  // Contents: create, read, update with the sha read, read again.
  const put = (content, sha) => octokit.rest.repos.createOrUpdateFileContents({ owner, repo: "octo-release",
    path: "Formula/tool.rb", message: "tool", content: Buffer.from(content).toString("base64"), sha });
  const { data: created } = await at("repos.createOrUpdateFileContents (create)", () => put("class Tool\nend\n"));
  const { data: first } = await at("repos.getContent", () =>
    octokit.rest.repos.getContent({ owner, repo: "octo-release", path: "Formula/tool.rb" }));
  check(first.sha === created.content.sha, "getContent: sha differs from the write's");
  await at("repos.createOrUpdateFileContents (update)", () => put("class Tool\n  version '2'\nend\n", first.sha));
  const { data: second } = await at("repos.getContent (after update)", () =>
    octokit.rest.repos.getContent({ owner, repo: "octo-release", path: "Formula/tool.rb" }));
  seen.contents = Buffer.from(second.content, "base64").toString();

  // Fork an upstream, wait for its git data as GitHub asks, branch, commit, open a pull request.
  const { status: forkStatus } = await at("repos.createFork", () =>
    octokit.rest.repos.createFork({ owner: "NixOS", repo: "nixpkgs" }));
  seen.forkStatus = forkStatus;
  let head;
  for (let attempt = 0; ; attempt++) {
    try {
      ({ data: head } = await at("git.getRef (fork)", () =>
        octokit.rest.git.getRef({ owner, repo: "nixpkgs", ref: "heads/main" })));
      break;
    } catch (e) {
      if (e.status !== 409 || attempt > 50) {
        throw e;
      }
      seen.forkWaits = attempt + 1;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await at("git.createRef", () => octokit.rest.git.createRef({ owner, repo: "nixpkgs",
    ref: "refs/heads/tool-1.0.0", sha: head.object.sha }));
  await at("repos.createOrUpdateFileContents (fork)", () => octokit.rest.repos.createOrUpdateFileContents({
    owner, repo: "nixpkgs", path: "pkgs/by-name/to/tool/package.nix", branch: "tool-1.0.0", message: "tool: init at 1.0.0",
    content: Buffer.from("{ }\n").toString("base64") }));
  const { data: pull } = await at("pulls.create", () => octokit.rest.pulls.create({ owner: "NixOS", repo: "nixpkgs",
    head: `${owner}:tool-1.0.0`, base: "main", title: "tool: init at 1.0.0" }));
  seen.pullNumber = pull.number;
  const { data: mine } = await at("pulls.list (head filter)", () => octokit.rest.pulls.list({ owner: "NixOS",
    repo: "nixpkgs", head: `${owner}:tool-1.0.0`, state: "open" }));
  const { data: others } = await at("pulls.list (another head)", () => octokit.rest.pulls.list({ owner: "NixOS",
    repo: "nixpkgs", head: `${owner}:someone-else`, state: "open" }));
  seen.pullsForHead = mine.map((p) => p.number);
  seen.pullsForOtherHead = others.length;
  seen.pullHeadSha = mine[0].head.sha === (await octokit.rest.git.getRef({ owner, repo: "nixpkgs",
    ref: "heads/tool-1.0.0" })).data.object.sha;

  console.log(JSON.stringify(seen));
} catch (e) {
  console.error(`${step} failed: ${e.status ?? ""} ${e.message}`);
  process.exit(1);
}
