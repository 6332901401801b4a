package dev.fanout.dsl;

/**
 * One declared block, or one value of a {@code locals} block: the unit of ordering.
 *
 * @param key how references name it, such as {@code local.name} or {@code npm.main}
 * @param type the block type as written: {@code npm}, {@code build}, {@code locals}, ...
 * @param local the attribute for a local value; null for a block
 */
record Declaration(String key, BlockKind kind, String type, Ast.Block block, Ast.Attribute local) {

  SourceRange range() {
    return block != null ? block.range() : local.range();
  }

  /** The block's one label, its name. */
  String name() {
    return block.label(0);
  }
}
