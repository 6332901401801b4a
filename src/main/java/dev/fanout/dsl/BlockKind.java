package dev.fanout.dsl;

/**
 * What a top-level block of a release file declares. The kind decides how a declaration is
 * keyed for references, where it goes in the evaluation order, and what evaluates it.
 */
enum BlockKind {
  /** One value of a {@code locals} block; the block itself declares nothing. */
  LOCAL("locals", "local.", 0),
  RELEASE("release", "", 1),
  /** A provider's settings (endpoints, credentials), evaluated before the blocks that use them. */
  PROVIDER("provider", "provider.", 2),
  BUILD("build", "build.", 3),
  ARTIFACT("artifact", "artifact.", 4),
  /** A block whose type names a provider: {@code npm}, {@code github_release}, ... */
  PUBLICATION(null, null, 5),
  /** Set from outside before anything else, so never in the order. */
  VARIABLE("variable", "var.", 5);

  private final String keyword;
  private final String keyPrefix;
  private final int rank;

  BlockKind(String keyword, String keyPrefix, int rank) {
    this.keyword = keyword;
    this.keyPrefix = keyPrefix;
    this.rank = rank;
  }

  /** The kind of a block of this type; any type that is not a core block is a publication. */
  static BlockKind of(String blockType) {
    for (BlockKind k : values()) {
      if (blockType.equals(k.keyword)) {
        return k;
      }
    }
    return PUBLICATION;
  }

  /** The block types every release file may hold besides publications. */
  static java.util.List<String> coreBlocks() {
    return java.util.Arrays.stream(values()).filter(k -> k.keyword != null).map(k -> k.keyword).toList();
  }

  /** How references name the declaration: {@code release}, {@code var.NAME}, {@code npm.NAME}. */
  String key(String blockType, String name) {
    if (this == RELEASE) {
      return "release";
    }
    return (keyPrefix == null ? blockType + "." : keyPrefix) + name;
  }

  /** Among blocks free to go in any order, lower ranks go first; ties go by key. */
  int rank() {
    return rank;
  }

  /** Builds, artifacts and publications: blocks with instances, {@code for_each} and {@code enabled}. */
  boolean hasInstances() {
    return this == BUILD || this == ARTIFACT || this == PUBLICATION;
  }
}
