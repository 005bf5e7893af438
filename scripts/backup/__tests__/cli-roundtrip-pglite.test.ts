import { describe } from 'vitest';
import { cliRoundTrip } from './cli-roundtrip';

describe('npm run backup and npm run restore round trip (PGlite)', () => cliRoundTrip('pglite'));
