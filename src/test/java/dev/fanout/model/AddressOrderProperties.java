package dev.fanout.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Addresses sort as their text does: {@link Address#compareTo} no longer builds the text,
 * and plans, graphs and saved plans list targets in that order.
 */
class AddressOrderProperties {

  /** Short parts over the characters the text puts between them, so prefixes and ties are common. */
  @Provide
  Arbitrary<Address> addresses() {
    Arbitrary<String> part = Arbitraries.strings().withChars("ab.[]\"-_~9\u00e9\ud83d\ude00").ofMaxLength(4);
    Arbitrary<String> type = Arbitraries.of("npm", "npm_x", "npm-x", "np", "pypi", "artifact");
    return Combinators.combine(Arbitraries.oneOf(type, part.filter(s -> !s.isEmpty())), part.filter(s -> !s.isEmpty()),
        part.injectNull(0.4)).as(Address::new);
  }

  @Property(tries = 3000)
  void comparesAsItsText(@ForAll("addresses") Address a, @ForAll("addresses") Address b) {
    assertEquals(Integer.signum(a.toString().compareTo(b.toString())), Integer.signum(a.compareTo(b)),
        a + " against " + b);
  }

  /** The record's generated hashCode, written out: hash-ordered maps of addresses and edges iterate as before. */
  @Property(tries = 1000)
  void hashesAndEqualsAsTheRecordDid(@ForAll("addresses") Address a, @ForAll("addresses") Address b) {
    assertEquals((31 * a.type().hashCode() + a.name().hashCode()) * 31 + java.util.Objects.hashCode(a.key()), a.hashCode());
    boolean sameParts = a.type().equals(b.type()) && a.name().equals(b.name()) && java.util.Objects.equals(a.key(), b.key());
    assertEquals(sameParts, a.equals(b));
    assertEquals(a, new Address(a.type(), a.name(), a.key()));
    Edge e = new Edge(a, b, "depends_on", null);
    assertEquals(((31 * a.hashCode() + b.hashCode()) * 31 + "depends_on".hashCode()) * 31, e.hashCode());
    assertEquals(e, new Edge(a, b, "depends_on", null));
  }

  @Test
  void sortsAsItsTextWhereTypesAndKeysDiffer() {
    List<Address> given = List.of(Address.parse("npm.a"), Address.parse("npm-x.a"), Address.parse("npm_x.a"),
        Address.parse("npm.a[\"k\"]"), Address.parse("npm.ab"), Address.parse("artifact.bin[\"linux-amd64\"]"),
        Address.parse("artifact.bin"), Address.parse("np.z"));

    List<String> byAddress = new TreeSet<>(given).stream().map(Address::toString).toList();

    List<String> byText = new ArrayList<>(given.stream().map(Address::toString).toList());
    byText.sort(null);
    assertEquals(byText, byAddress);
  }
}
