import { describe } from 'vitest';
import { backupRoundTrip } from './roundtrip';

describe('office backup and restore on the local stack (PGlite)', () => backupRoundTrip('pglite'));
