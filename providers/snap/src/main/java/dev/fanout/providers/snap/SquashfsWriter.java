package dev.fanout.providers.snap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

/**
 * Writes a squashfs 4.0 image, the format of a {@code .snap}, in Java, so a snap can be made on
 * machines without squashfs-tools (most macOS and Windows runners). It makes what
 * {@code mksquashfs DIR IMAGE -comp xz -all-root -no-xattrs -no-fragments} makes (the options
 * the store's review-tools use to repack a snap): xz blocks with a dictionary the size of a
 * block (the kernel's default for xz images), every file and directory owned by root, one time
 * for everything, entries sorted by name, no fragments, no xattrs, no export table. The same
 * tree always gives the same bytes.
 *
 * <p>Layout, as in the kernel's {@code Documentation/filesystems/squashfs.rst} and squashfs-tools'
 * {@code squashfs_fs.h}: superblock, data blocks, inode table, directory table, (empty fragment
 * table), id table, padded to 4 KiB. Inodes are written children first, so each directory's
 * listing can name where its children's inodes are; the root comes last.
 */
final class SquashfsWriter {

  /** One entry of the image: a directory (content null) or a regular file, with its permission bits. */
  record Entry(String path, byte[] content, int mode) {
    static Entry directory(String path, int mode) {
      return new Entry(path, null, mode);
    }

    static Entry file(String path, byte[] content, int mode) {
      return new Entry(path, content, mode);
    }
  }

  static final int MAGIC = 0x73717368;
  static final int BLOCK_SIZE = 128 * 1024;
  static final int METADATA_SIZE = 8192;
  static final short COMPRESSION_XZ = 4;
  static final int UNCOMPRESSED_BLOCK = 1 << 24;
  static final long INVALID = -1L;
  private static final int FLAG_NO_FRAGMENTS = 0x0010;
  private static final int FLAG_NO_XATTRS = 0x0200;
  private static final int SUPERBLOCK_SIZE = 96;
  static final int TYPE_DIR = 1;
  static final int TYPE_FILE = 2;
  static final int TYPE_EXT_FILE = 9;

  private SquashfsWriter() {
  }

  /** A directory or file of the tree being written; inode numbers are given children first. */
  private static final class Node {
    final String name;
    final byte[] content;
    final int mode;
    final TreeMap<String, Node> children = new TreeMap<>();
    int inodeNumber;
    long inodeRef;
    long blocksStart;
    final List<Integer> blockSizes = new ArrayList<>();

    Node(String name, byte[] content, int mode) {
      this.name = name;
      this.content = content;
      this.mode = mode;
    }

    boolean isDirectory() {
      return content == null;
    }
  }

