import { describe } from 'vitest';
import { keptStateRoundTrip } from './cli-kept';

describe('npm run backup and npm run restore with a kept state folder (PGlite)', () =>
  keptStateRoundTrip('pglite'));
