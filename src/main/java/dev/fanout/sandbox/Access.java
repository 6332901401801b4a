package dev.fanout.sandbox;

/** What a presented credential may do in the sandbox. */
public enum Access {
  /** No credential was sent: registries answer 401. */
  NONE,
  /** A credential that the registry does not know: 401 (or 403 where the registry says so). */
  INVALID,
  /** A known credential without write permission: reads work, writes get 403. */
  READ,
  /** A known credential that may publish. */
  WRITE;

  public boolean canRead() {
    return this == READ || this == WRITE;
  }

  public boolean canWrite() {
    return this == WRITE;
  }
}
