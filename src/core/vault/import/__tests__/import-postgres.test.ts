import { importScenarios } from './import-office';

importScenarios('postgres');
