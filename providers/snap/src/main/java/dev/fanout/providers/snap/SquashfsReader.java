package dev.fanout.providers.snap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.tukaani.xz.XZInputStream;

/**
 * Reads files out of a squashfs 4.0 image (a {@code .snap}), as the store's review does to find
 * {@code meta/snap.yaml}: the sandbox's Snap Store uses it, so the sandbox needs no
 * squashfs-tools. It reads what mksquashfs and {@link SquashfsWriter} make with xz or gzip
 * compression, with or without fragments; symlinks and devices are listed but not followed, and
 * anything else it does not understand is an {@link IOException} saying what, never a guess.
 */
final class SquashfsReader {

  /** One entry of the image: its path, basic type (1 directory, 2 file, 3 symlink, ...), permission bits, size. */
  record Listed(String path, int type, int mode, long size) { }

  private static final short COMPRESSION_GZIP = 1;
  private static final int NO_FRAGMENT = -1;

  private final ByteBuffer image;
  private final int compression;
  private final int blockSize;
  private final int fragmentCount;
  private final long rootRef;
  private final Table inodes;
  private final Table directories;
  private final long fragmentTableStart;

  private SquashfsReader(byte[] bytes) throws IOException {
    if (bytes.length < 96) {
      throw new IOException("not a squashfs image: " + bytes.length + " bytes");
    }
    image = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (image.getInt(0) != SquashfsWriter.MAGIC) {
      throw new IOException("not a squashfs image (no hsqs magic)");
    }
    if (image.getShort(28) != 4) {
      throw new IOException("squashfs version " + image.getShort(28) + "." + image.getShort(30) + " is not 4.0");
    }
    blockSize = image.getInt(12);
    fragmentCount = image.getInt(16);
    compression = image.getShort(20);
    if (compression != SquashfsWriter.COMPRESSION_XZ && compression != COMPRESSION_GZIP) {
      throw new IOException("squashfs compression " + compression + " is not xz or gzip");
    }
    rootRef = image.getLong(32);
    long bytesUsed = image.getLong(40);
    long inodeStart = image.getLong(64);
    long directoryStart = image.getLong(72);
    fragmentTableStart = image.getLong(80);
    if (bytesUsed > bytes.length || inodeStart >= directoryStart || directoryStart > bytesUsed) {
      throw new IOException("squashfs superblock points outside the image");
    }
    long directoryEnd = fragmentCount == 0 ? fragmentTableStart : firstFragmentBlock();
    inodes = new Table(inodeStart, directoryStart);
    directories = new Table(directoryStart, directoryEnd);
  }

  static SquashfsReader of(byte[] image) throws IOException {
    return new SquashfsReader(image);
  }

  /** The bytes of the regular file at {@code path}, or null when there is none. */
  byte[] read(String path) throws IOException {
    long ref = rootRef;
    for (String part : path.split("/")) {
      ByteBuffer dir = inodes.at(ref);
      Long child = lookup(dir, part);
      if (child == null) {
        return null;
      }
      ref = child;
    }
    ByteBuffer inode = inodes.at(ref);
    int type = inode.getShort(0);
    return type == SquashfsWriter.TYPE_FILE || type == SquashfsWriter.TYPE_EXT_FILE ? content(ref, inode) : null;
  }

  /** Every entry under the root, parents before children, names in the image's order. */
  List<Listed> list() throws IOException {
    List<Listed> out = new ArrayList<>();
    walk(rootRef, "", out);
    return out;
  }

  private void walk(long ref, String prefix, List<Listed> out) throws IOException {
    for (Map.Entry<String, Long> e : children(inodes.at(ref)).entrySet()) {
      String path = prefix + e.getKey();
      ByteBuffer inode = inodes.at(e.getValue());
      int type = inode.getShort(0);
      int mode = inode.getShort(2) & 07777;
      switch (type) {
        case SquashfsWriter.TYPE_DIR, 8 -> {
          out.add(new Listed(path, 1, mode, 0));
          walk(e.getValue(), path + "/", out);
        }
        case SquashfsWriter.TYPE_FILE -> out.add(new Listed(path, 2, mode, Integer.toUnsignedLong(inode.getInt(28))));
        case SquashfsWriter.TYPE_EXT_FILE -> out.add(new Listed(path, 2, mode, inode.getLong(24)));
        default -> out.add(new Listed(path, type > 7 ? type - 7 : type, mode, 0));
      }
    }
  }

