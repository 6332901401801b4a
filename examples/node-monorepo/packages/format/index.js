'use strict';

const { slug } = require('@example/slugs-core');

/** One slug a line, for each title. */
function lines(titles) {
  return titles.map(slug).join('\n');
}

module.exports = { lines };
