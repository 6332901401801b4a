/**
 * Where Fanout's words leave the process: the terminal writers and the files it writes.
 * Every sink is made with the run's {@link dev.fanout.output.Redactor}, so a secret cannot
 * reach an output because somebody forgot a call.
 */
package dev.fanout.output;
