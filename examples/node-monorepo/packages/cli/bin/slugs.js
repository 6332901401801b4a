#!/usr/bin/env node
'use strict';

console.log(require('..').run(process.argv.slice(2)));
