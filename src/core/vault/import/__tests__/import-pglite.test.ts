import { importScenarios } from './import-office';

importScenarios('pglite');
