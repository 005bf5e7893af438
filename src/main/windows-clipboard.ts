// Windows: Electron's clipboard API replaces the whole clipboard on every write, so it cannot put the text and
// the privacy formats on the clipboard together. PowerShell's WinForms DataObject can, in one SetDataObject:
// the text plus CanIncludeInClipboardHistory = 0, CanUploadToCloudClipboard = 0 and
// ExcludeClipboardContentFromMonitorProcessing (which also asks third-party clipboard managers to skip it).
// See learn.microsoft.com/windows/win32/dataxchg/clipboard-formats (cloud clipboard and history formats).
// The secret goes through stdin as base64 (never on the command line, which other processes can read).

export interface ChildLike {
  readonly stdin: { end(data: string): void } | null;
  once(event: 'exit', listener: (code: number | null) => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
}

export type SpawnLike = (
  command: string,
  args: readonly string[],
  options: { windowsHide: boolean },
) => ChildLike;

export const POWERSHELL_SCRIPT = [
  'Add-Type -AssemblyName System.Windows.Forms',
  '$text = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String([Console]::In.ReadLine()))',
  '$data = New-Object System.Windows.Forms.DataObject',
  '$data.SetText($text, [System.Windows.Forms.TextDataFormat]::UnicodeText)',
  "$data.SetData('CanIncludeInClipboardHistory', (New-Object System.IO.MemoryStream (,[byte[]](0,0,0,0))))",
  "$data.SetData('CanUploadToCloudClipboard', (New-Object System.IO.MemoryStream (,[byte[]](0,0,0,0))))",
  "$data.SetData('ExcludeClipboardContentFromMonitorProcessing', (New-Object System.IO.MemoryStream (,[byte[]](0))))",
  '[System.Windows.Forms.Clipboard]::SetDataObject($data, $true)',
].join('; ');

export const POWERSHELL_ARGS = [
  '-NoProfile',
  '-NonInteractive',
  '-STA',
  '-Command',
  POWERSHELL_SCRIPT,
] as const;

export function createWindowsSecretWriter(spawn: SpawnLike): (text: string) => Promise<void> {
  return (text) =>
    new Promise((resolve, reject) => {
      const child = spawn('powershell.exe', POWERSHELL_ARGS, { windowsHide: true });
      child.once('error', () => reject(new Error('clipboard helper could not start')));
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`clipboard helper exited with ${String(code)}`)),
      );
      child.stdin?.end(`${Buffer.from(text, 'utf8').toString('base64')}\n`);
    });
}
