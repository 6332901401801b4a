#!/bin/sh
# The build step of release.fanout. Makes target/fanout.jar, the shaded jar of mvn package,
# unless it is there and newer than every source (as ./fanout decides), so a jar already built
# is reused; then the sources jar for Maven Central and the npm package's copy of the jar.
set -eu
cd "$(dirname "$0")/.."
jar=target/fanout.jar
if [ ! -f "$jar" ] || [ -n "$(find src/main grammar providers pom.xml -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  mvn -B -o -q -Dstyle.color=never package -DskipTests
fi
# Every source folder the build compiles (the core and each provider's), at its package path.
set -- README.md
for dir in src/main/java providers/*/src/main/java; do
  if [ -d "$dir" ]; then set -- "$@" -C "$dir" .; fi
done
jar --create --file target/fanout-sources.jar --date=1980-01-02T00:00:00Z "$@"
cp "$jar" packaging/npm/fanout.jar
