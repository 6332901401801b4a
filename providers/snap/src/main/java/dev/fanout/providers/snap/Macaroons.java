package dev.fanout.providers.snap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Macaroons as the Snap Store and Ubuntu SSO use them (libmacaroons' version 1 format, which
 * pymacaroons and so snapcraft speak): minted with HMAC-SHA256, caveats chained into the
 * signature, third-party caveats carrying the caveat key sealed with NaCl's secretbox, and a
 * discharge bound to its root before every request ({@code prepare_for_request}). No
 * macaroons library is served from Maven Central here, so this follows the algorithm of the
 * macaroons paper as libmacaroons implements it; the tests hold it to pymacaroons' vectors.
 */
final class Macaroons {

  private static final byte[] KEY_GENERATOR = "macaroons-key-generator".getBytes(StandardCharsets.US_ASCII);
  private static final int NONCE = 24;

  private Macaroons() { }

  /** One caveat: first-party when {@code vid} is null. */
  record Caveat(String cid, byte[] vid, String location) {
    boolean thirdParty() {
      return vid != null;
    }
  }

  record Macaroon(String location, String identifier, List<Caveat> caveats, byte[] signature) {
    Macaroon {
      caveats = List.copyOf(caveats);
    }

    String hexSignature() {
      return HexFormat.of().formatHex(signature);
    }

    Macaroon withFirstParty(String predicate) {
      List<Caveat> more = new ArrayList<>(caveats);
      more.add(new Caveat(predicate, null, null));
      return new Macaroon(location, identifier, more, hmac(signature, bytes(predicate)));
    }

    /**
     * Adds a caveat that {@code at} must discharge: the caveat key, derived, sealed under the
     * current signature so that only a verifier holding the root key can open it.
     */
    Macaroon withThirdParty(String at, byte[] caveatKey, String cid, byte[] nonce) {
      byte[] sealed = seal(signature, nonce, pad(derive(caveatKey)));
      byte[] vid = concat(nonce, sealed);
      List<Caveat> more = new ArrayList<>(caveats);
      more.add(new Caveat(cid, vid, at));
      return new Macaroon(location, identifier, more, hmacConcat(signature, vid, bytes(cid)));
    }

    /** pymacaroons' {@code prepare_for_request}: the discharge with its signature bound to this root. */
    Macaroon bind(Macaroon discharge) {
      return new Macaroon(discharge.location(), discharge.identifier(), discharge.caveats(),
          bindSignature(signature, discharge.signature()));
    }

    /** The third-party caveat located at {@code host}, or null. */
    Caveat thirdPartyAt(String host) {
      return caveats.stream().filter(c -> c.thirdParty() && host.equals(c.location())).findFirst().orElse(null);
    }
  }

  static Macaroon mint(String location, byte[] key, String identifier) {
    return new Macaroon(location, identifier, List.of(), hmac(derive(key), bytes(identifier)));
  }

  /** HMAC(0^32, HMAC(0^32, root) || HMAC(0^32, discharge)), as pymacaroons' HashSignaturesBinder. */
  static byte[] bindSignature(byte[] root, byte[] discharge) {
    return hmacConcat(new byte[32], root, discharge);
  }

  /**
   * Why {@code root} with {@code discharges} does not verify under {@code key}, or null when it
   * does: every signature recomputed from the root key, each third-party caveat's key opened
   * from its vid, each discharge checked bound to the root, every first-party predicate
   * accepted by {@code satisfied}.
   */
  static String verify(Macaroon root, byte[] key, List<Macaroon> discharges, Predicate<String> satisfied) {
    return verify(root, root, pad(derive(key)), discharges, satisfied, 0);
  }

  private static String verify(Macaroon root, Macaroon m, byte[] key, List<Macaroon> discharges,
      Predicate<String> satisfied, int depth) {
    if (depth > 8) {
      return "discharges nest too deeply";
    }
    byte[] sig = hmac(key, bytes(m.identifier()));
    for (Caveat c : m.caveats()) {
      if (!c.thirdParty()) {
        if (!satisfied.test(c.cid())) {
          return "caveat not satisfied: " + c.cid();
        }
        sig = hmac(sig, bytes(c.cid()));
        continue;
      }
      byte[] caveatKey = open(sig, c.vid());
      if (caveatKey == null) {
        return "a third-party caveat's key cannot be opened";
      }
      Macaroon discharge = discharges.stream().filter(d -> d.identifier().equals(c.cid())).findFirst().orElse(null);
      if (discharge == null) {
        return "no discharge for the caveat at " + c.location();
      }
      String why = verify(root, discharge, caveatKey, discharges, satisfied, depth + 1);
      if (why != null) {
        return why;
      }
      sig = hmacConcat(sig, c.vid(), bytes(c.cid()));
    }
    if (m != root) {
      sig = bindSignature(root.signature(), sig);
    }
    if (!MessageDigest.isEqual(sig, m.signature())) {
      return m == root ? "the root macaroon's signature does not verify"
          : "the discharge macaroon is not bound to the root macaroon (or its signature does not verify)";
    }
    return null;
  }