  private Long lookup(ByteBuffer dir, String name) throws IOException {
    return children(dir).get(name);
  }

  /** A directory inode's children: name to inode reference. */
  private Map<String, Long> children(ByteBuffer dir) throws IOException {
    int type = dir.getShort(0);
    long block;
    int offset;
    int size;
    if (type == SquashfsWriter.TYPE_DIR) {
      block = Integer.toUnsignedLong(dir.getInt(16));
      size = Short.toUnsignedInt(dir.getShort(24));
      offset = Short.toUnsignedInt(dir.getShort(26));
    } else if (type == 8) {
      size = dir.getInt(20);
      block = Integer.toUnsignedLong(dir.getInt(24));
      offset = Short.toUnsignedInt(dir.getShort(34));
    } else {
      throw new IOException("not a directory in the squashfs image");
    }
    int end = size - 3;
    ByteBuffer listing = directories.at((block << 16) | offset, end);
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    int at = 0;
    while (at < end) {
      int count = listing.getInt(at) + 1;
      long inodeBlock = Integer.toUnsignedLong(listing.getInt(at + 4));
      at += 12;
      for (int i = 0; i < count; i++) {
        int inodeOffset = Short.toUnsignedInt(listing.getShort(at));
        int nameSize = Short.toUnsignedInt(listing.getShort(at + 6)) + 1;
        byte[] name = new byte[nameSize];
        listing.get(at + 8, name);
        out.put(new String(name, StandardCharsets.UTF_8), (inodeBlock << 16) | inodeOffset);
        at += 8 + nameSize;
      }
    }
    return out;
  }

  private byte[] content(long ref, ByteBuffer header) throws IOException {
    ByteBuffer inode = header;
    int type = inode.getShort(0);
    long start;
    long size;
    int fragment;
    int fragmentOffset;
    int sizes;
    if (type == SquashfsWriter.TYPE_FILE) {
      start = Integer.toUnsignedLong(inode.getInt(16));
      fragment = inode.getInt(20);
      fragmentOffset = inode.getInt(24);
      size = Integer.toUnsignedLong(inode.getInt(28));
      sizes = 32;
    } else {
      start = inode.getLong(16);
      size = inode.getLong(24);
      fragment = inode.getInt(44);
      fragmentOffset = inode.getInt(48);
      sizes = 56;
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException("a file of " + size + " bytes is too large to read here");
    }
    long fullBlocks = fragment == NO_FRAGMENT ? (size + blockSize - 1) / blockSize : size / blockSize;
    inode = inodes.at(ref, sizes + 4 * (int) fullBlocks);
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
    long at = start;
    for (int i = 0; i < fullBlocks; i++) {
      int entry = inode.getInt(sizes + 4 * i);
      int length = entry & ~SquashfsWriter.UNCOMPRESSED_BLOCK;
      int want = (int) Math.min(blockSize, size - (long) i * blockSize);
      if (length == 0) {
        out.write(new byte[want], 0, want);
        continue;
      }
      byte[] block = slice(at, length);
      out.writeBytes((entry & SquashfsWriter.UNCOMPRESSED_BLOCK) != 0 ? block : inflate(block, blockSize));
      at += length;
    }
    if (fragment != NO_FRAGMENT) {
      byte[] tail = fragmentBlock(fragment);
      int length = (int) (size - fullBlocks * blockSize);
      if (fragmentOffset < 0 || fragmentOffset + length > tail.length) {
        throw new IOException("a fragment points outside its block");
      }
      out.write(tail, fragmentOffset, length);
    }
    if (out.size() != size) {
      throw new IOException("a file's blocks hold " + out.size() + " bytes, its inode says " + size);
    }
    return out.toByteArray();
  }

  private long firstFragmentBlock() throws IOException {
    return image.getLong(checked(fragmentTableStart, 8));
  }

