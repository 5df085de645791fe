/*
 * `sutne serve` in a child process, from the sources (tests must not depend on a build): the
 * crash tests start it, kill it with SIGKILL, and start it again.
 */
import { main } from '../../../src/cli/main';

void main(['node', 'sutne', 'serve'], { env: process.env }).then((code) => {
  process.exitCode = code;
});
