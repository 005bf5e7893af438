// For admins: keeps the People badge (how many wait for confirmation) and toasts the moment an invitee has set
// up their PC, so the admin does not have to reopen People to find out.
import { useEffect } from 'preact/hooks';
import { call, on } from '../api';
import { useStore } from '../state/store';

export function PeopleWatch() {
  const { dispatch } = useStore();
  useEffect(() => {
    const count = () =>
      call('admin.members', {}).then(
        (r) => dispatch({ type: 'waiting', count: r.members.filter((m) => m.status === 'enrolled').length }),
        () => {},
      );
    void count();
    return on('peopleChanged', ({ changes }) => {
      dispatch({ type: 'peopleChanged' });
      for (const c of changes.filter((x) => x.to === 'enrolled' && x.from !== 'enrolled').slice(0, 3))
        dispatch({
          type: 'toast',
          kind: 'info',
          message: `${c.displayName} has set up Keyroom and is waiting for your confirmation (People).`,
        });
      void count();
    });
  }, []);
  return null;
}