  private byte[] fragmentBlock(int index) throws IOException {
    if (index < 0 || index >= fragmentCount) {
      throw new IOException("fragment " + index + " is not in the image");
    }
    long pointer = image.getLong(checked(fragmentTableStart + 8L * (index * 16 / SquashfsWriter.METADATA_SIZE), 8));
    Table table = new Table(pointer, fragmentTableStart);
    ByteBuffer entry = table.at((index * 16L) % SquashfsWriter.METADATA_SIZE, 16);
    long start = entry.getLong(0);
    int sizeField = entry.getInt(8);
    byte[] block = slice(start, sizeField & ~SquashfsWriter.UNCOMPRESSED_BLOCK);
    return (sizeField & SquashfsWriter.UNCOMPRESSED_BLOCK) != 0 ? block : inflate(block, blockSize);
  }

  private int checked(long at, int length) throws IOException {
    if (at < 0 || at + length > image.capacity()) {
      throw new IOException("squashfs table points outside the image");
    }
    return (int) at;
  }

  private byte[] slice(long at, int length) throws IOException {
    byte[] out = new byte[length];
    image.get(checked(at, length), out);
    return out;
  }

  private byte[] inflate(byte[] packed, int limit) throws IOException {
    if (compression == SquashfsWriter.COMPRESSION_XZ) {
      try (XZInputStream in = new XZInputStream(new ByteArrayInputStream(packed))) {
        byte[] out = in.readNBytes(limit + 1);
        if (out.length > limit) {
          throw new IOException("a squashfs block unpacks to more than " + limit + " bytes");
        }
        return out;
      }
    }
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(packed);
      byte[] buffer = new byte[limit];
      int n = inflater.inflate(buffer);
      if (!inflater.finished()) {
        throw new IOException("a squashfs block unpacks to more than " + limit + " bytes");
      }
      return java.util.Arrays.copyOf(buffer, n);
    } catch (DataFormatException e) {
      throw new IOException("a squashfs block is not valid zlib data: " + e.getMessage());
    } finally {
      inflater.end();
    }
  }

  /**
   * A metadata table (inodes, directories, fragment entries) unpacked on demand: each 8 KiB block
   * is read once; a reference is the block's offset from the table start (upper bits) and the
   * offset inside the unpacked block (lower 16 bits). Items may run over into the next block.
   */
  private final class Table {
    private final long start;
    private final long end;
    private final Map<Long, byte[]> blocks = new HashMap<>();
    private final Map<Long, Long> next = new HashMap<>();

    Table(long start, long end) {
      this.start = start;
      this.end = end;
    }

    /** At least the inode header's bytes from {@code ref}. */
    ByteBuffer at(long ref) throws IOException {
      return at(ref, 64);
    }

    /** At least {@code length} bytes from {@code ref} (fewer only at the table's end), as one buffer. */
    ByteBuffer at(long ref, int length) throws IOException {
      long block = ref >>> 16;
      int offset = (int) (ref & 0xFFFF);
      ByteArrayOutputStream joined = new ByteArrayOutputStream();
      byte[] first = block(block);
      if (offset > first.length) {
        throw new IOException("a squashfs reference points past its metadata block");
      }
      joined.write(first, offset, first.length - offset);
      long following = next.get(block);
      while (joined.size() < length && start + following < end) {
        joined.writeBytes(block(following));
        following = next.get(following);
      }
      return ByteBuffer.wrap(joined.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    }

    private byte[] block(long offset) throws IOException {
      byte[] cached = blocks.get(offset);
      if (cached != null) {
        return cached;
      }
      long at = start + offset;
      if (at + 2 > end) {
        throw new IOException("a squashfs reference points past its table");
      }
      int header = Short.toUnsignedInt(image.getShort(checked(at, 2)));
      int length = header & 0x7FFF;
      byte[] body = slice(at + 2, length);
      byte[] data = (header & 0x8000) != 0 ? body : inflate(body, SquashfsWriter.METADATA_SIZE);
      blocks.put(offset, data);
      next.put(offset, offset + 2 + length);
      return data;
    }
  }
}