  /** libmacaroons' v1 binary format, base64url without padding. */
  static String serialize(Macaroon m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    packet(out, "location", bytes(m.location()));
    packet(out, "identifier", bytes(m.identifier()));
    for (Caveat c : m.caveats()) {
      packet(out, "cid", bytes(c.cid()));
      if (c.thirdParty()) {
        packet(out, "vid", c.vid());
        packet(out, "cl", bytes(c.location()));
      }
    }
    packet(out, "signature", m.signature());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
  }

  /** Reads what {@link #serialize} writes (padding and the standard alphabet accepted, as pymacaroons does). */
  static Macaroon deserialize(String text) {
    String t = text.trim().replace('+', '-').replace('/', '_').replace("=", "");
    byte[] raw = Base64.getUrlDecoder().decode(t);
    String location = null;
    String identifier = null;
    byte[] signature = null;
    List<Caveat> caveats = new ArrayList<>();
    String cid = null;
    byte[] vid = null;
    int i = 0;
    while (i < raw.length) {
      if (i + 4 > raw.length) {
        throw new IllegalArgumentException("not a macaroon: truncated packet header");
      }
      int length = Integer.parseInt(new String(raw, i, 4, StandardCharsets.US_ASCII), 16);
      if (length < 6 || i + length > raw.length || raw[i + length - 1] != '\n') {
        throw new IllegalArgumentException("not a macaroon: bad packet length");
      }
      int space = i + 4;
      while (space < i + length && raw[space] != ' ') {
        space++;
      }
      String field = new String(raw, i + 4, space - i - 4, StandardCharsets.US_ASCII);
      byte[] value = Arrays.copyOfRange(raw, space + 1, i + length - 1);
      switch (field) {
        case "location" -> location = text(value);
        case "identifier" -> identifier = text(value);
        case "cid" -> {
          if (cid != null) {
            caveats.add(new Caveat(cid, vid, null));
          }
          cid = text(value);
          vid = null;
        }
        case "vid" -> vid = value;
        case "cl" -> {
          caveats.add(new Caveat(cid, vid, text(value)));
          cid = null;
          vid = null;
        }
        case "signature" -> signature = value;
        default -> throw new IllegalArgumentException("not a macaroon: unknown field " + field);
      }
      i += length;
    }
    if (cid != null) {
      caveats.add(new Caveat(cid, vid, null));
    }
    if (identifier == null || signature == null || signature.length != 32) {
      throw new IllegalArgumentException("not a macaroon: no identifier or signature");
    }
    return new Macaroon(location == null ? "" : location, identifier, caveats, signature);
  }

  private static void packet(ByteArrayOutputStream out, String field, byte[] value) {
    int length = 4 + field.length() + 1 + value.length + 1;
    if (length > 0xFFFF) {
      throw new IllegalArgumentException("macaroon packet too long");
    }
    out.writeBytes(String.format("%04x", length).getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(bytes(field + " "));
    out.writeBytes(value);
    out.write('\n');
  }

  /** NaCl crypto_secretbox (XSalsa20 and Poly1305): the 16-byte tag, then the ciphertext. */
  static byte[] seal(byte[] key, byte[] nonce, byte[] plain) {
    XSalsa20Engine stream = stream(key, nonce);
    byte[] polyKey = new byte[32];
    stream.processBytes(new byte[32], 0, 32, polyKey, 0);
    byte[] cipher = new byte[plain.length];
    stream.processBytes(plain, 0, plain.length, cipher, 0);
    return concat(tag(polyKey, cipher), cipher);
  }

  /** The plaintext of {@code nonce || tag || ciphertext}, or null when the tag does not match. */
  static byte[] open(byte[] key, byte[] vid) {
    if (vid.length < NONCE + 16) {
      return null;
    }
    XSalsa20Engine stream = stream(key, Arrays.copyOf(vid, NONCE));
    byte[] polyKey = new byte[32];
    stream.processBytes(new byte[32], 0, 32, polyKey, 0);
    byte[] cipher = Arrays.copyOfRange(vid, NONCE + 16, vid.length);
    if (!MessageDigest.isEqual(tag(polyKey, cipher), Arrays.copyOfRange(vid, NONCE, NONCE + 16))) {
      return null;
    }
    byte[] plain = new byte[cipher.length];
    stream.processBytes(cipher, 0, cipher.length, plain, 0);
    return plain;
  }

  private static XSalsa20Engine stream(byte[] key, byte[] nonce) {
    XSalsa20Engine engine = new XSalsa20Engine();
    engine.init(true, new ParametersWithIV(new KeyParameter(pad(key)), nonce));
    return engine;
  }

  private static byte[] tag(byte[] polyKey, byte[] data) {
    Poly1305 poly = new Poly1305();
    poly.init(new KeyParameter(polyKey));
    poly.update(data, 0, data.length);
    byte[] out = new byte[16];
    poly.doFinal(out, 0);
    return out;
  }

  static byte[] derive(byte[] key) {
    return hmac(KEY_GENERATOR, key);
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  private static byte[] hmacConcat(byte[] key, byte[] a, byte[] b) {
    return hmac(key, concat(hmac(key, a), hmac(key, b)));
  }

  /** pymacaroons' truncate_or_pad: keys are exactly 32 bytes. */
  private static byte[] pad(byte[] key) {
    return Arrays.copyOf(key, 32);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