  /** The image of {@code entries} (parents need not be listed: missing ones are made 0755). */
  static byte[] write(List<Entry> entries, long mtime) throws IOException {
    Node root = tree(entries);
    int count = number(root, 0);
    ByteArrayOutputStream image = new ByteArrayOutputStream();
    image.write(new byte[SUPERBLOCK_SIZE]);
    writeData(root, image);

    MetadataWriter inodes = new MetadataWriter();
    MetadataWriter directories = new MetadataWriter();
    writeInodes(root, count + 1, inodes, directories, mtime);

    long inodeTableStart = image.size();
    image.write(inodes.finish());
    long directoryTableStart = image.size();
    image.write(directories.finish());
    // No fragments: the fragment table is empty and starts where the directory table ends,
    // which is how readers know where the directory table stops.
    long fragmentTableStart = image.size();
    MetadataWriter ids = new MetadataWriter();
    ids.put(le(4).putInt(0).array());
    long idBlock = image.size();
    image.write(ids.finish());
    long idTableStart = image.size();
    image.write(le(8).putLong(idBlock).array());
    long bytesUsed = image.size();
    int padding = (int) ((4096 - bytesUsed % 4096) % 4096);
    image.write(new byte[padding]);

    byte[] out = image.toByteArray();
    ByteBuffer sb = ByteBuffer.wrap(out, 0, SUPERBLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    sb.putInt(MAGIC).putInt(count).putInt((int) mtime).putInt(BLOCK_SIZE).putInt(0)
        .putShort(COMPRESSION_XZ).putShort((short) Integer.numberOfTrailingZeros(BLOCK_SIZE))
        .putShort((short) (FLAG_NO_FRAGMENTS | FLAG_NO_XATTRS)).putShort((short) 1)
        .putShort((short) 4).putShort((short) 0)
        .putLong(root.inodeRef).putLong(bytesUsed).putLong(idTableStart).putLong(INVALID)
        .putLong(inodeTableStart).putLong(directoryTableStart).putLong(fragmentTableStart).putLong(INVALID);
    return out;
  }

  private static Node tree(List<Entry> entries) throws IOException {
    Node root = new Node("", null, 0755);
    for (Entry e : entries) {
      String[] parts = e.path().split("/");
      Node at = root;
      for (int i = 0; i < parts.length; i++) {
        String part = parts[i];
        if (part.isEmpty() || part.equals(".") || part.equals("..")) {
          throw new IOException("not a path inside the image: " + e.path());
        }
        boolean last = i == parts.length - 1;
        Node next = at.children.get(part);
        if (next == null) {
          next = last ? new Node(part, e.content(), e.mode()) : new Node(part, null, 0755);
          at.children.put(part, next);
        } else if (last || !next.isDirectory()) {
          throw new IOException("two entries for " + e.path());
        }
        at = next;
      }
    }
    return root;
  }

  /** Children before their directory, so the root is the last inode, as mksquashfs numbers them. */
  private static int number(Node node, int last) {
    int n = last;
    for (Node child : node.children.values()) {
      if (child.isDirectory()) {
        n = number(child, n);
      }
    }
    for (Node child : node.children.values()) {
      if (!child.isDirectory()) {
        child.inodeNumber = ++n;
      }
    }
    node.inodeNumber = ++n;
    return n;
  }

  private static void writeData(Node node, ByteArrayOutputStream image) throws IOException {
    for (Node child : node.children.values()) {
      if (child.isDirectory()) {
        writeData(child, image);
        continue;
      }
      child.blocksStart = child.content.length == 0 ? 0 : image.size();
      for (int at = 0; at < child.content.length; at += BLOCK_SIZE) {
        int length = Math.min(BLOCK_SIZE, child.content.length - at);
        byte[] packed = xz(child.content, at, length);
        if (packed.length < length) {
          image.write(packed);
          child.blockSizes.add(packed.length);
        } else {
          image.write(child.content, at, length);
          child.blockSizes.add(length | UNCOMPRESSED_BLOCK);
        }
      }
    }
  }

  private static void writeInodes(Node dir, int parentNumber, MetadataWriter inodes, MetadataWriter directories,
      long mtime) throws IOException {
    for (Node child : dir.children.values()) {
      if (child.isDirectory()) {
        writeInodes(child, dir.inodeNumber, inodes, directories, mtime);
      }
    }
    for (Node child : dir.children.values()) {
      if (!child.isDirectory()) {
        child.inodeRef = inodes.position();
        inodes.put(fileInode(child, mtime));
      }
    }
    long listingRef = directories.position();
    byte[] listing = listing(dir);
    if (listing.length + 3 > 0xFFFF) {
      throw new IOException("directory " + dir.name + " has too many entries for a snap");
    }
    directories.put(listing);
    int subdirectories = (int) dir.children.values().stream().filter(Node::isDirectory).count();
    dir.inodeRef = inodes.position();
    inodes.put(header(TYPE_DIR, dir.mode, mtime, dir.inodeNumber, 32)
        .putInt((int) (listingRef >>> 16)).putInt(2 + subdirectories)
        .putShort((short) (listing.length + 3)).putShort((short) (listingRef & 0xFFFF))
        .putInt(parentNumber).array());
  }

  private static byte[] fileInode(Node file, long mtime) {
    int blocks = file.blockSizes.size();
    boolean small = file.blocksStart <= 0xFFFFFFFFL && file.content.length <= 0xFFFFFFFFL;
    ByteBuffer b;
    if (small) {
      b = header(TYPE_FILE, file.mode, mtime, file.inodeNumber, 32 + 4 * blocks)
          .putInt((int) file.blocksStart).putInt(-1).putInt(0).putInt(file.content.length);
    } else {
      b = header(TYPE_EXT_FILE, file.mode, mtime, file.inodeNumber, 56 + 4 * blocks)
          .putLong(file.blocksStart).putLong(file.content.length).putLong(0).putInt(1).putInt(-1).putInt(0).putInt(-1);
    }
    file.blockSizes.forEach(b::putInt);
    return b.array();
  }

  /** Headers of up to 256 entries whose inodes share one metadata block, as the kernel reads them. */
  private static byte[] listing(Node dir) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Node> run = new ArrayList<>();
    for (Node child : dir.children.values()) {
      if (!run.isEmpty() && (run.size() == 256 || block(run.get(0)) != block(child)
          || Math.abs(child.inodeNumber - run.get(0).inodeNumber) > Short.MAX_VALUE)) {
        writeRun(run, out);
        run.clear();
      }
      run.add(child);
    }
    if (!run.isEmpty()) {
      writeRun(run, out);
    }
    return out.toByteArray();
  }

