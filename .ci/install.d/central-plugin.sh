#!/usr/bin/env bash
# CentralPublishingPluginTest runs Sonatype's central-publishing-maven-plugin against the Portal
# emulator with Maven reaching loopback only, so the plugins it uses must be in ~/.m2 first:
# build a throwaway project with the same plugins once (online), skipping the signing and the
# publishing themselves.
set -euo pipefail
marker="$HOME/.m2/repository/org/sonatype/central/central-publishing-maven-plugin/0.9.0"
gpg="$HOME/.m2/repository/org/apache/maven/plugins/maven-gpg-plugin/3.2.7"
[ -d "$marker" ] && [ -d "$gpg" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/main/java/dev/example"
printf 'package dev.example;\n/** Greets. */\npublic final class Greeter {\n  private Greeter() { }\n}\n' > "$work/src/main/java/dev/example/Greeter.java"
plugin() { printf '<plugin><groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version>%s</plugin>\n' "$@"; }
{
  echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
  echo '<groupId>dev.example</groupId><artifactId>prefetch</artifactId><version>1.0.0</version>'
  echo '<properties><maven.compiler.release>17</maven.compiler.release><project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>'
  echo '<build><plugins>'
  plugin org.apache.maven.plugins maven-compiler-plugin 3.13.0 ''
  plugin org.apache.maven.plugins maven-resources-plugin 3.3.1 ''
  plugin org.apache.maven.plugins maven-surefire-plugin 3.5.4 ''
  plugin org.apache.maven.plugins maven-jar-plugin 3.4.2 ''
  plugin org.apache.maven.plugins maven-install-plugin 3.1.4 ''
  plugin org.apache.maven.plugins maven-deploy-plugin 3.1.4 ''
  plugin org.apache.maven.plugins maven-source-plugin 3.4.0 '<executions><execution><id>s</id><goals><goal>jar-no-fork</goal></goals></execution></executions>'
  plugin org.apache.maven.plugins maven-javadoc-plugin 3.12.0 '<executions><execution><id>j</id><goals><goal>jar</goal></goals></execution></executions>'
  plugin org.apache.maven.plugins maven-gpg-plugin 3.2.7 '<executions><execution><id>g</id><goals><goal>sign</goal></goals><configuration><signer>bc</signer></configuration></execution></executions>'
  plugin org.sonatype.central central-publishing-maven-plugin 0.9.0 '<extensions>true</extensions><configuration><skipPublishing>true</skipPublishing></configuration>'
  echo '</plugins></build></project>'
} > "$work/pom.xml"
# The plugin reads its server's credentials even when it skips publishing.
echo '<settings><servers><server><id>central</id><username>x</username><password>x</password></server></servers></settings>' > "$work/settings.xml"
(cd "$work" && mvn -B -q -s settings.xml -Dgpg.skip=true deploy >/dev/null)
