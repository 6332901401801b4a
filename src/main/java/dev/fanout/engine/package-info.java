/**
 * The engine facade: the one place where a loaded configuration is bound to its registries
 * and taken through refresh, plan, apply and drift. Commands choose options and views; the
 * stages themselves live in their own packages and know nothing of each other's callers.
 */
package dev.fanout.engine;
