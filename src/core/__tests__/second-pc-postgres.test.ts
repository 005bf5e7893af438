import { describe } from 'vitest';
import { secondPcScenarios } from './second-pc';

describe('one person on two PCs (PostgreSQL)', () => secondPcScenarios('postgres'));