  private static long block(Node node) {
    return node.inodeRef >>> 16;
  }

  private static void writeRun(List<Node> run, ByteArrayOutputStream out) {
    Node first = run.get(0);
    out.writeBytes(le(12).putInt(run.size() - 1).putInt((int) block(first)).putInt(first.inodeNumber).array());
    for (Node n : run) {
      byte[] name = n.name.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(le(8).putShort((short) (n.inodeRef & 0xFFFF))
          .putShort((short) (n.inodeNumber - first.inodeNumber))
          .putShort((short) (n.isDirectory() ? TYPE_DIR : TYPE_FILE))
          .putShort((short) (name.length - 1)).array());
      out.writeBytes(name);
    }
  }

  private static ByteBuffer header(int type, int mode, long mtime, int number, int size) {
    return le(size).putShort((short) type).putShort((short) (mode & 07777)).putShort((short) 0).putShort((short) 0)
        .putInt((int) mtime).putInt(number);
  }

  static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** One xz stream per block, CRC32-checked, as squashfs-tools' xz compressor writes them. */
  static byte[] xz(byte[] data, int offset, int length) throws IOException {
    LZMA2Options options = new LZMA2Options(LZMA2Options.PRESET_DEFAULT);
    // The kernel decodes with a dictionary the size of a block unless the image says otherwise.
    options.setDictSize(BLOCK_SIZE);
    ByteArrayOutputStream out = new ByteArrayOutputStream(length / 2 + 64);
    try (XZOutputStream xz = new XZOutputStream(out, options, XZ.CHECK_CRC32)) {
      xz.write(data, offset, length);
    }
    return out.toByteArray();
  }

  /**
   * Packs bytes into 8 KiB metadata blocks, each compressed alone (or stored when that is not
   * smaller), with a two-byte header; a position is the block's offset in the table shifted left
   * 16 bits plus the offset inside the uncompressed block.
   */
  private static final class MetadataWriter {
    private final ByteArrayOutputStream table = new ByteArrayOutputStream();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    long position() {
      return ((long) table.size() << 16) | pending.size();
    }

    void put(byte[] bytes) throws IOException {
      int at = 0;
      while (at < bytes.length) {
        int n = Math.min(bytes.length - at, METADATA_SIZE - pending.size());
        pending.write(bytes, at, n);
        at += n;
        if (pending.size() == METADATA_SIZE) {
          flush();
        }
      }
    }

    byte[] finish() throws IOException {
      if (pending.size() > 0) {
        flush();
      }
      return table.toByteArray();
    }

    private void flush() throws IOException {
      byte[] raw = pending.toByteArray();
      byte[] packed = xz(raw, 0, raw.length);
      boolean store = packed.length >= raw.length;
      byte[] body = store ? raw : packed;
      table.writeBytes(le(2).putShort((short) (body.length | (store ? 0x8000 : 0))).array());
      table.writeBytes(body);
      pending.reset();
    }
  }
}
