import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createWindowsSecretWriter, POWERSHELL_SCRIPT, type SpawnLike } from './windows-clipboard';

function fakeSpawn(exitCode: number) {
  const calls: { command: string; args: readonly string[]; stdin: string }[] = [];
  const spawn: SpawnLike = (command, args) => {
    const child = new EventEmitter();
    const call = { command, args, stdin: '' };
    calls.push(call);
    return Object.assign(child, {
      stdin: {
        end: (data: string) => {
          call.stdin = data;
          queueMicrotask(() => child.emit('exit', exitCode));
        },
      },
    });
  };
  return { spawn, calls };
}

describe('Windows secret writer', () => {
  it('sends the secret on stdin only, never on the command line', async () => {
    const { spawn, calls } = fakeSpawn(0);
    await createWindowsSecretWriter(spawn)('pä$$ "word"');
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.command).toBe('powershell.exe');
    expect(call?.args.join(' ')).not.toContain('word');
    expect(Buffer.from(call?.stdin.trim() ?? '', 'base64').toString('utf8')).toBe('pä$$ "word"');
  });

  it('marks the copy to stay out of clipboard history, cloud clipboard and clipboard monitors', () => {
    expect(POWERSHELL_SCRIPT).toContain(
      "'CanIncludeInClipboardHistory', (New-Object System.IO.MemoryStream (,[byte[]](0,0,0,0)))",
    );
    expect(POWERSHELL_SCRIPT).toContain("'CanUploadToCloudClipboard'");
    expect(POWERSHELL_SCRIPT).toContain("'ExcludeClipboardContentFromMonitorProcessing'");
    // One SetDataObject call: text and markers land on the clipboard together.
    expect(POWERSHELL_SCRIPT.match(/SetDataObject/g)).toHaveLength(1);
  });

  it('fails when the helper fails, so the UI does not claim a copy happened', async () => {
    const { spawn } = fakeSpawn(1);
    await expect(createWindowsSecretWriter(spawn)('x')).rejects.toThrow(/exited with 1/);
  });
});
