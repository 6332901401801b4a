#!/usr/bin/env node
// Fanout's npm launcher: runs the jar this package carries (../fanout.jar) with
// $JAVA_HOME/bin/java, else the java on PATH. Nothing is downloaded at install time, so the
// package installs wherever its registry can be reached, GitHub or not.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const jar = path.join(__dirname, '..', 'fanout.jar');
const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
const extra = (process.env.FANOUT_JAVA_OPTS || '').split(/\s+/).filter(Boolean);
const run = spawnSync(java, [...extra, '-jar', jar, ...process.argv.slice(2)], { stdio: 'inherit' });
if (run.error) {
  console.error(`fanout: cannot start ${java} (${run.error.code}): Fanout needs Java 17 or later;`
    + ' install it, or set JAVA_HOME to one.');
  process.exit(1);
}
if (run.signal) {
  process.kill(process.pid, run.signal);
}
process.exit(run.status);
