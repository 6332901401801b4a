/**
 * The release's publications bound to their registries: which provider, which endpoints,
 * which credential, where (for people). Built once per run from the configuration and the
 * routing (direct, or the sandbox's), then handed as a plain value to refresh, plan, apply
 * and drift.
 */
package dev.fanout.target;
