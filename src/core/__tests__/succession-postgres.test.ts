import { describe } from 'vitest';
import { successionScenarios } from './succession';

describe('the office root handed on with the recovery kit (PostgreSQL)', () =>
  successionScenarios('postgres'));
