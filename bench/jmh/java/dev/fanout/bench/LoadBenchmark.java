package dev.fanout.bench;

import dev.fanout.dsl.ConfigLoader;
import dev.fanout.dsl.Syntax;
import dev.fanout.provider.Providers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading a release: {@code parse} is text to syntax tree alone; {@code load} is what
 * {@code validate} and {@code plan} do first (read, parse, check, evaluate into a Config), so
 * load minus parse is the checker's and evaluator's share.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LoadBenchmark {

  @Param(Releases.DEFAULT)
  public String release;

  private Providers providers;
  private Path dir;
  private List<String> texts;

  @Setup
  public void setUp() {
    providers = Providers.load();
    dir = Releases.folder(release);
    texts = Releases.texts(dir);
    Releases.load(providers, dir);
  }

  @TearDown
  public void tearDown() {
    Releases.discard(release, dir);
  }

  @Benchmark
  public List<Syntax.Result> parse() {
    List<Syntax.Result> out = new ArrayList<>(texts.size());
    for (String text : texts) {
      out.add(Syntax.parse("release.fanout", text));
    }
    return out;
  }

  @Benchmark
  public ConfigLoader.Result load() {
    return Releases.loader(providers).load(dir);
  }
}
