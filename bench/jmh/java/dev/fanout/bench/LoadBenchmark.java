package dev.fanout.bench;

import dev.fanout.dsl.ConfigLoader;
import dev.fanout.dsl.Syntax;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * Reading a release: {@code parse} is text to syntax tree alone; {@code load} is what
 * {@code validate} and {@code plan} do first (read, parse, check, evaluate into a Config), so
 * load minus parse is the checker's and evaluator's share.
 */
public class LoadBenchmark extends ReleaseBenchmark {

  private List<String> texts;

  @Override
  protected void prepare() {
    texts = Releases.texts(dir);
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
