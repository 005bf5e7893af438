// App state provider: one reducer, fed by the main process's pushed events and by the screens.
import { type ComponentChildren, createContext } from 'preact';
import { useContext, useEffect, useReducer } from 'preact/hooks';
import { call, on } from '../api';
import {
  type Action,
  type AppState,
  describeChanges,
  describeDeviceAdded,
  initialState,
  reducer,
} from './app-state';

interface Store {
  state: AppState;
  dispatch: (action: Action) => void;
}

const StoreContext = createContext<Store | null>(null);

export function StoreProvider({ children }: { children: ComponentChildren }) {
  const [state, dispatch] = useReducer(reducer, initialState);

  useEffect(() => {
    const offs = [
      on('sessionChanged', (session) => dispatch({ type: 'session', session })),
      on('syncStateChanged', (sync) => dispatch({ type: 'sync', sync })),
      on('policyChanged', (policy) => dispatch({ type: 'policy', policy })),
      on('conflictsChanged', ({ count }) => dispatch({ type: 'conflicts', count })),
      on('toast', ({ kind, message }) => dispatch({ type: 'toast', kind, message })),
      // A new office root: the admin pages read the people and the root again (a revision, like an entry change).
      on('officeRootChanged', () => dispatch({ type: 'entriesChanged' })),
      on('updateAvailable', (u) => dispatch({ type: 'update', update: { kind: 'available', ...u } })),
      on('updateRequired', (u) =>
        dispatch({
          type: 'session',
          session: { state: 'updateRequired', running: u.running, required: u.required },
        }),
      ),
      on('deviceAdded', (device) =>
        dispatch({ type: 'toast', kind: 'warning', message: describeDeviceAdded(device) }),
      ),
      on('entriesChanged', ({ changes }) => {
        dispatch({ type: 'entriesChanged' });
        const text = describeChanges(changes);
        if (text) dispatch({ type: 'toast', kind: 'info', message: text });
      }),
    ];
    void Promise.all([call('session.state', {}), call('app.info', {}), call('settings.get', {})]).then(
      ([session, info, settings]) => {
        dispatch({ type: 'info', info });
        dispatch({ type: 'settings', settings });
        dispatch({ type: 'session', session });
      },
      () =>
        dispatch({
          type: 'toast',
          kind: 'error',
          message: 'Keyroom could not start. Please restart the app.',
        }),
    );
    return () => {
      for (const off of offs) off();
    };
  }, []);

  return <StoreContext.Provider value={{ state, dispatch }}>{children}</StoreContext.Provider>;
}

export function useStore(): Store {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore outside StoreProvider');
  return store;
}

// Shows a toast; the convenience most screens need after an action.
export function useToast(): (kind: AppState['toasts'][number]['kind'], message: string) => void {
  const { dispatch } = useStore();
  return (kind, message) => dispatch({ type: 'toast', kind, message });
}
