/** Scoop: a manifest in a bucket on GitHub, written through the contents API. */
package dev.fanout.providers.scoop;
