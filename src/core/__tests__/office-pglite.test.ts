import { describe } from 'vitest';
import { officeScenarios } from './scenarios';

describe('an office of simulated PCs on the local stack (PGlite)', () => officeScenarios('pglite'));
