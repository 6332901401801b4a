#!/usr/bin/env sh
# Runs the performance harness and rewrites docs/performance.md with the figures.
#
#   bench/run.sh                      # everything, 5 repetitions (about 15 minutes on 2 cores, plus the peers: changesets is slow)
#   bench/run.sh --only jmh --no-write   # the JMH benchmarks of parse, load, graph, diff alone
#   bench/run.sh --reps 1 --sizes 100,1000 --only scale --no-write   # a quick look
#   bench/run.sh --only peers --reps 3 --no-write   # changesets, Lerna and Fanout side by side
#
# The peers section needs node and npm: it installs the pinned peers (bench/peers) into
# ~/.cache/fanout/peers with npm ci on first use, and Verdaccio with .ci/install.d/npm.sh.
# The jreleaser section needs mvn: it fetches org.jreleaser:jreleaser-maven-plugin:1.23.0 once
# online when the local Maven repository lacks it, then times `mvn -o jreleaser:full-release`.
#   bench/run.sh --only jreleaser --reps 3 --no-write   # JReleaser and Fanout, a release with a tap and a bucket
#
# Not part of mvn verify: timings are not tests. Run it with the machine as quiet as you can.
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
if [ ! -f target/fanout.jar ] || [ -n "$(find src/main grammar providers pom.xml -newer target/fanout.jar -type f -print -quit 2>/dev/null)" ]; then
  echo "Building Fanout (mvn package)..." >&2
  mvn -q -B -ntp -Dstyle.color=never package -DskipTests >&2
fi
# The launcher makes its class-data archive on first use; the harness times commands with it, as users run them.
./fanout version >/dev/null
exec java -cp target/fanout.jar bench/Bench.java "$@"
