// The services mounted on the stack's port, in the order they are started (and stopped in reverse).
// Each engineer adds their service's factory here: auth (/auth/v1), rest (/rest/v1),
// realtime (/realtime/v1), functions (/functions/v1).
import { authService } from './auth/service';
import { functionsService } from './functions/service';
import { realtimeService } from './realtime/service';
import { restService } from './rest/service';
import type { ServiceFactory } from './server';

export const services: ServiceFactory[] = [
  authService(),
  restService(),
  realtimeService(),
  functionsService(),
];
