/** Homebrew: a multi-platform formula in a tap on GitHub, written through the contents API. */
package dev.fanout.providers.homebrew;
