'use strict';

const { lines } = require('@example/slugs-format');

/** What `slugs TITLE...` prints. */
function run(titles) {
  return lines(titles);
}

module.exports = { run };
