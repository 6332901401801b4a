#!/bin/sh
# Builds the library's jar with the JDK alone (a real project runs mvn package or gradle build).
# Reproducible: classes compiled into a fixed folder, jar entries with a fixed time.
set -eu
version="$1"; out="$2"
rm -rf build/classes && mkdir -p build/classes "$(dirname "$out")"
javac --release 11 -d build/classes $(find src/main/java -name '*.java')
jar --create --file "$out" --date=1985-10-26T08:15:00Z -C build/classes .
